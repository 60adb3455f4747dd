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
    QueryFilter,
    ReportDetail,
    ReportList,
    SearchResult,
    hit,
    report_info,
)


class NotFound(LookupError):
    pass


@dataclass
class _Columns:
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


def _build_columns(searcher) -> _Columns:
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
    return _Columns(
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
        self._columns: _Columns | None = None

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
        if limit < 0 or offset < 0:
            raise ql.QueryError("limit and offset must not be negative")
        if per_report is not None and per_report < 1:
            raise ql.QueryError("per-report must be at least 1")
        limit = min(limit, MAX_LIMIT)
        plan = ql.plan_text(text, ql.option_filters(agency, year, section))
        s, cols = self.searcher()
        postings: dict = {}
        docs = self.match(plan, postings)
        facet_counts, n_reports = facets(docs, cols)

        hits = []
        if limit and len(docs):
            score = rank.scores(s, cols.lengths, plan.rank, docs, postings)
            best = rank.top(docs, score, cols, offset + limit, per_report)[offset:]
            for i in best:
                fields = s.stored_fields(int(docs[i]))
                hits.append(hit(fields, float(score[i]), plan.highlights))
        return SearchResult(
            query=text,
            total=int(len(docs)),
            reports=n_reports,
            offset=offset,
            limit=limit,
            facets=facet_counts,
            hits=hits,
            terms=list(plan.terms),
            filters=[QueryFilter(f.field, f.value) for f in plan.filters],
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
