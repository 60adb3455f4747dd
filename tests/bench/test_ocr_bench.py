"""OCR speed and memory: a scanned copy of ../shared/realreports/03-huaian-shi-2024.pdf (6 pages,
made by tests/scans.py) ingested by the CLI with one OCR worker and with one per core: seconds a
page, pages/s, peak memory of the whole process tree (the page workers included); then the same
file into a new index with the OCR cache kept, which must read no page. Appends to
docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

REAL_PDF = ROOT.parent / "shared" / "realreports" / "03-huaian-shi-2024.pdf"


def _ingest(src: Path, index: Path, cache: Path, workers: int) -> tuple[dict, float, float]:
    """(the --json summary, wall seconds, peak MiB of the process tree)."""
    from harness import _pss_kb, _tree

    args = [sys.executable, str(ROOT / "cli.py"), "ingest", str(src), "--index", str(index)]
    args += ["--ocr-cache", str(cache), "--ocr-workers", str(workers), "--json"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(_pss_kb(p) for p in _tree(proc.pid)))
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    out = json.loads(proc.stdout.read())
    return out, wall, peak / 1024


def test_ocr_bench(tmp_path):
    from corpus.ocr import engine_id

    if not REAL_PDF.exists():
        pytest.skip(f"real PDF not found at {REAL_PDF}")
    if engine_id() is None:
        pytest.skip("no OCR engine installed")
    from scans import scanned_copy

    src = tmp_path / "scan.pdf"
    src.write_bytes(scanned_copy(REAL_PDF))
    pages = 6
    cores = os.cpu_count() or 1
    lines = [
        f"\n## OCR {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"({platform.processor() or platform.machine()}, {cores} cores, load {os.getloadavg()[0]:.1f}, "
        f"{engine_id()})\n",
        f"Scanned copy of {REAL_PDF.name}: {pages} pages, 200 dpi grey JPEG, no text layer; "
        "`ingest` by the CLI, fresh index and OCR cache\n",
        "| run | seconds | s/page | pages/s | peak MiB (tree) | pages OCR'd |",
        "|---|---|---|---|---|---|",
    ]
    for workers in dict.fromkeys((1, cores)):
        out, wall, peak = _ingest(src, tmp_path / f"ix{workers}", tmp_path / f"c{workers}", workers)
        assert out["ocr_pages"] == pages and out["ingested"] == 1
        lines.append(
            f"| {workers} worker{'s' if workers > 1 else ''} | {wall:.1f} | {wall / pages:.2f} | "
            f"{pages / wall:.2f} | {peak:.0f} | {out['ocr_pages']} |"
        )
    out, wall, peak = _ingest(src, tmp_path / "rebuilt", tmp_path / f"c{cores}", cores)
    assert out["ocr_pages"] == 0 and out["ocr_cached"] == pages
    lines.append(
        f"| new index, OCR cache kept | {wall:.1f} | – | – | {peak:.0f} | 0 ({pages} cached) |"
    )
    text = "\n".join(lines) + "\n"
    print(text)
    with open(ROOT / "docs" / "benchmarks.md", "a", encoding="utf-8") as f:
        f.write(text)
