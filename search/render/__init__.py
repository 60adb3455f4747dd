"""Every presentation of engine and tool results: `text` for a terminal, `csv` and `jsonl` for
files and downloads, `chart` for PNG charts. Renderers take result objects and return text,
chunks or bytes; they never search."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from search.query import QueryError
from search.render.csv import csv_text
from search.render.jsonl import jsonl_text
from search.results import plain

ROW_FORMATS = {"csv": csv_text, "jsonl": jsonl_text}


def _plain_style(text: str, **_style: Any) -> str:
    return text


def rows_as(fmt: str, rows: Iterable[Mapping], columns: list[str]) -> Iterator[str]:
    """`rows` written in `fmt` (csv or jsonl), a chunk at a time."""
    if fmt not in ROW_FORMATS:
        raise QueryError(f"format is {' or '.join(ROW_FORMATS)}, not {fmt!r}")
    return ROW_FORMATS[fmt](rows, columns)


def output(
    res: Any,
    fmt: str,
    *,
    text: Callable[[Any, Callable[..., str]], Iterable[str]] | None = None,
    csv: Callable[[Any], tuple[Iterable[Mapping], list[str]]] | None = None,
    style: Callable[..., str] = _plain_style,
) -> Iterator[str]:
    """The one closing step of every command that prints a result, as chunks of text: `fmt`
    "json" (what --json prints: the result's JSON, indented), "csv" (`csv(res)` gives the rows
    and their columns) or "text" (`text(res, style)` gives the terminal's lines)."""
    if fmt == "json":
        yield json.dumps(plain(res), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv" and csv is not None:
        yield from csv_text(*csv(res))
    elif fmt == "text" and text is not None:
        for line in text(res, style):
            yield line + "\n"
    else:
        raise QueryError(f"this result has no {fmt} form")
