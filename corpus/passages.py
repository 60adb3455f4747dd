"""Cutting a report's body into passages: paragraphs, short lines merged, long ones split at
sentence ends, each tagged with its heading and canonical section."""

from __future__ import annotations

import re

from corpus.limits import MAX_CHARS, MERGE_BELOW
from corpus.model import Passage
from corpus.sections import RE_L2, SectionTracker, cn_to_int, match_heading

_SENT = re.compile(r"(?<=[。！？；!?;])")
_RUN_IN_L2 = re.compile(r"(?<=。)\s*(?=[（(][一二三四五六七八九十]+[）)])")


def split_long(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Split at sentence ends into pieces of at most `limit` characters (hard cuts only for a
    single sentence longer than the limit)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    cur = ""
    for sent in _SENT.split(text):
        while len(sent) > limit:
            if cur:
                pieces.append(cur)
                cur = ""
            cut = max(sent.rfind("，", 0, limit), sent.rfind(",", 0, limit))
            cut = cut + 1 if cut > limit // 2 else limit
            pieces.append(sent[:cut])
            sent = sent[cut:]
        if len(cur) + len(sent) > limit and cur:
            pieces.append(cur)
            cur = ""
        cur += sent
    if cur:
        pieces.append(cur)
    return [p for p in (x.strip() for x in pieces) if p]


def _split_run_in(line: str, tracker: SectionTracker) -> list[str]:
    """A paragraph that runs into the next sub-heading (…到位。（四）强化督促检查…) is split there,
    but only when that heading is the next in sequence, so enumerations stay whole."""
    parts = _RUN_IN_L2.split(line)
    if len(parts) == 1:
        return [line]
    out = [parts[0]]
    own = RE_L2.match(line)
    expected = (cn_to_int(own.group(1)) if own else tracker.l2_number) + 1
    for part in parts[1:]:
        m = RE_L2.match(part)
        if m and cn_to_int(m.group(1)) == expected:
            out.append(part)
            expected += 1
        else:
            out[-1] += part
    return out


def make_passages(lines: list[str]) -> list[Passage]:
    """The body's passages, unnamed (`passage_id` empty): corpus/identity.py names them."""
    tracker = SectionTracker()
    passages: list[Passage] = []
    chunk: list[str] = []
    chunk_meta = (tracker.label, tracker.heading)

    def flush() -> None:
        if not chunk:
            return
        text = "\n".join(chunk)
        label, heading = chunk_meta
        for piece in split_long(text):
            order = len(passages)
            passages.append(Passage("", order, label, heading, piece))
        chunk.clear()

    for raw in lines:
        for line in _split_run_in(raw, tracker):
            h = match_heading(line)
            if h is not None:
                flush()
                tracker.feed(h)
                chunk_meta = (tracker.label, tracker.heading)
                chunk.append(line)
                continue
            size = sum(len(c) for c in chunk)
            heading_only = len(chunk) == 1 and match_heading(chunk[0]) is not None
            if chunk and not heading_only and (size >= MERGE_BELOW or size + len(line) > MAX_CHARS):
                flush()
                chunk_meta = (tracker.label, tracker.heading)
            if not chunk:
                chunk_meta = (tracker.label, tracker.heading)
            chunk.append(line)
    flush()
    return passages
