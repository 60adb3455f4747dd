"""Responses by format. A route names the renderers its result has (`json` always) and
`respond` picks the one the request asked for. (A format that needs another engine call —
/api/stats's CSV reads every figure of the reports, not the ranked table — is the one branch a
route makes before asking: search/web/stats.py.)"""

from __future__ import annotations

import json
import ntpath
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import anyio
from fastapi.responses import JSONResponse, Response, StreamingResponse

from index.settings import STREAM_CHUNK as CHUNK
from search.render import rows_as
from search.results import plain
from search.web.errors import API_HEADERS, WebError

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "png": "image/png",
}
Renderer = Callable[[Any], Response]


# Keys whose values name where a report came from: a URL, or a file on the server's disk.
SOURCE_KEYS = ("source", "url")


def file_name(source: str) -> str:
    """A source as the web shows it: a web URL as it is; a name relative to the folder given to
    `ingest` (what the index stores: `2017/年报.pdf`) as it is; anything naming a folder of a
    disk (an absolute path, a file: URL, `..`) by its file name alone, with the record a name
    carries kept (reports.jsonl:12, crawl.warc.gz#3)."""
    if not source or source.lower().startswith(("http://", "https://")):
        return source
    parts = re.split(r"[/\\]", source)
    if not ntpath.isabs(source) and ":" not in parts[0] and ".." not in parts:
        return source
    if source.lower().startswith("file://"):
        source = source[len("file://") :]
    return ntpath.basename(posixpath.basename(source)) or source


def public(result: Any) -> Any:
    """The result as the web serves it: as the CLI's --json prints it, except that no answer
    names a directory of the server's disk (an intranet server's layout, a user name in a home
    directory): every source file is named by its file name, in the text that quotes it too
    (a citation's 来源：). The CLI, run where the files are, prints the whole path."""
    data = plain(result)
    names: dict[str, str] = {}

    def collect(x: Any) -> None:
        if isinstance(x, Mapping):
            for k, v in x.items():
                if k in SOURCE_KEYS and isinstance(v, str) and file_name(v) != v:
                    names[v] = file_name(v)
                else:
                    collect(v)
        elif isinstance(x, list):
            for v in x:
                collect(v)

    def rewrite(x: Any) -> Any:
        if isinstance(x, str):
            for path in sorted(names, key=len, reverse=True):
                if path in x:
                    x = x.replace(path, names[path])
            return x
        if isinstance(x, Mapping):
            return {k: rewrite(v) for k, v in x.items()}
        if isinstance(x, list):
            return [rewrite(v) for v in x]
        return x

    collect(data)
    return rewrite(data) if names else data


def as_json(result: Any) -> JSONResponse:
    """The result as the CLI's --json prints it, its source files named as `public` says."""
    return JSONResponse(public(result), headers=API_HEADERS)


def rows(
    fmt: str, items: Iterable[Mapping], columns: list[str], name: str, **headers: str
) -> StreamingResponse:
    """`items` as a CSV or JSON Lines download named `name`, written a chunk at a time (each
    row's source files named as `public` says). A fault mid-stream (a search node lost) ends
    the download with a last line saying it is incomplete, then breaks the connection without
    the chunked stream's clean end, so no client takes what it got for the whole."""
    return ClosingStream(
        _chunked(fmt, rows_as(fmt, _public_rows(items), columns)),
        media_type=MEDIA[fmt],
        headers={
            **API_HEADERS,
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
            **headers,
        },
    )


class ClosingStream(StreamingResponse):
    """A streamed download that closes its rows' generator the moment the response ends — a
    client gone mid-download included — so what the rows hold (an export's turn, its own
    searcher) is freed at once, not whenever the garbage collector finds the generator."""

    def __init__(self, content: Iterator[str], **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self._rows = content

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            close = getattr(self._rows, "close", None)
            if close is not None:  # the worker thread that ran the generator has returned
                await anyio.to_thread.run_sync(close)


def _chunked(fmt: str, parts: Iterator[str]) -> Iterator[str]:
    buf: list[str] = []
    size = 0
    try:
        for part in parts:
            buf.append(part)
            size += len(part)
            if size >= CHUNK:
                yield "".join(buf)
                buf, size = [], 0
    except Exception as e:
        why = " ".join(str(e).split()) or type(e).__name__
        note = f"export stopped before its end ({why}); this file is incomplete"
        buf.append(
            json.dumps({"error": note, "code": "export_incomplete"}, ensure_ascii=False) + "\n"
            if fmt == "jsonl"
            else f"# {note}\r\n"
        )
        yield "".join(buf)
        raise
    if buf:
        yield "".join(buf)


def _public_rows(items: Iterable[Mapping]) -> Iterator[Mapping]:
    for item in items:
        yield public(item)


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
