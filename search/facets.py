"""Exact facet counts over a match set: matching reports per agency and year (a report's
values are its passages'), and (report, section) pairs per section — `bincount`s over the
engine's per-document columns."""

from __future__ import annotations

import numpy as np

from corpus.sections import SECTIONS
from search.results import Facets, FacetValue

_SECTION_ORDER = {name: i for i, name in enumerate(SECTIONS)}


def facets(docs: np.ndarray, cols) -> tuple[Facets, int]:
    """(facets, matching reports) of the sorted passage docnums `docs`."""
    if not len(docs):
        return Facets(agency=[], year=[], section=[]), 0
    rep = cols.report[docs]
    nsec = len(cols.sections)
    n_rep = len(cols.report_agency)
    if len(docs) * 16 < n_rep * nsec:  # few matches: sort them
        reps = np.unique(rep)
        pairs = np.unique(rep * nsec + cols.section[docs])
        sec = np.bincount(pairs % nsec, minlength=nsec)
    else:  # many: mark them in per-report tables (no sort)
        seen = np.zeros(n_rep * nsec, dtype=bool)
        seen[rep * nsec + cols.section[docs]] = True
        seen = seen.reshape(n_rep, nsec)
        reps = np.flatnonzero(seen.any(axis=1))
        sec = seen.sum(axis=0)
    ag = np.bincount(cols.report_agency[reps], minlength=len(cols.agencies))
    years, ycount = np.unique(cols.report_year[reps], return_counts=True)

    agency = [FacetValue(v, int(c)) for v, c in zip(cols.agencies, ag, strict=True) if c]
    agency.sort(key=lambda d: (-d.count, str(d.value)))
    section = [FacetValue(v, int(c)) for v, c in zip(cols.sections, sec, strict=True) if c and v]
    section.sort(key=lambda d: (-d.count, _SECTION_ORDER.get(d.value, 99)))
    year = [FacetValue(int(y) if y else None, int(c)) for y, c in zip(years, ycount, strict=True)]
    year.sort(key=lambda d: (d.value is None, -(d.value or 0)))
    return Facets(agency=agency, year=year, section=section), int(len(reps))
