"""GET /api/stats: the standard tables' figures over HTTP, the same JSON as `stats --json`.

    GET /api/stats?q=&agency=&year=&by=agency|year&metric=&rate=&sort=&format=json|csv|png

format=csv is the long form of `stats --csv` (report_id,agency,year,table,row,column,value,
the checks last as table "checks"); png the chart of `stats --png`. A module-level router: the
engine is the app's (`request.app.state.engines`, whose `call` runs a tool under the engine
lock); a bad metric or query raises QueryError, which the app answers as a 400 JSON error."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from index.settings import MAX_FILTER_CHARS, MAX_QUERY_CHARS
from search.render.chart import stats_png
from search.render.csv import csv_text
from search.results import plain
from search.tools import stats as stats_mod

HEADERS = {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}
router = APIRouter(prefix="/api", tags=["journalist tools"])


@router.get("/stats", summary="The standard tables' figures, ranked (= stats)")
def api_stats(
    request: Request,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="Narrows the reports")] = "",
    agency: Annotated[str | None, Query(max_length=MAX_FILTER_CHARS)] = None,
    year: Annotated[str | None, Query(max_length=20, description="2015 or 2010-2015")] = None,
    by: Literal["agency", "year"] = "agency",
    metric: Annotated[
        str, Query(max_length=80, description="TABLE.ROW.COLUMN, e.g. requests.new.total")
    ] = stats_mod.DEFAULT_METRIC,
    rate: Literal["refused", "granted", "corrected"] | None = None,
    sort: Literal["value", "rate", "change", "name"] | None = None,
    format: Literal["json", "csv", "png"] = "json",
):
    engines = request.app.state.engines
    options = {"agency": agency, "year": year}
    if format == "csv":
        reports = engines.call(stats_mod.select, q, **options)
        return StreamingResponse(
            csv_text(stats_mod.long_rows(reports), stats_mod.LONG_COLUMNS),
            media_type="text/csv; charset=utf-8",
            headers={**HEADERS, "Content-Disposition": 'attachment; filename="stats.csv"'},
        )
    res = engines.call(stats_mod.stats, q, **options, by=by, metric=metric, rate=rate, sort=sort)
    if format == "png":
        import io

        buf = io.BytesIO()
        stats_png(res, buf)
        return Response(buf.getvalue(), media_type="image/png", headers=HEADERS)
    return JSONResponse(plain(res), headers=HEADERS)
