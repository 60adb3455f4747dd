"""Every tunable figure of gongkai in one table, `SETTINGS` (name, default, environment variable
if any, one line of help; like Datasette's SETTINGS), and the version (from the package metadata,
so pyproject.toml is its only spelling). Each setting is also a module constant of the same name,
which is what the code imports. CLI option defaults read them; docs/settings.md is generated from
the table (`python -m index.settings > docs/settings.md`) and a test keeps it so.

corpus/ keeps its reading limits in corpus/limits.py, because nothing below index/ may import from
here: the table lists them (layer "corpus") with their help, so there is still one list of every
tunable, and one definition of each value."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from corpus import limits as _corpus


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


@dataclass(frozen=True)
class Setting:
    name: str
    default: int | float | str
    help: str
    section: str
    env: str | None = None  # the environment variable that overrides the default, if any
    layer: str = "index"  # the layer whose module defines the value: "corpus" or "index"


SETTINGS: dict[str, Setting] = {}
_section = ""


def _setting(
    name: str,
    default: int | float | str,
    help: str,
    env: str | None = None,
    *,
    at_import: bool = True,
) -> Any:
    """Register a setting and return its value: the default, or its environment variable read
    now (`at_import`); at_import=False: the variable is read where the value is used."""
    SETTINGS[name] = Setting(name, default, help, _section, env)
    if env and at_import and env in os.environ:
        return type(default)(os.environ[env])
    return default


def _corpus_setting(name: str, help: str, env: str | None = None) -> None:
    """List a corpus/limits.py figure (defined there, read there) in the table."""
    SETTINGS[name] = Setting(name, getattr(_corpus, name), help, _section, env, "corpus")


# The index's layout: bumped when an index written before cannot be read as it is. 2: report and
# passage ids from what a report is (corpus/identity.py), not from its file's path; the
# replaced-id table. An index of another layout is refused with "built by an older gongkai".
# Not a tunable: the code's own format, so not in SETTINGS.
INDEX_LAYOUT = 2

_section = "reading files (corpus/limits.py)"
_corpus_setting(
    "MAX_MB", "files (and JSONL lines) larger than this many MB are refused; `ingest --max-mb`"
)
_corpus_setting(
    "MAX_PAGES", "a PDF claiming more pages is refused (a page-reference bomb or not a report)"
)
_corpus_setting(
    "MAX_DOCX_EXPANDED_MB", "a .docx whose parts declare more than this expanded is refused"
)
_corpus_setting("MAX_DOCX_RATIO", "a .docx expanding more than this many times its size is refused")
_corpus_setting("MAX_COLS", "table columns a cell's span may reach (clamped beyond)")
_corpus_setting("MAX_SPAN_ROWS", "table rows a cell's span may reach (clamped beyond)")
_corpus_setting("MAX_TABLE_ROWS", "a grid with more rows is not read as a statistics table")
_corpus_setting("MAX_CHARS", "characters of a passage")
_corpus_setting("MERGE_BELOW", "a passage shorter than this takes the next line too")
_corpus_setting("OCR_DPI", "scanned PDF pages are rendered at this resolution for OCR")
_corpus_setting(
    "OCR_WORKERS",
    "processes reading scanned pages [one per core]; `ingest --ocr-workers`",
    "GONGKAI_OCR_WORKERS",
)
_corpus_setting("OCR_PAGE_SECONDS", "a page still being read by OCR after this is named unreadable")
_corpus_setting("MAX_IMAGE_SIDE", "pixels: larger images are scaled down before OCR")

_section = "ingest"
WRITER_LIMIT_MB = _setting(
    "WRITER_LIMIT_MB", 512, "Whoosh's memory budget per writer (its sorting pool)"
)
BATCH_REPORTS = _setting("BATCH_REPORTS", 5000, "a batch commits after this many reports …")
BATCH_BYTES = _setting(
    "BATCH_BYTES", 24_000_000, "… or this much text (UTF-8 bytes, estimated); bounds ingest memory"
)
SMALL_SEGMENT = _setting(
    "SMALL_SEGMENT", 1000, "documents: segments under this are merged away at the end of an ingest"
)
BLOCK_LIMIT = _setting("BLOCK_LIMIT", 512, "postings per block in the codec")
BLOCK_COMPRESSION = _setting("BLOCK_COMPRESSION", 1, "zlib level of posting blocks")
# Parsing runs in worker processes (index/parsepool.py), each source bounded:
PARSE_WORKERS = _setting(
    "PARSE_WORKERS", os.cpu_count() or 1, "files parsed at once (results applied in file order)"
)
PARSE_MEMORY_MB = _setting(
    "PARSE_MEMORY_MB", 1024, "address space a worker may add while parsing one source"
)
PARSE_SECONDS = _setting(
    "PARSE_SECONDS", 60.0, "a source still parsing after this is stopped and named"
)
LOCK_TIMEOUT = _setting(
    "LOCK_TIMEOUT",
    30.0,
    "seconds to wait for another ingest to release the index; `--lock-timeout`",
)
OCR_CACHE_DIR = _setting(
    "OCR_CACHE_DIR",
    "ocr-cache",
    "folder inside the index for the OCR text of scanned pages; `ingest --ocr-cache` moves it",
)
MIN_SENTENCE_CHARS = _setting(
    "MIN_SENTENCE_CHARS", 8, "shorter sentences get no fingerprint (reuse, diff)"
)

_section = "cluster"
SEARCHD = _setting(
    "SEARCHD", "searchd", "the searchd program the cluster nodes run", "GONGKAI_SEARCHD"
)
CLUSTER_WRITE_PAGE = _setting("CLUSTER_WRITE_PAGE", 5000, "rows per paged SELECT when writing")
MAX_STATEMENT = _setting(
    "MAX_STATEMENT",
    4_000_000,
    "characters of SQL per REPLACE (searchd's max_packet_size is 32M)",
)
TXN_CHARS = _setting(
    "TXN_CHARS",
    4_000_000,
    "characters of SQL per shard transaction (whole reports: a big one is more)",
)
TXN_REPORTS = _setting("TXN_REPORTS", 500, "… or this many reports")
TXN_QUEUED = _setting(
    "TXN_QUEUED", 2, "transactions waiting per shard while one is sent: bounds ingest memory"
)
ANALYSE_AHEAD = _setting(
    "ANALYSE_AHEAD", 4, "reports the workers may analyse ahead of the transactions"
)
MAX_GROUPS = _setting(
    "MAX_GROUPS", 100_000, "facet groups a cluster query may count", "GONGKAI_CLUSTER_MAX_GROUPS"
)
EXACT_RANK = _setting(
    "EXACT_RANK",
    2000,
    "matches up to which the cluster ranks every candidate by BM25 exactly",
    "GONGKAI_CLUSTER_EXACT_RANK",
)
STATS_TTL = _setting(
    "STATS_TTL", 5.0, "seconds the corpus statistics (agencies, years, sizes) are reused"
)
CLUSTER_PAGE = _setting("CLUSTER_PAGE", 50_000, "rows per paged SELECT of ids and columns")
PRINTS_PAGE = _setting(
    "PRINTS_PAGE", 500, "report rows per paged SELECT of sentence fingerprints (~5 KB each)"
)
CLUSTER_FETCH = _setting(
    "CLUSTER_FETCH", 1000, "stored passages fetched at once", "GONGKAI_CLUSTER_FETCH"
)
FACTORS = _setting(
    "FACTORS", 4096, "passages whose ranking factors are asked for at once (searchd's IN limit)"
)
CLUSTER_CACHE = _setting(
    "CLUSTER_CACHE", 100_000, "stored passages a cluster searcher keeps (about 1 KB each)"
)

_section = "ranking"
BM25_K1 = _setting("BM25_K1", 1.2, "BM25 term-frequency saturation")
BM25_B = _setting("BM25_B", 0.75, "BM25 length normalization")
RANK_GRAMS = _setting(
    "RANK_GRAMS", 3, "a query piece scores through at most this many of its rarest bigrams"
)

_section = "requests"
MAX_QUERY_CHARS = _setting("MAX_QUERY_CHARS", 500, "characters of a query")
MAX_FILTER_CHARS = _setting("MAX_FILTER_CHARS", 200, "characters of a filter value")
MAX_LIMIT = _setting("MAX_LIMIT", 100, "hits per page")
MAX_OFFSET = _setting("MAX_OFFSET", 10_000, "hits a page may start after")
EXPORTS_AT_ONCE = _setting(
    "EXPORTS_AT_ONCE", 2, "exports the server streams at once; more wait for a turn …"
)
EXPORT_WAIT = _setting("EXPORT_WAIT", 30.0, "… this many seconds at most, then get a 503 `busy`")
STREAM_CHUNK = _setting(
    "STREAM_CHUNK",
    64 * 1024,
    "characters of rows sent at once: a worker thread's turn, then others'",
)
MIN_ID_PREFIX = _setting(
    "MIN_ID_PREFIX", 6, "a passage id may be shortened to a unique prefix of this many characters"
)

_section = 'query cost (search/limits.py applies them; docs/benchmarks.md, "Query cost")'
MAX_TERMS = _setting(
    "MAX_TERMS", 64, "distinct words and phrases (after Chinese runs are split into words)"
)
MAX_NOTS = _setting("MAX_NOTS", 16, "NOT / -word")
MAX_DEPTH = _setting("MAX_DEPTH", 12, "nested parentheses and NOTs")
MAX_POSTING_LISTS = _setting(
    "MAX_POSTING_LISTS", 10_000, "~0.6-1 s of reads; six of the commonest characters OR-ed fit"
)
TIME_BUDGET = _setting(
    "TIME_BUDGET",
    5.0,
    "seconds a query may run (0: no budget); `serve --time-budget`; read per query",
    "GONGKAI_TIME_BUDGET",
    at_import=False,
)
CHAR_CACHE = _setting(
    "CHAR_CACHE", 1024, "single characters whose passages an index generation keeps"
)
POSTINGS_CACHE_MB = _setting(
    "POSTINGS_CACHE_MB",
    256,
    "MB of decoded posting lists, BM25 contributions and term counts a generation keeps",
)
STORED_CACHE = _setting(
    "STORED_CACHE", 10_000, "passages whose stored fields (as shown in hits) a generation keeps"
)

_section = "tools"
MAX_KWIC = _setting("MAX_KWIC", 20_000, "occurrences per kwic response")
KWIC_MAX_WIDTH = _setting("KWIC_MAX_WIDTH", 200, "context characters a side a kwic line may ask")
# 20,000 occurrences of 200 characters a side took 8 s and 400 MB each; this is ~1/8 of that.
MAX_CONTEXT_CHARS = _setting(
    "MAX_CONTEXT_CHARS", 1_000_000, "occurrences × (2 × width + 1) one kwic request may ask"
)
SIMILAR_TERMS = _setting("SIMILAR_TERMS", 24, "key terms of the source passage `similar` asks for")
MIN_SHARED = _setting("MIN_SHARED", 4, "shortest run of characters reported as shared wording")
NEAR_COPY = _setting(
    "NEAR_COPY", 0.6, "similarity from which `similar` calls a passage a near copy"
)
REUSE_MAX_LIMIT = _setting("REUSE_MAX_LIMIT", 10_000, "pairs a reuse request may ask for")
MAX_PNG_AGENCIES = _setting("MAX_PNG_AGENCIES", 30, "agencies a PNG chart draws")
DIFF_NEAR = _setting(
    "DIFF_NEAR",
    0.8,
    "similarity (difflib ratio, figures masked) from which a sentence is a near-copy",
)
DIFF_NEAR_GRAMS = _setting(
    "DIFF_NEAR_GRAMS", 0.3, "share of its character pairs a candidate must share to be compared"
)
DIFF_MIN_SAME = _setting(
    "DIFF_MIN_SAME",
    2,
    "an unchanged run shorter than this is shown as part of the change around it",
)
# Bounds on the character-level comparisons, so a hostile or odd report cannot hold a request:
NEAR_MAX_CHARS = _setting(
    "NEAR_MAX_CHARS", 1000, "longer sentences are not compared for near-copies"
)
NEAR_CANDIDATES = _setting(
    "NEAR_CANDIDATES", 20, "OLD sentences compared per NEW sentence (those sharing most pairs)"
)
EXACT_DIFF_CHARS = _setting(
    "EXACT_DIFF_CHARS", 4000, "longer passage pairs are compared with difflib's junk heuristic"
)


def markdown() -> str:
    """The table as docs/settings.md holds it."""
    out = [
        "# Settings",
        "",
        "Every tunable figure, generated from `index/settings.py` (`SETTINGS`) by",
        "`python -m index.settings > docs/settings.md`; tests/test_settings.py checks it is current.",
        "Those with an environment variable read it; the others change only in the code.",
    ]
    section = None
    for s in SETTINGS.values():
        if s.section != section:
            section = s.section
            out += [
                "",
                f"## {section}",
                "",
                "| Setting | Default | Environment | What |",
                "|---|---|---|---|",
            ]
        default = "one per core" if s.name in ("PARSE_WORKERS", "OCR_WORKERS") else f"{s.default!r}"
        env = f"`{s.env}`" if s.env else ""
        out.append(f"| `{s.name}` | `{default}` | {env} | {s.help} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
