"""similar: passages in other reports that say nearly the same thing — boilerplate copied
between agencies, and where the copies differ.

Candidates come from the engine's more-like-this (the source passage's key terms, Bo1 model,
as an OR query; the source's own report is left out); each candidate is then compared
with the source character by character (difflib.SequenceMatcher on the normalized texts) and
the list is ordered by that similarity, 0..1 (2 × shared characters / both lengths)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from index.normalize import normalize_with_offsets
from index.settings import MIN_SHARED
from index.settings import SIMILAR_TERMS as NUM_TERMS
from search.backend import SearchEngine
from search.query import QueryError
from search.results import Record
from search.tools.cite import CitedHit, hit
from search.tools.common import filters_of, passage

_EDGES = re.compile(r"^[\W_]+|[\W_]+$")  # punctuation and spaces at the ends of a run
COLUMNS = [
    "rank",
    "similarity",
    "shared_chars",
    "agency",
    "year",
    "title",
    "section",
    "heading",
    "text",
    "shared",
    "passage_id",
    "report_id",
    "source",
    "url",
    "citation",
]


def _orig(offsets: list[int] | None, i: int) -> int:
    return offsets[i] if offsets else i


def diff(source: str, other: str, min_shared: int = MIN_SHARED) -> dict:
    """How `other` relates to `source`: {"similarity", "shared_chars", "shared": the runs of
    at least `min_shared` characters they share (as written in `source`, longest first),
    "segments": `other` cut into [["same" | "diff", text], ...]}. Compared after
    normalization, so traditional and simplified copies count as the same."""
    a, ao = normalize_with_offsets(source)
    b, bo = normalize_with_offsets(other)
    sm = SequenceMatcher(None, a, b, autojunk=False)
    blocks = [bl for bl in sm.get_matching_blocks() if bl.size]
    runs = []
    for bl in blocks:
        if bl.size >= min_shared:
            s, e = _orig(ao, bl.a), _orig(ao, bl.a + bl.size)
            run = _EDGES.sub("", source[s:e])
            if len(run) >= min_shared:
                runs.append(run)
    runs.sort(key=len, reverse=True)
    shared_runs: list[str] = []
    for run in runs:  # longest first; drop runs inside a longer one
        if not any(run in longer for longer in shared_runs):
            shared_runs.append(run)
    segments: list[list[str]] = []
    pos = 0
    for bl in blocks:
        if bl.size < min_shared:
            continue
        s, e = _orig(bo, bl.b), _orig(bo, bl.b + bl.size)
        if s > pos:
            segments.append(["diff", other[pos:s]])
        segments.append(["same", other[s:e]])
        pos = e
    if pos < len(other):
        segments.append(["diff", other[pos:]])
    matched = sum(bl.size for bl in blocks)
    return {
        "similarity": round(sm.ratio(), 4),
        "shared_chars": matched,
        "shared": shared_runs,
        "segments": segments,
    }


@dataclass(slots=True)
class SimilarResult(Record):
    """= similar --json."""

    passage: CitedHit
    terms: list[str]
    results: list[dict[str, Any]]


def similar(
    engine: SearchEngine,
    passage_id: str,
    *,
    limit: int = 10,
    min_similarity: float = 0.0,
    agency: str | None = None,
    year: str | None = None,
    section: str | None = None,
    candidates: int | None = None,
) -> SimilarResult:
    """{"passage": the source (a hit with citation), "terms": key terms used, "results": [hit
    + rank, similarity, shared_chars, shared, segments]}, most similar first. Raises
    NotFound for an unknown passage id."""
    if limit < 1:
        raise QueryError("limit must be at least 1")
    if not 0.0 <= min_similarity <= 1.0:
        raise QueryError("min-similarity is a fraction between 0 and 1")
    fl = filters_of(agency, year, section)
    _s, _docnum, fields = passage(engine, passage_id)
    source = fields.get("text", "")
    key_terms = engine.key_terms(source, NUM_TERMS)
    out = SimilarResult(passage=hit(fields), terms=[t for t, _ in key_terms], results=[])
    if not key_terms:
        return out
    top = candidates or max(50, limit * 5)
    found = engine.more_like(key_terms, fields["report_id"], fl, top)
    rows = []
    for other, score in found:
        d = diff(source, other.get("text", ""))
        if d["similarity"] < min_similarity:
            continue
        rows.append({**hit(other, score), **d})
    rows.sort(key=lambda r: (-r["similarity"], -(r["score"] or 0), r["passage_id"]))
    rows = rows[:limit]
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    out.results = rows
    return out
