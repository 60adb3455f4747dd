"""reuse: over a whole archive, how much of each report repeats its agency's previous report,
and which other agency's report it shares most text with.

Every report that has an earlier report from the same agency is set against the latest
earlier one (`previous_report_id`; of several that year, the last published) with the two
shares of `diff` (index/sentences.py: `verbatim`, `same_but_figures`), computed from the
sentence fingerprints stored at ingest, so no passage is re-read. `other_agency` is, of all the
reports of other agencies, the one the most of this report's sentence text equals (verbatim or
but for figures), with that share: boilerplate copied across agencies. Rows are ranked by the
two shares together, largest first.

The table over the whole archive is computed once per index generation (it does not depend
on the filters, which only choose the rows shown) and kept until the next commit."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from index.sentences import PRINT
from index.settings import REUSE_MAX_LIMIT as MAX_LIMIT
from search.backend import SearchEngine
from search.choices import REUSE_SORTS
from search.query import QueryError
from search.results import Record, ReportInfo
from search.tools.diff import Missing, Share, report, share
from search.tools.stats import select

SORTS = REUSE_SORTS
COLUMNS = [
    "rank",
    "report_id",
    "agency",
    "year",
    "title",
    "previous_report_id",
    "previous_year",
    "verbatim",
    "same_but_figures",
    "sentences",
    "chars",
    "other_agency",
    "other_report_id",
    "other_year",
    "other_share",
]


@dataclass(slots=True)
class OtherAgency(Record):
    agency: str
    report_id: str
    year: int | None
    title: str
    share: float  # of this report's sentence characters, verbatim or but for figures


@dataclass(slots=True)
class ReuseRow(Record):
    rank: int
    report_id: str
    agency: str
    year: int | None
    title: str
    published: str | None
    previous_report_id: str | None
    previous_year: int | None
    previous_title: str | None
    reuse: Share | None  # None for a report without an earlier one (`first`)
    sentences: int
    chars: int
    other_agency: OtherAgency | None


@dataclass(slots=True)
class ReuseResult(Record):
    query: str
    agency: str | None
    year: str | None
    sort: str
    reports: int  # reports selected by the query and filters
    pairs: int  # of them, those with an earlier report of their agency
    rows: list[ReuseRow]


@dataclass
class _Table:
    """Per report (by id): its predecessor, the shares, its best other-agency match."""

    source: object  # the fingerprints object it was computed from (one index generation)
    info: dict[str, ReportInfo]
    previous: dict[str, str]
    shares: dict[str, Share]
    other: dict[str, tuple[str, float]]


_cache: dict[int, _Table] = {}
_cache_lock = threading.Lock()


def _previous(reports: list[ReportInfo]) -> dict[str, str]:
    """report id → the id of its agency's latest earlier report (by year, then published)."""
    by_agency: dict[str, list[ReportInfo]] = defaultdict(list)
    for r in reports:
        if r.agency and r.year:
            by_agency[r.agency].append(r)
    out = {}
    for rows in by_agency.values():
        rows.sort(key=lambda r: (r.year or 0, r.published or "", r.report_id))
        last_of_year: dict[int, ReportInfo] = {}
        for r in rows:
            last_of_year[r.year or 0] = r
        years = sorted(last_of_year)
        for r in rows:
            earlier = [y for y in years if y < (r.year or 0)]
            if earlier:
                out[r.report_id] = last_of_year[earlier[-1]].report_id
    return out


def _pair_shares(new: np.ndarray, old: np.ndarray) -> Share:
    total = int(new["chars"].sum())
    exact = np.isin(new["exact"], old["exact"])
    masked = ~exact & np.isin(new["masked"], old["masked"])
    return Share(
        share(int(new["chars"][exact].sum()), total), share(int(new["chars"][masked].sum()), total)
    )


def _other_agency(
    ids: list[str], agencies: list[str], prints: dict[str, np.ndarray]
) -> dict[str, tuple[str, float]]:
    """For each report, the report of another agency holding most of its sentence characters
    (by masked fingerprint), with that share. An inverted list of fingerprints → reports,
    then per report one vector of shared characters over all reports."""
    n = len(ids)
    postings: dict[int, list[int]] = defaultdict(list)
    for i, rid in enumerate(ids):
        for h in np.unique(prints[rid]["masked"]).tolist():
            postings[h].append(i)
    arrays = {h: np.array(v, dtype=np.int64) for h, v in postings.items() if len(v) > 1}
    codes = {a: k for k, a in enumerate(sorted(set(agencies)))}
    agency_code = np.array([codes[a] for a in agencies], dtype=np.int64)
    out = {}
    for i, rid in enumerate(ids):
        p = prints[rid]
        total = int(p["chars"].sum())
        if not total or not agencies[i]:
            continue
        hashes, inverse = np.unique(p["masked"], return_inverse=True)
        weights = np.bincount(inverse.reshape(-1), weights=p["chars"])
        lists, ws = [], []
        for h, w in zip(hashes.tolist(), weights.tolist(), strict=True):
            docs = arrays.get(h)
            if docs is not None:
                lists.append(docs)
                ws.append(w)
        if not lists:
            continue
        reps = np.repeat(np.array(ws), [len(d) for d in lists])
        acc = np.bincount(np.concatenate(lists), weights=reps, minlength=n)
        acc[agency_code == agency_code[i]] = 0  # its own agency (itself included)
        best = int(np.argmax(acc))  # ties: the first in `ids` order (oldest first)
        if acc[best] > 0:
            out[rid] = (ids[best], share(int(round(acc[best])), total))
    return out


def table(engine: SearchEngine) -> _Table:
    """The reuse table of the engine's current index generation (computed on first need)."""
    source = prints = engine.sentence_prints()
    with _cache_lock:
        got = _cache.get(id(engine))
        if got is not None and got.source is source:
            return got
    every = engine.reports().reports
    info = {r.report_id: r for r in every}
    empty = np.zeros(0, dtype=PRINT)
    prints = {rid: prints.get(rid, empty) for rid in info}
    previous = _previous(every)
    shares = {rid: _pair_shares(prints[rid], prints[old]) for rid, old in previous.items()}
    order = sorted(info, key=lambda rid: (info[rid].year or 0, rid))
    other = _other_agency(order, [info[rid].agency for rid in order], prints)
    got = _Table(source, info, previous, shares, other)
    with _cache_lock:
        _cache[id(engine)] = got
    return got


def previous(engine: SearchEngine, report_id: str) -> str:
    """The id of the latest earlier report of `report_id`'s agency (what `reuse` pairs it
    with); NotFound (code no_report, or no_previous when it has none)."""
    new = report(engine, report_id).report
    rid = _previous(engine.reports().reports).get(new.report_id)
    if rid is None:
        raise Missing(
            f"report {new.report_id} ({new.agency or 'no agency'}, {new.year or 'no year'}) "
            "has no earlier report of its agency in the index",
            "no_previous",
            {"id": new.report_id, "agency": new.agency, "year": new.year},
        )
    return rid


def _key(sort: str):
    def total(row: ReuseRow) -> float:
        return -1.0 if row.reuse is None else row.reuse.verbatim + row.reuse.same_but_figures

    keys = {
        "reuse": lambda r: (-total(r), -(r.year or 0), r.agency, r.report_id),
        "verbatim": lambda r: (
            -(r.reuse.verbatim if r.reuse else -1.0),
            -total(r),
            -(r.year or 0),
            r.report_id,
        ),
        "same_but_figures": lambda r: (
            -(r.reuse.same_but_figures if r.reuse else -1.0),
            -total(r),
            -(r.year or 0),
            r.report_id,
        ),
        "other": lambda r: (
            -(r.other_agency.share if r.other_agency else -1.0),
            -total(r),
            r.report_id,
        ),
        "year": lambda r: (-(r.year or 0), r.agency, r.report_id),
    }
    return keys[sort]


def reuse(
    engine: SearchEngine,
    text: str = "",
    *,
    agency: str | None = None,
    year: str | None = None,
    sort: str = "reuse",
    first: bool = False,
    limit: int | None = None,
) -> ReuseResult:
    """The reuse rows of the reports `text`, `agency` and `year` select (as `stats` selects
    them), ranked by `sort`; `first` also lists reports without an earlier one of their
    agency (with `reuse` None); `limit` keeps the first rows (None: all)."""
    if sort not in SORTS:
        raise QueryError(f"sort by {', '.join(SORTS)}, not {sort!r}")
    if limit is not None and not 0 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit is between 0 and {MAX_LIMIT}")
    chosen = select(engine, text, agency=agency, year=year)
    t = table(engine)
    rows = []
    pairs = 0
    for r in chosen:
        prev_id = t.previous.get(r.report_id)
        pairs += prev_id is not None
        if prev_id is None and not first:
            continue
        prev = t.info.get(prev_id) if prev_id else None
        other = t.other.get(r.report_id)
        o = t.info.get(other[0]) if other else None
        best = (
            OtherAgency(o.agency, o.report_id, o.year, o.title, other[1]) if o and other else None
        )
        p = engine.sentence_prints().get(r.report_id)
        rows.append(
            ReuseRow(
                rank=0,
                report_id=r.report_id,
                agency=r.agency,
                year=r.year,
                title=r.title,
                published=r.published,
                previous_report_id=prev_id,
                previous_year=prev.year if prev else None,
                previous_title=prev.title if prev else None,
                reuse=t.shares.get(r.report_id),
                sentences=0 if p is None else len(p),
                chars=0 if p is None else int(p["chars"].sum()),
                other_agency=best,
            )
        )
    rows.sort(key=_key(sort))
    if limit is not None:
        rows = rows[:limit]
    for i, row in enumerate(rows, 1):
        row.rank = i
    return ReuseResult(text, agency, year, sort, len(chosen), pairs, rows)


def flat_rows(res: ReuseResult) -> list[dict]:
    """The rows as flat records (COLUMNS), for CSV: shares and the other agency spread out."""
    out = []
    for r in res.rows:
        o = r.other_agency
        out.append(
            {
                **{k: getattr(r, k) for k in COLUMNS[:7]},
                "verbatim": r.reuse.verbatim if r.reuse else None,
                "same_but_figures": r.reuse.same_but_figures if r.reuse else None,
                "sentences": r.sentences,
                "chars": r.chars,
                "other_agency": o.agency if o else None,
                "other_report_id": o.report_id if o else None,
                "other_year": o.year if o else None,
                "other_share": o.share if o else None,
            }
        )
    return out
