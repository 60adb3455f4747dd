"""diff and reuse over HTTP, the same JSON as `diff --json` and `reuse --json`:

    GET /api/diff?old=&new=                       = diff OLD NEW (old omitted: NEW's predecessor)
    GET /api/reuse?q=&agency=&year=&sort=&all=&limit=&format=json|csv   = reuse

An unknown report is a 404 (code no_report), a report without an earlier one of its agency
when `old` is omitted a 404 too (code no_previous)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from search.choices import ReuseSort
from search.tools import diff as diff_mod
from search.tools import reuse as reuse_mod
from search.web.api import check_report_id
from search.web.engines import Engines
from search.web.formats import as_json, respond, responses, rows
from search.web.params import FilterOptions, Q

router = APIRouter(prefix="/api", tags=["journalist tools"])
ReportId = Annotated[str, Query(max_length=64, description="A report id (see /api/reports)")]


def _diff(engine, old: str | None, new: str):
    return diff_mod.diff(engine, old or reuse_mod.previous(engine, new), new)


@router.get(
    "/diff",
    summary="What a report kept, changed and added against another, and its figures (= diff)",
    response_model=diff_mod.DiffResult,
    responses={404: {"description": "No such report, or no earlier one to compare with"}},
)
def api_diff(engines: Engines, new: ReportId, old: ReportId | None = None):
    check_report_id(new)
    if old is not None:
        check_report_id(old)
    return as_json(engines.call(_diff, old, new))


@router.get(
    "/reuse",
    summary="How much of each report repeats its agency's previous one (= reuse)",
    response_model=reuse_mod.ReuseResult,
    responses=responses("csv"),
)
def api_reuse(
    engines: Engines,
    options: FilterOptions,
    q: Q = "",
    sort: ReuseSort = "reuse",
    all: Annotated[bool, Query(description="Also reports without an earlier one")] = False,
    limit: Annotated[int | None, Query(ge=0, le=reuse_mod.MAX_LIMIT)] = None,
    format: Literal["json", "csv"] = "json",
):
    chosen = {"agency": options.agency, "year": options.year}  # reports have no section
    res = engines.call(reuse_mod.reuse, q, **chosen, sort=sort, first=all, limit=limit)
    return respond(
        format, res, csv=lambda r: rows("csv", reuse_mod.flat_rows(r), reuse_mod.COLUMNS, "reuse")
    )
