"""Running and measuring the benchmark's child processes, and writing up the results."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SYSTEMS_PY = HERE / "systems.py"
DOC = ROOT / "docs" / "benchmarks.md"


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# -- child processes --------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(_children(p))
    return seen


def _pss_kb(pid: int) -> int:
    """Proportional set size (shared pages split between their sharers), else RSS."""
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}") as f:
                for line in f:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


@dataclass
class ChildRun:
    ok: bool
    out: dict = field(default_factory=dict)
    wall_s: float = 0.0
    cpu_s: float = 0.0  # user + sys of the child and everything it waited for
    peak_tree_mib: float = 0.0  # sampled sum of PSS over the child's process tree
    error: str = ""

    @property
    def peak_mib(self) -> float:
        """The larger of the sampled tree peak and the main process's exact high-water mark."""
        return max(self.peak_tree_mib, float(self.out.get("peak_rss_mb", 0.0)))


def run_child(args: list[str], timeout: float, interval: float = 0.1) -> ChildRun:
    """`python systems.py ARGS` in its own session, memory sampled across its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(SYSTEMS_PY), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(ROOT),
        start_new_session=True,
    )
    peak_kb = 0
    error = ""
    chunks: dict[str, str] = {}

    def drain(name, stream):
        chunks[name] = stream.read()

    readers = [
        threading.Thread(target=drain, args=("out", proc.stdout), daemon=True),
        threading.Thread(target=drain, args=("err", proc.stderr), daemon=True),
    ]
    for r in readers:
        r.start()
    while proc.poll() is None:
        peak_kb = max(peak_kb, sum(_pss_kb(p) for p in _tree(proc.pid)))
        if time.perf_counter() - t0 > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            error = f"timed out after {timeout:.0f} s"
            break
        time.sleep(interval)
    for r in readers:
        r.join()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out: dict = {}
    if not error and proc.returncode != 0:
        tail = (chunks.get("err") or "").strip().splitlines()[-3:]
        error = f"exit {proc.returncode}: " + " | ".join(tail)
    if not error:
        try:
            out = json.loads((chunks.get("out") or "").strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError) as e:
            error = f"unreadable child output ({e})"
    return ChildRun(not error, out, wall, cpu, peak_kb / 1024, error)


def dir_bytes(path: str | Path) -> int:
    total = 0
    for d, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(d, f))
            except OSError:
                pass
    return total


# -- the machine ------------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _ram_gib() -> float:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _git_state() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            [
                "git",
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                "index",
                "search",
                "corpus",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return "git: unknown"
    changed = sorted({ln[3:] for ln in dirty if ln.strip()})
    if not head:
        return "git: unknown"
    return f"git {head}" + (f" + uncommitted: {', '.join(changed)}" if changed else "")


def loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"nproc {cores} · {_cpu_model()} · {_ram_gib():.1f} GiB RAM · "
        f"Python {platform.python_version()} · Whoosh {_version('whoosh-reloaded')} · "
        f"jieba {_version('jieba')} · SQLite {sqlite3.sqlite_version} · "
        f"{platform.system()} {platform.release()} · {_git_state()}"
    )


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


# -- results ----------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile, q in [0, 100]."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


@dataclass
class Cell:
    """One system at one scale."""

    scale: int
    system: str
    input_bytes: int
    note: str = ""  # why there are no figures (skipped, failed)
    ingest: ChildRun | None = None
    query: ChildRun | None = None
    index_bytes: int = 0

    @property
    def measured(self) -> bool:
        return bool(self.ingest and self.ingest.ok and self.query and self.query.ok)

    def latencies(self) -> list[float]:
        return [t for ts in self.query.out["samples"].values() for t in ts]

    def figures(self) -> dict[str, float]:
        if not self.measured:
            return {}
        lat = self.latencies()
        ing = self.ingest.out
        return {
            "docs": ing["docs"],
            "ingest_s": ing["seconds"],
            "mb_s": self.input_bytes / 1e6 / ing["seconds"],
            "cpu_s": self.ingest.cpu_s,
            "index_mb": self.index_bytes / 1e6,
            "peak_mib": self.ingest.peak_mib,
            "open_ms": (self.query.out["open_s"] + next(iter(self.query.out["first"].values())))
            * 1000,
            "p50": percentile(lat, 50) * 1000,
            "p95": percentile(lat, 95) * 1000,
            "max": max(lat) * 1000,
            # the warm-up pass: each query's first run in the process (nothing of it cached)
            "p95_first": percentile(list(self.query.out["first"].values())[1:], 95) * 1000,
            "q_mib": self.query.peak_mib,
        }


def _fmt(x: float) -> str:
    if x != x:  # nan
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def main_table(cells: list[Cell]) -> str:
    head = (
        "| scale | system | input MB | docs | ingest s | ingest MB/s | ingest CPU s | index MB "
        "| ingest peak MiB | open+1st query ms | query p50 ms | query p95 ms | query max ms "
        "| first-pass p95 ms | query peak MiB |"
    )
    rows = [head, "|" + "---|" * 15]
    for c in cells:
        f = c.figures()
        if not f:
            rows.append(
                f"| {c.scale}× | {c.system} | {c.input_bytes / 1e6:.1f} | {c.note} |" + " |" * 11
            )
            continue
        rows.append(
            f"| {c.scale}× | {c.system} | {c.input_bytes / 1e6:.1f} | {f['docs']:,} "
            f"| {_fmt(f['ingest_s'])} | {_fmt(f['mb_s'])} | {_fmt(f['cpu_s'])} "
            f"| {_fmt(f['index_mb'])} | {_fmt(f['peak_mib'])} | {_fmt(f['open_ms'])} "
            f"| {_fmt(f['p50'])} | {_fmt(f['p95'])} | {_fmt(f['max'])} | {_fmt(f['p95_first'])} "
            f"| {_fmt(f['q_mib'])} |"
        )
    return "\n".join(rows)


def ratio_table(cells: list[Cell]) -> str:
    keys = [
        ("ingest_s", "ingest s"),
        ("cpu_s", "ingest CPU s"),
        ("index_mb", "index size"),
        ("peak_mib", "ingest peak mem"),
        ("p50", "query p50"),
        ("p95", "query p95"),
        ("p95_first", "first-pass p95"),
    ]
    rows = [
        "| scale | ratio | " + " | ".join(k[1] for k in keys) + " |",
        "|" + "---|" * (len(keys) + 2),
    ]
    by = {(c.scale, c.system): c for c in cells}
    for scale in sorted({c.scale for c in cells}):
        g = by.get((scale, "gongkai"))
        for other in ("tantivy", "naive", "fts5", "cluster"):
            o = by.get((scale, other))
            if not (g and o and g.measured and o.measured):
                why = (o.note if o and not o.measured else g.note if g else "") or "not measured"
                rows.append(f"| {scale}× | gongkai/{other} | {why} |" + " |" * (len(keys) - 1))
                continue
            fg, fo = g.figures(), o.figures()
            vals = [f"{fg[k] / fo[k]:.2f}×" if fo[k] else "—" for k, _ in keys]
            rows.append(f"| {scale}× | gongkai/{other} | " + " | ".join(vals) + " |")
    return "\n".join(rows)


def query_table(cells: list[Cell], scale: int) -> str:
    """Median latency and total matches per query, per system, at one scale."""
    cs = [c for c in cells if c.scale == scale and c.measured]
    if not cs:
        return ""
    labels = list(cs[0].query.out["samples"])
    head = "| query | " + " | ".join(f"{c.system} ms" for c in cs)
    head += " | " + " | ".join(f"{c.system} matches" for c in cs) + " |"
    rows = [head, "|" + "---|" * (1 + 2 * len(cs))]
    for label in labels:
        meds = [percentile(c.query.out["samples"][label], 50) * 1000 for c in cs]
        tots = [f"{c.query.out['totals'][label]:,}" for c in cs]
        rows.append(
            f"| {label} | " + " | ".join(_fmt(m) for m in meds) + " | " + " | ".join(tots) + " |"
        )
    return "\n".join(rows)


INTRO = """# Benchmarks

What `make bench` (`python -m pytest -q -s tests/bench`) measures, five systems over the same
corpora:

- **gongkai**: `index.writer.ingest([corpus], dir)`, then `search.engine.Engine(dir).search(q,
  limit=10)` (passages, jieba words + character bigrams, exact facets, highlights).
- **cluster**: the same gongkai ingest and search on two `searchd` nodes on this machine
  (`index.cluster.writer.ClusterStore` as ingest's store, `search.cluster.engine.ClusterEngine`;
  docs/scale.md). The nodes run inside the measured child, so their memory counts in its
  process tree and their start (about a second) in its ingest time; measured when `searchd`
  is installed, and skipped by the baseline budget like the baselines.
- **tantivy**: the engine a user would pick instead — tantivy (Rust, via `tantivy-py`) with
  gongkai's recipe: rjieba search-mode words (BM25-scored) and character bigrams of the
  squeezed text (a phrase query over the bigrams matches any substring, as gongkai's do), one
  document per paragraph, agency/year fast fields, exact facet counts by a terms aggregation
  over the matches, highlights by tantivy's `SnippetGenerator` (shown on the segmented text).
  In-process like gongkai (the Python loop feeding its writer counts in its ingest).
- **naive**: jieba's own `jieba.analyse.ChineseAnalyzer` in a plain Whoosh schema, one document
  per paragraph (non-empty line), facets by Whoosh `groupedby` (agency, year), highlights by
  `hit.highlights("content")`.
- **fts5**: SQLite FTS5 (`unicode61`) over space-joined `jieba.cut_for_search` tokens, one row
  per paragraph, agency/year columns, facets by `GROUP BY` over the matched rows, highlights by
  FTS5 `highlight()` (shown on the segmented text).

All three load `index/domain_dict.txt` into jieba. Corpora: the real State Council work reports
(`../shared/realdata/government_work_reports.jsonl`, 72 reports, 3.3 MB) at 1×, and N× copies
written as JSONL, each copy with its own title, agency (cycling through 60 agency names) and
shifted year, so facets have many values. Every scale gets an `agency` field (also 1×).

Figures, per system and scale: ingest wall seconds and MB/s of input JSONL; ingest CPU seconds
(user+sys of the ingest process and its workers); index size on disk; peak memory of the ingest
(its own child process: the larger of its VmHWM and the sampled PSS sum over its process tree);
query latency over a fixed mix of 20 queries (common and rare terms, two-word queries, quoted
phrases, year-range and agency filters), each returning the top 10 passages with highlights
and exact agency/year facet counts, run in a fresh process after one warm-up pass and repeated
3 times (p50/p95/max over all timed runs; "open+1st" is opening the index plus the first cold
query; "first-pass p95" is over the warm-up pass without that first query, each query's first run
in the process, so nothing a system keeps between queries helps it). Ratios are gongkai ÷ baseline: above 1 means gongkai is slower, bigger or hungrier.

Run it with `make bench`; with the default scales it takes about 12 minutes on the 2-core
machine, most of it the 100× ingests (gongkai about 3 min, FTS5 about 6 min). Settings
(environment variables):

- `GONGKAI_BENCH_SCALES` — scale levels, default `1,10,100` (100× is ~330 MB of JSONL);
- `GONGKAI_BENCH_SYSTEMS` — which systems, default `gongkai,tantivy,naive,fts5,cluster`
  (tantivy where `tantivy-py` is installed, cluster where `searchd` is); `gongkai,tantivy` is
  the quick comparison the speed work (issue 25) is measured by;
- `GONGKAI_BENCH_REPEAT` — timed repeats of each query, default 3;
- `GONGKAI_BENCH_BASELINE_BUDGET_S` — a baseline whose ingest at a scale is estimated
  (linearly, from its throughput at the previous scale) to take longer is skipped there, with
  the reason in the table; default 900, which today skips the naive baseline at 100× (about
  35 min); 0 for no limit. gongkai itself is always measured;
- `GONGKAI_BENCH_TIMEOUT_S` — hard limit for any one child process, default 3600;
- `GONGKAI_BENCH_TMP` — where corpora and indexes go (default: the system temp dir);
- `GONGKAI_BENCH_DOC` — the file results are appended to (default `docs/benchmarks.md`; empty
  to append nowhere).

Reading the tables: the baselines' "matches" count paragraphs, gongkai's passages (merged
paragraphs of up to 400 characters), so totals differ a little by construction. The naive
baseline finds nothing for quoted phrases: jieba's `ChineseTokenizer` records character
offsets as token positions, so Whoosh phrase queries never line up (its phrase latencies are
for an empty answer). Wall times depend on what else the machine is doing; the load average
is printed with each run, and CPU seconds are the steadier ingest figure.

Each run appends its tables under a dated heading below; earlier runs are kept.
"""


def append_doc(text: str, path: Path | None = None) -> Path | None:
    target = os.environ.get("GONGKAI_BENCH_DOC")
    if target is not None and not target.strip():
        return None
    p = Path(target) if target else (path or DOC)
    p.parent.mkdir(parents=True, exist_ok=True)
    new = not p.exists() or p.stat().st_size == 0
    with open(p, "a", encoding="utf-8") as f:
        if new:
            f.write(INTRO)
        f.write("\n" + text.rstrip() + "\n")
    return p
