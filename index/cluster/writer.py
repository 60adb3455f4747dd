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
from dataclasses import dataclass, field

from pymysql.converters import escape_string

from corpus.model import Report
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
from index.writer import Known

PAGE = 5000  # rows per paged SELECT
MAX_STATEMENT = 4_000_000  # characters of SQL per REPLACE (searchd's max_packet_size is 32M)
TXN_CHARS = 4_000_000  # characters of SQL per shard transaction (whole reports: a big one is more)
TXN_REPORTS = 500  # … or this many reports
QUEUED = 2  # transactions waiting per shard while one is sent: bounds the memory ingest takes

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
    """The cluster side of index.writer.ingest: existing(), add(), add_alias(), delete_report(),
    delete_alias(), commit(). A shard's transaction is sent once it holds `max_reports`
    reports or `max_chars` characters of SQL; commit() sends the rest and waits for all."""

    def __init__(
        self,
        address: str | Address,
        max_reports: int = TXN_REPORTS,
        max_chars: int = TXN_CHARS,
    ):
        self.address = parse_address(address) if isinstance(address, str) else address
        self.conns = [Connection(n) for n in self.address.nodes]
        self.max_reports = max_reports
        self.max_chars = max_chars
        self.on_commit = None  # index/writer.py's hook: called before the final wait
        self.pending = [_Txn() for _ in self.conns]
        self.senders: list[_Sender] = []
        self._sent = False  # since the last commit()

    def _shard(self, report_id: str) -> int:
        return shard_of(report_id, len(self.conns))

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

    def _add_rows(self, shard: int, key: int, rows: list[dict], reports: int) -> None:
        txn = self.pending[shard]
        values = [_value(r) for r in rows]
        txn.values += values
        txn.keys.add(key)
        txn.size += sum(map(len, values))
        txn.reports += reports
        if txn.reports >= self.max_reports or txn.size >= self.max_chars:
            self._send(shard)

    def add_alias(self, doc: dict) -> None:
        self._raise_fault()
        row = alias_row(doc)
        shard = self._shard(doc["report_id"])
        self.pending[shard].ids.add(row["id"])
        self._add_rows(shard, row["rid"], [row], 0)

    def delete_alias(self, source_key: str) -> None:
        gone = alias_row({"source_key": source_key, "report_id": "0", "content_hash": ""})["id"]
        for shard in range(len(self.conns)):  # its report's shard is not named: ask them all
            self._clearing(shard, row_id=gone).drop_ids.add(gone)

    def add(self, report: Report, replace: bool) -> None:
        self._raise_fault()
        shard = self._shard(report.report_id)
        key = report_key(report.report_id)
        rows = report_rows(report)  # analysed before anything is queued: a fault adds nothing
        if replace:
            self._clearing(shard, key).drop.add(key)
        self._add_rows(shard, key, rows, 1)

    def delete_report(self, report_id: str) -> None:
        shard = self._shard(report_id)
        key = report_key(report_id)
        self._clearing(shard, key).drop.add(key)

    def commit(self) -> None:
        """Send the open transactions and wait until every shard has committed them."""
        if self.on_commit and (self._sent or any(self.pending)):
            self.on_commit()
        for shard in range(len(self.conns)):
            self._send(shard)
        senders = self._stop()
        for s in senders:
            if s.error is not None:
                raise s.error

    def _stop(self) -> list[_Sender]:
        """Stop the senders once they have sent what they hold (new ones start on demand)."""
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
        for s in self.senders:
            s.drop_queued()
        self._stop()

    def close(self) -> None:
        self.cancel()
        for c in self.conns:
            c.close()


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
