"""Exit codes and what each fault the layers raise means to a user, in one table: the CLI
exits with a fault's code (cli.py reads it here), the web app answers with its HTTP status
and stable `code` (search/web/errors.py), and the README's exit-code table documents the
same numbers."""

from __future__ import annotations

from dataclasses import dataclass

from index.cluster.sphinxql import BadAddress, ClusterError
from index.store import IndexBusy, IndexFault, IndexMissing
from search.backend import NotFound
from search.exits import Exit
from search.limits import QueryTimeout
from search.query import QueryError


@dataclass(frozen=True)
class Fault:
    status: int  # the HTTP status
    exit: Exit  # the CLI's exit code
    code: str  # the stable code API errors carry (when the exception names none)


# What the layers below raise, the first that fits: a query past the time budget is a 503
# (the JSON says `time_budget`); one past the cost bounds (search/limits.py) a 400 like any
# bad query; a cluster address that cannot be read is a usage error, a node down exit 5.
FAULTS: dict[type[BaseException], Fault] = {
    QueryTimeout: Fault(503, Exit.USAGE, "time_budget"),
    QueryError: Fault(400, Exit.USAGE, "bad_request"),
    NotFound: Fault(404, Exit.USAGE, "not_found"),
    IndexMissing: Fault(503, Exit.USAGE, "no_index"),
    BadAddress: Fault(400, Exit.USAGE, "bad_request"),
    ClusterError: Fault(503, Exit.CLUSTER, "cluster_unavailable"),
    IndexFault: Fault(503, Exit.FAULT, "index_damaged"),
    IndexBusy: Fault(503, Exit.BUSY, "index_busy"),
}


def fault_of(exc: BaseException) -> Fault | None:
    """The table's reading of `exc` (None: not a fault the table knows — a bug)."""
    for kind, fault in FAULTS.items():
        if isinstance(exc, kind):
            return fault
    return None


def message_of(exc: BaseException) -> str:
    """The one line a fault says."""
    return str(exc.args[0]) if exc.args else str(exc) or "not found"
