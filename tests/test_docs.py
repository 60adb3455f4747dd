"""The documentation runs: every command example in README.md and docs/*.md is executed, in
order, as a reader would type it, in a fresh working folder that holds the sample and real
indexes the docs name (var/samples, var/index, var/real, …). An example must exit 0, and every
line of output the docs show (elisions with … aside) must appear in what it prints — so an
example that stops working, or whose printed output drifts from the docs, fails the suite.

`serve` examples start a real server on a free loopback port (the first one of a document
that binds the default host; one that binds 0.0.0.0 is not started), and the document's `curl`
examples run against it, with the documented port replaced by that one: each must print
something, with no `null` and no error. Not run: `make` (it is what runs this)."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT, WORK_REPORTS

DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
# Report and passage ids come from what a report is (corpus/identity.py), so the ids the docs
# print and pass to commands are ours: they run as written and are compared as printed.
# The docs run `gongkai` as a fresh clone has it after `make demo`: .venv/bin on the PATH (as
# the README's export line puts it), no virtualenv activated, no other `python` with our deps.
BIN = Path(sys.executable).parent  # the checkout's .venv/bin, holding `gongkai`
GONGKAI = re.compile(r"(^|&&\s*|\|\s*|;\s*)gongkai\s")

SKIP = re.compile(r"^make\b")
SERVE = re.compile(r"^gongkai serve\b")
DOC_PORT = "127.0.0.1:8000"
FENCE = re.compile(r"^```")


@dataclass
class Example:
    doc: str
    line: int
    command: str
    shown: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"


def examples(path: Path) -> list[Example]:
    """Commands in fenced blocks: lines starting with `$ ` (their output follows) and, in
    sh blocks, lines that run cli.py or set an environment variable."""
    out: list[Example] = []
    block: str | None = None
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        text = lines[i]
        if FENCE.match(text):
            block = None if block is not None else text[3:].strip()
            i += 1
            continue
        if block is None:
            i += 1
            continue
        start = i
        cmd = text
        while cmd.endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd = cmd[:-1] + " " + lines[i].strip()
        if cmd.startswith("$ "):
            ex = Example(path.name, start + 1, cmd[2:])
            while i + 1 < len(lines) and not lines[i + 1].startswith("$ "):
                if FENCE.match(lines[i + 1]):
                    break
                i += 1
                ex.shown.append(lines[i])
            out.append(ex)
        elif block == "sh" and (GONGKAI.search(cmd) or cmd.startswith(("export ", "curl "))):
            out.append(Example(path.name, start + 1, cmd))
        i += 1
    return [e for e in out if not SKIP.match(e.command)]


ALL = {p.name: examples(p) for p in DOCS}


def test_the_docs_have_examples_to_run():
    assert len(ALL["README.md"]) >= 8 and len(ALL["journalists.md"]) >= 12
    assert all(e.command for exs in ALL.values() for e in exs)


def test_the_docs_run_what_a_fresh_clone_has():
    """`python cli.py` fails without the virtualenv activated (ModuleNotFoundError): the docs
    run the `gongkai` that `make demo` installs, and the README says how to put it on PATH."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS)
    assert not re.search(r"python\S* cli\.py", text)
    assert (BIN / "gongkai").exists(), "pip install -e . installs the gongkai command"
    readme = ALL["README.md"]
    assert any(e.command.startswith("export PATH=") and ".venv/bin" in e.command for e in readme)
    assert "$(VENV)/bin/gongkai" in (ROOT / "Makefile").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def docs_base(tmp_path_factory) -> Path:
    """A folder laid out like a checkout beside ../shared, with the indexes the docs name
    built by the docs' own ingest commands (so sources read corpus/samples/…)."""
    base = tmp_path_factory.mktemp("docs")
    work = base / "work"
    work.mkdir()
    (work / "corpus").symlink_to(ROOT / "corpus")
    if WORK_REPORTS.parent.parent.exists():
        (base / "shared").symlink_to(WORK_REPORTS.parent.parent)
    cli = [sys.executable, str(ROOT / "cli.py")]
    for name in ("samples", "index", "demo-index", "web-demo"):
        subprocess.run(
            [*cli, "ingest", "corpus/samples", "--index", f"var/{name}"],
            cwd=work,
            check=True,
            capture_output=True,
        )
    if WORK_REPORTS.exists():
        subprocess.run(
            [*cli, "ingest", "../shared/realdata", "--index", "var/real"],
            cwd=work,
            check=True,
            capture_output=True,
        )
    return base


def _fresh_env(home: Path) -> dict:
    """A reader's shell after `make demo` and the README's export line: .venv/bin first on the
    PATH, no virtualenv activated."""
    path = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and Path(d) != BIN]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return {**env, "PATH": os.pathsep.join([str(BIN), *path]), "HOME": str(home), "NO_COLOR": "1"}


def _report_id(work: Path) -> str:
    p = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "reports", "--index", "var/index", "--json"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    return json.loads(p.stdout)["reports"][0]["report_id"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(command: str, work: Path, env: dict) -> tuple[subprocess.Popen, int]:
    """The documented `serve` on a free loopback port, once it answers."""
    port = _free_port()
    proc = subprocess.Popen(
        ["bash", "-c", f"exec {command} --port {port}"],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"`{command}` exited {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/reports", timeout=2):
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"`{command}` did not answer on port {port} within 60 s")


def test_the_curl_examples_encode_what_they_send():
    """A documented curl example passes Chinese percent-encoded (--get --data-urlencode): a raw
    UTF-8 URL is refused by the server (`Invalid HTTP request received.`)."""
    curls = [e for exs in ALL.values() for e in exs if e.command.startswith("curl ")]
    assert len(curls) >= 3
    for e in curls:
        url = next(w for w in shlex.split(e.command.split("|")[0]) if w.startswith("http"))
        assert url.isascii(), f"{e.id}: {url}"


@pytest.mark.parametrize("doc", list(ALL))
def test_every_example_runs_as_documented(doc, docs_base, tmp_path):
    if not ALL[doc]:
        pytest.skip(f"{doc} has no command examples")
    if any("var/real" in e.command or "realdata" in e.command for e in ALL[doc]):
        if not WORK_REPORTS.exists():
            pytest.skip(f"{doc} runs on the real corpus, not found at {WORK_REPORTS.parent}")
    work = docs_base / "work"  # shared: a copy elsewhere would be other sources to ingest
    (tmp_path / "home" / "scraped").mkdir(parents=True)  # README: ingest … ~/scraped/
    env = _fresh_env(tmp_path / "home")
    env.pop("GONGKAI_INDEX", None)
    failures: list[str] = []
    servers: list[tuple[subprocess.Popen, int]] = []
    try:
        _run_examples(ALL[doc], work, env, failures, servers)
    finally:
        for proc, _port in servers:
            proc.terminate()
            proc.wait(timeout=20)
    assert not failures, "\n".join(failures)


def _run_examples(exs, work, env, failures, servers: list) -> None:
    """Run `exs` in order, appending what went wrong to `failures`; a server started for the
    curl examples joins `servers`."""
    for ex in exs:
        if ex.command.startswith("export "):
            name, _, value = ex.command[len("export ") :].split("#")[0].strip().partition("=")
            value = value.strip().strip('"').replace("$PWD/.venv/bin", str(BIN))
            env[name] = value.replace("$PATH", env.get("PATH", ""))
            continue
        if ex.command.startswith("cat ") and ex.shown:  # the docs show a file: write it
            (work / ex.command.split()[1]).write_text("\n".join(ex.shown) + "\n", "utf-8")
            continue
        if SERVE.match(ex.command):
            if not servers and "--host" not in ex.command:
                servers.append(_start_server(ex.command.split("  #")[0].strip(), work, env))
            continue
        if ex.command.startswith("curl "):
            if not servers:
                failures.append(f"{ex.id} `{ex.command}`: no serve example before it")
                continue
            ex = Example(
                ex.doc, ex.line, ex.command.replace(DOC_PORT, f"127.0.0.1:{servers[0][1]}")
            )
        command = ex.command.split("  #")[0].strip()
        if "REPORT_ID" in command:
            command = command.replace("REPORT_ID", _report_id(work))
        p = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        printed = [line.rstrip().lstrip("\ufeff") for line in (p.stdout + p.stderr).splitlines()]
        if p.returncode != 0:
            failures.append(f"{ex.id} `{ex.command}` exit {p.returncode}: {p.stderr.strip()[:300]}")
            continue
        missing = [
            shown
            for shown in ex.shown
            if "…" not in shown and shown.strip() and shown.rstrip() not in printed
        ]
        if missing:
            failures.append(f"{ex.id} `{ex.command}` did not print: {missing[:3]}")
        if ex.command.startswith("curl ") and (
            not p.stdout.strip() or "null" in printed or '"error"' in p.stdout
        ):
            failures.append(f"{ex.id} `{ex.command}` printed no answer: {p.stdout[:300]!r}")
