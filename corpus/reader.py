"""From a discovered file to reports. Each file (or JSONL line) is a `Unit` with a stable key
and a content hash, so the index can skip unchanged ones before any parsing happens."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from corpus.clean import clean_lines, header_fields, nfkc
from corpus.dates import parse_date
from corpus.decode import DecodeError, decode_bytes
from corpus.discover import SIDECAR_EXT, Found, shown
from corpus.html import parse_html
from corpus.identity import assign
from corpus.identity import report_id as identity
from corpus.limits import MAX_MB as DEFAULT_MAX_MB
from corpus.metadata import extract, looks_like_title
from corpus.model import ParsedDoc, Report
from corpus.ocr import INSTALL_HINT, OcrReader, engine_id, image_doc, mark_passages
from corpus.passages import make_passages
from corpus.pdf import PdfError, PdfLayout, parse_pdf
from corpus.plaintext import parse_text
from corpus.sections import match_heading, top_headings, unflatten
from corpus.sniff import NotAReport, sniff
from corpus.stats import read_stats
from corpus.tables import html_grids
from corpus.word import WordError, parse_doc, parse_docx, parse_rtf

# Bump when extraction changes, so re-ingest refreshes reports parsed by older code.
PIPELINE_VERSION = "4"


class IngestError(Exception):
    """A file (or a JSONL line) that cannot become a report; the message is the reason."""


class NotReport(IngestError):
    """A source that is not a report at all (a WARC's list page): counted as skipped."""


@dataclass
class NeedsOcr:
    """A parsed document with pages to read through OCR before it is a report: parsing (in a
    worker, under its deadline) hands this back, and `Unit.complete` reads the pages where the
    OCR reader lives, under OCR's own per-page limits."""

    doc: ParsedDoc
    data: bytes
    ext_kind: str
    build: Callable[[ParsedDoc], Report]


@dataclass
class Unit:
    key: str  # where the source is read from: absolute path, plus #line for JSONL, #URI for WARC
    source: str  # what users see and citations name: the name relative to the folder given
    # to ingest (Found.name), plus :line for JSONL, #URI for WARC
    content_hash: str
    # picklable (a partial of a module-level function): it may run in a worker process
    # (index/parsepool.py); a report, or NeedsOcr for `complete`
    parse: Callable[[], Report | NeedsOcr]
    offset: int = 0  # bytes of the file read once this unit is done (progress in big JSONL files)
    kind: str = "text"  # what the bytes were taken for: "pdf", "docx", "html", …
    ocr: OcrReader | None = None  # reads scanned pages in `complete` (None: one made for it)
    # the path as the operator gave it (plus :line, #URI): what failures and skips name
    given: str = ""

    def complete(self, parsed: Report | NeedsOcr) -> Report:
        """What `parse` gave, as a report: scanned pages read through OCR first."""
        if isinstance(parsed, NeedsOcr):
            kind = _sniffed(parsed.data, parsed.ext_kind)
            return parsed.build(_read_scans(parsed.doc, parsed.data, kind, self.ocr))
        return parsed

    def report(self) -> Report:
        """Parse (here, unbounded) and complete."""
        return self.complete(self.parse())


@dataclass
class UnitError:
    source: str
    reason: str


@dataclass
class UnitSkip:
    """A part of a source that is not a report (a WARC's stylesheet): counted as skipped."""

    source: str
    reason: str


def _hash(data: bytes) -> str:
    return hashlib.blake2b(PIPELINE_VERSION.encode() + b"\0" + data, digest_size=16).hexdigest()


_HINT_ORIGIN = {
    "title": "html-meta",
    "published": "html-meta",
    "source": "html-meta",
    "url": "html-meta",
}


def site_title(title: str) -> str:
    """A page title as a CMS writes it — 报告名_栏目_站点, 报告名 | 站点, 报告名 - 站点 — cut
    to its first part, the report's own name. A web page's <title>, and the title a browser
    writes into a PDF it prints that page to."""
    return re.split(r"[_|｜]| - | — ", title)[0].strip()


def _html_doc(text: str) -> ParsedDoc:
    doc = parse_html(text)
    body_lines, header = clean_lines(doc.body_lines)
    page_header = header_fields(doc.page_lines)
    hints = {k: v for k, v in doc.meta.items() if k in ("title", "published", "source", "url")}
    page_title = site_title(doc.page_title)
    return ParsedDoc(
        lines=body_lines,
        tables=html_grids(text),  # the whole page's data tables, merged cells repeated
        hints=hints,
        provenance={k: _HINT_ORIGIN[k] for k in hints},
        header={**page_header, **header},
        headline=doc.headline or page_title,
        alt_titles=[(h, "html-title") for h in doc.headlines[1:]]
        + ([(page_title, "html-title")] if page_title else []),
        clean=False,
    )


def _decode_or_raise(data: bytes) -> str:
    try:
        text, _enc = decode_bytes(data)
    except DecodeError as e:
        raise IngestError(str(e)) from None
    return text


def _sniffed(data: bytes, ext_kind: str) -> str:
    try:
        return sniff(data, ext_kind)
    except NotAReport as e:
        raise IngestError(str(e)) from None


def parse_document(
    data: bytes, ext_kind: str, ocr: OcrReader | None = None, *, defer_ocr: bool = False
) -> ParsedDoc:
    """Any supported file's bytes to a ParsedDoc, by what the bytes are (not the extension).
    Pages without a text layer (scans, images) are read through OCR by `ocr` (a reader without
    a cache when None), or left for the caller (`defer_ocr`: see `scans_pending`)."""
    kind = _sniffed(data, ext_kind)
    if kind in ("pdf", "image"):
        try:
            doc = parse_pdf(data) if kind == "pdf" else image_doc(data)
        except (PdfError, ValueError) as e:
            raise IngestError(str(e)) from None
        return doc if defer_ocr else _read_scans(doc, data, kind, ocr)
    try:
        if kind == "docx":
            return parse_docx(data)
        if kind == "doc":
            return parse_doc(data)
        if kind == "rtf":
            return parse_rtf(data)
    except (PdfError, WordError) as e:
        raise IngestError(str(e)) from None
    if kind == "warc":
        raise IngestError("a web archive (WARC) under another name: rename it .warc or .warc.gz")
    text = _decode_or_raise(data)
    if not text.strip():
        raise IngestError("empty file")
    return _html_doc(text) if kind == "html" else parse_text(text)


def scans_pending(doc: ParsedDoc) -> bool:
    """Whether `doc` has pages without a text layer still to read through OCR."""
    return isinstance(doc.layout, PdfLayout) and bool(doc.layout.scanned)


def _read_scans(doc: ParsedDoc, data: bytes, kind: str, ocr: OcrReader | None) -> ParsedDoc:
    """`doc` with the pages that have no text layer read through OCR, or named when no OCR
    engine is installed."""
    layout = doc.layout
    if not isinstance(layout, PdfLayout) or not layout.scanned:
        return doc
    what = "an image of a page" if kind == "image" else "no text layer (scanned PDF)"
    if engine_id() is None:
        if not doc.lines:
            raise IngestError(f"{what}: {INSTALL_HINT}")
        pages = ", ".join(str(i + 1) for i in layout.scanned)
        doc.problems.append(f"pages {pages} have no text layer and were not read: {INSTALL_HINT}")
        doc.layout = None
        return doc
    if ocr is None:
        with OcrReader() as reader:
            out = reader.complete(doc, data, kind)
    else:
        out = ocr.complete(doc, data, kind)
    if not out.lines:
        raise IngestError(
            f"{what}, and OCR found no text on it"
            + (f" ({'; '.join(out.problems)})" if out.problems else "")
        )
    return out


def fingerprint(texts: list[str], year: int | None = None, agency: str = "") -> str:
    """Equal for copies of one report however they were saved: its text (letters and digits
    only), covered year and agency. Two years' reports that happen to share a body stay two."""
    squeezed = f"{year or ''}\x1f{agency}\x1f" + re.sub(r"[\W_]+", "", nfkc("".join(texts)))
    return hashlib.blake2b(squeezed.encode("utf-8"), digest_size=12).hexdigest()


def build_report(
    doc: ParsedDoc | str,
    kind: str,
    key: str,
    source: str,
    content_hash: str,
    hints: dict[str, str],
    provenance: dict[str, str] | None = None,
) -> Report:
    """The whole extraction pipeline for one parsed document. `hints` are explicit values
    (JSONL fields, a sidecar, a WARC record) that win over the document's own clues;
    `provenance` names where each came from (default "given"). A `str` is parsed as `kind`."""
    if isinstance(doc, str):
        doc = _html_doc(doc) if kind == "html" else parse_text(doc)
    header = dict(doc.header)
    if doc.clean:
        lines, found = clean_lines(doc.lines)
        header = {**found, **header}
    else:
        lines = doc.lines
    if not lines:
        raise IngestError("no text left after cleaning")
    cleaned = lines  # as printed: the table reader reads flattened digit runs from these
    lines = unflatten(lines)
    given = {**doc.provenance, **{k: (provenance or {}).get(k, "given") for k in hints}}
    all_hints = {**doc.hints, **hints}
    meta, body = extract(
        lines,
        header,
        all_hints,
        headline=doc.headline,
        provenance=given,
        headline_source=doc.headline_source,
        alt_titles=doc.alt_titles,
    )
    if not body:
        raise IngestError("no text left after cleaning")
    title = meta.title
    if not title and len(site_title(doc.weak_title)) >= 4:
        title = site_title(doc.weak_title)
        meta.provenance["title"] = "pdf-info" if kind == "pdf" else "document-properties"
    if not title:
        title = (
            f"{meta.agency}{meta.year or ''}{'年' if meta.year else ''}政府信息公开工作报告"
            if meta.agency
            else os.path.basename(source)
        )
        meta.provenance["title"] = "inferred" if meta.agency else "filename"
    passages = make_passages(body)
    if not passages:
        raise IngestError("no text left after cleaning")
    fp = fingerprint([p.text for p in passages], meta.year, meta.agency)
    report_id = identity(meta.agency, meta.year, title, fp)
    assign(report_id, passages)
    if doc.ocr_lines:
        mark_passages(passages, doc.ocr_lines, doc.ocr == "all")
        _ocr_provenance(meta.provenance, {"title": title, "agency": meta.agency}, doc)
    return Report(
        report_id=report_id,
        title=title,
        agency=meta.agency,
        year=meta.year,
        published=meta.published,
        source=source,
        url=all_hints.get("url"),
        source_key=key,
        # A report missing pages is read again by the next ingest (OCR's cache keeps the rest).
        content_hash=content_hash + ("~partial" if doc.problems else ""),
        passages=passages,
        tables=doc.tables,
        headings=top_headings(body),
        provenance=meta.provenance,
        fingerprint=fp,
        stats=read_stats(doc.tables, cleaned, meta.year),
        problems=list(doc.problems),
    )


# Where a field came from when it was not read from the document's text.
_NOT_FROM_TEXT = {"given", "sidecar", "warc", "html-meta", "pdf-info", "document-properties"}


def _ocr_provenance(prov: dict[str, str], values: dict[str, str], doc: ParsedDoc) -> None:
    """Fields read from OCR text say so: every text-derived field of a wholly scanned report,
    and in a partly scanned one those whose value OCR read."""
    ocr_text = "\n".join(doc.ocr_lines)
    for k, how in list(prov.items()):
        if how in _NOT_FROM_TEXT:
            continue
        value = values.get(k, "")
        if doc.ocr == "all" or (value and value in ocr_text):
            prov[k] = "ocr"


def _sidecar(path: str) -> tuple[dict[str, str], bytes]:
    """Hints from NAME.url / NAME.json (or NAME.EXT.url / .json) beside a report, and the
    sidecar's bytes (part of the source's hash, so editing the sidecar re-ingests it)."""
    root = os.path.splitext(path)[0]
    for cand in [path + e for e in SIDECAR_EXT] + [root + e for e in SIDECAR_EXT]:
        try:
            with open(cand, "rb") as f:
                raw = f.read(1_000_000)
        except OSError:
            continue
        text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
        if cand.endswith(".url"):
            m = re.search(r"^\s*(?:URL\s*=\s*)?(https?://\S+)", text, re.M | re.I)
            return ({"url": m.group(1)} if m else {}), raw
        try:
            obj = json.loads(text)
        except json.JSONDecodeError:
            return {}, raw
        if isinstance(obj, dict):
            return _fields(obj), raw
    return {}, b""


def _fields(obj: dict) -> dict[str, str]:
    out = {}
    for k in ("title", "url", "published", "date", "agency", "year", "congress"):
        v = obj.get(k)
        if v in (None, "") or isinstance(v, (dict, list)):
            continue
        # Titles keep their punctuation as printed; the rest is normalized for matching.
        out[k] = str(v).strip() if k == "title" else nfkc(str(v)).strip()
    return out


def _read_file(found: Found, max_bytes: int) -> bytes | UnitError:
    if found.size > max_bytes:
        return UnitError(
            found.path, f"too large ({found.size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB limit)"
        )
    try:
        with open(found.path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        return UnitError(found.path, f"unreadable ({e.strerror or e})")
    if len(data) > max_bytes:
        return UnitError(found.path, f"too large (> {max_bytes / 1e6:.0f} MB limit)")
    if not data.strip():
        return UnitError(found.path, "empty file")
    return data


def _file_units(
    found: Found, max_bytes: int, ocr: OcrReader | None = None
) -> Iterator[Unit | UnitError]:
    key = shown(os.path.abspath(found.path))  # non-UTF-8 bytes of a name as \xNN
    data = _read_file(found, max_bytes)
    if isinstance(data, UnitError):
        yield data
        return
    hints, side = _sidecar(found.path)
    h = _hash(data + (b"\0sidecar\0" + side if side else b""))
    parse = partial(_parse_file, data, found.kind, key, found.shown_name, h, hints)
    yield Unit(key, found.shown_name, h, parse, kind=found.kind, ocr=ocr, given=found.shown)


def _parse_file(
    data: bytes, kind: str, key: str, source: str, h: str, hints: dict[str, str]
) -> Report | NeedsOcr:
    doc = parse_document(data, kind, defer_ocr=True)
    build = partial(_build_file, kind, key, source, h, hints)
    return NeedsOcr(doc, data, kind, build) if scans_pending(doc) else build(doc)


def _build_file(
    kind: str, key: str, source: str, h: str, hints: dict[str, str], doc: ParsedDoc
) -> Report:
    return build_report(doc, kind, key, source, h, hints, {k: "sidecar" for k in hints})


def _open(found: Found):
    """The file opened for reading, or the UnitError that says why it cannot be."""
    try:
        return open(found.path, "rb")
    except OSError as e:
        return UnitError(found.path, f"unreadable ({e.strerror or e})")


def _warc_units(
    found: Found, max_bytes: int, ocr: OcrReader | None = None
) -> Iterator[Unit | UnitError | UnitSkip]:
    from corpus.warc import Broken, Record, Skipped, records

    base = shown(os.path.abspath(found.path))
    stream = _open(found)
    if isinstance(stream, UnitError):
        yield stream
        return
    any_record = False
    seen: set[str] = set()
    with stream:
        for rec in records(stream, max_bytes, found.size):
            any_record = True
            if isinstance(rec, Broken):
                yield UnitError(found.path, rec.reason)
                return
            if isinstance(rec, Skipped):
                yield UnitSkip(f"{found.path}#{rec.uri}", rec.reason)
                continue
            assert isinstance(rec, Record)
            if rec.uri in seen:  # a re-crawl of the same URL in one archive: the first is kept
                yield UnitSkip(f"{found.path}#{rec.uri}", "captured again in this archive")
                continue
            seen.add(rec.uri)
            yield _warc_unit(found, base, rec, ocr)
    if not any_record:
        yield UnitError(found.path, "not a web archive (no WARC records)")


def _warc_unit(found: Found, base: str, rec, ocr: OcrReader | None = None) -> Unit:
    key = f"{base}#{rec.uri}"
    source = f"{found.shown_name}#{rec.uri}"
    h = _hash(rec.payload)
    hints = {"url": rec.uri} if rec.uri else {}
    if rec.captured:
        hints["captured"] = rec.captured
    ext_kind = (
        "pdf" if "pdf" in rec.content_type else "html" if "html" in rec.content_type else "text"
    )

    parse = partial(_parse_record, rec.payload, ext_kind, key, source, h, hints)
    given = f"{found.shown}#{rec.uri}"
    return Unit(key, source, h, parse, offset=rec.offset, kind=ext_kind, ocr=ocr, given=given)


def _parse_record(
    payload: bytes, ext_kind: str, key: str, source: str, h: str, hints: dict[str, str]
) -> Report | NeedsOcr:
    if not payload.strip():
        raise NotReport("empty response")
    doc = parse_document(payload, ext_kind, defer_ocr=True)
    build = partial(_build_record, ext_kind, key, source, h, hints)
    return NeedsOcr(doc, payload, ext_kind, build) if scans_pending(doc) else build(doc)


def _build_record(
    ext_kind: str, key: str, source: str, h: str, hints: dict[str, str], doc: ParsedDoc
) -> Report:
    if _is_list_page(doc):
        raise NotReport("a list or navigation page, not a report")
    return build_report(doc, ext_kind, key, source, h, hints, {k: "warc" for k in hints})


def _is_list_page(doc: ParsedDoc) -> bool:
    """A portal's column page: little prose, and most lines are link titles or dates."""
    prose = sum(len(ln) for ln in doc.lines if len(ln) >= 40 and re.search(r"[，。；]", ln))
    if prose >= 400:
        return False
    listed = sum(
        1 for ln in doc.lines if (looks_like_title(ln) and not match_heading(ln)) or parse_date(ln)
    )
    return prose < 80 or listed >= max(3, 0.6 * len(doc.lines))


_CONTENT_KEYS = ("content", "text", "body")


def _jsonl_units(found: Found, max_bytes: int) -> Iterator[Unit | UnitError]:
    base = shown(os.path.abspath(found.path))
    f = _open(found)
    if isinstance(f, UnitError):
        yield f
        return
    with f:
        lineno = 0
        any_line = False
        while True:
            try:
                raw = f.readline(max_bytes + 1)
            except OSError as e:
                yield UnitError(found.path, f"unreadable at line {lineno + 1} ({e.strerror or e})")
                return
            if not raw:
                break
            lineno += 1
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                yield UnitError(
                    f"{found.path}:{lineno}", f"line too large (> {max_bytes / 1e6:.0f} MB limit)"
                )
                while raw and not raw.endswith(b"\n"):  # skip the rest of this line
                    raw = f.readline(max_bytes)
                continue
            if not raw.strip():
                continue
            any_line = True
            unit = _jsonl_unit(found, base, lineno, raw)
            if isinstance(unit, Unit):
                unit.offset = f.tell()
            yield unit
        if not any_line:
            yield UnitError(found.path, "empty file")


def _jsonl_unit(found: Found, base: str, lineno: int, raw: bytes) -> Unit | UnitError:
    source = f"{found.shown_name}:{lineno}"
    try:
        obj = json.loads(_decode_or_raise(raw))
    except (json.JSONDecodeError, IngestError) as e:
        reason = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
        return UnitError(found.path, f"broken JSON at line {lineno} ({reason})")
    except RecursionError:
        return UnitError(found.path, f"broken JSON at line {lineno} (nested too deeply)")
    except ValueError:  # Python refuses integers of more than 4,300 digits
        return UnitError(found.path, f"broken JSON at line {lineno} (a number too long to read)")
    if not isinstance(obj, dict):
        return UnitError(found.path, f"broken JSON at line {lineno} (not an object)")
    content = next(
        (obj[k] for k in _CONTENT_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), None
    )
    if content is None:
        return UnitError(found.path, f"line {lineno}: no content/text/body field")
    hints = _fields(obj)
    key = f"{base}#{lineno}"
    h = _hash(raw.rstrip(b"\r\n"))
    parse = partial(_parse_line, content, key, source, h, hints)
    return Unit(key, source, h, parse, given=f"{found.shown}:{lineno}")


def _parse_line(content: str, key: str, source: str, h: str, hints: dict[str, str]) -> Report:
    return build_report(parse_text(content), "text", key, source, h, hints)


def read_units(
    found: Found, max_bytes: int = DEFAULT_MAX_MB * 1_000_000, ocr: OcrReader | None = None
) -> Iterator[Unit | UnitError | UnitSkip]:
    """The units of one discovered file. `ocr` reads pages without a text layer (with its
    cache and worker pool); without one, each scanned file gets a reader of its own."""
    if found.kind == "jsonl":
        yield from _jsonl_units(found, max_bytes)
    elif found.kind == "warc":
        yield from _warc_units(found, max_bytes, ocr)
    else:
        yield from _file_units(found, max_bytes, ocr)


def read_reports(
    path: str, max_bytes: int = DEFAULT_MAX_MB * 1_000_000, ocr: OcrReader | None = None
) -> list[Report]:
    """Convenience for tests and scripts: every report in one file (errors raise)."""
    from corpus.discover import _classify

    found = _classify(path)
    if found.kind in ("skip", "error"):
        raise IngestError(found.reason)
    out = []
    for unit in read_units(found, max_bytes, ocr):
        if isinstance(unit, UnitError):
            raise IngestError(f"{unit.source}: {unit.reason}")
        if isinstance(unit, UnitSkip):
            continue
        try:
            out.append(unit.report())
        except NotReport:
            continue
    return out
