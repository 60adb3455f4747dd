"""Ingest into a cluster: the same discovery, reading and change detection as the local
ingest (index/writer.py runs the loop; this is its store). Reports are sharded by report id.

Every shard has a sender of its own (a thread with its node's connection), so the nodes index
in parallel while the ingest loop reads and analyses the next reports. A shard's reports go
to it in transactions of whole reports, in the order they were read: `BEGIN; DELETE old ids;
REPLACE rows; COMMIT`, so a report's old passages go and its new ones and its report row (which
records the content hash) arrive together or not at all. A fault on one node is raised in the
ingest loop as one line naming the node; what was queued after it is dropped, what any node
committed stays whole. A killed ingest loses only its open transactions (searchd discards a
transaction whose connection closes), and the next run redoes exactly the reports whose hash
the cluster does not hold. REPLACE by stable ids makes re-runs and concurrent ingests of the
same files idempotent."""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from pymysql.converters import escape_string

from corpus.model import Report
from index.backend import Known
from index.cluster.config import COLUMNS, FIELDS, STRINGS
from index.cluster.documents import (
    ALIAS,
    PASSAGE,
    REPORT,
    alias_row,
    report_key,
    report_rows,
    shard_of,
)
from index.cluster.sphinxql import Address, ClusterError, Connection, parse_address
from index.cluster.workers import Workers, available
from index.settings import ANALYSE_AHEAD as AHEAD
from index.settings import CLUSTER_WRITE_PAGE as PAGE
from index.settings import MAX_STATEMENT, TXN_CHARS, TXN_REPORTS
from index.settings import TXN_QUEUED as QUEUED

_TEXT = frozenset(FIELDS) | frozenset(STRINGS)
_TOKENS = frozenset(FIELDS)  # tokens of 0-9, a-z and spaces only (documents.py): no escaping
_DEFAULT = {c: "" if c in _TEXT else PASSAGE if c == "kind" else 0 for c in COLUMNS}
_COLUMN_LIST = ", ".join(COLUMNS)


@dataclass
class _Txn:
    """A shard's next transaction: whole reports' rows, and the rows to clear before them."""

    drop: set[int] = field(default_factory=set)  # report keys whose rows go first
    drop_ids: set[int] = field(default_factory=set)  # row ids that go first
    values: list[str] = field(default_factory=list)  # the rows as SQL value tuples
    keys: set[int] = field(default_factory=set)  # report keys of those rows
    ids: set[int] = field(default_factory=set)  # ids of the copies' rows among them
    size: int = 0
    reports: int = 0

    def __bool__(self) -> bool:
        return bool(self.drop or self.drop_ids or self.values)


class _Sender:
    """One shard's transactions, sent in order from a thread of its own. The first fault is
    kept (a ClusterError naming the node) and what is queued after it is dropped; the store
    raises it in the ingest loop."""

    def __init__(self, conn: Connection, index: str):
        self.conn = conn
        self.index = index
        self.queue: queue.Queue[_Txn | None] = queue.Queue(QUEUED)
        self.error: ClusterError | None = None
        self.thread = threading.Thread(target=self._run, name=f"send-{index}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            txn = self.queue.get()
            try:
                if txn is None:
                    return
                if self.error is None:
                    self._send(txn)
            except ClusterError as e:
                self.error = e
            except Exception as e:  # a fault of ours: still one line, and the ingest stops
                self.error = ClusterError(
                    f"search node {self.conn.node}: sending failed ({type(e).__name__}: {e})"
                )
            finally:
                self.queue.task_done()

    def _send(self, txn: _Txn) -> None:
        try:
            old = _old_ids(self.conn, self.index, txn.drop) + sorted(txn.drop_ids)
            statements: list[tuple[str, tuple]] = [("BEGIN", ())]
            for k in range(0, len(old), 1000):
                ids = ",".join(str(int(i)) for i in old[k : k + 1000])
                statements.append((f"DELETE FROM {self.index} WHERE id IN ({ids})", ()))
            statements += [(sql, ()) for sql in _replaces(self.index, txn.values)]
            statements.append(("COMMIT", ()))
            self.conn.run(statements)
        except BaseException:
            self.conn.close()  # a transaction left open is discarded with its connection
            raise

    def drop_queued(self) -> None:
        while True:
            try:
                self.queue.get_nowait()
            except queue.Empty:
                return
            self.queue.task_done()

    def stop(self) -> None:
        self.queue.put(None)
        self.thread.join()


class ClusterStore:
    """The `PassageStore` (index/backend.py) over a cluster, for index.writer.ingest. A shard's transaction is sent once it holds `max_reports`
    reports or `max_chars` characters of SQL; commit() sends the rest and waits for all."""

    def __init__(
        self,
        address: str | Address,
        max_reports: int = TXN_REPORTS,
        max_chars: int = TXN_CHARS,
        workers: int | None = None,
    ):
        self.address = parse_address(address) if isinstance(address, str) else address
        self.conns = [Connection(n) for n in self.address.nodes]
        self.max_reports = max_reports
        self.max_chars = max_chars
        self.on_commit: Callable[[], None] | None = None  # called before the final wait
        self.pending = [_Txn() for _ in self.conns]
        self.senders: list[_Sender] = []
        self._sent = False  # since the last commit()
        self.workers = available() if workers is None else workers  # analysing processes
        self._workers: Workers | None = None
        self._ops: deque[tuple] = deque()  # the ingest loop's calls, waiting for their rows

    def _shard(self, report_id: str) -> int:
        return shard_of(report_id, len(self.conns))

    def repair(self) -> int:
        """Nothing to repair: a report's rows are replaced by id, never held twice."""
        return 0

    def existing(self) -> Known:
        """What the cluster holds (index/writer.py `Known`): every source, report or copy,
        and reports by fingerprint; read shard by shard, a page at a time."""
        known = Known({}, {}, {}, {})
        for i, conn in enumerate(self.conns):
            last = 0
            while True:
                rows = conn.query(
                    f"SELECT id, kind, source_key, report_id, content_hash, source, fingerprint "
                    f"FROM {self.address.shard(i)} WHERE kind IN ({REPORT}, {ALIAS}) AND id > %s "
                    f"ORDER BY id ASC LIMIT {PAGE} OPTION max_matches={PAGE}",
                    last,
                )
                for _id, kind, key, rid, h, source, fp in rows:
                    known.sources[key] = (rid, h, source)
                    if kind == REPORT:
                        known.primary[rid] = key
                        if fp:
                            known.by_print[fp] = (rid, key)
                    else:
                        known.copies.setdefault(rid, set()).add(key)
                if len(rows) < PAGE:
                    break
                last = rows[-1][0]
        return known

    # -- operations, applied in the order the ingest loop gave them -------------------------
    def _start_workers(self) -> None:
        if self._workers is None and self.workers:
            self._workers = Workers(self.workers)  # forked before any sender thread starts

    def _push(self, op: tuple) -> None:
        self._raise_fault()
        self._start_workers()
        self._ops.append(op)
        self._apply_ready(AHEAD)

    def _apply_ready(self, ahead: int) -> None:
        """Apply operations in order while their rows are ready, and wait for them once more
        than `ahead` are in the works."""
        while self._ops:
            head = self._ops[0]
            if head[0] == "add" and not head[4].done() and len(self._ops) <= ahead:
                break
            self._ops.popleft()
            self._apply(head)

    def _apply(self, op: tuple) -> None:
        kind, shard = op[0], op[1]
        if kind == "add":
            _, _, key, replace, result = op
            try:
                values, size = result.result()  # a fault analysing the report is raised here
            except BrokenProcessPool:
                raise _worker_died() from None
            if replace:
                self._clearing(shard, key).drop.add(key)
            self._add_values(shard, key, values, size, 1)
        elif kind == "alias":
            _, _, key, row_id, value = op
            self.pending[shard].ids.add(row_id)
            self._add_values(shard, key, [value], len(value), 0)
        elif kind == "drop":
            self._clearing(shard, op[2]).drop.add(op[2])
        else:  # "drop_id": a copy's row, on whichever shard holds it
            for i in range(len(self.conns)):
                self._clearing(i, row_id=op[2]).drop_ids.add(op[2])

    def add(self, report: Report, replace: bool) -> None:
        self._raise_fault()
        self._start_workers()
        if self._workers is not None:
            try:
                result = self._workers.submit(report_values, report)
            except BrokenProcessPool:
                raise _worker_died() from None
        else:
            result = _Done(report_values(report))
        self._push(
            ("add", self._shard(report.report_id), report_key(report.report_id), replace, result)
        )

    def add_alias(self, doc: dict) -> None:
        row = alias_row(doc)
        self._push(("alias", self._shard(doc["report_id"]), row["rid"], row["id"], _value(row)))

    def delete_alias(self, source_key: str) -> None:
        gone = alias_row({"source_key": source_key, "report_id": "0", "content_hash": ""})["id"]
        self._push(("drop_id", None, gone))

    def delete_report(self, report_id: str) -> None:
        self._push(("drop", self._shard(report_id), report_key(report_id)))

    # The cluster keeps no replaced-id table (yet): an id a corrected version replaced is
    # "not in the index" there; its report and passage ids are the local index's all the same.
    def passages_of(self, report_id: str) -> list[tuple[str, str]]:
        return []

    def set_replaced(self, old_id: str, new_id: str | None, report_id: str = "") -> None:
        return None

    # -- the open transactions -------------------------------------------------------------
    def _raise_fault(self) -> None:
        for s in self.senders:
            if s.error is not None:
                raise s.error

    def _send(self, shard: int) -> None:
        txn = self.pending[shard]
        if not txn:
            return
        self._raise_fault()
        if not self.senders:
            self.senders = [_Sender(c, self.address.shard(i)) for i, c in enumerate(self.conns)]
        self.pending[shard] = _Txn()
        self._sent = True
        self.senders[shard].queue.put(txn)  # waits while QUEUED are waiting: back-pressure

    def _clearing(self, shard: int, key: int | None = None, row_id: int | None = None) -> _Txn:
        """The shard's open transaction, ready to clear `key`'s or `row_id`'s rows: rows it
        already holds for them are sent first, since a transaction clears before it adds."""
        txn = self.pending[shard]
        if key in txn.keys or row_id in txn.ids:
            self._send(shard)
            txn = self.pending[shard]
        return txn

    def _add_values(self, shard: int, key: int, values: list[str], size: int, reports: int):
        txn = self.pending[shard]
        txn.values += values
        txn.keys.add(key)
        txn.size += size
        txn.reports += reports
        if txn.reports >= self.max_reports or txn.size >= self.max_chars:
            self._send(shard)

    def commit(self) -> None:
        """Send the open transactions and wait until every shard has committed them."""
        if self.on_commit and (self._sent or self._ops or any(self.pending)):
            self.on_commit()
        self._apply_ready(0)
        for shard in range(len(self.conns)):
            self._send(shard)
        senders = self._stop()
        for s in senders:
            if s.error is not None:
                raise s.error

    def _stop(self) -> list[_Sender]:
        """Stop the workers, and the senders once they have sent what they hold (new ones
        start on demand)."""
        if self._workers is not None:
            self._workers.stop()
            self._workers = None
        senders, self.senders, self._sent = self.senders, [], False
        for s in senders:
            s.stop()
        return senders

    def tidy(self) -> None:
        pass  # searchd merges its own RAM chunks

    def cancel(self) -> None:
        """Drop the open and queued transactions; one being sent ends (committed whole, or
        not at all)."""
        self.pending = [_Txn() for _ in self.conns]
        self._ops.clear()
        for s in self.senders:
            s.drop_queued()
        self._stop()

    def close(self) -> None:
        self.cancel()
        for c in self.conns:
            c.close()


def _worker_died() -> ClusterError:
    return ClusterError(
        "the ingest's analysing worker process died; the cluster holds what was committed "
        "before, and the next run does the rest"
    )


class _Done:
    """Rows made here, standing in for a worker's result."""

    def __init__(self, value):
        self.value = value

    def done(self) -> bool:
        return True

    def result(self):
        return self.value


def report_values(report: Report) -> tuple[list[str], int]:
    """A report's rows as SQL value tuples, and their length (run in a worker process)."""
    values = [_value(r) for r in report_rows(report)]
    return values, sum(map(len, values))


def _old_ids(conn: Connection, index: str, keys: set[int]) -> list[int]:
    """The ids of the rows of reports `keys` on this shard."""
    ids: list[int] = []
    keys_in_order = sorted(keys)
    for k in range(0, len(keys_in_order), 1000):
        in_list = ",".join(str(int(key)) for key in keys_in_order[k : k + 1000])
        last = 0
        while True:
            rows = conn.query(
                f"SELECT id FROM {index} WHERE rid IN ({in_list}) AND id > %s "
                f"ORDER BY id ASC LIMIT {PAGE} OPTION max_matches={PAGE}",
                last,
            )
            ids.extend(r[0] for r in rows)
            if len(rows) < PAGE:
                break
            last = rows[-1][0]
    return ids


def _value(row: dict) -> str:
    """A row as a SQL value tuple in COLUMNS order, escaped as PyMySQL escapes."""
    out = []
    for c in COLUMNS:
        v = row.get(c, _DEFAULT[c])
        if c in _TOKENS:
            out.append("'" + v + "'")
        else:
            out.append("'" + escape_string(v) + "'" if c in _TEXT else str(int(v)))
    return "(" + ",".join(out) + ")"


def _replaces(index: str, values: list[str]) -> list[str]:
    """REPLACE statements of at most about MAX_STATEMENT characters for the value tuples."""
    head = f"REPLACE INTO {index} ({_COLUMN_LIST}) VALUES "
    out, part, size = [], [], 0
    for v in values:
        part.append(v)
        size += len(v)
        if size >= MAX_STATEMENT:
            out.append(head + ",".join(part))
            part, size = [], 0
    if part:
        out.append(head + ",".join(part))
    return out
