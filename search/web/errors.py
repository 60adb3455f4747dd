"""Every answer that is not a result goes through here: the layers below raise their own
exceptions (QueryError, NotFound, IndexMissing…), `web_error` reads each as one `WebError`
with its HTTP status and the CLI's exit code, and `handle` is the app's only exception
handler. API errors are JSON objects {"error": message, "code": code, "params": {…}, …}: the
English one-line message for programs and the CLI's users, and a stable code (with the values
the message names) that the page and the widget show in Chinese (messages.py); a missing
report page is the not-found page."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.store import damage, damaged
from search.faults import FAULTS, Exit, fault_of, message_of
from search.limits import QueryTimeout

API_CSP = "default-src 'none'; frame-ancestors 'none'"
API_HEADERS = {"Content-Security-Policy": API_CSP}


# A fault's code when the layer below names none, by HTTP status.
STATUS_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid_request",
    500: "internal",
    503: "busy",
}


class WebError(Exception):
    """A request that gets no result: an HTTP status, the exit code the CLI gives the same
    fault, a one-line message, a stable `code` (messages.py), the values the message names
    (`params`), and any extra JSON keys."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        exit_code: int = Exit.USAGE,
        code: str | None = None,
        params: dict | None = None,
        **extra,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.exit_code = exit_code
        self.code = code or STATUS_CODES.get(status, "bad_request")
        self.params = params or {}
        self.extra = extra

    def body(self) -> dict:
        return {"error": self.message, "code": self.code, "params": self.params, **self.extra}


HTTP_MESSAGES = {404: "not found", 405: "method not allowed"}


def _invalid(exc: RequestValidationError) -> WebError:
    errors = jsonable_encoder(exc.errors(), exclude={"input", "ctx", "url"})
    message = "; ".join(
        f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', '')}"
        for e in errors
    )
    return WebError(422, message or "invalid request", detail=errors)


def web_error(exc: BaseException, index_dir: str | None = None) -> WebError:
    """The one reading of an exception as an HTTP answer (`index_dir`: the app's index, to
    tell a damaged index from a bug)."""
    if isinstance(exc, WebError):
        return exc
    if isinstance(exc, RequestValidationError):
        return _invalid(exc)
    if isinstance(exc, StarletteHTTPException):
        return WebError(exc.status_code, HTTP_MESSAGES.get(exc.status_code, str(exc.detail)))
    fault = fault_of(exc)  # the layers' faults, as search/faults.py reads them
    if fault is not None:
        return WebError(
            fault.status,
            message_of(exc),
            exit_code=fault.exit,
            code=getattr(exc, "code", None) or fault.code,
            params=jsonable_encoder(getattr(exc, "params", None) or {}),
            **({"time_budget": exc.budget} if isinstance(exc, QueryTimeout) else {}),
        )
    detail = damage(index_dir) if index_dir else None
    if index_dir and detail:  # a damaged index, not a bug: say so and how to rebuild it
        return WebError(
            503, str(damaged(index_dir, detail)), exit_code=Exit.FAULT, code="index_damaged"
        )
    return WebError(
        500, f"internal error ({type(exc).__name__}); please report it", exit_code=Exit.INTERNAL
    )


def install(app: FastAPI, not_found_page, index_dir: str | None = None) -> None:
    """Make `handle` the app's handler for every exception. `not_found_page()` is the HTML a
    missing report page gets; `index_dir` the app's index (None for a cluster)."""

    async def handle(request: Request, exc: Exception) -> Response:
        err = web_error(exc, index_dir)
        if err.status == 404 and request.url.path.startswith("/reports/"):
            return not_found_page()
        return JSONResponse(err.body(), status_code=err.status, headers=API_HEADERS)

    for kind in (RequestValidationError, StarletteHTTPException, WebError, *FAULTS, Exception):
        app.add_exception_handler(kind, handle)
