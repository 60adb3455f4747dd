"""Docstrings and comments that name code must name code that exists: a file path
(`search/rank.py`), a name in a file (search/rank.py `bm25`) or a dotted name
(`search.engine.Engine`) that no longer resolves is a claim nothing checks — so this test
checks them, in corpus/, index/, search/, cli.py and docs/architecture.md."""

from __future__ import annotations

import ast
import importlib
import re

import pytest

from tests.conftest import ROOT

SOURCES = [
    *sorted((ROOT / "corpus").rglob("*.py")),
    *sorted((ROOT / "index").rglob("*.py")),
    *sorted((ROOT / "search").rglob("*.py")),
    ROOT / "cli.py",
]
DOCS = [ROOT / "docs" / "architecture.md"]
PATH = re.compile(r"\b((?:corpus|index|search|tests|docs)/[\w/]+\.(?:py|md|js|css|txt|tsv))")
PATH_NAME = re.compile(r"\b((?:corpus|index|search)/[\w/]+\.py)(?:'s)? `([A-Za-z_][\w.]*)`")
DOTTED = re.compile(r"`((?:corpus|index|search)\.[\w.]+)`")
# `rank.bm25`, "see journal.own_searcher": a module by its short name, and a name in it
SHORT = re.compile(r"(?:`|\bsee )([a-z_]+)\.([A-Za-z_]\w*)\b")
SUFFIXES = {"py", "md", "js", "css", "txt", "tsv", "json", "html", "conf"}
MODULES: dict[str, list] = {}
for _p in SOURCES:
    MODULES.setdefault(_p.stem, []).append(_p)


def _texts(path) -> list[str]:
    """The docstrings and comments of a Python file (the whole text of a Markdown file)."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        return [source]
    out = [line.split("#", 1)[1] for line in source.splitlines() if "#" in line]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node)
            if doc:
                out.append(doc)
    return out


def _defines(path, name: str) -> bool:
    """Whether the Python file defines `name` (first part of a dotted name) at any level."""
    first = name.split(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == first:
                return True
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == first for t in targets):
                return True
        elif isinstance(node, ast.ImportFrom | ast.Import):
            if any((a.asname or a.name).split(".")[0] == first for a in node.names):
                return True
    return False


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def _claims():
    for path in [*SOURCES, *DOCS]:
        for text in _texts(path):
            text = " ".join(text.split())  # a claim may wrap across lines
            for m in PATH.finditer(text):
                yield path, "path", m.group(1)
            for m in PATH_NAME.finditer(text):
                yield path, "name", (m.group(1), m.group(2))
            for m in DOTTED.finditer(text):
                yield path, "dotted", m.group(1)
            for m in SHORT.finditer(text):
                if m.group(2) in SUFFIXES:  # a file name (`cli.py`), not a module's name
                    continue
                if m.group(0).startswith("see ") or m.group(1) in MODULES:
                    yield path, "short", (m.group(1), m.group(2))


CLAIMS = list(_claims())


def test_the_claims_are_many_enough_to_matter():
    kinds = {kind for _p, kind, _c in CLAIMS}
    assert len(CLAIMS) > 50 and kinds == {"path", "name", "dotted", "short"}


@pytest.mark.parametrize("kind", ["path", "name", "dotted", "short"])
def test_code_named_in_docstrings_exists(kind):
    wrong = []
    for path, k, claim in CLAIMS:
        if k != kind:
            continue
        where = path.relative_to(ROOT)
        if kind == "path" and not (ROOT / claim).exists():
            wrong.append(f"{where}: {claim} does not exist")
        elif kind == "name":
            file, name = claim
            if not (ROOT / file).exists() or not _defines(ROOT / file, name):
                wrong.append(f"{where}: {file} has no `{name}`")
        elif kind == "dotted" and not _resolves(claim):
            wrong.append(f"{where}: `{claim}` does not resolve")
        elif kind == "short":
            module, name = claim
            files = MODULES.get(module, [])
            if not any(_defines(f, name) for f in files):
                wrong.append(f"{where}: no module {module} defining {name}")
    assert not wrong, "\n".join(wrong)


def test_readme_layout_names_every_module():
    """The README's Layout block names every module of corpus/, index/, search/ and their
    sub-packages on its folder's lines, so a new module cannot hide from a newcomer."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Layout", 1)[1].split("```", 2)[1]
    entries: dict[str, str] = {}
    parents: list[str] = []
    current = ""
    for line in block.splitlines():
        m = re.match(r"^( *)([\w]+)/\s+(.*)$", line)
        if m:
            depth = len(m.group(1)) // 2
            parents[depth:] = [m.group(2)]
            current = "/".join(parents)
            entries[current] = m.group(3)
        elif current and line.startswith(" "):
            entries[current] += " " + line.strip()
    missing = []
    for package in ("corpus", "index", "search"):
        for path in sorted((ROOT / package).rglob("*.py")):
            folder = str(path.parent.relative_to(ROOT))
            if path.stem == "__init__" or folder not in entries:
                if path.stem != "__init__":
                    missing.append(f"{folder}/ has no Layout line")
                continue
            if not re.search(rf"\b{re.escape(path.stem)}\b", entries[folder]):
                missing.append(f"{folder}/{path.name}")
    assert not missing, missing
