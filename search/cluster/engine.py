"""The engine over a cluster: the local engine's public methods and results, over
`sphinxql://…/NAME`.

`search`: matching, totals and facets run in searchd over the distributed index. Facet counts
are `COUNT(DISTINCT rid)` per agency, year and section: exact, because a report's passages all
live on one shard and `max_matches` is set above the number of groups (the number of agencies
bounds it; a query with more groups than `MAX_GROUPS` fails rather than cut one). Ranking is
gongkai's own BM25 (search/rank.py: K1, B, boosts, length quantization, tie order) computed
here from the cluster's document frequencies and the matching passages' own terms, so hits
equal the local engine's. Up to `EXACT_RANK` matching passages are all scored; past that
searchd's BM25 (over the same terms) picks that many candidates first, and only those are
scored exactly (docs/scale.md).

The journalist tools (search/tools/) go through `searcher()`, `match()`, `scores()` and
`passage_docnums()` as on the local engine: the cluster engine keeps the passages' report,
agency, year, section and reading-order columns in memory (about 40 bytes a passage, reloaded
when the cluster's contents change), a docnum is a passage's place in id order, and
`ClusterSearcher.stored_fields` fetches stored text by id a block at a time."""

from __future__ import annotations

import json
import math
import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
from whoosh.util.numeric import byte_to_length, length_to_byte

from corpus.sections import SECTIONS
from index.cluster.documents import ALIAS, PASSAGE, REPORT, doc_id, report_key
from index.cluster.sphinxql import Address, ClusterError, Connection, parse_address
from index.settings import BM25_B, BM25_K1
from index.whoosh_ext.bulk import analyse
from search import query as ql
from search.cluster import translate
from search.engine import Columns, Engine, NotFound, search_args
from search.results import (
    Facets,
    FacetValue,
    Passage,
    ReportDetail,
    ReportList,
    SearchResult,
    hit,
    report_info,
    search_result,
)

MAX_GROUPS = int(os.environ.get("GONGKAI_CLUSTER_MAX_GROUPS", "100000"))
EXACT_RANK = int(os.environ.get("GONGKAI_CLUSTER_EXACT_RANK", "20000"))
STATS_TTL = 5.0  # seconds the corpus statistics (agencies, years, sizes) are reused
PAGE = 50_000  # rows per paged SELECT of ids and columns
FETCH = 1000  # stored passages fetched at once
CACHE = 100_000  # stored passages a searcher keeps (about 1 KB each)
_HIT_COLS = (
    "id, report_id, passage_id, title, agency, year, published, section, heading, text, "
    "source, url, ord"
)
_REPORT_COLS = (
    "id, report_id, title, agency, year, published, source, url, sections, npassages, stats, "
    "headings, provenance"
)
_SECTION_ORDER = {name: i for i, name in enumerate(SECTIONS)}


@dataclass
class _Snapshot:
    """The cluster's passages as columns, for the tools (docnum = place in id order)."""

    key: tuple  # the corpus statistics it was read under
    ids: np.ndarray  # sorted passage ids
    cols: Columns


class ClusterSearcher:
    """What the tools read from a searcher, over one snapshot of the cluster: stored fields
    by docnum (fetched by id a block at a time, the block of the last match set that holds
    the docnum) and the corpus size."""

    def __init__(self, engine: ClusterEngine, snap: _Snapshot):
        self.engine = engine
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
            self._cache.update(self.engine._fetch(self.snap, block))
            if docnum not in self._cache:  # gone from the cluster since the snapshot
                raise ClusterError("the cluster changed while reading it; try again")
        return self._cache[docnum]

    def key_terms_from_text(self, *_args, **_kwargs):
        raise ClusterError(
            "similar needs the local index's term statistics; it is not available on a cluster"
        )

    def close(self) -> None:
        self._cache.clear()


class ClusterEngine(Engine):
    """Same public methods and results as search.engine.Engine, over `sphinxql://…/NAME`."""

    parallel = False  # not shown safe for parallel requests: the web app serializes its calls

    def __init__(self, address: str | Address):
        self.address = parse_address(address) if isinstance(address, str) else address
        self.index_dir = str(self.address)
        self.conns = [Connection(n) for n in self.address.nodes]
        self._lock = threading.Lock()
        self._stats: tuple[float, dict] | None = None
        self._snap: _Snapshot | None = None
        self._searcher: ClusterSearcher | None = None

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

    def _paged(self, cols: str, where: str, *args) -> list[tuple]:
        """Every row of `SELECT cols … WHERE where`, in id order, a page at a time (`id`
        first in `cols`)."""
        out: list[tuple] = []
        last = 0
        while True:
            rows = self._query(
                f"SELECT {cols} FROM {self.address.name} WHERE {where} AND id > %s "
                f"ORDER BY id ASC LIMIT {PAGE} OPTION max_matches={PAGE}, ranker=none",
                *args,
                last,
            )
            out += rows
            if len(rows) < PAGE:
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
            "key": tuple(size[0]) if size else (),
        }
        with self._lock:
            self._stats = (time.monotonic(), stats)
        return stats

    def close(self) -> None:
        for c in self.conns:
            c.close()

    # -- the tools' side: columns, matching, ranking, stored fields -----------------------------
    def _snapshot(self) -> _Snapshot:
        stats = self._corpus()
        with self._lock:
            if self._snap is not None and self._snap.key == stats["key"]:
                return self._snap
        rows = self._paged("id, report_id, agency, year, section, ord", f"kind = {PASSAGE}")
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
        position = np.empty(n, dtype=np.int64)
        position[np.lexsort((order, report, agency, -year))] = np.arange(n)
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
        snap = _Snapshot(stats["key"], ids, cols)
        with self._lock:
            self._snap, self._searcher = snap, ClusterSearcher(self, snap)
        return snap

    def searcher(self):
        snap = self._snapshot()
        with self._lock:
            return self._searcher, snap.cols

    def own_searcher(self):
        snap = self._snapshot()
        return ClusterSearcher(self, snap)

    def _docnums(self, snap: _Snapshot, found: list[int]) -> np.ndarray:
        ids = np.array(found, dtype=np.int64)
        pos = np.searchsorted(snap.ids, ids)
        ok = pos < len(snap.ids)
        ok[ok] = snap.ids[pos[ok]] == ids[ok]
        return np.unique(pos[ok])  # (a passage ingested after the snapshot is left out)

    def match(self, plan: ql.Plan, cache: dict | None = None) -> np.ndarray:
        """Sorted docnums (in the tools' snapshot) of every passage matching `plan`."""
        snap = self._snapshot()
        stats = self._corpus()
        expr = translate.match(plan.match, stats["agencies"], stats["years"])
        rows = self._paged("id", f"MATCH(%s) AND kind = {PASSAGE}", expr)
        docs = self._docnums(snap, [r[0] for r in rows])
        with self._lock:
            if self._searcher is not None and self._searcher.snap is snap:
                self._searcher.hint = docs
        return docs

    def _fetch(self, snap: _Snapshot, docnums: np.ndarray) -> dict[int, dict]:
        ids = ",".join(str(int(i)) for i in snap.ids[docnums])
        rows = self._query(
            f"SELECT {_HIT_COLS} FROM {self.address.name} WHERE id IN ({ids}) "
            f"LIMIT {len(docnums)} OPTION max_matches={max(1, len(docnums))}"
        )
        by_id = {r[0]: _hit_fields(r) for r in rows}
        out = {}
        for d, i in zip(docnums.tolist(), snap.ids[docnums].tolist(), strict=True):
            if i in by_id:
                out[d] = by_id[i]
        return out

    def scores(self, searcher, rank_terms, docs: np.ndarray, cache: dict | None = None):
        stats = self._corpus()
        terms = self._terms(rank_terms)
        texts = [searcher.stored_fields(int(d))["text"] for d in docs]
        return _scores(texts, terms, stats["docs"], stats["mean"])

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
        agency = [FacetValue(a, int(n)) for a, n, _c in ag if n]
        agency.sort(key=lambda d: (-d.count, str(d.value)))
        year = [FacetValue(int(y) if y else None, int(n)) for y, n, _c in yr]
        year.sort(key=lambda d: (d.value is None, -(d.value or 0)))
        section = [FacetValue(s, int(n)) for s, n, _c in sec if n and s]
        section.sort(key=lambda d: (-d.count, _SECTION_ORDER.get(d.value, 99)))
        total = sum(int(c) for _a, _n, c in ag)
        n_reports = sum(int(n) for _a, n, _c in ag)
        return Facets(agency=agency, year=year, section=section), total, n_reports

    # -- ranking ------------------------------------------------------------------------------
    def _frequencies(self, tokens: list[str]) -> dict[str, int]:
        if not tokens:
            return {}
        _rows, meta = self._query(
            f"SELECT id FROM {self.address.name} WHERE MATCH(%s) LIMIT 1 OPTION ranker=none",
            " | ".join(tokens),
            meta=True,
        )
        out: dict[str, int] = {}
        i = 0
        while f"keyword[{i}]" in meta:
            out[meta[f"keyword[{i}]"]] = int(meta[f"docs[{i}]"])
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

    def _hits(self, plan: ql.Plan, expr: str, total: int, want: int, per_report: int | None):
        stats = self._corpus()
        terms = self._terms(plan.rank)
        window = EXACT_RANK
        if total <= window:
            sql_match, options = expr, "ranker=none"
        else:  # searchd's BM25 over the ranking terms picks the candidates to score exactly
            maybe = " | ".join(translate.token(f, t) for f, t, _b, _d in terms)
            sql_match = f"({expr}) MAYBE ({maybe})" if maybe else expr
            options = "ranker=bm25"
        rows = self._query(
            f"SELECT {_HIT_COLS} FROM {self.address.name} WHERE MATCH(%s) AND kind = {PASSAGE} "
            f"ORDER BY WEIGHT() DESC LIMIT {window} OPTION max_matches={window}, {options}",
            sql_match,
        )
        fields = [_hit_fields(r) for r in rows]
        score = _scores([f["text"] for f in fields], terms, stats["docs"], stats["mean"])
        # ties in the local engine's document order: newest report, agency, report, reading order
        order = sorted(
            range(len(rows)),
            key=lambda i: (
                -score[i],
                -(fields[i]["year"] or 0),
                fields[i]["agency"],
                fields[i]["report_id"],
                fields[i]["order"],
            ),
        )
        out, seen = [], Counter()
        for i in order:
            rid = fields[i]["report_id"]
            if per_report is not None:
                if seen[rid] >= per_report:
                    continue
                seen[rid] += 1
            out.append(hit(fields[i], float(score[i]), plan.highlights))
            if len(out) >= want:
                break
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
        rows.sort(key=lambda r: (-(r.year or 0), r.agency, r.title))
        return ReportList(reports=rows)

    def show(self, report_id: str) -> ReportDetail:
        if not re.fullmatch(r"[0-9a-f]{1,64}", report_id or ""):
            raise NotFound(report_id)
        key = report_key(report_id)
        heads = [f for f in self._report_rows("AND rid = %s", key) if f["report_id"] == report_id]
        if not heads:
            raise NotFound(report_id)
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


_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)


def _scores(texts: list[str], terms: list[tuple[str, str, float, int]], n_docs: int, mean: float):
    """search/rank.py's BM25 for passages with `texts`, term by term, in the same float types,
    so the scores (and their ties) are the local engine's."""
    total = np.zeros(len(texts), dtype=np.float64)
    if not texts or not terms:
        return total
    analysed = [analyse(t) for t in texts]
    codes = np.array([length_to_byte(len(words)) for words, _g, _p in analysed], dtype=np.int64)
    length_all = np.where(codes == 0, 0.0, _LENGTH[codes]).astype(np.float32)
    counts = {
        "text": [Counter(words) for words, _g, _p in analysed],
        "grams": [Counter(grams) for _w, grams, _p in analysed],
    }
    n_docs = max(1, n_docs)
    for field, term, boost, df in terms:
        if not df:
            continue
        idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        tfs = np.array([c.get(term, 0) for c in counts[field]], dtype=np.float32)
        found = np.nonzero(tfs)[0]
        if not len(found):
            continue
        tf = tfs[found]
        length = length_all[found]
        norm = BM25_K1 * (1 - BM25_B + BM25_B * length / mean)
        total[found] += boost * idf * tf * (BM25_K1 + 1) / (tf + norm)
    return total


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
