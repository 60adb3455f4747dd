"""gongkai's BM25 on a cluster, from what searchd already counted.

searchd cannot rank with gongkai's formula (its IDFs, per-term boosts and length quantization
differ), but it reports, for every matching passage, each query keyword's term frequency
(`PACKEDFACTORS()`, Sphinx 2.2 and Manticore). The ranking terms ride along as the right side
of `MAYBE` (they rank without changing what matches); their term frequencies, the passage's
word count (`wlen`) and the cluster's document frequencies (`SHOW META`) give exactly the
score search/rank.py computes over the local index — without fetching or re-reading any text.

`PACKEDFACTORS()` names keywords by query position (`word3=(tf=2, …)`): every keyword of the
MATCH expression takes the next position, as does the `MAYBE` operator itself, and a repeated
keyword is reported at its first position. `positions` reads our own expressions that way;
`term_freqs` checks the rule on every answer and says when it does not hold (a searchd that
numbers differently), so the engine can fall back to reading the passages' text."""

from __future__ import annotations

import math
import re

import numpy as np

from index.settings import BM25_B as B
from index.settings import BM25_K1 as K1
from index.whoosh_ext.columns import quantized
from search.rank import bm25

_TOKEN = re.compile(r"@\w+|MAYBE|[0-9a-z]+")
_WORD = re.compile(r"word(\d+)=\(tf=(\d+)")

Term = tuple[str, str, float, int]  # (field, term, boost, document frequency)


# searchd's stand-in for gongkai's BM25 over a match set too large to score exactly: per field,
# the saturated term frequency over the passage's quantized word count (`qlen`, the length the
# local index keeps), times the field's boost (words ×2, as search/query.py weighs whole words).
# No IDF: each shard of a distributed index computes its own, so passages on different shards
# would be weighed differently (measured: it cost more top hits than leaving IDF out).
CANDIDATE_OPTIONS = (
    "idf='plain,tfidf_unnormalized', field_weights=(words=2, grams=1, chars=1, meta=0)"
)


def candidate_ranker(mean: float) -> str:
    norm = f"{K1} * ({1 - B} + {B} * qlen / {mean:.3f})"
    return f"sum(user_weight * hit_count * {K1 + 1} / (hit_count + {norm})) * 10000"


def with_rank(expr: str, tokens: list[str]) -> str:
    """The MATCH expression `expr`, with `tokens` counted for ranking but not for matching."""
    return f"({expr}) MAYBE ({' | '.join(tokens)})" if tokens else expr


def positions(query: str) -> dict[str, int]:
    """Each keyword of a MATCH expression of ours → the position PACKEDFACTORS names it by."""
    out: dict[str, int] = {}
    pos = 0
    for tok in _TOKEN.findall(query):
        if tok.startswith("@"):
            continue  # a field limit, not a keyword
        if tok != "MAYBE":
            out.setdefault(tok, pos)
        pos += 1
    return out


def term_freqs(factors: list[str], where: list[int]) -> np.ndarray | None:
    """(passages × keywords) term frequencies read from PACKEDFACTORS() strings, column j from
    position where[j]; None when an answer does not name a position asked for (the numbering
    rule above does not hold), so the caller can fall back instead of ranking wrongly."""
    out = np.zeros((len(factors), len(where)), dtype=np.float32)
    if not factors or not where:
        return out
    col = {p: j for j, p in enumerate(where)}
    for i, packed in enumerate(factors):
        found = 0
        for p, tf in _WORD.findall(packed):
            j = col.get(int(p))
            if j is not None:
                out[i, j] = int(tf)
                found += 1
        if found != len(col):
            return None
    return out


def scores(
    tf: np.ndarray, words: np.ndarray, terms: list[Term], column: list[int], n_docs: int, mean
) -> np.ndarray:
    """search/rank.py's BM25 of each passage: `tf[:, column[k]]` is terms[k]'s frequency,
    `words` the passages' word counts."""
    total = np.zeros(len(words), dtype=np.float64)
    if not len(words):
        return total
    length_all = quantized(words)
    n_docs = max(1, n_docs)
    for (_field, _term, boost, df), j in zip(terms, column, strict=True):
        if not df:
            continue
        found = np.nonzero(tf[:, j])[0]
        if len(found):
            total[found] += bm25(tf[found, j], length_all[found], df, n_docs, mean, boost)
    return total


def bo1(weights: dict[str, int], cf: dict[str, int], n_docs: int, number: int):
    """Whoosh's key terms (classify.Expander with Bo1Model, normalized): `weights` are the
    words' counts in the text, `cf` their occurrences in the collection."""
    n = max(1, n_docs)
    scored, top = [], 0.0
    for word, weight in weights.items():
        if cf.get(word):
            f = cf[word] / n
            score = weight * math.log((1.0 + f) / f, 2) + math.log(1.0 + f, 2)
            top = max(top, score)
            scored.append((score, word))
    norm = top
    if top:
        f = top / n
        norm = (top * math.log((1.0 + f) / f) + math.log(1.0 + f)) / math.log(2.0)
    ranked = sorted(((w / norm, t) for w, t in scored), key=lambda x: (-x[0], x[1]))
    return [(t, w) for w, t in ranked[:number]]


def bm25f(tf: np.ndarray, words: np.ndarray, dfs, boosts, n_docs: int, field_length: int):
    """Whoosh's BM25F (scoring.BM25F with gongkai's K1 and B, each term times its boost) of
    passages with term frequencies `tf` (passages × terms) and word counts `words`."""
    n = max(1, n_docs)
    avgfl = field_length / n or 1
    length = quantized(words).astype(np.float64)
    total = np.zeros(len(words), dtype=np.float64)
    for j, (df, boost) in enumerate(zip(dfs, boosts, strict=True)):
        t = tf[:, j].astype(np.float64)
        idf = math.log(n / (df + 1)) + 1
        part = idf * ((t * (K1 + 1)) / (t + K1 * ((1 - B) + B * length / avgfl)))
        total += np.where(t > 0, part * boost, 0.0)
    return total
