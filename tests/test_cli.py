"""The command line, used as a user would: these read as documentation of `cli.py`."""

import json

from conftest import SAMPLES, cli_json, run_cli

HIT_KEYS = {
    "report_id",
    "passage_id",
    "title",
    "agency",
    "year",
    "published",
    "section",
    "heading",
    "text",
    "highlight",
    "spans",
    "score",
    "source",
    "url",
    "ocr",
}


def test_search_json_has_exactly_the_documented_shape(samples_index):
    res = cli_json("search", "依申请公开", "--index", samples_index, "--limit", "3")
    assert set(res) == {
        "query",
        "total",
        "reports",
        "offset",
        "limit",
        "facets",
        "hits",
        "terms",
        "filters",
    }
    assert set(res["facets"]) == {"agency", "year", "section"}
    assert all(set(d) == {"value", "count"} for f in res["facets"].values() for d in f)
    assert len(res["hits"]) == 3 and all(set(h) == HIT_KEYS for h in res["hits"])
    assert all("<mark>依申请公开</mark>" in h["highlight"] for h in res["hits"])
    # the spans beside the HTML mark the same characters: the query's term, as written
    assert all(h["spans"] for h in res["hits"])
    assert all(h["text"][a:b] == "依申请公开" for h in res["hits"] for a, b in h["spans"])
    assert res["terms"] == ["依申请公开"] and res["filters"] == []
    filtered = cli_json(
        "search", "依申请公开 year:2017", "--agency", "高陵", "--index", samples_index
    )
    assert filtered["filters"] == [
        {"field": "agency", "value": "高陵"},
        {"field": "year", "value": "2017"},
    ]


def test_options_and_inline_filters_agree(samples_index):
    a = cli_json(
        "search",
        "政务公开",
        "--index",
        samples_index,
        "--year",
        "2009-2013",
        "--section",
        "改进计划",
    )
    b = cli_json("search", "政务公开 year:2009-2013 section:改进计划", "--index", samples_index)
    assert a["total"] == b["total"] > 0
    assert [h["passage_id"] for h in a["hits"]] == [h["passage_id"] for h in b["hits"]]
    assert all(2009 <= h["year"] <= 2013 and h["section"] == "改进计划" for h in a["hits"])


def test_index_from_environment(samples_index):
    p = run_cli("search", "依申请公开", "--json", env={"GONGKAI_INDEX": samples_index})
    assert p.returncode == 0 and json.loads(p.stdout)["total"] > 0


def test_human_output_reads_well(samples_index):
    p = run_cli("search", "依申请公开", "--index", samples_index, "--limit", "2")
    assert p.returncode == 0
    out = p.stdout
    assert "依申请公开 — " in out and "passages in" in out
    assert "西安市高陵区人民政府办公室" in out
    assert "Matching reports by" in out and "section:" in out
    assert "\x1b[" not in out  # no colour codes when not on a terminal


def test_malformed_query_is_one_line_and_exit_2(samples_index):
    p = run_cli("search", '"unclosed', "--index", samples_index)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("error: unclosed quote")
    p = run_cli("search", "政务", "--index", samples_index, "--year", "twenty")
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_reports_and_show(samples_index):
    rows = cli_json("reports", "--index", samples_index)["reports"]
    assert len(rows) == len([p for p in SAMPLES.iterdir() if p.suffix != ".jsonl"]) + sum(
        1
        for p in SAMPLES.glob("*.jsonl")
        for line in p.read_text("utf-8").splitlines()
        if line.strip()
    )
    keys = {
        "report_id",
        "title",
        "agency",
        "year",
        "published",
        "source",
        "url",
        "sections",
        "passages",
        "headings",  # top-level headings as printed (issue 12)
        "provenance",  # where title/agency/year/published came from
        "sources",  # every source the report was found under
        "stats",  # the standard tables as figures (corpus/stats.py), null without them
    }
    assert all(set(r) == keys for r in rows)
    assert all(r["sources"][0]["source"] == r["source"] for r in rows)
    with_tables = {r["source"].rsplit("/", 1)[-1] for r in rows if r["stats"]}
    assert with_tables == {
        "jiangmen-sthjj-2021-ndbg.html",
        "lintong-2019-gongkai-ndbg.html",
        # the PDF and DOCX samples carry 表三 as grids from their own readers (issue 12)
        "shili-shi-2022-ndbg.pdf",
        "shili-shi-2021-ndbg.docx",
    }
    r = rows[0]
    shown = cli_json("show", r["report_id"], "--index", samples_index)
    assert shown["report"] == r
    assert len(shown["passages"]) == r["passages"]
    assert all(
        set(p) == {"passage_id", "section", "heading", "text", "ocr"} for p in shown["passages"]
    )
    p = run_cli("show", "0123456789abcdef", "--index", samples_index)
    assert p.returncode == 2 and "no report" in p.stderr


def test_an_index_from_an_older_gongkai_is_refused_in_one_line(tmp_path):
    from whoosh import index as windex
    from whoosh.fields import ID, TEXT, Schema

    old = tmp_path / "old"
    old.mkdir()
    windex.create_in(str(old), Schema(kind=ID(), text=TEXT()), indexname="gongkai")
    seed = str(next(SAMPLES.glob("0*.txt")))
    for args in (("ingest", seed), ("search", "公开")):
        p = run_cli(*args, "--index", str(old))
        assert p.returncode == 2, (args, p.stderr)
        assert "built by an older gongkai" in p.stderr and "Traceback" not in p.stderr
