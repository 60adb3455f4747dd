"""Nothing lost, nothing crashes: killed ingests, concurrent use, huge and hostile input."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT, SEEDS, run_cli

from index.store import open_or_create
from index.writer import ingest
from search.engine import Engine


def make_corpus(root, copies=40):
    """Many distinct reports from the seeds: a corpus that takes a few seconds to ingest."""
    root.mkdir()
    for i in range(copies):
        for seed in SEEDS:
            text = (
                seed.read_text("utf-8")
                .replace("平房区", f"第{i}平房区")
                .replace("随县", f"随县{i}")
            )
            (root / f"{i:03d}_{seed.name}").write_text(text + f"\n附记：副本{i}。", "utf-8")
    return root


def snapshot(index_dir):
    e = Engine(index_dir)
    s, _ = e.searcher()
    per_report = {}
    for f in s.all_stored_fields():
        if f.get("text"):
            per_report[f["report_id"]] = per_report.get(f["report_id"], 0) + 1
    reports = {r["report_id"]: r["passages"] for r in e.reports()["reports"]}
    return reports, per_report


@pytest.mark.parametrize("delay", [0.8, 2.5])
def test_kill_9_leaves_last_commit_and_rerun_completes(tmp_path, delay):
    corpus = make_corpus(tmp_path / "c")
    ref = str(tmp_path / "ref")
    ingest([str(corpus)], ref)
    expected = snapshot(ref)

    ix = str(tmp_path / "ix")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "ingest", str(corpus), "--index", ix],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.3)  # sub-writers die with their parent

    if os.path.exists(ix) and any(n.endswith(".toc") for n in os.listdir(ix)):
        reports, passages = snapshot(ix)  # opens and answers with what was committed
        assert all(passages.get(r) == n for r, n in reports.items())
        Engine(ix).search("政务公开")
    again = run_cli("ingest", str(corpus), "--index", ix, "--lock-timeout", "5")
    assert again.returncode == 0, again.stderr
    assert snapshot(ix) == expected


def test_second_ingest_waits_then_says_the_index_is_busy(tmp_path):
    ix = str(tmp_path / "ix")
    ingest([str(SEEDS[0])], ix)
    w = open_or_create(ix).writer()  # another writer holds the lock
    try:
        t = time.perf_counter()
        p = run_cli("ingest", str(SEEDS[1]), "--index", ix, "--lock-timeout", "1")
        assert p.returncode == 4
        assert "locked by another ingest" in p.stderr and "Traceback" not in p.stderr
        assert time.perf_counter() - t < 30
    finally:
        w.cancel()
    assert run_cli("ingest", str(SEEDS[1]), "--index", ix).returncode == 0
    assert len(Engine(ix).reports()["reports"]) == 2


def test_search_keeps_answering_while_an_ingest_writes(tmp_path):
    corpus = make_corpus(tmp_path / "c", copies=20)
    ix = str(tmp_path / "ix")
    ingest([str(SEEDS[0])], ix)
    engine = Engine(ix)
    errors, totals = [], []
    done = threading.Event()

    def searcher_loop():
        while not done.is_set():
            try:
                totals.append(engine.search("政务公开", limit=5)["reports"])
            except Exception as e:  # pragma: no cover - this is what the test is for
                errors.append(e)
            time.sleep(0.02)

    t = threading.Thread(target=searcher_loop)
    t.start()
    p = run_cli("ingest", str(corpus), "--index", ix)
    # two more searches, so at least one began after the ingest's last commit (a loaded
    # machine can make one search outlast any fixed pause)
    seen, deadline = len(totals) + len(errors), time.monotonic() + 60
    while len(totals) + len(errors) < seen + 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    done.set()
    t.join()
    assert p.returncode == 0 and not errors
    # the long-lived engine saw the new commits without being reopened
    assert totals[0] == 1 and totals[-1] == 1 + 20 * 5


def test_a_commit_landing_inside_one_search_does_not_close_its_reader(tmp_path):
    """A long-lived engine (a server, a notebook) whose index gets a commit between the steps
    of one search — after it took its searcher, before it reads the hits — answers from the
    generation it started with instead of failing with a closed reader."""
    corpus = make_corpus(tmp_path / "c", copies=2)
    ix = str(tmp_path / "ix")
    ingest([str(SEEDS[0])], ix)

    class CommitDuringSearch(Engine):
        landed = False

        def match(self, plan, cache=None):
            if not self.landed:  # the commit lands while this search is under way
                self.landed = True
                ingest([str(corpus)], ix)
            return super().match(plan, cache)

    engine = CommitDuringSearch(ix)
    first = engine.search("政务公开", limit=5)
    assert engine.landed and first["reports"] == 1 and first["hits"]
    assert engine.search("政务公开", limit=5)["reports"] == 1 + 2 * 5  # then it catches up


def test_huge_one_line_text_becomes_bounded_passages(tmp_path):
    line = (
        "各单位应当主动公开政府信息，并依申请公开相关材料，" * 60_000
    )  # ~1.5 MB, no line break, no full stop
    f = tmp_path / "oneline.txt"
    f.write_text("某县2020年政府信息公开工作年度报告\n" + line, "utf-8")
    ix = str(tmp_path / "ix")
    st = ingest([str(f)], ix)
    assert st.ingested == 1
    s, _ = Engine(ix).searcher()
    lengths = [len(d["text"]) for d in s.all_stored_fields() if d.get("text")]
    assert max(lengths) <= 400 and sum(lengths) >= len(line) * 0.99


def test_default_size_limit_refuses_a_20mb_file(tmp_path):
    f = tmp_path / "huge.txt"
    with open(f, "w", encoding="utf-8") as out:
        out.write("政务公开" * (7_000_000 // 3))  # ~21 MB, one line
    p = run_cli("ingest", str(f), "--index", str(tmp_path / "ix"))
    assert p.returncode == 3 and "too large" in p.stderr


def test_unreadable_file_is_named(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file; unreadable files cannot be made here")
    f = tmp_path / "secret.txt"
    shutil.copy(SEEDS[0], f)
    f.chmod(0)
    p = run_cli("ingest", str(f), "--index", str(tmp_path / "ix"))
    assert p.returncode == 3 and "unreadable" in p.stderr
