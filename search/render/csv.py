"""CSV for Excel and scripts: UTF-8 with a BOM (so Excel shows Chinese), streamed a row at a
time; None is an empty cell."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping

BOM = "\ufeff"


def csv_text(rows: Iterable[Mapping], columns: list[str], bom: bool = True) -> Iterator[str]:
    """CSV, a chunk per row (header first), with a UTF-8 BOM so Excel shows Chinese."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    if bom:
        buf.write(BOM)
    w.writeheader()
    yield buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        w.writerow({k: ("" if v is None else v) for k, v in row.items()})
        yield buf.getvalue()
