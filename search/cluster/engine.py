"""The engine over a cluster: `search`, `reports` and `show` with the local engine's JSON.

Matching, totals and facets run in searchd over the distributed index. Facet counts are
`COUNT(DISTINCT rid)` per agency, year and section: exact, because a report's passages all
live on one shard and `max_matches` is set above the number of groups (the number of
agencies bounds it; a query with more groups than `MAX_GROUPS` fails rather than cut one).

Ranking is gongkai's own BM25 (search/rank.py: K1, B, boosts, length quantization, tie order)
computed here from the cluster's document frequencies and the matching passages' own terms,
so hits equal the local engine's. Up to `EXACT_RANK` matching passages are all scored; past
that searchd's BM25 (over the same terms) picks that many candidates first, and only those are
scored exactly (docs/scale.md)."""

from __future__ import annotations

import json
import math
import os
import re
import threading
import time
from collections import Counter

import numpy as np
from whoosh.util.numeric import byte_to_length, length_to_byte

from corpus.sections import SECTIONS
from index.bulk import analyse
from index.cluster.documents import PASSAGE, REPORT, gram_token, report_key, word_token
from index.cluster.sphinxql import Address, ClusterError, Connection, parse_address
from search import query as ql
from search import rank as local_rank
from search.cluster.translate import Plan, plan, rank_tokens
from search.engine import Engine, NotFound, search_args

MAX_GROUPS = int(os.environ.get("GONGKAI_CLUSTER_MAX_GROUPS", "100000"))
EXACT_RANK = int(os.environ.get("GONGKAI_CLUSTER_EXACT_RANK", "20000"))
STATS_TTL = 5.0  # seconds the corpus statistics (agencies, years, sizes) are reused
_HIT_COLS = (
    "id, rid, year, ord, report_id, passage_id, agency, section, heading, text, title, "
    "published, source, url"
)
_REPORT_COLS = "id, report_id, title, agency, year, published, source, url, sections, npassages"


class ClusterEngine(Engine):
    """Same public methods and results as search.engine.Engine, over `sphinxql://…/NAME`.
    The journalist tools that read the local index's columns directly are not available here
    (they raise ClusterError with a one-line message)."""

    def __init__(self, address: str | Address):
        self.address = parse_address(address) if isinstance(address, str) else address
        self.index_dir = str(self.address)
        self.conns = [Connection(n) for n in self.address.nodes]
        self._lock = threading.Lock()
        self._stats: tuple[float, dict] | None = None

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
        size = self._query(f"SELECT COUNT(*), SUM(wlen) FROM {name}")
        n_docs, words = (int(size[0][0]), int(size[0][1] or 0)) if size else (0, 0)
        stats = {
            "agencies": sorted(r[0] for r in rows),
            "years": sorted(int(r[0]) for r in years),
            "docs": n_docs,
            "mean": max(1.0, words / max(1, n_docs)),
        }
        with self._lock:
            self._stats = (time.monotonic(), stats)
        return stats

    def close(self) -> None:
        for c in self.conns:
            c.close()

    def searcher(self):
        raise ClusterError("this tool reads a local index; it is not available on a cluster yet")

    def match(self, *args, **kwargs):
        raise ClusterError("this tool reads a local index; it is not available on a cluster yet")

    # -- search -------------------------------------------------------------------------------
    def plan(self, text: str, filters: list[ql.Filter]) -> Plan:
        stats = self._corpus()
        return plan(self._tree(text, filters), self._pieces, stats["agencies"], stats["years"])

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
    ) -> dict:
        limit, filters = search_args(limit, offset, per_report, agency, year, section)
        p = self.plan(text, filters)
        facets, total, n_reports = self._facets(p.match)
        hits = []
        if limit and total:
            hits = self._hits(p, total, offset + limit, per_report)[offset:]
        return {
            "query": text,
            "total": total,
            "reports": n_reports,
            "offset": offset,
            "limit": limit,
            "facets": facets,
            "hits": hits,
        }

    def _grouped(self, match: str, attr: str, cap: int) -> list[tuple]:
        rows = self._query(
            f"SELECT {attr}, COUNT(DISTINCT rid) AS n, COUNT(*) AS c FROM {self.address.name} "
            f"WHERE MATCH(%s) GROUP BY {attr} LIMIT {cap} OPTION max_matches={cap}, ranker=none",
            match,
        )
        if len(rows) >= cap:
            raise ClusterError(
                f"more than {cap} {attr} groups match: raise GONGKAI_CLUSTER_MAX_GROUPS"
            )
        return rows

    def _facets(self, match: str) -> tuple[dict, int, int]:
        stats = self._corpus()
        ag = self._grouped(match, "agency", max(1000, len(stats["agencies"]) + 1))
        if not ag:
            return {"agency": [], "year": [], "section": []}, 0, 0
        yr = self._grouped(match, "year", max(1000, len(stats["years"]) + 1))
        sec = self._grouped(match, "section", 1000)
        agency_list = [{"value": a, "count": int(n)} for a, n, _c in ag if n]
        agency_list.sort(key=lambda d: (-d["count"], str(d["value"])))
        year_list = [{"value": int(y) if y else None, "count": int(n)} for y, n, _c in yr]
        year_list.sort(key=lambda d: (d["value"] is None, -(d["value"] or 0)))
        order = {name: i for i, name in enumerate(SECTIONS)}
        section_list = [{"value": s, "count": int(n)} for s, n, _c in sec if n and s]
        section_list.sort(key=lambda d: (-d["count"], order.get(d["value"], 99)))
        total = sum(int(c) for _a, _n, c in ag)
        n_reports = sum(int(n) for _a, n, _c in ag)
        return {"agency": agency_list, "year": year_list, "section": section_list}, total, n_reports

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

    def _terms(self, p: Plan) -> list[tuple[str, str, float, int]]:
        """(field, term, boost, df) in the local ranking query's order (search/engine.py
        `_rank`: whole words ×2, each piece's 3 rarest bigrams ×1)."""
        df = self._frequencies(rank_tokens(p))
        terms = []
        for kind, value in p.rank:
            if kind == "text":
                terms.append(("text", value, 2.0, df.get(word_token(value), 0)))
            else:
                unique = list(dict.fromkeys(value))
                rare = sorted(unique, key=lambda g: df.get(gram_token(g), 0))[:3]
                terms += [("grams", g, 1.0, df.get(gram_token(g), 0)) for g in rare]
        return terms

    def _hits(self, p: Plan, total: int, want: int, per_report: int | None) -> list[dict]:
        stats = self._corpus()
        terms = self._terms(p)
        window = EXACT_RANK
        if total <= window:
            sql_match, options = p.match, "ranker=none"
        else:  # searchd's BM25 over the ranking terms picks the candidates to score exactly
            maybe = " | ".join(
                word_token(t) if f == "text" else gram_token(t) for f, t, _b, _d in terms
            )
            sql_match = f"({p.match}) MAYBE ({maybe})" if maybe else p.match
            options = "ranker=bm25"
        rows = self._query(
            f"SELECT {_HIT_COLS} FROM {self.address.name} WHERE MATCH(%s) "
            f"ORDER BY WEIGHT() DESC LIMIT {window} OPTION max_matches={window}, {options}",
            sql_match,
        )
        score = _scores(rows, terms, stats["docs"], stats["mean"])
        order = sorted(
            range(len(rows)),
            key=lambda i: (-score[i], -rows[i][2], rows[i][6], rows[i][4], rows[i][3]),
        )
        out, seen = [], Counter()
        for i in order:
            r = rows[i]
            if per_report is not None:
                if seen[r[4]] >= per_report:
                    continue
                seen[r[4]] += 1
            out.append(self._hit(_hit_fields(r), float(score[i]), p.highlights))
            if len(out) >= want:
                break
        return out

    # -- reports ------------------------------------------------------------------------------
    def _report_rows(self, where: str, *args) -> list[dict]:
        out, last = [], 0
        while True:
            rows = self._query(
                f"SELECT {_REPORT_COLS} FROM {self.address.name} WHERE kind = {REPORT} {where} "
                f"AND id > %s ORDER BY id ASC LIMIT 5000 OPTION max_matches=5000",
                *args,
                last,
            )
            out += [_report_fields(r) for r in rows]
            if len(rows) < 5000:
                return out
            last = rows[-1][0]

    def reports(self) -> dict:
        rows = [self._report(f) for f in self._report_rows("")]
        rows.sort(key=lambda r: (-(r["year"] or 0), r["agency"], r["title"]))
        return {"reports": rows}

    def show(self, report_id: str, highlight: str | None = None) -> dict:
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
            {"passage_id": pid, "section": sec, "heading": head, "text": text}
            for rid, pid, sec, head, text in rows
            if rid == report_id
        ]
        return {"report": self._report(heads[0]), "passages": passages}


_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)


def _scores(rows: list[tuple], terms: list[tuple[str, str, float, int]], n_docs: int, mean: float):
    """search/rank.py's BM25 for `rows`, term by term, in the same float types, so the scores
    (and their ties) are the local engine's."""
    total = np.zeros(len(rows), dtype=np.float64)
    if not rows or not terms:
        return total
    analysed = [analyse(r[9]) for r in rows]
    lengths = np.array([len(words) for words, _g, _p in analysed], dtype=np.int64)
    codes = np.array([length_to_byte(int(n)) for n in lengths], dtype=np.int64)
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
        hit = np.nonzero(tfs)[0]
        if not len(hit):
            continue
        tf = tfs[hit]
        length = length_all[hit]
        norm = local_rank.K1 * (1 - local_rank.B + local_rank.B * length / mean)
        contrib = boost * idf * tf * (local_rank.K1 + 1) / (tf + norm)
        total[hit] += contrib
    return total


def _hit_fields(r: tuple) -> dict:
    _id, _rid, year, _ord, report_id, passage_id, agency, section, heading, text = r[:10]
    title, published, source, url = r[10:14]
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
    }


def _report_fields(r: tuple) -> dict:
    _id, report_id, title, agency, year, published, source, url, sections, n = r
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
    }
