"""Journalist tools over the search engine: what they share.

    compare   search.compare   the best passage of each agency (or year), side by side
    trend     search.trend     matching reports per year, and as a share of that year's reports
    similar   search.similar   passages in other reports that say nearly the same thing
    kwic      search.kwic      every occurrence of a word with its left and right context
    export    search.export    all matching passages with citations, as CSV or JSON Lines
    batch     search.export    many queries at once: matching reports per year and agency
    cite      search.journal   a one-line citation of a passage (below)

search.journal_text renders them for a terminal, search.journal_api serves them over HTTP.

This module holds what they all need: the full set of documents a query matches (not just the
top hits), a passage by id, hits in the engine's shape, and the one-line citation a journalist
can paste. Everything here goes through `Engine.searcher()` and `Engine.compile()`, so results
agree with `search` exactly."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from index.schema import PASSAGE
from search import query as ql
from search.engine import Engine, NotFound
from search.highlight import mark

__all__ = [
    "Engine",
    "Matches",
    "NotFound",
    "QueryError",
    "citation",
    "cite",
    "csv_text",
    "filters_of",
    "hit",
    "matches",
    "passage",
]

QueryError = ql.QueryError
PASSAGE_ID = re.compile(r"[0-9a-f]{1,64}")
MIN_ID_PREFIX = 6  # a passage id may be shortened to a unique prefix of this many characters
NO_AGENCY = "（未注明机构）"
NO_YEAR = "年份不详"
BOM = "\ufeff"  # CSV starts with it so Excel reads the file as UTF-8


@dataclass
class Matches:
    """Every passage a query matches: `docs` are Whoosh document numbers in index order."""

    searcher: object
    cols: object
    query: wq.Query
    terms: list[str]  # what to highlight
    docs: np.ndarray
    filters: list[ql.Filter]  # the options plus the query's top-level inline filters
    rank: wq.Query | None = None  # the engine's ranking query (score with search.rank.scores)

    @property
    def reports(self) -> int:
        return int(len(np.unique(self.cols.report[self.docs]))) if len(self.docs) else 0


def filters_of(
    agency: str | None = None, year: str | None = None, section: str | None = None
) -> list[ql.Filter]:
    """The --agency/--year/--section options as query filters (checked: raises QueryError)."""
    return [
        ql.check_filter(f, v)
        for f, v in (("agency", agency), ("year", year), ("section", section))
        if v
    ]


def inline_filters(text: str) -> list[ql.Filter]:
    """The filters written at the top level of a query (`改革 year:2015` → [year:2015]); ones
    inside OR or NOT are part of the query proper and not returned."""
    if not text.strip():
        return []
    tree = ql.parse(text)
    if isinstance(tree, ql.Filter):
        return [tree]
    if isinstance(tree, ql.And):
        return [n for n in tree.nodes if isinstance(n, ql.Filter)]
    return []


def matches(
    engine: Engine,
    text: str,
    *,
    agency: str | None = None,
    year: str | None = None,
    section: str | None = None,
    filters: Iterable[ql.Filter] = (),
    extra: wq.Query | None = None,
    searcher=None,
) -> Matches:
    """All passages matching `text` and the filters, as `search` counts them; `extra` (a
    Whoosh query) narrows them further, and with it an empty `text` means every passage.
    `searcher`: a searcher of one's own over the same index generation as the engine's."""
    fl = filters_of(agency, year, section) + list(filters)
    s, cols = engine.searcher()
    s = searcher or s
    if not text.strip() and not fl and extra is not None:
        q, terms, rank_q = wq.Term("kind", PASSAGE), [], None
        docs = cols.passage_docs
    else:
        q, terms = engine.compile(text, fl, cols)
        docs, rank_q, terms = engine.match(text, fl)
    if extra is not None:
        q = wq.And([q, extra])
        docs = np.intersect1d(docs, np.fromiter(s.docs_for_query(extra), dtype=np.int64))
    return Matches(s, cols, q, terms, docs, fl + inline_filters(text), rank_q)


def own_searcher(engine: Engine):
    """A searcher of one's own (close it when done) over the same index generation as the
    engine's, so the engine's cached columns hold for its document numbers."""
    for _ in range(3):
        s, _ = engine.searcher()
        own = engine.ix.searcher(weighting=s.weighting)
        if own.reader().generation() == s.reader().generation():
            return own
        own.close()  # a commit landed in between: catch up and try again
        engine.refresh()
    raise QueryError("the index is being updated right now; try again in a moment")


def universe(engine: Engine, filters: list[ql.Filter]) -> np.ndarray:
    """Document numbers of every passage that passes `filters` (all passages for none)."""
    _s, cols = engine.searcher()
    return engine.match("", filters)[0] if filters else cols.passage_docs


def passage(engine: Engine, passage_id: str) -> tuple[object, int, dict]:
    """(searcher, docnum, stored fields) of a passage, by id or a unique prefix of at least
    six characters. Raises NotFound (also for an ambiguous prefix, with a message)."""
    pid = (passage_id or "").strip().lower()
    if not PASSAGE_ID.fullmatch(pid):
        raise NotFound(f"no passage {passage_id!r} in the index (ids look like f4d480a659443258)")
    s, _ = engine.searcher()
    docnum = s.document_number(kind=PASSAGE, passage_id=pid)
    if docnum is None and len(pid) >= MIN_ID_PREFIX:
        q = wq.And([wq.Term("kind", PASSAGE), wq.Prefix("passage_id", pid)])
        found = []
        for d in s.docs_for_query(q):
            found.append(d)
            if len(found) > 1:
                raise NotFound(f"passage id {passage_id!r} is ambiguous: give more characters")
        docnum = found[0] if found else None
    if docnum is None:
        short = (
            f" (a shortened id needs {MIN_ID_PREFIX}+ characters)"
            if len(pid) < MIN_ID_PREFIX
            else ""
        )
        raise NotFound(f"no passage {passage_id!r} in the index{short}")
    return s, docnum, s.stored_fields(docnum)


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


def citation(h: dict) -> str:
    """One line to paste, e.g.
    西安市高陵区人民政府办公室《2017年政府信息公开工作年度报告》（2018-01-11），
    “二、依申请公开政府信息的开展情况”，段落 f4d480a659443258 来源：corpus/samples/001.txt"""
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
    out += f"，段落 {h['passage_id']}"
    source = readable_url(_plain(h.get("url"))) or _plain(h.get("source"))
    if source:
        out += f" 来源：{source}"
    return out


def hit(fields: dict, score: float | None = None, terms: Iterable[str] = ()) -> dict:
    """A passage in the shape `search` returns its hits, plus its `citation`."""
    text = fields.get("text", "")
    h = {
        "report_id": fields["report_id"],
        "passage_id": fields["passage_id"],
        "title": fields.get("title", ""),
        "agency": fields.get("agency", ""),
        "year": fields.get("year") or None,
        "published": fields.get("published"),
        "section": fields.get("section", ""),
        "heading": fields.get("heading", ""),
        "text": text,
        "highlight": mark(text, list(terms)),
        "score": round(float(score), 4) if score is not None else None,
        "source": fields.get("source", ""),
        "url": fields.get("url"),
    }
    h["citation"] = citation(h)
    return h


def cite(engine: Engine, passage_id: str) -> dict:
    """The passage with its citation (raises NotFound)."""
    _, _, fields = passage(engine, passage_id)
    return hit(fields)


def group_label(by: str, value) -> str:
    """How a group value reads to a person: '' agency and missing year get a label."""
    if by == "year":
        return str(value) if value else NO_YEAR
    return value or NO_AGENCY


def csv_text(rows: Iterable[dict], columns: list[str], bom: bool = True) -> Iterator[str]:
    """CSV, a chunk per row (header first), with a UTF-8 BOM so Excel shows Chinese."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    if bom:
        buf.write(BOM)
    w.writeheader()
    yield buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        w.writerow({k: ("" if v is None else v) for k, v in row.items()})
        yield buf.getvalue()
