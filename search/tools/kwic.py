"""kwic: a concordance (keyword in context) for close reading. Every occurrence of a word or
phrase in every matching passage — not just the top hits — with `width` characters of the
original text on each side.

Occurrences are found in the normalized text (full-width → half-width, traditional →
simplified, lower case: what the index searches) and cut from the original, so 依申請公開
is found by 依申请公开 and shown as written. Line breaks and tabs in the context are shown as
spaces (one for one, so offsets still hold)."""

from __future__ import annotations

from index.analysis import grams_of
from index.normalize import normalize, normalize_with_offsets
from index.settings import MAX_QUERY_CHARS
from search import query as ql
from search.engine import Engine
from search.query import QueryError
from search.tools.cite import citation
from search.tools.common import matches

SORTS = ("year", "agency", "left", "right")
COLUMNS = [
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
MAX_WIDTH = 200
_SPACE = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\u3000": " ", "\x0b": " ", "\x0c": " "})


def split_term(term: str) -> tuple[str, list[ql.Filter]]:
    """`依申请公开 year:2015-2020` → ("依申请公开", [year:2015-2020]). Surrounding quotes are
    dropped: the rest is one literal word or phrase."""
    rest, filters = ql.split_filters(term)
    if len(rest) >= 2 and rest[0] in '"“”' and rest[-1] in '"“”':
        rest = rest[1:-1].strip()
    if not rest:
        raise QueryError("give a word or phrase to look for, e.g. 依申请公开", "no_term")
    if len(rest) > MAX_QUERY_CHARS:
        raise QueryError(
            f"term too long ({len(rest)} characters)",
            "too_long",
            length=len(rest),
            limit=MAX_QUERY_CHARS,
        )
    return rest, filters


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


def kwic(
    engine: Engine,
    term: str,
    *,
    width: int = 20,
    sort: str = "year",
    agency: str | None = None,
    year: str | None = None,
    section: str | None = None,
    limit: int | None = None,
) -> dict:
    """{"term", "total", "passages", "reports", "width", "sort", "occurrences": [...]}: every
    occurrence (the first `limit` after sorting, if given; `total` counts all)."""
    if sort not in SORTS:
        raise QueryError(f"sort by one of {', '.join(SORTS)}, not {sort!r}")
    if not 0 <= width <= MAX_WIDTH:
        raise QueryError(f"width must be between 0 and {MAX_WIDTH} characters")
    literal, inline = split_term(term)
    needle = normalize(literal)
    if not needle.strip():
        raise QueryError(f"{literal!r} has no searchable characters", "unsearchable", word=literal)
    # candidates: the passages whose squeezed text holds the squeezed needle (a superset of
    # those whose text holds it; the scan below finds the occurrences)
    also = (ql.Word(literal, quoted=True),) if grams_of(needle) else ()
    m = matches(engine, "", agency=agency, year=year, section=section, filters=inline, also=also)
    rows = []
    passages = set()
    reports = set()
    for docnum in m.docs:
        f = m.searcher.stored_fields(int(docnum))
        found = occurrences(f.get("text", ""), needle, width)
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
        for offset, left, match, right in found:
            rows.append(
                {
                    "left": left,
                    "match": match,
                    "right": right,
                    **meta,
                    "offset": offset,
                    "citation": cite,
                }
            )

    def doc_order(r):
        return (r["title"], r["report_id"], r["order"], r["offset"])

    def year_key(r):
        return (r["year"] is None, r["year"] or 0)

    if sort == "year":
        rows.sort(key=lambda r: (year_key(r), r["agency"], *doc_order(r)))
    elif sort == "agency":
        rows.sort(key=lambda r: (r["agency"] == "", r["agency"], year_key(r), *doc_order(r)))
    elif sort == "left":  # by the words just before the match: read the left context backwards
        rows.sort(key=lambda r: (normalize(r["left"])[::-1].lstrip(), year_key(r), *doc_order(r)))
    else:
        rows.sort(key=lambda r: (normalize(r["right"]).lstrip(), year_key(r), *doc_order(r)))
    for r in rows:
        del r["order"]
    total = len(rows)
    if limit:
        rows = rows[:limit]
    return {
        "term": term,
        "match": literal,
        "total": total,
        "passages": len(passages),
        "reports": len(reports),
        "width": width,
        "sort": sort,
        "occurrences": rows,
    }
