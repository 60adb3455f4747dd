"""The query parameters the routes share. A query's length is checked where it is parsed
(search/query.py); the filter options' length is checked here, once, for every route."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from index.settings import MAX_FILTER_CHARS, MAX_QUERY_CHARS
from search.web.errors import WebError

QUERY_HELP = (
    'Query: words (all required), "phrases", OR, NOT/-word, agency:… year:2010-2015 '
    f"section:… (at most {MAX_QUERY_CHARS} characters)"
)
Q = Annotated[str, Query(description=QUERY_HELP)]


@dataclass(frozen=True)
class Filters:
    """The agency/year/section options, as the engine and the tools take them."""

    agency: str | None = None
    year: str | None = None
    section: str | None = None

    def kwargs(self) -> dict[str, str | None]:
        return {"agency": self.agency, "year": self.year, "section": self.section}


def filters(
    agency: Annotated[
        str | None, Query(description="Only reports whose agency contains this text")
    ] = None,
    year: Annotated[str | None, Query(description="A year (2015) or range (2010-2015)")] = None,
    section: Annotated[
        str | None, Query(description="A section label, e.g. 主动公开 or 依申请公开")
    ] = None,
) -> Filters:
    for name, value in (("agency", agency), ("year", year), ("section", section)):
        if value is not None and len(value) > MAX_FILTER_CHARS:
            raise WebError(
                400,
                f"{name} is too long (at most {MAX_FILTER_CHARS} characters)",
                code="filter_too_long",
                params={"field": name, "limit": MAX_FILTER_CHARS},
            )
    return Filters(agency, year, section)


FilterOptions = Annotated[Filters, Depends(filters)]
