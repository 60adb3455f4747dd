"""Every presentation of engine and tool results: `text` for a terminal, `csv` and `jsonl` for
files and downloads, `chart` for PNG charts. Renderers take result objects and return text,
chunks or bytes; they never search."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from search.query import QueryError
from search.render.csv import csv_text
from search.render.jsonl import jsonl_text

ROW_FORMATS = {"csv": csv_text, "jsonl": jsonl_text}


def rows_as(fmt: str, rows: Iterable[Mapping], columns: list[str]) -> Iterator[str]:
    """`rows` written in `fmt` (csv or jsonl), a chunk at a time."""
    if fmt not in ROW_FORMATS:
        raise QueryError(f"format is {' or '.join(ROW_FORMATS)}, not {fmt!r}")
    return ROW_FORMATS[fmt](rows, columns)
