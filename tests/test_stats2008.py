"""The 2008-era 政府信息公开情况统计表 in the shapes provinces and archives print it: an HTML table
with renamed, reordered and added rows and no unit column; a Word grid with a merged 其中 cell
and no 历年累计 column; a ruled PDF grid; markdown rows with a trailing empty cell; a crawler's
flattened text where 本年度 and 历年累计 run together. Each is a whole report read by
corpus/reader.py, so the table is found where ingest finds it."""

from __future__ import annotations

import pytest
from formats_fixtures import CJK_FONT, has_cjk_font

from corpus.reader import read_reports
from corpus.stats import read_stats

INTRO = (
    "一、概述\n本年度，本机关认真贯彻《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。\n"
    "二、主动公开政府信息情况\n全年主动公开政府信息，公开渠道进一步拓展。\n"
    "三、依申请公开政府信息情况\n全年受理政府信息公开申请，均按时答复。\n"
    "四、存在的主要问题及改进措施\n下一步将进一步完善工作机制。\n"
)


def read(path) -> dict:
    (report,) = read_reports(str(path))
    assert report.stats is not None, "no table read"
    assert report.stats["format"] == "2008"
    return report.stats


def rows(stats: dict) -> dict[str, tuple]:
    return {k: (r["year"], r["cumulative"]) for k, r in stats["table_2008"].items()}


# -- HTML: 山东-style variant, rows renamed, reordered, added; no unit column ---------------------

HTML_ROWS = [
    ("项目", "本年", "累计"),
    ("一、依申请公开信息受理总数", "18", "64"),
    ("其中：当面申请", "5", "30"),
    ("网络申请", "10", "25"),
    ("信函申请", "3", "9"),
    ("二、主动公开政府信息数", "3120", "15230"),
    ("其中：政府网站公开", "3000", "14800"),
    ("政府公报公开", "120", "430"),
    ("三、已答复申请数", "17", "62"),
    ("其中：同意公开", "12", "50"),
    ("部分公开", "3", "6"),
    ("不予公开", "1", "4"),
    ("信息不存在", "1", "2"),
    ("四、行政诉讼", "2", "3"),
    ("五、行政复议", "1", "5"),
    ("六、政府信息公开专栏访问量（人次）", "45210", "180033"),
]


def html_report(rows_: list[tuple]) -> str:
    table = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows_)
    body = "".join(f"<p>{line}</p>" for line in INTRO.splitlines())
    return (
        "<html><head><meta charset='utf-8'><title>济水市统计局2012年政府信息公开工作年度报告</title>"
        f"</head><body><h1>济水市统计局2012年政府信息公开工作年度报告</h1>{body}"
        f"<p>附件：政府信息公开情况统计表</p><table>{table}</table></body></html>"
    )


def test_an_html_variant_is_read_by_its_labels(tmp_path):
    path = tmp_path / "jishui-2012.html"
    path.write_text(html_report(HTML_ROWS), encoding="utf-8")
    stats = read(path)
    got = rows(stats)
    assert got["requests"] == (18, 64)
    assert got["requests_in_person"] == (5, 30)
    assert got["requests_online"] == (10, 25)  # 网络申请: a channel, not 主动公开's 网站
    assert got["active"] == (3120, 15230)
    assert got["active_web"] == (3000, 14800)
    assert got["replies"] == (17, 62)
    assert got["replies_granted"] == (12, 50)
    assert got["replies_partial"] == (3, 6)
    assert got["replies_refused"] == (1, 4)
    assert got["replies_not_held"] == (1, 2)
    assert got["litigation"] == (2, 3) and got["review"] == (1, 5)  # printed in either order
    # a row nobody planned for keeps its own label as its key (NFKC: half-width brackets)
    assert got["政府信息公开专栏访问量(人次)"] == (45210, 180033)
    assert (
        stats["table_2008"]["政府信息公开专栏访问量(人次)"]["label"]
        == "六、政府信息公开专栏访问量（人次）"
    )
    # the rows whose meaning matches, under the standard keys
    assert stats["requests"] == {
        "new": {"total": 18},
        "total": {"total": 17},
        "granted": {"total": 12},
        "partial": {"total": 3},
    }
    assert stats["review"] == {"total": 1}
    assert stats["litigation_direct"] == {"total": 2}
    assert stats["checks"] == []


def test_rows_that_do_not_add_up_are_listed_never_corrected(tmp_path):
    bad = [r if r[0] != "网络申请" else ("网络申请", "11", "25") for r in HTML_ROWS]
    path = tmp_path / "jishui-2012.html"
    path.write_text(html_report(bad), encoding="utf-8")
    stats = read(path)
    assert stats["table_2008"]["requests_online"]["year"] == 11  # as printed
    assert stats["requests"]["new"]["total"] == 18
    assert stats["checks"] == [
        {
            "rule": "table_2008.requests.year = requests_in_person + requests_online + "
            "requests_letter",
            "printed": 18,
            "computed": 19,
        }
    ]


# -- DOCX: a Word grid, 其中 merged down its sub-rows, no 历年累计 column ------------------------------


def test_a_word_grid_with_merged_cells_and_no_cumulative_column(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("江宁县发展和改革局2010年政府信息公开工作年度报告", style="Title")
    for line in INTRO.splitlines():
        d.add_paragraph(line)
    grid = [
        ("指标名称", "", "单位", "2010年"),
        ("主动公开信息数", "", "条", "86"),
        ("受理依申请公开信息总数", "", "件", "9"),
        ("其中", "当面申请数", "件", "4"),
        ("其中", "网上申请数", "件", "5"),
        ("对申请的答复数", "", "件", "9"),
        ("其中", "同意公开答复数", "件", "7"),
        ("其中", "否决公开答复数", "件", "2"),
        ("行政复议数", "", "件", "0"),
        ("行政诉讼数", "", "件", "1"),
        ("行政申诉数", "", "件", "0"),
    ]
    t = d.add_table(rows=len(grid), cols=4)
    for i, row in enumerate(grid):
        for j, c in enumerate(row):
            if c and not (j == 0 and c == "其中" and grid[i - 1][0] == "其中"):
                t.cell(i, j).text = c
    for a, b in ((0, 0), (1, 0), (2, 0), (5, 0), (8, 0), (9, 0), (10, 0)):
        t.cell(a, b).merge(t.cell(a, 1))  # label cells span both label columns
    t.cell(3, 0).merge(t.cell(4, 0))  # 其中 merged down the channels
    t.cell(6, 0).merge(t.cell(7, 0))
    path = tmp_path / "jiangning-fgj-2010.docx"
    d.save(path)
    stats = read(path)
    got = rows(stats)
    assert got["requests"] == (9, None) and got["requests_in_person"] == (4, None)
    assert got["requests_online"] == (5, None)
    assert got["replies_granted"] == (7, None) and got["replies_refused"] == (2, None)
    assert stats["table_2008"]["requests"]["unit"] == "件"
    assert stats["cumulative"] is False
    assert stats["requests"]["new"]["total"] == 9
    assert stats["litigation_direct"]["total"] == 1
    assert stats["checks"] == []


# -- PDF: a ruled grid ----------------------------------------------------------------------------


@pytest.mark.skipif(not has_cjk_font(), reason=f"needs the CJK font at {CJK_FONT}")
def test_a_ruled_pdf_grid(tmp_path):
    pytest.importorskip("pdfplumber")
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("cjk", fname=CJK_FONT)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(
        0,
        12,
        "太原市晋阳区人民政府2009年政府信息公开工作年度报告",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("cjk", size=11)
    for line in INTRO.splitlines():
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "附件：政府信息公开情况统计表", new_x="LMARGIN", new_y="NEXT")
    table = [
        ("指标名称", "计量单位", "本年度", "历年累计"),
        ("主动公开信息数", "条", "412", "1033"),
        ("受理依申请公开信息总数", "条", "21", "21"),
        ("其中：1.当面申请数", "条", "13", "13"),
        ("2.网上申请数", "条", "6", "6"),
        ("3.信函申请数", "条", "2", "2"),
        ("对申请的答复数", "条", "20", "20"),
        ("其中：1.同意公开答复数", "条", "15", "15"),
        ("2.同意部分公开答复数", "条", "3", "3"),
        ("3.否决公开答复数", "条", "2", "2"),
        ("行政复议数", "条", "1", "1"),
        ("行政诉讼数", "条", "0", "0"),
    ]
    with pdf.table(col_widths=(70, 25, 25, 30), first_row_as_headings=False) as t:
        for r in table:
            row = t.row()
            for c in r:
                row.cell(c)
    path = tmp_path / "jinyang-2009.pdf"
    path.write_bytes(bytes(pdf.output()))
    stats = read(path)
    got = rows(stats)
    assert got["active"] == (412, 1033)
    assert got["requests"] == (21, 21)
    assert got["replies_partial"] == (3, 3)
    assert stats["requests"]["granted"]["total"] == 15
    assert stats["review"]["total"] == 1
    assert stats["checks"] == []


# -- markdown rows (an OCR tool's or converter's output), a trailing empty cell ---------------------------


def test_markdown_rows_with_a_trailing_empty_cell(tmp_path):
    md = (
        "# 成华区民政局2014年政府信息公开工作年度报告\n\n" + INTRO + "\n"
        "| 指标名称 | 计量单位 | 本年度 | 历年累计 | |\n"
        "|---|---|---|---|---|\n"
        "| 主动公开信息数 | 条 | 230 | 1210 | |\n"
        "| 受理依申请公开信息总数 | 条 | 4 | 19 | |\n"
        "| 其中：1.当面申请数 | 条 | 1 | 11 | |\n"
        "| 2.信函申请数 | 条 | 3 | 8 | |\n"
        "| 对申请的答复数 | 条 | 4 | 19 | |\n"
        "| 其中：1.同意公开答复数 | 条 | 4 | 17 | |\n"
        "| 2.否决公开答复数 | 条 | 0 | 2 | |\n"
        "| 行政复议数 | 条 | 0 | 1 | |\n"
        "| 行政诉讼数 | 条 | 0 | 0 | |\n"
    )
    path = tmp_path / "chenghua-mzj-2014.txt"
    path.write_text(md, encoding="utf-8")
    stats = read(path)
    assert rows(stats)["requests"] == (4, 19)
    assert rows(stats)["replies_refused"] == (0, 2)
    assert stats["requests"]["new"]["total"] == 4
    assert stats["checks"] == []


# -- flattened text: 本年度 and 历年累计 run together ------------------------------------------------------

FLAT = (
    "附件：政府信息公开情况统计表 指标名称计量单位2010年度历年累计"
    "主动公开信息数条4251516其中：1.网站公开条41815092.政府公报公开条77"
    "受理依申请公开信息总数条2121其中：1.当面申请数条13132.网上申请数条663.信函申请数条22"
    "对申请的答复数条20 20其中：1.同意公开答复数条15152.同意部分公开答复数条333.否决公开答复数条22"
    "行政复议数条1213行政诉讼数条00"
)


def test_flattened_runs_are_split_by_the_tables_arithmetic(tmp_path):
    path = tmp_path / "flat-2010.txt"
    path.write_text(
        "标题: 示例县人民政府2010年政府信息公开工作年度报告\n正文\n" + INTRO + FLAT + "\n",
        encoding="utf-8",
    )
    stats = read(path)
    got = rows(stats)
    # 2121 could be 2|121 or 21|21: only 21|21 is the sum of 13|13, 6|6 and 2|2
    assert got["requests"] == (21, 21)
    assert got["requests_in_person"] == (13, 13)
    # 4251516: 4|251516, 42|51516 or 425|1516 — the 其中 rows (418|1509 + 7|7) decide
    assert got["active"] == (425, 1516) and got["active_web"] == (418, 1509)
    assert got["replies"] == (20, 20)  # two figures printed apart: read as printed
    assert got["replies_partial"] == (3, 3)
    # 1213 is 1|213 or 12|13 and no row says which: left unread, its digits kept
    assert got["review"] == (None, None)
    assert stats["table_2008"]["review"]["printed"] == "1213"
    assert stats["review"] == {"total": None}
    assert stats["requests"]["new"]["total"] == 21
    assert stats["litigation_direct"]["total"] == 0


def test_no_old_table_no_stats():
    prose = ["全年受理依申请公开信息总数21条，同意公开15条。行政复议数为0。"]
    assert read_stats([], prose) is None
    # a table that is not the statistics table (a list of documents) is not taken for one
    grid = [["序号", "文件名称", "文号"], ["1", "关于受理申请的通知", "2012年第3号"]]
    assert read_stats([grid], []) is None


def test_the_split_search_is_bounded():
    """A run thousands of digits long is read (or left) quickly, not tried every way."""
    flat = (
        "指标名称计量单位本年度历年累计受理依申请公开信息总数条"
        + "12" * 4000
        + "其中：1.当面申请数条"
        + "3" * 3000
    )
    stats = read_stats([], [flat])
    assert stats is None or stats["requests"].get("new", {}).get("total") is None


def test_the_variant_table_alone_is_known_by_its_own_rows():
    """No prose around it: the table's own wording (依申请公开信息受理总数, 已答复申请数) says
    what it is."""
    from corpus.tables import html_grids

    table = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in HTML_ROWS)
    stats = read_stats(html_grids(f"<table>{table}</table>"), [])
    assert stats["format"] == "2008"
    assert stats["requests"]["new"]["total"] == 18
