"""JSON Lines: one JSON object a line, UTF-8 as written (no \\u escapes)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping


def jsonl_text(rows: Iterable[Mapping], columns: list[str]) -> Iterator[str]:
    """A line per row holding `columns` in that order."""
    for r in rows:
        yield json.dumps({k: r[k] for k in columns}, ensure_ascii=False) + "\n"


def json_text(
    head: Mapping, key: str, rows: Iterable[Mapping], columns: list[str]
) -> Iterator[str]:
    """One JSON object: `head`'s fields, then `key` holding the rows (a line each), streamed so
    an export of any size prints without being held in memory."""
    opening = json.dumps(dict(head), ensure_ascii=False, indent=2)[:-2]
    yield f"{opening},\n  {json.dumps(key)}: ["
    sep = "\n"
    for r in rows:
        yield sep + "    " + json.dumps({k: r[k] for k in columns}, ensure_ascii=False)
        sep = ",\n"
    yield ("\n  " if sep != "\n" else "") + "]\n}\n"
