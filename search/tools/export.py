"""export: every passage a query matches, with full metadata and a citation, as rows to stream
(search/render writes them as CSV or JSON Lines). batch: many queries in one
go, summarised as matching reports per query per year, agency and section."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from search import query as ql
from search import rank
from search.engine import Engine
from search.query import QueryError
from search.tools.cite import hit
from search.tools.common import matches

ORDERS = ("relevance", "document")
COLUMNS = [
    "rank",
    "score",
    "agency",
    "year",
    "title",
    "published",
    "section",
    "heading",
    "text",
    "passage_id",
    "report_id",
    "source",
    "url",
    "citation",
]
# JSON Lines carry the highlight too (HTML), for readers that show the passage marked
COLUMNS_BY_FORMAT = {"csv": COLUMNS, "jsonl": [*COLUMNS, "highlight"]}
BATCH_COLUMNS = ["query", "dimension", "value", "reports"]
BATCH_DIMENSIONS = ("year", "agency", "section")


class Export:
    """The passages of one query, ready to stream: `total` is known up front, `rows()`
    reads the stored fields of one passage at a time."""

    def __init__(self, m, order: str):
        self.m = m
        self.total = int(len(m.docs))
        self.reports = m.reports
        self.order = order

    def _ranked(self) -> Iterator[tuple[int, float | None]]:
        m = self.m
        docs = m.docs
        if self.order == "relevance" and m.plan is not None:
            score = m.scores()
            for i in rank.ranked(docs, score, m.cols.position).tolist():
                yield int(docs[i]), float(score[i])
            return
        # document order: reports newest first (as `reports` lists them), passages in order
        for i in np.argsort(m.cols.position[docs], kind="stable").tolist():
            yield int(docs[i]), None

    def rows(self) -> Iterator[dict]:
        s = self.m.searcher
        for n, (docnum, score) in enumerate(self._ranked(), 1):
            h = hit(s.stored_fields(docnum), score, self.m.terms)
            h["rank"] = n
            yield h


def export(
    engine: Engine,
    text: str,
    *,
    agency: str | None = None,
    year: str | None = None,
    section: str | None = None,
    order: str = "relevance",
    searcher=None,
) -> Export:
    """The passages to export; `searcher`: one of one's own (see journal.own_searcher)."""
    if order not in ORDERS:
        raise QueryError(f"order by relevance or document, not {order!r}")
    m = matches(engine, text, agency=agency, year=year, section=section, searcher=searcher)
    return Export(m, order)


# -- batch --------------------------------------------------------------------------------------
def read_queries(lines: Iterable[str]) -> list[tuple[int, str]]:
    """(line number, query) for each query line; blank lines and # comments are skipped. Every
    query is parsed up front: a bad one raises QueryError naming its line."""
    out = []
    for n, line in enumerate(lines, 1):
        q = line.strip().lstrip("\ufeff")
        if not q or q.startswith("#"):
            continue
        try:
            ql.parse(q)
        except QueryError as e:
            raise QueryError(f"line {n}: {e}") from None
        out.append((n, q))
    if not out:
        raise QueryError("no queries in the file (one a line; blank lines and # comments skipped)")
    return out


def batch(
    engine: Engine,
    queries: Iterable[str],
    *,
    agency: str | None = None,
    year: str | None = None,
    section: str | None = None,
) -> dict:
    """{"queries": [{"query", "total", "reports", "facets"}]}: each exactly what `search`
    reports for that query (its facets count matching reports)."""
    out = []
    for q in queries:
        res = engine.search(q, agency=agency, year=year, section=section, limit=0)
        out.append(
            {
                "query": q,
                "total": res["total"],
                "reports": res["reports"],
                "facets": res["facets"],
            }
        )
    return {"queries": out}


def batch_rows(res: dict) -> Iterator[dict]:
    """Long format, a row per (query, dimension, value): dimension "all" (value empty) is the
    query's matching reports in total, then one row per year, agency and section. An agency
    or year that is not recorded has an empty value."""
    for q in res["queries"]:
        yield {"query": q["query"], "dimension": "all", "value": "", "reports": q["reports"]}
        for dim in BATCH_DIMENSIONS:
            for item in q["facets"][dim]:
                value = "" if item["value"] is None else item["value"]
                yield {
                    "query": q["query"],
                    "dimension": dim,
                    "value": value,
                    "reports": item["count"],
                }
