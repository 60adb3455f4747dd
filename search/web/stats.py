"""GET /api/stats: the standard tables' figures over HTTP, the same JSON as `stats --json`.

    GET /api/stats?q=&agency=&year=&by=agency|year&metric=&rate=&sort=&format=json|csv|png

format=csv is the long form of `stats --csv` (report_id,agency,year,format,table,row,column,value,
the checks last as table "checks"); png the chart of `stats --png`. A bad metric or query is
a QueryError, answered as a 400 JSON error (search/web/errors.py)."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from search.choices import By, StatsRate, StatsSort
from search.render.chart import stats_png
from search.tools import stats as stats_mod
from search.web.engines import Engines
from search.web.formats import png, respond, responses, rows
from search.web.params import FilterOptions, Q

router = APIRouter(prefix="/api", tags=["journalist tools"])


def _png(res: stats_mod.StatsResult):
    buf = io.BytesIO()
    stats_png(res, buf)
    return png(buf.getvalue())


@router.get(
    "/stats",
    summary="The standard tables' figures, ranked (= stats)",
    response_model=stats_mod.StatsResult,
    responses=responses("csv", "png"),
)
def api_stats(
    engines: Engines,
    options: FilterOptions,
    q: Q = "",
    by: By = "agency",
    metric: Annotated[
        str, Query(max_length=80, description="TABLE.ROW.COLUMN, e.g. requests.new.total")
    ] = stats_mod.DEFAULT_METRIC,
    rate: StatsRate | None = None,
    sort: StatsSort | None = None,
    format: Literal["json", "csv", "png"] = "json",
):
    chosen = {"agency": options.agency, "year": options.year}  # reports have no section
    if format == "csv":
        reports = engines.call(stats_mod.select, q, **chosen)
        return rows("csv", stats_mod.long_rows(reports), stats_mod.LONG_COLUMNS, "stats")
    res = engines.call(stats_mod.stats, q, **chosen, by=by, metric=metric, rate=rate, sort=sort)
    return respond(format, res, png=_png)
