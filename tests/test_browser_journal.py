"""The journalist tools on the search page, in a real headless Chromium (Debian's
/usr/bin/chromium via Playwright): the view switch (results | compare | trend | kwic) carried in
the URL, compare cards, the trend chart, the KWIC table, export links, and cite / similar on each
hit. The server is the real `cli.py serve` in a subprocess, started by the fixtures of
tests/test_browser.py (samples plus a hostile report). Screenshots go to tests/output/."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import urllib.request

import pytest
import test_browser as tb  # skips this module too when playwright or chromium is missing
from playwright.sync_api import expect

# test_browser's fixtures, used here by name: the server on the samples plus a hostile report
# (a server of this module's own), and the browser
servers = tb.servers
browser = tb.browser
XSS, shot, total = tb.XSS, tb.shot, tb.total
QUERY = "依申请公开"


@pytest.fixture
def page(browser):  # as test_browser's, plus clipboard access for "cite"
    ctx, pg = tb.open_page(browser, "clipboard-read", "clipboard-write")
    yield pg
    ctx.close()


api = tb.api_get


def search_for(page, base: str, q: str) -> None:
    page.goto(f"{base}/")
    page.fill("#q", q)
    page.press("#q", "Enter")
    page.locator(".hit").first.wait_for()


def open_view(page, view: str) -> None:
    page.locator(f'#view-tabs .view-tab[data-view="{view}"]').click()
    page.wait_for_url(re.compile(rf"view={view}"))
    expect(page.locator(f"#view-{view}")).to_be_visible()


def year_counts(facets: dict) -> dict[str, int]:
    return {("" if f["value"] is None else str(f["value"])): f["count"] for f in facets["year"]}


# -- compare ----------------------------------------------------------------------------------
def test_compare_one_card_per_agency_then_per_year(page, servers):
    base = servers["api"]
    facets = api(base, "/api/search", q=QUERY, limit=0)["facets"]
    search_for(page, base, QUERY)
    open_view(page, "compare")
    assert page.locator("#hits").is_hidden()
    cards = page.locator("#compare-cards .card")
    expect(cards).to_have_count(len(facets["agency"]))
    # one card per agency, each with that agency's matching reports, as the facet counts them
    agency_counts = {f["value"]: f["count"] for f in facets["agency"]}
    shown = cards.evaluate_all("els => els.map(e => [e.dataset.group, Number(e.dataset.reports)])")
    assert dict(shown) == agency_counts
    # ordered by relevance: ranks 1..n, the API's order
    ranks = cards.locator(".card-rank").all_inner_texts()
    assert ranks == [str(i) for i in range(1, len(facets["agency"]) + 1)]
    best = api(base, "/api/compare", q=QUERY, by="agency", limit=0)["results"]
    assert cards.evaluate_all("els => els.map(e => e.dataset.passageId)") == [
        r["passage_id"] for r in best
    ]
    # every card: group label, report link, the best passage with the engine's <mark>s
    first = cards.first
    expect(first.locator(".card-group")).to_have_text(best[0]["label"])
    href = first.locator(".card-title a").get_attribute("href")
    assert href.startswith(f"/reports/{best[0]['report_id']}?passage={best[0]['passage_id']}")
    assert set(page.locator("#compare-cards mark").all_inner_texts()) == {QUERY}
    assert page.locator("#compare-cards .card:has(mark)").count() == len(best)
    expect(page.locator("#view-tabs .view-tab.active")).to_have_attribute("data-view", "compare")
    shot(page, "compare.png")
    # the sidebar shows the same number of agencies once expanded
    page.locator("#facet-agency .more").click()
    expect(page.locator("#facet-agency .facet-list li")).to_have_count(len(facets["agency"]))

    # cite copies the one-line citation
    first.locator(".act-cite").click()
    expect(first.locator(".cite-box .cite-text")).to_have_text(best[0]["citation"])
    assert page.evaluate("navigator.clipboard.readText()") == best[0]["citation"]

    # by year: the toggle is in the URL, one card per year with that year's report count
    page.locator('#compare-by button[data-by="year"]').click()
    page.wait_for_url(re.compile(r"by=year"))
    expect(cards).to_have_count(len(facets["year"]))
    expect(page.locator('#compare-by button[data-by="year"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    shown = cards.evaluate_all("els => els.map(e => [e.dataset.group, Number(e.dataset.reports)])")
    assert dict(shown) == year_counts(facets)
    page.go_back()  # back to by-agency
    expect(cards).to_have_count(len(facets["agency"]))
    assert "by=year" not in page.url and "view=compare" in page.url
    assert page.problems == []


# -- trend ------------------------------------------------------------------------------------
def test_trend_bars_equal_the_year_facet(page, servers):
    base = servers["api"]
    facets = api(base, "/api/search", q=QUERY, limit=0)["facets"]
    trend = api(base, "/api/trend", q=QUERY)
    search_for(page, base, QUERY)
    open_view(page, "trend")
    bars = page.locator("#trend-chart svg .tbar")
    expect(bars).to_have_count(len(trend["rows"]))  # every year that has reports
    data = bars.evaluate_all(
        "els => els.map(e => [e.dataset.year, +e.dataset.reports, +e.dataset.all, +e.dataset.share])"
    )
    matching = {y: n for y, n, _, _ in data if n}
    assert matching == year_counts(facets)
    for _, n, all_reports, share in data:  # the share of all reports of that year
        assert all_reports >= n and share == pytest.approx(n / all_reports)
    assert sum(all_reports for _, _, all_reports, _ in data) == trend["all_reports"]
    # drawn: a matching bar for each year that matches, a share dot for every year
    assert page.locator("#trend-chart .tbar rect.match").count() == len(matching)
    assert page.locator("#trend-chart .tbar .share-dot").count() == len(data)
    # the data table says the same
    page.locator("#trend-data summary").click()
    rows = page.locator("#trend-table tbody tr")
    expect(rows).to_have_count(len(trend["rows"]))
    # hovering a bar reads out its numbers
    year, n, all_reports, _ = next(d for d in data if d[1])
    page.locator(f'#trend-chart .tbar[data-year="{year}"]').hover()
    expect(page.locator("#trend-readout")).to_contain_text(f"{year} 年：{n} / {all_reports}")
    page.mouse.move(0, 0)
    page.locator("#trend-data").evaluate("e => e.open = false")
    shot(page, "trend.png", full_page=True)

    # the PNG and CSV links
    png = page.request.get(base + page.locator("#trend-png").get_attribute("href"))
    assert png.ok and png.headers["content-type"] == "image/png"
    assert png.body()[:8] == b"\x89PNG\r\n\x1a\n"
    got = page.request.get(base + page.locator("#trend-csv").get_attribute("href"))
    assert got.ok and got.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(got.text().lstrip("\ufeff"))))
    assert len(table) == len(trend["rows"])

    # clicking a year's bar lists that year's passages
    page.locator(f'#trend-chart .tbar[data-year="{year}"]').click()
    page.wait_for_url(re.compile(rf"year={year}"))
    assert "view=" not in page.url
    expect(page.locator("#summary")).to_have_attribute("data-reports", str(n))
    assert page.problems == []


# -- kwic -------------------------------------------------------------------------------------
def occurrences_in_matching_passages(base: str, q: str, term: str) -> int:
    from index.normalize import normalize

    res = api(base, "/api/search", q=q, limit=100)
    assert res["total"] <= len(res["hits"]) or res["total"] <= 100
    needle = normalize(term)
    n = 0
    for h in res["hits"]:
        text = normalize(h["text"])
        start = text.find(needle)
        while start != -1:
            n += 1
            start = text.find(needle, start + 1)
    return n


def test_kwic_lists_every_occurrence_and_sorts(page, servers):
    base = servers["api"]
    expected = occurrences_in_matching_passages(base, QUERY, QUERY)
    assert expected > api(base, "/api/search", q=QUERY, limit=0)["total"]  # some passages twice
    search_for(page, base, QUERY)
    open_view(page, "kwic")
    rows = page.locator("#kwic-table tbody tr")
    expect(rows).to_have_count(expected)
    expect(page.locator("#kwic-note")).to_have_attribute("data-total", str(expected))
    assert page.input_value("#kwic-term") == QUERY
    assert set(page.locator("#kwic-table td.term mark").all_inner_texts()) == {QUERY}
    # the contexts are lined up on the term: left cells end where the term cell starts
    left = page.locator("#kwic-table td.left").first.bounding_box()
    term = page.locator("#kwic-table td.term").first.bounding_box()
    assert abs(left["x"] + left["width"] - term["x"]) < 1

    def column(key: str) -> list[str]:
        return rows.evaluate_all(f"els => els.map(e => e.dataset.{key})")

    # sort by agency, then by year: clicking a header re-sorts and goes into the URL
    page.locator('#kwic-table th[data-sort="agency"] button').click()
    page.wait_for_url(re.compile(r"sort=agency"))
    expect(page.locator('#kwic-table th[data-sort="agency"]')).to_have_attribute(
        "aria-sort", "ascending"
    )
    agencies = column("agency")
    assert agencies == sorted(agencies, key=lambda a: (a == "", a))
    page.locator('#kwic-table th[data-sort="year"] button').click()
    page.wait_for_url(lambda url: "sort=" not in url)  # year is the default order
    expect(page.locator('#kwic-table th[data-sort="year"]')).to_have_attribute(
        "aria-sort", "ascending"
    )
    years = column("year")
    assert years != agencies
    keys = [(y == "", int(y) if y else 0) for y in years]
    assert keys == sorted(keys) and len(years) == expected
    shot(page, "kwic.png", full_page=True)

    # the CSV link has every occurrence
    got = page.request.get(base + page.locator("#kwic-csv").get_attribute("href"))
    assert got.ok and got.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(got.text().lstrip("\ufeff"))))
    assert len(table) == expected and {r["match"] for r in table} == {QUERY}

    # a shared URL opens the same view, sorted the same way
    other = page.context.new_page()
    other.goto(f"{base}/?q={urllib.parse.quote(QUERY)}&view=kwic&sort=right")
    expect(other.locator("#kwic-table tbody tr")).to_have_count(expected)
    expect(other.locator('#kwic-table th[data-sort="right"]')).to_have_attribute(
        "aria-sort", "ascending"
    )
    other.close()
    assert page.problems == []


def test_kwic_picks_one_word_of_the_query_and_keeps_hostile_text_as_text(page, servers):
    base = servers["api"]
    page.goto(f"{base}/?q={urllib.parse.quote('警示样本 政府信息')}&view=kwic")
    expect(page.locator("#kwic-table tbody tr")).to_have_count(1)
    expect(page.locator("#kwic-choices .chip-term")).to_have_count(2)
    row = page.locator("#kwic-table tbody tr").first
    expect(row.locator("td.left")).to_contain_text("onerror=alert(2)>")
    assert page.locator("#kwic-table img, #kwic-table script").count() == 0
    # the other word of the query
    page.locator("#kwic-choices .chip-term", has_text="政府信息").click()
    page.wait_for_url(re.compile(r"term="))
    want = api(base, "/api/kwic", term="政府信息", limit=1)["total"]
    expect(page.locator("#kwic-note")).to_have_attribute("data-total", str(want))
    # a term typed by hand
    page.fill("#kwic-term", "行政复议")
    page.press("#kwic-term", "Enter")
    want = api(base, "/api/kwic", term="行政复议", limit=1)["total"]
    expect(page.locator("#kwic-note")).to_have_attribute("data-total", str(want))
    expect(page.locator("#kwic-table tbody tr")).to_have_count(want)
    # compare on the hostile report: its title stays text
    page.goto(f"{base}/?q={urllib.parse.quote('警示样本')}&view=compare")
    expect(page.locator("#compare-cards .card")).to_have_count(1)
    expect(page.locator("#compare-cards .card-title a")).to_contain_text(XSS)
    assert page.locator("#compare-cards script, #compare-cards img").count() == 0
    page.wait_for_timeout(300)
    assert page.problems == []


# -- on each hit: cite and similar --------------------------------------------------------------
def test_hit_cite_and_similar(page, servers):
    base = servers["api"]
    search_for(page, base, QUERY)
    hit = page.locator(".hit").first
    pid = hit.get_attribute("data-passage-id")
    citation = api(base, f"/api/cite/{pid}")["citation"]
    hit.locator(".act-cite").click()
    expect(hit.locator(".cite-box .cite-text")).to_have_text(citation)
    expect(hit.locator(".cite-box .cite-status")).to_have_text("已复制引用")
    assert page.evaluate("navigator.clipboard.readText()") == citation

    similar = api(base, f"/api/similar/{pid}", limit=5)["results"]
    hit.locator(".act-similar").click()
    expect(hit.locator(".act-similar")).to_have_attribute("aria-expanded", "true")
    box = hit.locator(".similar")
    expect(box).to_have_attribute("data-count", str(len(similar)))
    if similar:
        items = box.locator(".sim-item")
        expect(items).to_have_count(len(similar))
        assert items.evaluate_all("els => els.map(e => e.dataset.passageId)") == [
            r["passage_id"] for r in similar
        ]
        # the shared wording is marked, exactly the "same" segments
        squeeze = lambda texts: [re.sub(r"\s+", "", t) for t in texts]  # noqa: E731
        first_same = [t for kind, t in similar[0]["segments"] if kind == "same"]
        marked = items.first.locator("mark.same").all_inner_texts()
        assert first_same and squeeze(marked) == squeeze(first_same)
        assert all(r["report_id"] != hit.get_attribute("data-report-id") for r in similar)
    else:
        expect(box.locator(".similar-note.none")).to_be_visible()
    hit.scroll_into_view_if_needed()
    shot(page, "similar.png")
    hit.locator(".act-similar").click()  # closes again
    expect(box).to_be_hidden()
    assert page.problems == []


def test_similar_says_so_when_there_is_nothing(page, servers):
    """With "near copies only" (60% and more), a passage that has none says so."""
    base = servers["api"]
    search_for(page, base, QUERY)
    ids = page.locator(".hit").evaluate_all("els => els.map(e => e.dataset.passageId)")
    for pid in ids:
        if not api(base, f"/api/similar/{pid}", limit=5, min_similarity=0.6)["results"]:
            break
    else:
        pytest.skip("every hit on the first page has a near copy")
    hit = page.locator(f'.hit[data-passage-id="{pid}"]')
    hit.locator(".act-similar").click()
    box = hit.locator(".similar")
    expect(box).not_to_have_attribute("data-count", "")
    box.locator("input.near-only").check()
    expect(box).to_have_attribute("data-count", "0")
    expect(box.locator(".similar-note.none")).to_contain_text("没有近似抄录")
    assert box.locator(".sim-item").count() == 0
    box.locator("input.near-only").uncheck()  # and back to the closest ones
    expect(box.locator(".sim-item").first).to_be_visible()
    assert page.problems == []


# -- export, state, layout ----------------------------------------------------------------------
def test_export_links_download_every_matching_passage(page, servers):
    base = servers["api"]
    search_for(page, base, QUERY)
    n = total(page)
    expect(page.locator("#export")).to_be_visible()
    got = page.request.get(base + page.locator("#export-csv").get_attribute("href"))
    assert got.ok and got.headers["content-type"].startswith("text/csv")
    assert got.headers["x-total-count"] == str(n)
    text = got.text()
    assert text.startswith("\ufeffrank,score,agency,year,title")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == n and all(r["citation"] for r in rows)
    got = page.request.get(base + page.locator("#export-jsonl").get_attribute("href"))
    assert got.ok and "ndjson" in got.headers["content-type"]
    lines = [json.loads(line) for line in got.text().splitlines() if line.strip()]
    assert len(lines) == n and any("<mark>" in r["highlight"] for r in lines)

    # the export follows the filters
    page.locator("#facet-year button.facet-item").first.click()
    page.wait_for_url(re.compile(r"year="))
    expect(page.locator("#export-csv")).to_have_attribute("href", re.compile(r"year=\d{4}"))
    assert page.problems == []


def test_views_keep_filters_and_history(page, servers):
    base = servers["api"]
    search_for(page, base, QUERY)
    page.locator("#facet-year button.facet-item").first.click()
    page.wait_for_url(re.compile(r"year="))
    year = re.search(r"year=(\d+)", page.url).group(1)
    filtered = total(page)
    open_view(page, "compare")
    assert f"year={year}" in page.url
    cards = page.locator("#compare-cards .card")
    expect(cards.first).to_be_visible()
    assert int(cards.first.get_attribute("data-passages")) <= filtered
    open_view(page, "trend")
    expect(page.locator("#trend-chart .tbar rect.match")).to_have_count(1)
    page.go_back()
    expect(page.locator("#view-compare")).to_be_visible()
    expect(page.locator("#view-trend")).to_be_hidden()
    page.go_back()
    expect(page.locator("#hits .hit").first).to_be_visible()
    expect(page.locator("#view-compare")).to_be_hidden()
    page.go_forward()
    expect(page.locator("#view-compare")).to_be_visible()
    # a new query keeps the view
    page.fill("#q", "行政复议")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=%E8%A1%8C"))
    assert "view=compare" in page.url
    want = len(api(base, "/api/search", q="行政复议", year=year, limit=0)["facets"]["agency"])
    expect(cards).to_have_count(want)
    # the landing page has no views
    page.goto(f"{base}/?view=trend")
    expect(page.locator("#intro")).to_be_visible()
    assert page.locator("#views").is_hidden() and page.locator("#view-trend").is_hidden()
    assert page.problems == []


@pytest.mark.parametrize("view", ["compare", "trend", "kwic"])
def test_views_on_a_narrow_screen(page, servers, view):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{servers['api']}/?q={urllib.parse.quote(QUERY)}&view={view}")
    expect(page.locator(f"#view-{view}")).to_be_visible()
    first = {"compare": ".card", "trend": ".tbar", "kwic": "tbody tr"}[view]
    page.locator(f"#view-{view} {first}").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, f"{view}-mobile.png")
    assert page.problems == []
