"""The journalist tools over HTTP, the same features as the CLI:

    GET /api/compare?q=&by=agency|year&limit=&format=json|csv            = compare
    GET /api/trend?q=&by=year|agency&format=json|csv|png                   = trend
    GET /api/similar/{passage_id}?limit=&min_similarity=                   = similar
    GET /api/kwic?q=&width=&sort=&limit=&format=json|csv                   = kwic (term=: q)
    GET /api/export?q=&format=csv|jsonl&order=relevance|document            = export (streamed)
    GET /api/cite/{passage_id}                                             = cite
    (all take agency=, year=, section= as search does)

Errors are JSON objects {"error": message} (search/web/errors.py): 400 for a bad query or
parameter (or one past the cost bounds of search/limits.py), 404 for an unknown passage, 503
when there is no index yet or a query ran past the time budget. An export streams from a
searcher of its own (closed when the download ends), so a long download holds nothing other
requests need and does not see the index change under it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from index.settings import EXPORT_WAIT, EXPORTS_AT_ONCE, MAX_KWIC
from search.choices import By, ExportOrder, KwicSort
from search.render.chart import trend_png_bytes
from search.tools import compare as compare_mod
from search.tools import export as export_mod
from search.tools import kwic as kwic_mod
from search.tools import similar as similar_mod
from search.tools import trend as trend_mod
from search.tools.cite import CitedHit, cite
from search.tools.common import own_searcher
from search.web.engines import Engines
from search.web.errors import WebError
from search.web.formats import as_json, png, respond, responses, rows
from search.web.params import FilterOptions, Q

# Exports streamed at once: each holds a searcher and a worker thread while its client reads.
_EXPORTS = threading.BoundedSemaphore(EXPORTS_AT_ONCE)
router = APIRouter(prefix="/api", tags=["journalist tools"])


@router.get(
    "/compare",
    summary="The best passage of each agency or year (= compare)",
    response_model=compare_mod.CompareResult,
    responses=responses("csv"),
)
def api_compare(
    engines: Engines,
    options: FilterOptions,
    q: Q,
    by: By = "agency",
    limit: Annotated[int, Query(ge=0, le=1000, description="Groups; 0: all")] = 20,
    order: Annotated[
        Literal["relevance", "year"] | None,
        Query(description="Groups best first or oldest first; default year with by=year"),
    ] = None,
    format: Literal["json", "csv"] = "json",
):
    res = engines.call(compare_mod.compare, q, by, **options.kwargs(), limit=limit, order=order)
    return respond(
        format, res, csv=lambda r: rows("csv", r["results"], compare_mod.COLUMNS, "compare")
    )


@router.get(
    "/trend",
    summary="Matching reports per year and their share (= trend)",
    response_model=trend_mod.TrendResult,
    responses=responses("csv", "png"),
)
def api_trend(
    engines: Engines,
    options: FilterOptions,
    q: Q,
    by: By = "year",
    format: Literal["json", "csv", "png"] = "json",
):
    res = engines.call(trend_mod.trend, q, by, **options.kwargs())
    return respond(
        format,
        res,
        csv=lambda r: rows("csv", r["rows"], trend_mod.COLUMNS_BY[by], "trend"),
        png=lambda r: png(trend_png_bytes(r)),
    )


@router.get(
    "/similar/{passage_id}",
    summary="Passages in other reports that say nearly the same (= similar)",
    response_model=similar_mod.SimilarResult,
)
def api_similar(
    engines: Engines,
    options: FilterOptions,
    passage_id: str,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    min_similarity: Annotated[float, Query(ge=0, le=1)] = 0.0,
):
    res = engines.call(
        similar_mod.similar,
        passage_id,
        limit=limit,
        min_similarity=min_similarity,
        **options.kwargs(),
    )
    return as_json(res)


@router.get(
    "/kwic",
    summary="Every occurrence with its context (= kwic)",
    response_model=kwic_mod.KwicResult,
    responses=responses("csv"),
)
def api_kwic(
    engines: Engines,
    options: FilterOptions,
    q: Annotated[str | None, Query(description="The word or phrase, as every endpoint's q")] = None,
    term: Annotated[str | None, Query(description="The older name of q", deprecated=True)] = None,
    width: Annotated[int, Query(ge=0, le=kwic_mod.MAX_WIDTH)] = 20,
    sort: KwicSort = "year",
    limit: Annotated[int, Query(ge=1, le=MAX_KWIC)] = 1000,
    format: Literal["json", "csv"] = "json",
):
    kwic_mod.check_request(limit, width)
    text = q if q is not None else term or ""
    res = engines.call(kwic_mod.kwic, text, width=width, sort=sort, limit=limit, **options.kwargs())
    return respond(
        format, res, csv=lambda r: rows("csv", r["occurrences"], kwic_mod.COLUMNS, "kwic")
    )


@router.get(
    "/export",
    summary="All matching passages with citations, streamed (= export)",
    responses=responses("csv", "jsonl"),
)
def api_export(
    engines: Engines,
    options: FilterOptions,
    q: Q,
    format: Literal["csv", "jsonl"] = "csv",
    order: ExportOrder = "relevance",
):
    if not _EXPORTS.acquire(timeout=EXPORT_WAIT):
        raise WebError(
            503,
            f"{EXPORTS_AT_ONCE} exports are being streamed already; try again in a few seconds",
            code="busy",
        )
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            _EXPORTS.release()

    def start(engine):
        own = own_searcher(engine)
        try:
            exp = export_mod.export(engine, q, **options.kwargs(), order=order, searcher=own)
        except BaseException:
            own.close()
            raise
        return exp, own

    try:
        exp, own = engines.call(start)
    except BaseException:
        release()
        raise

    def body() -> Iterator[dict]:
        try:
            yield from exp.rows()
        finally:
            own.close()
            release()

    columns = export_mod.COLUMNS_BY_FORMAT[format]
    return rows(format, body(), columns, "export", **{"X-Total-Count": str(exp.total)})


@router.get(
    "/cite/{passage_id}",
    summary="A one-line citation of a passage (= cite)",
    response_model=CitedHit,
)
def api_cite(engines: Engines, passage_id: str):
    return as_json(engines.call(cite, passage_id))
