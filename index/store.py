"""Opening and creating the on-disk index."""

from __future__ import annotations

import os

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, Index

import index.whoosh_ext  # noqa: F401  (registers the codec under the names indexes pickled)
from index.schema import make_schema

INDEX_NAME = "gongkai"


class IndexMissing(Exception):
    pass


class IndexOutdated(IndexMissing):
    pass


def _checked(ix: Index, path: str) -> Index:
    if set(ix.schema.names()) != set(make_schema().names()):
        raise IndexOutdated(
            f"the index at {path} was built by an older gongkai: delete it and run `ingest` again"
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
    return FileStorage(path, supports_mmap=False).create_index(make_schema(), INDEX_NAME)
