"""The search engine over an on-disk index: ranked passages, exact facets, highlights,
report listings. One `Engine` per process, safe to share between threads: each thread reads
through a searcher of its own, reopened only when the index has new commits; per-document
facet columns are built once per index generation and shared read-only."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq
from whoosh import scoring

from index import sentences
from index.schema import ALIAS, PASSAGE, REPLACED, REPORT
from index.settings import BM25_B, BM25_K1, CHAR_CACHE, POSTINGS_CACHE_MB, STORED_CACHE
from index.store import open_index
from index.whoosh_ext import columns
from index.whoosh_ext.postings import PostingCache, QueryPostings
from search import limits, match, rank
from search import query as ql
from search.backend import (
    Columns,
    NotFound,
    check_report_id,
    document_positions,
    missing,
    report_order,
    search_args,
)
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
    position = document_positions(year, ag_idx, rep_idx, order)
    live = np.zeros(len(rep_idx), dtype=bool)
    for leaf, offset in reader.leaf_readers():  # a segment at a time, not a call per document
        n = leaf.doc_count_all()
        if not n:
            continue
        if not leaf.has_deletions():
            live[offset : offset + n] = True
        elif hasattr(leaf, "deleted_docs_set"):  # SegmentReader
            live[offset : offset + n] = True
            dead = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
            live[offset + dead[dead < n]] = False
        else:
            live[offset + np.fromiter(leaf.all_doc_ids(), dtype=np.int64)] = True
    # report records carry section "" (every passage has a label)
    empty_sec = sec_vals.index("") if "" in sec_vals else -1
    passage_docs = np.nonzero(live & (sec_idx != empty_sec))[0].astype(np.int64)
    n_reports = int(rep_idx.max()) + 1 if len(rep_idx) else 0
    reps, first = np.unique(rep_idx[passage_docs], return_index=True)
    report_agency = np.zeros(n_reports, dtype=np.int32)
    report_year = np.zeros(n_reports, dtype=np.int32)
    report_agency[reps] = ag_idx[passage_docs[first]]
    report_year[reps] = year[passage_docs[first]]
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
        passage_docs=passage_docs,
        report_agency=report_agency,
        report_year=report_year,
    )


def _grams_by_last_char(searcher) -> dict[str, list[str]]:
    """Two-character bigram terms by their last character, read segment by segment (the
    merged lexicon of a multi-segment reader costs several times more)."""
    ends: dict[str, set[str]] = {}
    for leaf, _offset in searcher.reader().leaf_readers():
        if not leaf.doc_count_all():
            continue
        for term in leaf.lexicon("grams"):
            w = term.decode("utf-8") if isinstance(term, bytes) else term
            if len(w) == 2:
                ends.setdefault(w[1], set()).add(w)
    return {c: sorted(ws) for c, ws in ends.items()}


@dataclass
class _Generation:
    """What every thread shares for one index generation, read-only once built: the columns,
    and caches filled on first need (search/match.py): the bigram terms by their last
    character (one pass over the lexicon; a single character then reads exactly the bigrams
    holding it), the passages of each single character asked for (up to CHAR_CACHE), and the
    decoded posting lists, BM25 contributions and term counts of the terms asked for (up to
    POSTINGS_CACHE_MB). A commit makes a new generation: nothing cached outlives its own."""

    number: int
    cols: Columns
    ends: dict[str, list[str]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    chars: dict[str, np.ndarray] = field(default_factory=dict)
    prints: dict[str, np.ndarray] | None = None  # Engine.sentence_prints, read on first need
    postings: PostingCache = field(
        default_factory=lambda: PostingCache(POSTINGS_CACHE_MB * 1_000_000)
    )
    stored: PostingCache = field(  # the stored fields of the passages shown (STORED_CACHE)
        default_factory=lambda: PostingCache(1 << 62, max_items=STORED_CACHE)
    )

    def grams_ending(self, searcher, c: str) -> list[str]:
        if self.ends is None:
            with self.lock:
                if self.ends is None:
                    self.ends = _grams_by_last_char(searcher)
        return self.ends.get(c, [])

    def char_docs(self, c: str, compute) -> np.ndarray:
        """The passages of `c`, computed by one thread while others asking for it wait (20
        clients asking for 的 at once would otherwise each read its 2,498 posting lists)."""
        got = self.chars.get(c)
        if got is None:
            with self.lock:
                got = self.chars.get(c)
                if got is None:
                    got = compute()
                    got.setflags(write=False)
                    if len(self.chars) < CHAR_CACHE:
                        self.chars[c] = got
        return got


__all__ = ["Engine", "NotFound", "search_args"]  # (the last two live in search/backend.py)


class Engine:
    """The `SearchEngine` (search/backend.py) over a local Whoosh index. Thread-safe: each thread reads through a Whoosh searcher of its own (their files keep
    read positions, so one cannot be shared), all threads of a generation share its columns.
    A commit is picked up by the next call; while one thread builds the new generation's
    columns the others go on answering from the one they have."""

    parallel = True  # callers may run requests in parallel, each inside `pinned()`

    def __init__(self, index_dir: str, *, time_budget: float | None = None):
        self.index_dir = index_dir
        self.ix = open_index(index_dir)
        self.time_budget = limits.time_budget(time_budget)
        self._build_lock = threading.Lock()  # one thread builds a new generation's columns
        self._gen: _Generation | None = None
        self._local = threading.local()
        self._open: set = set()  # every thread's searcher, for close()
        self._open_lock = threading.Lock()

    def where(self) -> str:
        return self.index_dir

    # -- searcher lifecycle -------------------------------------------------------------------
    def searcher(self):
        """(this thread's searcher, its generation's columns). Inside `pinned()` both stay
        the same for the whole block; outside it they catch up with new commits."""
        loc = self._local
        if getattr(loc, "pinned", 0) and getattr(loc, "searcher", None) is not None:
            return loc.searcher, loc.gen.cols
        return self._refresh()

    def _refresh(self, force: bool = False):
        loc = self._local
        old = getattr(loc, "searcher", None)
        if old is not None and old.up_to_date():
            return old, loc.gen.cols
        # A new searcher, not Searcher.refresh(): Whoosh's reader reuse keeps the old
        # segments of a merge alongside the merged one (their documents twice).
        new = self.ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
        number = new.reader().generation()
        gen = self._gen
        if gen is None or gen.number != number:
            # another thread building it: keep answering from our generation meanwhile
            if not self._build_lock.acquire(blocking=old is None or force):
                new.close()
                return old, loc.gen.cols
            try:
                gen = self._gen
                if gen is None or gen.number != number:
                    gen = self._gen = _Generation(number, _build_columns(new))
            finally:
                self._build_lock.release()
        with self._open_lock:
            self._open.add(new)
            self._open.discard(old)
        if old is not None:
            old.close()
        loc.searcher, loc.gen, loc.readers = new, gen, {}
        return new, gen.cols

    def refresh(self) -> None:
        """Catch this thread up with the latest commit, even inside `pinned()`."""
        self._refresh(force=True)

    @contextmanager
    def pinned(self):
        """One request's view: the index generation it starts with, for all its calls (their
        document numbers must agree). The server wraps each request's engine calls in it."""
        loc = self._local
        self._refresh()
        loc.pinned = getattr(loc, "pinned", 0) + 1
        try:
            yield self
        finally:
            loc.pinned -= 1

    def own_searcher(self):
        """A searcher of one's own (close it when done) over the same index generation as the
        engine's, so the engine's cached columns hold for its document numbers."""
        for _ in range(3):
            s, _ = self.searcher()
            own = self.ix.searcher(weighting=s.weighting)
            if own.reader().generation() == s.reader().generation():
                return own
            own.close()  # a commit landed in between: catch up and try again
            self.refresh()
        raise ql.QueryError(
            "the index is being updated right now; try again in a moment", "index_busy"
        )

    def close(self) -> None:
        with self._open_lock:
            for s in self._open:
                s.close()
            self._open.clear()
        self._local = threading.local()

    # -- matching -----------------------------------------------------------------------------
    def match(self, plan: ql.Plan, cache: dict | None = None) -> np.ndarray:
        """Sorted docnums of every passage matching `plan`: the one matching path that search,
        facets and the journalist tools share. `cache` receives the posting lists read, for
        ranking to reuse."""
        s, cols = self.searcher()
        loc = self._local
        budget = limits.Budget(self.time_budget)
        ctx = match.Context(s, cols, readers=loc.readers, budget=budget, generation=loc.gen)
        ctx.postings = cache if cache is not None else QueryPostings(loc.gen.postings)
        ctx.precount(plan.match)
        return match.evaluate(ctx, plan.match)

    def scores(self, searcher, rank_terms, docs: np.ndarray, cache: dict | None = None):
        """BM25 scores of `docs` (a match set) for a plan's ranking terms, aligned with it; the
        one ranking the tools share with `search`. `searcher`: the engine's or one's own."""
        _s, cols = self.searcher()
        gen = self._local.gen
        if cache is None and searcher.reader().generation() == gen.number:
            cache = QueryPostings(gen.postings)  # the generation's postings hold for it
        return rank.scores(searcher, cols.lengths, rank_terms, docs, cache)

    def key_terms(self, text: str, number: int) -> list[tuple[str, float]]:
        """The `number` words that best characterize `text` against the index (Bo1, as
        Whoosh's more-like-this weighs them), with their weights, best first."""
        s, _ = self.searcher()
        return s.key_terms_from_text("text", text, numterms=number, normalize=True)

    def more_like(
        self, terms: list[tuple[str, float]], report_id: str, filters: list, top: int
    ) -> list[tuple[dict, float]]:
        """The `top` passages outside report `report_id` (and within `filters`) that score
        best for the weighted words `terms` (BM25F, each term times its weight): (stored
        fields, score), best first."""
        with self.pinned():
            s, _ = self.searcher()
            q = wq.Or([wq.Term("text", t, boost=max(w, 0.01)) for t, w in terms])
            flt = set(self.match(ql.plan(None, filters)).tolist()) if filters else None
            mask = wq.Or([wq.Term("report_id", report_id), wq.Term("kind", REPORT)])
            results = s.search(q, limit=top, filter=flt, mask=mask, terms=False)
            return [(s.stored_fields(d), score) for d, score in results.items()]

    def replaced_by(self, old_id: str) -> str | None:
        """The live id that replaced `old_id` (a report's or a passage's), following the
        replaced-id table's chain, or None when `old_id` was never replaced."""
        s, _ = self.searcher()
        new = None
        for _ in range(16):  # a chain of corrections; a cycle cannot arise, but stays bounded
            doc = s.document(kind=REPLACED, passage_id="x:" + (new or old_id))
            if doc is None:
                break
            new = doc["replaced_by"]
            if self.id_kind(new):
                break
        return new

    def id_kind(self, some_id: str) -> str | None:
        """ "report", "passage" or None: which kind of id the index holds `some_id` as."""
        s, _ = self.searcher()
        if s.document_number(kind=REPORT, report_id=some_id) is not None:
            return "report"
        if s.document_number(kind=PASSAGE, passage_id=some_id) is not None:
            return "passage"
        return None

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
        with self.pinned():  # one generation for all its calls: a commit may land meanwhile
            return self._search(text, plan, limit, offset, per_report)

    def _search(self, text: str, plan, limit: int, offset: int, per_report: int | None):
        s, cols = self.searcher()
        postings = QueryPostings(self._local.gen.postings)
        docs = self.match(plan, postings)
        facet_counts, n_reports = facets(docs, cols)

        hits = []
        if limit and len(docs):
            score = self.scores(s, plan.rank, docs, postings)
            best = rank.top(docs, score, cols, offset + limit, per_report)[offset:]
            stored = self._local.gen.stored
            for i in best:
                d = int(docs[i])
                fields = stored.get(d)
                if fields is None:
                    fields = s.stored_fields(d)
                    stored[d] = fields
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
        rows.sort(key=report_order)
        return ReportList(reports=rows)

    def sentence_prints(self) -> dict[str, np.ndarray]:
        """Every report's sentence fingerprints as stored at ingest (index/sentences.py), by
        report id. Read once per index generation and shared (read-only): the same object
        until the next commit, so callers may cache what they derive from it."""
        s, _ = self.searcher()
        gen = self._local.gen
        if gen.prints is None:
            with gen.lock:
                if gen.prints is None:
                    out = {}
                    for f in s.documents(kind=REPORT):
                        out[f["report_id"]] = sentences.decode(f.get("sentences"))
                    gen.prints = out
        return gen.prints

    def show(self, report_id: str) -> ReportDetail:
        check_report_id(report_id)
        s, _ = self.searcher()
        head = s.document(kind=REPORT, report_id=report_id)
        if head is None:
            raise missing(self, "report", report_id)
        hits = s.search(
            wq.And([wq.Term("kind", PASSAGE), wq.Term("report_id", report_id)]),
            limit=None,
            sortedby="order",
        )
        passages = [
            Passage(
                h["passage_id"], h["section"], h.get("heading", ""), h["text"], bool(h.get("ocr"))
            )
            for h in hits
        ]
        copies = list(s.documents(kind=ALIAS, report_id=report_id))
        return ReportDetail(report=report_info(head, copies), passages=passages)
