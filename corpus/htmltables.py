"""HTML tables as Grids: rowspan and colspan expanded, a merged cell repeated into every
position it covers. Layout tables (a table that holds other tables) are not data tables."""

from __future__ import annotations

from bs4 import Tag

from corpus.model import Grid

MAX_SPAN = 200  # a hostile rowspan="100000" must not allocate a huge grid


def _span(cell: Tag, name: str) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(cell.get(name, "1")).strip() or 1)))
    except ValueError:
        return 1


def table_grid(table: Tag) -> Grid:
    grid: list[list[str | None]] = []
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for r, tr in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            row = grid[r]
            while c < len(row) and row[c] is not None:
                c += 1
            text = " ".join(cell.get_text(" ", strip=True).split())
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            rs = min(rs, len(rows) - r)  # a span past the last row covers the rows there are
            for dr in range(rs):
                while len(grid) <= r + dr:
                    grid.append([])
                target = grid[r + dr]
                need = c + cs
                if len(target) < need:
                    target.extend([None] * (need - len(target)))
                for dc in range(cs):
                    target[c + dc] = text
            c += cs
    width = max((len(r) for r in grid), default=0)
    return [[v or "" for v in row] + [""] * (width - len(row)) for row in grid if any(row)]


def html_tables(root: Tag) -> list[Grid]:
    """Every data table under `root` (innermost tables only), as grids of at least 2×2."""
    out = []
    for table in root.find_all("table"):
        if table.find("table") is not None:
            continue
        grid = table_grid(table)
        if len(grid) >= 2 and len(grid[0]) >= 2:
            out.append(grid)
    return out
