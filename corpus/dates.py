"""Lenient date parsing for the ways Chinese portals print dates."""

from __future__ import annotations

import re

_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:[-/.年]\s*)?(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})\s*日?")
_ONLY_DATE = re.compile(
    r"^[（(【\[]?\s*((?:19|20)\d{2})\s*(?:[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[）)】\]]?$"
)


def _iso(y: str, m: str, d: str) -> str | None:
    yi, mi, di = int(y), int(m), int(d)
    if 1949 <= yi <= 2100 and 1 <= mi <= 12 and 1 <= di <= 31:
        return f"{yi:04d}-{mi:02d}-{di:02d}"
    return None


def parse_date(text: str) -> str | None:
    """The first plausible date in `text` as ISO (YYYY-MM-DD), or None."""
    for m in _DATE.finditer(text):
        iso = _iso(*m.groups())
        if iso:
            return iso
    return None


def date_only(line: str) -> str | None:
    """ISO date when the whole line is a date (a signature date like 2013年1月15日)."""
    m = _ONLY_DATE.match(line.strip())
    return _iso(*m.groups()) if m else None
