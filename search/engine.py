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

from corpus.sections import SECTIONS
from index import columns, segment
from index.analysis import grams_of
from index.normalize import normalize
from index.schema import PASSAGE, REPORT
from index.store import open_index
from search import match, rank
from search import query as ql
from search.highlight import mark

MAX_LIMIT = 100
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class NotFound(LookupError):
    pass


def search_args(
    limit: int,
    offset: int,
    per_report: int | None,
    agency: str | None,
    year: str | None,
    section: str | None,
) -> tuple[int, list[ql.Filter]]:
    """`search`'s checks, shared by every engine: (limit capped at MAX_LIMIT, filters)."""
    if limit < 0 or offset < 0:
        raise ql.QueryError("limit and offset must not be negative")
    if per_report is not None and per_report < 1:
        raise ql.QueryError("per-report must be at least 1")
    filters = [
        ql.check_filter(f, v)
        for f, v in (("agency", agency), ("year", year), ("section", section))
        if v
    ]
    return min(limit, MAX_LIMIT), filters


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
    _CJK = _CJK

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
                self._searcher = self.ix.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2))
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

    # -- query compilation --------------------------------------------------------------------
    def _substring(self, s: str) -> wq.Query | None:
        """Documents containing normalized string `s` anywhere (grep recall)."""
        grams = grams_of(s)
        if not grams:
            return None
        if len(grams) == 1:
            g = grams[0]
            if len(g) == 1:  # one character: any bigram that holds it
                return wq.Or(
                    [wq.Term("text", g), wq.Prefix("grams", g), wq.Wildcard("grams", "?" + g)]
                )
            return wq.Term("grams", g)
        # Every bigram: a superset of the phrase's passages (search/match.py confirms them).
        return wq.And([wq.Term("grams", g) for g in dict.fromkeys(grams)])

    def _word(self, node: ql.Word, highlights: list[str]) -> wq.Query:
        norm = normalize(node.text).strip()
        if node.quoted:
            q = self._substring(norm)
            if q is None:
                raise ql.QueryError(f"the phrase {node.text!r} has no searchable characters")
            highlights.append(norm)
            return q
        pieces = (
            [p for p in segment.cut(norm) if re.search(r"\w", p)] if _CJK.search(norm) else [norm]
        )
        pieces = [p for p in pieces if grams_of(p)]
        if not pieces:
            raise ql.QueryError(f"{node.text!r} has no searchable characters")
        highlights.extend(pieces)
        parts = [self._substring(p) for p in pieces]
        return parts[0] if len(parts) == 1 else wq.And(parts)

    @staticmethod
    def _pieces(node: ql.Word) -> list[str]:
        norm = normalize(node.text).strip()
        if node.quoted or not _CJK.search(norm):
            return [norm]
        return [p for p in segment.cut(norm) if re.search(r"\w", p) and grams_of(p)]

    def _rank(self, node) -> wq.Query | None:
        """The scoring query: cheap term postings only (no positions), so it can be evaluated
        with block-max skipping over the exact match set. Each piece scores through its
        character bigrams, and a whole-word match in the jieba field scores double, so whole
        words rank above partial matches; a multi-word run also scores as a whole."""
        if isinstance(node, ql.Word):
            terms: list[wq.Query] = []
            pieces = self._pieces(node)
            norm = normalize(node.text).strip()
            if len(pieces) > 1:
                terms.append(wq.Term("text", norm, boost=2.0))
            s = self._searcher
            for p in pieces:
                grams = grams_of(p)
                # a long phrase scores through its rarest bigrams (they carry the idf; the
                # common ones would cost a long posting read each for little rank signal)
                terms += [wq.Term("grams", g) for g in (match.rarest(s, grams, 3) if s else grams)]
                terms.append(wq.Term("text", p, boost=2.0))
            return wq.Or(terms) if terms else None
        if isinstance(node, (ql.Filter, ql.Not)):
            return None
        parts = [q for q in (self._rank(n) for n in node.nodes) if q is not None]
        return wq.Or(parts) if parts else None

    def _filter(self, f: ql.Filter, cols: _Columns) -> wq.Query:
        if f.field == "year":
            a, b = ql.parse_year(f.value)
            return wq.NumericRange("year", a, b)
        if f.field == "section":
            return wq.Term("section", f.value)
        needle = normalize(f.value)
        matches = [a for a in cols.agencies if a and needle in normalize(a)]
        if not matches:
            return wq.NullQuery
        return wq.Or([wq.Term("agency", a) for a in matches])

    def _compile(self, node, cols: _Columns, highlights: list[str]) -> wq.Query:
        if isinstance(node, ql.Word):
            return self._word(node, highlights)
        if isinstance(node, ql.Filter):
            return self._filter(node, cols)
        if isinstance(node, ql.Not):
            return wq.Not(self._compile(node.node, cols, []))
        parts = [self._compile(n, cols, highlights) for n in node.nodes]
        if isinstance(node, ql.Or):
            return wq.Or(parts)
        pos = [p for p in parts if not isinstance(p, wq.Not)]
        neg = [p for p in parts if isinstance(p, wq.Not)]
        if not pos:
            pos = [wq.Term("kind", PASSAGE)]
        q = wq.And(pos) if len(pos) > 1 else pos[0]
        return wq.AndNot(q, wq.Or([n.query for n in neg])) if neg else q

    @staticmethod
    def _tree(text: str, filters: list[ql.Filter]):
        nodes = []
        if text.strip():
            nodes.append(ql.parse(text))
        nodes.extend(filters)
        if not nodes:
            raise ql.QueryError("empty query: give words to search for or a filter")
        return nodes[0] if len(nodes) == 1 else ql.And(tuple(nodes))

    def compile(
        self, text: str, filters: list[ql.Filter], cols: _Columns
    ) -> tuple[wq.Query, list[str]]:
        """The exact match query (what a passage must satisfy) and the strings to highlight."""
        q, _rank, highlights = self.compile_ranked(text, filters, cols)
        return q, highlights

    def compile_ranked(
        self, text: str, filters: list[ql.Filter], cols: _Columns
    ) -> tuple[wq.Query, wq.Query, list[str]]:
        """(match query, ranking query, highlights). Rank with the second over the documents
        of the first: `searcher.search(rank, filter=matched_docs)`."""
        tree = self._tree(text, filters)
        highlights: list[str] = []
        q = self._compile(tree, cols, highlights)
        if isinstance(q, wq.Not):
            q = wq.AndNot(wq.Term("kind", PASSAGE), q.query)
        if not highlights:  # filters only: restrict to passages (report records carry no text)
            q = wq.And([wq.Term("kind", PASSAGE), q])
        rank = self._rank(tree) or wq.Term("kind", PASSAGE)
        return q, rank, highlights

    def match(
        self, text: str, filters: list[ql.Filter], cache: dict | None = None
    ) -> tuple[np.ndarray, wq.Query, list[str]]:
        """(sorted docnums of every matching passage, ranking query, strings to highlight).
        The one matching path that search, facets and the journalist tools share. `cache`
        receives the posting lists read, for ranking to reuse."""
        s, cols = self.searcher()
        _q, rank_q, highlights = self.compile_ranked(text, filters, cols)
        ctx = match.Context(self, s, cols)
        if cache is not None:
            ctx.postings = cache
        docs = match.evaluate(ctx, self._tree(text, filters))
        return docs, rank_q, highlights

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
    ) -> dict:
        limit, filters = search_args(limit, offset, per_report, agency, year, section)
        s, cols = self.searcher()
        postings: dict = {}
        docs, rank_q, highlights = self.match(text, filters, postings)
        facets, n_reports = self._facets(docs, cols)

        hits = []
        if limit and len(docs):
            score = rank.scores(s, cols.lengths, rank_q, docs, postings)
            best = rank.top(docs, score, cols, offset + limit, per_report)[offset:]
            for i in best:
                hits.append(self._hit(s.stored_fields(int(docs[i])), float(score[i]), highlights))
        return {
            "query": text,
            "total": int(len(docs)),
            "reports": n_reports,
            "offset": offset,
            "limit": limit,
            "facets": facets,
            "hits": hits,
        }

    def _facets(self, docs: np.ndarray, cols: _Columns) -> tuple[dict, int]:
        if not len(docs):
            return {"agency": [], "year": [], "section": []}, 0
        rep = cols.report[docs]
        _, first = np.unique(rep, return_index=True)
        rep_docs = docs[first]  # one passage per matching report: its report-level values
        ag = np.bincount(cols.agency[rep_docs], minlength=len(cols.agencies))
        years, ycount = np.unique(cols.year[rep_docs], return_counts=True)
        nsec = len(cols.sections)
        pairs = np.unique(rep * nsec + cols.section[docs])
        sec = np.bincount(pairs % nsec, minlength=nsec)

        def listing(values, counts):
            out = [{"value": v, "count": int(c)} for v, c in zip(values, counts, strict=True) if c]
            out.sort(key=lambda d: (-d["count"], str(d["value"])))
            return out

        order = {name: i for i, name in enumerate(SECTIONS)}
        section_list = [
            {"value": v, "count": int(c)}
            for v, c in zip(cols.sections, sec, strict=True)
            if c and v
        ]
        section_list.sort(key=lambda d: (-d["count"], order.get(d["value"], 99)))
        year_list = [
            {"value": int(y) if y else None, "count": int(c)}
            for y, c in zip(years, ycount, strict=True)
        ]
        year_list.sort(key=lambda d: (d["value"] is None, -(d["value"] or 0)))
        return {
            "agency": listing(cols.agencies, ag),
            "year": year_list,
            "section": section_list,
        }, int(len(first))

    @staticmethod
    def _hit(f: dict, score: float | None, highlights: list[str]) -> dict:
        text = f.get("text", "")
        return {
            "report_id": f["report_id"],
            "passage_id": f["passage_id"],
            "title": f.get("title", ""),
            "agency": f.get("agency", ""),
            "year": f.get("year") or None,
            "published": f.get("published"),
            "section": f.get("section", ""),
            "heading": f.get("heading", ""),
            "text": text,
            "highlight": mark(text, highlights),
            "score": round(float(score), 4) if score is not None else None,
            "source": f.get("source", ""),
            "url": f.get("url"),
        }

    # -- reports ------------------------------------------------------------------------------
    @staticmethod
    def _report(f: dict) -> dict:
        return {
            "report_id": f["report_id"],
            "title": f.get("title", ""),
            "agency": f.get("agency", ""),
            "year": f.get("year") or None,
            "published": f.get("published"),
            "source": f.get("source", ""),
            "url": f.get("url"),
            "sections": list(f.get("sections") or []),
            "passages": int(f.get("passages") or 0),
        }

    def reports(self) -> dict:
        s, _ = self.searcher()
        rows = [self._report(f) for f in s.documents(kind=REPORT)]
        rows.sort(key=lambda r: (-(r["year"] or 0), r["agency"], r["title"]))
        return {"reports": rows}

    def show(self, report_id: str, highlight: str | None = None) -> dict:
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
            {
                "passage_id": h["passage_id"],
                "section": h["section"],
                "heading": h.get("heading", ""),
                "text": h["text"],
            }
            for h in hits
        ]
        return {"report": self._report(head), "passages": passages}
