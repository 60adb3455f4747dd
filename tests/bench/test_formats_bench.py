"""PDF and DOCX ingest speed (pages/s, MB/s), and the measurement behind the PDF library
choice: pypdfium2 alone, pdfplumber alone, and gongkai's mix, on the real 6-page report with the
national tables (../shared/realreports/03-huaian-shi-2024.pdf). Appends to docs/benchmarks.md."""

from __future__ import annotations

import io
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

REAL_PDF = ROOT.parent / "shared" / "realreports" / "03-huaian-shi-2024.pdf"


def _best(fn, n: int = 5) -> float:
    fn()  # warm: imports, font caches
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def test_formats_bench():
    if not REAL_PDF.exists():
        pytest.skip(f"real PDF not found at {REAL_PDF}")
    import pdfplumber
    import pypdfium2 as pdfium
    from formats_fixtures import has_cjk_font, make_docx, make_pdf

    from corpus.reader import build_report, parse_document

    data = REAL_PDF.read_bytes()
    pages = len(pdfium.PdfDocument(data))

    def pdfium_text():
        pdf = pdfium.PdfDocument(data)
        [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]

    def plumber_text_tables():
        with pdfplumber.open(io.BytesIO(data)) as pl:
            for p in pl.pages:
                p.extract_text()
                p.extract_tables()

    def gongkai_pdf():
        build_report(parse_document(data, "pdf"), "pdf", "k", "x.pdf", "h", {})

    rows = [
        ("pypdfium2: text only", _best(pdfium_text)),
        ("pdfplumber: text + tables", _best(plumber_text_tables, 2)),
        ("gongkai PDF ingest (parse + report)", _best(gongkai_pdf)),
    ]
    docx = make_docx()
    t_docx = _best(lambda: build_report(parse_document(docx, "docx"), "docx", "k", "x", "h", {}))
    lines = [
        f"\n## Formats {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"({platform.processor() or platform.machine()}, Python {platform.python_version()})\n",
        f"Real PDF: {REAL_PDF.name}, {pages} pages, {len(data) / 1e6:.2f} MB, best of 5\n",
        "| what | seconds | pages/s | MB/s |",
        "|---|---|---|---|",
    ]
    for name, sec in rows:
        lines.append(f"| {name} | {sec:.3f} | {pages / sec:.0f} | {len(data) / 1e6 / sec:.2f} |")
    lines.append(
        f"| gongkai DOCX ingest ({len(docx) / 1e3:.0f} kB, one table) | {t_docx:.3f} | – | "
        f"{len(docx) / 1e6 / t_docx:.2f} |"
    )
    if has_cjk_font():
        made = make_pdf(table=False, pad_pages=5)
        t_made = _best(lambda: build_report(parse_document(made, "pdf"), "pdf", "k", "x", "h", {}))
        n = len(pdfium.PdfDocument(made))
        lines.append(
            f"| gongkai text-only PDF ({n} pages, made by fpdf2) | {t_made:.3f} | {n / t_made:.0f} | {len(made) / 1e6 / t_made:.2f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    with open(ROOT / "docs" / "benchmarks.md", "a", encoding="utf-8") as f:
        f.write(text)
    assert rows[2][1] < 0.5, "a six-page report PDF should cost well under half a second"
