"""The search engine over an on-disk index: ranked passages, exact facets, highlights,
report listings. One `Engine` per process; its searcher is reopened only when the index
has new commits, and per-document facet columns are cached with it."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh import scoring

from index.schema import ALIAS, PASSAGE, REPORT
from index.settings import BM25_B, BM25_K1, MAX_LIMIT
from index.store import open_index
from index.whoosh_ext import columns
from search import match, rank
from search import query as ql
from search.facets import facets
from search.results import (
    Passage,
    ReportDetail,
    ReportList,
    SearchResult,
    hit,
    report_info,
    search_result,
)


class NotFound(LookupError):
    pass


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


@dataclass
class Columns:
    """Per-document arrays (indexed by Whoosh docnum) for facet counting."""

    report: np.ndarray
    agency: np.ndarray
    year: np.ndarray
    section: np.ndarray
    # each document's place in the canonical document order: reports newest first, then by
    # agency and report, passages in reading order. Ranking breaks score ties by it, so results
    # do not depend on which docnums an ingest happened to hand out.
    position: np.ndarray
    agencies: list[str]
    sections: list[str]
    lengths: rank.Lengths
    live: np.ndarray  # False for deleted documents
    passage_docs: np.ndarray  # sorted docnums of live passages
    readers: dict  # column readers kept for this searcher generation (search/match.py)


def _build_columns(searcher) -> Columns:
    reader = searcher.reader()
    leaves = [leaf for leaf, _offset in reader.leaf_readers() if leaf.doc_count_all()]

    def codes(name: str) -> tuple[np.ndarray, list[str]]:
        raw = [v for leaf in leaves for v in columns.var_bytes(leaf, name)]
        values, idx = np.unique(np.array(raw, dtype=bytes), return_inverse=True)
        return idx.reshape(-1), [v.decode("utf-8") for v in values.tolist()]

    rep_idx, _ = codes("report_id")
    ag_idx, ag_vals = codes("agency")
    sec_idx, sec_vals = codes("section")
    years = [columns.numeric(leaf, "year") for leaf in leaves]
    orders = [columns.numeric(leaf, "order") for leaf in leaves]
    year = (np.concatenate(years) if years else np.zeros(0)).astype(np.int32)
    order = np.concatenate(orders) if orders else np.zeros(0)
    position = np.empty(len(rep_idx), dtype=np.int64)
    position[np.lexsort((order, rep_idx, ag_idx, -year))] = np.arange(len(rep_idx))
    live = np.zeros(len(rep_idx), dtype=bool)
    live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
    # report records carry section "" (every passage has a label)
    empty_sec = sec_vals.index("") if "" in sec_vals else -1
    return Columns(
        report=rep_idx.astype(np.int64),
        agency=ag_idx.astype(np.int32),
        year=year,
        section=sec_idx.astype(np.int32),
        position=position,
        agencies=ag_vals,
        sections=sec_vals,
        lengths=rank.field_lengths(searcher),
        live=live,
        passage_docs=np.nonzero(live & (sec_idx != empty_sec))[0].astype(np.int64),
        readers={},
    )


class Engine:
    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        self.ix = open_index(index_dir)
        self._lock = threading.Lock()
        self._searcher = None
        self._columns: Columns | None = None

    # -- searcher lifecycle -------------------------------------------------------------------
    def searcher(self):
        with self._lock:
            if self._searcher is None:
                self._searcher = self.ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
                self._columns = None
            elif not self._searcher.up_to_date():
                # A new searcher, not Searcher.refresh(): Whoosh's reader reuse keeps the old
                # segments of a merge alongside the merged one (their documents twice).
                old = self._searcher
                self._searcher = self.ix.searcher(weighting=old.weighting)
                self._columns = None
                old.close()
            if self._columns is None:
                self._columns = _build_columns(self._searcher)
            return self._searcher, self._columns

    def own_searcher(self):
        """A searcher of one's own (close it when done) over the same index generation as the
        engine's, so the engine's cached columns hold for its document numbers."""
        for _ in range(3):
            s, _ = self.searcher()
            own = self.ix.searcher(weighting=s.weighting)
            if own.reader().generation() == s.reader().generation():
                return own
            own.close()  # a commit landed in between: catch up and try again
        raise ql.QueryError(
            "the index is being updated right now; try again in a moment", "index_busy"
        )

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    # -- matching -----------------------------------------------------------------------------
    def match(self, plan: ql.Plan, cache: dict | None = None) -> np.ndarray:
        """Sorted docnums of every passage matching `plan`: the one matching path that search,
        facets and the journalist tools share. `cache` receives the posting lists read, for
        ranking to reuse."""
        s, cols = self.searcher()
        ctx = match.Context(s, cols)
        if cache is not None:
            ctx.postings = cache
        return match.evaluate(ctx, plan.match)

    def scores(self, searcher, rank_terms, docs: np.ndarray, cache: dict | None = None):
        """BM25 scores of `docs` (a match set) for a plan's ranking terms, aligned with it; the
        one ranking the tools share with `search`. `searcher`: the engine's or one's own."""
        _s, cols = self.searcher()
        return rank.scores(searcher, cols.lengths, rank_terms, docs, cache)

    def passage_docnums(self, passage_id: str, prefix: bool) -> list[int]:
        """Docnums of the passage with id `passage_id`, or (with `prefix`, when there is
        none) of at most two passages whose id starts with it."""
        s, _ = self.searcher()
        docnum = s.document_number(kind=PASSAGE, passage_id=passage_id)
        if docnum is not None or not prefix:
            return [] if docnum is None else [docnum]
        q = wq.And([wq.Term("kind", PASSAGE), wq.Prefix("passage_id", passage_id)])
        found = []
        for d in s.docs_for_query(q):
            found.append(d)
            if len(found) > 1:
                break
        return found

    # -- search -------------------------------------------------------------------------------
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
    ) -> SearchResult:
        limit, plan = search_args(text, limit, offset, per_report, agency, year, section)
        s, cols = self.searcher()
        postings: dict = {}
        docs = self.match(plan, postings)
        facet_counts, n_reports = facets(docs, cols)

        hits = []
        if limit and len(docs):
            score = self.scores(s, plan.rank, docs, postings)
            best = rank.top(docs, score, cols, offset + limit, per_report)[offset:]
            for i in best:
                fields = s.stored_fields(int(docs[i]))
                hits.append(hit(fields, float(score[i]), plan.highlights))
        return search_result(
            text,
            plan,
            total=len(docs),
            reports=n_reports,
            offset=offset,
            limit=limit,
            facets=facet_counts,
            hits=hits,
        )

    # -- reports ------------------------------------------------------------------------------
    def reports(self) -> ReportList:
        s, _ = self.searcher()
        copies: dict[str, list[dict]] = {}
        for f in s.documents(kind=ALIAS):
            copies.setdefault(f["report_id"], []).append(f)
        rows = [report_info(f, copies.get(f["report_id"], [])) for f in s.documents(kind=REPORT)]
        rows.sort(key=lambda r: (-(r.year or 0), r.agency, r.title))
        return ReportList(reports=rows)

    def show(self, report_id: str) -> ReportDetail:
        s, _ = self.searcher()
        if not re.fullmatch(r"[0-9a-f]{1,64}", report_id or ""):
            raise NotFound(report_id)
        head = s.document(kind=REPORT, report_id=report_id)
        if head is None:
            raise NotFound(report_id)
        hits = s.search(
            wq.And([wq.Term("kind", PASSAGE), wq.Term("report_id", report_id)]),
            limit=None,
            sortedby="order",
        )
        passages = [
            Passage(h["passage_id"], h["section"], h.get("heading", ""), h["text"]) for h in hits
        ]
        copies = list(s.documents(kind=ALIAS, report_id=report_id))
        return ReportDetail(report=report_info(head, copies), passages=passages)
