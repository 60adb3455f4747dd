"""Exact facet counts over a match set: matching reports per agency and year (a report's
values are its passages'), and (report, section) pairs per section — `bincount`s over the
engine's per-document columns."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from corpus.sections import SECTIONS
from search.backend import Columns
from search.results import Facets, FacetValue

_SECTION_ORDER = {name: i for i, name in enumerate(SECTIONS)}


def facets(docs: np.ndarray, cols: Columns) -> tuple[Facets, int]:
    """(facets, matching reports) of the sorted passage docnums `docs`."""
    if not len(docs):
        return Facets(agency=[], year=[], section=[]), 0
    rep = cols.report[docs]
    nsec = len(cols.sections)
    if cols.report_agency is None or cols.report_year is None:
        _, first = np.unique(rep, return_index=True)
        rep_docs = docs[first]  # one passage per matching report: its report-level values
        ag = np.bincount(cols.agency[rep_docs], minlength=len(cols.agencies))
        years, ycount = np.unique(cols.year[rep_docs], return_counts=True)
        pairs = np.unique(rep * nsec + cols.section[docs])
        sec = np.bincount(pairs % nsec, minlength=nsec)
        n_reports = len(first)
    else:
        n_rep = len(cols.report_agency)
        if len(docs) * 16 < n_rep * nsec:  # few matches: sort them
            reps = np.unique(rep)
            pairs = np.unique(rep * nsec + cols.section[docs])
            sec = np.bincount(pairs % nsec, minlength=nsec)
        else:  # many: mark them in per-report tables (no sort)
            flat = np.zeros(n_rep * nsec, dtype=bool)
            flat[rep * nsec + cols.section[docs]] = True
            seen = flat.reshape(n_rep, nsec)
            reps = np.flatnonzero(seen.any(axis=1))
            sec = seen.sum(axis=0)
        ag = np.bincount(cols.report_agency[reps], minlength=len(cols.agencies))
        years, ycount = np.unique(cols.report_year[reps], return_counts=True)
        n_reports = len(reps)
    return (
        ordered(
            zip(cols.agencies, ag.tolist(), strict=True),
            zip(years.tolist(), ycount.tolist(), strict=True),
            zip(cols.sections, sec.tolist(), strict=True),
        ),
        int(n_reports),
    )


def ordered(
    agency: Iterable[tuple[str, int]],
    year: Iterable[tuple[int | None, int]],
    section: Iterable[tuple[str, int]],
) -> Facets:
    """Facets from (value, count) pairs, in the one order every engine shows them: agencies
    and sections by count (ties: agency name, the sections' reading order), years newest
    first with the unknown year last. Zero counts and the empty section are left out."""
    ag = [FacetValue(str(v), int(c)) for v, c in agency if c]
    ag.sort(key=lambda d: (-d.count, str(d.value)))
    sec = [FacetValue(str(v), int(c)) for v, c in section if c and v]
    sec.sort(key=lambda d: (-d.count, _SECTION_ORDER.get(str(d.value), 99)))
    yr = [FacetValue(int(y) if y else None, int(c)) for y, c in year]
    yr.sort(key=lambda d: (d.value is None, -int(d.value or 0)))
    return Facets(agency=ag, year=yr, section=sec)
