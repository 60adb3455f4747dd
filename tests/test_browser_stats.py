"""The 数据 view and the report view's standard tables, in a real headless Chromium against the
real `cli.py serve`: the agency × year table of a chosen metric (sortable, each figure a link to
its report), the chart over the years, the checks shown above the table; /api/stats answers
exactly what `stats --json` prints. The index: test_stats_cli.py's tables (one inconsistent,
one with an empty cell) and the real reports. Screenshots at 1280 and 400 px in tests/output/."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest
import test_browser as tb  # skips this module too when playwright or chromium is missing
from conftest import cli_json
from playwright.sync_api import expect
from test_stats_cli import sources

browser = tb.browser
shot = tb.shot


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from index.writer import ingest

    index = str(tmp_path_factory.mktemp("stats-browser-index"))
    assert not ingest(sources(tmp_path_factory), index).failed
    port = tb.free_port()
    log = open(tmp_path_factory.mktemp("stats-serve-log") / "serve.log", "w+")  # noqa: SIM115
    proc = tb.serve(index, port, log)
    yield {"base": f"http://127.0.0.1:{port}", "index": index}
    tb.stop(proc)
    log.close()


@pytest.fixture
def page(browser):
    ctx, pg = tb.open_page(browser)
    yield pg
    ctx.close()


def api(base: str, **params) -> dict:
    with urllib.request.urlopen(f"{base}/api/stats?{urllib.parse.urlencode(params)}") as r:
        return json.loads(r.read())


def test_api_stats_is_stats_json(server):
    base, index = server["base"], server["index"]
    assert api(base) == cli_json("stats", "--index", index)
    assert api(base, q="最多跑一次", by="year", rate="refused") == cli_json(
        "stats", "最多跑一次", "--index", index, "--by", "year", "--rate", "refused"
    )
    assert api(base, metric="review.total", agency="象山", sort="change") == cli_json(
        "stats",
        "--index",
        index,
        "--metric",
        "review.total",
        "--agency",
        "象山",
        "--sort",
        "change",
    )
    with pytest.raises(urllib.error.HTTPError) as bad:
        api(base, metric="requests.new.totl")
    assert bad.value.code == 400
    assert json.loads(bad.value.read())["error"].startswith("no metric 'requests.new.totl'")
    with urllib.request.urlopen(f"{base}/api/stats?format=csv") as r:
        lines = r.read().decode("utf-8-sig").splitlines()
    assert lines[0] == "report_id,agency,year,format,table,row,column,value"
    assert lines[-1].split(",")[4] == "checks"


def table_rows(page) -> list[list[str]]:
    return page.locator("#stats-table tbody tr").evaluate_all(
        "trs => trs.map(tr => [...tr.children].map(c => c.textContent.trim()))"
    )


def shown(v) -> str:
    return "—" if v is None else f"{v:,}"


def test_the_agency_by_year_table_links_every_figure_to_its_report(page, server):
    base = server["base"]
    res = api(base)
    page.goto(f"{base}/?view=stats")
    expect(page.locator("#view-stats")).to_be_visible()
    expect(page.locator("#stats-table tbody tr")).to_have_count(len(res["rows"]))
    heads = page.locator("#stats-table thead th").all_inner_texts()
    years = [str(y) for y in res["years"]]
    assert [h.rstrip(" ↓↑") for h in heads[1 : 1 + len(years)]] == years
    rows = table_rows(page)
    for tr, row in zip(rows, res["rows"], strict=True):  # ranked as the API ranks them
        assert tr[0] == row["label"]
        cells = {c["year"]: c for c in row["years"]}
        for y, text in zip(res["years"], tr[1 : 1 + len(years)], strict=True):
            want = shown(cells[y]["value"]) if y in cells else ""
            mark = "旧表" if y in cells and "2008" in cells[y]["formats"] else ""
            assert text.replace(" ⚠", "") == want + mark, (row["agency"], y)
    # every figure is a link to the report it comes from
    links = page.locator("#stats-table a.stats-fig").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    want_links = [
        f"/reports/{c['report_ids'][0]}"
        for row in res["rows"]
        for y in res["years"]
        for c in row["years"]
        if c["year"] == y
    ]
    assert sorted(links) == sorted(want_links)
    # the checks, above the table: the review total printed 0
    checks = page.locator("#stats-checks")
    expect(checks).to_be_visible()
    expect(checks).to_contain_text(f"{len(res['checks'])} 处表内合计与分项不一致")
    expect(checks).to_contain_text("象山县人民政府 2023")
    expect(checks).to_contain_text("表中印为 0")
    expect(page.locator("#stats-table tr.has-checks")).to_have_count(
        sum(1 for r in res["rows"] if r["checks"])
    )
    cov = res["coverage"]
    expect(page.locator("#stats-note")).to_contain_text(
        f"共 {cov['matched']} 份报告，其中 {cov['with_tables']} 份有可读的统计表"
    )
    expect(page.locator("#stats-note")).to_contain_text(f"{cov['missing']} 份未给出此项")
    # the chart over the years: a bar per year with a figure
    by_year = api(base, by="year")
    bars = page.locator("#stats-chart svg rect.bar")
    expect(bars).to_have_count(
        sum(1 for r in by_year["rows"] if r["year"] and r["value"] is not None)
    )
    shot(page, "stats-1280.png", full_page=True)
    page.set_viewport_size({"width": 400, "height": 900})
    expect(page.locator("#stats-table")).to_be_visible()
    shot(page, "stats-400.png", full_page=True)
    # a figure opens its report, whose standard tables are real tables
    first = res["rows"][0]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(f'#stats-table a[href="/reports/{first["report_ids"][0]}"]').first.click()
    page.wait_for_url(re.compile(r"/reports/"))
    table = page.locator('table.report-table[data-table="requests"]')
    expect(table).to_be_visible()
    new_row = table.locator("tbody tr").first
    expect(new_row.locator("th")).to_have_text("本年新收申请")
    assert new_row.locator("td").last.inner_text() == shown(first["value"])
    shot(page, "stats-report-tables.png", full_page=True)
    assert page.problems == []


def test_the_old_tables_format_is_shown_where_a_figures_meaning_changed(page, server):
    """The series runs from the 2008-era 统计表 to the standard tables: the view says which
    old row a figure comes from, marks the old cells 旧表 and draws their bars lighter; the
    report page draws the old table with the standard figure each row gives."""
    base = server["base"]
    res = api(base, by="year", agency="平潭")
    if not res["format_notes"]:
        pytest.skip("the real reports (with their 2008-era tables) are not in the index")
    page.goto(f"{base}/?view=stats&agency=平潭")
    note = page.locator("#stats-format")
    expect(note).to_be_visible()
    expect(note).to_contain_text("受理依申请公开信息总数")
    old_years = [r["year"] for r in res["rows"] if r["formats"] == ["2008"]]
    assert old_years == [2011, 2013]
    expect(page.locator("#stats-chart svg rect.bar-old")).to_have_count(len(old_years))
    old = page.locator("#stats-table sup.stats-fmt")
    expect(old).to_have_count(len(old_years))
    expect(old.first).to_have_attribute("title", re.compile("2008 年版"))
    shot(page, "stats-2008-1280.png", full_page=True)
    page.set_viewport_size({"width": 400, "height": 900})
    expect(note).to_be_visible()
    shot(page, "stats-2008-400.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    rid = next(r for r in res["rows"] if r["year"] == 2013)["report_ids"][0]
    page.goto(f"{base}/reports/{rid}")
    table = page.locator('table.report-table[data-table="table_2008"]')
    expect(table).to_be_visible()
    row = table.locator("tbody tr", has_text="受理依申请公开信息总数")
    expect(row.locator("td.num")).to_have_text(["7", "28"])
    expect(row.locator("td.map")).to_contain_text("本年新收申请")
    shot(page, "stats-2008-report.png", full_page=True)
    assert page.problems == []


def test_sorting_choosing_a_metric_and_narrowing_by_a_query(page, server):
    base = server["base"]
    page.goto(f"{base}/?view=stats")
    expect(page.locator("#stats-table tbody tr").first).to_be_visible()
    # sort by the 2022 column: largest first, agencies without a 2022 figure last
    page.locator('#stats-table thead button[data-col="2022"]').click()
    res = api(base)

    def fig(row, year):
        return next((c["value"] for c in row["years"] if c["year"] == year), None)

    want = sorted(
        res["rows"], key=lambda r: (fig(r, 2022) is None, -(fig(r, 2022) or 0), r["rank"])
    )
    assert [tr[0] for tr in table_rows(page)] == [r["label"] for r in want]
    # another metric: the URL carries it, the table follows
    page.select_option("#stats-metric", "review.total")
    page.wait_for_url(re.compile(r"metric=review\.total"))
    review = api(base, metric="review.total")
    expect(page.locator("#stats-note")).to_contain_text(f"共 {review['coverage']['matched']} 份")
    expect(page.locator("#stats-table tbody tr")).to_have_count(len(review["rows"]))
    page.select_option("#stats-rate", "corrected")
    page.wait_for_url(re.compile(r"rate=corrected"))
    expect(page.locator("#stats-table thead")).to_contain_text("复议诉讼纠错率")
    # a query narrows the reports, through the search box as for every view
    page.fill("#q", "最多跑一次")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=%E6%9C%80"))
    narrowed = api(base, q="最多跑一次", metric="review.total", rate="corrected")
    expect(page.locator("#stats-table tbody tr")).to_have_count(len(narrowed["rows"]))
    assert {tr[0] for tr in table_rows(page)} == {r["label"] for r in narrowed["rows"]}
    assert page.problems == []


def test_the_data_view_is_laid_out_for_1280_and_400_px(page, server):
    """The table fills its card with every agency name on one line at 1280 px; at 400 px the
    chart's labels stay readable and the table's last column (the rate) is on screen."""
    base = server["base"]
    page.goto(f"{base}/?view=stats&rate=corrected")
    expect(page.locator("#stats-table tbody tr").first).to_be_visible()
    geo = """() => {
      const wrap = document.querySelector('#view-stats .table-wrap');
      const table = document.querySelector('#stats-table');
      const names = [...table.querySelectorAll('th.stats-agency')];
      const one = parseFloat(getComputedStyle(names[0]).lineHeight) || 21;
      const ticks = [...document.querySelectorAll('#stats-chart svg text')];
      const last = [...table.querySelectorAll('thead th')].pop().getBoundingClientRect();
      return {
        fill: table.getBoundingClientRect().width / wrap.clientWidth,
        overflow: wrap.scrollWidth - wrap.clientWidth,
        tallest: Math.max(...names.map((n) => n.getBoundingClientRect().height)),
        one,
        smallest: Math.min(...ticks.map((t) => t.getBoundingClientRect().height)),
        lastRight: last.right,
        width: window.innerWidth,
      };
    }"""
    wide = page.evaluate(geo)
    assert wide["fill"] > 0.97, wide
    assert wide["tallest"] < 2 * wide["one"] + 14, wide  # names on one line
    shot(page, "stats-layout-1280.png", full_page=True)
    page.set_viewport_size({"width": 400, "height": 900})
    page.wait_for_timeout(300)  # the chart is redrawn at the new width
    narrow = page.evaluate(geo)
    assert narrow["overflow"] <= 1 and narrow["lastRight"] <= narrow["width"], narrow
    assert narrow["smallest"] >= 9, narrow  # chart labels in readable pixels, not 5 px
    expect(page.locator("#stats-table thead")).to_contain_text("复议诉讼纠错率")
    shot(page, "stats-layout-400.png", full_page=True)
    assert page.problems == []
