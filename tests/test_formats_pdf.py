"""PDF and Word reports made with fpdf2 and python-docx: text, tables and failures."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from formats_fixtures import (
    AGENCY,
    HEADINGS,
    TABLE_HEAD,
    TABLE_ROWS,
    TITLE,
    has_cjk_font,
    make_docx,
    make_pdf,
    make_scanned_pdf,
)

from corpus.reader import IngestError, read_reports

pdf_font = pytest.mark.skipif(not has_cjk_font(), reason="needs fonts-wqy-microhei for CJK PDFs")


def one(path) -> object:
    (r,) = read_reports(str(path))
    return r


def _check_table(grid):
    # merged cells are repeated into every position they cover; each row is as wide as the table
    assert len({len(r) for r in grid}) == 1 and len(grid[0]) == 8
    assert grid[0][1:] == [TABLE_HEAD[0][1]] * 7  # 申请人情况 over seven columns
    assert grid[1][2:7] == [TABLE_HEAD[1][1]] * 5  # 法人或其他组织 over five
    assert grid[1][1] == grid[2][1] == "自然人"  # two rows down
    assert [r[0] for r in grid[:3]] == [TABLE_HEAD[0][0]] * 3
    assert grid[3:] == TABLE_ROWS


@pdf_font
def test_pdf_text_title_table_and_footers(tmp_path):
    p = tmp_path / "report.pdf"
    p.write_bytes(make_pdf())
    r = one(p)
    assert r.title == TITLE  # set on two lines: the organ above the rest
    assert (r.agency, r.year, r.published) == (AGENCY, 2022, "2023-01-20")
    text = "\n".join(x.text for x in r.passages)
    assert "- 1 -" not in text and "- 2 -" not in text  # page numbers gone
    # a paragraph the page width broke is one paragraph again, with no space inserted
    assert "健全依申请公开办理流程，提升答复质量。" in text
    assert "政府信息公开条例》，坚持" in text
    assert "一、本年新收政府信息公开申请数量 | 25 | 3 | 0 | 0 | 1 | 0 | 29" in text
    assert r.headings == HEADINGS  # 表三's row 四、结转下年度继续办理 is not a heading
    (grid,) = r.tables
    _check_table(grid)


@pdf_font
def test_pdf_running_header_page_numbers_over_pages(tmp_path):
    p = tmp_path / "long.pdf"
    p.write_bytes(make_pdf(table=False, pad_pages=3))
    r = one(p)
    text = "\n".join(x.text for x in r.passages)
    for n in range(1, 5):
        assert f"- {n} -" not in text
    for year in range(1950, 1950 + 3 * 14):  # every paragraph kept, whole, once
        assert text.count(f"{year}年，示例市人民政府深入贯彻落实") == 1, year
    assert text.count("全市政务公开工作取得新的成效") == 1 + 3 * 14


@pdf_font
@pytest.mark.parametrize(
    "make,reason",
    [
        (lambda: make_pdf(encrypt="secret"), "encrypted PDF"),
        (make_scanned_pdf, "no text layer (scanned PDF)"),
        (lambda: make_pdf()[:3000], "damaged or truncated PDF"),
    ],
    ids=["encrypted", "scanned", "truncated"],
)
def test_bad_pdfs_are_named(tmp_path, make, reason):
    p = tmp_path / "bad.pdf"
    p.write_bytes(make())
    with pytest.raises(IngestError, match=re.escape(reason)):
        read_reports(str(p))


def test_docx_paragraphs_styles_and_merged_cells(tmp_path):
    p = tmp_path / "report.docx"
    make_docx(p)
    r = one(p)
    assert r.title == TITLE and r.provenance["title"] == "docx-style"
    assert (r.agency, r.year, r.published) == (AGENCY, 2022, "2023-01-20")
    assert r.headings == HEADINGS
    (grid,) = r.tables
    _check_table(grid)
    text = "\n".join(x.text for x in r.passages)
    # table text stays searchable, each merged cell once
    assert text.count("申请人情况") == 1 and "法律服务机构" in text


@pdf_font
def test_content_decides_not_the_extension(tmp_path):
    (tmp_path / "pdf-named.doc").write_bytes(make_pdf())
    (tmp_path / "word-html.doc").write_bytes(
        "<html><head><meta charset='gbk'></head><body><p>示例县2020年政府信息公开工作年度报告</p>"
        "<p>一、总体情况</p><p>全年主动公开政府信息1200条，依申请公开办理及时规范。</p></body></html>".encode(
            "gbk"
        )
    )
    (tmp_path / "docx-named.pdf").write_bytes(make_docx())
    assert one(tmp_path / "pdf-named.doc").title == TITLE
    assert one(tmp_path / "word-html.doc").year == 2020
    assert one(tmp_path / "docx-named.pdf").tables


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("image.html", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "a PNG image"),
        ("zip.docx", None, "a ZIP archive"),
        ("broken.docx", b"PK\x03\x04" + b"\0" * 20, "damaged ZIP"),
        ("photo.txt", b"\xff\xd8\xff\xe0" + b"\0" * 64, "a JPEG image"),
    ],
)
def test_non_reports_are_named_as_what_they_are(tmp_path, name, data, reason):
    import io
    import zipfile

    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("readme.txt", "hello")
        data = buf.getvalue()
    (tmp_path / name).write_bytes(data)
    with pytest.raises(IngestError, match=reason):
        read_reports(str(tmp_path / name))


def test_binary_doc_without_tools_names_the_fix(tmp_path):
    """On a machine without antiword/catdoc (a PATH without them), a true .doc gets a hint."""
    from conftest import ROOT

    p = tmp_path / "old.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin")}
    res = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "ingest", str(p), "--index", str(tmp_path / "ix")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 3 and "Traceback" not in res.stderr
    assert "needs antiword or catdoc" in res.stderr


def test_rtf_report_in_its_codepage(tmp_path):
    def esc(s: str) -> str:
        return "".join(f"\\'{b:02x}" for b in s.encode("gbk"))

    body = (
        esc("示例县人民政府2020年政府信息公开工作年度报告")
        + r"\par "
        + esc("一、总体情况")
        + r"\par "
        + esc("2020年，全县主动公开政府信息1520条，依申请公开办理规范，答复及时准确。")
    )
    p = tmp_path / "report.doc"  # an RTF saved as .doc, as Word users do
    p.write_bytes(("{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0 SimSun;}}\\f0 " + body + "}").encode())
    r = one(p)
    assert r.title == "示例县人民政府2020年政府信息公开工作年度报告"
    assert r.headings == ["一、总体情况"] and r.year == 2020
