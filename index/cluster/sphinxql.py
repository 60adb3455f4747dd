"""Talking SphinxQL (the MySQL wire protocol) to a set of searchd nodes.

An engine address is `sphinxql://HOST:PORT[,HOST:PORT…]/NAME`: node i holds shard i (the RT
index `NAME_i`), and every node serves the distributed index `NAME` over all shards. PyMySQL
speaks the old MySQL 4.1 protocol Sphinx 2.2 answers (and Manticore's), in pure Python."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

SCHEME = "sphinxql://"
_ADDR = re.compile(r"sphinxql://(?P<nodes>[^/]+)/(?P<name>[A-Za-z_][A-Za-z0-9_]*)")
_NODE = re.compile(r"(?P<host>[A-Za-z0-9_.\-]+|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5})")


class ClusterError(Exception):
    """A cluster fault; the message is one line naming the node."""


class BadAddress(ClusterError):
    """An engine address that cannot be read (a usage error)."""


@dataclass(frozen=True)
class Node:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Address:
    nodes: tuple[Node, ...]
    name: str

    def shard(self, i: int) -> str:
        return f"{self.name}_{i}"

    def __str__(self) -> str:
        return f"{SCHEME}{','.join(map(str, self.nodes))}/{self.name}"


def is_cluster(spec: str | None) -> bool:
    return bool(spec) and spec.startswith(SCHEME)


def parse_address(spec: str) -> Address:
    m = _ADDR.fullmatch(spec.strip())
    if not m:
        raise BadAddress(
            f"cannot read the engine address {spec!r}: use sphinxql://HOST:PORT[,HOST:PORT…]/NAME"
        )
    nodes = []
    for part in m.group("nodes").split(","):
        n = _NODE.fullmatch(part.strip())
        if not n or not 0 < int(n.group("port")) < 65536:
            raise BadAddress(f"cannot read the node {part!r} in {spec!r}: use HOST:PORT")
        nodes.append(Node(n.group("host").strip("[]"), int(n.group("port"))))
    if len(set(nodes)) != len(nodes):
        raise BadAddress(f"a node is listed twice in {spec!r}")
    return Address(tuple(nodes), m.group("name"))


class Connection:
    """One node's SphinxQL connection (reconnected after a fault); errors name the node.
    A distributed query whose agents did not all answer raises instead of returning the
    partial result Sphinx gives with a warning.

    `timeout` bounds connecting; `io_timeout` every read and write (default: 60 s, for a
    writer's big batches; the search engine passes its time budget, so a frozen node costs
    a request seconds, not minutes). A read-only statement that finds its connection lost
    (the node restarted since the last query) is sent once more over a new connection."""

    def __init__(self, node: Node, timeout: float = 10.0, io_timeout: float | None = None):
        self.node = node
        self.timeout = timeout
        self.io_timeout = max(timeout, 60.0) if io_timeout is None else io_timeout
        self._conn = None
        self._lock = threading.Lock()

    def _connect(self):
        import pymysql  # here, not at the top: every CLI command imports this module

        try:
            return pymysql.connect(
                host=self.node.host,
                port=self.node.port,
                autocommit=True,
                charset="utf8",
                connect_timeout=self.timeout,
                read_timeout=self.io_timeout,
                write_timeout=self.io_timeout,
            )
        except pymysql.err.MySQLError as e:
            raise ClusterError(
                f"search node {self.node} is down or unreachable ({self._timed(_why(e))})"
            ) from None

    def _timed(self, why: str) -> str:
        if "timed out" in why:
            return f"no answer within {self.io_timeout:g} s: frozen or overloaded?"
        return why

    def run(self, statements: list[tuple[str, tuple]]) -> list[list[tuple]]:
        """Execute statements in order on this node; the rows of each."""
        with self._lock:
            reused = self._conn is not None
            try:
                return self._run_locked(statements)
            except _Lost as e:
                if not (reused and all(_READ.match(sql) for sql, _a in statements)):
                    raise ClusterError(f"search node {self.node} failed ({e})") from None
            try:  # the node restarted since this connection was made: once more, afresh
                return self._run_locked(statements)
            except _Lost as e:
                raise ClusterError(f"search node {self.node} failed ({e})") from None

    def _run_locked(self, statements: list[tuple[str, tuple]]) -> list[list[tuple]]:
        import pymysql

        if self._conn is None:
            self._conn = self._connect()
        try:
            out = []
            with self._conn.cursor() as cur:
                for sql, args in statements:
                    cur.execute(sql, args or None)
                    out.append(list(cur.fetchall()))
                    if cur.warning_count:
                        cur.execute("SHOW WARNINGS")
                        warnings = "; ".join(str(w[-1]) for w in cur.fetchall())
                        raise ClusterError(f"search node {self.node}: {warnings}")
            return out
        except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as e:
            self.close_locked()
            why = _why(e)
            code = e.args[0] if e.args else None
            if code in (2006, 2013, 0) and "timed out" not in why:
                raise _Lost(why) from None
            raise ClusterError(f"search node {self.node} failed ({self._timed(why)})") from None
        except pymysql.err.MySQLError as e:
            raise ClusterError(f"search node {self.node} refused a query ({_why(e)})") from None

    def query(self, sql: str, *args) -> list[tuple]:
        return self.run([(sql, args)])[0]

    def query_meta(self, sql: str, *args) -> tuple[list[tuple], dict[str, str]]:
        rows, meta = self.run([(sql, args), ("SHOW META", ())])
        return rows, {str(k): str(v) for k, v in meta}

    def close_locked(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                pass
            self._conn = None

    def close(self) -> None:
        with self._lock:
            self.close_locked()


class _Lost(Exception):
    """The connection went (the node closed it: restarted, or its connection timed out)."""


_READ = re.compile(r"\s*(SELECT|SHOW|CALL|DESCRIBE)\b", re.I)


def _why(e: Exception) -> str:
    args = getattr(e, "args", ())
    msg = args[1] if len(args) > 1 else (args[0] if args else e)
    return " ".join(str(msg).split())
