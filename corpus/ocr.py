"""Reading pages that have no text layer — scanned PDF pages and image files — through OCR.

The engine is RapidOCR (PaddleOCR's PP-OCRv4 models on ONNX Runtime; the models ship inside the
`rapidocr-onnxruntime` wheel, nothing is downloaded). It was chosen by measuring it against
Tesseract chi_sim on scanned copies of real reports (README, "OCR"). A page is
  1. straightened (the skew that maximises the contrast of its row profile),
  2. searched for ruled tables (long horizontal and vertical strokes, found by morphological
     opening), whose ruling lines are then erased,
  3. read once by the engine (text boxes with their text),
  4. split: boxes inside a table go to its cells (a box that crosses a cell border is read again
     cell by cell), the rest are grouped into lines in reading order (top to bottom, left to
     right within a line).
Lines and tables come back in PDF coordinates, so corpus/pdf.py joins them like a text PDF's.

OCR is not part of parsing: parsing names the pages that need it (PdfLayout.scanned) and
`OcrReader.complete` reads them in a pool of page workers, each page under a time limit, the
results cached by the file's bytes and the engine's version (a re-ingest reads no page twice)."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from corpus.limits import MAX_IMAGE_SIDE, OCR_DPI, OCR_PAGE_SECONDS, OCR_WORKERS
from corpus.model import ParsedDoc
from corpus.pdf import Line, PdfLayout, assemble, cells_grid

# -- tunables --------------------------------------------------------------------------------
OCR_VERSION = "1"  # bump when the page reading changes, so cached OCR text is read again
INSTALL_HINT = "install OCR with `pip install rapidocr-onnxruntime` (or `make demo`)"
IMAGE_KINDS = ("png", "jpeg", "tiff")

_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5"})


def engine_id() -> str | None:
    """Name and version of the OCR engine, or None when none is installed (or OCR is turned
    off with GONGKAI_OCR=off)."""
    if os.environ.get("GONGKAI_OCR", "").lower() in ("off", "0", "no"):
        return None
    try:
        from importlib.metadata import version

        import rapidocr_onnxruntime  # noqa: F401
    except Exception:
        return None
    return f"rapidocr-onnxruntime {version('rapidocr-onnxruntime')}"


# -- one page --------------------------------------------------------------------------------

_ENGINE = None


def _engine():
    global _ENGINE
    if _ENGINE is None:
        from rapidocr_onnxruntime import RapidOCR

        # One thread per worker process: the pool gives the parallelism.
        _ENGINE = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False)
    return _ENGINE


def deskew(img: np.ndarray) -> np.ndarray:
    """The page turned straight: the angle (within ±3°) whose row profile of dark pixels is
    sharpest, i.e. where text lines and ruling lines run horizontally."""
    import cv2

    h, w = img.shape
    scale = 800 / max(h, w)
    small = cv2.resize(img, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    if ink.sum() < 50:
        return img
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rot = cv2.warpAffine(ink, m, (small.shape[1], small.shape[0]))
        return float(np.var(rot.sum(axis=1)))

    best = max(np.arange(-3, 3.01, 0.25), key=sharpness)
    best = max(np.arange(best - 0.25, best + 0.26, 0.05), key=sharpness)
    if abs(best) < 0.05:
        return img
    m = cv2.getRotationMatrix2D((w / 2, h / 2), float(best), 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def despeckle(img: np.ndarray) -> np.ndarray:
    """Specks (a scanner's dust, noise: dark blobs of a few pixels, smaller than any printed
    full stop at 200 dpi) made white; the engine reads them as stray stops and colons."""
    import cv2

    ink = (img < 150).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = np.zeros(n, bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] <= 6
    if not small.any():
        return img
    out = img.copy()
    out[small[labels]] = 255
    return out


def _clusters(values: np.ndarray, gap: int = 6) -> list[int]:
    """Centres of runs of nearby positions."""
    out: list[int] = []
    run: list[int] = []
    for v in values.tolist():
        if run and v - run[-1] > gap:
            out.append(int(sum(run) / len(run)))
            run = []
        run.append(v)
    if run:
        out.append(int(sum(run) / len(run)))
    return out


@dataclass
class _Table:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels
    cells: list[tuple[int, int, int, int]]  # each cell's x0, y0, x1, y1


def find_tables(img: np.ndarray) -> tuple[list[_Table], np.ndarray]:
    """Ruled tables on a page (their cells, merged cells as one) and the mask of the page's
    ruling lines."""
    import cv2

    h, w = img.shape
    ink = (img < 150).astype(np.uint8)
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(40, w // 20)), np.uint8))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((max(40, h // 60), 1), np.uint8))
    # close small breaks (JPEG, thin lines)
    horiz = cv2.dilate(horiz, np.ones((3, 5), np.uint8))
    vert = cv2.dilate(vert, np.ones((5, 3), np.uint8))
    lines = horiz | vert
    tables: list[_Table] = []
    n, _labels, boxes, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    for k in range(1, n):
        x, y, bw, bh, _area = boxes[k]
        if bw < w / 4 or bh < 40:
            continue
        hs = horiz[y : y + bh, x : x + bw]
        vs = vert[y : y + bh, x : x + bw]
        ys = _clusters(np.nonzero(hs.sum(axis=1) > bw * 0.3)[0]) if bh else []
        xs = _clusters(np.nonzero(vs.sum(axis=0) > 30)[0]) if bw else []
        if len(ys) < 2 or len(xs) < 2:
            continue
        # the frame: the outermost rules bound the table
        cells = _cells(hs, vs, ys, xs)
        if len(cells) < 2:
            continue
        tables.append(
            _Table((x, y, x + bw, y + bh), [(x + a, y + b, x + c, y + d) for a, b, c, d in cells])
        )
    return tables, lines


def _cells(hs: np.ndarray, vs: np.ndarray, ys: list[int], xs: list[int]) -> list[tuple]:
    """Grid units between neighbouring rules, joined where the rule between them is missing
    (a merged cell)."""
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def ruled(strip: np.ndarray) -> bool:
        return strip.size > 0 and float(strip.max(axis=0 if strip.shape[0] > 1 else 1).mean()) > 0

    for r in range(rows):
        for c in range(cols):
            y0, y1 = ys[r], ys[r + 1]
            x0, x1 = xs[c], xs[c + 1]
            if c + 1 < cols:  # the rule at xs[c+1] between rows r
                x = xs[c + 1]
                strip = vs[y0 + 3 : y1 - 2, max(0, x - 4) : x + 5]
                if strip.size == 0 or strip.max(axis=1).mean() < 0.6:
                    parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows:
                y = ys[r + 1]
                strip = hs[max(0, y - 4) : y + 5, x0 + 3 : x1 - 2]
                if strip.size == 0 or strip.max(axis=0).mean() < 0.6:
                    parent[find((r + 1) * cols + c)] = find(r * cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(find(r * cols + c), []).append((r, c))
    out = []
    for units in groups.values():
        r0 = min(u[0] for u in units)
        r1 = max(u[0] for u in units) + 1
        c0 = min(u[1] for u in units)
        c1 = max(u[1] for u in units) + 1
        out.append((xs[c0], ys[r0], xs[c1], ys[r1]))
    return out


def _join(texts: list[str]) -> str:
    out = ""
    for t in texts:
        t = t.strip()
        if out and re.search(r"[A-Za-z0-9]$", out) and re.match(r"[A-Za-z0-9]", t):
            out += " "
        out += t
    return out


def _group_lines(boxes: list[tuple]) -> list[tuple]:
    """Text boxes (x0, y0, x1, y1, text) grouped into lines: a box joins a line when most of
    its height overlaps the line's; lines top to bottom, boxes left to right."""
    lines: list[list] = []  # [y0, y1, [boxes]]
    for b in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        x0, y0, x1, y1, _t = b
        for ln in lines:
            overlap = min(ln[1], y1) - max(ln[0], y0)
            if overlap > 0.5 * min(ln[1] - ln[0], y1 - y0):
                ln[2].append(b)
                ln[0], ln[1] = min(ln[0], y0), max(ln[1], y1)
                break
        else:
            lines.append([y0, y1, [b]])
    out = []
    for y0, y1, bs in sorted(lines, key=lambda ln: ln[0]):
        bs.sort(key=lambda b: b[0])
        out.append(
            (min(b[0] for b in bs), y0, max(b[2] for b in bs), y1, _join([b[4] for b in bs]))
        )
    return out


def _digits(text: str) -> str:
    """A figure read with letter look-alikes (O for 0, l for 1) as digits; other text as is."""
    t = text.replace(" ", "").strip(".．·,，:：;'‘’`-_~—")  # specks read round a figure
    if t and re.fullmatch(r"[0-9ODolIS|,.，%]+", t) and sum(ch.isdigit() for ch in t) * 2 >= len(t):
        return t.translate(_DIGITS).replace("，", ",")
    return text


def _read_cell(eng, cell: np.ndarray) -> str:
    """A cell the page pass found empty but that holds ink (a lone short figure the text
    detector passed over): its ink's extent read on its own."""
    inner = cell[4:-4, 4:-4]
    if inner.size == 0:
        return ""
    ys, xs = np.nonzero(inner < 150)
    if len(ys) < 12:
        return ""
    y0, y1 = max(0, ys.min() - 6), ys.max() + 7
    x0, x1 = max(0, xs.min() - 6), xs.max() + 7
    crop = inner[y0:y1, x0:x1]
    if crop.shape[0] < 8:
        return ""
    got, _ = eng(np.dstack([crop] * 3), use_det=False)
    return "".join(g[0] for g in got or [] if g and g[0]).strip()


# Stops and colons the engine sees in the gaps of large, spaced type ("2024.年…年度：报告").
_DOUBT = re.compile(r"[.．·:：]")
_WORDS = re.compile(r"[^\u3400-\u9fff0-9A-Za-z]+")
_STRAY_STOP = re.compile(r"(?<=[0-9])[.．·](?=[\u3400-\u9fff])")  # "2024.年": never a decimal


def _reread(eng, img: np.ndarray, box: tuple, text: str, score: float) -> str:
    """A doubtful line read again from its own crop, with a margin, at the recogniser's
    height; the better-scored reading wins."""
    import cv2

    x0, y0, x1, y1 = (int(v) for v in box)
    crop = img[max(0, y0 - 4) : y1 + 5, max(0, x0 - 4) : x1 + 5]
    if crop.shape[0] < 8 or crop.shape[1] < 8:
        return text
    f = 48 / crop.shape[0]
    crop = cv2.resize(crop, (max(8, int(crop.shape[1] * f)), 48), interpolation=cv2.INTER_AREA)
    crop = cv2.copyMakeBorder(crop, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255)
    got, _ = eng(np.dstack([crop] * 3), use_det=False)
    if got and got[0] and _WORDS.sub("", got[0][0]) == _WORDS.sub("", text):
        again = got[0][0]
        if got[0][1] > score or len(_DOUBT.findall(again)) < len(_DOUBT.findall(text)):
            text = again  # the same words, the stops and colons only in one reading: gaps
    return _STRAY_STOP.sub("", text)


def read_page(img: np.ndarray) -> dict:
    """One page image (grey, uint8) → {"lines": [[text, x0, y0, x1, y1]], "tables":
    [[box, cells]], "size": [w, h]} in pixels, cells as [x0, y0, x1, y1, text]."""
    eng = _engine()
    img = despeckle(deskew(img))
    tables, rules = find_tables(img)
    clean = img.copy()
    for tb in tables:  # ruling lines erased (inside tables only: a bold title has long strokes)
        x0, y0, x1, y1 = tb.box
        region = clean[y0:y1, x0:x1]
        region[rules[y0:y1, x0:x1] > 0] = 255
    result, _ = eng(np.dstack([clean] * 3))
    boxes = []
    for quad, text, score in result or []:
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        box = (min(xs), min(ys), max(xs), max(ys))
        if score < 0.95 or _DOUBT.search(text):
            text = _reread(eng, clean, box, text, score)
        boxes.append((*box, text))
    cell_texts: list[dict[int, list]] = [{} for _ in tables]
    prose = []
    for b in boxes:
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        t = next(
            (
                k
                for k, tb in enumerate(tables)
                if tb.box[0] <= cx <= tb.box[2] and tb.box[1] <= cy <= tb.box[3]
            ),
            None,
        )
        if t is None:
            prose.append(b)
            continue
        hit = [
            i
            for i, (x0, y0, x1, y1) in enumerate(tables[t].cells)
            if min(x1, b[2]) - max(x0, b[0]) > 4 and y0 <= cy <= y1
        ]
        if len(hit) == 1:
            cell_texts[t].setdefault(hit[0], []).append(b)
            continue
        for i in hit:  # the box crosses a cell border: read each cell's part on its own
            x0, y0, x1, y1 = tables[t].cells[i]
            a, c = int(max(x0 + 3, b[0])), int(min(x1 - 3, b[2]))
            crop = clean[int(b[1]) : int(b[3]) + 1, a : c + 1]
            if crop.size == 0 or (crop < 150).sum() < 10:
                continue
            got, _ = eng(np.dstack([crop] * 3), use_det=False)
            text = "".join(g[0] for g in got or [] if g and g[0])
            if text.strip():
                cell_texts[t].setdefault(i, []).append((a, b[1], c, b[3], text))
    out_tables = []
    for k, tb in enumerate(tables):
        cells = []
        for i, (x0, y0, x1, y1) in enumerate(tb.cells):
            lines = _group_lines(cell_texts[k].get(i, []))
            text = "".join(ln[4] for ln in lines) or _read_cell(eng, clean[y0:y1, x0:x1])
            cells.append([int(x0), int(y0), int(x1), int(y1), _digits(text)])
        out_tables.append([[int(v) for v in tb.box], cells])
    return {
        "lines": [
            [t, float(x0), float(y0), float(x1), float(y1)]
            for x0, y0, x1, y1, t in _group_lines(prose)
        ],
        "tables": out_tables,
        "size": [int(img.shape[1]), int(img.shape[0])],
    }


def _to_pdf(page: dict, dpi: int) -> tuple[list[Line], list, float]:
    """A page read in pixels as corpus/pdf.py's lines and tables (points, y up)."""
    s = 72 / dpi
    w, h = page["size"]
    height = h * s
    lines = [
        Line(t, x0 * s, x1 * s, (h - y1) * s, (h - y0) * s) for t, x0, y0, x1, y1 in page["lines"]
    ]
    tables = []
    for (x0, y0, x1, y1), cells in page["tables"]:
        grid, rows = cells_grid([(a, b, c, d, _digits(t)) for a, b, c, d, t in cells])
        if len(grid) < 2 or max(len(r) for r in grid) < 2:
            # a frame round a paragraph, not a table: its text is prose
            for a, b, c, d, t in sorted(cells, key=lambda c: (c[1], c[0])):
                if t:
                    lines.append(Line(t, a * s, c * s, (h - d) * s, (h - b) * s))
            continue
        tables.append(((x0 * s, (h - y1) * s, x1 * s, (h - y0) * s), grid, rows))
    lines.sort(key=lambda ln: (-ln.top, ln.left))
    return lines, tables, height


# -- page images -----------------------------------------------------------------------------


def _fit(img: np.ndarray) -> np.ndarray:
    h, w = img.shape
    if max(h, w) <= MAX_IMAGE_SIDE:
        return img
    import cv2

    f = MAX_IMAGE_SIDE / max(h, w)
    return cv2.resize(img, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)


def pdf_page_image(data: bytes, index: int, dpi: int = OCR_DPI) -> np.ndarray:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        bitmap = pdf[index].render(scale=dpi / 72, grayscale=True)
        return _fit(np.array(bitmap.to_pil().convert("L")))
    finally:
        pdf.close()


def image_pages(data: bytes) -> int:
    """How many pages (frames) an image file holds; raises ValueError when it cannot be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            return getattr(im, "n_frames", 1)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise ValueError(f"unreadable image ({e})") from None


def image_page(data: bytes, index: int) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        im.seek(index)
        return _fit(np.array(im.convert("L")))


def image_doc(data: bytes) -> ParsedDoc:
    """An image file as a document whose every page (a TIFF's frames) awaits OCR."""
    n = image_pages(data)
    layout = PdfLayout(pages=[[] for _ in range(n)], heights={}, scanned=list(range(n)))
    return ParsedDoc(lines=[], layout=layout)


def _work(job: tuple[str, bytes, int, int]) -> dict:
    """A worker's job: one page of a file read through OCR (or the reason it cannot be)."""
    kind, data, index, dpi = job
    try:
        img = pdf_page_image(data, index, dpi) if kind == "pdf" else image_page(data, index)
        page = read_page(img)
        page["dpi"] = dpi if kind == "pdf" else 72
        return page
    except Exception as e:  # a page that cannot be read is named; the others are kept
        return {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"}


# -- the reader: pool, cache, progress -------------------------------------------------------


@dataclass
class OcrCounts:
    pages: int = 0  # pages read by the engine
    cached: int = 0  # pages taken from the cache
    failed: int = 0
    seconds: float = 0.0


@dataclass
class OcrReader:
    """Reads the scanned pages of documents, `workers` pages at a time, each under
    `page_seconds`. With `cache_dir`, each page's result is kept under the hash of the file's
    bytes and the engine's version, so the same file is never read twice."""

    cache_dir: str | None = None
    workers: int = 0
    page_seconds: float = OCR_PAGE_SECONDS
    on_page: Callable[[int, int], None] | None = None  # (pages done, pages of this file)
    counts: OcrCounts = field(default_factory=OcrCounts)
    _pool: object = None

    def __post_init__(self) -> None:
        if not self.workers:
            self.workers = int(os.environ.get("GONGKAI_OCR_WORKERS") or OCR_WORKERS)

    # pool ------------------------------------------------------------------------------------
    def _get_pool(self):
        if self._pool is None:
            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> OcrReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # cache -----------------------------------------------------------------------------------
    def _key(self, data: bytes, engine: str) -> str:
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{engine}\0{OCR_VERSION}\0{OCR_DPI}\0".encode())
        h.update(data)
        return h.hexdigest()

    def _cache_path(self, key: str, page: int) -> str | None:
        if not self.cache_dir:
            return None
        return os.path.join(self.cache_dir, key[:2], f"{key}-{page}.json")

    def _cached(self, key: str, page: int) -> dict | None:
        path = self._cache_path(key, page)
        if not path:
            return None
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def _keep(self, key: str, page: int, result: dict) -> None:
        path = self._cache_path(key, page)
        if not path:
            return
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(result, f, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written costs time, never the report

    # reading ---------------------------------------------------------------------------------
    def read_pages(self, data: bytes, kind: str, pages: list[int]) -> dict[int, dict]:
        """page index → the page read ({"lines", "tables", "size", "dpi"} or {"error"})."""
        engine = engine_id()
        assert engine is not None
        key = self._key(data, engine)
        out: dict[int, dict] = {}
        todo = []
        for i in pages:
            got = self._cached(key, i)
            if got is not None:
                out[i] = got
                self.counts.cached += 1
            else:
                todo.append(i)
        done = len(out)
        if self.on_page:
            self.on_page(done, len(pages))
        t0 = time.perf_counter()
        while todo:
            pool = self._get_pool()
            pending = [(i, pool.apply_async(_work, ((kind, data, i, OCR_DPI),))) for i in todo]
            todo = []
            for n, (i, res) in enumerate(pending):
                try:
                    page = res.get(timeout=self.page_seconds)
                except multiprocessing.TimeoutError:
                    # the stuck worker goes with its pool; the pages after it are read again
                    self.close()
                    out[i] = {"error": f"not read in {self.page_seconds:g} s"}
                    self.counts.failed += 1
                    todo = [j for j, _r in pending[n + 1 :]]
                    break
                out[i] = page
                if "error" in page:
                    self.counts.failed += 1
                else:
                    self.counts.pages += 1
                    self._keep(key, i, page)
                done += 1
                if self.on_page:
                    self.on_page(done, len(pages))
        self.counts.seconds += time.perf_counter() - t0
        return out

    def complete(self, doc: ParsedDoc, data: bytes, kind: str) -> ParsedDoc:
        """`doc` with its scanned pages read through OCR and joined into its text like a text
        PDF's pages; pages that cannot be read are named in `problems`."""
        layout = doc.layout
        if not isinstance(layout, PdfLayout) or not layout.scanned:
            return doc
        read = self.read_pages(data, kind, layout.scanned)
        pages = list(layout.pages)
        heights = dict(layout.heights)
        tables = dict(layout.tables)
        ocr_lines: list[str] = []
        problems: list[str] = []
        for i in layout.scanned:
            page = read[i]
            if "error" in page:
                problems.append(f"page {i + 1} could not be read through OCR ({page['error']})")
                pages[i], heights[i] = [], heights.get(i, 0.0)
                continue
            lines, page_tables, height = _to_pdf(page, page.get("dpi", OCR_DPI))
            pages[i], heights[i], tables[i] = lines, height, page_tables
            ocr_lines += [ln.text for ln in lines]
            ocr_lines += [row for _b, _g, rows in page_tables for row in rows]
        out = assemble(PdfLayout(pages, heights, tables, [], layout.title))
        out.ocr_lines = ocr_lines
        out.ocr = "all" if len(layout.scanned) == len(layout.pages) else "some"
        out.problems = problems
        return out


def mark_passages(passages: list, ocr_lines: list[str], all_ocr: bool) -> None:
    """Mark each passage whose text OCR read (all of them when every page was a scan)."""
    if not ocr_lines:
        return
    if all_ocr:
        for p in passages:
            p.ocr = True
        return
    grams = set()
    for ln in ocr_lines:
        s = re.sub(r"\s+", "", ln)
        grams.update(s[i : i + 4] for i in range(len(s) - 3))
    for p in passages:
        s = re.sub(r"\s+", "", p.text)
        quads = [s[i : i + 4] for i in range(len(s) - 3)] or [s]
        p.ocr = sum(q in grams for q in quads) * 2 >= len(quads)
