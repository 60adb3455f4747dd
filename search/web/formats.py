"""Responses by format. A route names the renderers its result has (`json` always) and
`respond` picks the one the request asked for: no route spells its own if-chain."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from fastapi.responses import JSONResponse, Response, StreamingResponse

from search.render import rows_as
from search.results import plain
from search.web.errors import API_HEADERS, WebError

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "png": "image/png",
}
Renderer = Callable[[Any], Response]


def as_json(result: Any) -> JSONResponse:
    """The result as the CLI's --json prints it."""
    return JSONResponse(plain(result), headers=API_HEADERS)


def rows(
    fmt: str, items: Iterable[Mapping], columns: list[str], name: str, **headers: str
) -> StreamingResponse:
    """`items` as a CSV or JSON Lines download named `name`, written a chunk at a time."""
    return StreamingResponse(
        rows_as(fmt, items, columns),
        media_type=MEDIA[fmt],
        headers={
            **API_HEADERS,
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
            **headers,
        },
    )


def png(data: bytes) -> Response:
    return Response(data, media_type=MEDIA["png"], headers=API_HEADERS)


def respond(fmt: str, result: Any, **renderers: Renderer) -> Response:
    """`result` rendered as `fmt`, by the renderer of that name (json by default)."""
    renderers.setdefault("json", as_json)
    if fmt not in renderers:  # the routes' Literal types make this unreachable from HTTP
        raise WebError(400, f"format is one of {', '.join(renderers)}, not {fmt!r}")
    return renderers[fmt](result)


def responses(*formats: str) -> dict:
    """OpenAPI: the other media types a route answers with (?format=…)."""
    return {200: {"content": {MEDIA[f]: {} for f in formats}}}
