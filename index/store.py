"""Opening and creating the on-disk index."""

from __future__ import annotations

import os

from whoosh import index as windex
from whoosh.index import EmptyIndexError, Index

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


def open_index(path: str) -> Index:
    try:
        if not os.path.isdir(path) or not windex.exists_in(path, indexname=INDEX_NAME):
            raise IndexMissing(f"no index at {path} (run `ingest` first)")
        return _checked(windex.open_dir(path, indexname=INDEX_NAME), path)
    except EmptyIndexError:
        raise IndexMissing(f"no index at {path} (run `ingest` first)") from None


def open_or_create(path: str) -> Index:
    os.makedirs(path, exist_ok=True)
    if windex.exists_in(path, indexname=INDEX_NAME):
        return _checked(windex.open_dir(path, indexname=INDEX_NAME), path)
    return windex.create_in(path, make_schema(), indexname=INDEX_NAME)
