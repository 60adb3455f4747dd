"""Web archives (.warc, .warc.gz) through warcio: every HTTP response that may be a report
(HTML, PDF, Word) comes out with its URL and capture date; the rest (CSS, scripts, images,
redirects, errors) is counted as skipped, and a truncated record ends the file with a reason
while the records before it are kept."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from corpus.dates import parse_date

_REPORT_TYPES = (
    "text/html",
    "application/xhtml",
    "text/plain",
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml",
    "application/rtf",
    "text/rtf",
    "application/octet-stream",  # attachments are often served so: the content decides
)


@dataclass
class Record:
    uri: str
    captured: str | None  # ISO date of the capture (WARC-Date)
    content_type: str
    payload: bytes
    offset: int  # byte offset of the record in the file


@dataclass
class Skipped:
    uri: str
    reason: str


@dataclass
class Broken:
    offset: int
    reason: str


def records(stream, max_bytes: int, size: int = 0) -> Iterator[Record | Skipped | Broken]:
    """The archive's records; `size` (the file's length) lets a record cut off at the end be
    told from the end of the archive."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    it = ArchiveIterator(stream)
    offset = 0
    try:
        for rec in it:
            if rec.rec_type not in ("response", "resource"):
                continue
            uri = rec.rec_headers.get_header("WARC-Target-URI") or ""
            if rec.http_headers is not None:
                status = rec.http_headers.get_statuscode() or ""
                ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
                if not status.startswith("2"):
                    yield Skipped(uri, f"HTTP {status} response")
                    continue
            else:
                ctype = (rec.rec_headers.get_header("Content-Type") or "").lower()
            if ctype and not ctype.startswith(_REPORT_TYPES):
                yield Skipped(uri, f"not a report ({ctype.split(';')[0]})")
                continue
            payload = rec.content_stream().read(max_bytes + 1)
            offset = it.get_record_offset()
            if len(payload) <= max_bytes and getattr(rec.raw_stream, "limit", 0) > 0:
                # fewer bytes than the record's Content-Length: the file was cut here
                yield Broken(offset, f"truncated WARC record at offset {offset} ({uri})")
                return
            if len(payload) > max_bytes:
                yield Skipped(uri, f"too large (> {max_bytes / 1e6:.0f} MB limit)")
                continue
            date = parse_date(rec.rec_headers.get_header("WARC-Date") or "")
            yield Record(uri, date, ctype, payload, offset)
        end = getattr(it, "offset", 0)
        if size and end < size - 4:
            yield Broken(end, f"truncated or damaged WARC record at offset {end}")
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as e:
        # zlib.error is an Exception subclass raised by gzip members cut short
        yield Broken(offset, f"truncated or damaged WARC record after offset {offset} ({e})")
    except Exception as e:  # zlib.error and other decoder failures in a cut-off file
        yield Broken(
            offset, f"truncated or damaged WARC record after offset {offset} ({type(e).__name__})"
        )


def open_warc(path_or_bytes: str | bytes):
    if isinstance(path_or_bytes, bytes):
        return io.BytesIO(path_or_bytes)
    return open(path_or_bytes, "rb")
