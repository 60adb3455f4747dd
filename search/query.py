"""The query language.

    words            all required (Chinese runs are split into words; each must occur)
    "a phrase"       exact, after normalization (full-width, traditional, case folded)
    a OR b           either (OR binds tighter than the implicit AND, as in web search)
    NOT a, -a        exclude
    ( … )            grouping
    agency:平房区  year:2015  year:2010-2015  section:主动公开   filters

`parse` gives a small AST; `plan` turns it, once, into everything the engine and the tools need:
the match tree (search/match.py evaluates it with numpy), the ranking terms (search/rank.py), the
words to highlight, the query's filters and the words a concordance looks up. Nothing else
reads a query: the page gets the plan's terms and filters from /api/search."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from corpus.chars import CJK, WORDISH
from corpus.sections import SECTIONS
from index import segment
from index.analysis import grams_of
from index.normalize import normalize
from index.settings import MAX_QUERY_CHARS, RANK_GRAMS

FILTER_FIELDS = ("agency", "year", "section")


class QueryError(ValueError):
    """A malformed query; the message is one line meant for the user. `code` names the fault
    for a program (the web page shows it in Chinese: search/web/messages.py), `params` are the
    values the message names."""

    def __init__(self, message: str, code: str = "bad_request", **params: object):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Word:
    text: str
    quoted: bool = False


@dataclass(frozen=True)
class Filter:
    field: str
    value: str


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class And:
    nodes: tuple = field(default_factory=tuple)


@dataclass(frozen=True)
class Or:
    nodes: tuple = field(default_factory=tuple)


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lp>[(（])|(?P<rp>[)）])|
        (?P<field>(?:agency|year|section)):(?:"(?P<fq>[^"]*)"|(?P<fv>[^\s()（）"]*))|
        (?P<quote>["“”](?P<phrase>[^"“”]*)(?P<close>["“”])?)|
        (?P<minus>-)(?=\S)|
        (?P<word>[^\s()（）"“”]+)
    )""",
    re.X,
)


def _lex(q: str) -> list[tuple[str, str]]:
    toks: list[tuple[str, str]] = []
    pos = 0
    while pos < len(q):
        m = _TOKEN.match(q, pos)
        if not m or m.end() == pos:
            if q[pos:].strip() == "":
                break
            raise QueryError(
                f"cannot read the query at position {pos + 1}: {q[pos : pos + 10]!r}",
                "unreadable",
                position=pos + 1,
            )
        pos = m.end()
        if m.group("lp"):
            toks.append(("(", "("))
        elif m.group("rp"):
            toks.append((")", ")"))
        elif m.group("field"):
            value = m.group("fq") if m.group("fq") is not None else m.group("fv")
            if not value:
                raise QueryError(
                    f"{m.group('field')}: needs a value, e.g. {m.group('field')}:{_example(m.group('field'))}",
                    "filter_no_value",
                    field=m.group("field"),
                )
            toks.append(("filter", f"{m.group('field')}\x00{value}"))
        elif m.group("quote"):
            if m.group("close") is None:
                raise QueryError(
                    'unclosed quote: add the closing " to the phrase', "unclosed_quote"
                )
            toks.append(("phrase", m.group("phrase")))
        elif m.group("minus"):
            toks.append(("not", "-"))
        else:
            w = m.group("word")
            if w == "OR":
                toks.append(("or", w))
            elif w == "NOT":
                toks.append(("not", w))
            elif w == "AND":
                continue
            else:
                toks.append(("word", w))
    return toks


def _example(f: str) -> str:
    return {"agency": "平房区", "year": "2015 or year:2010-2015", "section": "主动公开"}[f]


class _Parser:
    def __init__(self, toks, check_depth):
        self.toks = toks
        self.i = 0
        self.depth = 0  # ( and NOT levels entered (bounded: deep nesting would recurse)
        self.check_depth = check_depth

    def peek(self):
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self):
        node = self.and_list(top=True)
        if self.i < len(self.toks):
            raise QueryError("unbalanced ')' in the query", "unbalanced_close")
        return node

    def and_list(self, top=False):
        nodes = []
        while self.peek() not in (None, ")"):
            nodes.append(self.or_expr())
        if not nodes:
            if top:
                raise QueryError("empty query", "empty_query")
            if self.peek() is None:
                raise QueryError(
                    "unbalanced '(' in the query: add the closing ')'", "unbalanced_open"
                )
            raise QueryError("empty parentheses '()' in the query", "empty_parentheses")
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def or_expr(self):
        if self.peek() == "or":
            raise QueryError("OR needs a term on each side", "or_needs_terms")
        nodes = [self.unary()]
        while self.peek() == "or":
            self.take()
            if self.peek() in (None, ")", "or"):
                raise QueryError("OR needs a term on each side", "or_needs_terms")
            nodes.append(self.unary())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def unary(self):
        if self.peek() == "not":
            self.take()
            if self.peek() in (None, ")", "or"):
                raise QueryError("NOT / - needs a term after it", "not_needs_term")
            self.depth += 1
            self.check_depth(self.depth)
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self):
        kind, val = self.take()
        if kind == "(":
            self.depth += 1
            self.check_depth(self.depth)
            node = self.and_list()
            self.depth -= 1
            if self.peek() != ")":
                raise QueryError(
                    "unbalanced '(' in the query: add the closing ')'", "unbalanced_open"
                )
            self.take()
            return node
        if kind == "phrase":
            if not val.strip():
                raise QueryError('empty phrase "" in the query', "empty_phrase")
            return Word(val, quoted=True)
        if kind == "filter":
            f, v = val.split("\x00", 1)
            return check_filter(f, v)
        if kind == "word":
            return Word(val)
        raise QueryError(f"unexpected {val!r} in the query", "unexpected", token=val)


def parse_year(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–~至到]\s*(\d{4})\s*)?", value)
    if not m:
        raise QueryError(
            f"year must be a year like 2015 or a range like 2010-2015, not {value!r}",
            "bad_year",
            value=value,
        )
    a = int(m.group(1))
    b = int(m.group(2) or a)
    if a > b:
        raise QueryError(
            f"year range {a}-{b} runs backwards; did you mean {b}-{a}?", "year_backwards", a=a, b=b
        )
    return a, b


def check_filter(f: str, v: str) -> Filter:
    v = v.strip()
    if f == "year":
        parse_year(v)
    elif f == "section" and v not in SECTIONS:
        raise QueryError(
            f"unknown section {v!r}; use one of: {', '.join(SECTIONS)}",
            "bad_section",
            value=v,
            sections="、".join(SECTIONS),
        )
    elif not v:
        raise QueryError(f"{f}: needs a value", "filter_no_value", field=f)
    return Filter(f, v)


def option_filters(
    agency: str | None = None, year: str | None = None, section: str | None = None
) -> list[Filter]:
    """The --agency/--year/--section options as query filters (checked: raises QueryError)."""
    given = (("agency", agency), ("year", year), ("section", section))
    return [check_filter(f, v) for f, v in given if v]


def check_length(q: str, what: str = "query") -> None:
    """The one bound on a query's length (raises QueryError `too_long`)."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(
            f"{what} too long ({len(q)} characters; the limit is {MAX_QUERY_CHARS})",
            "too_long",
            length=len(q),
            limit=MAX_QUERY_CHARS,
        )


def parse(q: str):
    """Parse a query string to an AST; raises QueryError with a one-line message (its
    subclass limits.QueryTooCostly for a query past the bounds of search/limits.py)."""
    from search import limits  # (limits' errors subclass QueryError: imported here, not above)

    check_length(q)
    if "\x00" in q:
        raise QueryError("query contains a NUL character", "nul_character")
    tree = _Parser(_lex(q), limits.check_depth).parse()
    limits.check_shape(terms=len(set(leaves(tree, Word))), nots=count_nots(tree))
    return tree


def leaves(node, kind: type) -> list:
    """Every node of type `kind` in a tree (a parsed query or a plan's match), in order."""
    if isinstance(node, kind):
        return [node]
    if isinstance(node, Not):
        return leaves(node.node, kind)
    if isinstance(node, (And, Or)):
        return [w for n in node.nodes for w in leaves(n, kind)]
    return []


def count_nots(node) -> int:
    if isinstance(node, Not):
        return 1 + count_nots(node.node)
    if isinstance(node, (And, Or)):
        return sum(count_nots(n) for n in node.nodes)
    return 0


def split_filters(text: str) -> tuple[str, list[Filter]]:
    """`依申请公开 year:2015-2020` → ("依申请公开", [year:2015-2020]): the filters written in
    `text` (read by the query lexer) and the rest of it as written, filters cut out."""
    filters: list[Filter] = []
    rest: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            rest.append(text[pos:])
            break
        if m.group("field"):
            value = m.group("fq") if m.group("fq") is not None else m.group("fv")
            filters.append(check_filter(m.group("field"), value or ""))
            rest.append(" ")
        else:
            rest.append(text[pos : m.end()])
        pos = m.end()
    return "".join(rest).strip(), filters


# -- the plan ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Contains:
    """Passages whose normalized text contains every one of `parts` (a phrase is one part; an
    unquoted Chinese run is its jieba words)."""

    parts: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    """A ranking term group: BM25 of `terms` in `field`, times `boost`; with `rarest`, only
    that many of the terms with the fewest documents (a long phrase's common bigrams would each
    cost a long posting read for little rank signal)."""

    field: str
    terms: tuple[str, ...]
    boost: float = 1.0
    rarest: int | None = None


@dataclass(frozen=True)
class Plan:
    match: object  # And / Or / Not / Filter / Contains
    rank: tuple[Score, ...]
    highlights: tuple[str, ...]  # normalized strings to mark, in query order
    filters: tuple[Filter, ...]  # the top-level filters (options and the query's own)
    terms: tuple[str, ...]  # the query's words and phrases as written (not excluded ones)


def pieces(word: Word) -> list[str]:
    """What must occur for `word` to match: a phrase or a non-Chinese word whole, a Chinese
    run as its jieba words (search mode); each normalized, with something searchable in it."""
    norm = normalize(word.text).strip()
    if word.quoted or not CJK.search(norm):
        out = [norm]
    else:
        out = [p for p in segment.cut(norm) if WORDISH.search(p)]
    return [p for p in out if grams_of(p)]


def _contains(word: Word) -> Contains:
    parts = pieces(word)
    if not parts:
        what = "the phrase " if word.quoted else ""
        raise QueryError(
            f"{what}{word.text!r} has no searchable characters", "unsearchable", word=word.text
        )
    return Contains(tuple(parts))


def _rank(word: Word, parts: tuple[str, ...]) -> list[Score]:
    """Each piece scores through its rarest bigrams, and a whole-word match in the jieba field
    scores double, so whole words rank above partial matches; a multi-word run also scores as
    a whole."""
    out = []
    if len(parts) > 1:
        out.append(Score("text", (normalize(word.text).strip(),), 2.0))
    for p in parts:
        out.append(Score("grams", tuple(dict.fromkeys(grams_of(p))), 1.0, RANK_GRAMS))
        out.append(Score("text", (p,), 2.0))
    return out


def plan(tree, filters: Sequence[Filter] = ()) -> Plan:
    """The plan of a parsed query (None for none) and the option filters, ANDed."""
    inner = tree.nodes if isinstance(tree, And) else (tree,) if tree is not None else ()
    nodes = [*filters, *inner]  # the options first, as `filters` lists them
    if not nodes:
        raise QueryError("empty query: give words to search for or a filter", "empty_query")
    rank: list[Score] = []
    highlights: list[str] = []
    terms: list[str] = []

    def build(node, excluded: bool):
        if isinstance(node, Word):
            c = _contains(node)
            if not excluded:
                rank.extend(_rank(node, c.parts))
                highlights.extend(c.parts)
                terms.append(node.text.strip())
            return c
        if isinstance(node, Filter):
            return node
        if isinstance(node, Not):
            return Not(build(node.node, True))
        return type(node)(tuple(build(n, excluded) for n in node.nodes))

    match = build(nodes[0] if len(nodes) == 1 else And(tuple(nodes)), False)
    from search import limits

    # the words after Chinese runs are split, each read once however often it is repeated
    distinct = {p for node in leaves(match, Contains) for p in node.parts}
    limits.check_shape(terms=len(distinct), nots=count_nots(match))
    top = match.nodes if isinstance(match, And) else (match,)
    return Plan(
        match=match,
        rank=tuple(rank),
        highlights=tuple(dict.fromkeys(highlights)),
        filters=tuple(n for n in top if isinstance(n, Filter)),
        terms=tuple(dict.fromkeys(t for t in terms if t)),
    )


def plan_text(text: str, filters: Sequence[Filter] = ()) -> Plan:
    """Parse `text` (may be empty when filters are given) and plan it with `filters`."""
    return plan(parse(text) if text.strip() else None, filters)
