"""compare: how does each agency (or each year) put it? For every group that matches, its one
best passage, groups ordered by that passage's score."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from search import rank as ranking
from search.backend import SearchEngine
from search.choices import COMPARE_ORDERS
from search.query import QueryError
from search.results import Record, group_label
from search.tools.cite import hit
from search.tools.common import BY, matches
from search.tools.export import COLUMNS as EXPORT_COLUMNS

# a compare row is an export row with its group in front
COLUMNS = ["rank", "group", "matching_reports", "matching_passages", *EXPORT_COLUMNS[1:]]


@dataclass(slots=True)
class CompareResult(Record):
    """= compare --json."""

    query: str
    by: str
    total: int
    reports: int
    groups: int
    results: list[dict[str, Any]]
    order: str = "relevance"  # how `results` are listed: "relevance" or "year" (oldest first)


def compare(
    engine: SearchEngine,
    text: str,
    by: str = "agency",
    *,
    agency: str | None = None,
    year: str | None = None,
    section: str | None = None,
    limit: int | None = 20,
    order: str | None = None,
) -> CompareResult:
    """{"query", "by", "total", "reports", "groups", "results": [...]}: `groups` is how many
    agencies (years) match; `results` holds the best passage of the first `limit` of them
    (None or 0: all), each a search hit plus `rank`, `group` (the raw agency or year, as in
    the search facets), `label`, `matching_reports`, `matching_passages` and `citation`.
    The `limit` most relevant groups are shown; `order` "year" lists them oldest first (no
    year last), "relevance" best first. Default: year order by year, relevance by agency."""
    if by not in BY:
        raise QueryError(f"compare by agency or year, not {by!r}")
    order = order or ("year" if by == "year" else "relevance")
    if order not in COMPARE_ORDERS:
        raise QueryError(f"order by relevance or year, not {order!r}")
    if limit is not None and limit < 0:
        raise QueryError("limit must not be negative")
    m = matches(engine, text, agency=agency, year=year, section=section)
    if not len(m.docs):
        return CompareResult(text, by, 0, m.reports, groups=0, results=[], order=order)
    cols = m.cols
    keys = cols.agency if by == "agency" else cols.year
    # per group: matching passages and distinct matching reports
    gk = keys[m.docs]
    values, n_passages = np.unique(gk, return_counts=True)
    pairs = np.unique(np.stack([gk, cols.report[m.docs]]), axis=1)
    _, n_reports = np.unique(pairs[0], return_counts=True)
    counts = {
        int(v): (int(r), int(p)) for v, r, p in zip(values, n_reports, n_passages, strict=True)
    }

    # the same ranking as `search`: BM25 over the match set, best first, ties in document order
    score = m.scores()
    best: dict[int, tuple[int, float]] = {}
    for i in ranking.ranked(m.docs, score, cols.position).tolist():
        docnum = int(m.docs[i])
        k = int(keys[docnum])
        if k not in best:
            best[k] = (docnum, float(score[i]))
            if len(best) == len(counts):
                break
    want = len(best) if not limit else min(limit, len(best))
    rows = []
    for rank, (k, (docnum, best_score)) in enumerate(list(best.items())[:want], 1):
        value = cols.agencies[k] if by == "agency" else (k or None)
        reports, passages = counts[k]
        rows.append(
            {
                "rank": rank,
                "group": value,
                "label": group_label(by, value),
                "matching_reports": reports,
                "matching_passages": passages,
                **hit(m.searcher.stored_fields(docnum), best_score, m.terms),
            }
        )
    if order == "year":
        rows.sort(key=lambda r: (r["year"] is None, r["year"] or 0, r["rank"]))
    return CompareResult(text, by, int(len(m.docs)), m.reports, len(counts), rows, order)
