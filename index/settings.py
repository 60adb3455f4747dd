"""Every tunable figure of index/ and search/ in one place, and the version (from the package
metadata, so pyproject.toml is its only spelling). corpus/ keeps its reading limits
(corpus/reader.py): nothing below index/ may import from here."""

from __future__ import annotations

import os


def __getattr__(name: str) -> str:
    """`VERSION`, read from the package metadata when first asked for: importing
    importlib.metadata costs every command about 50 ms, and only --version and the web
    app's OpenAPI page need it."""
    if name != "VERSION":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("gongkai")
    except PackageNotFoundError:  # run from a checkout that was never installed
        value = "0.0.0+unknown"
    globals()["VERSION"] = value
    return value


# The index's layout: bumped when an index written before cannot be read as it is. 2: report and
# passage ids from what a report is (corpus/identity.py), not from its file's path; the
# replaced-id table. An index of another layout is refused with "built by an older gongkai".
INDEX_LAYOUT = 2

# -- ingest ---------------------------------------------------------------------------------------
WRITER_LIMIT_MB = 512  # Whoosh's memory budget per writer (its sorting pool)
BATCH_REPORTS = 5000  # a batch commits after this many reports …
BATCH_BYTES = 24_000_000  # … or this much text (UTF-8 bytes, estimated); bounds ingest memory
SMALL_SEGMENT = 1000  # documents: segments under this are merged away at the end of an ingest
BLOCK_LIMIT = 512  # postings per block in the codec
BLOCK_COMPRESSION = 1  # zlib level of posting blocks
# Parsing runs in worker processes (index/parsepool.py), each source bounded:
PARSE_WORKERS = os.cpu_count() or 1  # files parsed at once (results applied in file order)
PARSE_MEMORY_MB = 1024  # address space a worker may add while parsing one source
PARSE_SECONDS = 60.0  # a source still parsing after this is stopped and named
# OCR text of scanned pages is cached in this folder inside the index (`ingest --ocr-cache`
# puts it elsewhere, e.g. to keep it when the index is deleted and rebuilt).
OCR_CACHE_DIR = "ocr-cache"

# -- ranking --------------------------------------------------------------------------------------
BM25_K1 = 1.2
BM25_B = 0.75

# -- requests -------------------------------------------------------------------------------------
MAX_QUERY_CHARS = 500
MAX_FILTER_CHARS = 200
MAX_LIMIT = 100  # hits per page
MAX_OFFSET = 10_000
EXPORTS_AT_ONCE = 2  # exports the server streams at once; more wait for a turn …
EXPORT_WAIT = 30.0  # … this many seconds at most, then get a 503 `busy`

# -- query cost (search/limits.py applies them; measured in docs/benchmarks.md, "Query cost") ------
MAX_TERMS = 64  # distinct words and phrases (after Chinese runs are split into words)
MAX_NOTS = 16  # NOT / -word
MAX_DEPTH = 12  # nested parentheses and NOTs
MAX_POSTING_LISTS = 10_000  # ~0.6-1 s of reads; six of the commonest characters OR-ed fit
TIME_BUDGET = 5.0  # seconds a query may run; GONGKAI_TIME_BUDGET or `serve --time-budget`
CHAR_CACHE = 1024  # single characters whose passages an index generation keeps
# decoded posting lists, BM25 contributions and term counts an index generation keeps between
# queries (index/whoosh_ext/postings.py PostingCache), per engine: MB of numpy arrays
POSTINGS_CACHE_MB = 256
STORED_CACHE = 10_000  # passages whose stored fields (as shown in hits) a generation keeps
