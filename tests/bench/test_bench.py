"""The benchmark (issue 4): gongkai vs. tantivy with the same recipe (issue 25), a naive
Whoosh+jieba index and SQLite FTS5, at
1×/10×/100× the real work-report corpus. Not a timed unit test: it measures, prints one
markdown report and appends it to docs/benchmarks.md. Run with `make bench`; see that file's
introduction (harness.INTRO) for what is measured and the GONGKAI_BENCH_* settings."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import corpora  # noqa: E402
import harness  # noqa: E402
from systems import QUERIES, SYSTEMS  # noqa: E402


def _say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _systems() -> list[str]:
    default = [
        s
        for s in SYSTEMS
        if (s != "cluster" or shutil.which("searchd"))
        and (s != "tantivy" or importlib.util.find_spec("tantivy"))
    ]
    raw = os.environ.get("GONGKAI_BENCH_SYSTEMS", ",".join(default))
    chosen = [s.strip() for s in raw.split(",") if s.strip()]
    unknown = set(chosen) - set(SYSTEMS)
    if unknown or not chosen:
        raise ValueError(f"GONGKAI_BENCH_SYSTEMS: use names from {SYSTEMS}, not {raw!r}")
    return [s for s in SYSTEMS if s in chosen]


def _run_scale(scale, corpus, work, cells, rate, *, systems, repeat, budget, timeout, keep) -> None:
    size = corpus.stat().st_size
    for system in systems:
        cell = harness.Cell(scale, system, size)
        cells.append(cell)
        if system != "gongkai" and budget and system in rate:
            est = size / 1e6 / rate[system]
            if est > budget:
                cell.note = (
                    f"skipped: ingest estimated at {est:,.0f} s or more (linear, from its "
                    f"{rate[system]:.2f} MB/s at the previous scale), over the {budget} s "
                    "baseline budget (GONGKAI_BENCH_BASELINE_BUDGET_S)"
                )
                _say(f"{scale}× {system}: {cell.note}")
                continue
        ixdir = work / f"ix-{system}-x{scale}"
        _say(f"{scale}× {system}: ingest {size / 1e6:.1f} MB …")
        cell.ingest = harness.run_child(["ingest", system, str(corpus), str(ixdir)], timeout)
        if not cell.ingest.ok:
            cell.note = f"ingest failed: {cell.ingest.error}"
            _say(f"{scale}× {system}: {cell.note}")
            continue
        cell.index_bytes = harness.dir_bytes(ixdir)
        secs = cell.ingest.out["seconds"]
        rate[system] = size / 1e6 / secs
        _say(
            f"{scale}× {system}: ingest {secs:.1f} s, {rate[system]:.2f} MB/s, index "
            f"{cell.index_bytes / 1e6:.1f} MB, peak {cell.ingest.peak_mib:.0f} MiB; queries …"
        )
        cell.query = harness.run_child(["query", system, str(ixdir), str(repeat)], timeout)
        if cell.query.ok:
            f = cell.figures()
            _say(f"{scale}× {system}: p50 {f['p50']:.1f} ms, p95 {f['p95']:.1f} ms")
        else:
            cell.note = f"queries failed: {cell.query.error}"
            _say(f"{scale}× {system}: {cell.note}")
        if not keep:
            shutil.rmtree(ixdir, ignore_errors=True)


def report(
    cells: list[harness.Cell], scales: list[int], settings: str, wall: float, machine: str
) -> str:
    measured = [c.scale for c in cells if c.measured and c.system == "gongkai"]
    per_query = max(measured) if measured else None
    parts = [
        f"## {harness.now()} — scales {', '.join(f'{s}×' for s in scales)}",
        "",
        f"Machine: {machine}",
        "",
        f"Settings: {settings}; whole run {wall / 60:.1f} min.",
        "",
        harness.main_table(cells),
        "",
        "Ratios, gongkai ÷ baseline (above 1: gongkai slower, bigger or hungrier):",
        "",
        harness.ratio_table(cells),
    ]
    if per_query:
        parts += [
            "",
            f"Per query at {per_query}× (median ms of the timed runs; matches: gongkai counts "
            "passages, the baselines paragraphs):",
            "",
            harness.query_table(cells, per_query),
        ]
    return "\n".join(parts) + "\n"


def test_benchmark():
    corpora.need_realdata()
    scales = corpora.scales()
    systems = _systems()
    repeat = harness.env_int("GONGKAI_BENCH_REPEAT", 3)
    budget = harness.env_int("GONGKAI_BENCH_BASELINE_BUDGET_S", 900)
    timeout = harness.env_int("GONGKAI_BENCH_TIMEOUT_S", 3600)
    keep = bool(os.environ.get("GONGKAI_BENCH_KEEP"))
    work = Path(
        tempfile.mkdtemp(prefix="gongkai-bench-", dir=os.environ.get("GONGKAI_BENCH_TMP") or None)
    )
    _say(f"scales {scales}, systems {systems}, {len(QUERIES)} queries × {repeat}, work dir {work}")
    t0 = time.perf_counter()
    load0 = harness.loadavg()
    machine = harness.machine()  # before the run: the code measured is the code at the start
    cells: list[harness.Cell] = []
    rate: dict[str, float] = {}
    try:
        for scale in scales:
            corpus = corpora.write_scaled(scale, work)
            _run_scale(
                scale,
                corpus,
                work,
                cells,
                rate,
                systems=systems,
                repeat=repeat,
                budget=budget,
                timeout=timeout,
                keep=keep,
            )
            if not keep:
                corpus.unlink()
            if scale != scales[-1]:  # the figures so far, in case a later scale is cut short
                _say(f"so far:\n{harness.main_table(cells)}")
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    settings = (
        f"{len(QUERIES)} queries × {repeat} timed runs after 1 warm-up pass, top 10 with "
        f"highlights and facets; baseline ingest budget "
        f"{f'{budget} s' if budget else 'none'}; "
        "load average "
        f"{load0} at the start, {harness.loadavg()} at the end (other work on the machine "
        "inflates wall times; CPU seconds are steadier)"
    )
    text = report(cells, scales, settings, time.perf_counter() - t0, machine)
    print("\n" + text, flush=True)
    written = harness.append_doc(text)
    if written:
        _say(f"appended to {written}")
    failed = [f"{c.scale}× {c.system}: {c.note}" for c in cells if "failed" in c.note]
    assert not failed, failed
    assert all(c.measured for c in cells if c.system == "gongkai")
