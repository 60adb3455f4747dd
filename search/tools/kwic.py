"""kwic: a concordance (keyword in context) for close reading. Every occurrence of a word or
phrase in every matching passage — not just the top hits — with `width` characters of the
original text on each side. Several words (`行政复议 诉讼`) give each word's concordance in
turn; a quoted phrase ("以公开为原则 不公开为例外") is one term.

Occurrences are found in the normalized text (full-width → half-width, traditional →
simplified, lower case: what the index searches) and cut from the original, so 依申請公開
is found by 依申请公开 and shown as written. Line breaks and tabs in the context are shown as
spaces (one for one, so offsets still hold)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from index.analysis import grams_of
from index.normalize import normalize, normalize_with_offsets
from index.settings import KWIC_MAX_WIDTH as MAX_WIDTH
from index.settings import MAX_CONTEXT_CHARS
from search import limits
from search import query as ql
from search.backend import SearchEngine
from search.choices import KWIC_SORTS
from search.query import QueryError
from search.results import Record
from search.tools.cite import citation
from search.tools.common import matches

SORTS = KWIC_SORTS
COLUMNS = [
    "term",
    "left",
    "match",
    "right",
    "agency",
    "year",
    "title",
    "section",
    "heading",
    "offset",
    "passage_id",
    "report_id",
    "published",
    "source",
    "url",
    "citation",
]


def check_request(limit: int, width: int) -> None:
    """Refuse (QueryTooCostly: HTTP 400) a concordance request past MAX_CONTEXT_CHARS."""
    if limit * (2 * width + 1) > MAX_CONTEXT_CHARS:
        most = MAX_CONTEXT_CHARS // (2 * width + 1)
        raise limits.QueryTooCostly(
            f"too much context asked for: at most {most:,} occurrences of width {width} "
            f"(limit × (2 × width + 1) ≤ {MAX_CONTEXT_CHARS:,} characters); lower limit or width",
            "kwic_too_much",
            limit=f"{most:,}",
        )


_SPACE = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\u3000": " ", "\x0b": " ", "\x0c": " "})


_TERM = re.compile(r'"[^"]*"|“[^”]*”|\S+')
_QUOTES = '"“”'


def split_term(term: str) -> tuple[list[str], list[ql.Filter]]:
    """`依申请公开 行政复议 year:2015-2020` → (["依申请公开", "行政复议"], [year:2015-2020]).
    Words are separated by spaces (an OR between them changes nothing); a quoted phrase is one
    term, its quotes dropped. Exclusions are refused: a concordance lists what is there."""
    rest, filters = ql.split_filters(term)
    ql.check_length(rest, "term")
    terms: list[str] = []
    for tok in _TERM.findall(rest):
        if tok == "OR":
            continue
        if tok == "NOT" or tok.startswith("-"):
            raise QueryError(
                f"kwic lists occurrences; {tok!r} excludes (use it with search)",
                "kwic_exclusion",
                word=tok,
            )
        if len(tok) >= 2 and tok[0] in _QUOTES and tok[-1] in _QUOTES:
            tok = tok[1:-1].strip()
        if tok and tok not in terms:
            terms.append(tok)
    if not terms:
        raise QueryError("give a word or phrase to look for, e.g. 依申请公开", "no_term")
    return terms, filters


def occurrences(text: str, needle: str, width: int) -> list[tuple[int, str, str, str]]:
    """(offset, left, match, right) for every occurrence of normalized `needle` in `text`
    (overlapping ones too), cut from the original text."""
    norm, offsets = normalize_with_offsets(text)
    out = []
    start = norm.find(needle)
    while start != -1:
        end = start + len(needle)
        a, b = (offsets[start], offsets[end]) if offsets else (start, end)
        out.append(
            (
                a,
                text[max(0, a - width) : a].translate(_SPACE),
                text[a:b].translate(_SPACE),
                text[b : b + width].translate(_SPACE),
            )
        )
        start = norm.find(needle, start + 1)
    return out


@dataclass(slots=True)
class KwicResult(Record):
    """= kwic --json."""

    term: str
    match: str
    terms: list[dict[str, Any]]
    total: int
    passages: int
    reports: int
    width: int
    sort: str
    occurrences: list[dict[str, Any]]


def kwic(
    engine: SearchEngine,
    term: str,
    *,
    width: int = 20,
    sort: str = "year",
    agency: str | None = None,
    year: str | None = None,
    section: str | None = None,
    limit: int | None = None,
) -> KwicResult:
    """{"term", "total", "passages", "reports", "width", "sort", "occurrences": [...]}: every
    occurrence (the first `limit` after sorting, if given; `total` counts all)."""
    if sort not in SORTS:
        raise QueryError(f"sort by one of {', '.join(SORTS)}, not {sort!r}")
    if not 0 <= width <= MAX_WIDTH:
        raise QueryError(f"width must be between 0 and {MAX_WIDTH} characters")
    literals, inline = split_term(term)
    needles = [normalize(t) for t in literals]
    for literal, needle in zip(literals, needles, strict=True):
        if not needle.strip():
            raise QueryError(
                f"{literal!r} has no searchable characters", "unsearchable", word=literal
            )
    needles = list(dict.fromkeys(needles))  # 依申請公開 and 依申请公开 are one term
    # candidates: the passages whose squeezed text holds a squeezed term (a superset of those
    # whose text holds it; the scan below finds the occurrences). A term without a bigram (one
    # character) cannot narrow the candidates: then every passage that passes the filters is
    # scanned.
    words = tuple(ql.Word(t, quoted=True) for t in literals)
    narrow = all(grams_of(n) for n in needles)
    also = (words if len(words) == 1 else (ql.Or(words),)) if narrow else ()
    m = matches(engine, "", agency=agency, year=year, section=section, filters=inline, also=also)
    # One tuple per occurrence, (term, offset, left, match, right, meta, citation): a passage's
    # metadata is shared by its occurrences, and rows are made only for those returned. Every
    # 64 passages the time budget is checked: a single character scans every passage.
    found_all: list[tuple] = []
    passages = set()
    reports = set()
    per_term = dict.fromkeys(needles, 0)  # a row's term: as the index reads it (依申請→依申请)
    budget = limits.Budget(engine.time_budget or 0)
    for n, docnum in enumerate(m.docs):
        if n % 64 == 0:
            budget.check()
        f = m.searcher.stored_fields(int(docnum))
        found = [
            (needle, hit)
            for needle in needles
            for hit in occurrences(f.get("text", ""), needle, width)
        ]
        if not found:
            continue
        passages.add(f["passage_id"])
        reports.add(f["report_id"])
        meta = {
            "agency": f.get("agency", ""),
            "year": f.get("year") or None,
            "title": f.get("title", ""),
            "section": f.get("section", ""),
            "heading": f.get("heading", ""),
            "passage_id": f["passage_id"],
            "report_id": f["report_id"],
            "published": f.get("published"),
            "source": f.get("source", ""),
            "url": f.get("url"),
            "order": f.get("order", 0),
        }
        cite = citation(meta)
        for needle, (offset, left, match, right) in found:
            per_term[needle] += 1
            found_all.append((needle, offset, left, match, right, meta, cite))

    def doc_order(r):
        meta = r[5]
        return (meta["title"], meta["report_id"], meta["order"], r[1])

    def year_key(r):
        return (r[5]["year"] is None, r[5]["year"] or 0)

    if sort == "year":
        found_all.sort(key=lambda r: (year_key(r), r[5]["agency"], *doc_order(r)))
    elif sort == "agency":
        found_all.sort(
            key=lambda r: (r[5]["agency"] == "", r[5]["agency"], year_key(r), *doc_order(r))
        )
    elif sort == "left":  # by the words just before the match: read the left context backwards
        found_all.sort(key=lambda r: (normalize(r[2])[::-1].lstrip(), year_key(r), *doc_order(r)))
    else:
        found_all.sort(key=lambda r: (normalize(r[4]).lstrip(), year_key(r), *doc_order(r)))
    position = {t: i for i, t in enumerate(needles)}
    found_all.sort(key=lambda r: position[r[0]])  # stable: each term's concordance in turn
    total = len(found_all)
    rows = [
        {
            "term": needle,
            "left": left,
            "match": match,
            "right": right,
            **{k: v for k, v in meta.items() if k != "order"},
            "offset": offset,
            "citation": cite,
        }
        for needle, offset, left, match, right, meta, cite in (
            found_all[:limit] if limit else found_all
        )
    ]
    return KwicResult(
        term=term,
        match=" ".join(literals),
        terms=[{"term": t, "total": n} for t, n in per_term.items()],
        total=total,
        passages=len(passages),
        reports=len(reports),
        width=width,
        sort=sort,
        occurrences=rows,
    )
