"""Scanned reports read through real OCR (RapidOCR) on real page images made at test time: a
scanned copy of ../shared/realreports/03-huaian-shi-2024.pdf (printed at 200 dpi, grey, skewed,
speckled, JPEG, no text layer) and scans of reports made here with fpdf2. OCR is slow on shared
cores: each scan is read once per session (the OCR cache in a session folder) and reused."""

from __future__ import annotations

import io
import json

import pypdfium2 as pdfium
import pytest
from conftest import ROOT
from formats_fixtures import AGENCY, has_cjk_font, make_pdf
from PIL import Image
from scans import bigram_recall, degrade, image_pdf, render_pages, scanned_copy

from corpus.ocr import INSTALL_HINT, OcrReader, engine_id
from corpus.reader import IngestError, read_reports
from index.writer import ingest

REAL = ROOT.parent / "shared" / "realreports"
HUAIAN = REAL / "03-huaian-shi-2024.pdf"

pytestmark = pytest.mark.skipif(
    engine_id() is None, reason=f"no OCR engine installed ({INSTALL_HINT})"
)


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("ocr-cache"))


@pytest.fixture(scope="session")
def huaian_scan(tmp_path_factory, ocr_cache):
    if not HUAIAN.exists():
        pytest.skip(f"real reports not found at {REAL} (they sit beside the checkout in CI)")
    path = tmp_path_factory.mktemp("scan") / "huaian-scan.pdf"
    path.write_bytes(scanned_copy(HUAIAN))
    with OcrReader(cache_dir=ocr_cache) as ocr:
        report = read_reports(str(path), ocr=ocr)[0]
        assert ocr.counts.pages == 6 and ocr.counts.failed == 0
    return path, report


def test_scanned_copy_has_no_text_layer(huaian_scan):
    path, _ = huaian_scan
    pdf = pdfium.PdfDocument(str(path))
    assert all(pdf[i].get_textpage().count_chars() == 0 for i in range(len(pdf)))


def test_scanned_huaian_text_matches_original(huaian_scan):
    _, scan = huaian_scan
    original = read_reports(str(HUAIAN))[0]
    recall = bigram_recall(
        "\n".join(p.text for p in original.passages), "\n".join(p.text for p in scan.passages)
    )
    assert recall >= 0.96, recall


def test_scanned_huaian_facts_equal_the_originals(huaian_scan):
    _, scan = huaian_scan
    case = next(
        e for e in json.loads((REAL / "expect.json").read_text("utf-8")) if e["file"] == HUAIAN.name
    )
    assert scan.title == case["title"]
    assert scan.agency in [case["agency"], *case.get("agency_accept", [])]
    assert scan.year == case["year"]
    assert scan.headings == case["sections"]
    s = scan.stats
    got = {
        "new_requests_total": s["requests"]["new"]["total"],
        "granted_total": s["requests"]["granted"]["total"],
        "review_total": s["review"]["total"],
        "litigation_total": s["litigation_direct"]["total"] + s["litigation_after_review"]["total"],
    }
    assert got == case["stats"]
    # every figure of the three tables, not only the four hand-read ones
    assert scan.stats == read_reports(str(HUAIAN))[0].stats


def test_scanned_report_is_marked_ocr(huaian_scan):
    _, scan = huaian_scan
    assert all(p.ocr for p in scan.passages)
    assert {scan.provenance[k] for k in ("title", "agency", "year")} == {"ocr"}
    assert scan.problems == []


# -- fixtures made here (no ../shared) ---------------------------------------------------------


@pytest.fixture(scope="session")
def made(tmp_path_factory):
    if not has_cjk_font():
        pytest.skip("no CJK font to make the fixtures (apt-get install fonts-wqy-microhei)")
    d = tmp_path_factory.mktemp("made")
    text_pdf = make_pdf(table=False)
    pages = render_pages(text_pdf)
    (d / "scan.pdf").write_bytes(image_pdf([degrade(p, seed=7) for p in pages]))
    buf = io.BytesIO()
    degrade(pages[0], seed=3).save(buf, "PNG")
    (d / "page.png").write_bytes(buf.getvalue())
    # a text PDF whose last page is a scan (of the first page of another report)
    mixed = pdfium.PdfDocument(make_pdf(table=False, pad_pages=0))
    other = pdfium.PdfDocument(
        scanned_copy(HUAIAN, pages=[4])
        if HUAIAN.exists()
        else image_pdf([degrade(render_pages(_other_report_page())[0], seed=5)])
    )
    mixed.import_pages(other)
    out = io.BytesIO()
    mixed.save(out)
    (d / "mixed.pdf").write_bytes(out.getvalue())
    # a two-page TIFF whose second page is cut off
    tif = io.BytesIO()
    first = degrade(pages[0], seed=1)
    first.save(tif, "TIFF", save_all=True, append_images=[first.copy()])
    data = tif.getvalue()
    (d / "broken.tif").write_bytes(data[: len(data) - len(data) // 4])
    return d, text_pdf


def _other_report_page() -> bytes:
    """A page of another report, as text to render and scan: the scanned appendix of the mixed
    PDF when the real report it is taken from in CI (../shared) is absent."""
    from formats_fixtures import CJK_FONT
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("cjk", fname=CJK_FONT)
    pdf.set_font("cjk", size=14)
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    for line in (
        "三、收到和处理政府信息公开申请情况",
        "本年度共收到政府信息公开申请46件，其中当面申请12件，网络申请34件，均已按期答复。",
        "四、政府信息公开行政复议、行政诉讼情况",
        "本年度未发生因政府信息公开引起的行政复议和行政诉讼案件。",
        "五、存在的主要问题及改进情况",
        "一是主动公开内容还不够全面；二是政策解读形式较为单一，群众参与度不高。",
    ):
        pdf.multi_cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_image_only_pdf_and_image_file_are_read(made, ocr_cache):
    d, text_pdf = made
    original = read_reports_bytes(text_pdf, d / "text.pdf")
    with OcrReader(cache_dir=ocr_cache) as ocr:
        scan = read_reports(str(d / "scan.pdf"), ocr=ocr)[0]
        page = read_reports(str(d / "page.png"), ocr=ocr)[0]
    assert scan.title == original.title and scan.agency == AGENCY == original.agency
    assert scan.year == original.year
    text = "\n".join(p.text for p in original.passages)
    assert bigram_recall(text, "\n".join(p.text for p in scan.passages)) >= 0.96
    assert page.agency == AGENCY and all(p.ocr for p in page.passages)


def read_reports_bytes(data: bytes, path):
    path.write_bytes(data)
    return read_reports(str(path))[0]


def test_mixed_pdf_marks_only_the_scanned_page(made, ocr_cache):
    d, _ = made
    with OcrReader(cache_dir=ocr_cache) as ocr:
        r = read_reports(str(d / "mixed.pdf"), ocr=ocr)[0]
        assert ocr.counts.pages + ocr.counts.cached == 1  # only the scanned page went to OCR
    marked = [p for p in r.passages if p.ocr]
    plain = [p for p in r.passages if not p.ocr]
    assert marked and plain
    assert r.agency == AGENCY and r.provenance["agency"] != "ocr"  # read from the text layer
    assert any("收到和处理政府信息公开申请" in p.text or "存在的主要问题" in p.text for p in marked)


def test_unreadable_page_is_named_and_the_rest_kept(made, ocr_cache, tmp_path):
    d, _ = made
    errors: list[tuple[str, str]] = []
    stats = ingest(
        [str(d / "broken.tif")],
        str(tmp_path / "ix"),
        ocr_cache=ocr_cache,
        on_error=lambda s, r: errors.append((s, r)),
    )
    assert stats.ingested == 1
    assert any("page 2 could not be read" in r for _s, r in errors), errors


def test_reingest_reads_no_page_twice(made, tmp_path):
    d, _ = made
    cache = tmp_path / "cache"
    first = ingest([str(d / "page.png")], str(tmp_path / "a"), ocr_cache=str(cache))
    assert (first.ingested, first.ocr_pages, first.ocr_cached) == (1, 1, 0)
    again = ingest([str(d / "page.png")], str(tmp_path / "a"), ocr_cache=str(cache))
    assert (again.unchanged, again.ocr_pages) == (1, 0)
    # a rebuilt index with the cache kept: the text comes from the cache, the engine reads nothing
    rebuilt = ingest([str(d / "page.png")], str(tmp_path / "b"), ocr_cache=str(cache))
    assert (rebuilt.ingested, rebuilt.ocr_pages, rebuilt.ocr_cached) == (1, 0, 1)


def test_without_engine_a_scan_is_named_with_the_install_hint(made, monkeypatch):
    d, _ = made
    monkeypatch.setenv("GONGKAI_OCR", "off")
    with pytest.raises(IngestError, match="no text layer.*pip install rapidocr-onnxruntime"):
        read_reports(str(d / "scan.pdf"))


def test_ocr_mark_in_search_show_and_citation(made, tmp_path, ocr_cache):
    from search.engine import Engine
    from search.tools.cite import cite

    d, _ = made
    ix = str(tmp_path / "ix")
    ingest([str(d / "page.png")], ix, ocr_cache=ocr_cache)
    eng = Engine(ix)
    res = eng.search("政府信息公开")
    hit = res.hits[0]
    assert hit.ocr
    assert "〔OCR〕" in cite(eng, hit.passage_id)["citation"]
    detail = eng.show(hit.report_id)
    assert all(p.ocr for p in detail.passages)
    assert Image.open(d / "page.png").format == "PNG"
