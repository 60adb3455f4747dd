"""The CLI's exit codes, apart from search/faults.py (which names the faults of every layer,
and so imports them): a command imports these at start, and `--help` should not pay for
Whoosh and numpy."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    INTERNAL = 1  # a bug: one line on stderr, never a traceback
    USAGE = 2  # bad option, malformed query, missing index, unknown report, busy port
    PARTIAL = 3  # ingest finished but some files failed; batch skipped a line
    BUSY = 4  # the index is locked by another ingest
    CLUSTER = 5  # the search cluster is unavailable (a node down, named)
    FAULT = 6  # the index could not be written or read (disk full, read-only, damaged)
    INTERRUPTED = 130  # Ctrl-C
