"""Decoding: whatever encoding a portal used, the text comes out right, and non-text is refused."""

import codecs

import pytest

from corpus.decode import DecodeError, decode_bytes

TEXT = "平房区2009年政府信息公开工作年度报告：依申请公开办结率100%。"


def test_utf8_plain_and_with_bom():
    assert decode_bytes(TEXT.encode("utf-8"))[0] == TEXT
    text, enc = decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert text == TEXT and enc == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    assert decode_bytes(bom + TEXT.encode(codec))[0] == TEXT


def test_gbk_without_declaration():
    assert decode_bytes(TEXT.encode("gbk"))[0] == TEXT


def test_page_declaring_gb2312_but_using_gbk_only_characters():
    # 镕 and 喆 are in GBK but not in GB2312: a strict gb2312 decoder fails on this page.
    page = f'<html><head><meta charset="gb2312"></head><body><p>{TEXT}朱镕基 王喆</p></body></html>'
    data = page.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")
    text, _ = decode_bytes(data)
    assert "朱镕基 王喆" in text and TEXT in text


def test_gb18030_four_byte_characters():
    s = TEXT + "䶮𠀀"
    assert decode_bytes(s.encode("gb18030"))[0] == s


def test_binary_is_refused_not_crashed():
    import random

    rnd = random.Random(7)
    blob = bytes(rnd.randrange(256) for _ in range(5000))
    with pytest.raises(DecodeError):
        decode_bytes(blob)


def test_truncated_gbk_still_decodes():
    data = (TEXT * 20).encode("gbk")[:-1]  # cut in the middle of a two-byte character
    text, _ = decode_bytes(data)
    assert text.startswith(TEXT)
