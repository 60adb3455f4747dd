"""Highlighting from the normalized text: every occurrence of a query term (after the same
normalization the index uses) is marked, and offsets map back onto the original text."""

from __future__ import annotations

import html
from collections.abc import Iterable

from index.normalize import normalize, normalize_with_offsets


def spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Merged (start, end) ranges in `text` where any of `terms` occurs (normalized match)."""
    norm, offsets = normalize_with_offsets(text)
    found: list[tuple[int, int]] = []
    for term in {normalize(t) for t in terms if t}:
        if not term.strip():
            continue
        start = norm.find(term)
        while start != -1:
            end = start + len(term)
            if offsets:
                found.append((offsets[start], offsets[end]))
            else:
                found.append((start, end))
            start = norm.find(term, start + 1)
    found.sort()
    merged: list[tuple[int, int]] = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def mark_spans(
    text: str,
    found: Iterable[tuple[int, int]],
    open_tag: str = "<mark>",
    close_tag: str = "</mark>",
    escape: bool = True,
) -> str:
    """`text` with the (sorted, disjoint) `found` ranges wrapped. With escape=True (HTML) every
    other byte is escaped, so the only markup in the result is the engine's own <mark>."""
    esc = html.escape if escape else (lambda s: s)
    out: list[str] = []
    pos = 0
    for s, e in found:
        out.append(esc(text[pos:s]))
        out.append(open_tag + esc(text[s:e]) + close_tag)
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def mark(text: str, terms: Iterable[str], **tags) -> str:
    """`text` with every occurrence of `terms` wrapped (see mark_spans)."""
    return mark_spans(text, spans(text, terms), **tags)
