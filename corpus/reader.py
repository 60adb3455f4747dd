"""From a discovered file to reports. Each file (or JSONL line) is a `Unit` with a stable key
and a content hash, so the index can skip unchanged ones before any parsing happens."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from corpus.clean import clean_lines, nfkc
from corpus.decode import DecodeError, decode_bytes
from corpus.discover import Found
from corpus.html import parse_html
from corpus.metadata import extract
from corpus.model import Report, stable_id
from corpus.passages import make_passages
from corpus.stats import read_stats
from corpus.tables import html_grids

# Bump when extraction changes, so re-ingest refreshes reports parsed by older code.
PIPELINE_VERSION = "3"
DEFAULT_MAX_MB = 16


class IngestError(Exception):
    """A file (or a JSONL line) that cannot become a report; the message is the reason."""


@dataclass
class Unit:
    key: str  # stable identity of the source: absolute path, plus #line for JSONL
    source: str  # what users see: the path as given, plus :line for JSONL
    content_hash: str
    parse: Callable[[], Report]
    offset: int = 0  # bytes of the file read once this unit is done (progress in big JSONL files)


@dataclass
class UnitError:
    source: str
    reason: str


def _hash(data: bytes) -> str:
    return hashlib.blake2b(PIPELINE_VERSION.encode() + b"\0" + data, digest_size=16).hexdigest()


def _url_hint(url: str | None) -> dict[str, str]:
    return {"url": url} if url else {}


def build_report(
    text: str, kind: str, key: str, source: str, content_hash: str, hints: dict[str, str]
) -> Report:
    """The whole extraction pipeline for one document's text."""
    headline = ""
    if kind == "html":
        doc = parse_html(text)
        hints = {
            **{k: v for k, v in doc.meta.items() if k in ("title", "published", "source", "url")},
            **hints,
        }
        body_lines, header = clean_lines(doc.body_lines)
        _, page_header = clean_lines(doc.page_lines)
        header = {**page_header, **header}
        headline = doc.headline or doc.page_title.split("_")[0].split("|")[0].strip()
    else:
        body_lines, header = clean_lines(text.splitlines())
    if not body_lines:
        raise IngestError("no text left after cleaning")
    meta, body = extract(body_lines, header, hints, headline=headline)
    if not body:
        raise IngestError("no text left after cleaning")
    report_id = stable_id(key)
    title = meta.title
    if not title:
        title = (
            f"{meta.agency}{meta.year or ''}{'年' if meta.year else ''}政府信息公开工作报告"
            if meta.agency
            else os.path.basename(source)
        )
    passages = make_passages(report_id, body)
    if not passages:
        raise IngestError("no text left after cleaning")
    return Report(
        report_id=report_id,
        title=title,
        agency=meta.agency,
        year=meta.year,
        published=meta.published,
        source=source,
        url=hints.get("url"),
        source_key=key,
        content_hash=content_hash,
        passages=passages,
        stats=read_stats(html_grids(text) if kind == "html" else [], body_lines, meta.year),
    )


def _decode_or_raise(data: bytes) -> str:
    try:
        text, _enc = decode_bytes(data)
    except DecodeError as e:
        raise IngestError(str(e)) from None
    return text


def _file_units(found: Found, max_bytes: int) -> Iterator[Unit | UnitError]:
    key = os.path.abspath(found.path)
    if found.size > max_bytes:
        yield UnitError(
            found.path, f"too large ({found.size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB limit)"
        )
        return
    try:
        with open(found.path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        yield UnitError(found.path, f"unreadable ({e.strerror or e})")
        return
    if len(data) > max_bytes:
        yield UnitError(found.path, f"too large (> {max_bytes / 1e6:.0f} MB limit)")
        return
    if not data.strip():
        yield UnitError(found.path, "empty file")
        return
    h = _hash(data)

    def parse() -> Report:
        text = _decode_or_raise(data)
        if not text.strip():
            raise IngestError("empty file")
        return build_report(text, found.kind, key, found.path, h, {})

    yield Unit(key, found.path, h, parse)


_CONTENT_KEYS = ("content", "text", "body")


def _jsonl_units(found: Found, max_bytes: int) -> Iterator[Unit | UnitError]:
    base = os.path.abspath(found.path)
    try:
        f = open(found.path, "rb")
    except OSError as e:
        yield UnitError(found.path, f"unreadable ({e.strerror or e})")
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
    source = f"{found.path}:{lineno}"
    try:
        obj = json.loads(_decode_or_raise(raw))
    except (json.JSONDecodeError, IngestError) as e:
        reason = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
        return UnitError(found.path, f"broken JSON at line {lineno} ({reason})")
    if not isinstance(obj, dict):
        return UnitError(found.path, f"broken JSON at line {lineno} (not an object)")
    content = next(
        (obj[k] for k in _CONTENT_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), None
    )
    if content is None:
        return UnitError(found.path, f"line {lineno}: no content/text/body field")
    hints = {
        k: nfkc(str(obj[k])).strip()
        for k in ("title", "url", "published", "date", "agency", "year")
        if obj.get(k) not in (None, "")
    }
    key = f"{base}#{lineno}"
    h = _hash(raw.rstrip(b"\r\n"))
    return Unit(key, source, h, lambda: build_report(content, "text", key, source, h, hints))


def read_units(
    found: Found, max_bytes: int = DEFAULT_MAX_MB * 1_000_000
) -> Iterator[Unit | UnitError]:
    if found.kind == "jsonl":
        yield from _jsonl_units(found, max_bytes)
    else:
        yield from _file_units(found, max_bytes)


def read_reports(path: str, max_bytes: int = DEFAULT_MAX_MB * 1_000_000) -> list[Report]:
    """Convenience for tests and scripts: every report in one file (errors raise)."""
    from corpus.discover import _classify

    found = _classify(path)
    if found.kind in ("skip", "error"):
        raise IngestError(found.reason)
    out = []
    for unit in read_units(found, max_bytes):
        if isinstance(unit, UnitError):
            raise IngestError(f"{unit.source}: {unit.reason}")
        out.append(unit.parse())
    return out
