"""gongkai's query plan (search/query.py `Plan`) → one SphinxQL MATCH expression with the
local engine's meaning: every `Contains` part is a substring of the squeezed normalized text (a
phrase over the `grams` field's consecutive bigrams, a single character through `chars`),
filters are `meta` tokens so they combine under AND/OR/NOT like words, and a negation is taken
from the set of all passages (`zall`), which Sphinx needs since it cannot evaluate a bare NOT.
The plan's ranking terms and highlights are used as they are; only the match tree is
translated here."""

from __future__ import annotations

from index.analysis import bigrams, squeeze
from index.cluster.documents import (
    ALL,
    NONE,
    agency_token,
    char_token,
    gram_token,
    section_token,
    word_token,
    year_token,
)
from index.normalize import normalize
from search import query as ql


def _substring(s: str) -> str:
    plain = squeeze(s)
    grams = bigrams(plain)
    if not grams:
        return f"(@meta {NONE})"
    if len(plain) == 1:
        return f"(@chars {char_token(plain)})"
    if len(grams) == 1:
        return f"(@grams {gram_token(grams[0])})"
    return '(@grams "' + " ".join(gram_token(g) for g in grams) + '")'


def _any(tokens: list[str]) -> str:
    return f"(@meta ({' | '.join(tokens)}))" if tokens else f"(@meta {NONE})"


def match(node, agencies: list[str], years: list[int]) -> str:
    """The MATCH expression of a plan's match tree. `agencies`/`years`: the values in the
    cluster, for agency substring filters and year ranges (as search/match.py reads them)."""

    def filt(f: ql.Filter) -> str:
        if f.field == "year":
            a, b = ql.parse_year(f.value)
            return _any([year_token(y) for y in years if a <= y <= b])
        if f.field == "section":
            return f"(@meta {section_token(f.value)})"
        needle = normalize(f.value)
        return _any([agency_token(a) for a in agencies if a and needle in normalize(a)])

    def walk(node) -> str:
        if isinstance(node, ql.Contains):
            return "(" + " ".join(_substring(p) for p in node.parts) + ")"
        if isinstance(node, ql.Filter):
            return filt(node)
        if isinstance(node, ql.Not):
            return f"(@meta {ALL} -({walk(node.node)}))"
        if isinstance(node, ql.Or):
            return "(" + " | ".join(walk(n) for n in node.nodes) + ")"
        pos = [walk(n) for n in node.nodes if not isinstance(n, ql.Not)]
        neg = [walk(n.node) for n in node.nodes if isinstance(n, ql.Not)]
        return "(" + " ".join(pos or [f"(@meta {ALL})"]) + "".join(f" -({n})" for n in neg) + ")"

    return walk(node)


def token(field: str, term: str) -> str:
    """A ranking term (search/query.py `Score`: the `text` or `grams` field) as its token."""
    return word_token(term) if field == "text" else gram_token(term)


def rank_tokens(plan: ql.Plan) -> list[str]:
    """Every keyword whose document frequency ranking needs."""
    return list(dict.fromkeys(token(s.field, t) for s in plan.rank for t in s.terms))
