"""PDF reports with a text layer: text in reading order, paragraphs rejoined, running headers,
footers and page numbers dropped, tables kept as tables.

Text and geometry come from pypdfium2 (PDFium: ~2 ms a page). Only pages that draw ruling lines
are handed to pdfplumber, whose table finder turns the lines into cells (~0.1 s a page); text
inside a table is taken from its cells, the rest of the page from PDFium. Measured on a real
6-page report with the national tables: docs/benchmarks.md."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from corpus.chars import CJK_PUNCT_RANGES, CJK_RANGES
from corpus.limits import MAX_PAGES
from corpus.model import Grid, ParsedDoc

# A page number or page counter alone on a line: "- 3 -", "— 3 —", "-3-", "第3页 共6页", "3/6", "3".
_PAGE_NO = re.compile(
    r"^[\s\-—–－~·•]*(第\s*\d+\s*页\s*(共\s*\d+\s*页)?|\d+\s*/\s*\d+|共\s*\d+\s*页\s*第\s*\d+\s*页|"
    r"\d{1,3}|[Pp]age\s*\d+(\s*of\s*\d+)?)[\s\-—–－~·•]*$"
)
_CJK = f"{CJK_PUNCT_RANGES}{CJK_RANGES}“”‘’《》（）【】、，。：；！？"
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
MIN_TEXT_CHARS = 20  # fewer than this on every page: an image-only (scanned) PDF
TABLE_PATHS = 8  # a page with this many path objects (ruling lines) may hold a table


class PdfError(ValueError):
    """A PDF that cannot be read; the message is the reason."""


@dataclass
class Line:
    """A text line and its extent in PDF coordinates (points, y up from the page's bottom)."""

    text: str
    left: float
    right: float
    bottom: float
    top: float


_Line = Line


@dataclass
class PdfLayout:
    """What a PDF holds page by page, before the pages are joined into one text: each page's
    lines, tables ((left, bottom, right, top), Grid, text rows) and height, and the pages with
    no text layer (a scanned page: an image and no text), which OCR (corpus/ocr.py) fills in."""

    pages: list[list[Line]]
    heights: dict[int, float]
    tables: dict[int, list] = field(default_factory=dict)
    scanned: list[int] = field(default_factory=list)
    title: str = ""


def _squeeze(text: str) -> str:
    """PDF text puts spaces around Latin runs and between spaced-out CJK glyphs; Chinese
    text has none. Spaces next to a CJK character go, spaces between Latin words stay."""
    return _SPACE_BY_CJK.sub("", text).strip()


def _page_lines(textpage) -> tuple[list[_Line], list[tuple[str, tuple]]]:
    """The page's text lines with their extent, and its characters with their boxes."""
    n = textpage.count_chars()
    if n <= 0:
        return [], []
    text = textpage.get_text_range(0, n)
    if len(text) != n:  # no 1:1 map from text to char boxes: lines without geometry
        return [_Line(t, 0, 0, 0, 0) for t in (x.strip() for x in text.splitlines()) if t], []
    chars = [(ch, textpage.get_charbox(k)) for k, ch in enumerate(text)]
    out: list[_Line] = []
    start = 0
    for j in range(n + 1):
        if j < n and text[j] not in "\r\n":
            continue
        seg = text[start:j]
        if seg.strip():
            boxes = [chars[k][1] for k in range(start, j) if not text[k].isspace()]
            out.append(
                _Line(
                    seg,
                    min(b[0] for b in boxes),
                    max(b[2] for b in boxes),
                    min(b[1] for b in boxes),
                    max(b[3] for b in boxes),
                )
            )
        start = j + 1
    return out, chars


def _edges(page, height: float) -> list[dict] | None:
    """Ruling lines as pdfplumber edges (top-down coordinates), from PDFium's path objects.
    Word and WPS draw each border as its own thin path; None when the page's paths are not
    like that (one path drawing a whole grid), so the caller falls back to pdfplumber."""
    edges, other = [], 0
    for obj in page.get_objects():
        if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if h <= 2.5 and w > 2.5:
            y = height - (top + bottom) / 2
            edges.append(
                {
                    "x0": left,
                    "x1": right,
                    "top": y,
                    "bottom": y,
                    "width": w,
                    "height": 0,
                    "orientation": "h",
                }
            )
        elif w <= 2.5 and h > 2.5:
            x = (left + right) / 2
            edges.append(
                {
                    "x0": x,
                    "x1": x,
                    "top": height - top,
                    "bottom": height - bottom,
                    "width": 0,
                    "height": h,
                    "orientation": "v",
                }
            )
        else:
            other += 1
    return edges if len(edges) >= 4 and other <= len(edges) else None


def _fast_tables(edges: list[dict], chars: list, height: float) -> list:
    """Tables from ruling lines through pdfplumber's own cell finder; cell text from PDFium."""
    from pdfplumber import table as pt

    edges = pt.merge_edges(edges, 3, 3, 3, 3)
    cells = pt.intersections_to_cells(pt.edges_to_intersections(edges, 3, 3))
    found = []
    for group in pt.cells_to_tables(cells):
        texts = {i: [] for i in range(len(group))}
        for ch, (cl, cb, cr, ct) in chars:
            if ch.isspace():
                continue
            x, y = (cl + cr) / 2, height - (cb + ct) / 2
            for i, (x0, top, x1, bottom) in enumerate(group):
                if x0 <= x <= x1 and top <= y <= bottom:
                    texts[i].append(ch)
                    break
        boxed = [(*group[i], _squeeze("".join(texts[i]))) for i in range(len(group))]
        grid, rows = cells_grid(boxed)
        if len(grid) < 2 or max(len(r) for r in grid) < 2:
            continue
        x0 = min(c[0] for c in group)
        top = min(c[1] for c in group)
        x1 = max(c[2] for c in group)
        bottom = max(c[3] for c in group)
        found.append(((x0, height - bottom, x1, height - top), grid, rows))
    return found


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise PdfError("encrypted PDF (needs a password)") from None
        if "format" in msg or "file" in msg:
            raise PdfError("damaged or truncated PDF (cannot be opened)") from None
        raise PdfError(f"unreadable PDF ({e})") from None


def _tables(data: bytes, pages: list[int], heights: dict[int, float]) -> dict[int, list]:
    """page index → [(bbox in PDFium coordinates (left, bottom, right, top), Grid, text rows)]."""
    if not pages:
        return {}
    import pdfplumber  # imported here: only PDFs with ruled tables pay for it

    out: dict[int, list] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pl:
            for i in pages:
                found = []
                for t in pl.pages[i].find_tables():
                    grid, rows = _grid(t)
                    if len(grid) < 2 or max(len(r) for r in grid) < 2:
                        continue  # a framed paragraph, not a table
                    x0, top, x1, bottom = t.bbox
                    h = heights[i]
                    found.append(((x0, h - bottom, x1, h - top), grid, rows))
                out[i] = found
    except Exception:  # pdfplumber failing on an odd page must not cost the text
        return out
    return out


def _grid(table) -> tuple[Grid, list[str]]:
    texts = table.extract()
    cells = []  # (x0, top, x1, bottom, text)
    for row, row_text in zip(table.rows, texts, strict=False):
        for bbox, txt in zip(row.cells, row_text, strict=False):
            if bbox is not None:
                cells.append((*bbox, _squeeze((txt or "").replace("\n", " "))))
    return cells_grid(cells)


def cells_grid(cells: list[tuple]) -> tuple[Grid, list[str]]:
    """Cells (x0, top, x1, bottom, text) as a Grid (a merged cell repeated into every position
    it covers) and as text rows (each cell once)."""
    if not cells:
        return [], []
    xs = sorted({round(c[0], 1) for c in cells} | {round(c[2], 1) for c in cells})
    ys = sorted({round(c[1], 1) for c in cells} | {round(c[3], 1) for c in cells})
    col = {x: i for i, x in enumerate(xs)}
    row_ = {y: i for i, y in enumerate(ys)}
    grid: Grid = [["" for _ in xs[:-1]] for _ in ys[:-1]]
    first: dict[tuple[int, int], bool] = {}
    for x0, top, x1, bottom, txt in cells:
        c0, c1 = col[round(x0, 1)], col[round(x1, 1)]
        r0, r1 = row_[round(top, 1)], row_[round(bottom, 1)]
        for r in range(r0, r1):
            for c in range(c0, c1):
                grid[r][c] = txt
                first[(r, c)] = r == r0 and c == c0
    rows = []
    for r, cells_r in enumerate(grid):
        shown = [v for c, v in enumerate(cells_r) if v and first.get((r, c))]
        if shown:
            rows.append(" | ".join(shown))
    return grid, rows


def _edge_lines(lines: list[_Line], page_h: float) -> list[int]:
    """Indexes of the lines that can be running headers or footers: the outermost two at the
    top and at the bottom of the page, inside its outer tenth."""
    if not lines:
        return []
    order = sorted(range(len(lines)), key=lambda k: -lines[k].top)
    cands = order[:2] + order[-2:]
    return [
        k
        for k in dict.fromkeys(cands)
        if lines[k].bottom > page_h * 0.90 or lines[k].top < page_h * 0.10
    ]


def parse_pdf(data: bytes) -> ParsedDoc:
    """The PDF's text. Pages without a text layer are listed in the result's `layout.scanned`
    (and left out of its text) for OCR to read: OCR runs apart from parsing (corpus/ocr.py)."""
    layout = read_layout(data)
    doc = assemble(layout)
    if layout.scanned:
        doc.layout = layout
    return doc


def read_layout(data: bytes) -> PdfLayout:
    pdf = _open(data)
    try:
        return _layout(pdf, data)
    finally:
        pdf.close()


def _is_scanned(page, chars: int) -> bool:
    """A page with (almost) no text that shows an image over a quarter of its area or more."""
    if chars >= MIN_TEXT_CHARS:
        return False
    area = page.get_width() * page.get_height()
    for obj in page.get_objects():
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            if (right - left) * (top - bottom) >= area / 4:
                return True
    return False


def _layout(pdf: pdfium.PdfDocument, data: bytes) -> PdfLayout:
    n = len(pdf)
    if n == 0:
        raise PdfError("damaged or truncated PDF (no pages)")
    if n > MAX_PAGES:
        raise PdfError(f"too many pages ({n:,} > {MAX_PAGES:,}); not a report")
    pages: list[list[_Line]] = []
    heights: dict[int, float] = {}
    ruled: list[int] = []
    tables: dict[int, list] = {}
    scanned: list[int] = []
    for i in range(n):
        page = pdf[i]
        heights[i] = page.get_height()
        lines, chars = _page_lines(page.get_textpage())
        if _is_scanned(page, sum(len(_squeeze(ln.text)) for ln in lines)):
            scanned.append(i)
            lines = []
        pages.append(lines)
        paths = sum(1 for o in page.get_objects() if o.type == pdfium_c.FPDF_PAGEOBJ_PATH)
        if paths >= TABLE_PATHS and i not in scanned:
            edges = _edges(page, heights[i]) if chars else None
            if edges is None:
                ruled.append(i)
            else:
                tables[i] = _fast_tables(edges, chars, heights[i])
    if not scanned and sum(len(_squeeze(ln.text)) for p in pages for ln in p) < MIN_TEXT_CHARS * n:
        raise PdfError("no text layer (scanned PDF)")
    tables.update(_tables(data, ruled, heights))
    title = (pdf.get_metadata_dict().get("Title") or "").strip()
    return PdfLayout(pages, heights, tables, scanned, title)


def assemble(layout: PdfLayout) -> ParsedDoc:
    """The pages joined into one text in reading order: running headers, footers and page
    numbers dropped, lines the page width broke rejoined, tables kept as tables."""
    pages, heights, tables = layout.pages, layout.heights, layout.tables
    n = len(pages)

    # Running headers and footers: a line near the top or bottom of a page that recurs on
    # other pages (the digits aside, so "第3页" matches "第4页"), and page numbers anywhere there.
    def running_key(text: str) -> str:  # "第3页" and "第4页" are one footer; long lines as they are
        return re.sub(r"\d+", "#", text) if len(text) <= 30 else text

    edge = Counter()
    edges_of = {i: set(_edge_lines(lines, heights[i])) for i, lines in enumerate(pages)}
    for i, lines in enumerate(pages):
        for k in edges_of[i]:
            edge[running_key(_squeeze(lines[k].text))] += 1

    blocks: list[tuple[str, object]] = []  # ("line", _Line) or ("table", (grid, rows))
    grids: list[Grid] = []
    for i, lines in enumerate(pages):
        page_tables = sorted(tables.get(i, []), key=lambda t: -t[0][3])
        placed = [False] * len(page_tables)
        for k, ln in enumerate(lines):
            text = _squeeze(ln.text)
            if not text:
                continue
            if k in edges_of[i] and (
                _PAGE_NO.match(text) or (n > 1 and edge[running_key(text)] > 1)
            ):
                continue
            mid = (ln.bottom + ln.top) / 2
            inside = None
            for k, (bbox, _g, _r) in enumerate(page_tables):
                if (
                    bbox[0] - 2 <= (ln.left + ln.right) / 2 <= bbox[2] + 2
                    and bbox[1] <= mid <= bbox[3]
                ):
                    inside = k
                    break
            for k, (bbox, grid, rows) in enumerate(page_tables):
                if not placed[k] and (inside == k or bbox[3] > ln.top):
                    placed[k] = True
                    blocks.append(("table", (grid, rows)))
            if inside is None:
                blocks.append(("line", _Line(text, ln.left, ln.right, ln.bottom, ln.top)))
        for k, (_bbox, grid, rows) in enumerate(page_tables):
            if not placed[k]:
                blocks.append(("table", (grid, rows)))

    out: list[str] = []
    right = max((ln.right for p in pages for ln in p), default=0)
    left = min((ln.left for p in pages for ln in p if ln.right), default=0)
    prev_table: Grid | None = None
    open_para = False
    for kind, item in blocks:
        if kind == "table":
            grid, rows = item
            # A table that goes on over a page break is one table (same columns, nothing between).
            if prev_table is not None and len(prev_table[0]) == len(grid[0]):
                prev_table.extend(grid)
            else:
                grids.append(grid)
                prev_table = grid
            out.extend(rows)
            open_para = False
            continue
        prev_table = None
        ln = item
        height = max(ln.top - ln.bottom, 1.0)
        starts_indented = ln.left > left + height * 1.2
        if open_para and out and not starts_indented:
            # the page width broke this line, not the author (a space only between Latin words)
            gap = " " if re.search(r"[A-Za-z0-9]$", out[-1]) and ln.text[:1].isascii() else ""
            out[-1] += gap + ln.text
        else:
            out.append(ln.text)
        # A line that reaches the right margin goes on below, unless the next one is indented.
        open_para = ln.right > 0 and ln.right >= right - height * 2
    return ParsedDoc(lines=out, tables=grids, weak_title=layout.title)
