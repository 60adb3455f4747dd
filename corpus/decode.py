"""Bytes to text. Government sites mislabel encodings often (gb2312 declared, GBK used),
so declared charsets are widened to their supersets and everything is verified."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from corpus.chars import HAN_CHAR

# A declared charset is a hint; decode with the superset that real pages actually use.
_WIDEN = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
}

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)


class DecodeError(ValueError):
    pass


def _norm_codec(name: str) -> str | None:
    name = name.strip().lower()
    name = _WIDEN.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return _norm_codec(m.group(1).decode("ascii", "ignore")) if m else None


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    return len(HAN_CHAR.findall(text)) / len(text)


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises DecodeError when the bytes are not text."""
    text, enc = _decode(data)
    sample = text[:20_000]
    if sample and len(_CONTROL.findall(sample)) > max(4, len(sample) // 100):
        raise DecodeError("binary data (control bytes), not text")
    return text, enc


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:4096]:
        raise DecodeError("binary data (NUL bytes), not text")

    candidates = []
    declared = declared_charset(data)
    if declared:
        candidates.append(declared)
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue

    # Neither clean UTF-8 nor clean GB18030: truncated or mixed bytes. Read it as each
    # candidate and as charset-normalizer's guess; keep the reading with the fewest characters
    # that stand for bytes it could not read (U+FFFD, and the private-use code points GB18030
    # maps stray byte pairs to), and refuse it when they pass a small share: a few broken
    # bytes in a long report are kept, a garbled file is named, never indexed as garbage.
    best = from_bytes(data[:200_000]).best()
    guesses = [*candidates[1:], best.encoding if best else "gb18030"]
    readings = []
    for enc in dict.fromkeys(guesses):
        try:
            text = data.decode(enc, errors="replace")
        except LookupError:
            continue
        readings.append((_unreadable(text), -_cjk_share(text[:20_000]), enc, text))
    bad, neg_cjk, enc, text = min(readings)
    if bad > max(8, len(text) * UNDECODABLE_SHARE) or (-neg_cjk < 0.05 and bad):
        raise DecodeError(
            f"undecodable bytes ({bad:,} of {len(text):,} characters unreadable even as {enc}; "
            "not UTF-8 or GB18030 throughout): save it again as UTF-8"
        )
    return text, enc


# Characters past which a file that is not clean UTF-8 or GB18030 is refused (a share of all).
UNDECODABLE_SHARE = 0.005
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _unreadable(text: str) -> int:
    return text.count("\ufffd") + len(_PRIVATE_USE.findall(text))
