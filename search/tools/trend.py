"""trend: how many reports mention it, per year, and what share of that year's reports that is
(so a growing archive does not fake a trend). The denominator is every report in the index with
that year (counted over passages) that passes the same filters, so `--agency 平房区` gives the
share of 平房区's own reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from search.backend import SearchEngine
from search.query import QueryError
from search.results import QueryFilter, Record
from search.tools.common import BY, matches, universe

COLUMNS_BY = {
    "year": ["year", "reports", "all_reports", "share"],
    "agency": ["agency", "reports", "all_reports", "share"],
}


def _reports_per_key(docs: np.ndarray, report: np.ndarray, keys: np.ndarray) -> dict[int, int]:
    """Distinct reports per key among `docs` (a report's year and agency are its passages')."""
    if not len(docs):
        return {}
    _, first = np.unique(report[docs], return_index=True)
    values, counts = np.unique(keys[docs[first]], return_counts=True)
    return {int(v): int(c) for v, c in zip(values, counts, strict=True)}


@dataclass(slots=True)
class TrendResult(Record):
    """= trend --json."""

    query: str
    by: str
    total: int
    reports: int
    all_reports: int
    filters: list[QueryFilter]
    rows: list[dict[str, Any]]


def trend(
    engine: SearchEngine,
    text: str,
    by: str = "year",
    *,
    agency: str | None = None,
    year: str | None = None,
    section: str | None = None,
) -> TrendResult:
    """{"query", "by", "total", "reports", "all_reports", "filters": [{field, value}], "rows":
    [{by, reports, all_reports, share}]}: a row for every year (agency) that has reports passing the filters, with the
    matching ones among them; years ascending (no year last), agencies by matching reports."""
    if by not in BY:
        raise QueryError(f"trend by year or agency, not {by!r}")
    m = matches(engine, text, agency=agency, year=year, section=section)
    all_docs = universe(engine, m.filters)
    cols = m.cols
    keys = cols.year if by == "year" else cols.agency
    hits = _reports_per_key(m.docs, cols.report, keys)
    totals = _reports_per_key(all_docs, cols.report, keys)
    for k in hits:  # cannot happen unless the index changed between the two reads
        totals.setdefault(k, hits[k])
    rows = []
    for k, total in totals.items():
        value = (k or None) if by == "year" else cols.agencies[k]
        n = hits.get(k, 0)
        rows.append({by: value, "reports": n, "all_reports": total, "share": n / total})
    if by == "year":
        rows.sort(key=lambda r: (r["year"] is None, r["year"] or 0))
    else:
        rows.sort(key=lambda r: (-int(r["reports"] or 0), -float(r["share"] or 0), r["agency"]))
    return TrendResult(
        query=text,
        by=by,
        total=int(len(m.docs)),
        reports=m.reports,
        all_reports=int(sum(totals.values())),
        filters=[QueryFilter(f.field, f.value) for f in m.filters],
        rows=rows,
    )
