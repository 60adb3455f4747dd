"""The engine's JSON API: exactly what `search --json`, `reports --json` and `show --json`
print (the parity tests in tests/test_api.py hold it to that)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from index.settings import MAX_LIMIT, MAX_OFFSET
from search import backend
from search.backend import NotFound
from search.results import LABELS, ReportDetail, ReportList, SearchResult
from search.web.engines import Engines
from search.web.errors import WebError
from search.web.formats import as_json
from search.web.params import FilterOptions, Q

router = APIRouter(prefix="/api", tags=["api"])


def _no_report(report_id: str) -> WebError:
    return WebError(
        404, f"no report {report_id!r} in the index", code="no_report", params={"id": report_id}
    )


def check_report_id(report_id: str) -> str:
    """A report id names no file: anything but an id (search/backend.py) is unknown."""
    try:
        return backend.check_report_id(report_id)
    except NotFound:
        raise _no_report(report_id) from None


@router.get("/search", summary="Search passages (= search --json)", response_model=SearchResult)
def api_search(
    engines: Engines,
    options: FilterOptions,
    q: Q = "",
    limit: Annotated[int, Query(ge=0, description=f"Hits to return (capped at {MAX_LIMIT})")] = 10,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Hits to skip")] = 0,
    per_report: Annotated[
        int | None, Query(ge=1, description="At most N passages per report")
    ] = None,
):
    return as_json(
        engines.call(
            lambda e: e.search(
                q,
                **options.kwargs(),
                limit=min(limit, MAX_LIMIT),
                offset=offset,
                per_report=per_report,
            )
        )
    )


@router.get(
    "/reports", summary="All reports in the index (= reports --json)", response_model=ReportList
)
def api_reports(engines: Engines):
    return as_json(engines.call(lambda e: e.reports()))


@router.get(
    "/reports/{report_id}",
    summary="One report, passages in document order (= show --json)",
    response_model=ReportDetail,
    responses={404: {"description": "No such report"}},
)
def api_report(engines: Engines, report_id: str):
    check_report_id(report_id)
    try:
        return as_json(engines.call(lambda e: e.show(report_id)))
    except NotFound as e:  # say which id, and what replaced it
        raise WebError(
            404, str(e), code=e.code or "no_report", params={"id": report_id, **e.params}
        ) from None


@router.get("/labels", summary="How the page reads a missing agency, year or title")
def api_labels() -> dict[str, str]:
    return LABELS
