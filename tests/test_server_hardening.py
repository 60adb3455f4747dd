"""Hostile and heavy use of the HTTP server: schema-driven fuzzing and a bounded load test on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import schemathesis
from conftest import ROOT, SAMPLES
from hypothesis import HealthCheck, settings

from index.writer import ingest
from search.web.app import create_app

_IX = tempfile.mkdtemp(prefix="gongkai-fuzz-")
ingest([str(SAMPLES)], _IX)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_IX))


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_requests_never_get_a_server_error(case):
    """Every generated request gets an answer below 500, and errors are JSON."""
    response = case.call()
    assert response.status_code < 500, (case.path, case.query, response.text[:200])
    if response.status_code >= 400 and case.path.startswith("/api/"):
        ctype = response.headers.get("content-type")
        ctype = ctype[0] if isinstance(ctype, list) else ctype
        assert ctype.startswith("application/json"), ctype


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc to read memory")
def test_twenty_clients_for_fifteen_seconds(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "serve", "--index", _IX, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/reports", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        queries = [
            "依申请公开",
            "政务公开 培训",
            '"最多跑一次"',
            "公开 year:2010-2020",
            "监督 -考核",
            "section:主动公开",
            "(一网通办 OR 放管服)",
            '"unclosed',
            "x" * 600,
            "收费 agency:随县",
        ]
        counts = {"ok": 0, "4xx": 0, "errors": []}
        lock = threading.Lock()
        stop = time.monotonic() + 15
        rss = []

        def client(i: int) -> None:
            n = 0
            while time.monotonic() < stop and n < 5000:
                q = queries[(i + n) % len(queries)]
                url = f"{base}/api/search?" + urllib.parse.urlencode(
                    {"q": q, "limit": 10, "offset": n % 3 * 10}
                )
                n += 1
                try:
                    with urllib.request.urlopen(url, timeout=10) as r:
                        r.read()
                        key = "ok"
                except urllib.error.HTTPError as e:
                    key = "4xx" if e.code < 500 else None
                    if key is None:
                        with lock:
                            counts["errors"].append(f"{e.code} {q}")
                        continue
                except OSError as e:
                    with lock:
                        counts["errors"].append(repr(e))
                    continue
                with lock:
                    counts[key] += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            rss.append(_rss_kb(proc.pid))
            time.sleep(1)
        for t in threads:
            t.join()
        assert not counts["errors"], counts["errors"][:5]
        assert counts["ok"] > 100 and counts["4xx"] > 10
        # memory settles: the second half of the run grows by less than 50 MB over the first
        half = len(rss) // 2
        assert max(rss[half:]) - max(rss[:half]) < 50_000, rss
    finally:
        proc.terminate()
        proc.wait(timeout=10)
