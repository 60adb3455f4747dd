"""Sentences and their fingerprints: the one definition of what `diff` and `reuse` count.

The rule (issue 24, written so anyone can check a figure by hand): split a passage's text at
。！？； and line breaks; normalize each piece with NFKC and remove every character that is not a
letter or digit (`[\\W_]+`); keep pieces of MIN_CHARS or more characters. Two sentences are the
same `verbatim` when these normalized pieces are equal, the same `but for figures` when they
are equal after each run of digits is replaced by one placeholder.

A report's fingerprints are computed at ingest (index/writer.py, index/cluster/writer.py) and
stored with the report, so `reuse` over a whole archive reads them instead of re-reading every
passage: one record per sentence, in reading order (see PRINT)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

import numpy as np

from index.settings import MIN_SENTENCE_CHARS as MIN_CHARS

_SPLIT = re.compile(r"[。！？；\r\n]")
_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
FIGURE = "#"  # the placeholder of a run of digits (never in a normalized sentence)

# One record per sentence: hash of the sentence, hash of it with its figures masked, its
# length in characters (normalized), the passage it is in (its place in reading order).
PRINT = np.dtype([("exact", "<u8"), ("masked", "<u8"), ("chars", "<u4"), ("passage", "<u4")])


def normalize(piece: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", piece))


def split(text: str) -> list[tuple[str, str]]:
    """The sentences of one passage that count, in order: (as written, normalized)."""
    out = []
    for piece in _SPLIT.split(text or ""):
        norm = normalize(piece)
        if len(norm) >= MIN_CHARS:
            out.append((piece.strip(), norm))
    return out


def mask(sentence: str) -> str:
    """A normalized sentence with each run of digits replaced by one placeholder."""
    return _DIGITS.sub(FIGURE, sentence)


def digest(sentence: str) -> int:
    """A stable 64-bit hash (the same on every machine and every run, unlike hash())."""
    return int.from_bytes(
        hashlib.blake2b(sentence.encode("utf-8"), digest_size=8).digest(), "little"
    )


def prints(passages: Iterable[str]) -> np.ndarray:
    """The fingerprints of a report whose passages (in reading order) are `passages`."""
    rows = [
        (digest(norm), digest(mask(norm)), len(norm), i)
        for i, text in enumerate(passages)
        for _piece, norm in split(text)
    ]
    return np.array(rows, dtype=PRINT)


def encode(records: np.ndarray) -> bytes:
    return records.astype(PRINT, copy=False).tobytes()


def decode(raw: bytes | str | None) -> np.ndarray:
    """Fingerprints as stored (bytes, or their hex text where a store keeps only text)."""
    if not raw:
        return np.zeros(0, dtype=PRINT)
    if isinstance(raw, str):
        raw = bytes.fromhex(raw)
    return np.frombuffer(raw, dtype=PRINT)
