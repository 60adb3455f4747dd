"""export: every passage a query matches, with full metadata and a citation, as rows to stream
(search/render writes them as CSV or JSON Lines). batch: many queries in one
go, summarised as matching reports per query per year, agency and section."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from search import query as ql
from search import rank
from search.backend import SearchEngine
from search.choices import EXPORT_ORDERS
from search.facets import facets
from search.query import QueryError
from search.results import Record, agency_label, year_label
from search.tools.cite import hit
from search.tools.common import matches, universe

ORDERS = EXPORT_ORDERS
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
BATCH_COLUMNS = ["query", "dimension", "value", "reports", "all_reports", "share"]
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
            h = hit(s.stored_fields(docnum), score, self.m.terms).to_dict()
            h["rank"] = n
            yield h


def export(
    engine: SearchEngine,
    text: str,
    *,
    agency: str | None = None,
    year: str | None = None,
    section: str | None = None,
    order: str = "relevance",
    searcher=None,
) -> Export:
    """The passages to export; `searcher`: one of one's own (search/tools/common.py `own_searcher`)."""
    if order not in ORDERS:
        raise QueryError(f"order by relevance or document, not {order!r}")
    m = matches(engine, text, agency=agency, year=year, section=section, searcher=searcher)
    return Export(m, order)


# -- batch --------------------------------------------------------------------------------------
def read_queries(lines: Iterable[str]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(queries, errors): (line number, query) for each query line — blank lines and #
    comments are skipped — and (line number, reason) for each line that is not a query. Every
    query is parsed up front, so a bad line is named before anything runs; it never stops the
    others. No query at all raises QueryError."""
    out, errors = [], []
    for n, line in enumerate(lines, 1):
        q = line.strip().lstrip("\ufeff")
        if not q or q.startswith("#"):
            continue
        try:
            ql.parse(q)
        except QueryError as e:
            errors.append((n, str(e)))
            continue
        out.append((n, q))
    if not out and not errors:
        raise QueryError("no queries in the file (one a line; blank lines and # comments skipped)")
    return out, errors


@dataclass(slots=True)
class BatchResult(Record):
    """= batch --json (without its `errors`, the CLI's)."""

    queries: list[dict[str, Any]]


def batch(
    engine: SearchEngine,
    queries: Iterable[str],
    *,
    agency: str | None = None,
    year: str | None = None,
    section: str | None = None,
) -> BatchResult:
    """{"queries": [{"query", "total", "reports", "all_reports", "facets", "all_facets"}]}: each
    exactly what `search` reports for that query (its facets count matching reports), and as
    denominators, as `trend` has them, the same counts over every passage that passes the
    query's filters (the options and its own year:/agency:/section:)."""
    out = []
    universes: dict[tuple, tuple] = {}
    for q in queries:
        m = matches(engine, q, agency=agency, year=year, section=section)
        key = tuple(m.filters)
        if key not in universes:
            universes[key] = facets(universe(engine, m.filters), m.cols)
        all_facets, all_reports = universes[key]
        found, reports = facets(m.docs, m.cols)
        out.append(
            {
                "query": q,
                "total": int(len(m.docs)),
                "reports": reports,
                "all_reports": all_reports,
                "facets": found,
                "all_facets": all_facets,
            }
        )
    return BatchResult(queries=out)


def batch_rows(res: dict) -> Iterator[dict]:
    """Long format, a row per (query, dimension, value): dimension "all" (value empty) is the
    query's matching reports in total, then one row per year, agency and section that has
    reports passing the filters (0 where none match). `all_reports` is the denominator —
    the reports of that year (agency; with that section) passing the same filters — and
    `share` = reports / all_reports, as `trend` gives it. An agency or year that is not
    recorded has the placeholder value (未注明机构, 年份不详)."""
    for q in res["queries"]:
        share = q["reports"] / q["all_reports"] if q["all_reports"] else 0.0
        yield {
            "query": q["query"],
            "dimension": "all",
            "value": "",
            "reports": q["reports"],
            "all_reports": q["all_reports"],
            "share": round(share, 4),
        }
        for dim in BATCH_DIMENSIONS:
            found = {item["value"]: item["count"] for item in q["facets"][dim]}
            for item in q["all_facets"][dim]:
                n = found.get(item["value"], 0)
                if dim == "year":
                    value = year_label(item["value"])
                elif dim == "agency":
                    value = agency_label(item["value"])
                else:
                    value = item["value"]
                yield {
                    "query": q["query"],
                    "dimension": dim,
                    "value": value,
                    "reports": n,
                    "all_reports": item["count"],
                    "share": round(n / item["count"], 4) if item["count"] else 0.0,
                }
