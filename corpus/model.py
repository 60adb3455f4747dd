"""The two records ingestion produces."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class Passage:
    passage_id: str
    order: int
    section: str
    heading: str
    text: str


@dataclass
class Report:
    report_id: str
    title: str
    agency: str
    year: int | None
    published: str | None
    source: str
    url: str | None
    source_key: str
    content_hash: str
    passages: list[Passage] = field(default_factory=list)
    stats: dict | None = None  # the standard tables (corpus/stats.py), None without them

    @property
    def sections(self) -> list[str]:
        seen: list[str] = []
        for p in self.passages:
            if p.section not in seen:
                seen.append(p.section)
        return seen


def stable_id(*parts: str, length: int = 16) -> str:
    """A short hex id that depends only on `parts` (so re-ingest yields the same ids)."""
    h = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=length // 2)
    return h.hexdigest()
