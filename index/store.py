"""Opening and creating the on-disk index."""

from __future__ import annotations

import os

from whoosh import index as windex
from whoosh.index import EmptyIndexError, Index

from index.schema import make_schema

INDEX_NAME = "gongkai"


class IndexMissing(Exception):
    pass


def open_index(path: str) -> Index:
    try:
        if not os.path.isdir(path) or not windex.exists_in(path, indexname=INDEX_NAME):
            raise IndexMissing(f"no index at {path} (run `ingest` first)")
        return windex.open_dir(path, indexname=INDEX_NAME)
    except EmptyIndexError:
        raise IndexMissing(f"no index at {path} (run `ingest` first)") from None


def open_or_create(path: str) -> Index:
    os.makedirs(path, exist_ok=True)
    if windex.exists_in(path, indexname=INDEX_NAME):
        return windex.open_dir(path, indexname=INDEX_NAME)
    return windex.create_in(path, make_schema(), indexname=INDEX_NAME)
