"""gongkai's parsed query (search/query.py) → one SphinxQL MATCH expression, the strings to
highlight and the ranking terms, with the local engine's meaning: every word or phrase is a
substring of the squeezed normalized text (a phrase over the `grams` field's consecutive
bigrams, a single character through `chars`), filters are `meta` tokens so they combine
under AND/OR/NOT like words, and a negation is taken from the set of all passages (`zall`),
which Sphinx needs since it cannot evaluate a bare NOT. The one place to re-point when the
query plan moves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from index.analysis import bigrams, grams_of, squeeze
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


@dataclass
class Plan:
    match: str
    highlights: list[str] = field(default_factory=list)
    # ranking terms in the local engine's order: ("text", word) scores with boost 2;
    # ("rarest", grams) stands for the 3 rarest of those bigrams (resolved with the
    # cluster's document frequencies), each with boost 1
    rank: list[tuple[str, object]] = field(default_factory=list)


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


def plan(
    tree,
    pieces: Callable[[ql.Word], list[str]],
    agencies: list[str],
    years: list[int],
) -> Plan:
    """`tree`: a parsed query (filters included); `pieces`: how an unquoted word splits into
    required words (the local engine's rule); `agencies`/`years`: the values in the cluster,
    for agency substring filters and year ranges."""
    out = Plan("")

    def word(node: ql.Word, highlights: list[str] | None) -> str:
        norm = normalize(node.text).strip()
        if node.quoted:
            if not grams_of(norm):
                raise ql.QueryError(f"the phrase {node.text!r} has no searchable characters")
            parts = [norm]
        else:
            parts = [p for p in pieces(node) if grams_of(p)]
            if not parts:
                raise ql.QueryError(f"{node.text!r} has no searchable characters")
        if highlights is not None:
            highlights.extend(parts)
        return " ".join(_substring(p) for p in parts)

    def filt(f: ql.Filter) -> str:
        if f.field == "year":
            a, b = ql.parse_year(f.value)
            return _any([year_token(y) for y in years if a <= y <= b])
        if f.field == "section":
            return f"(@meta {section_token(f.value)})"
        needle = normalize(f.value)
        return _any([agency_token(a) for a in agencies if a and needle in normalize(a)])

    def negate(node) -> str:
        return f"(@meta {ALL} -({walk(node, None)}))"

    def walk(node, highlights: list[str] | None) -> str:
        if isinstance(node, ql.Word):
            return word(node, highlights)
        if isinstance(node, ql.Filter):
            return filt(node)
        if isinstance(node, ql.Not):
            return negate(node.node)
        if isinstance(node, ql.Or):
            return "(" + " | ".join(walk(n, highlights) for n in node.nodes) + ")"
        pos = [walk(n, highlights) for n in node.nodes if not isinstance(n, ql.Not)]
        neg = [walk(n.node, None) for n in node.nodes if isinstance(n, ql.Not)]
        return "(" + " ".join(pos or [f"(@meta {ALL})"]) + "".join(f" -({n})" for n in neg) + ")"

    def rank(node) -> None:
        if isinstance(node, ql.Word):
            parts = [normalize(node.text).strip()] if node.quoted else pieces(node)
            parts = parts if node.quoted else [p for p in parts if grams_of(p)]
            if len(parts) > 1:
                out.rank.append(("text", normalize(node.text).strip()))
            for p in parts:
                out.rank.append(("rarest", tuple(grams_of(p))))
                out.rank.append(("text", p))
        elif isinstance(node, (ql.And, ql.Or)):
            for n in node.nodes:
                rank(n)

    out.match = walk(tree, out.highlights)
    rank(tree)
    return out


def rank_tokens(p: Plan) -> list[str]:
    """Every keyword whose document frequency ranking needs."""
    toks: list[str] = []
    for kind, value in p.rank:
        if kind == "text":
            toks.append(word_token(value))
        else:
            toks.extend(gram_token(g) for g in value)
    return list(dict.fromkeys(toks))
