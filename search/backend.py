"""The engine contract: what every search engine answers, written down as types.

Two engines implement `SearchEngine`, neither built on the other: `search.engine.Engine`
over a local Whoosh index and `search.cluster.engine.ClusterEngine` over searchd nodes. The
CLI, the web app and the journalist tools (search/tools/) are typed against this contract
only, so any engine that passes the conformance suite (tests/test_contract.py) serves them.

The tools' primitives work on *docnums*: an engine's numbering of its passages within one
snapshot (a Whoosh generation, a cluster snapshot). `searcher()` gives the snapshot's
`Searcher` (stored fields by docnum) and `Columns` (per-docnum facet values and document
order); `match()` gives the docnums a plan matches; `scores()` ranks them as `search` does.
Calls whose docnums must agree run inside one `pinned()` block.

Here too are the rules both engines share: `search`'s argument checks (`search_args`), the
report-id check (`check_report_id`), the document order (`document_positions`,
`document_key`) and the order of report listings (`report_order`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from index.settings import MAX_LIMIT
from search import query as ql

if TYPE_CHECKING:
    from search.rank import Lengths
    from search.results import ReportDetail, ReportInfo, ReportList, SearchResult


class NotFound(LookupError):
    """An unknown report or passage (exit 2, HTTP 404). `code` says why, for the web's JSON:
    None (not there), "replaced" (`params["replaced_by"]` names the id that replaced it) or
    "wrong_kind" (a passage id given for a report, or the reverse)."""

    def __init__(self, message: str | None, *, code: str | None = None, params: dict | None = None):
        super().__init__(message)
        self.code = code
        self.params = params or {}


def missing(engine: SearchEngine, wanted: str, given: str) -> NotFound:
    """Why `given` (the id of a `wanted` "report" or "passage") is not in the index, as the
    NotFound to raise: replaced (by what), the other kind of id, or not there at all."""
    other = "passage" if wanted == "report" else "report"
    new = engine.replaced_by(given)
    if new is not None:
        kind = engine.id_kind(new) or wanted
        return NotFound(
            f"{wanted} {given} was replaced by a corrected version: {kind} {new}",
            code="replaced",
            params={"id": given, "replaced_by": new, "kind": kind},  # kind: of the new id
        )
    if engine.id_kind(given) == other:
        hint = f"`show {given}`" if other == "report" else f"`cite {given}`"
        return NotFound(
            f"{given} is a {other} id, not a {wanted} id: try {hint}",
            code="wrong_kind",
            params={"id": given, "kind": other, "kind_zh": "报告" if other == "report" else "段落"},
        )
    see = "see `reports`" if wanted == "report" else "ids look like f4d480a659443258"
    return NotFound(f"no {wanted} {given!r} in the index ({see})", params={"id": given})


REPORT_ID = re.compile(r"[0-9a-f]{1,64}")  # report and passage ids: lowercase hex


def check_report_id(report_id: str | None) -> str:
    """`report_id` when it looks like an id, else NotFound (before any engine is asked)."""
    if not REPORT_ID.fullmatch(report_id or ""):
        raise NotFound(f"no report {report_id!r} in the index (see `reports`)")
    return report_id  # type: ignore[return-value]


def search_args(
    text: str,
    limit: int,
    offset: int,
    per_report: int | None,
    agency: str | None,
    year: str | None,
    section: str | None,
) -> tuple[int, ql.Plan]:
    """`search`'s checks and plan, shared by every engine: (limit capped at MAX_LIMIT, plan)."""
    if limit < 0 or offset < 0:
        raise ql.QueryError("limit and offset must not be negative")
    if per_report is not None and per_report < 1:
        raise ql.QueryError("per-report must be at least 1")
    return min(limit, MAX_LIMIT), ql.plan_text(text, ql.option_filters(agency, year, section))


# -- document order: the one tie order of every engine ---------------------------------------------
def document_positions(
    year: np.ndarray, agency: np.ndarray, report: np.ndarray, order: np.ndarray
) -> np.ndarray:
    """Each document's place in the document order — reports newest first, then by agency
    and report, passages in reading order — from per-document codes (`agency` and `report`
    coded in sorted order of their values). Ranking breaks score ties by it, so results do
    not depend on which docnums an ingest happened to hand out."""
    position = np.empty(len(report), dtype=np.int64)
    position[np.lexsort((order, report, agency, -year))] = np.arange(len(report))
    return position


def document_key(year: int | None, agency: str, report_id: str, order: int) -> tuple:
    """The document order (as `document_positions`) as a sort key of one passage's values."""
    return (-(year or 0), agency, report_id, order)


def report_order(r: ReportInfo) -> tuple:
    """The order of report listings: newest first, then by agency and title."""
    return (-(r.year or 0), r.agency, r.title)


@dataclass
class Columns:
    """Per-docnum arrays of one snapshot, for facet counting, filtering and tie order."""

    report: np.ndarray
    agency: np.ndarray
    year: np.ndarray
    section: np.ndarray
    position: np.ndarray  # each document's place in the document order (document_positions)
    agencies: list[str]
    sections: list[str]
    lengths: Lengths | None  # field lengths for BM25 (None: the engine ranks otherwise)
    live: np.ndarray  # False for deleted documents
    passage_docs: np.ndarray  # sorted docnums of live passages
    # per report (the codes of `report`): the agency and year of its first live passage,
    # which every passage of a report shares; facets count reports by them without a sort
    # (None: search/facets.py finds each matching report's first passage instead)
    report_agency: np.ndarray | None = None
    report_year: np.ndarray | None = None


@runtime_checkable
class Searcher(Protocol):
    """What the tools read from a snapshot: a passage's stored fields by docnum."""

    def doc_count(self) -> int: ...

    def stored_fields(self, docnum: int) -> dict[str, Any]: ...

    def close(self) -> None: ...


@runtime_checkable
class SearchEngine(Protocol):
    """What a search engine answers. `parallel`: whether callers may run requests in
    parallel (each inside `pinned()`); an engine that says no is called under a lock.
    `time_budget`: seconds a query may run (None: the engine has no budget of its own)."""

    @property
    def parallel(self) -> bool: ...

    @property
    def index_dir(self) -> str:
        """What the engine reads: an index folder, or a cluster address."""
        ...

    @property
    def time_budget(self) -> float | None: ...

    def where(self) -> str:
        """What the engine serves, as a person reads it: the index folder, or the cluster."""
        ...

    # -- what the CLI and the API answer --------------------------------------------------------
    def search(
        self,
        text: str,
        *,
        agency: str | None = None,
        year: str | None = None,
        section: str | None = None,
        limit: int = 10,
        offset: int = 0,
        per_report: int | None = None,
    ) -> SearchResult: ...

    def reports(self) -> ReportList: ...

    def show(self, report_id: str) -> ReportDetail: ...

    # -- ids that are gone ------------------------------------------------------------------------
    def replaced_by(self, old_id: str) -> str | None:
        """The live id that replaced `old_id` (a report's or a passage's: a corrected version
        was ingested), following the replaced-id table; None when it was never replaced."""
        ...

    def id_kind(self, some_id: str) -> str | None:
        """ "report", "passage" or None: which kind of id the index holds `some_id` as."""
        ...

    # -- snapshots --------------------------------------------------------------------------------
    def pinned(self) -> AbstractContextManager[Any]:
        """One request's view: the snapshot it starts with, for all its calls."""
        ...

    def refresh(self) -> None: ...

    def close(self) -> None: ...

    # -- the tools' primitives --------------------------------------------------------------------
    def searcher(self) -> tuple[Searcher, Columns]: ...

    def own_searcher(self) -> Searcher:
        """A searcher of one's own (close it when done) over the engine's snapshot."""
        ...

    def match(self, plan: ql.Plan, cache: dict | None = None) -> np.ndarray:
        """Sorted docnums of every passage matching `plan`."""
        ...

    def scores(
        self,
        searcher: Searcher,
        rank_terms: Iterable[ql.Score],
        docs: np.ndarray,
        cache: dict | None = None,
    ) -> np.ndarray:
        """BM25 of `docs` for a plan's ranking terms, aligned with `docs`, as `search` ranks."""
        ...

    def passage_docnums(self, passage_id: str, prefix: bool) -> list[int]: ...

    def key_terms(self, text: str, number: int) -> list[tuple[str, float]]: ...

    def more_like(
        self, terms: list[tuple[str, float]], report_id: str, filters: list, top: int
    ) -> list[tuple[dict[str, Any], float]]: ...

    def sentence_prints(self) -> dict[str, np.ndarray]:
        """Every report's sentence fingerprints as stored at ingest (index/sentences.py: one
        PRINT record per sentence, in reading order), by report id. The same object for the
        whole snapshot, so callers may cache what they derive from it (search/tools/reuse.py)."""
        ...
