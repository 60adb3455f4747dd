"""The one settings table: docs/settings.md is its current rendering, every entry is defined once,
and CLI defaults and the modules that use a setting read it from there."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import cli
from corpus import limits
from index import settings

ROOT = Path(__file__).resolve().parent.parent


def test_docs_table_is_generated_from_the_table():
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert doc == settings.markdown(), "run: python -m index.settings > docs/settings.md"
    for s in settings.SETTINGS.values():  # each row names the setting, its default, its variable
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{s.name}` |"))
        if s.name not in ("PARSE_WORKERS", "OCR_WORKERS"):
            assert f"`{s.default!r}`" in row
        if s.env:
            assert f"`{s.env}`" in row


def test_each_setting_is_defined_once_where_the_table_says():
    for s in settings.SETTINGS.values():
        home = limits if s.layer == "corpus" else settings
        if not (s.env and s.env in os.environ):
            assert getattr(home, s.name) == s.default, s.name
    names = set(settings.SETTINGS)
    homes = {ROOT / "index" / "settings.py", ROOT / "corpus" / "limits.py"}
    spelled = []
    for folder in ("corpus", "index", "search"):
        for path in (ROOT / folder).rglob("*.py"):
            if path in homes:
                continue
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.Assign):
                    for t in node.targets:
                        if isinstance(t, ast.Name) and t.id in names:
                            spelled.append(f"{path.relative_to(ROOT)}: {t.id}")
    assert spelled == [], "a setting given its value outside the table"


def test_modules_read_their_figures_from_the_table():
    from index.cluster import writer as cluster_writer
    from search.cluster import engine as cluster_engine
    from search.tools import diff, kwic, reuse
    from search.web import tools as web_tools

    assert cluster_engine.MAX_GROUPS == settings.MAX_GROUPS
    assert cluster_engine.EXACT_RANK == settings.EXACT_RANK
    assert cluster_engine.FETCH == settings.CLUSTER_FETCH
    assert cluster_writer.TXN_CHARS == settings.TXN_CHARS
    assert cluster_writer.TXN_REPORTS == settings.TXN_REPORTS
    assert web_tools.MAX_KWIC == settings.MAX_KWIC
    assert diff.NEAR == settings.DIFF_NEAR and diff.NEAR_CANDIDATES == settings.NEAR_CANDIDATES
    assert kwic.MAX_WIDTH == settings.KWIC_MAX_WIDTH
    assert reuse.MAX_LIMIT == settings.REUSE_MAX_LIMIT


def test_cli_defaults_come_from_the_table():
    params = {p.name: p for p in cli.main.commands["ingest"].params}
    assert params["max_mb"].default == settings.SETTINGS["MAX_MB"].default
    assert params["lock_timeout"].default == settings.LOCK_TIMEOUT
    out = CliRunner().invoke(cli.main, ["serve", "--help"]).output
    assert f"Default {settings.TIME_BUDGET:g}" in out
    search_limit = next(p for p in cli.main.commands["search"].params if p.name == "limit")
    assert search_limit.type.max == settings.MAX_LIMIT


def test_an_environment_variable_overrides_its_setting():
    code = "from search.cluster import engine; print(engine.MAX_GROUPS, engine.FETCH)"
    env = dict(os.environ, GONGKAI_CLUSTER_MAX_GROUPS="7", GONGKAI_CLUSTER_FETCH="3")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["7", "3"]
