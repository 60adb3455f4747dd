"""The web face in a real headless Chromium (Debian's /usr/bin/chromium via Playwright): the
search page, facets, paging, history, the report view, and the widget embedded in a host page
served from another origin. The server is the real `cli.py serve` in a subprocess.
Screenshots go to tests/output/ (gitignored)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
OUTPUT = ROOT / "tests" / "output"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    pytest.skip("playwright not installed: pip install -e '.[test]'", allow_module_level=True)
if not os.path.exists(CHROMIUM):  # pragma: no cover
    pytest.skip("chromium not installed: apt-get install chromium", allow_module_level=True)

XSS = "<script>alert(1)</script>"
XSS_REPORT = f"""测试区2016年政府信息公开工作年度报告{XSS}

一、总体情况

本年度测试区人民政府认真贯彻《中华人民共和国政府信息公开条例》，{XSS} 全面推进政府信息公开工作，
主动公开政府信息120条。<img src=x onerror=alert(2)> 警示样本

二、依申请公开情况

本年度共收到政府信息公开申请15件，全部按时办结。
"""

HOST_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>本地新闻网 · 专题</title>
<link rel="icon" href="data:,">
<style>
  body {{ font-family: Georgia, serif; background: #fbf7ee; margin: 32px 48px; color: #333; }}
  h1 {{ font-size: 26px; margin: 0 0 8px; }}
  p {{ color: red; font-size: 19px; }}
  mark {{ display: none; }}
  a {{ color: orange !important; }}
  input, button {{ border: 4px dashed purple; }}
  .gk-root, .gk-hit, .hit {{ display: none; }}
  #gongkai {{ max-width: 640px; margin: 20px 0; }}
</style></head>
<body>
  <h1>本地新闻网：政务公开专题</h1>
  <p id="host-para">这是宿主页面自己的段落，样式为红色。</p>
  <mark id="host-mark">宿主页面隐藏的 mark</mark>
  <div id="gongkai"></div>
  <script src="{api}/widget.js" data-target="#gongkai" data-limit="4"></script>
  <p id="host-after">宿主页面的后续内容。</p>
</body></html>
"""

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _static_server(directory: Path, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_Quiet, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def serve(index: str, port: int, log, *options: str) -> subprocess.Popen:
    """The real `cli.py serve` on `index` at `port`, once it answers (else the test fails with
    its log); stop it with `stop`."""
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "serve", "--index", index, "--port", str(port)]
        + list(options),
        cwd=str(ROOT),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/reports", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.seek(0)
            pytest.fail(f"server did not start:\n{log.read()}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_servers(tmp_path_factory, extra: dict[str, str], pages: dict[str, str]):
    """Index corpus/samples plus the `extra` files (name → text), start the real `cli.py serve`
    on it (allowing CORS from the host origin) and two static sites serving `pages` (name →
    HTML, with {api} for the server's URL): the host origin and one the server does not allow.
    Yields {"api", "host", "other"}; stops them all after."""
    from index.writer import ingest

    extra_dir = tmp_path_factory.mktemp("browser-extra")
    for name, text in extra.items():
        (extra_dir / name).write_text(text, encoding="utf-8")
    index = str(tmp_path_factory.mktemp("browser-index"))
    stats = ingest([str(SAMPLES), str(extra_dir)], index)
    assert not stats.failed, stats.failed

    api_port, host_port, other_port = free_port(), free_port(), free_port()
    api = f"http://127.0.0.1:{api_port}"
    host = f"http://127.0.0.1:{host_port}"
    other = f"http://127.0.0.1:{other_port}"
    log = open(tmp_path_factory.mktemp("server-log") / "serve.log", "w+")  # noqa: SIM115
    proc = serve(index, api_port, log, "--cors-origin", host)

    site = tmp_path_factory.mktemp("host-site")
    for name, html in pages.items():
        (site / name).write_text(html.format(api=api), encoding="utf-8")
    statics = [_static_server(site, host_port), _static_server(site, other_port)]
    yield {"api": api, "host": host, "other": other}
    for s in statics:
        s.shutdown()
    stop(proc)
    log.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    yield from run_servers(
        tmp_path_factory, {"xss_report.txt": XSS_REPORT}, {"host.html": HOST_PAGE}
    )


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


def open_page(browser, *permissions):
    """A fresh browser tab that records console errors, page errors and dialogs."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    if permissions:
        ctx.grant_permissions(list(permissions))
    pg = ctx.new_page()
    pg.set_default_timeout(15_000)
    pg.problems = []  # console errors (CSP violations show up here), page errors, dialogs
    pg.on(
        "console",
        lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))

    def on_dialog(d):
        pg.problems.append(f"dialog: {d.message}")
        d.dismiss()

    pg.on("dialog", on_dialog)
    return ctx, pg


@pytest.fixture
def page(browser):
    ctx, pg = open_page(browser)
    yield pg
    ctx.close()


def api_get(base: str, path: str, **params) -> dict:
    """The server's JSON answer to GET path?params."""
    url = f"{base}{path}?{urllib.parse.urlencode(params)}" if params else f"{base}{path}"
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def shot(page, name: str, **kw) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / name), **kw)


# (Our pages' CSP forbids eval, so waits use expect(...) rather than wait_for_function.)
def total(page) -> int:
    return int(page.locator("#summary").get_attribute("data-total") or 0)


def search_for(page, base: str, q: str) -> None:
    page.goto(f"{base}/")
    page.fill("#q", q)
    page.press("#q", "Enter")
    page.locator(".hit").first.wait_for()


# -- the search page --------------------------------------------------------------------------
def test_query_shows_highlighted_results(page, servers):
    page.goto(f"{servers['api']}/")
    expect(page.locator("#intro")).to_be_visible()
    expect(page.locator("#report-list li").first).to_be_visible()
    page.fill("#q", "依申请公开")
    page.press("#q", "Enter")
    page.locator(".hit mark").first.wait_for()
    assert "q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80" in page.url
    assert total(page) > 0
    assert page.locator(".hit").count() == min(10, total(page))
    marks = page.locator(".hit-text mark, .hit-heading mark, .hit-text .run-in mark")
    assert marks.count() >= page.locator(".hit").count()
    assert set(marks.all_inner_texts()) == {"依申请公开"}
    assert page.locator("#year-chart svg .bar").count() >= 1
    expect(page.locator("#facet-year .facet-item").first).to_be_visible()
    shot(page, "search.png")
    assert page.problems == []


def test_year_facet_narrows_and_history_works(page, servers):
    search_for(page, servers["api"], "政府信息")
    before = total(page)
    facet = page.locator("#facet-year button.facet-item").nth(1)
    year = facet.get_attribute("data-value")
    count = int(facet.locator(".facet-count").inner_text())
    facet.click()
    page.wait_for_url(re.compile(rf"year={year}"))
    expect(page.locator("#summary")).not_to_have_attribute("data-total", str(before))
    after = total(page)
    assert 0 < after < before
    assert int(page.locator("#summary").get_attribute("data-reports")) == count
    years = page.locator(".hit").evaluate_all("els => els.map(e => e.dataset.year)")
    assert years and set(years) == {year}
    expect(page.locator(f'#facet-year .facet-item.active[data-value="{year}"]')).to_be_visible()
    expect(page.locator('#active-filters .chip[data-field="year"]')).to_contain_text(year)
    expect(page.locator(f'#year-chart .bar.active[data-year="{year}"]')).to_have_count(1)
    shot(page, "search-year-filter.png")

    page.go_back()  # back: the unfiltered list
    expect(page.locator("#summary")).to_have_attribute("data-total", str(before))
    assert "year=" not in page.url
    page.go_forward()  # forward: filtered again
    expect(page.locator("#summary")).to_have_attribute("data-total", str(after))
    assert f"year={year}" in page.url

    page.locator('#active-filters .chip[data-field="year"]').click()  # remove the filter
    expect(page.locator("#summary")).to_have_attribute("data-total", str(before))
    assert "year=" not in page.url
    assert page.problems == []


def test_paging_and_shared_urls(page, servers):
    search_for(page, servers["api"], "政府信息")
    first = page.locator(".hit").first.get_attribute("data-passage-id")
    assert total(page) > 10
    page.click("#next")
    page.wait_for_url(re.compile(r"offset=10"))
    expect(page.locator(".hit").first).not_to_have_attribute("data-passage-id", first)
    assert page.locator(".hit .rank").first.inner_text() == "11"
    second = page.locator(".hit").first.get_attribute("data-passage-id")
    url = page.url
    page.click("#prev")
    expect(page.locator(".hit").first).to_have_attribute("data-passage-id", first)
    assert "offset=" not in page.url

    other = page.context.new_page()  # a bookmarked / shared URL shows the same list
    other.goto(url)
    other.locator(".hit").first.wait_for()
    assert other.locator(".hit").first.get_attribute("data-passage-id") == second
    assert other.input_value("#q") == "政府信息"
    other.close()
    assert page.problems == []


def test_report_view_shows_the_passage(page, servers):
    search_for(page, servers["api"], "依申请公开")
    hit = page.locator(".hit").nth(2)
    passage_id = hit.get_attribute("data-passage-id")
    report_id = hit.get_attribute("data-report-id")
    results_url = page.url
    hit.locator(".hit-title a").click()
    page.wait_for_url(re.compile(rf"/reports/{report_id}"))
    chosen = page.locator(".is-chosen")
    expect(chosen).to_have_count(1)
    assert chosen.get_attribute("id") == f"p-{passage_id}"
    expect(chosen).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0 or chosen.bounding_box()["y"] < 900
    bg = chosen.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.locator("#report mark").count() >= 1
    api = json.loads(urllib.request.urlopen(f"{servers['api']}/api/reports/{report_id}").read())
    assert page.locator("#report [id^='p-']").count() == len(api["passages"])
    shot(page, "report.png")
    page.click("#back-link")
    page.wait_for_url(results_url)
    page.locator(".hit").first.wait_for()
    assert page.problems == []


def test_hostile_document_renders_as_text(page, servers):
    search_for(page, servers["api"], "警示样本")
    hit = page.locator(".hit").first
    expect(hit.locator(".hit-title")).to_contain_text(XSS)
    expect(hit.locator(".hit-text")).to_contain_text("<img src=x onerror=alert(2)>")
    assert page.locator("#hits script, #hits img").count() == 0
    hit.locator(".hit-title a").click()
    page.wait_for_url(re.compile(r"/reports/"))
    expect(page.locator("h1")).to_contain_text(XSS)
    assert page.locator("#report script, #report img").count() == 0
    page.wait_for_timeout(300)
    assert page.problems == []  # no alert() dialog, no CSP violation


def test_narrow_screen_has_no_horizontal_scroll(page, servers):
    page.set_viewport_size({"width": 390, "height": 844})
    search_for(page, servers["api"], "依申请公开")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "search-mobile.png")


# -- the widget -------------------------------------------------------------------------------
def test_widget_in_a_host_page(page, servers):
    page.goto(f"{servers['host']}/host.html")
    style = "e => { const s = getComputedStyle(e); return [s.color, s.fontFamily, s.fontSize] }"
    host_before = page.locator("#host-para").evaluate(style)
    sheets_before = page.evaluate("document.styleSheets.length")
    widget = page.locator("#gongkai")
    widget.locator(".gk-input").fill("依申请公开")
    widget.locator(".gk-input").press("Enter")
    widget.locator(".gk-hit mark").first.wait_for()
    assert widget.locator(".gk-hit").count() == 4
    assert int(widget.locator(".gk-status").get_attribute("data-total")) > 4

    # the host page's CSS does not reach into the widget...
    mark = widget.locator(".gk-hit mark").first
    assert mark.evaluate("e => getComputedStyle(e).display") == "inline"
    expect(mark).to_be_visible()
    expect(widget.locator(".gk-root")).to_be_visible()
    text_color = widget.locator(".gk-text").first.evaluate("e => getComputedStyle(e).color")
    assert text_color != "rgb(255, 0, 0)"
    link_color = widget.locator(".gk-link").first.evaluate("e => getComputedStyle(e).color")
    assert link_color != "rgb(255, 165, 0)"
    font = widget.locator(".gk-root").evaluate("e => getComputedStyle(e).fontFamily")
    assert "Georgia" not in font and "Noto Sans CJK SC" in font
    # ...and the widget's CSS does not leak out
    assert page.locator("#host-para").evaluate(style) == host_before
    assert host_before[0] == "rgb(255, 0, 0)"
    assert page.locator("#host-mark").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.evaluate("document.styleSheets.length") == sheets_before
    assert page.evaluate("document.querySelectorAll('[class*=gk-], style').length") == 1
    # results link to the report view on the gongkai server
    href = widget.locator(".gk-link").first.get_attribute("href")
    assert href.startswith(f"{servers['api']}/reports/") and "#p-" in href
    widget.scroll_into_view_if_needed()
    shot(page, "widget.png", full_page=True)

    widget.locator(".gk-input").fill("警示样本")  # hostile text stays text in the host page
    widget.locator(".gk-input").press("Enter")
    expect(widget.locator(".gk-link").first).to_contain_text(XSS)
    assert widget.locator(".gk-hits script, .gk-hits img").count() == 0
    page.wait_for_timeout(300)
    assert page.problems == []


def widget_search(page, url: str, q: str):
    """Open the host page at `url` and search `q` in its widget; the widget's locator."""
    page.goto(url)
    widget = page.locator("#gongkai")
    widget.locator(".gk-input").fill(q)
    widget.locator(".gk-input").press("Enter")
    return widget


def test_widget_refused_for_an_origin_not_allowed(page, servers):
    widget = widget_search(page, f"{servers['other']}/host.html", "依申请公开")
    expect(widget.locator(".gk-status.gk-error")).to_be_visible()
    assert widget.locator(".gk-hit").count() == 0
    assert any("CORS" in p or "Access-Control" in p or "blocked" in p for p in page.problems)
