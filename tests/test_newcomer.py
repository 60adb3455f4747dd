"""What a newcomer tripped on (issue 21), each as its user would expect it: the help says what
ingest reads, the errors agree, time reads in order and with its gaps, and terminal text is
tidy (no line starting with closing punctuation, columns by display width, no HTML spacing)."""

from __future__ import annotations

import json
import re

import pytest
from conftest import SAMPLES, run_cli
from fastapi.testclient import TestClient

from corpus.discover import KNOWN_EXT
from search.render.text import NO_START, cols, wrap


def test_ingest_help_lists_every_type_it_reads():
    p = run_cli("ingest", "--help")
    assert p.returncode == 0
    said = " ".join(p.stdout.split())
    for ext in sorted(KNOWN_EXT):
        assert re.search(rf"(?<![\w.]){re.escape(ext)}(?![\w])", said), ext
    assert ".warc.gz" in said


def test_kwic_takes_q_like_every_endpoint_and_term_still_works(samples_index):
    from search.web.app import create_app

    with TestClient(create_app(samples_index)) as c:
        by_q = c.get("/api/kwic", params={"q": "依申请公开", "limit": 50})
        by_term = c.get("/api/kwic", params={"term": "依申请公开", "limit": 50})
        assert by_q.status_code == 200 and by_q.json()["total"] > 0
        assert by_q.json() == by_term.json()
        none = c.get("/api/kwic")
        assert none.status_code == 400 and none.json()["code"] == "no_term"


@pytest.mark.parametrize("tool", ["search", "trend", "compare", "export"])
def test_an_empty_query_is_the_same_error_everywhere(samples_index, tool):
    p = run_cli(tool, "", "--index", samples_index)
    assert p.returncode == 2 and "empty query: give words to search for or a filter" in p.stderr
    p = run_cli(tool, "", "--year", "2017", "--index", samples_index)
    assert p.returncode == 0, p.stderr  # a filter alone is a question


def _year_reports(folder, years):
    folder.mkdir()
    for y in years:
        (folder / f"{y}.txt").write_text(
            f"示范县人民政府{y}年政府信息公开工作年度报告\n\n一、总体情况\n"
            f"{y}年，本机关依申请公开工作平稳，主动公开信息一百条，答复申请十件。\n",
            encoding="utf-8",
        )


def test_trend_shows_years_without_reports_as_gaps(tmp_path):
    _year_reports(tmp_path / "in", [2010, 2011, 2015, 2017])
    index = str(tmp_path / "idx")
    assert run_cli("ingest", str(tmp_path / "in"), "--index", index).returncode == 0
    out = run_cli("trend", "依申请公开", "--index", index).stdout
    lines = [ln.split("  ")[0] for ln in out.splitlines()[3:]]
    assert lines == ["2010", "2011", "2012–2014", "2015", "2016", "2017"], out
    assert "2012–2014  (no reports in the index)" in out
    assert "2016  (no reports in the index)" in out


def test_compare_by_year_reads_in_year_order(tmp_path):
    _year_reports(tmp_path / "in", [2013, 2011, 2012])
    index = str(tmp_path / "idx")
    assert run_cli("ingest", str(tmp_path / "in"), "--index", index).returncode == 0
    res = json.loads(
        run_cli("compare", "依申请公开", "--by", "year", "--index", index, "--json").stdout
    )
    assert [r["year"] for r in res["results"]] == [2011, 2012, 2013]
    text = run_cli("compare", "依申请公开", "--by", "year", "--index", index).stdout
    assert "oldest first" in text
    assert text.index(" 2011 ") < text.index(" 2012 ") < text.index(" 2013 ")


def test_no_wrapped_line_starts_with_closing_punctuation():
    text = "扎实推进“一带一路”建设。坚持共商共建共享，加快陆上经济走廊和海上合作支点建设》。" * 6
    for width in range(20, 80):
        lines = wrap(text, [], width)
        assert "".join(lines) == text
        assert all(line[0] not in NO_START for line in lines[1:]), (width, lines)
        assert all(line[-1] not in "“（《" for line in lines[:-1]), (width, lines)
        assert all(cols(line) <= width for line in lines)


def test_search_output_never_starts_a_line_with_closing_punctuation(samples_index):
    out = run_cli("search", "政府信息", "--index", samples_index, "--limit", "20").stdout
    assert out.count("\n") > 40
    starts = [ln.strip()[:1] for ln in out.splitlines() if ln.strip()]
    assert not [s for s in starts if s in NO_START - {"…"}]  # … opens a snippet cut in front


def test_reports_columns_line_up_by_display_width(samples_index):
    out = run_cli("reports", "--index", samples_index).stdout.splitlines()
    reports = json.loads(run_cli("reports", "--index", samples_index, "--json").stdout)["reports"]
    assert len(out) == len(reports) >= 10
    # the title (after the agency column) starts at one display column on every line
    starts = {cols(ln[: ln.rindex(r["title"])]) for ln, r in zip(out, reports, strict=True)}
    assert len(starts) == 1, out


def test_html_spacing_between_chinese_characters_is_removed_at_ingest(tmp_path):
    page = tmp_path / "in" / "report.html"
    page.parent.mkdir()
    page.write_text(
        """<html><head><title>示范县2020年政府信息公开工作年度报告</title></head><body>
<div class="content"><h1>示范县2020年政府信息公开工作年度报告</h1>
<p>一、总体情况</p>
<p>2020年，本县认真贯彻落实政府信息公开条例，依申请公开工作平稳，积极引导法律
   服务机构参与。</p>
<table><tr><td><p>申请人</p></td><td><p>法律</p><p>服<span>务</span>
 &nbsp; &nbsp;</p><p><span>机构</span></p></td><td>其他</td></tr>
<tr><td>收到申请</td><td>3</td><td>5</td></tr></table>
<p>二、主动公开政府信息情况</p><p>本年度主动公开政府信息120条，发布 GDP 数据 2 次。</p>
</div></body></html>""",
        encoding="utf-8",
    )
    index = str(tmp_path / "idx")
    assert run_cli("ingest", str(page.parent), "--index", index).returncode == 0
    rid = json.loads(run_cli("reports", "--index", index, "--json").stdout)["reports"][0]
    shown = run_cli("show", rid["report_id"], "--index", index).stdout
    assert "积极引导法律服务机构参与" in shown, shown
    assert "申请人 | 法律服务机构 | 其他" in shown, shown
    assert "发布 GDP 数据 2 次" in shown, "spaces beside Latin letters and digits stay"


def test_samples_are_where_the_tests_expect():
    assert (SAMPLES / "001_8f5cd09c3fcdcd6e.txt").exists()


# -- stats: like with like, one count everywhere ----------------------------------------------
def _stats_index(tmp_path, made) -> str:
    from test_stats_cli import made_figures, report_page

    src = tmp_path / "src"
    src.mkdir()
    for agency, year, seed, odd in made:
        page = report_page(agency, year, made_figures(seed, odd), True)
        (src / f"{agency}{year}.html").write_text(page, encoding="utf-8")
    index = str(tmp_path / "idx")
    assert run_cli("ingest", str(src), "--index", index).returncode == 0
    return index


def test_a_change_between_sums_of_different_report_counts_says_so(tmp_path):
    index = _stats_index(
        tmp_path,
        [("宁海县人民政府", 2022, 1, None), ("宁海县人民政府", 2023, 2, None)]
        + [("象山县人民政府", 2023, 3, None)],
    )
    args = ("stats", "--index", index, "--by", "year", "--metric", "requests.new.total")
    res = json.loads(run_cli(*args, "--json").stdout)
    y2023 = next(r for r in res["rows"] if r["year"] == 2023)
    assert (y2023["counted"], y2023["previous_counted"]) == (2, 1)
    text = run_cli(*args).stdout
    line = next(ln for ln in text.splitlines() if ln.split()[1:2] == ["2023"])
    assert re.search(r"\) \*", line), text  # the change is marked
    assert "* 2023: 2 reports summed against 1 report in 2022: not like with like" in text


def test_the_text_and_the_png_give_one_count_of_reports_lacking_a_figure(tmp_path):
    from search.render.chart import stats_png
    from search.tools.stats import StatsResult

    # the agency's older report lacks the figure; its latest (the one drawn) gives it
    index = _stats_index(
        tmp_path,
        [
            ("奉化区人民政府", 2022, 5, "new requests total empty"),
            ("奉化区人民政府", 2023, 6, None),
        ],
    )
    res = json.loads(run_cli("stats", "--index", index, "--json").stdout)
    assert res["coverage"]["missing"] == 1
    text = run_cli("stats", "--index", index).stdout
    assert "1 of the reports with tables do not give this figure" in text
    drawn = stats_png(StatsResult(**res), str(tmp_path / "stats.png"))  # the JSON, typed
    assert drawn["missing"] == 1 and (
        "1 份报告未给出此项" in drawn["title"] or "1 reports" in drawn["title"]
    )


def test_a_wrapped_line_never_cuts_a_number_in_two():
    text = "对沿线国家货物进出口额年均增长13.4%，各领域交流合作不断深化，GDP增长5.2%。" * 4
    for width in range(20, 60):
        lines = wrap(text, [], width)
        assert "".join(lines) == text
        for a, b in zip(lines, lines[1:], strict=False):
            assert not (re.match(r"[0-9.%A-Z]", b[0]) and re.search(r"[0-9.A-Z]$", a)), (a, b)
