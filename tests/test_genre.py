"""Rules of the genre, each on a report made here in a shape the shared real reports do not
have: a crawler's export whose 标题 is the site's column label and whose title is printed over
two lines after 正文, chrome lines run into the body, a metadata line without colons; a portal
page with a 名称: field, a sentence first and table rows printed as lines; a markdown
conversion; a bureau that goes by its short name; a typo in a table head; digit runs with
stray spaces and markdown rows with a trailing empty cell."""

from __future__ import annotations

import pytest

from corpus.reader import read_reports
from corpus.stats import read_stats
from corpus.tables import html_grids

BODY = [
    "一、概述",
    "2015年，本机关认真贯彻落实政府信息公开工作要求，主动公开政府信息312条。",
    "二、主动公开政府信息情况",
    "全年主动公开政府信息312条，其中通过门户网站公开300条。",
    "三、依申请公开政府信息情况",
    "全年受理政府信息公开申请21件，均按时答复。",
    "四、因政府信息公开申请行政法复议、提起行政诉讼的情况",
    "本年度未发生行政复议和行政诉讼。",
    "五、存在的主要问题及改进措施",
    "一是公开的主动性有待增强。",
]
HEADS = [line for line in BODY if line[1] == "、"]


def read(path, text: str):
    path.write_text(text, encoding="utf-8")
    (report,) = read_reports(str(path))
    return report


def passages(report) -> str:
    return "\n".join(p.text for p in report.passages)


# -- titles --------------------------------------------------------------------------------------------


def test_a_column_label_is_not_the_title_and_a_title_over_two_lines_is_one(tmp_path):
    """标题 holds the site's column label; the report names itself after 正文, over two lines."""
    text = "\n".join(
        [
            "标题: 政府信息公开年报",
            "发布时间: 2016-03-28",
            "栏目: 政府信息公开年报",
            "==================== 正文 ====================",
            "徐汇区科学技术委员会2015年政府信息公开",
            "工作年度报告",
            *BODY,
        ]
    )
    r = read(tmp_path / "export.txt", text)
    assert r.title == "徐汇区科学技术委员会2015年政府信息公开工作年度报告"
    assert r.agency == "上海市徐汇区科学技术委员会" or r.agency == "徐汇区科学技术委员会"
    assert r.year == 2015
    assert "工作年度报告" not in passages(r).splitlines()  # its second half is no body line
    assert r.headings == HEADS


def test_the_pages_own_title_beats_a_column_label_and_a_sentence(tmp_path):
    """No meta title; the first <h2> is the column's label, the first line a sentence about the
    report; <title> and a 名称: field name it."""
    name = "宿迁市宿豫区人民政府办公室2012年政府信息公开工作年度报告"
    page = (
        f"<html><head><meta charset='utf-8'><title>{name}_宿豫区人民政府</title></head><body>"
        "<h2>政府信息公开年报</h2>"
        f"<table><tr><td>名称：{name}</td></tr><tr><td>发布日期：2013-03-01</td></tr></table>"
        "<p>本报告是根据《中华人民共和国政府信息公开条例》要求编制的年度报告</p>"
        + "".join(f"<p>{line}</p>" for line in BODY)
        + "</body></html>"
    )
    r = read(tmp_path / "page.html", page)
    assert r.title == name
    assert r.agency == "宿迁市宿豫区人民政府办公室"
    assert f"名称：{name}" not in passages(r)  # a labelled field, not text


def test_a_labelled_name_field_gives_the_title_of_a_text_without_one(tmp_path):
    text = "\n".join(
        ["名称：沭阳县教育局2017年政府信息公开工作年度报告", "发布机构：沭阳县教育局", *BODY]
    )
    r = read(tmp_path / "ndbg.txt", text)
    assert r.title == "沭阳县教育局2017年政府信息公开工作年度报告"
    assert r.provenance["title"] != "filename"


def test_markdown_markers_are_not_text(tmp_path):
    text = "\n".join(
        [
            "# 阳城县发展和改革局2018年政府信息公开工作年度报告",
            "",
            *[f"## {line}" if line in HEADS else line for line in BODY],
        ]
    )
    r = read(tmp_path / "converted.txt", text)
    assert r.title == "阳城县发展和改革局2018年政府信息公开工作年度报告"
    assert r.agency == "阳城县发展和改革局"
    assert r.headings == HEADS
    assert "#" not in passages(r)


# -- agencies keep their full name ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "title,agency",
    [
        ("上海市科委2015年政府信息公开工作年度报告", "上海市科委"),
        ("上海市科学技术委员会2015年政府信息公开工作年度报告", "上海市科学技术委员会"),
        ("上海市人民政府办公厅2016年政府信息公开工作年度报告", "上海市人民政府办公厅"),
        ("阳城县发改局2016年政府信息公开工作年度报告", "阳城县发改局"),
        ("2014年度成都市金牛区民政局政府信息公开工作年度报告", "成都市金牛区民政局"),
    ],
)
def test_an_agency_keeps_its_full_name(tmp_path, title, agency):
    body = [line.replace("本机关", "上海市") for line in BODY]  # the place, named often
    r = read(tmp_path / "r.txt", "\n".join([title, *body]))
    assert r.agency == agency


# -- chrome inside a crawler's body ----------------------------------------------------------------------


def test_crawler_chrome_lines_inside_the_body_are_dropped(tmp_path):
    text = "\n".join(
        [
            "标题: 泗洪县审计局2014年政府信息公开工作年度报告",
            "发布时间: 2015-02-10",
            "==================== 正文 ====================",
            "当前位置：首页 > 政务公开 > 政府信息公开年报 微信 微博 QQ空间 全真版 文字版",
            "索引号 01402731X/2015-00012 发布机构 泗洪县审计局 发布日期 2015-02-10",
            *BODY,
            "附件下载",
        ]
    )
    r = read(tmp_path / "export.txt", text)
    body = passages(r)
    for chrome in ("当前位置", "QQ空间", "全真版", "索引号", "01402731X", "附件下载"):
        assert chrome not in body
    assert r.agency == "泗洪县审计局"
    assert body.endswith("一是公开的主动性有待增强。")


# -- table rows are not headings; headings despite typos -------------------------------------------------


def test_table_row_labels_printed_as_lines_are_not_headings(tmp_path):
    lines = [
        "一、总体情况",
        "2020年，本局持续深化政务公开。",
        "二、主动公开政府信息情况",
        "全年主动公开政府信息86条。",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量",
        "12",
        "二、上年结转政府信息公开申请数量",
        "0",
        "三、本年度办理结果",
        "（一）予以公开",
        "8",
        "四、结转下年度继续办理",
        "1",
        "四、政府信息公开行政复议、行政诉讼情况",
        "全年无行政复议和行政诉讼。",
        "五、存在的主要问题及改进情况",
        "解读质量有待提高。",
    ]
    r = read(tmp_path / "r.txt", "\n".join(["江阴市财政局2020年政府信息公开工作年度报告", *lines]))
    assert r.headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
    ]
    assert r.headings == [h for h in r.headings if "办理结果" not in h]
    assert "全年无行政复议和行政诉讼。" in passages(r)


def test_a_table_head_with_a_typo_is_still_read():
    """表四's group printed 行政法复议: still the review."""
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    page = (
        "<table><tr><td colspan='5'>行政法复议</td></tr><tr>"
        + "".join(f"<td>{o}</td>" for o in outcomes)
        + "</tr><tr><td>2</td><td>1</td><td>0</td><td>0</td><td>3</td></tr></table>"
    )
    stats = read_stats(html_grids(page), [])
    assert stats["review"] == {"upheld": 2, "corrected": 1, "other": 0, "pending": 0, "total": 3}


# -- figures: stray spaces, trailing empty cells ---------------------------------------------------------


def test_a_flattened_run_with_a_stray_space_is_read():
    line = (
        "三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量200 000121"
        "二、上年结转政府信息公开申请数量0000000"
    )
    stats = read_stats([], [line])
    # 200000121: 20|0|0|0|0|1|21 is the one reading whose last figure is the sum
    assert stats["requests"]["new"] == {
        "natural": 20,
        "commercial": 0,
        "research": 0,
        "social": 0,
        "legal": 0,
        "other": 1,
        "total": 21,
    }


def test_a_markdown_row_with_a_trailing_empty_cell_is_read():
    lines = [
        "| 一、本年新收政府信息公开申请数量 | 7 | 1 | 0 | 0 | 0 | 0 | 8 | |",
        "| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |",
        "| （一）予以公开 | 5 | 1 | 0 | 0 | 0 | 0 | 6 | |",
    ]
    stats = read_stats([], lines)
    assert stats["requests"]["new"]["total"] == 8
    assert stats["requests"]["granted"] == {
        "natural": 5,
        "commercial": 1,
        "research": 0,
        "social": 0,
        "legal": 0,
        "other": 0,
        "total": 6,
    }


def test_the_heading_that_names_the_report_beats_the_sites_name(tmp_path):
    """The first <h1> is the site's name, <title> the column's label; the report's own
    heading comes later on the page."""
    page = (
        "<html><head><meta charset='utf-8'><title>政府信息公开年报</title></head><body>"
        "<h1>上海市人民政府</h1><div class='article'>"
        "<h2>上海市民政局2011年政府信息公开工作年度报告</h2>"
        + "".join(f"<p>{line}</p>" for line in BODY)
        + "</div></body></html>"
    )
    r = read(tmp_path / "page.html", page)
    assert r.title == "上海市民政局2011年政府信息公开工作年度报告"
    assert r.agency == "上海市民政局"


def test_an_old_tables_rows_printed_as_lines_are_not_headings(tmp_path):
    """A PDF's text layer gives the 2008-era table a row a line: label, unit, figures."""
    lines = [
        "一、概述",
        "2012年，本局扎实推进政府信息公开工作。",
        "二、主动公开政府信息情况",
        "全年主动公开政府信息412条。",
        "三、依申请公开政府信息情况",
        "全年受理申请21件。",
        "附件：政府信息公开情况统计表",
        "指标名称 计量单位 本年度 历年累计",
        "一、主动公开信息数 条 412 1033",
        "二、受理依申请公开信息总数 条 21 21",
        "三、行政复议数 件 1 1",
    ]
    r = read(tmp_path / "r.txt", "\n".join(["昆山市审计局2012年政府信息公开工作年度报告", *lines]))
    assert r.headings == [
        "一、概述",
        "二、主动公开政府信息情况",
        "三、依申请公开政府信息情况",
        "附件：政府信息公开情况统计表",
    ]
    assert r.stats["format"] == "2008"
    assert r.stats["requests"]["new"]["total"] == 21


def test_a_web_page_printed_to_pdf_keeps_its_title_and_source(tmp_path):
    """A portal page printed to PDF by a browser (a common shape in downloaded archives): the
    PDF's own title is the page's <title>, 报告名_栏目_站点, and the 来源 line runs into 时间
    where the text layer lost the space between them. The title is the report's name alone and
    the agency is the 来源 field alone."""
    from formats_fixtures import CJK_FONT, has_cjk_font

    from corpus.clean import parse_header

    assert parse_header("来源：榆社县人民政府办公室时间：2020-01-15 10:00") == {
        "来源": "榆社县人民政府办公室",
        "时间": "2020-01-15 10:00",
    }
    assert parse_header("发布机构：县发改局发布日期：2019-01-30") == {
        "发布机构": "县发改局",
        "发布日期": "2019-01-30",
    }
    assert parse_header("标题：时间：也是一个标题") == {"标题": "时间：也是一个标题"}  # no date
    if not has_cjk_font():
        pytest.skip("no CJK font to draw the PDF (fonts-wqy-microhei)")
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("cjk", fname=CJK_FONT)
    pdf.set_font("cjk", size=11)
    pdf.set_title("榆社县2019年政府信息公开工作年度报告_政府信息公开年报_榆社县人民政府")
    pdf.add_page()
    pdf.cell(0, 8, "首页 > 政务公开 > 政府信息公开年报", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0, 8, "来源：榆社县人民政府办公室时间：2020-01-15 10:00", new_x="LMARGIN", new_y="NEXT"
    )
    for text in (
        "根据《中华人民共和国政府信息公开条例》规定，现公布本县2019年政府信息公开工作年度报告。",
        "一、总体情况",
        "2019年，我县认真贯彻落实政府信息公开工作要求，主动公开政府信息1234条。",
        "二、主动公开政府信息情况",
        "全年通过政府网站公开规范性文件12件，政策解读材料30篇。",
    ):
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "page.pdf"
    path.write_bytes(bytes(pdf.output()))
    (r,) = read_reports(str(path))
    assert r.title == "榆社县2019年政府信息公开工作年度报告"
    assert r.agency == "榆社县人民政府办公室"
    assert r.published == "2020-01-15"
    assert r.year == 2019
