"""cite: the one-line citation of a passage a journalist can paste, and every tool's hit (a
search hit plus its citation)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from search import results
from search.backend import SearchEngine
from search.tools.common import passage


def _plain(value) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()


_PCT_NON_ASCII = re.compile(r"(?:%[89a-fA-F][0-9a-fA-F])+")


def readable_url(url: str) -> str:
    """`url` with percent-encoded UTF-8 (Chinese page names) shown as the characters, the way
    browsers display it; ASCII escapes such as %20 or %2F stay as they are."""

    def decode(m: re.Match) -> str:
        try:
            return bytes.fromhex(m.group(0).replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            return m.group(0)

    return _PCT_NON_ASCII.sub(decode, url)


OCR_MARK = "〔OCR〕"  # a passage read through OCR from a page image: its text may hold misreadings


def citation(h: Mapping) -> str:
    """One line to paste, e.g.
    西安市高陵区人民政府办公室《2017年政府信息公开工作年度报告》（2018-01-11），
    “二、依申请公开政府信息的开展情况”，段落 f4d480a659443258 来源：001.txt
    (the report's URL when it has one, else its file's name relative to the folder given to
    `ingest`, `2017/report.pdf`, `dump.jsonl:12` for a JSONL line: the same on every machine,
    never a folder of the disk that read it)."""
    agency = _plain(h.get("agency"))
    title = _plain(h.get("title")).replace("《", "〈").replace("》", "〉") or "无标题"
    out = f"{agency}《{title}》"
    if h.get("published"):
        out += f"（{_plain(h['published'])}）"
    elif h.get("year"):
        out += f"（{h['year']}年度）"
    heading = _plain(h.get("heading")).replace("“", "‘").replace("”", "’")
    if len(heading) > 60:
        heading = heading[:59] + "…"
    if heading:
        out += f"，“{heading}”"
    out += f"，段落 {h['passage_id']}" + (OCR_MARK if h.get("ocr") else "")
    source = readable_url(_plain(h.get("url"))) or _plain(h.get("source"))
    if source:
        out += f" 来源：{source}"
    return out


@dataclass(slots=True)
class CitedHit(results.Hit):
    """A passage in the shape `search` returns its hits, plus its `citation` (= cite --json)."""

    citation: str = ""  # (a default only because Hit.ocr has one: always given)


def hit(fields: Mapping, score: float | None = None, terms: Iterable[str] = ()) -> CitedHit:
    """A passage in the shape `search` returns its hits, plus its `citation`."""
    h = results.hit(fields, score, list(terms))
    return CitedHit(**h.to_dict(), citation=citation(h.to_dict()))


def cite(engine: SearchEngine, passage_id: str) -> CitedHit:
    """The passage with its citation (raises NotFound)."""
    _, _, fields = passage(engine, passage_id)
    return hit(fields)
