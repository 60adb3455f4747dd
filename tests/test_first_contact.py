"""What a newcomer meets first and what a journalist publishes (issue 15): the README's query
syntax on the command line, pipes, repeated options, a mistyped path, --json on export, a
several-word concordance, charts that carry the query in Chinese, citations that say where a
file is, and the commit the progress bar waits for. Real indexes, the CLI as a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLES, cli_json, run_cli

from search.render.chart import cjk_font, trend_png
from search.render.text import trend_lines
from search.tools.kwic import kwic
from search.tools.trend import TrendResult, trend

CLI = [sys.executable, str(ROOT / "cli.py")]


# -- a query that starts with '-' ----------------------------------------------------------------
def test_a_query_may_start_with_an_exclusion(samples_index, samples_engine):
    q = "-收费 依申请公开"
    res = cli_json("search", q, "--index", samples_index)
    expected = samples_engine.search(q, limit=10)
    assert res["total"] == expected["total"] > 0
    assert res["total"] < samples_engine.search("依申请公开")["total"], "收费 is excluded"
    assert res["query"] == q
    # before the options, after them, and after `--`: the same query
    after = run_cli("search", "--index", samples_index, "--json", "--", q)
    assert after.returncode == 0 and json.loads(after.stdout)["total"] == res["total"]
    quoted = cli_json("search", '-"收费" 依申请公开', "--index", samples_index)
    assert quoted["total"] == res["total"]
    for cmd in ("compare", "trend", "export"):
        p = run_cli(cmd, q, "--index", samples_index)
        assert p.returncode == 0, (cmd, p.stderr)
    # a value that starts with '-' still belongs to the option before it
    p = run_cli("search", "依申请公开", "--agency", "-x", "--index", samples_index, "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["total"] == 0
    # an ASCII word after one dash is still an unknown option, named as such
    p = run_cli("search", "-abc", "--index", samples_index)
    assert p.returncode == 2 and "No such option" in p.stderr


# -- a pipe closed early -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("search", "公开", "--limit", "100", "--json"),
        ("export", "公开"),
        ("kwic", "公开"),
    ],
)
def test_a_pipe_closed_early_is_exit_0_and_quiet(samples_index, args):
    """`… | head -1`: the reader leaves after one line while far more than a pipe buffer was
    still coming; the command's own exit code (pipefail) is 0 and it prints nothing more."""
    command = " ".join(map(_q, [*CLI, *args, "--index", samples_index]))
    p = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{command} | head -n 1"],
        capture_output=True,
        timeout=120,
    )
    full = run_cli(*args, "--index", samples_index)
    assert len(full.stdout.encode()) > 70_000, "enough output to fill the pipe"
    assert p.returncode == 0, p.stderr
    assert p.stderr == b"", p.stderr.decode()
    assert p.stdout.decode().rstrip("\r\n") == full.stdout.splitlines()[0]


def _q(s: str) -> str:
    import shlex

    return shlex.quote(s)


# -- repeated filter options ---------------------------------------------------------------------
@pytest.mark.parametrize("cmd", ["search", "trend", "kwic", "export", "compare"])
def test_a_filter_option_given_twice_is_refused_not_narrowed_to_the_last(samples_index, cmd):
    p = run_cli(cmd, "公开", "--year", "2015", "--year", "2016", "--index", samples_index)
    assert p.returncode == 2 and not p.stdout
    assert "'--year': given 2 times" in p.stderr and "year:2015 OR year:2016" in p.stderr
    p = run_cli(cmd, "公开", "--agency", "西安", "--agency", "南京", "--index", samples_index)
    assert p.returncode == 2 and "'--agency': given 2 times" in p.stderr
    once = run_cli(cmd, "公开", "--year", "2015", "--index", samples_index)
    assert once.returncode == 0, once.stderr


# -- ingest of a path that is not there ----------------------------------------------------------
def test_ingest_of_a_missing_path_is_exit_2_and_creates_nothing(tmp_path):
    index = tmp_path / "index"
    p = run_cli("ingest", str(SAMPLES), str(tmp_path / "no" / "such"), "--index", str(index))
    assert p.returncode == 2
    assert p.stderr == f"error: no such file or folder: {tmp_path / 'no' / 'such'}\n"
    assert not index.exists()


def test_ingest_says_when_it_commits(tmp_path):
    from index.writer import ingest

    events = []
    ingest(
        [str(SAMPLES)],
        str(tmp_path / "i"),
        progress=lambda *a: events.append("progress"),
        on_commit=lambda: events.append("commit"),
    )
    assert "commit" in events and events[-1] == "commit", "the wait after the last file is named"


# -- export --json -------------------------------------------------------------------------------
def test_export_json_is_one_document_with_the_jsonl_rows(samples_index):
    doc = cli_json("export", "依申请公开", "--index", samples_index)
    lines = run_cli("export", "依申请公开", "--format", "jsonl", "--index", samples_index)
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert doc["total"] == len(doc["passages"]) == len(rows) > 0
    assert doc["passages"] == rows
    assert doc["reports"] == len({r["report_id"] for r in rows})
    assert (doc["query"], doc["order"]) == ("依申请公开", "relevance")
    assert cli_json("export", '"没有这个词组"', "--index", samples_index)["passages"] == []


# -- kwic with several words ---------------------------------------------------------------------
def test_kwic_with_several_words_gives_each_words_concordance(samples_engine, samples_index):
    both = kwic(samples_engine, "行政复议 诉讼", width=6)
    one, two = kwic(samples_engine, "行政复议", width=6), kwic(samples_engine, "诉讼", width=6)
    assert both["total"] == one["total"] + two["total"] and one["total"] and two["total"]
    assert [t["total"] for t in both["terms"]] == [one["total"], two["total"]]
    key = ("passage_id", "offset", "left", "match", "right")
    got = [tuple(r[k] for k in key) for r in both["occurrences"]]
    assert got == [tuple(r[k] for k in key) for r in one["occurrences"] + two["occurrences"]]
    assert kwic(samples_engine, "行政复议 OR 诉讼", width=6)["total"] == both["total"]
    p = run_cli("kwic", "行政复议 诉讼", "--index", samples_index)
    assert p.returncode == 0
    assert f"行政复议: {one['total']} occurrences" in p.stdout
    assert f"诉讼: {two['total']} occurrences" in p.stdout
    p = run_cli("kwic", "公开 -收费", "--index", samples_index)
    assert p.returncode == 2 and "excludes" in p.stderr


# -- trend: 年份不详 apart, charts that can be published -------------------------------------------
# A trend in which undated reports outnumber every year's (as in an archive of congress
# reports that print no year): the renderers get the shape `trend` returns.
UNDATED = TrendResult(
    **{
        "query": "计划经济",
        "by": "year",
        "total": 9,
        "reports": 7,
        "all_reports": 18,
        "filters": [],
        "rows": [
            {"year": 1955, "reports": 1, "all_reports": 1, "share": 1.0},
            {"year": 1956, "reports": 0, "all_reports": 1, "share": 0.0},
            {"year": 1958, "reports": 1, "all_reports": 2, "share": 0.5},
            {"year": None, "reports": 5, "all_reports": 14, "share": 5 / 14},
        ],
    }
)  # a trend result as the tool types it (search/tools/trend.py)


def test_undated_reports_do_not_set_the_terminal_scale():
    lines = trend_lines(UNDATED)
    year = next(line for line in lines if line.startswith("1955 "))
    assert "█" * 24 in year, "the largest real year fills the bar"
    last = lines[-1]
    assert last.startswith("年份不详") and "(apart: no year known)" in last
    assert "5 / 14" in last and "█" * 5 not in last.split("/")[0]
    assert lines[-2] == "", "shown apart"


@pytest.fixture(scope="module")
def real(real_index):
    from search.engine import Engine

    return Engine(real_index)


def _need_cjk_font() -> None:
    if (
        not shutil.which("fc-list")
        or not subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True
        ).stdout.strip()
    ):
        pytest.skip("no font covering Chinese installed (make test installs fonts-wqy-microhei)")


def test_the_png_finds_any_font_fontconfig_has_for_chinese(real, real_index, tmp_path):
    _need_cjk_font()
    families = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True
    ).stdout
    font = cjk_font()
    assert font and font in families
    out = tmp_path / "trend.png"
    info = trend_png(trend(real, "计划经济"), out)
    assert info["font"] == font
    assert info["missing_glyphs"] == 0, "every Chinese character drawn, no tofu boxes"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert info["title"].startswith("“计划经济”") and "比例" in info["title"]
    undated = trend_png(UNDATED, tmp_path / "undated.png")
    assert undated["notes"] == ["年份不详：5 / 14 份报告命中（35.7%），未画入图中"]
    assert undated["missing_glyphs"] == 0
    p = run_cli("trend", "计划经济", "--index", real_index, "--png", str(out))
    assert p.returncode == 0 and "no CJK font" not in p.stderr


def test_the_agency_chart_names_its_agencies(real, tmp_path):
    _need_cjk_font()
    res = trend(real, '"一带一路"', by="agency")
    info = trend_png(res, tmp_path / "agency.png")
    assert info["labels"] == [r["agency"] or "（未注明机构）" for r in res["rows"]]
    assert "中华人民共和国国务院" in info["labels"] and info["missing_glyphs"] == 0
    assert info["title"].startswith('"一带一路"：每个机构')


# -- citations of local files ---------------------------------------------------------------------
def test_a_citation_of_a_local_file_names_it_relative_to_the_ingested_folder(tmp_path):
    """The same on every machine: no folder of the disk that read it, never a made-up path."""
    src = tmp_path / "scraped"
    src.mkdir()
    name = "001_8f5cd09c3fcdcd6e.txt"
    shutil.copy(SAMPLES / name, src / name)
    p = run_cli("ingest", "scraped", "--index", "idx", cwd=tmp_path)  # a relative path
    assert p.returncode == 0, p.stderr
    hit = json.loads(
        run_cli("search", "依申请公开", "--index", "idx", "--json", cwd=tmp_path).stdout
    )["hits"][0]
    assert hit["source"] == name, "named relative to the folder given to ingest"
    cite = run_cli("cite", hit["passage_id"], "--index", str(tmp_path / "idx"))
    assert cite.stdout.rstrip().endswith(f"来源：{name}") and str(tmp_path) not in cite.stdout
    jsonl = tmp_path / "dump.jsonl"
    jsonl.write_text(
        json.dumps({"title": "某区2016年政府信息公开工作年度报告", "content": "依申请公开工作。"})
        + "\n",
        encoding="utf-8",
    )
    assert run_cli("ingest", "dump.jsonl", "--index", "idx", cwd=tmp_path).returncode == 0
    rows = cli_json("kwic", "依申请公开工作", "--index", str(tmp_path / "idx"))["occurrences"]
    assert rows[0]["citation"].endswith("来源：dump.jsonl:1")
