"""Web archives, crawler exports, flattened text, dates, sidecars and copies of one report."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SEEDS
from formats_fixtures import (
    HEADINGS,
    TITLE,
    has_cjk_font,
    list_page_html,
    make_pdf,
    make_warc,
    report_html,
)

from corpus.dates import parse_date
from corpus.reader import read_reports
from corpus.sections import top_headings, unflatten
from index.writer import ingest
from search.engine import Engine

BODY = "".join(
    f"<p>{t}</p>"
    for t in [
        "一、总体情况",
        "2021年，示例县坚持以公开为常态、不公开为例外，全年主动公开政府信息2316条，持续推进决策、执行、管理、服务、结果公开。",
        "二、主动公开政府信息情况",
        "全年制发规范性文件9件，发布政策解读材料31篇，及时回应社会关切，政策解读与文件同步发布。",
    ]
)


def test_warc_reports_with_url_and_capture_date_rest_skipped(tmp_path):
    records = [
        (
            "https://www.example.gov.cn/nb/2021.html",
            "text/html; charset=utf-8",
            report_html("示例县人民政府2021年政府信息公开工作年度报告", BODY),
        ),
        ("https://www.example.gov.cn/css/site.css", "text/css", b"body{color:red}"),
        ("https://www.example.gov.cn/img/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("https://www.example.gov.cn/nb/index.html", "text/html", list_page_html()),
    ]
    if has_cjk_font():
        records.append(("https://www.example.gov.cn/nb/2022.pdf", "application/pdf", make_pdf()))
    w = tmp_path / "crawl.warc.gz"
    w.write_bytes(make_warc(records))
    ix = str(tmp_path / "ix")
    st = ingest([str(w)], ix)
    assert not st.failed
    skipped = dict(st.skipped)
    assert any("site.css" in k and "text/css" in v for k, v in skipped.items())
    assert any("logo.png" in k for k in skipped)
    assert any("index.html" in k and "list" in v for k, v in skipped.items())
    rows = {r["url"]: r for r in Engine(ix).reports()["reports"]}
    r = rows["https://www.example.gov.cn/nb/2021.html"]
    assert r["title"] == "示例县人民政府2021年政府信息公开工作年度报告" and r["year"] == 2021
    assert r["provenance"]["title"] == "html-title"
    if has_cjk_font():
        assert rows["https://www.example.gov.cn/nb/2022.pdf"]["title"] == TITLE
    # re-ingest: nothing changes, nothing doubles
    st2 = ingest([str(w)], ix)
    assert st2.ingested == 0 and st2.unchanged == len(rows)


def test_truncated_warc_keeps_the_records_before(tmp_path):
    good = make_warc(
        [
            (
                "https://a.gov.cn/1.html",
                "text/html",
                report_html("示例县人民政府2021年政府信息公开工作年度报告", BODY),
            )
        ]
    )
    second = make_warc(
        [
            (
                "https://a.gov.cn/2.html",
                "text/html",
                report_html("示例县人民政府2020年政府信息公开工作年度报告", BODY),
            )
        ]
    )
    w = tmp_path / "cut.warc.gz"
    w.write_bytes(good + second[: len(second) // 2])
    st = ingest([str(w)], str(tmp_path / "ix"))
    assert st.ingested == 1
    assert any("truncated" in r and "WARC record" in r for _s, r in st.failed)


CRAWLED = (
    """标题: 示例县人民政府2019年政府信息公开工作年度报告
发布时间: 2020-01-15 09:30
文号:
发布机构: 示例县人民政府办公室
栏目: 政府信息公开年报
原文链接: https://www.example.gov.cn/nb/t20200115_1.htm
==================== 正文 ====================
示例县人民政府2019年政府信息公开工作年度报告 本报告依据《中华人民共和国政府信息公开条例》编制。"""
    + ("全县政府信息公开工作稳步推进，公开内容不断深化，公开渠道不断拓展。" * 12)
    + "一、总体情况 2019年，全县主动公开政府信息1820条。"
    + ("各单位认真落实公开要求，规范发布流程。" * 10)
    + ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数规章000行政规范性文件5211")
    + "三、收到和处理政府信息公开申请情况申请人情况自然人一、本年新收政府信息公开申请数量1200013二、上年结转政府信息公开申请数量0000000"
    + ("四、结转下年度继续办理0000000四、政府信息公开行政复议、行政诉讼情况行政复议结果维持000")
    + "五、存在的主要问题及改进情况一是公开质量有待提高。二〇二〇年一月十日"
)


def test_crawler_export_header_fields_and_flattened_headings(tmp_path):
    p = tmp_path / "export.txt"
    p.write_text(CRAWLED, "utf-8")
    (r,) = read_reports(str(p))
    assert r.title == "示例县人民政府2019年政府信息公开工作年度报告"
    assert not r.title.startswith("标题")
    assert r.agency == "示例县人民政府办公室" and r.provenance["agency"] == "header-line"
    assert (r.year, r.published) == (2019, "2020-01-15")
    assert r.url == "https://www.example.gov.cn/nb/t20200115_1.htm"
    text = "\n".join(x.text for x in r.passages)
    assert "原文链接" not in text and "栏目" not in text and "正文 ===" not in text
    # inline headings found; the table's 一、二、四、 rows (runs of digits) are not headings
    assert r.headings == HEADINGS[:5]


def test_unflatten_leaves_ordinary_lines_alone():
    lines = ["一、总体情况", "全年主动公开政府信息。二、不是标题的引用（一）也不是"]
    assert unflatten(lines) == lines
    assert top_headings(lines) == ["一、总体情况"]


@pytest.mark.parametrize(
    "text,iso",
    [
        ("2012年3月5日", "2012-03-05"),
        ("二〇一二年二月二十日", "2012-02-20"),
        ("二○一二年十二月三十一日", "2012-12-31"),
        ("2012.03.05", "2012-03-05"),
        ("2012/3/5", "2012-03-05"),
        ("2012-3-5 10:01", "2012-03-05"),
        ("发布时间：2012-04-18 00:00", "2012-04-18"),
    ],
)
def test_dates_in_every_form(text, iso):
    assert parse_date(text) == iso


def test_signature_date_in_chinese_numerals(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text(
        "示例县人民政府2011年政府信息公开工作年度报告\n一、总体情况\n"
        "2011年全县主动公开政府信息1200条，依申请公开工作规范有序。\n示例县人民政府\n二○一二年二月二十日\n",
        "utf-8",
    )
    (r,) = read_reports(str(p))
    assert r.published == "2012-02-20" and r.provenance["published"] == "signature"


def test_copies_are_one_report_with_every_source(tmp_path):
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "b").mkdir()
    shutil.copy(SEEDS[0], src / "a" / "report.txt")
    # the same report saved again, with other line breaks and spacing, and its URL beside it
    text = SEEDS[0].read_text("utf-8")
    (src / "b" / "mirror.txt").write_text(text.replace("\n", "\n\n").replace("，", " ，"), "utf-8")
    (src / "b" / "mirror.url").write_text(
        "[InternetShortcut]\nURL=https://www.example.gov.cn/nb/mirror.html\n", "utf-8"
    )
    ix = str(tmp_path / "ix")
    st = ingest([str(src)], ix)
    assert st.ingested == 1 and len(st.copies) == 1
    (row,) = Engine(ix).reports()["reports"]
    assert [s["source"].rsplit("/", 2)[-2:] for s in row["sources"]] == [
        ["a", "report.txt"],
        ["b", "mirror.txt"],
    ]
    assert row["url"] == "https://www.example.gov.cn/nb/mirror.html"  # the web page, not a path
    res = Engine(ix).search("政府信息公开", limit=0)
    assert res["reports"] == 1
    # unchanged re-ingest, then the original changes: the copy becomes a report of its own
    assert ingest([str(src)], ix).unchanged == 2
    (src / "a" / "report.txt").write_text(text + "\n附记：本报告另有补充说明若干条。\n", "utf-8")
    st3 = ingest([str(src)], ix)
    assert not st3.failed
    rows = Engine(ix).reports()["reports"]
    assert len(rows) == 2 and all(len(r["sources"]) == 1 for r in rows)
    # and the copy goes when its file does
    (src / "b" / "mirror.txt").unlink()
    ingest([str(src)], ix, prune=True)
    assert len(Engine(ix).reports()["reports"]) == 1


def test_json_sidecar_gives_url_and_title_as_printed(tmp_path):
    p = tmp_path / "page.html"
    p.write_bytes(report_html("年报", BODY))
    (tmp_path / "page.json").write_text(
        json.dumps(
            {
                "url": "https://x.gov.cn/p.html",
                "title": "示例县（区）2021年政府信息公开工作年度报告",
            }
        ),
        "utf-8",
    )
    (r,) = read_reports(str(p))
    assert r.url == "https://x.gov.cn/p.html"
    assert r.title == "示例县（区）2021年政府信息公开工作年度报告"  # full-width brackets kept
    assert r.provenance["title"] == "sidecar"
