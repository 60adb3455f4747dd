"""Finding tables in a report, as grids of cell texts: HTML `<table>`s with rowspan and colspan
expanded (a merged cell's text repeated into every cell it covers), pipe and markdown tables,
tab-separated rows, and the splitting of digit runs (tables flattened by a crawler into
`801000081`) where row sums leave one split only. What the cells mean is corpus/stats.py's job."""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from corpus.limits import MAX_COLS, MAX_SPAN_ROWS
from corpus.model import Grid

_TABLE_TAG = re.compile(r"<table", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")


def _span(el, name: str, limit: int) -> int:
    try:
        n = int(str(el.get(name, "1")).strip() or 1)
    except ValueError:
        return 1
    return max(1, min(n, limit))


def _cell_text(el) -> str:
    return " ".join(el.text_content().split())


def expand(rows: list[list[tuple[str, int, int]]]) -> Grid:
    """Rows of (text, rowspan, colspan) cells → a rectangular grid, each merged cell's text
    repeated into every position it covers (the HTML table model: a cell takes the first
    column not already taken by a rowspan from above)."""
    grid: Grid = []
    pending: dict[int, dict[int, str]] = {}  # row → {col: text} filled by a rowspan from above
    width = 0
    for r, cells in enumerate(rows):
        line = pending.pop(r, {})
        col = 0
        for text, rowspan, colspan in cells:
            while col in line:
                col += 1
            for c in range(col, min(col + colspan, MAX_COLS)):
                line[c] = text
                for dr in range(1, min(rowspan, len(rows) - r)):
                    pending.setdefault(r + dr, {})[c] = text
            col += colspan
        n = max(line, default=-1) + 1
        width = max(width, n)
        grid.append([line.get(c, "") for c in range(n)])
    return [row + [""] * (width - len(row)) for row in grid]


def html_grids(html: str | bytes) -> list[Grid]:
    """Every `<table>` of an HTML page as an expanded grid (nested tables each on their own;
    a table's rows are its own, not its nested tables')."""
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    if not _TABLE_TAG.search(text):
        return []
    try:  # lxml refuses str input that declares an encoding: the text is decoded already
        root = lxml.html.fromstring(_XML_DECL.sub("", text, count=1))
    except (etree.ParserError, ValueError):
        return []
    out = []
    for table in root.iter("table"):
        trs = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        rows = []
        for tr in trs:
            cells = [
                (
                    _cell_text(td),
                    _span(td, "rowspan", MAX_SPAN_ROWS),
                    _span(td, "colspan", MAX_COLS),
                )
                for td in tr
                if td.tag in ("td", "th")
            ]
            rows.append(cells)
        grid = expand(rows)
        if any(any(c for c in row) for row in grid):
            out.append(grid)
    return out


_MD_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def _pipe_cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def text_grids(lines: list[str]) -> list[Grid]:
    """Blocks of consecutive table-like lines as grids: markdown and pipe tables (`a | b | c`,
    markdown's `|---|` rule lines dropped; empty cells kept, so columns stay in place) and
    tab-separated rows. Space-separated tables have no cell boundaries to keep and are read
    row by row in corpus/stats.py."""
    out: list[Grid] = []
    block: Grid = []

    def flush() -> None:
        if len(block) >= 2:
            out.append(list(block))
        block.clear()

    for line in lines:
        s = line.strip()
        if s.count("|") >= 2 or (s.startswith("|") and s.count("|") >= 1):
            if _MD_RULE.match(s):
                continue
            block.append(_pipe_cells(s))
        elif s.count("\t") >= 2:
            block.append([c.strip() for c in s.split("\t")])
        else:
            flush()
    flush()
    return out


class _Budget(Exception):
    pass


def split_run(run: str, groups: list[int], budget: int = 10000) -> list[list[int]]:
    """The ways to read a run of digits as sum(groups) whole numbers (no leading zeros) where,
    within each group, the last number is the sum of the others (a row and its 总计).
    Returns at most 20 readings; [] when there is none or the search would cost more than
    `budget` steps (a run that long is left unread rather than guessed)."""
    if not run.isdigit() or len(run) < sum(groups):
        return []
    found: list[list[int]] = []
    steps = [0]

    def tick() -> None:
        steps[0] += 1
        if steps[0] > budget:
            raise _Budget

    def parts(s: str, m: int, target: int) -> Iterator[list[int]]:
        """`s` as m numbers summing to `target` (each at most `target`)."""
        tick()
        if m == 0:
            if not s and target == 0:
                yield []
            return
        if not m <= len(s) <= m * len(str(target)):  # each part has ≤ as many digits as target
            return
        for n in range(1, min(len(str(target)), len(s) - m + 1) + 1):
            piece = s[:n]
            if n > 1 and piece[0] == "0":
                break
            v = int(piece)
            if v > target:
                break
            for rest in parts(s[n:], m - 1, target - v):
                yield [v, *rest]

    def groups_from(pos: int, gi: int) -> Iterator[list[int]]:
        tick()
        if gi == len(groups):
            if pos == len(run):
                yield []
            return
        n = groups[gi]
        later = sum(groups[gi + 1 :])
        last = gi == len(groups) - 1
        ends = [len(run)] if last else range(pos + n, len(run) - later + 1)
        for end in ends:
            for t in range(1, min(7, end - pos - (n - 1)) + 1):
                total_s = run[end - t : end]
                if t > 1 and total_s[0] == "0":
                    continue
                total = int(total_s)
                for head in parts(run[pos : end - t], n - 1, total):
                    for tail in groups_from(end, gi + 1):
                        yield [*head, total, *tail]

    try:
        for reading in groups_from(0, 0):
            found.append(reading)
            if len(found) >= 20:
                break
    except _Budget:
        return []
    return found
