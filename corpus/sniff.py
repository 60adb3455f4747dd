"""What a file really is, from its first bytes. Extensions lie in real archives: a ".doc" saved
by a portal is often Word-HTML, an attachment named .docx may be a PDF, a .html may be an image.
The content decides; the extension is only the fallback for plain text."""

from __future__ import annotations

import io
import re
import zipfile

# Formats that are read, by their magic bytes.
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "pdf"),
    (b"{\\rtf", "rtf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # OLE2 compound file: Word 97-2003 .doc
    (b"WARC/", "warc"),
]
# Formats that are not reports: named in the error so the user knows what the file is.
_NOT_TEXT: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip file"),
    (b"%!PS", "a PostScript file"),
    (b"\x00\x00\x00\x18ftyp", "a video file"),
    (b"\x00\x00\x00\x20ftyp", "a video file"),
    (b"ID3", "an MP3 file"),
]
_PAGE_IMAGES = ("a PNG image", "a JPEG image", "a TIFF image")
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*(<\?xml[^>]*>\s*)?(<!doctype\s+html|<html|<head|<meta|<body|<title|<div|<p[\s>]|<table)",
    re.I | re.S,
)
_HTML_TAGS = re.compile(rb"<(html|body|p|div|br|table|span)[\s>/]", re.I)


class NotAReport(ValueError):
    """The bytes are a known non-text format; the message names it."""


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise NotAReport("a damaged ZIP archive (a truncated .docx?)") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        raise NotAReport("an Excel workbook (.xlsx), not a report")
    if "ppt/presentation.xml" in names:
        raise NotAReport("a PowerPoint file (.pptx), not a report")
    if "content.xml" in names and "mimetype" in names:
        raise NotAReport("an OpenDocument file, not read (save it as .docx or PDF)")
    raise NotAReport("a ZIP archive, not a report (unpack it and ingest the folder)")


def sniff(data: bytes, ext_kind: str) -> str:
    """The kind to parse `data` as: "pdf", "docx", "doc", "rtf", "warc", "image", "html" or
    "text".
    `ext_kind` is what the extension said. Raises NotAReport for images, archives and the like."""
    head = data[:16]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(b"\x1f\x8b") and ext_kind == "warc":
        return "warc"
    for magic, what in _NOT_TEXT:
        if head.startswith(magic):
            if ext_kind == "image" and what in _PAGE_IMAGES:
                return "image"  # a scanned page, named as an image: read through OCR
            raise NotAReport(f"{what}, not a report")
    if ext_kind == "image":
        raise NotAReport("not an image (no PNG, JPEG or TIFF signature)")
    # Text: HTML by its content (a .doc that is Word-HTML, a .txt that is a saved page).
    probe = data[:4096].lstrip(b"\xef\xbb\xbf")
    if ext_kind == "html" or _HTML_START.match(probe) or len(_HTML_TAGS.findall(probe)) >= 3:
        return "html"
    if ext_kind in ("doc", "docx"):
        return "text"  # a "Word" file that is plain text (some exporters do this)
    return "text" if ext_kind not in ("pdf", "warc", "rtf") else _misnamed(ext_kind)


def _misnamed(ext_kind: str) -> str:
    raise NotAReport(f"not a {ext_kind.upper()} file (no {ext_kind.upper()} signature)")
