"""Every file's cost bounded: bombs made here (a PDF that inflates to hundreds of MB, a zip
bomb, a page-reference bomb, a DOCX that takes minutes) each become one named failure, and the
good file beside them is committed."""

from __future__ import annotations

import io
import resource
import shutil
import subprocess
import sys
import zipfile
import zlib

from conftest import ROOT, SEEDS

from index.writer import ingest
from search.engine import Engine


def pdf_bytes(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for o in offsets:
        out += f"{o:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _page(kids: bytes, count: int, contents: bytes) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        contents,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def pdf_bomb(mb: int) -> bytes:
    """One page whose content stream inflates to `mb` MB (~1/1000 of that on disk)."""
    c = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    z = b"".join(c.compress(chunk) for _ in range(mb)) + c.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream"
    return pdf_bytes(_page(b"3 0 R", 1, stream))


def pdf_many_pages(n: int) -> bytes:
    """One small page referenced `n` times: a 0.6 MB file claiming 100,000 pages."""
    text = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"
    stream = b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"
    return pdf_bytes(_page(b" ".join([b"3 0 R"] * n), n, stream))


def docx(body_xml: str | bytes, extra: dict[str, bytes] | None = None) -> bytes:
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://'
        b'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    )
    body = body_xml.encode() if isinstance(body_xml, str) else body_xml
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", head + body + b"</w:body></w:document>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def _corpus(tmp_path, name: str, data: bytes):
    d = tmp_path / "in"
    d.mkdir()
    (d / name).write_bytes(data)
    shutil.copy(SEEDS[0], d / "good.txt")
    return d


def _good_is_searchable(ix: str) -> None:
    reports = Engine(ix).reports()["reports"]
    assert [r["source"].rsplit("/", 1)[-1] for r in reports] == ["good.txt"]


def test_pdf_bomb_is_one_named_failure_and_the_good_file_is_committed(tmp_path):
    d = _corpus(tmp_path, "bomb.pdf", pdf_bomb(600))  # 0.6 MB on disk, 600 MB inflated
    ix = str(tmp_path / "ix")
    stats = ingest([str(d)], ix, parse_memory_mb=300)
    assert stats.ingested == 1
    [(source, reason)] = stats.failed
    assert source.endswith("bomb.pdf")
    assert "expands past 300 MB" in reason
    _good_is_searchable(ix)


def test_a_native_abort_under_a_memory_cap_costs_one_file_not_the_run(tmp_path):
    """The operator caps the ingest's memory (ulimit -v): PDFium aborts on the bomb (SIGABRT,
    exit 134 for the whole run before); now it kills one worker, and the run commits the rest."""
    d = _corpus(tmp_path, "bomb.pdf", pdf_bomb(800))
    ix = str(tmp_path / "ix")
    cap = 1200 * 1024 * 1024

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    p = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "ingest", str(d), "--index", ix],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=300,
    )
    assert p.returncode == 3, p.stderr  # some files failed; the rest is in
    assert "bomb.pdf: PDF" in p.stderr and "Traceback" not in p.stderr
    assert "ingested 1," in p.stderr
    _good_is_searchable(ix)


def test_too_many_pages_is_named(tmp_path):
    d = _corpus(tmp_path, "pages.pdf", pdf_many_pages(100_000))
    stats = ingest([str(d)], str(tmp_path / "ix"))
    assert stats.ingested == 1
    [(_source, reason)] = stats.failed
    assert "too many pages (100,000 > 2,000)" in reason


def test_docx_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    bomb = docx("<w:p><w:r><w:t>报告</w:t></w:r></w:p>", {"word/media/x.bin": b"\0" * 400_000_000})
    assert len(bomb) < 1_000_000
    d = _corpus(tmp_path, "bomb.docx", bomb)
    # in-process: without the check python-docx would read the 400 MB part
    stats = ingest([str(d)], str(tmp_path / "ix"), workers=0)
    [(_source, reason)] = stats.failed
    assert "DOCX expands past 200 MB" in reason
    assert stats.ingested == 1


def test_a_docx_that_takes_too_long_is_stopped_and_named(tmp_path):
    # 200,000 short paragraphs: ~0.5 MB, tens of seconds of python-docx
    body = "".join(f"<w:p><w:r><w:t>第{i}段。</w:t></w:r></w:p>" for i in range(200_000))
    d = _corpus(tmp_path, "slow.docx", docx(body))
    ix = str(tmp_path / "ix")
    stats = ingest([str(d)], ix, parse_seconds=1)
    [(source, reason)] = stats.failed
    assert source.endswith("slow.docx")
    assert reason == "took longer than 1 s to parse (stopped)"
    _good_is_searchable(ix)


def test_results_apply_in_file_order_with_several_workers(tmp_path):
    """Parsed in parallel, applied in order: the same index as one worker gives, and a copy
    of a report is the later file in order (the first is the report)."""
    d = tmp_path / "in"
    d.mkdir()
    for i, seed in enumerate(SEEDS):
        shutil.copy(seed, d / f"{i}a.txt")
    shutil.copy(SEEDS[0], d / "9z.txt")  # a copy of 0a.txt
    one, many = str(tmp_path / "one"), str(tmp_path / "many")
    s1 = ingest([str(d)], one, workers=0)
    s4 = ingest([str(d)], many, workers=4)
    assert s1.copies == s4.copies and s4.copies[0][0].endswith("9z.txt")
    assert Engine(one).reports() == Engine(many).reports()
