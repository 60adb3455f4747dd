"""The web API and pages over a real index (corpus/samples plus a hostile report), through
FastAPI's TestClient; the JSON is compared with what the CLI prints for the same index."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from index.writer import ingest  # noqa: E402
from search.web.app import create_app  # noqa: E402
from search.web.formats import public  # noqa: E402

ALLOWED = "http://news.example.org"
OTHER = "http://evil.example.net"
XSS = "<script>alert(1)</script>"
XSS_REPORT = f"""测试区2016年政府信息公开工作年度报告{XSS}

一、总体情况

本年度测试区人民政府认真贯彻《中华人民共和国政府信息公开条例》，{XSS} 全面推进政府信息公开工作，
主动公开政府信息120条。<img src=x onerror=alert(2)> &amp; "quotes" 'single' 警示样本

二、依申请公开情况

本年度共收到政府信息公开申请15件，全部按时办结。<b>加粗</b>
"""


def _long_report() -> str:
    """One report with 130 passages matching 档案查阅: more hits than the limit cap."""
    lines = ["长篇区2018年政府信息公开工作年度报告", ""]
    for i in range(1, 131):
        lines += [
            f"第{i}项工作中，本区围绕档案查阅服务开展了细致工作，"
            + "持续完善制度建设并加强队伍培训，确保各项任务按期完成。" * 4,
            "",
        ]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def web_index(tmp_path_factory) -> str:
    extra = tmp_path_factory.mktemp("web-extra")
    (extra / "xss_report.txt").write_text(XSS_REPORT, encoding="utf-8")
    (extra / "long_report.txt").write_text(_long_report(), encoding="utf-8")
    d = str(tmp_path_factory.mktemp("web-index"))
    stats = ingest([str(SAMPLES), str(extra)], d)
    assert not stats.failed, stats.failed
    return d


@pytest.fixture(scope="module")
def client(web_index):
    with TestClient(create_app(web_index, cors_origins=[ALLOWED])) as c:
        yield c


def cli_json(index: str, *args: str) -> dict:
    p = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args, "--index", index, "--json"],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def get_ok(client, url: str, **params) -> dict:
    r = client.get(url, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def xss_id(client) -> str:
    rows = get_ok(client, "/api/reports")["reports"]
    return next(r["report_id"] for r in rows if XSS in r["title"])


# -- the same JSON as the CLI ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "api, cli",
    [
        ({"q": "政府信息"}, ["政府信息"]),
        (
            {"q": "依申请公开", "limit": 5, "offset": 3},
            ["依申请公开", "--limit", "5", "--offset", "3"],
        ),
        (
            {"q": '"行政复议" OR 诉讼', "year": "2010-2020"},
            ['"行政复议" OR 诉讼', "--year", "2010-2020"],
        ),
        (
            {"q": "公开", "section": "主动公开", "per_report": 1},
            ["公开", "--section", "主动公开", "--per-report", "1"],
        ),
        ({"q": "", "agency": "随县"}, ["", "--agency", "随县"]),
        ({"q": "档案查阅", "limit": 0}, ["档案查阅", "--limit", "0"]),
    ],
)
def test_search_is_the_cli_json(client, web_index, api, cli):
    # the same JSON, but for the source files, named by file name alone (test below)
    assert get_ok(client, "/api/search", **api) == public(cli_json(web_index, "search", *cli))


def test_reports_and_show_are_the_cli_json(client, web_index):
    reports = get_ok(client, "/api/reports")
    assert reports == public(cli_json(web_index, "reports"))
    assert len(reports["reports"]) >= 3
    for r in reports["reports"][:3]:
        shown = get_ok(client, f"/api/reports/{r['report_id']}")
        assert shown == public(cli_json(web_index, "show", r["report_id"]))
        assert shown["report"]["report_id"] == r["report_id"]
        assert len(shown["passages"]) == r["passages"]


def test_no_answer_names_a_directory_of_the_servers_disk(client, web_index):
    """Files are named relative to the folder given to ingest, in every answer that names
    them, the same on the CLI and the web: listings, hits, a report, a citation, an export."""
    cli = {r["report_id"]: r["source"] for r in cli_json(web_index, "reports")["reports"]}
    assert cli and not any(Path(s).is_absolute() for s in cli.values())
    tree = str(ROOT)  # the folders above the files
    listed = get_ok(client, "/api/reports")["reports"]
    assert {r["report_id"]: r["source"] for r in listed} == {
        k: Path(s).name for k, s in cli.items()
    }
    hit = get_ok(client, "/api/search", q="依申请公开")["hits"][0]
    assert hit["source"] == Path(cli[hit["report_id"]]).name
    shown = get_ok(client, f"/api/reports/{hit['report_id']}")
    cited = get_ok(client, f"/api/cite/{hit['passage_id']}")
    export = client.get("/api/export", params={"q": "依申请公开", "format": "csv"}).text
    page = client.get(f"/reports/{hit['report_id']}").text
    for answer in (
        json.dumps(listed),
        json.dumps(hit),
        json.dumps(shown),
        json.dumps(cited),
        export,
        page,
    ):
        assert tree not in answer
    assert Path(cli[hit["report_id"]]).name in page
    if not hit.get("url"):
        assert cited["citation"].endswith("来源：" + Path(cli[hit["report_id"]]).name)


def test_report_view_names_each_copy_by_file_name(tmp_path):
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    for d in ("inbox/甲", "archive/乙"):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / f"copy-{d[-1]}.txt").write_bytes(sample.read_bytes())
    index = str(tmp_path / "index")
    assert not ingest([str(tmp_path / "inbox"), str(tmp_path / "archive")], index).failed
    with TestClient(create_app(index)) as c:
        (report,) = get_ok(c, "/api/reports")["reports"]  # copies are one report
        # named relative to the folders given to ingest (inbox/, archive/)
        assert sorted(s["source"] for s in report["sources"]) == [
            "乙/copy-乙.txt",
            "甲/copy-甲.txt",
        ]
        page = c.get(f"/reports/{report['report_id']}").text
    assert str(tmp_path) not in page and "inbox" not in page and "archive" not in page
    assert re.search(r'id="report-source">./copy-.\.txt<', page)
    assert re.search(r'id="report-copies">./copy-.\.txt<', page)


def test_file_names_keep_urls_and_records():
    from search.web.formats import file_name

    assert file_name("https://www.gov.cn/a/b.html") == "https://www.gov.cn/a/b.html"
    assert file_name("/srv/data/张三/reports.jsonl:12") == "reports.jsonl:12"
    assert file_name("C:\\Users\\li\\年报.docx") == "年报.docx"
    assert file_name("file:///home/li/crawl.warc.gz#3") == "crawl.warc.gz#3"
    assert file_name("") == ""


# -- paging, filters, limits ----------------------------------------------------------------------
def test_pages_concatenate_to_the_unpaged_list(client):
    whole = get_ok(client, "/api/search", q="政府信息", limit=100)
    total = whole["total"]
    n = min(total, 100)
    assert total > 20 and len(whole["hits"]) == n
    paged = []
    for offset in range(0, n, 7):
        page = get_ok(client, "/api/search", q="政府信息", limit=7, offset=offset)
        assert page["total"] == total and page["offset"] == offset and page["limit"] == 7
        assert len(page["hits"]) == min(7, total - offset)
        paged += [h["passage_id"] for h in page["hits"]]
    assert paged[:n] == [h["passage_id"] for h in whole["hits"]]
    last = get_ok(client, "/api/search", q="政府信息", limit=10, offset=total - 3)
    assert len(last["hits"]) == 3
    beyond = get_ok(client, "/api/search", q="政府信息", offset=total + 50)
    assert beyond["hits"] == [] and beyond["total"] == total


@pytest.mark.parametrize("field", ["year", "section", "agency"])
def test_filters_narrow_to_the_facet_counts(client, field):
    base = get_ok(client, "/api/search", q="政府信息", limit=0)
    values = [f for f in base["facets"][field] if f["value"] not in (None, "")]
    assert len(values) >= 2
    for facet in values[:4]:
        res = get_ok(client, "/api/search", q="政府信息", limit=100, **{field: str(facet["value"])})
        assert res["reports"] == facet["count"]
        assert res["total"] < base["total"]
        assert res["hits"] and all(
            (str(h[field]) == str(facet["value"]))
            if field != "agency"
            else facet["value"] in h["agency"]
            for h in res["hits"]
        )
        # the filtered facets agree with the filtered totals
        assert sum(f["count"] for f in res["facets"]["year"]) == res["reports"]


def test_limit_is_capped_at_100(client):
    res = get_ok(client, "/api/search", q="档案查阅", limit=1000)
    assert res["total"] >= 130
    assert res["limit"] == 100 and len(res["hits"]) == 100
    assert get_ok(client, "/api/search", q="档案查阅", limit=100, offset=100)["hits"]


# -- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params, status, needle, code",
    [
        ({"q": '"unclosed'}, 400, "unclosed", "unclosed_quote"),
        ({"q": "(a"}, 400, "unbalanced", "unbalanced_open"),
        ({"q": "公开", "year": "abc"}, 400, "year", "bad_year"),
        ({"q": "公开", "year": "2015-2010"}, 400, "backwards", "year_backwards"),
        ({"q": "公开", "section": "nonsense"}, 400, "section", "bad_section"),
        ({"q": ""}, 400, "empty", "empty_query"),
        ({"q": "公" * 501}, 400, "too long", "too_long"),
        ({"q": "公开", "agency": "机" * 201}, 400, "too long", "filter_too_long"),
        ({"q": "公开", "limit": -1}, 422, "limit", "invalid_request"),
        ({"q": "公开", "limit": "abc"}, 422, "limit", "invalid_request"),
        ({"q": "公开", "offset": -5}, 422, "offset", "invalid_request"),
        ({"q": "公开", "offset": 10**9}, 422, "offset", "invalid_request"),
        ({"q": "公开", "per_report": 0}, 422, "per_report", "invalid_request"),
    ],
)
def test_bad_requests_are_json_errors(client, params, status, needle, code):
    from search.web.messages import ERRORS_ZH

    r = client.get("/api/search", params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert isinstance(body["error"], str) and needle in body["error"]  # English, for programs
    assert body["code"] == code and code in ERRORS_ZH  # a code the page says in Chinese
    zh = ERRORS_ZH[code].format(**body["params"])  # every {name} is filled by the params
    assert re.search(r"[\u4e00-\u9fff]", zh)


def test_every_error_code_has_chinese_words():
    """Each code the code base raises (QueryError(…, "code"), WebError(…, code=…), the codes by
    status) has the page's Chinese message."""
    from search.faults import FAULTS
    from search.web.errors import STATUS_CODES
    from search.web.messages import ERRORS_ZH

    raised = set(STATUS_CODES.values()) | {fault.code for fault in FAULTS.values()}
    for path in [*ROOT.glob("search/**/*.py"), ROOT / "cli.py"]:
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            if name == "QueryError" and len(call.args) > 1:
                assert isinstance(call.args[1], ast.Constant), ast.unparse(call)
                raised.add(call.args[1].value)
            raised |= {
                k.value.value
                for k in call.keywords
                if k.arg == "code" and isinstance(k.value, ast.Constant)
            }
    assert {"unclosed_quote", "no_report", "filter_too_long", "no_term"} <= raised
    assert raised <= set(ERRORS_ZH), raised - set(ERRORS_ZH)


def test_max_length_query_is_accepted(client):
    assert client.get("/api/search", params={"q": "公" * 500}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/reports/0000000000000000",
        "/api/reports/not-a-report",
        "/api/reports/..%2F..%2Fpyproject.toml",
        "/api/reports/%2e%2e%2f%2e%2e%2fcli.py",
        "/api/reports/%2Fetc%2Fpasswd",
        "/api/reports//etc/passwd",
        "/api/reports/..%5C..%5Ccli.py",
        "/api/reports/C:%5Cwindows",
    ],
)
def test_unknown_and_escaping_report_ids_are_404_json(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "error" in r.json()
    assert "[build-system]" not in r.text and "root:" not in r.text and "import" not in r.text


@pytest.mark.parametrize(
    "path",
    [
        "/reports/0000000000000000",
        "/reports/..%2F..%2Fpyproject.toml",
        "/reports/%2Fetc%2Fpasswd",
        "/static/..%2Fserver.py",
        "/static/%2E%2E%2Fengine.py",
        "/static/index.html%00",
        "/static/widget.js/../../server.py",
        "/widget.js/..%2Fserver.py",
    ],
)
def test_pages_never_read_files_outside(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "import " not in r.text and "[build-system]" not in r.text


def test_missing_index_is_503_json(tmp_path):
    with TestClient(create_app(str(tmp_path / "nothing"))) as c:
        r = c.get("/api/search", params={"q": "公开"})
        assert r.status_code == 503 and "ingest" in r.json()["error"]
        assert c.get("/").status_code == 200


# -- escaping -----------------------------------------------------------------------------------
def test_hostile_text_is_escaped_in_the_highlight(client):
    res = get_ok(client, "/api/search", q="警示样本")
    assert res["total"] == 1
    hit = res["hits"][0]
    assert XSS in hit["text"]  # the data is kept as written...
    h = hit["highlight"]  # ...but the highlight is HTML with only the engine's <mark>
    assert "<script" not in h and "<img" not in h
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in h
    assert set(re.findall(r"<[^>]*>", h)) <= {"<mark>", "</mark>"}
    assert "<mark>警示样本</mark>" in h


def test_hostile_text_is_escaped_in_the_report_page(client):
    rid = xss_id(client)
    passages = get_ok(client, f"/api/reports/{rid}")["passages"]
    chosen = passages[0]["passage_id"]
    payload = '"><script>alert(3)</script>'
    r = client.get(f"/reports/{rid}", params={"passage": chosen, "q": f"script {payload}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "alert(1)</script>" not in page and "alert(3)</script>" not in page
    assert "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page or "&lt;<mark>script</mark>&gt;" in page
    # the only scripts are our own files; the only tags around document text are ours
    assert re.findall(r"<script\b[^>]*>", page) == ['<script src="/static/report.js" defer>']
    for p in passages:
        assert f'id="p-{p["passage_id"]}"' in page
    assert re.search(rf'class="passage is-chosen" id="p-{chosen}"', page) or re.search(
        rf'class="group-heading[^"]*is-chosen[^"]*" id="p-{chosen}"', page
    )
    assert 'value="script &quot;&gt;&lt;script&gt;alert(3)' in page  # the query box
    marked = client.get(f"/reports/{rid}", params={"q": "script <i>x</i>"}).text
    assert "<mark>script</mark>" in marked and "<i>" not in marked
    assert "alert(1)</script>" not in marked


def test_report_page_groups_passages_under_headings(client, web_index):
    rid = next(
        r["report_id"] for r in get_ok(client, "/api/reports")["reports"] if r["passages"] > 10
    )
    shown = get_ok(client, f"/api/reports/{rid}")
    page = client.get(f"/reports/{rid}").text
    positions = [page.index(f'id="p-{p["passage_id"]}"') for p in shown["passages"]]
    assert positions == sorted(positions)  # all passages, in document order
    assert 'class="toc-list"' in page and 'class="section-label"' in page
    assert client.get("/reports/0000000000000000").status_code == 404


# -- headers, CORS, docs ------------------------------------------------------------------------
def test_security_headers_on_pages(client, web_index):
    for path in ["/", f"/reports/{xss_id(client)}"]:
        r = client.get(path)
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "http" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/reports").headers["x-content-type-options"] == "nosniff"
    js = client.get("/widget.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "content-security-policy" not in js.headers


def test_pages_use_no_external_assets(client):
    from search.web.pages import ASSETS

    modules = [f"/static/{name}" for name in ASSETS if name != "widget.js"]
    assert {"/static/app.js", "/static/dom.js", "/static/views/kwic.js"} <= set(modules)
    for path in [
        "/",
        "/static/page.css",
        "/static/views/stats.css",
        "/static/app.js",
        "/static/report.js",
        *modules,
    ]:
        r = client.get(path)
        assert r.status_code == 200, path
        text = r.text.replace("http://www.w3.org/2000/svg", "")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text), path
        assert "@import" not in text and "@font-face" not in text


def test_page_links_every_stylesheet_in_cascade_order(client):
    from search.web.pages import STATIC_DIR, STYLES

    on_disk = sorted(str(p.relative_to(STATIC_DIR)) for p in STATIC_DIR.rglob("*.css"))
    assert sorted(STYLES) == on_disk  # no stylesheet left unlinked
    for path in ["/", "/diff"]:
        linked = re.findall(
            r'<link rel="stylesheet" href="/static/([\w/.]+)">', client.get(path).text
        )
        assert linked == STYLES, path


def test_widget_is_a_loader_of_modules_served_as_they_are(client):
    from search.web.pages import STATIC_DIR

    js = client.get("/widget.js").text
    assert js == (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    assert 'import(new URL("./static/embed.js"' in js
    for name in ("embed.js", "dom.js", "labels.js"):  # what the widget imports, from any page
        r = client.get(f"/static/{name}", headers={"Origin": OTHER})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*", name
    r = client.get("/static/app.js", headers={"Origin": OTHER})  # the page's own: not shared
    assert "access-control-allow-origin" not in r.headers


def test_cors_for_configured_origin_only(client):
    r = client.get("/api/search", params={"q": "公开"}, headers={"Origin": ALLOWED})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == ALLOWED
    r = client.get("/api/search", params={"q": "公开"}, headers={"Origin": OTHER})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers
    pre = {"Access-Control-Request-Method": "GET"}
    ok = client.options("/api/search", headers={"Origin": ALLOWED, **pre})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == ALLOWED
    bad = client.options("/api/search", headers={"Origin": OTHER, **pre})
    assert "access-control-allow-origin" not in bad.headers


def test_no_cors_origin_means_no_cors_headers(web_index):
    with TestClient(create_app(web_index)) as c:
        r = c.get("/api/reports", headers={"Origin": ALLOWED})
        assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


def test_bad_cors_origin_is_refused():
    from search.web.app import check_origin

    assert check_origin("https://news.example.org/") == "https://news.example.org"
    assert check_origin("http://localhost:8080") == "http://localhost:8080"
    for bad in ["news.example.org", "https://x.org/path", "ftp://x.org", "http://x.org:99999"]:
        with pytest.raises(ValueError):
            check_origin(bad)


def test_openapi_lists_the_endpoints(client):
    spec = get_ok(client, "/openapi.json")
    assert {"/api/search", "/api/reports", "/api/reports/{report_id}"} <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params == {"q", "agency", "year", "section", "limit", "offset", "per_report"}
    docs = client.get("/docs")
    assert docs.status_code == 200
    # the docs work offline: every script and stylesheet comes from this server
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text) + re.findall(
        r"url: '([^']+)'", docs.text
    )
    assert assets and all(a.startswith("/") for a in assets), assets
    assert all(client.get(a).status_code == 200 for a in assets if a.startswith("/docs-assets/"))


# -- a long-lived engine sees new commits ---------------------------------------------------------
def test_new_reports_appear_without_restart(tmp_path):
    d = str(tmp_path / "index")
    ingest([str(next(SAMPLES.glob("*.txt")))], d)
    with TestClient(create_app(d)) as c:
        before = c.get("/api/reports").json()["reports"]
        assert c.get("/api/search", params={"q": "鲸鱼观测站"}).json()["total"] == 0
        new = tmp_path / "new.txt"
        new.write_text(
            "海滨区2020年政府信息公开工作年度报告\n\n一、总体情况\n\n本年度鲸鱼观测站信息全部主动公开。\n",
            encoding="utf-8",
        )
        ingest([str(new)], d)
        assert len(c.get("/api/reports").json()["reports"]) == len(before) + 1
        assert c.get("/api/search", params={"q": "鲸鱼观测站"}).json()["total"] == 1


# -- the serve command --------------------------------------------------------------------------
def test_serve_refuses_missing_index_and_bad_origin(tmp_path, web_index):
    def serve(*args):
        return subprocess.run(
            [sys.executable, str(ROOT / "cli.py"), "serve", *args],
            capture_output=True,
            text=True,
            cwd=str(ROOT),
            timeout=60,
        )

    p = serve("--index", str(tmp_path / "none"))
    assert p.returncode == 2 and "no index" in p.stderr
    p = serve("--index", web_index, "--cors-origin", "not a url")
    assert p.returncode == 2 and "cors-origin" in p.stderr
    p = serve("--help")
    assert p.returncode == 0 and "--cors-origin" in p.stdout and "127.0.0.1" in p.stdout


def test_report_view_marks_a_guessed_agency_and_title_as_inferred(client):
    """A report that never names itself (the 亳州 sample only says 我局) gets an agency and a
    title gongkai inferred; the report view says so, while reports that print theirs do not."""
    reports = get_ok(client, "/api/reports")["reports"]
    guessed = [r for r in reports if r["provenance"].get("agency") == "inferred"]
    printed = [r for r in reports if r["provenance"].get("agency") in ("header-line", "signature")]
    assert guessed and printed
    page = client.get(f"/reports/{guessed[0]['report_id']}").text
    assert f"{guessed[0]['agency']}（推断）" in page
    assert 'class="inferred"' in page  # the title, inferred too, carries the mark
    page = client.get(f"/reports/{printed[0]['report_id']}").text
    assert "（推断）" not in page
