"""Lenient date parsing for the ways Chinese portals print dates."""

from __future__ import annotations

import re

_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:[-/.年]\s*)?(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})\s*日?")
_ONLY_DATE = re.compile(
    r"^[（(【\[]?\s*((?:19|20)\d{2})\s*(?:[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[）)】\]]?$"
)


# 二〇一二年二月二十日 / 二○一二年三月五日: a year digit by digit, month and day as numbers.
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_DATE = re.compile(
    r"([〇○零Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月"
    r"(?:\s*([一二三四五六七八九十]{1,3})\s*[日号])?"
)


def _cn_small(s: str) -> int:
    if "十" not in s:
        return _CN_DIGIT[s] if len(s) == 1 else 0
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


def arabic_dates(text: str) -> str:
    """Chinese-numeral dates rewritten with digits: 二〇一二年二月二十日 → 2012年2月20日."""

    def sub(m: re.Match[str]) -> str:
        year = "".join(str(_CN_DIGIT[c]) for c in m.group(1))
        day = f"{_cn_small(m.group(3))}日" if m.group(3) else ""
        return f"{year}年{_cn_small(m.group(2))}月{day}"

    return _CN_DATE.sub(sub, text) if "年" in text else text


def _iso(y: str, m: str, d: str) -> str | None:
    yi, mi, di = int(y), int(m), int(d)
    if 1949 <= yi <= 2100 and 1 <= mi <= 12 and 1 <= di <= 31:
        return f"{yi:04d}-{mi:02d}-{di:02d}"
    return None


def parse_date(text: str) -> str | None:
    """The first plausible date in `text` as ISO (YYYY-MM-DD), or None."""
    for m in _DATE.finditer(arabic_dates(text)):
        iso = _iso(*m.groups())
        if iso:
            return iso
    return None


def date_only(line: str) -> str | None:
    """ISO date when the whole line is a date (a signature date like 2013年1月15日)."""
    m = _ONLY_DATE.match(arabic_dates(line.strip()))
    return _iso(*m.groups()) if m else None
