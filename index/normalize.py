"""One normalization for index and query time: NFKC (full-width digits and letters),
traditional → simplified (OpenCC), lower case. Offsets map back to the original text so
highlights land on what the user sees."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc

_t2s = opencc.OpenCC("t2s")


def _nfkc(text: str) -> str:
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _fold(text: str) -> str:
    # OpenCC and lower() can each leave text that NFKC would change again (decomposed
    # accents, İ), so NFKC closes the chain.
    return _nfkc(_t2s.convert(_nfkc(text)).lower())


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """The searchable form of `text`. Idempotent: normalize(normalize(x)) == normalize(x)."""
    out = _fold(text)
    for _ in range(3):  # converges at once for real text; the loop guards odd code points
        again = _fold(out)
        if again == out:
            break
        out = again
    return out


def normalize_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """(normalized text, offsets) where offsets[i] is the index in `text` of normalized
    character i (with one extra entry for the end). None means the identity mapping."""
    norm = normalize(text)
    if len(norm) == len(text):
        return norm, None
    # NFKC changed the length (㈠ → (一), ﬁ → fi, A + ◌̀ → À): apply it per base character
    # with its combining marks, keeping where each piece came from; the remaining steps
    # (OpenCC, case) keep the length, so offsets carry over.
    pieces: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        piece = _nfkc(text[i:j])
        pieces.append(piece)
        offsets.extend([i] * len(piece))
        i = j
    offsets.append(len(text))
    joined = normalize("".join(pieces))
    if len(joined) != len(offsets) - 1:  # a rare length change past NFKC: map char by char
        pieces, offsets = [], []
        for k, ch in enumerate(text):
            piece = normalize(ch)
            pieces.append(piece)
            offsets.extend([k] * len(piece))
        offsets.append(len(text))
        joined = "".join(pieces)
    return joined, offsets
