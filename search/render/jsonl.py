"""JSON Lines: one JSON object a line, UTF-8 as written (no \\u escapes)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping


def jsonl_text(rows: Iterable[Mapping], columns: list[str]) -> Iterator[str]:
    """A line per row holding `columns` in that order."""
    for r in rows:
        yield json.dumps({k: r[k] for k in columns}, ensure_ascii=False) + "\n"
