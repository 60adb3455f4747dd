"""The server's bounds against a real server on loopback: what one kwic request may ask, HEAD
wherever GET is, redirects that never repeat the request's Host header."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote

import pytest
from conftest import ROOT, need_realdata

from search.limits import QueryTimeout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(samples_index):
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "cli.py"),
            "serve",
            "--index",
            samples_index,
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/reports", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def _request(port: int, method: str, path: str, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, headers=headers or {})
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r, body


def test_kwic_refuses_more_context_than_one_request_may_ask(server):
    r, body = _request(server, "GET", f"/api/kwic?term={quote('公')}&limit=20000&width=200")
    assert r.status == 400
    err = json.loads(body)
    assert err["code"] == "kwic_too_much" and "lower limit or width" in err["error"]
    r, body = _request(server, "GET", f"/api/kwic?term={quote('公')}&limit=2000&width=200")
    assert r.status == 200 and json.loads(body)["total"] > 0


def test_kwic_stops_at_the_time_budget(real_index):
    """A common word occurs in thousands of passages: the scan (~1 s here) ends at the budget."""
    need_realdata()
    from search.engine import Engine
    from search.tools.kwic import kwic

    engine = Engine(real_index, time_budget=0.3)
    engine.search("经济")  # opened and warm: the budget is the scan's
    with pytest.raises(QueryTimeout):
        kwic(engine, "发展", limit=10)


@pytest.mark.parametrize(
    "path",
    ["/", "/api/reports", f"/api/search?q={quote('公开')}", "/static/page.css", "/widget.js"],
)
def test_head_wherever_get_is(server, path):
    got, body = _request(server, "GET", path)
    head, nothing = _request(server, "HEAD", path)
    assert got.status == 200 and body
    assert head.status == 200 and nothing == b""
    assert head.getheader("content-type") == got.getheader("content-type")
    assert head.getheader("x-content-type-options") == "nosniff"


def test_redirects_are_relative_and_ignore_the_host_header(server):
    r, _ = _request(server, "GET", "/api/reports/?x=1", {"Host": "evil.example"})
    assert r.status in (301, 302, 307, 308)
    assert r.getheader("location") == "/api/reports?x=1"
