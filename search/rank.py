"""Ranking with numpy: BM25 over term postings read a block at a time, scored as arrays
over the exact match set. Whoosh's collector scores one document at a time in Python (tens of
microseconds each), which is what made common-word queries slow; here a query over tens of
thousands of matches costs a few milliseconds of array arithmetic."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from index.settings import BM25_B as B
from index.settings import BM25_K1 as K1
from index.whoosh_ext import columns
from index.whoosh_ext.postings import postings
from search.match import rarest
from search.query import Score

LENGTH_FIELD = "text"  # both fields describe the same passage; only the word field keeps lengths


@dataclass
class Lengths:
    """Per-document field lengths (as Whoosh stores them, one byte each) and their means."""

    by_field: dict[str, np.ndarray]
    mean: dict[str, float]


def field_lengths(searcher) -> Lengths:
    reader = searcher.reader()
    by_field: dict[str, np.ndarray] = {}
    mean: dict[str, float] = {}
    total = reader.doc_count_all()
    for field in (LENGTH_FIELD,):
        arr = np.zeros(total, dtype=np.float32)
        for leaf, offset in reader.leaf_readers():
            if leaf.doc_count_all():  # (an empty index has an EmptyReader for its leaf)
                arr[offset : offset + leaf.doc_count_all()] = columns.field_lengths(leaf, field)
        by_field[field] = arr
        docs = max(1, reader.doc_count())
        mean[field] = max(1.0, reader.field_length(field) / docs)
    return Lengths(by_field, mean)


def terms_of(searcher, rank: Iterable[Score], cache=None) -> list[tuple[str, str, float]]:
    """(field, text, boost) of every term a plan's ranking scores, in order (a `rarest`
    group narrowed to its rarest terms in this index)."""
    out: list[tuple[str, str, float]] = []
    for group in rank:
        terms = (
            rarest(searcher, list(group.terms), group.rarest, cache)
            if group.rarest
            else group.terms
        )
        out.extend((group.field, t, group.boost) for t in terms)
    return out


def scores(
    searcher,
    lengths: Lengths,
    rank: Iterable[Score],
    docs: np.ndarray,
    cache: dict | None = None,
) -> np.ndarray:
    """BM25 scores (summed over a plan's ranking terms) for `docs`, aligned with it. With a
    `cache` (search/engine.py keeps one per index generation), each term's BM25 contribution
    to every document it lists is computed once and kept beside its postings."""
    total = np.zeros(len(docs), dtype=np.float64)
    if not len(docs):
        return total
    n_docs = max(1, searcher.doc_count())
    n_all = len(lengths.by_field[LENGTH_FIELD])
    # A match set that is a good part of the index: add every posting's contribution into a
    # score per document of the index, then read the match set's (no lookups). Each document
    # gets the same additions in the same order either way, so the scores are the same.
    dense = np.zeros(n_all, dtype=np.float64) if len(docs) * 4 >= n_all else None
    ascending = dense is not None or len(docs) < 2 or bool((docs[1:] > docs[:-1]).all())
    order = None if ascending else np.argsort(docs)
    sorted_docs = docs if ascending else docs[order]
    for field, text, boost in terms_of(searcher, rank, cache):
        ids, tf = postings(searcher, field, text, cache)
        if not len(ids):
            continue
        key = ("bm25", field, text, boost)
        got = cache.get(key) if cache is not None else None
        if got is None:
            length = lengths.by_field[LENGTH_FIELD][ids]
            got = (bm25(tf, length, len(ids), n_docs, lengths.mean[LENGTH_FIELD], boost),)
            if cache is not None:
                cache[key] = got
        contrib = got[0]
        if dense is not None:
            dense[ids] += contrib  # a term lists each document once: no repeated indexes
            continue
        # the postings that fall in the match set (a term lists each document once)
        if len(sorted_docs) < len(ids):  # look the match set up in the postings
            pos = np.searchsorted(ids, sorted_docs)
            pos[pos >= len(ids)] = 0
            hit = ids[pos] == sorted_docs
            if not hit.any():
                continue
            at = np.flatnonzero(hit)
            total[at if order is None else order[at]] += contrib[pos[hit]]
        else:  # look the postings up in the match set
            pos = np.searchsorted(sorted_docs, ids)
            pos[pos >= len(sorted_docs)] = 0
            hit = sorted_docs[pos] == ids
            if not hit.any():
                continue
            pos = pos[hit]
            total[pos if order is None else order[pos]] += contrib[hit]
    return dense[docs] if dense is not None else total


def bm25(
    tf: np.ndarray, length: np.ndarray, df: int, n_docs: int, mean: float, boost: float
) -> np.ndarray:
    """One term's BM25 contribution for documents with term frequencies `tf` (float32) and
    quantized lengths `length` (float32): the one formula every engine ranks with."""
    idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
    norm = K1 * (1 - B + B * length / mean)
    return boost * idf * tf * (K1 + 1) / (tf + norm)


def ranked(docs: np.ndarray, score: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Indexes into `docs`, best score first, ties in document order (`position`)."""
    return np.lexsort((position[docs], -score))


def top(docs: np.ndarray, score: np.ndarray, cols, want: int, per_report: int | None) -> list[int]:
    """Indexes into `docs` of the best `want` documents (score, then document order), with at
    most `per_report` per report when given. `cols`: the engine's per-document columns."""
    if not want or not len(docs):
        return []
    if per_report is None and want < len(docs):
        # everything scoring at least the want-th best (ties included), then a total order
        threshold = -np.partition(-score, want - 1)[want - 1]
        cut = np.nonzero(score >= threshold)[0]
        return cut[ranked(docs[cut], score[cut], cols.position)][:want].tolist()
    idx = ranked(docs, score, cols.position)
    if per_report is None:
        return idx[:want].tolist()
    out: list[int] = []
    seen: dict[int, int] = {}
    for i in idx.tolist():
        r = int(cols.report[docs[i]])
        if seen.get(r, 0) < per_report:
            seen[r] = seen.get(r, 0) + 1
            out.append(i)
            if len(out) == want:
                break
    return out
