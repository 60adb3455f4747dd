"""The cluster's rows without a cluster: the fast field builders give exactly the tokens the
query side (search/cluster/translate.py) asks for, and the SQL the store sends reads back as
the row it was made from."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from index.analysis import analyse, bigrams, squeeze, words_and_plain
from index.cluster.config import COLUMNS
from index.cluster.documents import char_token, gram_token, report_rows, text_fields
from index.cluster.writer import _replaces, _value
from index.normalize import normalize

texts = st.text(
    st.one_of(
        st.sampled_from("政务公开依申请人民，。 a1Z\u3000ｆ𠀀'\\\"\n\x00%"),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=40,
)


@given(texts)
def test_text_fields_are_the_token_functions_over_the_analysis(text):
    plain = squeeze(normalize(text))
    grams, chars = text_fields(plain)
    assert grams.split() == [gram_token(g) for g in bigrams(plain)]
    assert chars.split() == [char_token(c) for c in plain]
    assert re.fullmatch(r"[0-9a-z ]*", grams + chars)  # searchd's charset: no escaping needed


@settings(deadline=None)  # the first call loads jieba's dictionary
@given(texts)
def test_words_and_plain_is_analyse_without_the_bigrams(text):
    words, grams, plain = analyse(text)
    assert words_and_plain(text) == (words, plain) and grams == bigrams(plain)


_LITERAL = re.compile(r"'((?:[^'\\]|\\.)*)'|(-?\d+)")
_UNESCAPE = {"0": "\0", "n": "\n", "r": "\r", "Z": "\x1a"}


def _read_back(value: str) -> list:
    """A SQL value tuple parsed back, undoing MySQL string escapes."""
    out = []
    for m in _LITERAL.finditer(value[1:-1]):
        if m.group(2) is not None and m.group(1) is None:
            out.append(int(m.group(2)))
        else:
            s = re.sub(r"\\(.)", lambda e: _UNESCAPE.get(e.group(1), e.group(1)), m.group(1))
            out.append(s)
    return out


def test_values_read_back_as_the_rows(tmp_path):
    from corpus.reader import read_reports

    f = tmp_path / "r.txt"
    f.write_text(
        "某某县人民政府2020年政府信息公开工作年度报告\n\n一、总体情况\n"
        "今年'引号'与\\反斜杠\\、换行\r与百分号%s都要原样存下。\n二、主动公开政府信息情况\n"
        "主动公开文件12件。\n",
        "utf-8",
    )
    (report,) = read_reports(str(f))
    rows = report_rows(report)
    assert len(rows) == len(report.passages) + 1
    for row in rows:
        back = _read_back(_value(row))
        assert len(back) == len(COLUMNS)
        for col, got in zip(COLUMNS, back, strict=True):
            if col in row:
                assert got == row[col], col
    (statement,) = _replaces("idx_0", [_value(r) for r in rows])
    assert statement.startswith(f"REPLACE INTO idx_0 ({', '.join(COLUMNS)}) VALUES (")
    assert statement.count("),(") == len(rows) - 1
