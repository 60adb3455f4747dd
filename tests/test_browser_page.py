"""What a newcomer meets first on the web face, in a real headless Chromium (Debian's
/usr/bin/chromium via Playwright) against the real `cli.py serve`: the API docs render, errors
and the empty state speak Chinese and suggest what to try, facets and pages bring the results
back into view, the report view names a file and no directory of the server, reports without a
year stand apart from the year charts, and the widget fits a 400 px column with filter chips.
Every view touched is screenshot at 1280 and 400 px into tests/output/ (gitignored)."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import test_browser as tb  # skips this module too when playwright or chromium is missing
from playwright.sync_api import expect

browser = tb.browser
shot, total = tb.shot, tb.total
CJK = re.compile(r"[\u4e00-\u9fff]")

# Reports of the genre that name no year (a congress report, a standing committee's): the
# year facet's 年份不详 bucket.
UNDATED = """关于本市政府信息公开工作情况的报告

各位代表：

现将本市政府信息公开工作情况报告如下，请予审议。

一、主要工作

市政府认真贯彻《中华人民共和国政府信息公开条例》，依申请公开工作有序推进，全年受理依申请公开{n}件。

二、存在的问题

依申请公开答复质量仍需提高。
"""

COLUMN_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>本地新闻网 · 侧栏</title>
<link rel="icon" href="data:,">
<style>
  body {{ margin: 0; font-family: Georgia, serif; background: #fbf7ee; }}
  .wrap {{ display: flex; gap: 24px; padding: 16px; }}
  main {{ flex: 1; min-width: 0; }}
  aside {{ flex: none; width: 400px; }}
</style></head>
<body><div class="wrap">
  <main><h1>正文</h1><p>宿主页面的正文。</p></main>
  <aside id="column"><div id="gongkai"></div></aside>
</div>
<script src="{api}/widget.js" data-target="#gongkai" data-limit="5" data-facets="year,agency"></script>
</body></html>
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    extra = {f"undated_{n}.txt": UNDATED.format(n=n * 7) for n in range(1, 4)}
    yield from tb.run_servers(tmp_path_factory, extra, {"column.html": COLUMN_PAGE})


page = tb.page
api = tb.api_get


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def both_widths(page, name: str, *, full_page: bool = False, fits: bool = True) -> None:
    """Screenshot the page at 1280 px and at 400 px (name-1280.png, name-400.png); `fits`:
    at 400 px nothing scrolls sideways."""
    for width in (1280, 400):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(150)
        shot(page, f"{name}-{width}.png", full_page=full_page)
        if width == 400 and fits:
            assert no_horizontal_overflow(page), f"{name} overflows at 400 px"
    page.set_viewport_size({"width": 1280, "height": 900})


# -- /docs --------------------------------------------------------------------------------------
def test_docs_list_every_operation(page, servers):
    base = servers["api"]
    spec = api(base, "/openapi.json")
    assert spec["openapi"].startswith("3.1")  # what the bundled UI could not read
    paths = [p for p, ops in spec["paths"].items() for _ in ops]
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{base}/docs")
    ops = page.locator(".opblock")
    expect(ops.first).to_be_visible()
    assert ops.count() == len(paths)
    shown = set(page.locator(".opblock-summary-path").all_inner_texts())
    assert {"/api/search", "/api/reports/{report_id}", "/api/kwic"} <= {
        s.replace("\u200b", "") for s in shown
    }
    assert page.get_by_text("Unable to render").count() == 0
    assert page.get_by_text("does not specify a valid version").count() == 0
    assert requested and all(u.startswith(base) for u in requested), requested  # no CDN
    both_widths(page, "docs", fits=False)  # Swagger UI's own layout


# -- errors in Chinese --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, code, words",
    [
        ('"依申请公开', "unclosed_quote", "引号没有配对"),
        ("公开 year:2015-2010", "year_backwards", "2010-2015"),
        ("收费 OR", "or_needs_terms", "OR 的两边"),
    ],
)
def test_a_malformed_query_is_explained_in_chinese(page, servers, query, code, words):
    english = api_error(servers["api"], query)
    assert english["code"] == code and CJK.search(english["error"]) is None  # the API: English
    page.goto(f"{servers['api']}/")
    page.fill("#q", query)
    page.press("#q", "Enter")
    box = page.locator("#error")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("data-code", code)
    text = box.inner_text()
    assert text.startswith("无法检索：") and words in text
    assert english["error"] not in text and not re.search(r"\b(unclosed|needs|backwards)\b", text)
    assert page.locator(".hit").count() == 0 and page.locator("#empty").is_hidden()
    if code == "unclosed_quote":
        both_widths(page, "error")
    assert page.problems == [] or all("400" in p for p in page.problems)


def api_error(base: str, q: str) -> dict:
    try:
        urllib.request.urlopen(f"{base}/api/search?{urllib.parse.urlencode({'q': q})}", timeout=30)
    except urllib.error.HTTPError as e:
        assert e.code == 400
        return json.loads(e.read())
    raise AssertionError(f"{q!r} was accepted")


# -- the empty state ----------------------------------------------------------------------------
def test_the_empty_state_says_what_was_searched_and_what_to_try(page, servers):
    base = servers["api"]
    q = "依申请公开 火星基地"
    page.goto(f"{base}/?{urllib.parse.urlencode({'q': q, 'year': '2015'})}")
    empty = page.locator("#empty")
    expect(empty).to_be_visible()
    assert total(page) == 0
    title = empty.locator(".empty-title").inner_text()
    assert q in title and "2015" in title
    tips = {t: empty.locator(f'li[data-tip="{t}"]') for t in ("filters", "fewer", "syntax")}
    for tip in tips.values():
        expect(tip).to_be_visible()
    fewer = tips["fewer"].locator(".suggestion").all_inner_texts()
    assert "依申请公开" in fewer and "火星基地" in fewer  # each word of the plan, alone
    assert "OR" in tips["syntax"].inner_text() and "year:" in tips["syntax"].inner_text()
    examples = empty.locator('li[data-tip="examples"] .suggestion')
    assert examples.count() >= 3
    both_widths(page, "empty", full_page=True)

    tips["filters"].locator(".suggestion").first.click()  # drop the year: still nothing
    page.wait_for_url(lambda u: "year=" not in u)
    expect(empty.locator('li[data-tip="filters"]')).to_have_count(0)
    expect(empty).to_be_visible()
    empty.locator('li[data-tip="fewer"]').get_by_role(
        "button", name="依申请公开", exact=True
    ).click()
    page.locator(".hit").first.wait_for()  # one word alone finds passages
    assert total(page) > 0 and empty.is_hidden()
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["q"] == ["依申请公开"]
    assert page.problems == []


# -- scrolling back to the results --------------------------------------------------------------
def test_a_facet_click_and_a_page_turn_bring_the_results_into_view(page, servers):
    page.set_viewport_size({"width": 1280, "height": 640})
    tb.search_for(page, servers["api"], "政府信息")
    facet = page.locator("#facet-agency button.facet-item").last
    facet.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    assert before > 200  # the facet is far down the sidebar
    agency = facet.get_attribute("data-value")
    facet.click()
    page.wait_for_url(re.compile(r"agency="))
    expect(page.locator('#active-filters .chip[data-field="agency"]')).to_contain_text(agency)
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") < before
    top = page.locator("#results").evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < 640
    expect(page.locator(".hit").first).to_be_in_viewport()

    page.locator('#active-filters .chip[data-field="agency"]').click()
    page.locator("#next").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 200
    page.click("#next")
    page.wait_for_url(re.compile(r"offset=10"))
    page.wait_for_timeout(200)
    expect(page.locator(".hit").first).to_be_in_viewport()
    assert page.problems == []


# -- the report view ----------------------------------------------------------------------------
def test_the_report_view_names_the_file_not_the_servers_directories(page, servers):
    base = servers["api"]
    tb.search_for(page, base, "依申请公开")
    hit = page.locator(".hit").first
    report_id = hit.get_attribute("data-report-id")
    hit.locator(".hit-title a").click()
    page.wait_for_url(re.compile(rf"/reports/{report_id}"))
    source = page.locator("#report-source")
    expect(source).to_be_visible()
    name = source.inner_text()
    served = api(base, f"/api/reports/{report_id}")["report"]["source"]
    assert name == served and "/" not in name and "\\" not in name
    assert (tb.SAMPLES / name).is_file() or name.startswith("undated_")
    html = page.content()
    assert str(tb.SAMPLES) not in html and str(Path("/tmp")) + "/" not in html
    assert "来源文件" in page.locator(".report-facts").inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    both_widths(page, "report")
    assert page.problems == []


# -- reports without a year ---------------------------------------------------------------------
def test_reports_without_a_year_stand_apart_from_the_year_charts(page, servers):
    base = servers["api"]
    facets = api(base, "/api/search", q="依申请公开", limit=0)["facets"]["year"]
    undated = next(f["count"] for f in facets if f["value"] is None)
    assert undated == 3
    tb.search_for(page, base, "依申请公开")
    note = page.locator("#chart-undated")
    expect(note).to_be_visible()
    assert "3" in note.inner_text() and "年份不详" in note.inner_text()
    assert page.locator("#year-chart .bar").count() >= 2  # only real years are bars
    assert page.locator('#year-chart .bar[data-year=""]').count() == 0

    page.locator('#view-tabs .view-tab[data-view="trend"]').click()
    bars = page.locator("#trend-chart .tbar")
    bars.first.wait_for()
    assert bars.evaluate_all("els => els.filter(e => e.dataset.year === '').length") == 0
    undated_note = page.locator("#trend-undated")
    expect(undated_note).to_be_visible()
    assert "年份不详" in undated_note.inner_text() and "3" in undated_note.inner_text()
    # the tallest bar is a real year: the scale is set by the years alone
    heights = bars.evaluate_all(
        "els => els.map(e => [...e.querySelectorAll('rect.match, rect.other')]"
        ".reduce((h, r) => h + Number(r.getAttribute('height')), 0))"
    )
    assert max(heights) > 100  # the busiest year fills the plot; 3 undated reports did not
    expect(page.locator("#trend-table tbody tr[data-year='']")).to_have_count(1)  # still listed
    both_widths(page, "trend")
    assert page.problems == []


# -- the widget in a 400 px column --------------------------------------------------------------
def test_the_widget_fits_a_400px_column_and_its_chips_filter(page, servers):
    page.set_viewport_size({"width": 1280, "height": 900})
    widget = tb.widget_search(page, f"{servers['host']}/column.html", "依申请公开")
    widget.locator(".gk-hit").first.wait_for()
    before = int(widget.locator(".gk-status").get_attribute("data-total"))

    def fits(column: int = 400) -> None:
        width = page.locator("#column").evaluate("e => e.clientWidth")
        assert width == column
        inner = widget.locator(".gk-root").evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert inner[0] <= inner[1] + 1, inner
        assert widget.locator(".gk-root").evaluate("e => e.getBoundingClientRect().width") <= column
        chips = widget.locator(".gk-chip").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().right)"
        )
        right = widget.locator(".gk-root").evaluate("e => e.getBoundingClientRect().right")
        assert all(r <= right for r in chips)
        assert no_horizontal_overflow(page)

    years = widget.locator('.gk-facet[data-field="year"] .gk-chip')
    agencies = widget.locator('.gk-facet[data-field="agency"] .gk-chip')
    expect(years.first).to_be_visible()
    expect(agencies.first).to_be_visible()
    fits()
    shot(page, "widget-column-1280.png", full_page=True)
    widget.screenshot(path=str(tb.OUTPUT / "widget-column-400.png"))
    page.locator("#column").evaluate("e => { e.style.width = '320px' }")  # a narrower column
    fits(320)
    widget.screenshot(path=str(tb.OUTPUT / "widget-column-320.png"))
    page.locator("#column").evaluate("e => { e.style.width = '' }")
    chip = years.nth(1)
    year = chip.get_attribute("data-value")
    count = int(chip.locator(".gk-chip-n").inner_text())
    chip.click()
    expect(widget.locator(".gk-status")).not_to_have_attribute("data-total", str(before))
    after = int(widget.locator(".gk-status").get_attribute("data-total"))
    assert 0 < after < before
    hit_years = widget.locator(".gk-hit").evaluate_all("els => els.map(e => e.dataset.year)")
    assert set(hit_years) == {year}
    want = api(servers["api"], "/api/search", q="依申请公开", year=year, limit=0)
    assert after == want["total"] and want["reports"] == count
    expect(widget.locator(f'.gk-chip[aria-pressed="true"][data-value="{year}"]')).to_be_visible()
    fits()
    widget.screenshot(path=str(tb.OUTPUT / "widget-column-400-filtered.png"))

    widget.locator(f'.gk-chip[aria-pressed="true"][data-value="{year}"]').click()  # widen again
    expect(widget.locator(".gk-status")).to_have_attribute("data-total", str(before))
    assert page.problems == []


def test_the_widget_shows_errors_in_chinese(page, servers):
    widget = tb.widget_search(page, f"{servers['host']}/column.html", '"依申请公开')
    status = widget.locator(".gk-status.gk-error")
    expect(status).to_be_visible()
    expect(status).to_have_attribute("data-code", "unclosed_quote")
    assert "引号没有配对" in status.inner_text() and "unclosed" not in status.inner_text()
