"""The index layout: one document per passage (kind "p") and one per report (kind "r")
holding the report's metadata and the content hash used to skip unchanged sources.
`text` and `grams` are written in bulk by index/whoosh_ext/bulk.py; `plain` is filled from `text`."""

from __future__ import annotations

from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, NUMERIC, STORED, TEXT, Schema

from index.analysis import gram_analyzer, word_analyzer

PASSAGE = "p"
REPORT = "r"
# Another source of a report already indexed (the same normalized text under another path or
# URL): one small document per copy, carrying the report's id, so a report is listed once.
ALIAS = "a"
# An id that is gone, and what replaced it (a report re-ingested in a corrected version): one
# small document per old id, `passage_id` "x:" + the old id, `replaced_by` the new id.
REPLACED = "x"


def make_schema() -> Schema:
    # Bigrams without positions: a phrase is narrowed by its bigrams and confirmed against the
    # `plain` column. No per-document lengths either: ranking normalizes by the word field's.
    grams = TEXT(analyzer=gram_analyzer(), phrase=False)
    grams.scorable = False
    return Schema(
        kind=ID(),
        passage_id=ID(stored=True, unique=True),
        report_id=ID(stored=True, sortable=True),
        source_key=ID(stored=True),
        text=TEXT(analyzer=word_analyzer(), stored=True, phrase=False),
        grams=grams,
        plain=COLUMN(VarBytesColumn()),
        agency=ID(stored=True, sortable=True),
        year=NUMERIC(int, bits=32, stored=True, sortable=True, signed=True),
        section=ID(stored=True, sortable=True),
        heading=STORED(),
        ocr=STORED(),  # True on a passage read through OCR from a page image
        order=NUMERIC(int, stored=True, sortable=True),
        title=STORED(),
        published=STORED(),
        source=STORED(),
        url=STORED(),
        content_hash=STORED(),
        sections=STORED(),
        passages=STORED(),
        headings=STORED(),
        provenance=STORED(),
        fingerprint=STORED(),
        stats=STORED(),  # JSON text of the report's standard tables, or None
        replaced_by=STORED(),  # on REPLACED documents: the id that replaced theirs
        sentences=STORED(),  # the report's sentence fingerprints (index/sentences.py), bytes
    )
