"""The reuse benchmark (issue 24): `reuse` over a province-sized archive, at 10× and 100× a unit
of 100 reports (10 agencies × 10 years), so 1,000 and 10,000 reports. Not a timed unit test:
it measures, prints a markdown table and appends it to docs/benchmarks.md (`make bench`).

The archive is written here, deterministically, in the genre's shape: each agency's report
of a year is its previous year's with most sentences kept (some verbatim, some with their
figures changed), some replaced, and a few sentences of national boilerplate every agency
shares. The sentences come from the real work reports (../shared/realdata), so the text,
its sentence lengths and jieba's work at ingest are real. Measured: the ingest (which now
computes and stores every report's sentence fingerprints), then `cli.py reuse --json` in a
fresh process (open the index, read the fingerprints, pair every report with its
predecessor, find each one's closest other agency), and one `diff` in a fresh process.
GONGKAI_BENCH_REUSE_SCALES (default "10,100") picks the scales."""

from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import corpora  # noqa: E402
import harness  # noqa: E402

UNIT_AGENCIES = 10
YEARS = list(range(2014, 2024))
SENTENCES = 40
HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、存在的主要问题及改进情况",
]


def _say(msg: str) -> None:
    print(f"[reuse bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _pool() -> list[str]:
    out = []
    for row in corpora.real_rows():
        for s in re.split(r"[。！？；\n]", row.get("content", "")):
            s = s.strip()
            if 12 <= len(s) <= 120:
                out.append(s)
    return out


def _refigure(s: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group(0)) + rng.randint(1, 9)), s)


def write_archive(scale: int, out: Path) -> tuple[Path, int]:
    """The archive as one JSONL file (reused when already written), and its report count."""
    path = out / f"reuse_x{scale}.jsonl"
    n = scale * UNIT_AGENCIES * len(YEARS)
    if path.exists() and path.stat().st_size:
        return path, n
    rng = random.Random(24)
    pool = _pool()
    figures = [s for s in pool if re.search(r"\d", s)]
    boiler = rng.sample(pool, 6)
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as f:
        for a in range(scale * UNIT_AGENCIES):
            agency = f"第{a + 1}县人民政府"
            body = rng.sample(pool, SENTENCES - 10) + rng.sample(figures, 10)
            for year in YEARS:
                if year != YEARS[0]:
                    nxt = []
                    for s in body:
                        roll = rng.random()
                        if roll < 0.2:
                            nxt.append(rng.choice(pool))  # rewritten
                        elif roll < 0.4 and re.search(r"\d", s):
                            nxt.append(_refigure(s, rng))  # the same but for its figures
                        else:
                            nxt.append(s)  # kept word for word
                    body = nxt
                lines = [f"{agency}{year}年政府信息公开工作年度报告"]
                per = len(body) // len(HEADINGS)
                for i, h in enumerate(HEADINGS):
                    lines.append(h)
                    part = body[i * per : (i + 1) * per]
                    lines.append("。".join(part + (boiler if i == 0 else [])) + "。")
                f.write(
                    json.dumps(
                        {
                            "title": f"{agency}{year}年政府信息公开工作年度报告",
                            "agency": agency,
                            "year": str(year),
                            "content": "\n".join(lines),
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
    tmp.rename(path)
    return path, n


def _timed(*args: str) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds, the run) of `cli.py ARGS` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, cwd=ROOT
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert p.returncode == 0, p.stderr[-2000:]
    return wall, cpu, p


def test_reuse_bench():
    corpora.need_realdata()
    raw = os.environ.get("GONGKAI_BENCH_REUSE_SCALES", "10,100")
    scales = sorted({int(s) for s in raw.replace(" ", "").split(",") if s})
    work = Path(
        tempfile.mkdtemp(prefix="gongkai-reuse-", dir=os.environ.get("GONGKAI_BENCH_TMP") or None)
    )
    rows = []
    for scale in scales:
        path, n = write_archive(scale, work)
        ix = work / f"ix-x{scale}"
        _say(f"{scale}×: ingest {n:,} reports ({path.stat().st_size / 1e6:.1f} MB) …")
        ingest_s, ingest_cpu, _ = _timed("ingest", str(path), "--index", str(ix))
        _say(f"{scale}×: reuse …")
        reuse_s, reuse_cpu, p = _timed("reuse", "--json", "--index", str(ix))
        res = json.loads(p.stdout)
        # what the archive was built to hold: every report but an agency's first has its
        # predecessor, and the shares are the planted ones (most kept, some but figures)
        agencies = scale * UNIT_AGENCIES
        assert (res["reports"], res["pairs"]) == (n, n - agencies)
        verbatim = sum(r["reuse"]["verbatim"] for r in res["rows"]) / len(res["rows"])
        figures = sum(r["reuse"]["same_but_figures"] for r in res["rows"]) / len(res["rows"])
        assert 0.4 < verbatim < 0.9 and 0.02 < figures < 0.4, (verbatim, figures)
        row = res["rows"][len(res["rows"]) // 2]
        diff_s, _, d = _timed(
            "diff", row["previous_report_id"], row["report_id"], "--json", "--index", str(ix)
        )
        assert json.loads(d.stdout)["reuse"] == row["reuse"]
        rows.append(
            (
                scale,
                n,
                path.stat().st_size,
                ingest_s,
                ingest_cpu,
                reuse_s,
                reuse_cpu,
                diff_s,
                verbatim,
                figures,
            )
        )
        _say(f"{scale}×: ingest {ingest_s:.0f} s, reuse {reuse_s:.1f} s, diff {diff_s:.1f} s")
    table = [
        f"## Reuse (`reuse`, `diff`) — {harness.now()}",
        "",
        f"{harness.machine()}; load {harness.loadavg()}. An archive of N agencies × 10 years "
        "written by tests/bench/test_reuse_bench.py from the real work reports' sentences; "
        "`reuse --json` and one `diff --json` each in a fresh process (open the index, read "
        "the stored fingerprints, answer).",
        "",
        "| scale | reports | JSONL | ingest (wall / CPU) | reuse, whole archive (wall / CPU) "
        "| one diff | mean verbatim / but figures |",
        "|---|---|---|---|---|---|---|",
    ]
    for scale, n, size, i_s, i_c, r_s, r_c, d_s, v, f in rows:
        table.append(
            f"| {scale}× | {n:,} | {size / 1e6:.1f} MB | {i_s:.0f} s / {i_c:.0f} s "
            f"| {r_s:.1f} s / {r_c:.1f} s | {d_s:.1f} s | {v:.1%} / {f:.1%} |"
        )
    text = "\n".join(table)
    print("\n" + text)
    harness.append_doc(text)
