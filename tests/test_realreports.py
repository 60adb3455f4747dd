"""The five real reports in ../shared/realreports come out right field by field, as
expect.json lists them (all but `stats`, which the table reader covers), both from the reader
and through a real index (what `reports --json` prints)."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

from corpus.reader import read_reports
from corpus.sections import RE_ANNEX

REAL = ROOT.parent / "shared" / "realreports"
EXPECT = json.loads((REAL / "expect.json").read_text("utf-8")) if REAL.exists() else []


def _need() -> None:
    if not (REAL / "expect.json").exists():
        pytest.skip(f"real reports not found at {REAL} (they sit beside the checkout in CI)")


def _ws(s: str) -> str:
    """Headings as printed, with any run of spaces (nbsp, full-width) read as one space."""
    return re.sub(r"[\s\u00a0\u3000]+", " ", s).strip()


def _headings(found: list[str], expected: list[str]) -> tuple[list[str], list[str]]:
    # expect.json lists the 附件1 统计表 title as a section in 04-pingtan-xian-2011.txt but not in
    # 02-2013-pingtan-xian.html, where it is printed the same way (a line of its own after the
    # signature). gongkai lists annex titles as headings; annexes that expect.json omits are
    # compared apart (they must be printed annex titles), everything else exactly.
    if not any(RE_ANNEX.match(e) for e in expected):
        extra = [h for h in found if RE_ANNEX.match(h)]
        found = [h for h in found if not RE_ANNEX.match(h)]
        assert all(h.endswith("统计表") for h in extra), extra
    return [_ws(h) for h in found], [_ws(e) for e in expected]


@pytest.fixture(scope="module")
def reports():
    _need()
    return {e["file"]: read_reports(str(REAL / e["file"]))[0] for e in EXPECT}


@pytest.mark.parametrize("case", EXPECT, ids=[e["file"] for e in EXPECT])
def test_fields(reports, case):
    r = reports[case["file"]]
    assert r.title == case["title"]
    assert r.agency in [case["agency"], *case.get("agency_accept", [])]
    assert r.year == case["year"]
    assert r.published == case["published"]
    found, expected = _headings(r.headings, case["sections"])
    assert found == expected


@pytest.mark.parametrize(
    "case", [e for e in EXPECT if "body_samples" in e], ids=lambda e: e["file"]
)
def test_chrome_gone_body_kept(reports, case):
    r = reports[case["file"]]
    text = "\n".join(p.text for p in r.passages)
    for chrome in case["chrome_samples"]:
        assert chrome not in text
    for sample in case["body_samples"]:
        assert sample in text
    cell = case["table_cell_sample"]
    assert any(cell in c for grid in r.tables for row in grid for c in row)


TABLE_2008 = {  # expect.json's names → where format 2008 puts the 本年度 figure
    "new_requests_total": ("requests", "new", "total"),
    "granted_total": ("requests", "granted", "total"),
    "review_total": ("review", "total"),
    "litigation_total": ("litigation_direct", "total"),
}


def _at(stats: dict, path: tuple[str, ...]):
    for key in path:
        stats = stats[key]
    return stats


@pytest.mark.parametrize("case", [e for e in EXPECT if "table_2008" in e], ids=lambda e: e["file"])
def test_old_tables_give_their_figures(reports, case):
    stats = reports[case["file"]].stats
    assert stats["format"] == "2008"
    got = {name: _at(stats, path) for name, path in TABLE_2008.items()}
    assert got == case["table_2008"]
    assert stats["checks"] == []
    # 历年累计 beside each year's figure, never in its place
    rows = stats["table_2008"]
    assert rows["requests"]["cumulative"] >= rows["requests"]["year"]


def test_tables_come_as_grids(reports):
    pdf = reports["03-huaian-shi-2024.pdf"]
    # 表三 runs over a page break: one grid, every row as wide as the table
    big = max(pdf.tables, key=len)
    assert len({len(row) for row in big}) == 1
    row = next(r for r in big if r[0].startswith("一、本年新收"))
    assert row[-1] == "3119"
    html = reports["04-2024-pingtan-syq.html"]
    assert any("18651.06" in c for g in html.tables for row in g for c in row)


def test_through_the_index(tmp_path):
    _need()
    from index.writer import ingest
    from search.engine import Engine

    ix = str(tmp_path / "ix")
    stats = ingest([str(REAL)], ix)
    assert not stats.failed, stats.failed
    rows = {r["source"].rsplit("/", 1)[-1]: r for r in Engine(ix).reports()["reports"]}
    for case in EXPECT:
        r = rows[case["file"]]
        assert r["title"] == case["title"]
        assert r["agency"] in [case["agency"], *case.get("agency_accept", [])]
        assert (r["year"], r["published"]) == (case["year"], case["published"])
        found, expected = _headings(r["headings"], case["sections"])
        assert found == expected
        assert set(r["provenance"]) >= {"title", "agency", "year"}
        if "table_2008" in case:
            got = {name: _at(r["stats"], path) for name, path in TABLE_2008.items()}
            assert got == case["table_2008"], case["file"]
    # the crawler exports: title from the 标题: line, URL from 原文链接:
    assert rows["04-pingtan-xian-2011.txt"]["provenance"]["title"] == "header-line"
    assert rows["08-pingtan-2023.txt"]["url"].startswith("https://www.pingtan.gov.cn/")
