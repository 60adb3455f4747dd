"""The journalist tools over HTTP: a FastAPI router with the same features as the CLI.

    GET /api/compare?q=&by=agency|year&limit=&format=json|csv            = compare
    GET /api/trend?q=&by=year|agency&format=json|csv|png                   = trend
    GET /api/similar/{passage_id}?limit=&min_similarity=                   = similar
    GET /api/kwic?term=&width=&sort=&limit=&format=json|csv                = kwic
    GET /api/export?q=&format=csv|jsonl&order=relevance|document            = export (streamed)
    GET /api/cite/{passage_id}                                             = cite
    (all take agency=, year=, section= as search does)

Wire it into an app with an Engine getter, and the lock that serializes engine calls if the
app has one:

    from search.journal_api import journal_router
    app.include_router(journal_router(lambda: engine, lock=engine_lock))

Errors are JSON objects {"error": message}: 400 for a bad query or parameter, 404 for an
unknown passage, 503 when there is no index yet. An export streams from a searcher of its own
(closed when the download ends), so a long download neither holds the lock nor sees the index
change under it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response, StreamingResponse

from index.settings import MAX_FILTER_CHARS, MAX_QUERY_CHARS
from index.store import IndexMissing
from search.engine import Engine, NotFound
from search.query import QueryError
from search.render import rows_as
from search.render.chart import trend_png_bytes
from search.render.csv import csv_text
from search.results import plain
from search.tools import compare as compare_mod
from search.tools import export as export_mod
from search.tools import kwic as kwic_mod
from search.tools import similar as similar_mod
from search.tools import trend as trend_mod
from search.tools.cite import cite
from search.tools.common import own_searcher

API_CSP = "default-src 'none'; frame-ancestors 'none'"
MAX_KWIC = 20_000  # occurrences per kwic response
HEADERS = {"Content-Security-Policy": API_CSP}

Q = Annotated[
    str,
    Query(
        max_length=MAX_QUERY_CHARS,
        description='Query: words, "phrases", OR, NOT/-word, agency:… year:2010-2015 section:…',
    ),
]
Agency = Annotated[
    str | None,
    Query(max_length=MAX_FILTER_CHARS, description="Only reports whose agency contains this"),
]
Year = Annotated[str | None, Query(max_length=20, description="A year (2015) or range (2010-2015)")]
Section = Annotated[str | None, Query(max_length=20, description="A section label, e.g. 主动公开")]


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=HEADERS)


def _csv_response(rows, columns, name: str) -> StreamingResponse:
    return StreamingResponse(
        csv_text(rows, columns),
        media_type="text/csv; charset=utf-8",
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def journal_router(
    get_engine: Callable[[], Engine], *, lock: threading.Lock | None = None
) -> APIRouter:
    """The router. `get_engine()` returns the app's Engine (it may raise IndexMissing); every
    engine call runs under `lock` when given (Whoosh searchers are not thread-safe)."""
    router = APIRouter(prefix="/api", tags=["journalist tools"])
    guard = lock if lock is not None else nullcontext()

    def call(fn, *args, **kwargs):
        """fn(engine, …) under the lock; errors become JSON responses."""
        try:
            with guard:
                return fn(get_engine(), *args, **kwargs)
        except QueryError as e:
            return _error(400, str(e))
        except NotFound as e:
            return _error(404, str(e.args[0]) if e.args else "not found")
        except IndexMissing as e:
            return _error(503, str(e))

    def json_or(res, render):
        if isinstance(res, Response):
            return res
        return render(res)

    @router.get("/compare", summary="The best passage of each agency or year (= compare)")
    def api_compare(
        q: Q,
        by: Literal["agency", "year"] = "agency",
        limit: Annotated[int, Query(ge=0, le=1000, description="Groups; 0: all")] = 20,
        format: Literal["json", "csv"] = "json",
        agency: Agency = None,
        year: Year = None,
        section: Section = None,
    ):
        res = call(
            compare_mod.compare, q, by, agency=agency, year=year, section=section, limit=limit
        )
        if format == "csv":
            return json_or(
                res, lambda r: _csv_response(r["results"], compare_mod.COLUMNS, "compare")
            )
        return json_or(res, lambda r: JSONResponse(plain(r), headers=HEADERS))

    @router.get("/trend", summary="Matching reports per year and their share (= trend)")
    def api_trend(
        q: Q,
        by: Literal["year", "agency"] = "year",
        format: Literal["json", "csv", "png"] = "json",
        agency: Agency = None,
        year: Year = None,
        section: Section = None,
    ):
        res = call(trend_mod.trend, q, by, agency=agency, year=year, section=section)
        if isinstance(res, Response):
            return res
        if format == "csv":
            return _csv_response(res["rows"], trend_mod.COLUMNS_BY[by], "trend")
        if format == "png":
            return Response(trend_png_bytes(res), media_type="image/png", headers=HEADERS)
        return JSONResponse(plain(res), headers=HEADERS)

    @router.get(
        "/similar/{passage_id}",
        summary="Passages in other reports that say nearly the same (= similar)",
    )
    def api_similar(
        passage_id: str,
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
        min_similarity: Annotated[float, Query(ge=0, le=1)] = 0.0,
        agency: Agency = None,
        year: Year = None,
        section: Section = None,
    ):
        res = call(
            similar_mod.similar,
            passage_id,
            limit=limit,
            min_similarity=min_similarity,
            agency=agency,
            year=year,
            section=section,
        )
        return json_or(res, lambda r: JSONResponse(plain(r), headers=HEADERS))

    @router.get("/kwic", summary="Every occurrence with its context (= kwic)")
    def api_kwic(
        term: Annotated[str, Query(min_length=1, max_length=500)],
        width: Annotated[int, Query(ge=0, le=kwic_mod.MAX_WIDTH)] = 20,
        sort: Literal["year", "agency", "left", "right"] = "year",
        limit: Annotated[int, Query(ge=1, le=MAX_KWIC)] = 1000,
        format: Literal["json", "csv"] = "json",
        agency: Agency = None,
        year: Year = None,
        section: Section = None,
    ):
        res = call(
            kwic_mod.kwic,
            term,
            width=width,
            sort=sort,
            limit=limit,
            agency=agency,
            year=year,
            section=section,
        )
        if format == "csv":
            return json_or(res, lambda r: _csv_response(r["occurrences"], kwic_mod.COLUMNS, "kwic"))
        return json_or(res, lambda r: JSONResponse(plain(r), headers=HEADERS))

    @router.get("/export", summary="All matching passages with citations, streamed (= export)")
    def api_export(
        q: Q,
        format: Literal["csv", "jsonl"] = "csv",
        order: Literal["relevance", "document"] = "relevance",
        agency: Agency = None,
        year: Year = None,
        section: Section = None,
    ):
        def start(engine: Engine):
            own = own_searcher(engine)
            try:
                exp = export_mod.export(
                    engine, q, agency=agency, year=year, section=section, order=order, searcher=own
                )
            except BaseException:
                own.close()
                raise
            return exp, own

        res = call(start)
        if isinstance(res, Response):
            return res
        exp, own = res

        def body() -> Iterator[str]:
            try:
                yield from rows_as(format, exp.rows(), export_mod.COLUMNS_BY_FORMAT[format])
            finally:
                own.close()

        media = "text/csv" if format == "csv" else "application/x-ndjson"
        return StreamingResponse(
            body(),
            media_type=f"{media}; charset=utf-8",
            headers={
                **HEADERS,
                "Content-Disposition": f'attachment; filename="export.{format}"',
                "X-Total-Count": str(exp.total),
            },
        )

    @router.get("/cite/{passage_id}", summary="A one-line citation of a passage (= cite)")
    def api_cite(passage_id: str):
        res = call(cite, passage_id)
        return json_or(res, lambda r: JSONResponse(plain(r), headers=HEADERS))

    return router
