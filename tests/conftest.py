"""Shared fixtures: real indexes on disk, built once per session where read-only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
SEEDS = sorted(SAMPLES.glob("0*_*.txt"))
REALDATA = ROOT.parent / "shared" / "realdata"
WORK_REPORTS = REALDATA / "government_work_reports.jsonl"
CONGRESS = REALDATA / "cpc_congress_reports.jsonl"

sys.path.insert(0, str(ROOT))


def need_realdata() -> None:
    if not WORK_REPORTS.exists():
        pytest.skip(f"real corpus not found at {REALDATA} (it sits beside the checkout in CI)")


@pytest.fixture(scope="session")
def samples_index(tmp_path_factory) -> str:
    from index.writer import ingest

    d = str(tmp_path_factory.mktemp("samples-index"))
    stats = ingest([str(SAMPLES)], d)
    assert not stats.failed, stats.failed
    return d


@pytest.fixture(scope="session")
def real_index(tmp_path_factory) -> str:
    need_realdata()
    from index.writer import ingest

    d = str(tmp_path_factory.mktemp("real-index"))
    stats = ingest([str(WORK_REPORTS), str(CONGRESS)], d)
    assert not stats.failed, stats.failed
    return d


@pytest.fixture(scope="session")
def samples_engine(samples_index):
    from search.engine import Engine

    return Engine(samples_index)


def run_cli(
    *args: str, env: dict | None = None, cwd: str | Path = ROOT
) -> subprocess.CompletedProcess:
    """Run `python cli.py ARGS` as a user would; returns the completed process."""
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        capture_output=True,
        text=True,
        cwd=str(cwd),
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def cli_json(*args: str) -> dict:
    p = run_cli(*args, "--json")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)
