"""Opening and creating the on-disk index, and saying in one line what went wrong with it."""

from __future__ import annotations

import errno
import os

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, Index

import index.whoosh_ext  # noqa: F401  (registers the codec under the names indexes pickled)
from index.schema import make_schema
from index.settings import INDEX_LAYOUT
from index.whoosh_ext.check import segment_damage

INDEX_NAME = "gongkai"
LAYOUT_FILE = "LAYOUT"  # the layout an index was written in (index/settings.py INDEX_LAYOUT)


class IndexMissing(Exception):
    pass


class IndexOutdated(IndexMissing):
    pass


class IndexBusy(Exception):
    """Another ingest holds the index (for longer than the lock timeout)."""


class IndexFault(Exception):
    """The index could not be written or read (disk full, read-only, damaged); the message
    is one line saying what happened and what to do."""


def write_fault(e: OSError, path: str) -> IndexFault:
    """An OSError met while writing the index at `path`, as one line for the operator."""
    kept = "the index keeps its last commit"
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return IndexFault(
            f"no space left on the disk holding the index at {path}: free some space and run "
            f"ingest again ({kept})"
        )
    if e.errno == errno.EROFS:
        return IndexFault(
            f"the index at {path} is on a read-only file system: remount it read-write or give "
            f"--index a writable folder ({kept})"
        )
    if e.errno in (errno.EACCES, errno.EPERM):
        return IndexFault(
            f"no permission to write the index at {path}: run as its owner or give --index "
            f"a folder you can write ({kept})"
        )
    return IndexFault(
        f"cannot write the index at {path}: {e.strerror or e}: check the disk and run ingest "
        f"again ({kept})"
    )


def sweep_temp(path: str) -> None:
    """Remove the writer's temporary files (`NAME.tmp`: Whoosh's sorting pool) that a run
    which failed (a full disk) or was killed left behind: kept, they can keep the disk full.
    Only when no writer holds the index's write lock."""
    import shutil

    from whoosh.filedb.filestore import FileStorage

    if not os.path.isdir(os.path.join(path, INDEX_NAME + ".tmp")):
        return
    lock = FileStorage(path).lock(INDEX_NAME + "_WRITELOCK")  # a live writer holds it
    if lock.acquire(blocking=False):
        try:
            shutil.rmtree(os.path.join(path, INDEX_NAME + ".tmp"), ignore_errors=True)
        finally:
            lock.release()


def damage(path: str) -> str | None:
    """What is wrong with the index at `path`, if it is damaged (None if it reads): its table
    of contents and every segment are opened and their first and last documents read. Run on
    the error path, to tell a damaged index from a bug."""
    if not os.path.isdir(path):
        return None
    try:
        ix = _open(path)
    except EmptyIndexError:
        return None
    except Exception as e:  # noqa: BLE001 - any failure here is damage
        return f"its table of contents cannot be read ({type(e).__name__})"
    return segment_damage(ix)


def damaged(path: str, detail: str) -> IndexFault:
    return IndexFault(
        f"the index at {path} is damaged ({detail}): rebuild it — delete {path} and run "
        "`ingest` on your sources again"
    )


def layout(path: str) -> int | None:
    """The layout the index at `path` was written in (None: before layouts were recorded, when
    ids were hashed from file paths)."""
    try:
        with open(os.path.join(path, LAYOUT_FILE), encoding="ascii") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def _checked(ix: Index, path: str) -> Index:
    found = layout(path)
    if set(ix.schema.names()) != set(make_schema().names()) or found != INDEX_LAYOUT:
        why = " (its ids were made from file paths)" if found is None else ""
        raise IndexOutdated(
            f"the index at {path} was built by an older gongkai{why}: delete it and run "
            "`ingest` again"
        )
    return ix


def _open(path: str) -> Index:
    # Without mmap: Whoosh copies every file of an mmapped compound segment into memory when
    # a reader opens it (the whole index, at every open); plain reads fetch what is asked for.
    return FileStorage(path, supports_mmap=False).open_index(INDEX_NAME)


def open_index(path: str) -> Index:
    try:
        if not os.path.isdir(path) or not windex.exists_in(path, indexname=INDEX_NAME):
            raise IndexMissing(f"no index at {path} (run `ingest` first)")
        return _checked(_open(path), path)
    except EmptyIndexError:
        raise IndexMissing(f"no index at {path} (run `ingest` first)") from None


def open_or_create(path: str) -> Index:
    os.makedirs(path, exist_ok=True)
    if windex.exists_in(path, indexname=INDEX_NAME):
        return _checked(_open(path), path)
    with open(os.path.join(path, LAYOUT_FILE), "w", encoding="ascii") as f:
        f.write(f"{INDEX_LAYOUT}\n")  # first: an index is never without its layout
    return FileStorage(path, supports_mmap=False).create_index(make_schema(), INDEX_NAME)
