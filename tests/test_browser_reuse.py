"""The 年度对比 (/diff) and 年报重复度 (/reuse) views in a real headless Chromium against the real
`cli.py serve` over the real reports: reached from a report's page, the shares and figures the
API gives drawn on the page, each reuse row linking to its diff; /api/diff and /api/reuse
answer exactly what `diff --json` and `reuse --json` print. Screenshots at 1280 and 400 px
in tests/output/."""

from __future__ import annotations

import pytest
import test_browser as tb  # skips this module too when playwright or chromium is missing
from conftest import ROOT, cli_json, run_cli
from playwright.sync_api import expect

browser = tb.browser
shot = tb.shot
REAL = ROOT.parent / "shared" / "realreports"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not (REAL / "expect.json").exists():
        pytest.skip(f"real reports not found at {REAL} (they sit beside the checkout in CI)")
    index = str(tmp_path_factory.mktemp("reuse-browser-index"))
    assert run_cli("ingest", str(REAL), "--index", index).returncode == 0
    reports = cli_json("reports", "--index", index)["reports"]
    ids = {(r["agency"][:4], r["year"]): r["report_id"] for r in reports}
    port = tb.free_port()
    log = open(tmp_path_factory.mktemp("reuse-serve-log") / "serve.log", "w+")  # noqa: SIM115
    proc = tb.serve(index, port, log)
    yield {"base": f"http://127.0.0.1:{port}", "index": index, "ids": ids}
    tb.stop(proc)
    log.close()


@pytest.fixture
def page(browser):
    ctx, pg = tb.open_page(browser)
    yield pg
    ctx.close()


def test_api_is_the_cli(server):
    base, index, ids = server["base"], server["index"], server["ids"]
    old, new = ids[("平潭综合", 2023)], ids[("平潭综合", 2024)]
    assert tb.api_get(base, "/api/diff", old=old, new=new) == {
        **cli_json("diff", old, new, "--index", index),
        # the web names a source file by its name alone (search/web/formats.py)
        "old": tb.api_get(base, "/api/diff", old=old, new=new)["old"],
        "new": tb.api_get(base, "/api/diff", old=old, new=new)["new"],
    }
    # without `old`: the agency's previous report
    assert tb.api_get(base, "/api/diff", new=new)["old"]["report_id"] == old
    assert tb.api_get(base, "/api/reuse", agency="平潭") == cli_json(
        "reuse", "--agency", "平潭", "--index", index
    )
    assert tb.api_get(base, "/api/reuse", all="true", sort="other") == cli_json(
        "reuse", "--all", "--sort", "other", "--index", index
    )
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as e:
        tb.api_get(base, "/api/diff", new=ids[("平潭县人", 2011)])
    assert e.value.code == 404
    import json

    assert json.loads(e.value.read())["code"] == "no_previous"


def test_diff_view_from_the_report_page(page, server):
    base, ids = server["base"], server["ids"]
    old, new = ids[("平潭综合", 2023)], ids[("平潭综合", 2024)]
    page.goto(f"{base}/reports/{new}")
    page.click("#report-compare a >> nth=0")
    expect(page.locator(".diff-headline")).to_be_visible()
    assert page.url.endswith(f"/diff?new={new}")
    res = tb.api_get(base, "/api/diff", old=old, new=new)
    headline = page.locator(".diff-headline").inner_text()
    assert f"{res['reuse']['verbatim'] * 100:.1f}%" in headline
    assert f"{res['reuse']['same_but_figures'] * 100:.1f}%" in headline
    # one item per NEW passage, with the status the API gives
    items = page.locator(".diff-list >> nth=0").locator(".diff-item")
    assert items.count() == len(res["passages"])
    statuses = items.evaluate_all("xs => xs.map(x => x.dataset.status)")
    assert statuses == [p["status"] for p in res["passages"]]
    # the new-requests figure: 81 → 218, +137
    row = page.locator('.figures-table tr[data-metric="requests.new.total"]').first
    assert [c.strip() for c in row.locator("th, td").all_inner_texts()] == [
        "依申请公开 · 本年新收申请 · 总计",
        "81",
        "218",
        "+137",
    ]
    # changed words are marked, and the old text opens beside
    changed = page.locator('.diff-item[data-status="changed"]').first
    assert changed.locator("mark.ins").count() > 0
    changed.locator("details.diff-old summary").click()
    expect(changed.locator("details.diff-old .diff-text")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "diff-1280.png")
    page.set_viewport_size({"width": 400, "height": 860})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "diff-400.png")
    assert not page.problems, page.problems


def test_diff_view_says_when_there_is_nothing_to_compare(page, server):
    page.goto(f"{server['base']}/diff?new={server['ids'][('淮安市人', 2024)]}")
    err = page.locator(".error")
    expect(err).to_be_visible()
    assert "没有更早年份的报告" in err.inner_text()
    assert err.get_attribute("data-code") == "no_previous"
    page.goto(f"{server['base']}/diff?new=0123456789abcdef")
    expect(page.locator(".error")).to_contain_text("索引中没有编号为 0123456789abcdef 的报告")


def test_reuse_view(page, server):
    base, ids = server["base"], server["ids"]
    page.goto(f"{base}/reuse")
    expect(page.locator("#reuse-summary")).to_contain_text("5 份报告中，2 份")
    rows = page.locator(".reuse-table tbody tr")
    assert rows.count() == 2
    res = tb.api_get(base, "/api/reuse")
    assert rows.evaluate_all("xs => xs.map(x => x.dataset.reportId)") == [
        r["report_id"] for r in res["rows"]
    ]
    first = rows.first
    assert f"{res['rows'][0]['reuse']['verbatim'] * 100:.1f}%" in first.inner_text()
    assert "淮安市人民政府" in rows.nth(1).locator("td.other").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "reuse-1280.png")
    page.set_viewport_size({"width": 400, "height": 860})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "reuse-400.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    # the form filters (and the URL keeps it); 对比 opens the pair's diff
    page.fill('.reuse-form input[name="year"]', "2013")
    page.click(".reuse-form button")
    expect(page.locator(".reuse-table tbody tr")).to_have_count(1)
    assert "year=2013" in page.url
    page.click(".reuse-table tbody tr a.diff-link")
    expect(page.locator(".diff-headline")).to_be_visible()
    assert page.url.endswith(f"old={ids[('平潭县人', 2011)]}&new={ids[('平潭县人', 2013)]}")
    pair = tb.api_get(base, "/api/diff", old=ids[("平潭县人", 2011)], new=ids[("平潭县人", 2013)])
    assert f"{pair['reuse']['verbatim'] * 100:.1f}%" in page.locator(".diff-headline").inner_text()
    assert not page.problems, page.problems
