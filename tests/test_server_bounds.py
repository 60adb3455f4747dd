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


def _serve(index: str):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "serve", "--index", index, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/reports", timeout=5).read()
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the server did not start")


@pytest.fixture(scope="module")
def server(samples_index):
    proc, port = _serve(samples_index)
    try:
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
    """A common word occurs in thousands of passages: the scan (0.15 s here warm, 0.3 s cold)
    ends at a budget fifteen times shorter. The same kwic runs first without a budget, so its
    match set is cached and the budget is spent in the scan alone."""
    need_realdata()
    from search.engine import Engine
    from search.tools.kwic import kwic

    engine = Engine(real_index, time_budget=0)
    assert kwic(engine, "发展", limit=10).total > 5_000  # warm, and long enough to scan
    engine.time_budget = 0.01
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


def test_exports_take_turns_and_searches_get_in(real_index):
    """Two exports of a common word, read slowly by their clients, hold both export slots
    (EXPORTS_AT_ONCE): a third export waits for a turn instead of piling onto the CPU, a search
    is answered meanwhile, and the third starts as soon as one of the two is dropped."""
    from index.settings import EXPORTS_AT_ONCE

    need_realdata()
    assert EXPORTS_AT_ONCE == 2
    proc, port = _serve(real_index)
    path = "/api/export?format=jsonl&q=" + quote("发展")
    held = []
    try:
        for _ in range(EXPORTS_AT_ONCE):  # tens of MB each: the sockets fill and the server waits
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            r = conn.getresponse()
            assert r.status == 200
            assert r.read(4096)
            held.append(conn)
        third = socket.create_connection(("127.0.0.1", port), timeout=3)
        third.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        with pytest.raises(TimeoutError):  # no answer while both slots are taken
            third.recv(1)
        t0 = time.monotonic()
        r, body = _request(port, "GET", "/api/search?q=" + quote("改革开放"))
        assert r.status == 200 and json.loads(body)["total"] > 0
        assert time.monotonic() - t0 < 10  # a search is not queued behind the exports
        held.pop(0).close()  # one client goes away: its slot is freed
        third.settimeout(20)
        assert third.recv(12).startswith(b"HTTP/1.1 200")
        third.close()
    finally:
        for conn in held:
            conn.close()
        proc.terminate()
        proc.wait(10)
