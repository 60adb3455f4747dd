"""The real long-form corpus (State Council work reports 1954–2025, CPC congress reports)."""

import json

import pytest
from conftest import CONGRESS, WORK_REPORTS, need_realdata

from search.engine import Engine


@pytest.fixture(scope="module")
def engine(real_index):
    return Engine(real_index)


def test_every_jsonl_line_becomes_a_report(engine):
    need_realdata()
    n = sum(1 for line in open(WORK_REPORTS, encoding="utf-8") if line.strip())
    n += sum(1 for line in open(CONGRESS, encoding="utf-8") if line.strip())
    rows = engine.reports()["reports"]
    assert len(rows) == n
    # JSONL fields win over extraction: year and url are the file's
    first = json.loads(open(WORK_REPORTS, encoding="utf-8").readline())
    r = next(r for r in rows if r["title"] == first["title"])
    assert r["year"] == int(first["year"]) and r["url"] == first["url"]
    assert r["source"].endswith("government_work_reports.jsonl:1")
    assert r["agency"] == "中华人民共和国国务院"


def test_traditional_text_is_found_by_simplified_query(engine):
    res = engine.search('"宪法草案"', year="1954")
    assert res["total"] > 0
    hit = res["hits"][0]
    assert "憲法草案" in hit["text"]  # shown as written …
    assert "<mark>憲法草案</mark>" in hit["highlight"]  # … and highlighted where it stands


def test_full_width_digits_are_folded(engine):
    s, _ = engine.searcher()
    fw = next(
        f
        for f in s.all_stored_fields()
        if f.get("text") and any("０" <= c <= "９" for c in f["text"])
    )
    import re

    run = re.search(r"[０-９]+[\u4e00-\u9fff]+", fw["text"]).group(0)
    import unicodedata

    res = engine.search(f'"{unicodedata.normalize("NFKC", run)}"', limit=100)
    assert fw["passage_id"] in {h["passage_id"] for h in res["hits"]}


def test_year_facet_counts_reports_not_passages(engine):
    res = engine.search("改革开放", year="1990-1999", limit=0)
    assert res["reports"] == sum(d["count"] for d in res["facets"]["year"])
    assert all(1990 <= d["value"] <= 1999 for d in res["facets"]["year"])
