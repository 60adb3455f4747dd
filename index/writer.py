"""Ingest: discovered files → reports → index documents, committed in batches so that an
interrupted run leaves the last commit searchable, and idempotent across re-runs."""

from __future__ import annotations

import codecs
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from corpus.discover import discover, shown
from corpus.identity import assign, content_id
from corpus.model import Report, stable_id
from corpus.ocr import OcrReader
from corpus.reader import (
    DEFAULT_MAX_MB,
    IngestError,
    NotReport,
    Unit,
    UnitError,
    UnitSkip,
    read_units,
)
from index import sentences
from index.backend import Known, PassageStore
from index.parsepool import Outcome, ParseLimit, ParsePool
from index.schema import ALIAS, PASSAGE, REPLACED, REPORT
from index.settings import (
    BATCH_BYTES,
    BATCH_REPORTS,
    LOCK_TIMEOUT,
    OCR_CACHE_DIR,
    PARSE_MEMORY_MB,
    PARSE_SECONDS,
    PARSE_WORKERS,
)
from index.store import INDEX_NAME, IndexBusy, open_or_create, sweep_temp, write_fault
from index.whoosh_ext.writers import merge_small_segments, open_writer, small_segments


@dataclass
class IngestStats:
    ingested: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    copies: list[tuple[str, str]] = field(default_factory=list)  # (source, the report's source)
    repaired: int = 0  # documents of reports held twice, deleted (see _duplicates)
    passages: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    ocr_pages: int = 0  # pages read through OCR in this run
    ocr_cached: int = 0  # scanned pages whose OCR text came from the cache
    ocr_seconds: float = 0.0


@dataclass
class Progress:
    """Called after each file: (files done, bytes done, total files, total bytes)."""

    callback: Callable[[int, int, int, int], None] | None = None


def _existing(ix) -> Known:
    known = Known({}, {}, {}, {})
    with ix.searcher() as s:
        known.replaced = {doc["passage_id"][2:] for doc in s.documents(kind=REPLACED)}
        for doc in s.documents(kind=REPORT):
            rid = doc["report_id"]
            known.sources[doc["source_key"]] = (rid, doc["content_hash"], doc.get("source", ""))
            known.primary[rid] = doc["source_key"]
            if doc.get("fingerprint"):
                known.by_print[doc["fingerprint"]] = (rid, doc["source_key"])
        for doc in s.documents(kind=ALIAS):
            rid = doc["report_id"]
            known.sources[doc["source_key"]] = (rid, doc["content_hash"], doc.get("source", ""))
            known.copies.setdefault(rid, set()).add(doc["source_key"])
    return known


def _duplicates(ix) -> list[int]:
    """Document numbers of the extra copies of reports the index holds twice under one
    report id (older versions' concurrent ingests could both add a source): each report and
    passage keeps its first copy."""
    count: dict[str, int] = {}
    extra: list[int] = []
    with ix.searcher() as s:
        for doc in s.documents(kind=REPORT):
            count[doc["report_id"]] = count.get(doc["report_id"], 0) + 1
        for rid in (r for r, n in count.items() if n > 1):
            seen: set[str] = set()
            for docnum in sorted(s.document_numbers(report_id=rid)):
                pid = s.stored_fields(docnum)["passage_id"]
                if pid in seen:
                    extra.append(docnum)
                seen.add(pid)
    return extra


def _report_problem(report: Report) -> str | None:
    """Why a parsed report cannot go into the index as it is (checked before any of it is
    written: a document half added would corrupt the batch)."""
    if report.year is not None and not 0 < report.year < 10_000:
        year = str(report.year)
        return f"year {year[:12]}{'…' if len(year) > 12 else ''} is not a year"
    return None


def busy(waited: float) -> str:
    return (
        f"the index is locked by another ingest (waited {waited:g}s): let it finish, or give "
        "--lock-timeout more seconds"
    )


class IngestLock:
    """The ingest lock: held for a whole run, from before it creates the index or reads which
    sources it holds until its last commit, so a second ingest waits and then finds them
    unchanged. (Whoosh's write lock is taken per batch; between batches another ingest could
    slip in, and two could both create a new index.)"""

    def __init__(self, index_dir: str, timeout: float):
        os.makedirs(index_dir, exist_ok=True)
        self.lock = FileStorage(index_dir).lock(INDEX_NAME + "_INGEST")
        deadline = time.monotonic() + timeout
        while not self.lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise IndexBusy(busy(timeout))
            time.sleep(0.05)

    def release(self) -> None:
        self.lock.release()


def alias_id(source_key: str) -> str:
    return "a:" + stable_id(source_key)


def alias_doc(report_id: str, source_key: str, content_hash: str, source: str, url) -> dict:
    return {
        "kind": ALIAS,
        "passage_id": alias_id(source_key),
        "report_id": report_id,
        "source_key": source_key,
        "content_hash": content_hash,
        "source": source,
        "url": url,
        "agency": "",
        "year": 0,
        "section": "",
        "order": -2,
    }


def replaced_doc(old_id: str, new_id: str, report_id: str) -> dict:
    """The replaced-id table's row: `old_id` (a report's or a passage's) is now `new_id`."""
    return {
        "kind": REPLACED,
        "passage_id": "x:" + old_id,
        "report_id": report_id,
        "replaced_by": new_id,
        "year": 0,
        "order": -3,
    }


def _grams(text: str) -> set[str]:
    t = "".join(text.split())
    return {t[i : i + 2] for i in range(len(t) - 1)} or {t}


def replacements(old_report: str, old: list[tuple[str, str]], new: Report) -> list[tuple[str, str]]:
    """(old id, new id) for every id of a report's old version (`old_report`, its passages as
    (id, text)) that its new version `new` no longer has: the report's id goes to the new
    one's, a passage's to the new passage most like it (half its character pairs shared), else
    to the new report."""
    out = [(old_report, new.report_id)] if old_report != new.report_id else []
    live = {p.passage_id for p in new.passages}
    grams = [(p.passage_id, _grams(p.text)) for p in new.passages]
    for pid, text in old:
        if pid in live:
            continue
        g = _grams(text)
        score, best = max(((len(g & h) / len(g | h), npid) for npid, h in grams), default=(0.0, ""))
        out.append((pid, best if score >= 0.5 else new.report_id))
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
        "headings": report.headings,
        "provenance": report.provenance,
        "fingerprint": report.fingerprint,
        "stats": json.dumps(report.stats, ensure_ascii=False) if report.stats else None,
        "sentences": sentences.encode(sentences.prints(p.text for p in report.passages)),
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
            "ocr": p.ocr,
            "order": p.order,
        }


class WhooshStore:
    """The `PassageStore` (index/backend.py) over a local Whoosh index: a writer that commits
    every `max_reports` reports or `max_bytes` of text."""

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

    def existing(self) -> Known:
        return _existing(self.ix)

    def repair(self) -> int:
        copies = _duplicates(self.ix)
        if copies:
            w = self.writer()
            for docnum in copies:
                w.delete_document(docnum)
        return len(copies)

    def writer(self):
        if self.w is None:
            try:
                self.w = open_writer(self.ix, self.lock_timeout, self.procs)
            except LockError:
                raise IndexBusy(busy(self.lock_timeout)) from None
        return self.w

    def delete_report(self, report_id: str) -> None:
        self.writer().delete_by_term("report_id", report_id)

    def delete_alias(self, source_key: str) -> None:
        self.writer().delete_by_term("passage_id", alias_id(source_key))

    def add_alias(self, doc: dict) -> None:
        self.writer().add_document(**doc)
        self.n += 1

    def passages_of(self, report_id: str) -> list[tuple[str, str]]:
        """The committed passages of a report, as (passage id, text)."""
        with self.ix.searcher() as s:
            docs = s.documents(kind=PASSAGE, report_id=report_id)
            return [(d["passage_id"], d.get("text", "")) for d in docs]

    def set_replaced(self, old_id: str, new_id: str | None, report_id: str = "") -> None:
        """Record that `old_id` is now `new_id` (None: `old_id` is live again, drop its row)."""
        w = self.writer()
        w.delete_by_term("passage_id", "x:" + old_id)
        if new_id is not None:
            w.add_document(**replaced_doc(old_id, new_id, report_id))

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
        """Drop what the open batch holds. A writer a fault (a full disk) left half-closed may
        fail to cancel: its error must not hide the fault, and its write lock is released all
        the same, so its temporary files can be swept (store.sweep_temp)."""
        if self.w is not None:
            w, self.w = self.w, None
            try:
                w.cancel()
            except Exception:  # noqa: BLE001 - the fault being raised is the one to report
                pass
            finally:
                lock = getattr(w, "writelock", None)
                if lock is not None:
                    try:
                        lock.release()
                    except Exception:  # noqa: BLE001 - released already
                        pass


def ingest(
    paths: list[str],
    index_dir: str,
    *,
    max_mb: float = DEFAULT_MAX_MB,
    prune: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
    on_error: Callable[[str, str], None] | None = None,
    progress: Callable[[int, int, int, int], None] | None = None,
    store: PassageStore | None = None,
    on_commit: Callable[[], None] | None = None,
    ocr_cache: str | None = None,
    ocr_workers: int = 0,
    on_ocr_page: Callable[[int, int], None] | None = None,
    workers: int = PARSE_WORKERS,
    parse_memory_mb: float = PARSE_MEMORY_MB,
    parse_seconds: float = PARSE_SECONDS,
    follow_symlinks: bool = False,
) -> IngestStats:
    """Ingest `paths` into the index at `index_dir`. Bad files are reported through `on_error`
    and counted; they never stop the run. `on_commit` is called before each commit and before
    the final merge, which can take seconds after the last file is read. `store`: another
    `PassageStore` (index/backend.py) instead of the local index at `index_dir` (the cluster's,
    index/cluster/writer.py). On the local index the whole run holds the ingest lock, and a
    fault writing it raises IndexFault (store.write_fault) with the last commit intact.

    Pages without a text layer are read through OCR (corpus/ocr.py) by `ocr_workers` worker
    processes (0: one per core), each page's text cached in `ocr_cache` — by default the
    index's own folder (OCR_CACHE_DIR inside it), so a re-ingest reads no page twice;
    `on_ocr_page(pages done, pages)` follows the pages of the file being read.

    Sources are parsed by `workers` processes (0: in this one), each bounded by
    `parse_memory_mb` and `parse_seconds` (index/parsepool.py); results apply in file order,
    and OCR reads a parsed document's scanned pages here afterwards (outside that deadline,
    under its own per-page one). Symlinks leading outside `paths` are skipped unless
    `follow_symlinks`."""
    t0 = time.perf_counter()
    if ocr_cache is None and store is None:
        ocr_cache = os.path.join(index_dir, OCR_CACHE_DIR)
    run = _Run(
        paths=paths,
        t0=t0,
        max_mb=max_mb,
        prune=prune,
        on_error=on_error,
        progress=progress,
        on_commit=on_commit,
        ocr=OcrReader(cache_dir=ocr_cache, workers=ocr_workers, on_page=on_ocr_page),
        pool=ParsePool(workers, parse_memory_mb, parse_seconds),
        follow_symlinks=follow_symlinks,
    )
    with run.pool:
        if store is not None:
            return _ingest(store, run)
        try:
            lock = IngestLock(index_dir, lock_timeout)
            try:
                sweep_temp(index_dir)  # what a failed or killed run left
                return _ingest(WhooshStore(open_or_create(index_dir), lock_timeout), run)
            except BaseException:
                sweep_temp(index_dir)
                raise
            finally:
                lock.release()
        except OSError as e:  # sources' read errors are caught per source: this is the index
            raise write_fault(e, index_dir) from None


_WHAT = {"pdf": "PDF", "docx": "DOCX", "doc": "Word file", "rtf": "RTF file", "html": "page"}


def _events(found: list, max_bytes: int, ocr: OcrReader) -> Iterable[tuple[int, object, object]]:
    """(file number, Found, what came of it) in order: each Unit, UnitError, UnitSkip or
    reading fault (an Exception) of the file, then (i, f, None) when the file is done."""
    for i, f in enumerate(found, 1):
        if f.kind not in ("skip", "error"):
            units = read_units(f, max_bytes, ocr)
            while True:
                try:
                    unit = next(units, None)
                except Exception as e:  # any reading fault is this file's failure
                    yield i, f, e
                    break
                if unit is None:
                    break
                yield i, f, unit
        yield i, f, None


@dataclass
class _Run:
    """One ingest run: its sources, options and callbacks (as `ingest` documents them)."""

    paths: list[str]
    t0: float
    max_mb: float
    prune: bool
    on_error: Callable[[str, str], None] | None
    progress: Callable[[int, int, int, int], None] | None
    on_commit: Callable[[], None] | None
    ocr: OcrReader
    pool: ParsePool  # parses sources, each bounded (index/parsepool.py)
    follow_symlinks: bool


def _ingest(batch: PassageStore, run: _Run) -> IngestStats:
    """The ingest loop over one store (index/backend.py `PassageStore`)."""
    ocr = run.ocr
    with ocr:  # its page workers end with the run
        stats = _ingest_files(batch, run)
    stats.ocr_pages, stats.ocr_cached = ocr.counts.pages, ocr.counts.cached
    stats.ocr_seconds = ocr.counts.seconds
    return stats


def _ingest_files(batch: PassageStore, run: _Run) -> IngestStats:
    paths, max_mb, prune, ocr = run.paths, run.max_mb, run.prune, run.ocr
    on_error, progress, on_commit = run.on_error, run.progress, run.on_commit
    pool = run.pool
    stats = IngestStats()
    known = batch.existing()  # read under the lock
    seen_keys: set[str] = set()
    max_bytes = int(max_mb * 1_000_000)

    found = list(discover(paths, outside=run.follow_symlinks))
    total_files = len(found)
    total_bytes = sum(f.size for f in found)
    batch.on_commit = on_commit
    by_path = {os.path.abspath(f.path): f for f in found}
    orphans: set[str] = set()  # copies whose report went: to be read again as themselves

    def fail(source: str, reason: str) -> None:
        source = shown(source)
        stats.failed.append((source, reason))
        if on_error:
            on_error(source, reason)

    def forget(key: str) -> None:
        orphans.update(_forget(key, known, batch))

    try:
        stats.repaired = batch.repair()

        def job(event):
            unit = event[2]
            if not isinstance(unit, Unit):
                return None
            old = known.sources.get(unit.key)
            if old and old[1] == unit.content_hash:
                return None  # unchanged: decided again (and parsed if need be) when applied
            return unit.parse, _WHAT.get(unit.kind, "file")

        def parse(unit: Unit) -> Outcome:
            return pool.run(unit.parse, _WHAT.get(unit.kind, "file"))

        file_failed = False
        file_keys: set[str] = set()
        for (i, f, item), outcome in pool.map(_events(found, max_bytes, ocr), job):
            if item is None:  # the file is done
                if f.kind == "skip":
                    stats.skipped.append((f.shown, f.reason))
                elif f.kind == "error":
                    fail(f.path, f.reason)
                elif f.kind in ("jsonl", "warc") and not file_failed:
                    # Lines (records) gone from a JSONL (WARC) file take their reports with them.
                    prefix = os.path.abspath(f.path) + "#"
                    for key, (_rid, _h, _src) in list(known.sources.items()):
                        if key.startswith(prefix) and key not in file_keys:
                            forget(key)
                            stats.removed.append(key)
                file_failed = False
                file_keys = set()
                stats.files = i
                stats.bytes += f.size
                if progress:
                    progress(i, stats.bytes, total_files, total_bytes)
            elif isinstance(item, Exception):
                fail(f.path, _reason(item))
                file_failed = True
            elif isinstance(item, UnitError):
                fail(item.source, item.reason)
                file_failed = True
            elif isinstance(item, UnitSkip):
                stats.skipped.append((item.source, item.reason))
            else:
                assert isinstance(item, Unit)
                seen_keys.add(item.key)
                file_keys.add(item.key)
                _one(item, known, batch, stats, fail, orphans, outcome, parse)
                if progress and item.offset:  # a big JSONL file moves the bar line by line
                    progress(i - 1, stats.bytes + item.offset, total_files, total_bytes)
        if prune:
            for key, (_rid, _h, source) in list(known.sources.items()):
                path = key.split("#", 1)[0]
                if key in known.sources and key not in seen_keys and not _exists(path):
                    forget(key)
                    stats.removed.append(source)
        # Copies of a report that changed or went, already passed in this run: read again.
        for key in sorted(orphans & seen_keys):
            f = by_path.get(key.split("#", 1)[0])
            for unit in read_units(f, max_bytes, ocr) if f else ():
                if isinstance(unit, Unit) and unit.key == key and key not in known.sources:
                    _one(unit, known, batch, stats, fail, orphans, None, parse)
        batch.commit()
        batch.tidy()
    except BaseException:
        batch.cancel()
        raise
    stats.seconds = time.perf_counter() - run.t0
    return stats


def _forget(key: str, known: Known, batch: PassageStore) -> set[str]:
    """Drop the source `key` from the index: a report takes its copies' documents with it
    (their keys are returned, to be read again); a copy goes alone."""
    rid = known.sources.pop(key)[0]
    if known.primary.get(rid) == key:
        batch.delete_report(rid)
        del known.primary[rid]
        for fp in [fp for fp, (r, _k) in known.by_print.items() if r == rid]:
            del known.by_print[fp]
        gone = known.copies.pop(rid, set())
        for k in gone:
            known.sources.pop(k, None)
        return gone
    batch.delete_alias(key)
    known.copies.get(rid, set()).discard(key)
    return set()


def _one(
    unit: Unit,
    known: Known,
    batch: PassageStore,
    stats: IngestStats,
    fail,
    orphans,
    outcome: Outcome | None,
    parse: Callable[[Unit], Outcome],
) -> None:
    """Add one source, parsed already (`outcome`) or now (`parse`), its scanned pages read
    through OCR here; a copy of a report already known becomes an alias of it. Keys of copies
    whose report changed or went are added to `orphans`. Ids the source's old version had and
    its new one has not go to the replaced-id table."""
    old = known.sources.get(unit.key)
    if old and old[1] == unit.content_hash:
        stats.unchanged += 1
        return
    if outcome is None:
        outcome = parse(unit)
    try:
        if isinstance(outcome.error, Exception):
            raise outcome.error
        if outcome.error is not None:  # SystemExit and kin from a library, in a worker
            raise RuntimeError(f"{type(outcome.error).__name__}: {outcome.error}")
        report = unit.complete(outcome.value)  # OCR of the pages that need it
    except NotReport as e:
        stats.skipped.append((unit.given or unit.source, str(e)))
        return
    except Exception as e:  # any fault reading, decoding or parsing one source is its failure
        fail(unit.given or unit.source, _reason(e))
        return
    problem = _report_problem(report)
    if problem:
        fail(unit.given or unit.source, problem)
        return
    for missing in report.problems:  # pages that could not be read: named, the rest kept
        fail(unit.given or unit.source, missing)
    same = known.by_print.get(report.fingerprint)
    own = old is not None and known.primary.get(old[0]) == unit.key
    before: tuple[str, list[tuple[str, str]]] | None = None  # the old version, to map its ids
    if own:
        before = (old[0], batch.passages_of(old[0]))
    if old is not None and not (own and same is None):
        # a changed copy, or a report that became a copy of another
        orphans.update(_forget(unit.key, known, batch))
        own = False
    if same is not None and same[1] != unit.key:
        # The same report under another path or URL: listed once, with this source added.
        rid, first_key = same
        batch.add_alias(alias_doc(rid, unit.key, unit.content_hash, report.source, report.url))
        known.sources[unit.key] = (rid, unit.content_hash, report.source)
        known.copies.setdefault(rid, set()).add(unit.key)
        stats.copies.append((report.source, known.sources[first_key][2]))
        if before is not None:  # this source's report is now a copy of another
            report.report_id, report.passages = rid, []
            _record(batch, known, replacements(*before, report), report.report_id)
        return
    holder = known.primary.get(report.report_id)
    if holder is not None and holder != unit.key:
        if _exists(holder.split("#", 1)[0]):
            # Another report, still there, claims the same agency, year and kind: this one is
            # named by its content instead.
            report.report_id = content_id(report.fingerprint)
            assign(report.report_id, report.passages)
        else:  # a corrected version of a report whose file went: it takes over the id
            before = (report.report_id, batch.passages_of(report.report_id))
            stats.removed.append(known.sources[holder][2])
            orphans.update(_forget(holder, known, batch))
    if own:
        gone = known.copies.pop(old[0], set())
        for k in gone:  # its copies' documents go with the old version: read them again
            known.sources.pop(k, None)
        orphans.update(gone)
        for fp in [fp for fp, (r, _k) in known.by_print.items() if r == old[0]]:
            del known.by_print[fp]
        if old[0] != report.report_id:  # renamed (its content id changed): the old goes
            batch.delete_report(old[0])
            del known.primary[old[0]]
    batch.add(report, replace=own)
    live = {report.report_id, *(p.passage_id for p in report.passages)}
    for back in live & known.replaced:  # an id that had been replaced is live again
        batch.set_replaced(back, None)
        known.replaced.discard(back)
    if before is not None:
        _record(batch, known, replacements(*before, report), report.report_id)
    known.sources[unit.key] = (report.report_id, unit.content_hash, report.source)
    known.primary[report.report_id] = unit.key
    known.by_print[report.fingerprint] = (report.report_id, unit.key)
    stats.ingested += 1
    stats.passages += len(report.passages)


def _record(
    batch: PassageStore, known: Known, pairs: list[tuple[str, str]], report_id: str
) -> None:
    """Write (old id, new id) pairs to the replaced-id table (`report_id`: the new report)."""
    for old_id, new_id in pairs:
        batch.set_replaced(old_id, new_id, report_id)
        known.replaced.add(old_id)


def _reason(e: BaseException) -> str:
    """One line saying why a source could not be read or parsed."""
    if isinstance(e, (IngestError, ParseLimit)):
        return str(e)
    if isinstance(e, RecursionError):
        return "document too deeply nested to parse"
    if isinstance(e, OSError):
        return f"unreadable ({e.strerror or e})"
    text = str(e).splitlines()[0][:200] if str(e) else ""
    return f"could not be parsed ({type(e).__name__}{': ' + text if text else ''})"


def _exists(path: str) -> bool:
    """Whether a source path (as stored: undecodable bytes shown as \\xNN) still exists."""
    if os.path.exists(path):
        return True
    if "\\x" not in path:
        return False
    try:
        raw = codecs.escape_decode(path.encode("utf-8"))[0]
    except ValueError:
        return False
    return os.path.exists(os.fsdecode(raw))
