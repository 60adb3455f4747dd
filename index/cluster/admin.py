"""What an operator does to a cluster besides ingesting and searching: write each node's
searchd.conf for a deployment, and see each node's state (up, rows on its shard, memory)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from index.cluster.config import NodeSpec, node_config
from index.cluster.documents import ALIAS, PASSAGE, REPORT
from index.cluster.sphinxql import Address, BadAddress, ClusterError, Connection

_NODE = re.compile(r"(?P<host>[A-Za-z0-9_.\-]+):(?P<sql>\d{1,5}):(?P<api>\d{1,5})")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_nodes(specs: list[str]) -> list[NodeSpec]:
    """`HOST:SQLPORT:APIPORT` each (SphinxQL for gongkai, the binary API for the agents)."""
    nodes = []
    for spec in specs:
        m = _NODE.fullmatch(spec.strip())
        ports = (int(m.group("sql")), int(m.group("api"))) if m else (0, 0)
        if not m or not all(0 < p < 65536 for p in ports) or ports[0] == ports[1]:
            raise BadAddress(
                f"cannot read the node {spec!r}: use HOST:SQLPORT:APIPORT, e.g. 10.0.0.1:9306:9312"
            )
        nodes.append(NodeSpec(m.group("host"), *ports))
    if not nodes:
        raise BadAddress("give at least one --node HOST:SQLPORT:APIPORT")
    if len(set(nodes)) != len(nodes):
        raise BadAddress("a node is listed twice")
    return nodes


def address_of(name: str, nodes: list[NodeSpec]) -> str:
    return f"sphinxql://{','.join(f'{n.host}:{n.sql_port}' for n in nodes)}/{name}"


def write_configs(name: str, nodes: list[NodeSpec], data_dir: str, out_dir: str) -> list[str]:
    """One searchd.conf per node (`NAME-node0.conf`, …) into `out_dir`; node i keeps its
    shard, logs and binlog under `data_dir/nodeI` (so nodes sharing a machine do not clash)."""
    if not _NAME.fullmatch(name):
        raise BadAddress(f"the index name {name!r} must be letters, digits and _")
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for i in range(len(nodes)):
        path = os.path.join(out_dir, f"{name}-node{i}.conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write(node_config(name, nodes, i, os.path.join(data_dir, f"node{i}")))
        paths.append(path)
    return paths


@dataclass
class NodeState:
    node: str
    shard: str
    up: bool
    error: str | None = None
    passages: int | None = None
    reports: int | None = None
    copies: int | None = None
    ram_bytes: int | None = None
    disk_bytes: int | None = None
    uptime_s: int | None = None


def status(address: Address) -> list[NodeState]:
    """Each node of the address and its shard: up or why not, rows by kind, memory."""
    out = []
    for i, node in enumerate(address.nodes):
        shard = address.shard(i)
        conn = Connection(node, timeout=3.0)
        try:
            uptime = dict(conn.query("SHOW STATUS LIKE 'uptime'")).get("uptime")
            info = dict(conn.query(f"SHOW INDEX {shard} STATUS"))
            kinds = dict(conn.query(f"SELECT kind, COUNT(*) FROM {shard} GROUP BY kind"))
            out.append(
                NodeState(
                    str(node),
                    shard,
                    True,
                    passages=int(kinds.get(PASSAGE, 0)),
                    reports=int(kinds.get(REPORT, 0)),
                    copies=int(kinds.get(ALIAS, 0)),
                    ram_bytes=int(info.get("ram_bytes", 0)),
                    disk_bytes=int(info.get("disk_bytes", 0)),
                    uptime_s=int(uptime or 0),
                )
            )
        except ClusterError as e:
            why = str(e)
            if "requires an existing index" in why:  # the address lists the nodes out of order
                why = f"node {node} holds no shard {shard}: list the nodes in their shards' order"
            out.append(NodeState(str(node), shard, False, error=why))
        finally:
            conn.close()
    return out
