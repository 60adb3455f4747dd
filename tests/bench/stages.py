"""Where each millisecond of a gongkai query and ingest goes, stage by stage (issue 25).

Not cProfile (its per-call cost inflates the Python-heavy stages): the functions that start
each stage are wrapped with a timer that keeps *exclusive* time (a stage's time less the
stages it calls), so the stages add up to the whole. Run from the checkout:

    python tests/bench/stages.py query INDEX_DIR [REPEAT]     # the bench's 20 queries, warm;
                                                              # REPEAT 0: their first run
    python tests/bench/stages.py ingest CORPUS.jsonl INDEX_DIR [PROCS]

Each prints a markdown table (stage, ms or s, share) and one JSON line. The ingest profile
runs with one writer process by default (PROCS=1), so every stage is seen in this process;
the bench's ingest uses two. Process start is measured apart (`-X importtime`-free: the wall
time of a child that imports the modules and exits)."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)


class Stages:
    """Exclusive wall time per stage, from wrapped functions (nested stages subtract)."""

    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[list] = []  # [stage, time spent in nested stages]

    def timed(self, stage: str, fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            frame = [stage, 0.0]
            self._stack.append(frame)
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                dt = time.perf_counter() - t
                self._stack.pop()
                self.total[stage] += dt - frame[1]
                self.calls[stage] += 1
                if self._stack:
                    self._stack[-1][1] += dt

        return wrapper

    def wrap(self, owner, name: str, stage: str) -> None:
        setattr(owner, name, self.timed(stage, getattr(owner, name)))

    def section(self, stage: str):
        """A context manager timing a block as `stage`."""
        stages = self

        class _Block:
            def __enter__(self):
                self.frame = [stage, 0.0]
                stages._stack.append(self.frame)
                self.t = time.perf_counter()

            def __exit__(self, *exc):
                dt = time.perf_counter() - self.t
                stages._stack.pop()
                stages.total[stage] += dt - self.frame[1]
                stages.calls[stage] += 1
                if stages._stack:
                    stages._stack[-1][1] += dt

        return _Block()

    def table(self, unit: str, scale: float, per: int = 1) -> str:
        whole = sum(self.total.values())
        rows = [f"| stage | {unit} | share | calls |", "|---|---|---|---|"]
        for stage, t in sorted(self.total.items(), key=lambda kv: -kv[1]):
            rows.append(
                f"| {stage} | {t * scale / per:.3f} | {100 * t / whole:.0f}% "
                f"| {self.calls[stage] / per:,.1f} |"
            )
        rows.append(f"| **whole** | {whole * scale / per:.3f} | 100% | |")
        return "\n".join(rows)


def start_seconds(code: str, runs: int = 3) -> float:
    """Best wall time of `python -c code` (a process that imports and exits)."""
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        best = min(best, time.perf_counter() - t)
    return best


def profile_query(index_dir: str, repeat: int = 3) -> dict:
    import whoosh.reading
    from systems import QUERIES

    import search.engine as engine
    import search.match as match
    import search.rank as rank
    import search.results as results

    st = Stages()
    st.wrap(engine, "search_args", "parse + plan")
    st.wrap(engine.Engine, "_refresh", "searcher (generation check)")
    st.wrap(engine.Engine, "match", "match: set operations, filters")
    st.wrap(match, "postings", "posting reads (file, zlib, pickle, numpy)")
    st.wrap(rank, "postings", "posting reads (file, zlib, pickle, numpy)")
    st.wrap(match, "rarest", "term statistics (doc frequency)")
    st.wrap(rank, "rarest", "term statistics (doc frequency)")
    st.wrap(match, "_confirm", "phrase confirm (squeezed text)")
    st.wrap(rank, "scores", "scoring (BM25 over the match set)")
    st.wrap(rank, "top", "top-k cut")
    st.wrap(engine, "facets", "facets")
    for cls in (whoosh.reading.SegmentReader, whoosh.reading.MultiReader):
        st.wrap(cls, "stored_fields", "stored fields (10 hits)")
    st.wrap(results, "spans", "highlight")
    st.wrap(results, "mark_spans", "highlight")
    st.wrap(engine.Engine, "_search", "result building")
    st.wrap(engine, "search_result", "result building")

    eng = engine.Engine(index_dir)

    def one(spec):
        year = spec.get("year")
        res = eng.search(
            spec["q"],
            agency=spec.get("agency"),
            year=f"{year[0]}-{year[1]}" if year else None,
            limit=10,
        )
        with st.section("JSON (to_dict + dumps)"):
            json.dumps(res.to_dict(), ensure_ascii=False)

    if repeat:  # warm-up, as the bench does, and the timed passes after it
        for spec in QUERIES:
            one(spec)
    else:  # REPEAT 0: the first pass itself (each query's first run), the index opened and
        # the segmenter loaded first (both once a process: timed apart)
        from index import segment

        t = time.perf_counter()
        eng.searcher()
        t_open = time.perf_counter() - t
        segment.segmenter()
        print(
            f"open (columns) {t_open * 1000:.0f} ms, segmenter load "
            f"{(time.perf_counter() - t - t_open) * 1000:.0f} ms, apart\n"
        )
    st.total.clear()
    st.calls.clear()
    wall = time.perf_counter()
    for _ in range(max(repeat, 1)):
        for spec in QUERIES:
            with st.section("other (engine.search glue)"):
                one(spec)
    wall = time.perf_counter() - wall
    n = max(repeat, 1) * len(QUERIES)
    print(f"{n} queries, {wall / n * 1000:.2f} ms a query on average (wrapped)\n")
    print(st.table("ms a query", 1000, n))
    return {"queries": n, "mean_ms": wall / n * 1000, "stages_s": dict(st.total)}


def profile_ingest(corpus: str, index_dir: str, procs: int = 1) -> dict:
    import corpus.reader as reader
    import index.segment as segment
    import index.whoosh_ext.bulk as bulk
    import index.writer as writer

    st = Stages()
    st.wrap(reader, "_jsonl_unit", "read (JSON line, hash)")
    st.wrap(reader, "parse_text", "clean (lines, chrome, header)")
    st.wrap(reader, "build_report", "parse (metadata, sections, passages, stats)")
    st.wrap(bulk, "normalize", "normalize (NFKC, OpenCC, lower)")
    st.wrap(segment, "tokenize", "segment (rjieba)")
    st.wrap(bulk, "words_and_plain", "segment (rjieba)")
    st.wrap(bulk, "squeeze", "bigrams (squeeze + pairs)")
    st.wrap(bulk, "bigrams", "bigrams (squeeze + pairs)")
    st.wrap(bulk._Postings, "add", "postings gathered (Counter, arrays)")
    st.wrap(bulk._Postings, "add_posting", "postings gathered (Counter, arrays)")
    st.wrap(bulk.BulkSegmentWriter, "add_document", "stored fields + columns (per document)")
    st.wrap(bulk, "_sorted_postings", "sort (numpy)")
    st.wrap(bulk, "write_field", "write posting lists")
    store = getattr(writer, "WhooshStore", None) or writer._Batch  # (its name before issue 22)
    st.wrap(store, "commit", "commit (segment files, TOC)")
    st.wrap(store, "tidy", "commit (segment files, TOC)")
    st.wrap(writer, "report_docs", "documents built")
    st.wrap(writer, "_existing", "index state read (known sources)")
    init = store.__init__

    def one_proc(self, *a, **k):
        init(self, *a, **k)
        self.procs = procs

    store.__init__ = one_proc
    wall = time.perf_counter()
    with st.section("ingest loop (discover, dedup, bookkeeping)"):
        stats = writer.ingest([corpus], index_dir)
    wall = time.perf_counter() - wall
    start = start_seconds("import index.writer, search.engine")
    mb = Path(corpus).stat().st_size / 1e6
    print(
        f"{mb:.1f} MB, {stats.passages:,} passages, {wall:.2f} s ({mb / wall:.2f} MB/s) with "
        f"{procs} writer process(es); process start (imports) {start:.2f} s apart\n"
    )
    print(st.table("s", 1))
    return {"seconds": wall, "start_s": start, "mb": mb, "stages_s": dict(st.total)}


def main(argv: list[str]) -> None:
    cmd, *rest = argv
    if cmd == "query":
        out = profile_query(rest[0], int(rest[1]) if len(rest) > 1 else 3)
    elif cmd == "ingest":
        out = profile_ingest(rest[0], rest[1], int(rest[2]) if len(rest) > 2 else 1)
    else:
        raise SystemExit(f"unknown command {cmd!r}: query or ingest")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
