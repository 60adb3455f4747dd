"""The query language.

    words            all required (Chinese runs are split into words; each must occur)
    "a phrase"       exact, after normalization (full-width, traditional, case folded)
    a OR b           either (OR binds tighter than the implicit AND, as in web search)
    NOT a, -a        exclude
    ( … )            grouping
    agency:平房区  year:2015  year:2010-2015  section:主动公开   filters

Parsing gives a small AST; `compile` turns it into a Whoosh query against the index."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.sections import SECTIONS
from index.settings import MAX_QUERY_CHARS

FILTER_FIELDS = ("agency", "year", "section")


class QueryError(ValueError):
    """A malformed query; the message is one line meant for the user."""


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
            raise QueryError(f"cannot read the query at position {pos + 1}: {q[pos : pos + 10]!r}")
        pos = m.end()
        if m.group("lp"):
            toks.append(("(", "("))
        elif m.group("rp"):
            toks.append((")", ")"))
        elif m.group("field"):
            value = m.group("fq") if m.group("fq") is not None else m.group("fv")
            if not value:
                raise QueryError(
                    f"{m.group('field')}: needs a value, e.g. {m.group('field')}:{_example(m.group('field'))}"
                )
            toks.append(("filter", f"{m.group('field')}\x00{value}"))
        elif m.group("quote"):
            if m.group("close") is None:
                raise QueryError('unclosed quote: add the closing " to the phrase')
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
    def __init__(self, toks):
        self.toks = toks
        self.i = 0

    def peek(self):
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self):
        node = self.and_list(top=True)
        if self.i < len(self.toks):
            raise QueryError("unbalanced ')' in the query")
        return node

    def and_list(self, top=False):
        nodes = []
        while self.peek() not in (None, ")"):
            nodes.append(self.or_expr())
        if not nodes:
            if top:
                raise QueryError("empty query")
            if self.peek() is None:
                raise QueryError("unbalanced '(' in the query: add the closing ')'")
            raise QueryError("empty parentheses '()' in the query")
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def or_expr(self):
        if self.peek() == "or":
            raise QueryError("OR needs a term on each side")
        nodes = [self.unary()]
        while self.peek() == "or":
            self.take()
            if self.peek() in (None, ")", "or"):
                raise QueryError("OR needs a term on each side")
            nodes.append(self.unary())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def unary(self):
        if self.peek() == "not":
            self.take()
            if self.peek() in (None, ")", "or"):
                raise QueryError("NOT / - needs a term after it")
            return Not(self.unary())
        return self.atom()

    def atom(self):
        kind, val = self.take()
        if kind == "(":
            node = self.and_list()
            if self.peek() != ")":
                raise QueryError("unbalanced '(' in the query: add the closing ')'")
            self.take()
            return node
        if kind == "phrase":
            if not val.strip():
                raise QueryError('empty phrase "" in the query')
            return Word(val, quoted=True)
        if kind == "filter":
            f, v = val.split("\x00", 1)
            return check_filter(f, v)
        if kind == "word":
            return Word(val)
        raise QueryError(f"unexpected {val!r} in the query")


def parse_year(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–~至到]\s*(\d{4})\s*)?", value)
    if not m:
        raise QueryError(f"year must be a year like 2015 or a range like 2010-2015, not {value!r}")
    a = int(m.group(1))
    b = int(m.group(2) or a)
    if a > b:
        raise QueryError(f"year range {a}-{b} runs backwards; did you mean {b}-{a}?")
    return a, b


def check_filter(f: str, v: str) -> Filter:
    v = v.strip()
    if f == "year":
        parse_year(v)
    elif f == "section" and v not in SECTIONS:
        raise QueryError(f"unknown section {v!r}; use one of: {', '.join(SECTIONS)}")
    elif not v:
        raise QueryError(f"{f}: needs a value")
    return Filter(f, v)


def parse(q: str):
    """Parse a query string to an AST; raises QueryError with a one-line message."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(q)} characters; the limit is {MAX_QUERY_CHARS})")
    if "\x00" in q:
        raise QueryError("query contains a NUL character")
    return _Parser(_lex(q)).parse()


def top_filters(text: str) -> list[Filter]:
    """The filters written at the top level of a query (`改革 year:2015` → [year:2015]); ones
    inside OR or NOT are part of the query proper and not returned."""
    if not text.strip():
        return []
    tree = parse(text)
    if isinstance(tree, Filter):
        return [tree]
    if isinstance(tree, And):
        return [n for n in tree.nodes if isinstance(n, Filter)]
    return []
