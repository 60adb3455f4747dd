"""A frozen or dying search node, bounded: real searchd nodes, one stopped with SIGSTOP (or
restarted, or killed mid-export), and the CLI, the engine and a real server on loopback."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote

import pytest

from tests.conftest import ROOT, SEEDS, run_cli

pytestmark = pytest.mark.skipif(
    shutil.which("searchd") is None,
    reason="searchd not installed (Debian package sphinxsearch; `make test` installs it as root)",
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two nodes holding ~150 reports (a few thousand passages: an export of several blocks)."""
    from index.cluster.nodes import LocalCluster
    from index.cluster.writer import ClusterStore
    from index.writer import ingest

    root = tmp_path_factory.mktemp("faults")
    corpus = root / "c"
    corpus.mkdir()
    for i in range(30):
        for seed in SEEDS:
            text = (
                seed.read_text("utf-8")
                .replace("平房区", f"第{i}平房区")
                .replace("随县", f"随县{i}")
            )
            (corpus / f"{i:03d}_{seed.name}").write_text(text + f"\n附记：副本{i}。", "utf-8")
    c = LocalCluster(str(root / "nodes")).start()
    try:
        stats = ingest([str(corpus)], None, store=ClusterStore(c.address))
        assert not stats.failed and stats.ingested == 150
        yield c
    finally:
        for p in c.procs:
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGCONT)
        c.stop()


class frozen:
    """searchd node `i` stopped with SIGSTOP (as a hung or swapping machine is) while inside."""

    def __init__(self, cluster, i: int = 0):
        self.proc = cluster.procs[i]

    def __enter__(self):
        self.proc.send_signal(signal.SIGSTOP)

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGCONT)


def test_a_frozen_node_costs_the_cli_seconds_not_a_minute(cluster):
    env = {"GONGKAI_ENGINE": cluster.address, "GONGKAI_TIME_BUDGET": "2"}
    with frozen(cluster):
        t = time.monotonic()
        p = run_cli("search", "政务公开", env=env)
        took = time.monotonic() - t
    assert p.returncode == 5, p.stderr
    assert "no answer within 2 s" in p.stderr and "Traceback" not in p.stderr
    node = cluster.nodes[0]
    assert f"{node.host}:{node.sql_port}" in p.stderr
    assert took < 20  # a user's bound: 62 s before, whatever the budget
    assert run_cli("search", "政务公开", env=env).returncode == 0  # and back once it thaws


def test_a_restarted_node_answers_the_next_query(cluster):
    from search.cluster.engine import ClusterEngine

    engine = ClusterEngine(cluster.address)
    before = engine.search("政务公开")["total"]
    cluster.stop_node(0)
    cluster.start_node(0)
    # the engine's connection to node 0 died with it: the next query reconnects, no error
    assert engine.search("政务公开")["total"] == before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(cluster):
    port = _free_port()
    env = {
        **os.environ,
        "GONGKAI_ENGINE": cluster.address,
        "GONGKAI_TIME_BUDGET": "2",
        "GONGKAI_CLUSTER_FETCH": "10",  # an export reads 150 blocks: most after the freeze
    }
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/reports", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_node_lost_mid_export_breaks_the_stream(cluster, server, fmt):
    """A truncated export must not look whole: no clean end of the chunked stream, and a last
    record that says what happened."""
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=60)
    conn.sock = socket.socket()
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)  # the server waits on us
    conn.sock.settimeout(60)
    conn.sock.connect(("127.0.0.1", server))
    conn.request("GET", f"/api/export?q={quote('政务公开')}&format={fmt}")
    r = conn.getresponse()
    assert r.status == 200
    total = int(r.getheader("X-Total-Count"))
    assert total > 1000
    first = r.read(20_000)
    with frozen(cluster, 0), frozen(cluster, 1):
        with pytest.raises(http.client.IncompleteRead) as e:
            r.read()
    body = (first + e.value.partial).decode("utf-8", "replace")
    lines = body.rstrip("\n").split("\n")
    assert len(lines) < total
    assert "export stopped" in lines[-1] and "incomplete" in lines[-1]
