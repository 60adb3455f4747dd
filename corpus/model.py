"""The records ingestion produces, and the one shape every format parser hands over."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# A table as its cells, row by row. A merged cell (rowspan/colspan, a DOCX merge) is repeated into
# every position it covers, so each row has the same length and a column means one thing.
Grid = list[list[str]]


@dataclass
class ParsedDoc:
    """What a format parser (text, HTML, PDF, DOCX) hands to the extraction pipeline.

    `lines` is the body in reading order, tables included a row per line; `tables` holds the
    same tables as grids. `hints` are explicit clues with where each came from
    (`provenance`: field → "html-meta", "header-line", …); `header` are labelled header lines
    (发布机构：…); `headline` is a title candidate the layout marks (an <h1>, a Title style)."""

    lines: list[str]
    tables: list[Grid] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)
    headline: str = ""
    headline_source: str = "html-title"
    weak_title: str = ""  # a last-resort title (a PDF's info dictionary)
    # further title candidates with where each came from (an HTML page's <title>)
    alt_titles: list[tuple[str, str]] = field(default_factory=list)
    clean: bool = True  # False when the parser already dropped its own chrome
    # Pages still to be read through OCR (a corpus.pdf.PdfLayout whose `scanned` pages have no
    # text); corpus/ocr.py fills them in and clears it.
    layout: object | None = None
    ocr_lines: list[str] = field(default_factory=list)  # lines that OCR read (for the marks)
    ocr: str = ""  # "all" when every page was read through OCR, "some" for a few, else ""
    problems: list[str] = field(default_factory=list)  # pages that could not be read, named


@dataclass
class Passage:
    passage_id: str
    order: int
    section: str
    heading: str
    text: str
    ocr: bool = False  # read through OCR from a page image: shown and cited with 〔OCR〕


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
    tables: list[Grid] = field(default_factory=list)  # kept for the table reader, not indexed
    headings: list[str] = field(default_factory=list)  # top-level headings as printed
    # where each of title/agency/year/published came from ("header-line", "inferred", …)
    provenance: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""  # hash of the normalized text: equal for copies of one report
    problems: list[str] = field(default_factory=list)  # pages not read ("page 3: …"), kept apart

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
