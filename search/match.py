"""Evaluating a parsed query to its exact set of matching passages, as sorted numpy arrays of
document numbers: postings are read a block at a time, AND/OR/NOT are array set operations,
filters come from the cached columns. A phrase is first narrowed by its rarest bigrams'
postings; documents whose jieba field holds the phrase as a whole word are certain matches, and
the rest are confirmed against their squeezed text. tests/test_match.py holds the result equal
to a brute-force scan of the stored text."""

from __future__ import annotations

from functools import reduce

import numpy as np

from index.analysis import PLAIN, bigrams, squeeze
from index.normalize import normalize
from index.whoosh_ext.postings import postings
from search import limits
from search import query as ql

EMPTY = np.zeros(0, dtype=np.int64)


class Context:
    """What evaluation needs for one query over one searcher generation: the searcher, the
    engine's per-document columns (see search/engine.py), the calling thread's column
    `readers` (they keep file positions: never shared between threads), the query's `budget`
    (search/limits.py) and `generation`, what the engine keeps per index generation for every
    thread (bigrams by last character, passages per single character; see Engine)."""

    def __init__(self, searcher, cols, *, readers=None, budget=None, generation=None):
        self.s = searcher
        self.cols = cols
        self.readers = {} if readers is None else readers
        self.budget = budget or limits.Budget()
        self.generation = generation
        self._terms: dict[tuple[str, str], np.ndarray] = {}
        self._nodes: dict = {}  # evaluated subtrees: `-的 -的 …` reads 的 once
        self._expansions: dict[str, list[str]] = {}  # single character → its bigram terms
        self.postings: dict = {}  # raw (ids, tf) per term, shared with ranking

    def term(self, field: str, text: str) -> np.ndarray:
        key = (field, text)
        if key not in self._terms:
            self.budget.read(1)
            ids, _ = postings(self.s, field, text, self.postings)  # sorted, each doc once
            self._terms[key] = ids[self.cols.live[ids]] if len(ids) else EMPTY
        return self._terms[key]

    def expansion(self, c: str) -> list[str]:
        """The bigram terms holding the single character `c` (and `c` alone, a one-letter
        passage), counted against the budget once."""
        if c not in self._expansions:
            grams = [_text(g) for g in self.s.reader().expand_prefix("grams", c)]
            if self.generation is not None:
                grams += self.generation.grams_ending(self.s, c)
            else:  # no engine: scan the lexicon
                grams += [t for t in map(_text, self.s.reader().lexicon("grams")) if t[1:] == c]
            self._expansions[c] = list(dict.fromkeys(grams))
            self.budget.read(len(self._expansions[c]) + 1)
        return self._expansions[c]

    def precount(self, node) -> None:
        """Count the posting lists the query's single characters will read before reading
        any, so a query too costly is refused up front (cheap: lexicon lookups only)."""
        for c in ql.leaves(node, ql.Contains):
            for part in c.parts:
                plain = squeeze(part)
                if len(plain) == 1 and not (self.generation and plain in self.generation.chars):
                    self.expansion(plain)

    def char(self, c: str) -> np.ndarray:
        """Passages whose squeezed text holds the single character `c`: as a word, or in any
        bigram that holds it — read through the generation's map of bigrams by their last
        character, not a scan of the lexicon per character."""
        key = ("char", c)
        if key not in self._terms:

            def compute() -> np.ndarray:
                parts = [postings(self.s, "text", c)[0]]
                for i, g in enumerate(self.expansion(c)):
                    if i % 256 == 0:
                        self.budget.check()
                    parts.append(postings(self.s, "grams", g)[0])
                ids = np.unique(np.concatenate(parts))
                return ids[self.cols.live[ids]] if len(ids) else EMPTY.copy()

            gen = self.generation
            self._terms[key] = gen.char_docs(c, compute) if gen is not None else compute()
        return self._terms[key]

    def passages(self) -> np.ndarray:
        return self.cols.passage_docs


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _intersect(arrays: list[np.ndarray], n_all: int = 0) -> np.ndarray:
    """The docnums in all of `arrays` (sorted, each doc once). Given the index's document
    count `n_all`, large sets are intersected through a mask over it (no sort)."""
    arrays = sorted(arrays, key=len)
    if not arrays:
        return EMPTY
    out = arrays[0]
    for b in arrays[1:]:
        if n_all and len(out) * 16 >= n_all:
            mask = np.zeros(n_all, dtype=bool)
            mask[b] = True
            out = out[mask[out]]
        else:
            out = np.intersect1d(out, b, assume_unique=True)
    return out


def _confirm(ctx: Context, plain: str, docs: np.ndarray) -> np.ndarray:
    """The documents among `docs` (sorted) whose squeezed text (the `plain` column) holds
    `plain`."""
    needle = plain.encode("utf-8")
    keep: list[int] = []
    for leaf, offset in ctx.s.reader().leaf_readers():
        n = leaf.doc_count_all()
        lo, hi = np.searchsorted(docs, [offset, offset + n])
        if lo == hi or not leaf.has_column(PLAIN):
            continue
        key = (PLAIN, offset)
        col = ctx.readers.get(key)
        if col is None:  # opening one derives its offsets: once per searcher
            col = ctx.readers[key] = leaf.column_reader(PLAIN)
        some = docs[lo:hi].tolist()
        for at in range(0, len(some), 2000):  # the time budget is checked between chunks
            ctx.budget.check()
            keep.extend(d for d in some[at : at + 2000] if needle in col[d - offset])
    return np.array(keep, dtype=np.int64)


def rarest(searcher, grams: list[str], k: int = 2, cache=None) -> list[str]:
    """The `k` distinct bigram terms of `grams` with the fewest documents (their counts kept
    in `cache`, a dict or the generation's PostingCache, when given)."""
    unique = list(dict.fromkeys(grams))

    def df(g: str) -> int:
        if cache is None:
            return searcher.doc_frequency("grams", g)
        got = cache.get(("df", "grams", g))
        if got is None:
            got = cache[("df", "grams", g)] = searcher.doc_frequency("grams", g)
        return got

    return sorted(unique, key=df)[:k]


def substring(ctx: Context, s: str) -> np.ndarray:
    """Passages whose normalized text contains `s` (the grep-recall match)."""
    key = ("substring", s)
    if key not in ctx._terms:
        # kept per index generation with the postings (they are all it depends on)
        got = ctx.postings.get(key)
        if got is None:
            got = (_substring(ctx, s),)
            ctx.postings[key] = got
        ctx._terms[key] = got[0]
    return ctx._terms[key]


def _substring(ctx: Context, s: str) -> np.ndarray:
    plain = squeeze(s)
    grams = bigrams(plain)
    if not grams:
        return EMPTY
    if len(grams) == 1:
        if len(plain) == 1:
            return ctx.char(plain)
        return ctx.term("grams", grams[0])
    # Narrow by the rarest bigrams only (a phrase of common characters would otherwise read
    # every long posting list); the squeezed text confirms the rest.
    candidates = _intersect(
        [ctx.term("grams", g) for g in rarest(ctx.s, grams, 2, ctx.postings)], len(ctx.cols.live)
    )
    if not len(candidates):
        return EMPTY
    whole = np.intersect1d(candidates, ctx.term("text", s), assume_unique=True)
    rest = np.setdiff1d(candidates, whole, assume_unique=True)
    return np.union1d(whole, _confirm(ctx, plain, rest))


def evaluate(ctx: Context, node) -> np.ndarray:
    """The sorted docnums of the passages matching a plan's match tree (search/query.py),
    each distinct subtree evaluated once."""
    if node not in ctx._nodes:
        ctx.budget.check()
        ctx._nodes[node] = _evaluate(ctx, node)
    return ctx._nodes[node]


def _evaluate(ctx: Context, node) -> np.ndarray:
    if isinstance(node, ql.Contains):
        return _intersect([substring(ctx, p) for p in node.parts], len(ctx.cols.live))
    if isinstance(node, ql.Filter):
        return _filter(ctx, node)
    if isinstance(node, ql.Not):
        return np.setdiff1d(ctx.passages(), evaluate(ctx, node.node), assume_unique=True)
    if isinstance(node, ql.Or):
        return reduce(np.union1d, [evaluate(ctx, n) for n in node.nodes])
    pos = [evaluate(ctx, n) for n in node.nodes if not isinstance(n, ql.Not)]
    neg = [evaluate(ctx, n.node) for n in node.nodes if isinstance(n, ql.Not)]
    out = _intersect(pos, len(ctx.cols.live)) if pos else ctx.passages()
    for n in neg:
        out = np.setdiff1d(out, n, assume_unique=True)
    return out


def _filter(ctx: Context, f: ql.Filter) -> np.ndarray:
    cols = ctx.cols
    docs = ctx.passages()
    if f.field == "year":
        a, b = ql.parse_year(f.value)
        y = cols.year[docs]
        return docs[(y >= a) & (y <= b)]
    if f.field == "section":
        if f.value not in cols.sections:
            return EMPTY
        return docs[cols.section[docs] == cols.sections.index(f.value)]
    needle = normalize(f.value)
    wanted = [i for i, a in enumerate(cols.agencies) if a and needle in normalize(a)]
    return docs[np.isin(cols.agency[docs], wanted)] if wanted else EMPTY
