"""The web app: `create_app(index_dir)` is what `cli.py serve` runs.

    GET /api/search?q=&agency=&year=&section=&limit=&offset=&per_report=   = search --json
    GET /api/reports                                                       = reports --json
    GET /api/reports/{report_id}                                           = show --json
    GET /api/compare, trend, similar, kwic, export, cite                   the journalist tools
    GET /api/stats?q=&agency=&year=&by=&metric=&rate=&sort=&format=        = stats --json
    GET /                    the search page (a template and native ES modules, nothing external)
    GET /reports/{id}        one report, passages in order (?passage=ID&q=QUERY to point/mark)
    GET /widget.js           the embeddable widget
    GET /docs, /openapi.json the API documented, served offline

One long-lived engine per app; the local Engine reopens its searcher only when the index has
new commits, so reports committed by a running ingest appear without a restart."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from index.settings import VERSION
from search.backend import SearchEngine
from search.web import api, errors, pages, reuse, stats, tools
from search.web.engines import EngineSource


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


class _HeadDone(Exception):
    """A HEAD response's headers are out: the body is not wanted."""


class _Edge:
    """What every response gets, as plain ASGI (not @app.middleware("http"): Starlette's
    BaseHTTPMiddleware re-streams a body through a queue and ends it cleanly when the app fails
    mid-stream, so a truncated export would look whole — see search/web/formats.py):

    - X-Content-Type-Options: nosniff;
    - HEAD wherever GET is: the GET route answers, its headers are sent and its body is not;
    - redirects relative (`Location: /path?query`), never built from the request's Host
      header (Starlette's trailing-slash redirect copies it), so a forged Host cannot send a
      user elsewhere or poison a cache."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        done = False

        async def edge_send(message):
            nonlocal done
            if done:
                raise _HeadDone
            if message["type"] == "http.response.start":
                headers = []
                for k, v in message.get("headers", []):
                    if k.lower() == b"location" and 300 <= message["status"] < 400:
                        u = urlsplit(v.decode("latin-1"))
                        v = (u.path or "/").encode("latin-1") + (
                            b"?" + u.query.encode("latin-1") if u.query else b""
                        )
                    headers.append((k, v))
                if not any(k.lower() == b"x-content-type-options" for k, _v in headers):
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                done = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        try:
            await self.app(scope, receive, edge_send)
        except Exception as e:  # the app stopped by _HeadDone (a task group wraps it) is done
            if not (done and _head_done(e)):
                raise


def _head_done(e: BaseException) -> bool:
    if isinstance(e, BaseExceptionGroup):
        return all(_head_done(x) for x in e.exceptions)
    return isinstance(e, _HeadDone)


def create_app(
    index_dir: str | None = None,
    *,
    cors_origins: Sequence[str] = (),
    engine: SearchEngine | None = None,
) -> FastAPI:
    """The web app over the index in `index_dir`, or over `engine`: any open `SearchEngine`
    (the local Engine, the cluster's). `cors_origins`: origins
    (scheme://host:port) whose pages may call the API from the browser (the embedded widget);
    others get no CORS headers."""
    from search.engine import Engine

    origins = [check_origin(o) for o in cors_origins]
    # FastAPIOffline serves /docs from the Swagger UI files its package ships (Swagger UI 5,
    # which reads the OpenAPI 3.1 schema FastAPI writes), never from a CDN: intranets are offline.
    app = FastAPIOffline(
        docs_url="/docs",
        redoc_url=None,
        static_url="/docs-assets",
        title="gongkai",
        version=VERSION,
        summary="Full-text search over government information-disclosure annual reports.",
        description=(
            "The JSON API returns exactly what the CLI's `search --json`, `reports --json` "
            "and `show --json` print. Errors are JSON objects with an `error` message (one "
            "line, English), a stable `code` and the `params` the message names."
        ),
    )
    app.state.engines = EngineSource(
        (lambda: Engine(index_dir)) if index_dir is not None else None, engine
    )
    app.state.cors_origins = origins
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET"],
            allow_credentials=False,
            max_age=600,
        )

    app.add_middleware(_Edge)

    errors.install(app, pages.not_found_page, index_dir)
    for router in (api.router, tools.router, stats.router, reuse.router, pages.router):
        app.include_router(router)
    return app
