"""Ingest into a cluster: the same discovery, reading and change detection as the local
ingest (index/writer.py runs the loop; this is its store). Reports are sharded by report id;
each commit is one RT transaction per shard, so a report's old passages go and its new ones
and its report row (which records the content hash) arrive together or not at all. A killed
ingest loses only its open transactions, and the next run redoes exactly the reports whose
hash the cluster does not hold. REPLACE by stable ids makes re-runs and concurrent ingests of
the same files idempotent."""

from __future__ import annotations

from collections import defaultdict

from corpus.model import Report
from index.cluster.config import COLUMNS
from index.cluster.documents import (
    ALIAS,
    PASSAGE,
    REPORT,
    alias_row,
    report_key,
    report_rows,
    shard_of,
)
from index.cluster.sphinxql import Address, Connection, parse_address
from index.writer import Known

PAGE = 5000  # rows per paged SELECT
MAX_STATEMENT = 4_000_000  # bytes of values per REPLACE (searchd's max_packet_size is 32M)


class ClusterStore:
    """The cluster side of index.writer.ingest: existing(), add(), add_alias(), delete_report(),
    delete_alias(), commit()."""

    def __init__(self, address: str | Address, max_reports: int = 500, max_bytes: int = 8_000_000):
        self.address = parse_address(address) if isinstance(address, str) else address
        self.conns = [Connection(n) for n in self.address.nodes]
        self.max_reports = max_reports
        self.max_bytes = max_bytes
        self.on_commit = None  # index/writer.py's hook: called before each commit
        self._reset()

    def _reset(self) -> None:
        self.rows: dict[int, list[dict]] = defaultdict(list)
        self.drop: dict[int, set[int]] = defaultdict(set)  # shard → report keys to clear
        self.drop_ids: dict[int, set[int]] = defaultdict(set)  # shard → row ids to clear
        self.n = self.size = 0

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

    def add_alias(self, doc: dict) -> None:
        row = alias_row(doc)
        self.rows[self._shard(doc["report_id"])].append(row)
        self.n += 1

    def delete_alias(self, source_key: str) -> None:
        gone = alias_row({"source_key": source_key, "report_id": "0", "content_hash": ""})["id"]
        for shard in range(len(self.conns)):  # its report's shard is not named: ask them all
            self.drop_ids[shard].add(gone)

    def add(self, report: Report, replace: bool) -> None:
        shard = self._shard(report.report_id)
        if replace:
            self.drop[shard].add(report_key(report.report_id))
        self.rows[shard].extend(report_rows(report))
        self.n += 1
        self.size += sum(len(p.text) * 3 for p in report.passages)
        if self.n >= self.max_reports or self.size >= self.max_bytes:
            self.commit()

    def delete_report(self, report_id: str) -> None:
        self.drop[self._shard(report_id)].add(report_key(report_id))

    def _old_ids(self, shard: int, keys: set[int]) -> list[int]:
        ids: list[int] = []
        index = self.address.shard(shard)
        for key in sorted(keys):
            last = 0
            while True:
                rows = self.conns[shard].query(
                    f"SELECT id FROM {index} WHERE rid = %s AND id > %s "
                    f"ORDER BY id ASC LIMIT {PAGE} OPTION max_matches={PAGE}",
                    key,
                    last,
                )
                ids.extend(r[0] for r in rows)
                if len(rows) < PAGE:
                    break
                last = rows[-1][0]
        return ids

    def commit(self) -> None:
        if self.on_commit and (self.rows or self.drop or self.drop_ids):
            self.on_commit()
        for shard in sorted(set(self.rows) | set(self.drop) | set(self.drop_ids)):
            index = self.address.shard(shard)
            statements: list[tuple[str, tuple]] = [("BEGIN", ())]
            old = self._old_ids(shard, self.drop.get(shard, set()))
            old += sorted(self.drop_ids.get(shard, set()))
            for k in range(0, len(old), 1000):
                ids = ",".join(str(int(i)) for i in old[k : k + 1000])
                statements.append((f"DELETE FROM {index} WHERE id IN ({ids})", ()))
            statements += _replaces(index, self.rows.get(shard, []))
            statements.append(("COMMIT", ()))
            self.conns[shard].run(statements)
        self._reset()

    def tidy(self) -> None:
        pass  # searchd merges its own RAM chunks

    def cancel(self) -> None:
        self._reset()  # nothing was sent for the open batch; its transaction never began

    def close(self) -> None:
        for c in self.conns:
            c.close()


def _replaces(index: str, rows: list[dict]) -> list[tuple[str, tuple]]:
    cols = ", ".join(COLUMNS)
    one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    out, values, args, size = [], [], [], 0
    for row in rows:
        vals = [row.get(c, _default(c)) for c in COLUMNS]
        values.append(one)
        args.extend(vals)
        size += sum(len(v) * 3 if isinstance(v, str) else 8 for v in vals)
        if size >= MAX_STATEMENT:
            out.append((f"REPLACE INTO {index} ({cols}) VALUES {', '.join(values)}", tuple(args)))
            values, args, size = [], [], 0
    if values:
        out.append((f"REPLACE INTO {index} ({cols}) VALUES {', '.join(values)}", tuple(args)))
    return out


def _default(column: str):
    from index.cluster.config import FIELDS, STRINGS

    if column in FIELDS or column in STRINGS:
        return ""
    return PASSAGE if column == "kind" else 0
