"""The engine over a cluster: the local engine's public methods and results, over
`sphinxql://…/NAME`.

`search`: matching, totals and facets run in searchd over the distributed index. Facet counts
are `COUNT(DISTINCT rid)` per agency, year and section: exact, because a report's passages all
live on one shard and `max_matches` is set above the number of groups (the number of agencies
bounds it; a query with more groups than `MAX_GROUPS` fails rather than cut one). Ranking is
gongkai's own BM25 (search/rank.py `bm25`), computed from what searchd counted: each ranking
term's frequency in each passage (search/cluster/rank.py), its word count and the cluster's
document frequencies — no passage text is fetched to rank. Up to `EXACT_RANK` matching
passages are all scored; past that a searchd expression ranker shaped like gongkai's BM25
picks that many candidates and only those are scored exactly (docs/scale.md).

The journalist tools (search/tools/) go through `searcher()`, `match()`, `scores()` and
`passage_docnums()` as on the local engine: the cluster engine keeps the passages' report,
agency, year, section, reading-order and length columns in memory (about 50 bytes a passage,
reloaded when the cluster's contents change), a docnum is a passage's place in id order, and
`ClusterSearcher.stored_fields` fetches stored text by id a block at a time. `similar` asks
`key_terms` and `more_like`, answered from searchd's keyword statistics.

Threads: each has its own connections, searcher and pin (`pinned()`), so the web app runs
requests in parallel as it does over a local index."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from index import sentences
from index.analysis import analyse
from index.cluster.documents import ALIAS, PASSAGE, REPORT, doc_id, report_key, word_token
from index.cluster.sphinxql import Address, ClusterError, Connection, parse_address
from index.settings import CLUSTER_CACHE as CACHE
from index.settings import CLUSTER_FETCH as FETCH
from index.settings import CLUSTER_PAGE as PAGE
from index.settings import EXACT_RANK, FACTORS, MAX_GROUPS, PRINTS_PAGE, STATS_TTL
from search import limits
from search import query as ql
from search.backend import (
    REPORT_ID,
    Columns,
    check_report_id,
    document_key,
    document_positions,
    missing,
    report_order,
    search_args,
)
from search.cluster import rank, translate
from search.facets import ordered
from search.results import (
    Facets,
    Passage,
    ReportDetail,
    ReportList,
    SearchResult,
    hit,
    report_info,
    search_result,
)

_HIT_COLS = (
    "id, report_id, passage_id, title, agency, year, published, section, heading, text, "
    "source, url, ord"
)
_RANK_COLS = "id, report_id, agency, year, ord, wlen"
# the local engine's document order (its tie order): newest first, agency, report, reading order
_DOCUMENT_ORDER = "year DESC, agency ASC, report_id ASC, ord ASC"
_REPORT_COLS = (
    "id, report_id, title, agency, year, published, source, url, sections, npassages, stats, "
    "headings, provenance"
)


@dataclass
class _Snapshot:
    """The cluster's passages as columns, for the tools (docnum = place in id order)."""

    key: tuple  # the corpus statistics it was read under
    ids: np.ndarray  # sorted passage ids
    cols: Columns
    words: np.ndarray  # each passage's word count (its BM25 length)
    prints: dict | None = None  # ClusterEngine.sentence_prints, read on first need


class ClusterSearcher:
    """The `Searcher` (search/backend.py) over one snapshot of the cluster: stored fields
    by docnum (fetched by id a block at a time, the block of the last match set that holds
    the docnum, through `fetch`) and the corpus size."""

    def __init__(self, snap: _Snapshot, fetch: Callable[[list[int]], dict[int, dict]]):
        self.fetch = fetch  # stored fields by passage id
        self.snap = snap
        self.hint = snap.cols.passage_docs  # the sorted docnums most likely asked for next
        self._cache: dict[int, dict] = {}

    def doc_count(self) -> int:
        return len(self.snap.ids)

    def stored_fields(self, docnum: int) -> dict:
        docnum = int(docnum)
        if docnum not in self._cache:
            hint = self.hint
            pos = int(np.searchsorted(hint, docnum))
            if pos < len(hint) and hint[pos] == docnum:
                start = pos - pos % FETCH
                block = hint[start : start + FETCH]
            else:
                block = np.array([docnum], dtype=np.int64)
            if len(self._cache) + len(block) > CACHE:
                self._cache.clear()
            ids = self.snap.ids[block].tolist()
            by_id = self.fetch(ids)
            self._cache.update(
                (d, by_id[i]) for d, i in zip(block.tolist(), ids, strict=True) if i in by_id
            )
            if docnum not in self._cache:  # gone from the cluster since the snapshot
                raise ClusterError("the cluster changed while reading it; try again")
        return self._cache[docnum]

    def close(self) -> None:
        self._cache.clear()


class ClusterEngine:
    """The `SearchEngine` (search/backend.py) over `sphinxql://…/NAME`: the local engine's
    answers, to the hit and the tie."""

    parallel = True  # each thread talks over connections of its own, inside `pinned()`
    time_budget: float | None = None  # bounds every read from a node (see __init__)

    def __init__(self, address: str | Address, *, time_budget: float | None = None):
        self.address = parse_address(address) if isinstance(address, str) else address
        # every read from a node ends within the time budget: a frozen node is an error in
        # seconds (search/limits.py; GONGKAI_TIME_BUDGET), not a wait of minutes
        self.time_budget = limits.time_budget(time_budget)
        self.index_dir = str(self.address)
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._local = threading.local()  # this thread's connections, searcher, pin
        self._all_conns: list[Connection] = []
        self._stats: tuple[float, dict] | None = None
        self._snap: _Snapshot | None = None

    def where(self) -> str:
        return f"the cluster {self.address}"

    @property
    def conns(self) -> list[Connection]:
        """This thread's connections, one per node (a connection serves one query at a time)."""
        conns = getattr(self._local, "conns", None)
        if conns is None:
            b = self.time_budget
            conns = self._local.conns = [
                Connection(n, timeout=min(b, 10.0) if b else 10.0, io_timeout=b or None)
                for n in self.address.nodes
            ]
            with self._lock:
                self._all_conns += conns
        return conns

    # -- talking to the cluster ---------------------------------------------------------------
    def _query(self, sql: str, *args, meta: bool = False):
        """Run on the first node that answers; a node that fails is named in the error only
        when none answers, or when a distributed query misses an agent (ClusterError)."""
        errors = []
        for conn in self.conns:
            try:
                return conn.query_meta(sql, *args) if meta else conn.query(sql, *args)
            except ClusterError as e:
                if "down or unreachable" not in str(e):
                    raise self._down() or e from None
                errors.append(str(e))
        raise ClusterError("; ".join(errors))

    def _down(self) -> ClusterError | None:
        """A distributed query names a missing agent by its API port; name the node instead."""
        for conn in self.conns:
            try:
                conn.query("SHOW STATUS LIKE 'uptime'")
            except ClusterError as e:
                return e
        return None

    def _paged(
        self, cols: str, where: str, *args, ranker: str = "none", page: int = PAGE
    ) -> list[tuple]:
        """Every row of `SELECT cols … WHERE where`, in id order, a page at a time (`id`
        first in `cols`)."""
        out: list[tuple] = []
        last = 0
        while True:
            rows = self._query(
                f"SELECT {cols} FROM {self.address.name} WHERE {where} AND id > %s "
                f"ORDER BY id ASC LIMIT {page} OPTION max_matches={page}, ranker={ranker}",
                *args,
                last,
            )
            out += rows
            if len(rows) < page:
                return out
            last = rows[-1][0]

    def _corpus(self) -> dict:
        with self._lock:
            if self._stats and time.monotonic() - self._stats[0] < STATS_TTL:
                return self._stats[1]
        name = self.address.name
        rows = self._query(
            f"SELECT agency, COUNT(*) FROM {name} WHERE kind = {REPORT} GROUP BY agency "
            f"LIMIT {MAX_GROUPS} OPTION max_matches={MAX_GROUPS}"
        )
        years = self._query(
            f"SELECT year, COUNT(*) FROM {name} WHERE kind = {REPORT} GROUP BY year "
            f"LIMIT 10000 OPTION max_matches=10000"
        )
        size = self._query(f"SELECT COUNT(*), SUM(wlen), SUM(ord), SUM(rid) FROM {name}")
        n_docs, words = (int(size[0][0]), int(size[0][1] or 0)) if size else (0, 0)
        stats = {
            "agencies": sorted(r[0] for r in rows),
            "years": sorted(int(r[0]) for r in years),
            "docs": n_docs,
            "mean": max(1.0, words / max(1, n_docs)),
            "words": words,
            "key": tuple(size[0]) if size else (),
        }
        with self._lock:
            self._stats = (time.monotonic(), stats)
        return stats

    def close(self) -> None:
        with self._lock:
            conns, self._all_conns = self._all_conns, []
        for c in conns:
            c.close()

    # -- the tools' side: columns, matching, ranking, stored fields -----------------------------
    def _snapshot(self) -> _Snapshot:
        stats = self._corpus()
        with self._lock:
            if self._snap is not None and self._snap.key == stats["key"]:
                return self._snap
        with self._build_lock:  # one thread reads the columns; the others wait for them
            with self._lock:
                if self._snap is not None and self._snap.key == stats["key"]:
                    return self._snap
            return self._read_snapshot(stats)

    def _read_snapshot(self, stats: dict) -> _Snapshot:
        rows = self._paged("id, report_id, agency, year, section, ord, wlen", f"kind = {PASSAGE}")
        n = len(rows)
        ids = np.array([r[0] for r in rows], dtype=np.int64)

        def codes(i: int) -> tuple[np.ndarray, list[str]]:
            values, idx = np.unique(np.array([r[i] for r in rows] or [""]), return_inverse=True)
            return idx.reshape(-1)[:n].astype(np.int64), [str(v) for v in values.tolist()]

        report, _ = codes(1)
        agency, agencies = codes(2)
        section, sections = codes(4)
        year = np.array([int(r[3]) for r in rows], dtype=np.int32)
        order = np.array([int(r[5]) for r in rows], dtype=np.int64)
        position = document_positions(year, agency, report, order)
        cols = Columns(
            report=report,
            agency=agency.astype(np.int32),
            year=year,
            section=section.astype(np.int32),
            position=position,
            agencies=agencies,
            sections=sections,
            lengths=None,  # ranking reads each passage's own terms (ClusterEngine.scores)
            live=np.ones(n, dtype=bool),
            passage_docs=np.arange(n, dtype=np.int64),
        )
        words = np.array([int(r[6]) for r in rows], dtype=np.int64)
        snap = _Snapshot(stats["key"], ids, cols, words)
        with self._lock:
            self._snap = snap
        return snap

    def searcher(self):
        """(this thread's searcher, its snapshot's columns); inside `pinned()` the same
        snapshot for the whole block, outside it the cluster's latest."""
        loc = self._local
        s = getattr(loc, "searcher", None)
        if s is not None and getattr(loc, "pinned", 0):
            return s, s.snap.cols
        snap = self._snapshot()
        if s is None or s.snap is not snap:
            if s is not None:
                s.close()
            s = loc.searcher = ClusterSearcher(snap, self._fetch_ids)
        return s, snap.cols

    def refresh(self) -> None:
        loc = self._local
        pinned, loc.pinned = getattr(loc, "pinned", 0), 0
        try:
            self.searcher()
        finally:
            loc.pinned = pinned

    @contextmanager
    def pinned(self):
        """One request's view: the snapshot it starts with, for all its calls (their docnums
        must agree). The server wraps each request's engine calls in it."""
        loc = self._local
        if not getattr(loc, "pinned", 0) and getattr(loc, "searcher", None) is not None:
            self.searcher()  # catch up before pinning
        loc.pinned = getattr(loc, "pinned", 0) + 1
        try:
            yield self
        finally:
            loc.pinned -= 1

    def own_searcher(self):
        searcher, _ = self.searcher()
        return ClusterSearcher(searcher.snap, self._fetch_ids)

    def _docnums(self, snap: _Snapshot, found: list[int]) -> np.ndarray:
        ids = np.array(found, dtype=np.int64)
        pos = np.searchsorted(snap.ids, ids)
        ok = pos < len(snap.ids)
        ok[ok] = snap.ids[pos[ok]] == ids[ok]
        return np.unique(pos[ok])  # (a passage ingested after the snapshot is left out)

    def match(self, plan: ql.Plan, cache: dict | None = None) -> np.ndarray:
        """Sorted docnums (in the tools' snapshot) of every passage matching `plan`."""
        searcher, _ = self.searcher()
        stats = self._corpus()
        expr = translate.match(plan.match, stats["agencies"], stats["years"])
        rows = self._paged("id", f"MATCH(%s) AND kind = {PASSAGE}", expr)
        docs = self._docnums(searcher.snap, [r[0] for r in rows])
        searcher.hint = docs
        return docs

    def scores(self, searcher, rank_terms, docs: np.ndarray, cache: dict | None = None):
        """BM25 of `docs` (docnums of `searcher`'s snapshot), as search ranks them: the
        ranking tokens' term frequencies from searchd, as `search` reads them."""
        terms = self._terms(rank_terms)
        tokens = list(dict.fromkeys(translate.token(f, t) for f, t, _b, df in terms if df))
        out = np.zeros(len(docs), dtype=np.float64)
        if not tokens or not len(docs):
            return out
        snap = searcher.snap
        docs = np.asarray(docs, dtype=np.int64)
        out[:] = self._exact(snap.ids[docs].tolist(), snap.words[docs], tokens, terms)
        return out

    def passage_docnums(self, passage_id: str, prefix: bool) -> list[int]:
        searcher, _ = self.searcher()
        snap = searcher.snap
        full = passage_id.ljust(16, "0")
        lo = int(np.searchsorted(snap.ids, doc_id(full)))
        if len(passage_id) >= 16 or not prefix:
            wanted = [lo] if lo < len(snap.ids) and snap.ids[lo] == doc_id(full) else []
        else:  # the ids starting with the prefix are one range (doc_id keeps the order)
            hi = int(np.searchsorted(snap.ids, doc_id(passage_id.ljust(16, "f")), side="right"))
            wanted = list(range(lo, min(hi, lo + 64)))
        found = []
        for d in wanted:
            pid = searcher.stored_fields(d)["passage_id"]
            if pid == passage_id or (prefix and pid.startswith(passage_id)):
                found.append(d)
                if len(found) > 1:
                    break
        exact = [d for d in found if searcher.stored_fields(d)["passage_id"] == passage_id]
        return exact or found

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
        stats = self._corpus()
        expr = translate.match(plan.match, stats["agencies"], stats["years"])
        facets, total, n_reports = self._facets(expr)
        hits = []
        if limit and total:
            hits = self._hits(plan, expr, total, offset + limit, per_report)[offset:]
        return search_result(
            text,
            plan,
            total=total,
            reports=n_reports,
            offset=offset,
            limit=limit,
            facets=facets,
            hits=hits,
        )

    def _grouped(self, match: str, attr: str, cap: int) -> list[tuple]:
        rows = self._query(
            f"SELECT {attr}, COUNT(DISTINCT rid) AS n, COUNT(*) AS c FROM {self.address.name} "
            f"WHERE MATCH(%s) AND kind = {PASSAGE} GROUP BY {attr} LIMIT {cap} "
            f"OPTION max_matches={cap}, ranker=none",
            match,
        )
        if len(rows) >= cap:
            raise ClusterError(
                f"more than {cap} {attr} groups match: raise GONGKAI_CLUSTER_MAX_GROUPS"
            )
        return rows

    def _facets(self, match: str) -> tuple[Facets, int, int]:
        """search/facets.py's counts and orders, grouped in searchd."""
        stats = self._corpus()
        ag = self._grouped(match, "agency", max(1000, len(stats["agencies"]) + 1))
        if not ag:
            return Facets(agency=[], year=[], section=[]), 0, 0
        yr = self._grouped(match, "year", max(1000, len(stats["years"]) + 1))
        sec = self._grouped(match, "section", 1000)
        facets = ordered(
            ((a, int(n)) for a, n, _c in ag),
            ((int(y) if y else None, int(n)) for y, n, _c in yr),
            ((s, int(n)) for s, n, _c in sec),
        )
        total = sum(int(c) for _a, _n, c in ag)
        n_reports = sum(int(n) for _a, n, _c in ag)
        return facets, total, n_reports

    # -- ranking ------------------------------------------------------------------------------
    def _frequencies(self, tokens: list[str], hits: bool = False) -> dict:
        """Each token's document frequency in the cluster (with `hits`: (documents,
        occurrences)), from searchd's per-keyword statistics."""
        if not tokens:
            return {}
        _rows, meta = self._query(
            f"SELECT id FROM {self.address.name} WHERE MATCH(%s) LIMIT 1 OPTION ranker=none",
            " | ".join(tokens),
            meta=True,
        )
        out: dict = {}
        i = 0
        while f"keyword[{i}]" in meta:
            docs = int(meta[f"docs[{i}]"])
            out[meta[f"keyword[{i}]"]] = (docs, int(meta[f"hits[{i}]"])) if hits else docs
            i += 1
        return out

    def _terms(self, rank_terms) -> list[tuple[str, str, float, int]]:
        """(field, term, boost, df) of a plan's ranking terms, in order, a `rarest` group
        narrowed as search/rank.py `terms_of` narrows it (by the cluster's frequencies)."""
        tokens = list(
            dict.fromkeys(translate.token(s.field, t) for s in rank_terms for t in s.terms)
        )
        df = self._frequencies(tokens)
        out = []
        for group in rank_terms:
            terms = list(dict.fromkeys(group.terms))
            if group.rarest:
                terms = sorted(terms, key=lambda t: df.get(translate.token(group.field, t), 0))
                terms = terms[: group.rarest]
            for t in terms:
                out.append(
                    (group.field, t, group.boost, df.get(translate.token(group.field, t), 0))
                )
        return out

    def _ranked(self, expr: str, terms: list[rank.Term], total: int) -> tuple[list, np.ndarray]:
        """Rank rows (id, report_id, agency, year, ord, wlen) of the passages matching `expr`
        and their gongkai BM25 scores: every match when there are at most `EXACT_RANK`, else
        the `EXACT_RANK` best by searchd's own BM25 over the same terms (docs/scale.md)."""
        tokens = list(dict.fromkeys(translate.token(f, t) for f, t, _b, df in terms if df))
        window = min(total, EXACT_RANK) or 1
        if tokens and total > EXACT_RANK:
            mean = self._corpus()["mean"]
            query = rank.with_rank(expr, tokens)
            ranker = f"expr('{rank.candidate_ranker(mean)}'), {rank.CANDIDATE_OPTIONS}"
        else:
            query, ranker = expr, "none"
        # every score is 0 without ranking terms: then searchd sorts in document order
        order = "WEIGHT() DESC, id ASC" if tokens else _DOCUMENT_ORDER
        rows = self._query(
            f"SELECT {_RANK_COLS} FROM {self.address.name} "
            f"WHERE MATCH(%s) AND kind = {PASSAGE} ORDER BY {order} "
            f"LIMIT {window} OPTION max_matches={window}, ranker={ranker}",
            query,
        )
        words = np.array([int(r[5]) for r in rows], dtype=np.int64)
        return rows, self._exact([r[0] for r in rows], words, tokens, terms)

    def _exact(self, ids: list[int], words: np.ndarray, tokens: list[str], terms) -> np.ndarray:
        """gongkai's BM25 of passages `ids` (word counts `words`) for ranking `terms` (whose
        tokens are `tokens`), from the term frequencies searchd counted."""
        if not tokens or not ids:
            return np.zeros(len(ids), dtype=np.float64)
        stats = self._corpus()
        tf = self._term_freqs(ids, tokens)
        if tf is None:  # a searchd numbering keywords otherwise: read the passages instead
            return self._scores_from_text(ids, terms)
        column = [tokens.index(translate.token(f, t)) if df else 0 for f, t, _b, df in terms]
        return rank.scores(tf, words, terms, column, stats["docs"], stats["mean"])

    def _term_freqs(self, ids: list[int], tokens: list[str]) -> np.ndarray | None:
        """(passages × tokens) term frequencies: PACKEDFACTORS() of a query of the tokens
        alone (so each keyword is counted once, as it occurs), for the passages `ids`."""
        query = " | ".join(tokens)
        packed: dict[int, str] = {}
        for k in range(0, len(ids), FACTORS):
            block = ids[k : k + FACTORS]
            packed.update(
                self._query(
                    f"SELECT id, PACKEDFACTORS() FROM {self.address.name} WHERE MATCH(%s) "
                    f"AND id IN ({','.join(map(str, block))}) LIMIT {len(block)} "
                    f"OPTION max_matches={len(block)}, ranker=expr('1')",
                    query,
                )
            )
        where = rank.positions(query)
        return rank.term_freqs([packed.get(i, "") for i in ids], [where[t] for t in tokens])

    # -- more like this (similar) -------------------------------------------------------------
    def key_terms(self, text: str, number: int) -> list[tuple[str, float]]:
        """The local engine's key terms (Whoosh's Bo1 expansion) from the cluster's counts."""
        weights = Counter(analyse(text)[0])
        freq = self._frequencies([word_token(w) for w in weights], hits=True)
        cf = {w: freq.get(word_token(w), (0, 0))[1] for w in weights}
        return rank.bo1(weights, cf, self._corpus()["docs"], number)

    def more_like(
        self, terms: list[tuple[str, float]], report_id: str, filters: list, top: int
    ) -> list[tuple[dict, float]]:
        """As the local engine's: Whoosh's BM25F of the weighted words (its IDF and field
        mean), over passages outside the report and within the filters."""
        stats = self._corpus()
        tokens = list(dict.fromkeys(word_token(t) for t, _w in terms))
        df = self._frequencies(tokens)
        expr = "(@words " + " | ".join(tokens) + ")"
        if filters:
            plan = ql.plan(None, filters)
            expr += " " + translate.match(plan.match, stats["agencies"], stats["years"])
        sql = (
            f"SELECT {_RANK_COLS} FROM {self.address.name} WHERE MATCH(%s) AND kind = {PASSAGE} "
            f"AND rid != %s ORDER BY WEIGHT() DESC, id ASC LIMIT {EXACT_RANK} "
            f"OPTION max_matches={EXACT_RANK}, ranker=expr('{rank.candidate_ranker(stats['mean'])}'), "
            f"{rank.CANDIDATE_OPTIONS}"
        )
        rows = self._query(sql, expr, report_key(report_id))
        rows = [r for r in rows if r[1] != report_id]
        ids = [r[0] for r in rows]
        tf = self._term_freqs(ids, tokens) if ids else np.zeros((0, len(tokens)), np.float32)
        if tf is None:
            raise ClusterError("searchd's ranking factors could not be read for similar")
        words = np.array([int(r[5]) for r in rows], dtype=np.int64)
        boosts = [max(w, 0.01) for _t, w in terms]
        dfs = [df.get(t, 0) for t in tokens]
        score = rank.bm25f(tf, words, dfs, boosts, stats["docs"], stats["words"])
        order = _best_first(rows, score)[:top]
        by_id = self._fetch_ids([rows[i][0] for i in order])
        return [(by_id[rows[i][0]], float(score[i])) for i in order if rows[i][0] in by_id]

    def _scores_from_text(self, ids: list[int], terms) -> np.ndarray:
        stats = self._corpus()
        by_id = self._fetch_ids(ids)
        texts = [by_id[i]["text"] if i in by_id else "" for i in ids]
        return _scores(texts, terms, stats["docs"], stats["mean"])

    def _hits(self, plan: ql.Plan, expr: str, total: int, want: int, per_report: int | None):
        rows, score = self._ranked(expr, self._terms(plan.rank), total)
        order = _best_first(rows, score)
        chosen: list[int] = []
        seen: Counter[str] = Counter()
        for i in order:
            if per_report is not None:
                if seen[rows[i][1]] >= per_report:
                    continue
                seen[rows[i][1]] += 1
            chosen.append(i)
            if len(chosen) >= want:
                break
        by_id = self._fetch_ids([rows[i][0] for i in chosen])
        return [
            hit(by_id[rows[i][0]], float(score[i]), plan.highlights)
            for i in chosen
            if rows[i][0] in by_id
        ]

    def _fetch_ids(self, ids: list[int]) -> dict[int, dict]:
        """Stored fields of passages by id."""
        out: dict[int, dict] = {}
        for k in range(0, len(ids), FETCH):
            block = ",".join(str(int(i)) for i in ids[k : k + FETCH])
            if not block:
                continue
            n = min(FETCH, len(ids) - k)
            rows = self._query(
                f"SELECT {_HIT_COLS} FROM {self.address.name} WHERE id IN ({block}) "
                f"LIMIT {n} OPTION max_matches={n}"
            )
            out.update((r[0], _hit_fields(r)) for r in rows)
        return out

    # -- reports ------------------------------------------------------------------------------
    def _report_rows(self, where: str, *args) -> list[dict]:
        rows = self._paged(_REPORT_COLS, f"kind = {REPORT} {where}", *args)
        return [_report_fields(r) for r in rows]

    def _copies(self, where: str, *args) -> dict[str, list[dict]]:
        """Each report's other sources (its ALIAS rows), by report id."""
        out: dict[str, list[dict]] = {}
        for _id, rid, source, url in self._paged(
            "id, report_id, source, url", f"kind = {ALIAS} {where}", *args
        ):
            out.setdefault(rid, []).append({"source": source, "url": url or None})
        return out

    def reports(self) -> ReportList:
        copies = self._copies("")
        rows = [report_info(f, copies.get(f["report_id"], [])) for f in self._report_rows("")]
        rows.sort(key=report_order)
        return ReportList(reports=rows)

    def replaced_by(self, old_id: str) -> str | None:
        return None  # the cluster keeps no replaced-id table (index/cluster/writer.py)

    def id_kind(self, some_id: str) -> str | None:
        if not REPORT_ID.fullmatch(some_id or "") or len(some_id) < 15:
            return None  # (report_key reads an id's first 15 hex digits)
        rows = self._report_rows("AND rid = %s", report_key(some_id))
        if any(f["report_id"] == some_id for f in rows):
            return "report"
        return "passage" if self.passage_docnums(some_id, False) else None

    def sentence_prints(self) -> dict[str, np.ndarray]:
        """Every report's sentence fingerprints as stored at ingest, by report id: the local
        engine's answer, read once per snapshot (a few hundred reports a page: each row
        carries its report's fingerprints)."""
        s, _ = self.searcher()
        snap = s.snap
        if snap.prints is None:
            rows = self._paged("id, report_id, sentences", f"kind = {REPORT}", page=PRINTS_PAGE)
            snap.prints = {rid: sentences.decode(raw) for _id, rid, raw in rows}
        return snap.prints

    def show(self, report_id: str) -> ReportDetail:
        key = report_key(check_report_id(report_id))
        heads = [f for f in self._report_rows("AND rid = %s", key) if f["report_id"] == report_id]
        if not heads:
            raise missing(self, "report", report_id)
        cap = max(1000, heads[0]["passages"] + 1)
        rows = self._query(
            f"SELECT report_id, passage_id, section, heading, text FROM {self.address.name} "
            f"WHERE kind = {PASSAGE} AND rid = %s ORDER BY ord ASC LIMIT {cap} "
            f"OPTION max_matches={cap}",
            key,
        )
        passages = [
            Passage(pid, sec, head, text) for rid, pid, sec, head, text in rows if rid == report_id
        ]
        copies = self._copies("AND rid = %s", key).get(report_id, [])
        return ReportDetail(report=report_info(heads[0], copies), passages=passages)


def _best_first(rows: list[tuple], score: np.ndarray) -> list[int]:
    """Indexes of rank rows (id, report_id, agency, year, ord, wlen), best score first, ties
    in the document order (search/backend.py) as the local engine breaks them."""
    return sorted(
        range(len(rows)),
        key=lambda i: (
            -score[i],
            *document_key(int(rows[i][3]), rows[i][2], rows[i][1], int(rows[i][4])),
        ),
    )


def _scores(texts: list[str], terms: list[tuple[str, str, float, int]], n_docs: int, mean: float):
    """search/rank.py's BM25 for passages with `texts` (analysed here, as the index analyses
    them), so the scores (and their ties) are the local engine's."""
    if not texts or not terms:
        return np.zeros(len(texts), dtype=np.float64)
    analysed = [analyse(t) for t in texts]
    counts = {
        "text": [Counter(words) for words, _g, _p in analysed],
        "grams": [Counter(grams) for _w, grams, _p in analysed],
    }
    tf = np.array(
        [
            [counts[field][i].get(term, 0) for field, term, _b, _df in terms]
            for i in range(len(texts))
        ],
        dtype=np.float32,
    )
    words = np.array([len(words) for words, _g, _p in analysed], dtype=np.int64)
    return rank.scores(tf, words, terms, list(range(len(terms))), n_docs, mean)


def _hit_fields(r: tuple) -> dict:
    _id, report_id, passage_id, title, agency, year, published, section, heading, text = r[:10]
    source, url, order = r[10:13]
    return {
        "report_id": report_id,
        "passage_id": passage_id,
        "title": title,
        "agency": agency,
        "year": int(year) or None,
        "published": published or None,
        "section": section,
        "heading": heading,
        "text": text,
        "source": source,
        "url": url or None,
        "order": int(order),
    }


def _report_fields(r: tuple) -> dict:
    _id, report_id, title, agency, year, published, source, url, sections, n, stats = r[:11]
    headings, provenance = r[11:13]
    return {
        "report_id": report_id,
        "title": title,
        "agency": agency,
        "year": int(year) or None,
        "published": published or None,
        "source": source,
        "url": url or None,
        "sections": json.loads(sections or "[]"),
        "passages": int(n),
        "stats": stats or None,
        "headings": json.loads(headings or "[]"),
        "provenance": json.loads(provenance or "{}"),
    }
