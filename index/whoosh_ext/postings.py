"""A term's whole posting list across an index's segments as numpy arrays: packed and W3
blocks read in one go (codec.read_postings), inlined postings from the term info, any other
codec through Whoosh's matcher."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo

from index.whoosh_ext.codec import extent, read_postings


def postings(
    searcher, field: str, text: str, cache: dict | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, ascending and each once; term frequencies) of a term across all segments.
    `cache` (one per query) lets matching and ranking read each posting list once."""
    if cache is not None:
        got = cache.get((field, text))
        if got is None:
            got = postings(searcher, field, text)
            cache[(field, text)] = got
        return got
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


class PostingCache:
    """Decoded posting lists (and what is derived from them) of one index generation, kept
    between queries: a thread-safe LRU bounded by the bytes of its numpy arrays. Values are
    tuples of arrays or plain numbers, never changed once stored (arrays are made read-only).
    Tie one to a generation: a commit makes a new one (search/engine.py)."""

    def __init__(self, max_bytes: int, max_items: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_items = max_items
        self.bytes = 0
        self._d: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _size(value) -> int:
        if isinstance(value, tuple):
            return 64 + sum(v.nbytes for v in value if isinstance(v, np.ndarray))
        return 64

    def get(self, key, default=None):
        with self._lock:
            got = self._d.get(key)
            if got is None:
                return default
            self._d.move_to_end(key)
            return got

    def __setitem__(self, key, value) -> None:
        size = self._size(value)
        if size > self.max_bytes // 4:  # one huge list would flush everything else
            return
        if isinstance(value, tuple):
            for v in value:
                if isinstance(v, np.ndarray):
                    v.setflags(write=False)
        with self._lock:
            old = self._d.pop(key, None)
            if old is not None:
                self.bytes -= self._size(old)
            self._d[key] = value
            self.bytes += size
            while self._d and (
                self.bytes > self.max_bytes
                or (self.max_items is not None and len(self._d) > self.max_items)
            ):
                _k, gone = self._d.popitem(last=False)
                self.bytes -= self._size(gone)

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._d

    def __len__(self) -> int:
        return len(self._d)


class QueryPostings(dict):
    """One query's posting lists: each read once for the whole query (matching and ranking
    share them, whatever the shared cache evicts meanwhile), and kept in `shared` (a
    PostingCache of the same index generation) for the queries after it."""

    def __init__(self, shared: PostingCache) -> None:
        super().__init__()
        self.shared = shared

    def get(self, key, default=None):
        got = dict.get(self, key)
        if got is None:
            got = self.shared.get(key)
            if got is None:
                return default
            dict.__setitem__(self, key, got)
        return got

    def __setitem__(self, key, value) -> None:
        dict.__setitem__(self, key, value)
        self.shared[key] = value
