"""Ingest: discovered files → reports → index documents, committed in batches so that an
interrupted run leaves the last commit searchable, and idempotent across re-runs."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from whoosh.index import LockError

from corpus.discover import discover
from corpus.model import Report
from corpus.reader import DEFAULT_MAX_MB, IngestError, Unit, UnitError, read_units
from index.schema import PASSAGE, REPORT
from index.settings import BATCH_BYTES, BATCH_REPORTS
from index.store import open_or_create
from index.whoosh_ext.writers import merge_small_segments, open_writer, small_segments


class IndexBusy(Exception):
    pass


@dataclass
class IngestStats:
    ingested: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    passages: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0


@dataclass
class Progress:
    """Called after each file: (files done, bytes done, total files, total bytes)."""

    callback: Callable[[int, int, int, int], None] | None = None


def _existing(ix) -> dict[str, tuple[str, str, str]]:
    """source_key → (report_id, content_hash, source) for every report in the index."""
    out = {}
    with ix.searcher() as s:
        for doc in s.documents(kind=REPORT):
            out[doc["source_key"]] = (doc["report_id"], doc["content_hash"], doc.get("source", ""))
    return out


def report_docs(report: Report) -> Iterable[dict]:
    common = {
        "report_id": report.report_id,
        "agency": report.agency,
        "year": report.year or 0,
        "title": report.title,
        "published": report.published,
        "source": report.source,
        "source_key": report.source_key,  # the absolute path (#line): what a citation names
        "url": report.url,
    }
    yield {
        **common,
        "kind": REPORT,
        "passage_id": "r:" + report.report_id,
        "content_hash": report.content_hash,
        "sections": report.sections,
        "passages": len(report.passages),
        "stats": json.dumps(report.stats, ensure_ascii=False) if report.stats else None,
        "section": "",
        "order": -1,
    }
    for p in report.passages:
        yield {
            **common,
            "kind": PASSAGE,
            "passage_id": p.passage_id,
            "text": p.text,
            "section": p.section,
            "heading": p.heading,
            "order": p.order,
        }


class _Batch:
    """A writer that commits every `max_reports` reports or `max_bytes` of text."""

    def __init__(
        self,
        ix,
        lock_timeout: float,
        max_reports: int = BATCH_REPORTS,
        max_bytes: int = BATCH_BYTES,
    ):
        self.ix = ix
        self.lock_timeout = lock_timeout
        self.max_reports = max_reports
        self.max_bytes = max_bytes
        self.procs = max(1, min(2, os.cpu_count() or 1))
        self.w = None
        self.n = 0
        self.size = 0
        self.on_commit: Callable[[], None] | None = None  # before each commit: it takes seconds

    def writer(self):
        if self.w is None:
            try:
                self.w = open_writer(self.ix, self.lock_timeout, self.procs)
            except LockError:
                raise IndexBusy(
                    f"the index is locked by another ingest (waited {self.lock_timeout:g}s)"
                ) from None
        return self.w

    def delete_report(self, report_id: str) -> None:
        self.writer().delete_by_term("report_id", report_id)

    def add(self, report: Report, replace: bool) -> None:
        w = self.writer()
        if replace:  # only sources already in the index have old documents to drop
            w.delete_by_term("report_id", report.report_id)
        for doc in report_docs(report):
            w.add_document(**doc)
        self.n += 1
        self.size += sum(len(p.text) * 3 for p in report.passages)
        if self.n >= self.max_reports or self.size >= self.max_bytes:
            self.commit()

    def commit(self) -> None:
        if self.w is not None:
            if self.on_commit:
                self.on_commit()
            # No merging per batch: Whoosh re-merges small segments on every commit, which
            # rewrites the growing index again and again (superlinear ingest). tidy() merges once.
            self.w.commit(merge=False)
            self.w = None
        self.n = self.size = 0

    def tidy(self) -> None:
        """Merge the small segments that small re-ingests leave behind, so they do not pile up.
        Batch-sized segments stay as they are: merging them would rewrite the whole index for
        little gain (queries read every segment's postings with one read per term)."""
        if small_segments(self.ix) > 1:
            if self.on_commit:
                self.on_commit()
            open_writer(self.ix, self.lock_timeout).commit(mergetype=merge_small_segments)

    def cancel(self) -> None:
        if self.w is not None:
            self.w.cancel()
            self.w = None


def ingest(
    paths: list[str],
    index_dir: str,
    *,
    max_mb: float = DEFAULT_MAX_MB,
    prune: bool = False,
    lock_timeout: float = 30.0,
    on_error: Callable[[str, str], None] | None = None,
    progress: Callable[[int, int, int, int], None] | None = None,
    on_commit: Callable[[], None] | None = None,
) -> IngestStats:
    """Ingest `paths` into the index at `index_dir`. Bad files are reported through `on_error`
    and counted; they never stop the run. `on_commit` is called before each commit and before
    the final merge, which can take seconds after the last file is read."""
    t0 = time.perf_counter()
    stats = IngestStats()
    ix = open_or_create(index_dir)
    existing = _existing(ix)
    seen_keys: set[str] = set()
    max_bytes = int(max_mb * 1_000_000)

    found = list(discover(paths))
    total_files = len(found)
    total_bytes = sum(f.size for f in found)
    batch = _Batch(ix, lock_timeout)
    batch.on_commit = on_commit

    def fail(source: str, reason: str) -> None:
        stats.failed.append((source, reason))
        if on_error:
            on_error(source, reason)

    try:
        for i, f in enumerate(found, 1):
            if f.kind == "skip":
                stats.skipped.append((f.path, f.reason))
            elif f.kind == "error":
                fail(f.path, f.reason)
            else:
                file_failed = False
                jsonl_keys: set[str] = set()
                for unit in read_units(f, max_bytes):
                    if isinstance(unit, UnitError):
                        fail(unit.source, unit.reason)
                        file_failed = True
                        continue
                    seen_keys.add(unit.key)
                    jsonl_keys.add(unit.key)
                    _one(unit, existing, batch, stats, fail)
                    if progress and unit.offset:  # a big JSONL file moves the bar line by line
                        progress(i - 1, stats.bytes + unit.offset, total_files, total_bytes)
                if f.kind == "jsonl" and not file_failed:
                    # Lines that disappeared from a JSONL file take their reports with them.
                    prefix = os.path.abspath(f.path) + "#"
                    for key, (rid, _h, _src) in existing.items():
                        if key.startswith(prefix) and key not in jsonl_keys:
                            batch.delete_report(rid)
                            stats.removed.append(key)
            stats.files = i
            stats.bytes += f.size
            if progress:
                progress(i, stats.bytes, total_files, total_bytes)
        if prune:
            for key, (rid, _h, source) in existing.items():
                path = key.split("#", 1)[0]
                if key not in seen_keys and not os.path.exists(path):
                    batch.delete_report(rid)
                    stats.removed.append(source)
        batch.commit()
        batch.tidy()
    except BaseException:
        batch.cancel()
        raise
    stats.seconds = time.perf_counter() - t0
    return stats


def _one(unit: Unit, existing, batch: _Batch, stats: IngestStats, fail) -> None:
    old = existing.get(unit.key)
    if old and old[1] == unit.content_hash:
        stats.unchanged += 1
        return
    try:
        report = unit.parse()
    except IngestError as e:
        fail(unit.source, str(e))
        return
    except RecursionError:
        fail(unit.source, "document too deeply nested to parse")
        return
    except Exception as e:  # an extraction bug must not stop a long ingest; name the file
        fail(unit.source, f"could not be parsed ({type(e).__name__}: {e})")
        return
    batch.add(report, replace=old is not None)
    existing[unit.key] = (report.report_id, unit.content_hash, report.source)
    stats.ingested += 1
    stats.passages += len(report.passages)
