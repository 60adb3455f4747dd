"""The web face: a JSON API over `Engine`, a search page, a report view and an embeddable
widget, as one FastAPI app. Build it with `create_app(index_dir)` (what `cli.py serve` runs).

    GET /api/search?q=&agency=&year=&section=&limit=&offset=&per_report=   = search --json
    GET /api/reports                                                       = reports --json
    GET /api/reports/{report_id}                                           = show --json
    GET /                    the search page (static html/css/js, no external assets)
    GET /reports/{id}        one report, passages in order (?passage=ID&q=QUERY to point/mark)
    GET /widget.js           the embeddable widget

One long-lived `Engine` per app; it reopens its searcher only when the index has new commits,
so reports committed by a running ingest appear without a restart. Whoosh searchers are not
safe to share between threads, so engine calls are serialized by a lock. No endpoint reads a
file chosen by the request: pages and assets come from a fixed list loaded at startup."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.settings import MAX_FILTER_CHARS, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, VERSION
from index.store import IndexMissing
from search import web
from search.engine import Engine, NotFound
from search.query import QueryError
from search.results import plain

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = {  # the only files the app serves: URL name → media type
    "app.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "report.js": "text/javascript; charset=utf-8",
    "stats.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
REPORT_ID = re.compile(r"[0-9a-f]{1,64}")

# Our own pages load only our own assets; the widget runs in a host page we don't control.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}


def check_origin(origin: str) -> str:
    """A CORS origin as the browser sends it: scheme://host[:port], no path. '*' allows any."""
    origin = origin.strip().rstrip("/")
    if origin == "*":
        return origin
    parts = urlsplit(origin)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ValueError(
            f"--cors-origin {origin!r} is not an origin like https://news.example.org or "
            "http://localhost:8080 (scheme, host and port only)"
        )
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ValueError(f"--cors-origin {origin!r} has a bad port") from None
    return origin


class _Engines:
    """The app's one Engine, opened on first use (so a server can start before the first
    ingest) and shared by every request under one lock."""

    def __init__(self, index_dir: str, engine: Engine | None = None):
        self.index_dir = index_dir
        self.engine = engine
        self.lock = threading.Lock()

    def get(self) -> Engine:
        """The Engine, opened if need be (raises IndexMissing). Call it holding `lock`, as
        `call` does; other routers get it as `journal_router(engines.get, lock=engines.lock)`."""
        if self.engine is None:
            self.engine = Engine(self.index_dir)
        return self.engine

    def call(self, fn, *args, **kwargs):
        with self.lock:
            return fn(self.get(), *args, **kwargs)


def _error(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse(
        {"error": message, **extra},
        status_code=status,
        headers={"Content-Security-Policy": API_CSP},
    )


def _load(name: str) -> bytes:
    return (STATIC_DIR / name).read_bytes()


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI at /docs with its JS and CSS from the swagger-ui-bundle package, not a CDN."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="gongkai API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )


def create_app(
    index_dir: str, *, cors_origins: Sequence[str] = (), engine: Engine | None = None
) -> FastAPI:
    """The web app over the index in `index_dir`. `cors_origins`: origins (scheme://host:port)
    whose pages may call the API from the browser (the embedded widget); others get no CORS
    headers. `engine`: an already open Engine for that index (else opened on first request)."""
    engines = _Engines(index_dir, engine)
    origins = [check_origin(o) for o in cors_origins]
    assets = {name: _load(name) for name in ASSETS}
    index_html = _load("index.html")
    widget_js = _load("widget.js")

    app = FastAPI(
        title="gongkai",
        version=VERSION,
        summary="Full-text search over government information-disclosure annual reports.",
        description=(
            "The JSON API returns exactly what the CLI's `search --json`, `reports --json` "
            "and `show --json` print. Errors are JSON objects with an `error` message."
        ),
        docs_url=None,  # served below from local files: intranets are offline
        redoc_url=None,
    )
    _mount_docs(app)
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET"],
            allow_credentials=False,
            max_age=600,
        )

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    # -- errors: always a JSON body (an HTML page for the report view), never a 500 for input --
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = jsonable_encoder(exc.errors(), exclude={"input", "ctx", "url"})
        message = "; ".join(
            f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', '')}"
            for e in errors
        )
        return _error(422, message or "invalid request", detail=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404 and not request.url.path.startswith("/api/"):
            if request.url.path.startswith("/reports/"):
                return HTMLResponse(web.not_found_page(), status_code=404, headers=PAGE_HEADERS)
        message = {404: "not found", 405: "method not allowed"}.get(
            exc.status_code, str(exc.detail)
        )
        return _error(exc.status_code, message)

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, exc: QueryError):
        return _error(400, str(exc))

    @app.exception_handler(IndexMissing)
    async def no_index(request: Request, exc: IndexMissing):
        return _error(503, str(exc))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        return _error(500, f"internal error ({type(exc).__name__}); please report it")

    from search.journal_api import journal_router

    app.include_router(journal_router(engines.get, lock=engines.lock))
    from search.stats_api import router as stats_router

    app.include_router(stats_router)

    # -- the JSON API --------------------------------------------------------------------------
    def _api(content: dict) -> JSONResponse:
        return JSONResponse(plain(content), headers={"Content-Security-Policy": API_CSP})

    @app.get("/api/search", tags=["api"], summary="Search passages (= search --json)")
    def api_search(
        q: Annotated[
            str,
            Query(
                description='Query: words (all required), "phrases", OR, NOT/-word, '
                "agency:… year:2010-2015 section:… (at most 500 characters)"
            ),
        ] = "",
        agency: Annotated[
            str | None, Query(description="Only reports whose agency contains this text")
        ] = None,
        year: Annotated[str | None, Query(description="A year (2015) or range (2010-2015)")] = None,
        section: Annotated[
            str | None, Query(description="A section label, e.g. 主动公开 or 依申请公开")
        ] = None,
        limit: Annotated[
            int, Query(ge=0, description=f"Hits to return (capped at {MAX_LIMIT})")
        ] = 10,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Hits to skip")] = 0,
        per_report: Annotated[
            int | None, Query(ge=1, description="At most N passages per report")
        ] = None,
    ):
        if len(q) > MAX_QUERY_CHARS:
            raise QueryError(
                f"query too long ({len(q)} characters; the limit is {MAX_QUERY_CHARS})"
            )
        for name, value in (("agency", agency), ("year", year), ("section", section)):
            if value is not None and len(value) > MAX_FILTER_CHARS:
                raise QueryError(f"{name} is too long (at most {MAX_FILTER_CHARS} characters)")
        return _api(
            engines.call(
                Engine.search,
                q,
                agency=agency,
                year=year,
                section=section,
                limit=min(limit, MAX_LIMIT),
                offset=offset,
                per_report=per_report,
            )
        )

    @app.get("/api/reports", tags=["api"], summary="All reports in the index (= reports --json)")
    def api_reports():
        return _api(engines.call(Engine.reports))

    @app.get(
        "/api/reports/{report_id}",
        tags=["api"],
        summary="One report, passages in document order (= show --json)",
        responses={404: {"description": "No such report"}},
    )
    def api_report(report_id: str):
        if not REPORT_ID.fullmatch(report_id):
            return _error(404, f"no report {report_id!r} in the index")
        try:
            return _api(engines.call(Engine.show, report_id))
        except NotFound:
            return _error(404, f"no report {report_id!r} in the index")

    # -- pages and assets ----------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def page_search():
        return Response(index_html, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    @app.get("/reports/{report_id}", include_in_schema=False)
    def page_report(report_id: str, passage: str | None = None, q: str | None = None):
        if not REPORT_ID.fullmatch(report_id):
            return HTMLResponse(web.not_found_page(), status_code=404, headers=PAGE_HEADERS)

        def render(engine: Engine) -> str:
            report = engine.show(report_id)
            terms = web.query_terms(engine, q)
            return web.report_page(report, chosen=passage, query=q or "", terms=terms)

        try:
            return HTMLResponse(engines.call(render), headers=PAGE_HEADERS)
        except NotFound:
            return HTMLResponse(web.not_found_page(), status_code=404, headers=PAGE_HEADERS)

    @app.get("/reports", include_in_schema=False)
    def reports_root():
        return RedirectResponse("/", status_code=307)

    @app.get("/static/{name}", include_in_schema=False)
    def asset(name: str):
        if name not in assets:
            return _error(404, "not found")
        return Response(
            assets[name], media_type=ASSETS[name], headers={"Cache-Control": "no-cache"}
        )

    @app.get("/widget.js", include_in_schema=False)
    def widget():
        # Loaded by <script src> from other origins: no CORS needed, no CSP (it is not a page).
        return Response(
            widget_js,
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "no-cache", "Cross-Origin-Resource-Policy": "cross-origin"},
        )

    app.state.engines = engines
    app.state.cors_origins = origins
    return app
