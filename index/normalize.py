"""One normalization for index and query time: NFKC (full-width digits and letters),
traditional → simplified (OpenCC), lower case. Offsets map back to the original text so
highlights land on what the user sees."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc

_t2s = opencc.OpenCC("t2s")


def _fold(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _t2s.convert(text).lower()


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """The searchable form of `text`. Idempotent: normalize(normalize(x)) == normalize(x)."""
    out = _fold(text)
    again = _fold(out)
    return again


def normalize_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """(normalized text, offsets) where offsets[i] is the index in `text` of normalized
    character i (with one extra entry for the end). None means the identity mapping."""
    norm = normalize(text)
    if len(norm) == len(text):
        return norm, None
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        piece = normalize(ch)
        out.append(piece)
        offsets.extend([i] * len(piece))
    offsets.append(len(text))
    return "".join(out), offsets
