"""A term's whole posting list across an index's segments as numpy arrays: packed and W3
blocks read in one go (codec.read_postings), inlined postings from the term info, any other
codec through Whoosh's matcher."""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo

from index.whoosh_ext.codec import extent, read_postings


def postings(
    searcher, field: str, text: str, cache: dict | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, ascending and each once; term frequencies) of a term across all segments.
    `cache` (one per query) lets matching and ranking read each posting list once."""
    if cache is not None:
        if (field, text) not in cache:
            cache[(field, text)] = postings(searcher, field, text)
        return cache[(field, text)]
    ids: list[np.ndarray] = []
    freqs: list[np.ndarray] = []
    for leaf, offset in searcher.reader().leaf_readers():
        if (field, text) not in leaf:
            continue
        postfile = getattr(getattr(leaf, "_terms", None), "_postfile", None)
        info = leaf.term_info(field, text)
        if isinstance(info, W3TermInfo) and info.is_inlined():
            inl_ids, inl_weights, _values = info.inlined_postings()
            got_ids = np.array(inl_ids, dtype=np.int64)
            got_freqs = np.array(inl_weights, dtype=np.float32)
        elif postfile is not None and isinstance(info, W3TermInfo):
            got_ids, got_freqs = read_postings(postfile, *extent(info))
        else:  # another codec: the generic (slower) path
            got = list(leaf.postings(field, text).items_as("weight"))
            got_ids = np.array([d for d, _ in got], dtype=np.int64)
            got_freqs = np.array([w for _, w in got], dtype=np.float32)
        ids.append(got_ids + offset)
        freqs.append(got_freqs)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(ids), np.concatenate(freqs)
