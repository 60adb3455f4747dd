"""Ingest as a user runs it: re-runs are idempotent, bad files are named and skipped."""

import json
import os
import shutil

from conftest import SEEDS, run_cli

from index.writer import ingest
from search.engine import Engine


def counts(index_dir):
    e = Engine(index_dir)
    s, _ = e.searcher()
    reports = e.reports()["reports"]
    passages = sum(1 for f in s.all_stored_fields() if f.get("text"))
    return len(reports), passages, sorted(r["report_id"] for r in reports)


def test_reingest_is_idempotent_and_replaces_changed_sources(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, src)
    ix = str(tmp_path / "ix")
    first = ingest([str(src)], ix)
    assert first.ingested == 5 and first.unchanged == 0
    before = counts(ix)

    again = ingest([str(src)], ix)
    assert again.ingested == 0 and again.unchanged == 5
    assert counts(ix) == before

    # change one file: its passages are replaced, never duplicated; the others stay
    target = src / SEEDS[0].name
    target.write_text(
        target.read_text("utf-8") + "\n七、补充说明\n新增一段关于最多跑一次改革的说明。", "utf-8"
    )
    changed = ingest([str(src)], ix)
    assert changed.ingested == 1 and changed.unchanged == 4
    n_reports, n_passages, ids = counts(ix)
    assert n_reports == 5 and ids == before[2]
    assert n_passages == before[1] + 1
    hits = Engine(ix).search("补充说明")["hits"]
    assert len(hits) == 1
    # replaced passages are gone from counts and facets, exactly as in a fresh index
    fresh = str(tmp_path / "fresh")
    ingest([str(src)], fresh)
    for q in ("政务公开", "工作安排", '"最多跑一次"'):
        assert Engine(ix).search(q, limit=0) == Engine(fresh).search(q, limit=0)


def test_jsonl_lines_removed_from_a_file_leave_the_index(tmp_path):
    f = tmp_path / "dump.jsonl"
    rows = [
        {
            "title": f"测试{i}县2020年政府信息公开工作年度报告",
            "content": f"一、总体情况\n第{i}号内容，推进政务公开。",
        }
        for i in range(3)
    ]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    ix = str(tmp_path / "ix")
    assert ingest([str(f)], ix).ingested == 3
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:2]), "utf-8")
    st = ingest([str(f)], ix)
    assert st.unchanged == 2 and len(st.removed) == 1
    assert counts(ix)[0] == 2


def test_prune_removes_reports_of_deleted_files(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for seed in SEEDS[:2]:
        shutil.copy(seed, src)
    ix = str(tmp_path / "ix")
    ingest([str(src)], ix)
    os.remove(src / SEEDS[0].name)
    st = ingest([str(src)], ix, prune=True)
    assert len(st.removed) == 1 and counts(ix)[0] == 1


def make_messy(root):
    root.mkdir()
    shutil.copy(SEEDS[1], root / "good.txt")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.html").write_text("   \n\t\n", "utf-8")
    (root / "chrome-only.html").write_text(
        "<html><body><div class='footer'>版权所有 ICP备12345号</div></body></html>", "utf-8"
    )
    (root / "notes.docx").write_bytes(b"PK\x03\x04")
    good = {
        "title": "某县2019年政府信息公开工作年度报告",
        "content": "一、总体情况\n某县全面推进一网通办。",
    }
    (root / "dump.jsonl").write_text(
        json.dumps(good, ensure_ascii=False)
        + "\n{broken json\n"
        + json.dumps({"title": "无正文"}, ensure_ascii=False)
        + "\n"
        + json.dumps({**good, "title": "某县2020年政府信息公开工作年度报告"}, ensure_ascii=False)
        + "\n",
        "utf-8",
    )
    (root / "loop").symlink_to(root)
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")


def test_messy_folder_cli_names_each_bad_file_and_exits_3(tmp_path):
    make_messy(tmp_path / "messy")
    ix = str(tmp_path / "ix")
    p = run_cli("ingest", str(tmp_path / "messy"), "--index", ix)
    assert p.returncode == 3, p.stderr
    err = p.stderr
    assert "Traceback" not in err
    for name, reason in [
        ("binary.txt", "binary"),
        ("empty.txt", "empty"),
        ("blank.html", "empty"),
        ("chrome-only.html", "no text left after cleaning"),
        ("dump.jsonl", "broken JSON at line 2"),
        ("dump.jsonl", "line 3: no content"),
        ("dangling.txt", "dangling symlink"),
        ("notes.docx", "damaged ZIP"),  # .docx is read now: four bytes of ZIP are a broken one
    ]:
        assert any(name in line and reason in line for line in err.splitlines()), (
            name,
            reason,
            err,
        )
    assert "ingested 3, unchanged 0, skipped 0, failed 8" in err
    # the good file and the two good JSONL lines are searchable
    res = Engine(ix).search("一网通办")
    assert res["reports"] == 2
    assert Engine(ix).reports()["reports"].__len__() == 3


def test_too_large_files_are_refused(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("政务公开" * 100_000, "utf-8")
    p = run_cli("ingest", str(big), "--index", str(tmp_path / "ix"), "--max-mb", "0.5")
    assert p.returncode == 3 and "too large" in p.stderr


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("ingest", "--index", str(tmp_path / "ix")).returncode == 2
    p = run_cli("search", "政务公开", "--index", str(tmp_path / "missing"))
    assert p.returncode == 2 and "no index" in p.stderr and "Traceback" not in p.stderr
