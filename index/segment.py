"""Word segmentation: jieba in search mode, with our domain dictionary loaded once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from importlib import resources

import jieba

_lock = threading.Lock()
_ready = False


def _init() -> None:
    global _ready
    with _lock:
        if _ready:
            return
        jieba.setLogLevel(logging.WARNING)
        path = resources.files("index").joinpath("domain_dict.txt")
        with resources.as_file(path) as p:
            jieba.load_userdict(str(p))
        _ready = True


def tokenize(text: str) -> Iterator[tuple[str, int, int]]:
    """(word, start, end) for each search-mode token of already-normalized text."""
    if not _ready:
        _init()
    return jieba.tokenize(text, mode="search")


def cut(text: str) -> list[str]:
    """Plain (accurate-mode) words, used to break an unquoted query string into terms."""
    if not _ready:
        _init()
    return [w for w in jieba.cut(text) if w.strip()]
