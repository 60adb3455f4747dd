"""Ids from what a report is, never from where it was found.

A report's id is the same on every machine, for every path, symlink or copy of its file, and
after every rebuild:

- a report whose agency and covered year are known is named by its identity,
  ``stable_id("report", agency, year, kind)`` (`kind` is what sort of report its title says it
  is: an annual disclosure report, a self-inspection, a work summary …), so a corrected version
  of the same report keeps its id;
- without that identity, by its content: ``stable_id("text", fingerprint)`` (the fingerprint
  is the normalized text with year and agency, equal for copies of one report);
- a passage by its report and its own text (letters kept, whitespace dropped), with the number
  of earlier passages of that report holding the same text as a disambiguator:
  ``stable_id(report_id, text, n)``.

Two different reports that claim one identity (the index already holds one, from a file that
still exists) are told apart by the writer: the later gets ``stable_id("text", fingerprint)``
(`content_id`)."""

from __future__ import annotations

import re

from corpus.clean import nfkc
from corpus.model import Passage, stable_id

# What sort of report a title names, first match wins: part of a report's identity, so an
# agency's annual report and its self-inspection report of one year stay two reports.
_KINDS = (
    ("self-check", re.compile(r"自查|自检|自评")),
    ("summary", re.compile(r"总结")),
    ("plan", re.compile(r"工作要点|工作计划|实施方案")),
    ("government-work", re.compile(r"政府工作报告")),
    ("annual", re.compile(r"年度报告|年报|工作报告|工作情况|报告")),
)


def report_kind(title: str) -> str:
    """The kind of report `title` names ("annual", "self-check", …, "other")."""
    t = nfkc(title or "")
    return next((name for name, rx in _KINDS if rx.search(t)), "other")


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", nfkc(s or ""))


def identity_id(agency: str, year: int | None, title: str) -> str | None:
    """The id of a report known by agency + covered year + kind, or None without both."""
    agency = _norm(agency)
    if not agency or not year:
        return None
    return stable_id("report", agency, str(year), report_kind(title))


def content_id(fingerprint: str) -> str:
    """The id of a report known by its content alone (copies share their fingerprint)."""
    return stable_id("text", fingerprint)


def report_id(agency: str, year: int | None, title: str, fingerprint: str) -> str:
    return identity_id(agency, year, title) or content_id(fingerprint)


def passage_ids(report_id: str, texts: list[str]) -> list[str]:
    """Each passage's id, from its report and its own text; a text repeated in one report is
    told apart by how many times it came before."""
    seen: dict[str, int] = {}
    out = []
    for text in texts:
        key = _norm(text)
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(stable_id(report_id, key, str(n)))
    return out


def assign(report_id: str, passages: list[Passage]) -> None:
    """Name `passages` (in place) as passages of `report_id`."""
    for p, pid in zip(passages, passage_ids(report_id, [p.text for p in passages]), strict=True):
        p.passage_id = pid
