"""Word segmentation: jieba's dictionary and algorithm in search mode, with our domain
dictionary. We run it through `rjieba` (the Rust port of jieba, same dictionary), which gives
the same tokens on the real corpus (tests/test_segment.py) about 10× faster; the Python
`jieba` is the fallback where rjieba is not installed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from importlib import resources

_lock = threading.Lock()
_impl = None


def _domain_words() -> list[tuple[str, int, str]]:
    text = resources.files("index").joinpath("domain_dict.txt").read_text("utf-8")
    out = []
    for line in text.splitlines():
        parts = line.split()
        if parts:
            out.append(
                (
                    parts[0],
                    int(parts[1]) if len(parts) > 1 else 1000,
                    parts[2] if len(parts) > 2 else "n",
                )
            )
    return out


class _RJieba:
    name = "rjieba"

    def __init__(self) -> None:
        import rjieba

        self.m = rjieba
        for word, freq, tag in _domain_words():
            rjieba.add_word(word, freq, tag)

    def tokenize(self, text: str) -> Iterable[tuple[str, int, int]]:
        return self.m.tokenize(text, mode="search")

    def cut(self, text: str) -> list[str]:
        return self.m.cut(text)


class _Jieba:
    name = "jieba"

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.m = jieba
        for word, freq, tag in _domain_words():
            jieba.add_word(word, freq, tag)

    def tokenize(self, text: str) -> Iterable[tuple[str, int, int]]:
        return self.m.tokenize(text, mode="search")

    def cut(self, text: str) -> list[str]:
        return list(self.m.cut(text))


def segmenter():
    global _impl
    if _impl is None:
        with _lock:
            if _impl is None:
                try:
                    _impl = _RJieba()
                except ImportError:
                    _impl = _Jieba()
    return _impl


def tokenize(text: str) -> Iterable[tuple[str, int, int]]:
    """(word, start, end) for each search-mode token of already-normalized text."""
    return segmenter().tokenize(text)


def cut(text: str) -> list[str]:
    """Plain (accurate-mode) words, used to break an unquoted query string into terms."""
    return [w for w in segmenter().cut(text) if w.strip()]
