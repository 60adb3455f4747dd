"""The index layout: one document per passage (kind "p") and one per report (kind "r")
holding the report's metadata and the content hash used to skip unchanged sources."""

from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from index.analysis import gram_analyzer, word_analyzer

PASSAGE = "p"
REPORT = "r"


def make_schema() -> Schema:
    grams = TEXT(analyzer=gram_analyzer(), phrase=True)
    # No per-document lengths for the bigram field: ranking normalizes by the word field's
    # length (the same passage), and skipping them spares Whoosh a lookup per posting at ingest.
    grams.scorable = False
    return Schema(
        kind=ID(),
        passage_id=ID(stored=True, unique=True),
        report_id=ID(stored=True, sortable=True),
        source_key=ID(stored=True),
        text=TEXT(analyzer=word_analyzer(), stored=True, phrase=False),
        grams=grams,
        agency=ID(stored=True, sortable=True),
        year=NUMERIC(int, bits=32, stored=True, sortable=True, signed=True),
        section=ID(stored=True, sortable=True),
        heading=STORED(),
        order=NUMERIC(int, stored=True, sortable=True),
        title=STORED(),
        published=STORED(),
        source=STORED(),
        url=STORED(),
        content_hash=STORED(),
        sections=STORED(),
        passages=STORED(),
    )
