"""What the engine and the tools return, typed and built in one place.

Each result is a dataclass (read-only by convention) that also reads as the JSON object it prints (`r["hits"]`,
`set(hit)`, `{**hit, "rank": 1}`): `to_dict()` gives exactly the documented JSON of
`search --json` and `/api/search`, key for key and in order. FastAPI documents the responses
from these classes (`response_model`), so /openapi.json describes what comes back too.

A hit's highlight comes twice: `spans`, the (start, end) character ranges of the query's terms in
`text`, which the terminal colours and the page turns into <mark> nodes; and `highlight`, the same
marks as escaped HTML, for API users who want HTML."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from search.highlight import mark_spans, spans

NO_AGENCY = "（未注明机构）"
NO_YEAR = "年份不详"
NO_TITLE = "（无标题）"
# How a missing value reads to a person, everywhere (terminal, page, widget, charts); the web
# page gets them from here too (static/labels.js is written from LABELS).
LABELS = {
    "no_agency": NO_AGENCY,
    "no_year": NO_YEAR,
    "no_year_short": "不详",  # where a column is narrow (the KWIC table, a chart's axis)
    "no_title": NO_TITLE,
    "no_section": "（未注明章节）",
    "inferred": "（推断）",  # after a title or agency the report never states (provenance)
}
# provenance values that mean gongkai guessed the field rather than read it from the report
GUESSED = frozenset({"inferred", "filename"})


def guessed(provenance: dict | None, field: str) -> bool:
    """True when `field` (title, agency, year, published) was inferred, not printed."""
    return (provenance or {}).get(field) in GUESSED


def agency_label(value: str | None) -> str:
    return value or NO_AGENCY


def year_label(value: int | None) -> str:
    return str(value) if value else NO_YEAR


def group_label(by: str, value) -> str:
    """How a group value (an agency, or a year) reads to a person."""
    return year_label(value) if by == "year" else agency_label(value)


class Record(Mapping):
    """A dataclass that reads as its JSON object (a read-only mapping of its fields)."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Any]]  # (set by @dataclass on each subclass)

    def __getitem__(self, key: str) -> Any:
        if key in self.__dataclass_fields__:
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dataclass_fields__)

    def __len__(self) -> int:
        return len(self.__dataclass_fields__)

    def to_dict(self) -> dict:
        return {k: plain(getattr(self, k)) for k in self.__dataclass_fields__}


_SCALARS = (str, int, float, bool, type(None))


def plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:  # most values: first, and by exact type (cheapest)
        return value
    if kind is list or kind is tuple:  # (a Record is neither; isinstance on it is an ABC check)
        return [v if type(v) in _SCALARS else plain(v) for v in value]
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    return value


@dataclass(slots=True)
class Hit(Record):
    """A passage as `search` returns it."""

    report_id: str
    passage_id: str
    title: str
    agency: str
    year: int | None
    published: str | None
    section: str
    heading: str
    text: str
    highlight: str
    spans: list[tuple[int, int]]
    score: float | None
    source: str
    url: str | None
    ocr: bool = False  # read through OCR from a page image: shown and cited with 〔OCR〕


def _source(f: Mapping) -> dict:
    """What a hit and a report listing both say about the report a record comes from."""
    return {
        "report_id": f["report_id"],
        "title": f.get("title", ""),
        "agency": f.get("agency", ""),
        "year": f.get("year") or None,
        "published": f.get("published"),
        "source": f.get("source", ""),
        "url": f.get("url"),
    }


def hit(fields: Mapping, score: float | None = None, terms: list[str] | tuple = ()) -> Hit:
    """The one way a passage's stored fields become a hit (its terms marked)."""
    text = fields.get("text", "")
    found = spans(text, terms) if terms else []
    return Hit(
        **_source(fields),
        passage_id=fields["passage_id"],
        section=fields.get("section", ""),
        heading=fields.get("heading", ""),
        text=text,
        highlight=mark_spans(text, found),
        spans=found,
        score=round(float(score), 4) if score is not None else None,
        ocr=bool(fields.get("ocr")),
    )


@dataclass(slots=True)
class FacetValue(Record):
    value: str | int | None
    count: int

    def to_dict(self) -> dict:  # a search has hundreds: skip the generic walk
        return {"value": self.value, "count": self.count}


@dataclass(slots=True)
class Facets(Record):
    """Matching reports per agency and year, and (report, section) pairs per section."""

    agency: list[FacetValue]
    year: list[FacetValue]
    section: list[FacetValue]


@dataclass(slots=True)
class QueryFilter(Record):
    """A filter of the query plan, as the page shows it (`year:2015`)."""

    field: str
    value: str


@dataclass(slots=True)
class SearchResult(Record):
    query: str
    total: int
    reports: int
    offset: int
    limit: int
    facets: Facets
    hits: list[Hit]
    terms: list[str]  # the words the plan highlights and a concordance looks for, in order
    filters: list[QueryFilter]  # the plan's filters (the options and the query's own)


def search_result(
    text: str, plan, *, total: int, reports: int, offset: int, limit: int, facets, hits
) -> SearchResult:
    """The one way an engine (local or cluster) reports a search: the plan's words and
    filters beside the counts, facets and hits."""
    return SearchResult(
        query=text,
        total=int(total),
        reports=int(reports),
        offset=offset,
        limit=limit,
        facets=facets,
        hits=hits,
        terms=list(plan.terms),
        filters=[QueryFilter(f.field, f.value) for f in plan.filters],
    )


@dataclass(slots=True)
class ReportInfo(Record):
    report_id: str
    title: str
    agency: str
    year: int | None
    published: str | None
    source: str
    url: str | None
    sections: list[str]
    passages: int
    stats: dict | None  # the standard tables' figures (corpus/stats.py), None without them
    headings: list[str] = field(default_factory=list)  # top-level headings as printed
    # where title/agency/year/published came from ("header-line", "inferred", …)
    provenance: dict[str, str] = field(default_factory=dict)
    # every source the report was found under: copies of one report are one report
    sources: list[dict] = field(default_factory=list)


def report_info(f: Mapping, copies: Sequence[Mapping] = ()) -> ReportInfo:
    """A report's listing; `copies` are the stored fields of its other sources (index ALIAS docs)."""
    own = _source(f)
    if not own["url"]:  # a copy found on the web gives a local report its URL, for citations
        own["url"] = next((c.get("url") for c in copies if c.get("url")), None)
    others = sorted(
        ({"source": c.get("source", ""), "url": c.get("url")} for c in copies),
        key=lambda d: d["source"],
    )
    return ReportInfo(
        **own,
        sections=list(f.get("sections") or []),
        passages=int(f.get("passages") or 0),
        headings=list(f.get("headings") or []),
        provenance=dict(f.get("provenance") or {}),
        sources=[{"source": f.get("source", ""), "url": f.get("url")}, *others],
        stats=json.loads(f["stats"]) if f.get("stats") else None,
    )


@dataclass(slots=True)
class ReportList(Record):
    reports: list[ReportInfo]


@dataclass(slots=True)
class Passage(Record):
    passage_id: str
    section: str
    heading: str
    text: str
    ocr: bool = False  # read through OCR from a page image


@dataclass(slots=True)
class ReportDetail(Record):
    report: ReportInfo
    passages: list[Passage]
