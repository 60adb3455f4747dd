"""searchd configuration for an N-node gongkai cluster: node i holds the RT index `NAME_i`
(one shard) and serves the distributed index `NAME` (its own shard locally, the others as
agents), so any node answers queries over the whole archive.

Fields hold gongkai's own analysis as ASCII tokens (index/cluster/documents.py), so Sphinx's
tokenizer only needs `0..9, a..z`: searchd never segments or folds Chinese itself."""

from __future__ import annotations

import os
from dataclasses import dataclass

FIELDS = ("words", "grams", "chars", "meta")
UINT = ("kind", "year", "ord", "wlen", "qlen", "npassages")
BIGINT = ("rid",)
STRINGS = (
    "report_id",
    "passage_id",
    "agency",
    "section",
    "heading",
    "text",
    "title",
    "published",
    "source",
    "url",
    "source_key",
    "content_hash",
    "sections",
    "stats",
    "headings",
    "provenance",
    "fingerprint",
    "sentences",  # the report's sentence fingerprints (index/sentences.py), as hex
)
COLUMNS = ("id", *FIELDS, *UINT, *BIGINT, *STRINGS)


@dataclass(frozen=True)
class NodeSpec:
    host: str
    sql_port: int  # SphinxQL (the engine address names these)
    api_port: int  # Sphinx's binary protocol, for the distributed index's agents


def shard_index(name: str, i: int, path: str, rt_mem_mb: int = 256) -> str:
    lines = [f"index {name}_{i}", "{", "    type = rt", f"    path = {path}"]
    lines += [f"    rt_field = {f}" for f in FIELDS]
    lines += [f"    rt_attr_uint = {a}" for a in UINT]
    lines += [f"    rt_attr_bigint = {a}" for a in BIGINT]
    lines += [f"    rt_attr_string = {a}" for a in STRINGS]
    lines += [
        "    charset_table = 0..9, a..z",
        "    dict = crc",
        "    min_word_len = 1",
        f"    rt_mem_limit = {rt_mem_mb}M",
        "}",
    ]
    return "\n".join(lines)


def node_config(name: str, nodes: list[NodeSpec], i: int, folder: str) -> str:
    """The searchd.conf of node `i`; its data, logs and binlog go under `folder`."""
    me = nodes[i]
    dist = [f"index {name}", "{", "    type = distributed", f"    local = {name}_{i}"]
    dist += [f"    agent = {n.host}:{n.api_port}:{name}_{j}" for j, n in enumerate(nodes) if j != i]
    dist += ["    agent_connect_timeout = 2000", "    agent_query_timeout = 60000", "}"]
    searchd = [
        "searchd",
        "{",
        f"    listen = {me.host}:{me.sql_port}:mysql41",
        f"    listen = {me.host}:{me.api_port}",
        f"    log = {os.path.join(folder, 'searchd.log')}",
        f"    query_log = {os.path.join(folder, 'query.log')}",
        f"    pid_file = {os.path.join(folder, 'searchd.pid')}",
        f"    binlog_path = {folder}",
        "    workers = threads",
        "    collation_server = binary",  # strings sort by code point, as Python sorts them
        "    max_packet_size = 32M",
        "}",
    ]
    return (
        "\n\n".join(
            [
                shard_index(name, i, os.path.join(folder, f"{name}_{i}")),
                "\n".join(dist),
                "\n".join(searchd),
            ]
        )
        + "\n"
    )
