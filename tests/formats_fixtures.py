"""Report files made with the libraries themselves (fpdf2, python-docx, warcio): PDFs with a
text layer, running footers and ruled tables, encrypted and image-only PDFs, DOCX with merged
cells and heading styles, WARCs with reports and site assets. Used by tests/test_formats_*.py
and to make the samples in corpus/samples (python tests/formats_fixtures.py)."""

from __future__ import annotations

import io
import os
from pathlib import Path

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

AGENCY = "示例市人民政府"
TITLE = "示例市人民政府2022年政府信息公开工作年度报告"
PARAS = [
    ("一、总体情况", None),
    (
        None,
        "2022年，示例市人民政府深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、"
        "不公开为例外，围绕市委市政府中心工作，持续深化重点领域信息公开，不断完善政务公开制度"
        "规范，全市政务公开工作取得新的成效。全年通过政府门户网站主动公开政府信息4312条。",
    ),
    ("二、主动公开政府信息情况", None),
    (
        None,
        "全年新制发规范性文件12件，废止3件，现行有效规范性文件86件。政策解读材料与政策文件同步"
        "起草、同步审签、同步发布，全年发布图文解读、视频解读等各类解读材料57篇。",
    ),
    ("三、收到和处理政府信息公开申请情况", None),
    ("TABLE", None),
    ("四、政府信息公开行政复议、行政诉讼情况", None),
    (
        None,
        "全年发生政府信息公开行政复议案件2件，其中结果维持1件，结果纠正1件；行政诉讼案件1件，"
        "结果维持1件。",
    ),
    ("五、存在的主要问题及改进情况", None),
    (
        None,
        "一是部分单位政策解读形式较为单一；二是依申请公开办理规范化水平有待提升。下一步，"
        "我们将加强业务培训，健全依申请公开办理流程，提升答复质量。",
    ),
    ("六、其他需要报告的事项", None),
    (None, "本年度未收取信息处理费。"),
]
HEADINGS = [  # the six top-level headings of the national format (国办公开办函〔2021〕30号)
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
# 表三's head: 申请人情况 spans six columns, 法人或其他组织 five; 自然人 and 总计 span two rows.
TABLE_HEAD = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
    ["自然人", "法人或其他组织", "总计"],
    ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
]
TABLE_ROWS = [
    ["一、本年新收政府信息公开申请数量", "25", "3", "0", "0", "1", "0", "29"],
    ["二、上年结转政府信息公开申请数量", "2", "0", "0", "0", "0", "0", "2"],
    ["四、结转下年度继续办理", "1", "0", "0", "0", "0", "0", "1"],
]


def has_cjk_font() -> bool:
    return os.path.exists(CJK_FONT)


def _pdf(footer: bool = True):
    from fpdf import FPDF

    class Report(FPDF):
        def footer(self):
            if footer:
                self.set_y(-15)
                self.set_font("cjk", size=10)
                self.cell(0, 10, f"- {self.page_no()} -", align="C")

    pdf = Report(format="A4")
    pdf.add_font("cjk", fname=CJK_FONT)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(25, 25, 25)
    return pdf


def make_pdf(table: bool = True, pad_pages: int = 0, encrypt: str | None = None) -> bytes:
    """A report with a text layer: a title on two lines, wrapped paragraphs, a page-number
    footer on every page, and (with `table`) the application table with merged cells."""
    pdf = _pdf()
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 12, AGENCY, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 12, "2022年政府信息公开工作年度报告", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for head, text in PARAS:
        if head == "TABLE":
            if table:
                _pdf_table(pdf)
            continue
        pdf.set_font("cjk", size=14)
        if head:
            pdf.multi_cell(0, 9, "    " + head, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(0, 9, "    " + text, new_x="LMARGIN", new_y="NEXT")
    # every paragraph its own words and line breaks, flowing over the pages as in a real
    # report: only the footers recur from page to page
    for k in range(pad_pages * 14):
        year = str(1950 + k)
        text = PARAS[1][1].replace("2022", year).replace("4312", str(100 + 37 * k))
        lead = "第" + "一二三四五六七八九十"[k % 10] + "，" * (k % 7)
        pdf.multi_cell(0, 9, "    " + lead + text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=14)
    pdf.cell(0, 9, AGENCY, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 9, "2023年1月20日", align="R", new_x="LMARGIN", new_y="NEXT")
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password=encrypt)
    return bytes(pdf.output())


def _pdf_table(pdf) -> None:
    pdf.set_font("cjk", size=8)
    with pdf.table(col_widths=(40, 14, 14, 14, 14, 14, 14, 14), first_row_as_headings=False) as t:
        r = t.row()
        r.cell(TABLE_HEAD[0][0], colspan=1, rowspan=3)
        r.cell(TABLE_HEAD[0][1], colspan=7)
        r = t.row()
        r.cell(TABLE_HEAD[1][0], rowspan=2)
        r.cell(TABLE_HEAD[1][1], colspan=5)
        r.cell(TABLE_HEAD[1][2], rowspan=2)
        r = t.row()
        for c in TABLE_HEAD[2]:
            r.cell(c)
        for row in TABLE_ROWS:
            r = t.row()
            for c in row:
                r.cell(c)


def make_scanned_pdf() -> bytes:
    """One page that is only an image of text (a scan): no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    img = Image.new("L", (800, 1100), 255)
    d = ImageDraw.Draw(img)
    for y in range(100, 1000, 40):
        d.rectangle((80, y, 720, y + 18), fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=10, y=10, w=190)
    return bytes(pdf.output())


def make_docx(path: str | Path | None = None, year: int = 2022) -> bytes:
    """A report as Word writes it: Title style, Heading 1 headings, and the application table
    with merged cells (a horizontal and a vertical merge)."""
    import docx

    d = docx.Document()
    d.add_paragraph(TITLE.replace("2022", str(year)), style="Title")
    for head, text in PARAS:
        if head == "TABLE":
            _docx_table(d)
        elif head:
            d.add_paragraph(head, style="Heading 1")
        else:
            d.add_paragraph(text.replace("2022年", f"{year}年"))
    d.add_paragraph(AGENCY)
    d.add_paragraph(f"{year + 1}年1月20日")
    d.core_properties.title = "Word 文档"
    buf = io.BytesIO()
    d.save(buf)
    if path:
        Path(path).write_bytes(buf.getvalue())
    return buf.getvalue()


def _docx_table(d) -> None:
    t = d.add_table(rows=3 + len(TABLE_ROWS), cols=8)
    t.cell(0, 0).merge(t.cell(2, 0)).text = TABLE_HEAD[0][0]
    t.cell(0, 1).merge(t.cell(0, 7)).text = TABLE_HEAD[0][1]
    t.cell(1, 1).merge(t.cell(2, 1)).text = TABLE_HEAD[1][0]
    t.cell(1, 2).merge(t.cell(1, 6)).text = TABLE_HEAD[1][1]
    t.cell(1, 7).merge(t.cell(2, 7)).text = TABLE_HEAD[1][2]
    for j, c in enumerate(TABLE_HEAD[2]):
        t.cell(2, 2 + j).text = c
    for i, row in enumerate(TABLE_ROWS):
        for j, c in enumerate(row):
            t.cell(3 + i, j).text = c


def report_html(title: str = TITLE, body: str | None = None) -> bytes:
    paras = "".join(f"<p>{head or text}</p>" for head, text in PARAS if head != "TABLE")
    return (
        "<html><head><meta charset='utf-8'><title>" + title + "</title></head><body>"
        "<div class='nav'>首页 &gt; 政府信息公开 &gt; 年报</div>"
        "<div id='zoom'><h1>" + title + "</h1>" + (body or paras) + "</div>"
        "<div class='footer'>版权所有 示例市人民政府 网站标识码1234567890</div></body></html>"
    ).encode("utf-8")


def list_page_html() -> bytes:
    links = "".join(
        f"<li><a href='/nb/{y}.html'>示例市人民政府{y}年政府信息公开工作年度报告</a> {y + 1}-01-20</li>"
        for y in range(2010, 2023)
    )
    return f"<html><head><meta charset='utf-8'><title>年报</title></head><body><ul>{links}</ul></body></html>".encode()


def make_warc(records: list[tuple[str, str, bytes]], gz: bool = True) -> bytes:
    """A WARC of HTTP responses: (uri, content type, body) each, captured 2023-02-01."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    for uri, ctype, body in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        rec = w.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": "2023-02-01T08:00:00Z"},
        )
        w.write_record(rec)
    return buf.getvalue()


if __name__ == "__main__":  # (re)make the samples shown by `make demo`
    root = Path(__file__).resolve().parent.parent / "corpus" / "samples"
    (root / "shili-shi-2022-ndbg.pdf").write_bytes(make_pdf())
    make_docx(root / "shili-shi-2021-ndbg.docx", year=2021)
