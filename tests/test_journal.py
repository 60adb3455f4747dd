"""Journalist tools (compare, trend, similar, kwic, export, batch, cite) on real indexes: each
result is checked against `search` or a brute-force scan of the stored passages."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from conftest import SAMPLES, cli_json, run_cli

from index.normalize import normalize, normalize_with_offsets
from index.schema import PASSAGE
from search.engine import Engine
from search.results import agency_label, year_label
from search.tools.cite import citation, cite, readable_url
from search.tools.compare import compare
from search.tools.export import batch, batch_rows, export
from search.tools.kwic import kwic
from search.tools.similar import similar
from search.tools.trend import trend

_ENGINES: dict[str, Engine] = {}


def engine_at(path: str) -> Engine:
    if path not in _ENGINES:
        _ENGINES[path] = Engine(path)
    return _ENGINES[path]


@pytest.fixture(scope="module")
def samples(samples_index) -> Engine:
    return engine_at(samples_index)


@pytest.fixture(scope="module")
def real(real_index) -> Engine:
    return engine_at(real_index)


def all_passages(engine: Engine) -> list[dict]:
    s, _ = engine.searcher()
    return [dict(f) for f in s.documents(kind=PASSAGE)]


def read_csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(text[1:])))


def facet(res: dict, name: str) -> dict:
    return {d["value"]: d["count"] for d in res["facets"][name]}


# -- the seed passage and a planted near-copy --------------------------------------------------
SEED_TEXT = "新修订了《高陵区依申请公开政府信息管理办法》"
SHARED = (
    "政府门户网站专门设立依申请公开专栏,公开受理机构、办公地址、办公时间、联系电话、"
    "传真号码等相关内容,为群众提供一个公开渠道和平台"
)
PLANTED = f"""西安市阎良区2018年政府信息公开工作年度报告

发布机构: 西安市阎良区人民政府办公室 发布日期: 2019-01-20

2018年,阎良区按照省、市政务公开工作要点,扎实推进政府信息公开工作。

一、主动公开政府信息情况

全年通过区政府门户网站主动公开各类政府信息3120条,编印政府公报4期。

二、依申请公开政府信息的开展情况

新修订了《阎良区依申请公开政府信息管理办法》,{SHARED}。2018年度受理依申请公开5件,已全部办结。由于我们认真及时做到了重要信息、重要法律法规主动公开,依申请公开信息较少,同时也未向依申请公开申请人收取任何费用,按时办结率100%,群众满意率98%以上。

三、存在的问题和改进措施

信息更新不够及时,下一步将加强培训。
"""


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Engine, str]:
    """The samples plus a report of another agency that copies the seed paragraph with a few
    words changed; (engine, index path)."""
    from index.writer import ingest

    root = tmp_path_factory.mktemp("planted")
    corpus = root / "corpus"
    shutil.copytree(SAMPLES, corpus)
    (corpus / "yanliang-2018-ndbg.txt").write_text(PLANTED, encoding="utf-8")
    stats = ingest([str(corpus)], str(root / "index"))
    assert not stats.failed, stats.failed
    return engine_at(str(root / "index")), str(root / "index")


def seed_passage(engine: Engine) -> dict:
    hits = engine.search(f'"{SEED_TEXT}"', limit=5)["hits"]
    assert len(hits) == 1, "the seed paragraph is in one sample report"
    return hits[0]


# -- trend ---------------------------------------------------------------------------------------
TREND_QUERIES = [
    ("依申请公开", {}),
    ("主动公开 OR 政务公开", {}),
    ("政务公开", {"section": "改进计划"}),
    ("收费 year:2012-2017", {}),
    ("依申请公开", {"agency": "西安市"}),
]
REAL_TREND_QUERIES = [("改革开放", {}), ('"一带一路"', {}), ("扶贫 -精准", {"year": "1990-2025"})]


def check_trend_against_search(engine: Engine, q: str, kw: dict) -> None:
    res = trend(engine, q, **kw)
    by_year = {r["year"]: r["reports"] for r in res["rows"] if r["reports"]}
    assert by_year == facet(engine.search(q, limit=0, **kw), "year")
    assert res["reports"] == engine.search(q, limit=0, **kw)["reports"]


def brute_force_totals(engine: Engine, agency: str | None = None) -> Counter:
    """Reports per year from `reports()`, optionally of agencies containing `agency`."""
    return Counter(
        r["year"]
        for r in engine.reports()["reports"]
        if agency is None or normalize(agency) in normalize(r["agency"])
    )


@pytest.mark.parametrize(("q", "kw"), TREND_QUERIES)
def test_trend_per_year_counts_equal_the_year_facet_of_search(samples, q, kw):
    check_trend_against_search(samples, q, kw)


def test_trend_shares_are_matching_over_all_reports_of_the_year(samples):
    res = trend(samples, "依申请公开")
    totals = brute_force_totals(samples)
    assert {r["year"]: r["all_reports"] for r in res["rows"]} == dict(totals)
    assert res["all_reports"] == len(samples.reports()["reports"])
    for r in res["rows"]:
        assert r["share"] == pytest.approx(r["reports"] / totals[r["year"]])
    years = [r["year"] for r in res["rows"]]
    assert years == sorted(years) and 0 < res["reports"] < res["all_reports"]
    assert any(r["reports"] == 0 for r in res["rows"]), "years without matches are rows too"


def test_trend_share_is_relative_to_the_filtered_reports(samples):
    res = trend(samples, "依申请公开", agency="西安市")
    totals = brute_force_totals(samples, "西安市")
    assert {r["year"]: r["all_reports"] for r in res["rows"]} == dict(totals)
    inline = trend(samples, "依申请公开 agency:西安市")
    assert inline["rows"] == res["rows"]


def test_trend_on_the_real_corpus(real):
    for q, kw in REAL_TREND_QUERIES:
        check_trend_against_search(real, q, kw)
    res = trend(real, "改革开放")
    totals = brute_force_totals(real)
    assert {r["year"]: r["all_reports"] for r in res["rows"]} == dict(totals)
    for r in res["rows"]:
        assert r["share"] == pytest.approx(r["reports"] / totals[r["year"]])
    by_agency = trend(real, "改革开放", by="agency")
    assert {r["agency"]: r["reports"] for r in by_agency["rows"] if r["reports"]} == facet(
        real.search("改革开放", limit=0), "agency"
    )


def test_trend_cli_chart_csv_json_and_png(samples_index, tmp_path):
    png = tmp_path / "trend.png"
    p = run_cli("trend", "依申请公开", "--index", samples_index, "--png", str(png))
    assert p.returncode == 0, p.stderr
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and png.stat().st_size > 10_000
    assert "chart →" in p.stderr
    lines = p.stdout.splitlines()
    assert "reports match" in lines[0]
    assert any("█" in line and "100.0%" in line for line in lines)
    assert any(line.startswith("2017 ") and " 2 / 2 " in line for line in lines)
    rows = read_csv(run_cli("trend", "依申请公开", "--index", samples_index, "--csv").stdout)
    res = cli_json("trend", "依申请公开", "--index", samples_index)
    assert [int(r["year"]) for r in rows] == [r["year"] for r in res["rows"]]
    assert [float(r["share"]) for r in rows] == [r["share"] for r in res["rows"]]
    p = run_cli("trend", "依申请公开", "--by", "agency", "--index", samples_index)
    assert p.returncode == 0 and "share of that agency's reports" in p.stdout


# -- compare -------------------------------------------------------------------------------------
def check_compare(engine: Engine, q: str, **kw) -> dict:
    res = compare(engine, q, limit=0, **kw)
    agencies = [r["group"] for r in res["results"]]
    assert len(agencies) == len(set(agencies)), "exactly one passage per agency"
    expected = facet(engine.search(q, limit=0, **kw), "agency")
    assert set(agencies) == set(expected) and res["groups"] == len(expected)
    for r in res["results"]:
        assert r["agency"] == r["group"] and r["matching_reports"] == expected[r["group"]]
        assert r["citation"] == citation(r)
    scores = [r["score"] for r in res["results"]]
    assert scores == sorted(scores, reverse=True), "groups ordered by their best score"
    return res


def test_compare_gives_each_agency_its_best_passage(samples):
    res = check_compare(samples, "依申请公开")
    # the best passage of each agency is its first hit in the full ranking of `search`
    hits = samples.search("依申请公开", limit=100)["hits"]
    assert len(hits) == samples.search("依申请公开", limit=0)["total"]
    first = {}
    for h in hits:
        first.setdefault(h["agency"], h["passage_id"])
    assert {r["group"]: r["passage_id"] for r in res["results"]} == first
    assert "<mark>依申请公开</mark>" in res["results"][0]["highlight"]
    check_compare(samples, "政务公开 year:2012-2019", section="主动公开")


def test_compare_by_year_and_limit(samples):
    res = compare(samples, "依申请公开", by="year", limit=0)
    years = [r["group"] for r in res["results"]]
    assert len(years) == len(set(years))
    assert set(years) == set(facet(samples.search("依申请公开", limit=0), "year"))
    assert all(r["year"] == r["group"] for r in res["results"])
    # by year: the years in year order (time is the axis); the most relevant when limited
    assert years == sorted(years) and res["order"] == "year"
    best = compare(samples, "依申请公开", by="year", limit=0, order="relevance")["results"]
    assert [r["rank"] for r in best] == list(range(1, len(best) + 1))
    assert sorted(r["group"] for r in best) == years and [r["group"] for r in best] != years
    top3 = compare(samples, "依申请公开", by="year", limit=3)
    assert [r["group"] for r in top3["results"]] == sorted(r["group"] for r in best[:3])
    assert top3["groups"] == res["groups"]
    relevance3 = compare(samples, "依申请公开", by="year", limit=3, order="relevance")
    assert relevance3["results"] == best[:3]


def test_compare_on_the_real_corpus(real):
    res = check_compare(real, "改革开放")
    assert "" in {r["group"] for r in res["results"]}, "reports without an agency are a group"
    check_compare(real, '"依法治国"', year="1990-2025")
    by_year = compare(real, "改革开放", by="year", limit=0)
    years = [r["group"] for r in by_year["results"]]
    assert len(years) == len(set(years))
    # NPC sessions and CPC congresses date every real report now (issue 12): no 年份不详 group
    assert None not in years
    assert set(years) == set(facet(real.search("改革开放", limit=0), "year"))


def test_compare_cli_human_csv_json(samples_index):
    p = run_cli("compare", "依申请公开", "--index", samples_index, "--limit", "3")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "the best passage of each of 12 agencies" not in out or "(top 3 shown)" in out
    assert out.count("段落 ") == 3 and " 1. 西安市高陵区人民政府办公室" in out
    res = cli_json("compare", "依申请公开", "--index", samples_index, "--by", "year")
    rows = read_csv(
        run_cli("compare", "依申请公开", "--index", samples_index, "--by", "year", "--csv").stdout
    )
    assert [r["passage_id"] for r in rows] == [r["passage_id"] for r in res["results"]]
    assert all(r["citation"] and r["text"] for r in rows)


# -- kwic ----------------------------------------------------------------------------------------
def brute_kwic(passages: list[dict], term: str, width: int, keep=lambda f: True) -> dict:
    """(passage_id, offset) → (left, match, right) by scanning every stored passage: find the
    term in the normalized text, map back to the original, cut the context from it."""
    needle = normalize(term)
    out = {}
    for f in passages:
        if not keep(f):
            continue
        text = f["text"]
        flat = "".join(" " if c in "\n\r\t\u3000\x0b\x0c" else c for c in text)
        norm, offsets = normalize_with_offsets(text)
        for i in range(len(norm)):
            if norm.startswith(needle, i):
                a = offsets[i] if offsets else i
                b = offsets[i + len(needle)] if offsets else i + len(needle)
                assert normalize(text[a:b]) == needle
                out[(f["passage_id"], a)] = (
                    flat[max(0, a - width) : a],
                    flat[a:b],
                    flat[b : b + width],
                )
        start = text.find(term)  # and, without any normalization, a plain substring scan
        while start != -1:
            assert (f["passage_id"], start) in out
            start = text.find(term, start + 1)
    return out


def test_kwic_finds_every_occurrence_a_substring_scan_finds(samples):
    passages = all_passages(samples)
    for term in ("依申请公开", "公开", "2017年", "件", "100%"):
        res = kwic(samples, term, width=12)
        got = {
            (r["passage_id"], r["offset"]): (r["left"], r["match"], r["right"])
            for r in res["occurrences"]
        }
        expected = brute_kwic(passages, term, 12)
        assert got == expected, term
        assert res["total"] == len(expected) > 0
        assert res["passages"] == len({pid for pid, _ in expected})


def test_kwic_folds_traditional_and_full_width_and_cuts_context_from_the_original(samples):
    simplified = kwic(samples, "依申请公开", width=8)
    traditional = kwic(samples, "依申請公開", width=8)
    assert traditional["occurrences"] == simplified["occurrences"]
    full_width = kwic(samples, "１００％", width=8)
    assert full_width["total"] == kwic(samples, "100%", width=8)["total"] > 0


def test_kwic_filters_sorting_and_citations(samples):
    passages = all_passages(samples)
    res = kwic(samples, "依申请公开 year:2012-2017", width=6, sort="agency")
    expected = brute_kwic(passages, "依申请公开", 6, lambda f: 2012 <= (f.get("year") or 0) <= 2017)
    assert {(r["passage_id"], r["offset"]) for r in res["occurrences"]} == set(expected)
    assert kwic(samples, "依申请公开", width=6, year="2012-2017")["total"] == res["total"]
    agencies = [r["agency"] for r in res["occurrences"]]
    assert agencies == sorted(agencies)
    by_year = [r["year"] for r in kwic(samples, "依申请公开", sort="year")["occurrences"]]
    assert by_year == sorted(by_year)
    rights = [
        normalize(r["right"]).lstrip()
        for r in kwic(samples, "依申请公开", sort="right")["occurrences"]
    ]
    assert rights == sorted(rights)
    lefts = [
        normalize(r["left"]).rstrip()[::-1]
        for r in kwic(samples, "依申请公开", sort="left")["occurrences"]
    ]
    assert lefts == sorted(lefts)
    one = kwic(samples, "依申请公开")["occurrences"][0]
    assert one["citation"] == cite(samples, one["passage_id"])["citation"]


def test_kwic_on_the_real_corpus(real):
    passages = all_passages(real)
    for term, kw, keep in (
        ("改革开放", {}, lambda f: True),
        ("党", {"year": "1954-1960"}, lambda f: 1954 <= (f.get("year") or 0) <= 1960),
        ("2020年", {}, lambda f: True),
        ("PM2.5", {}, lambda f: True),
        ("5g", {}, lambda f: True),
    ):
        res = kwic(real, term, width=10, **kw)
        got = {
            (r["passage_id"], r["offset"]): (r["left"], r["match"], r["right"])
            for r in res["occurrences"]
        }
        assert got == brute_kwic(passages, term, 10, keep), term
        assert res["total"] > 0, term


def test_kwic_cli_csv_and_aligned_lines(samples_index):
    p = run_cli("kwic", "依申请公开", "--index", samples_index, "--width", "10", "--csv")
    assert p.returncode == 0, p.stderr
    rows = read_csv(p.stdout)
    res = cli_json("kwic", "依申请公开", "--index", samples_index, "--width", "10")
    assert len(rows) == res["total"] == len(res["occurrences"])
    assert [(r["left"], r["match"], r["right"]) for r in rows] == [
        (r["left"], r["match"], r["right"]) for r in res["occurrences"]
    ]
    p = run_cli("kwic", "依申请公开", "--index", samples_index, "--width", "10")
    lines = [line for line in p.stdout.splitlines()[:-2] if " 依申请公开 " in line]
    assert len(lines) == res["total"]
    from search.render.text import cols

    starts = {cols(line[: line.index(" 依申请公开 ")]) for line in lines}
    assert len(starts) == 1, "the matches line up in one column"
    assert f"{res['total']} occurrences of 依申请公开" in p.stdout


# -- export --------------------------------------------------------------------------------------
def test_export_csv_has_every_matching_passage_with_citations(samples_index, samples, tmp_path):
    out = tmp_path / "x.csv"
    p = run_cli("export", "依申请公开", "--index", samples_index, "--output", str(out))
    assert p.returncode == 0, p.stderr
    total = samples.search("依申请公开", limit=0)["total"]
    assert f"exported {total} passages" in p.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(raw.decode("utf-8"))
    assert len(rows) == total and len({r["passage_id"] for r in rows}) == total
    for r in rows:
        c = cite(samples, r["passage_id"])
        assert r["citation"] == c["citation"] and r["text"] == c["text"]
        assert r["agency"] == c["agency"] and r["title"] == c["title"]
    assert [int(r["rank"]) for r in rows] == list(range(1, total + 1))
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_export_jsonl_document_order_and_filters(samples_index, samples):
    p = run_cli(
        "export",
        "公开",
        "--index",
        samples_index,
        "--format",
        "jsonl",
        "--order",
        "document",
        "--year",
        "2012-2017",
    )
    assert p.returncode == 0, p.stderr
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(rows) == samples.search("公开", year="2012-2017", limit=0)["total"]
    assert all(2012 <= r["year"] <= 2017 and r["citation"] for r in rows)
    years = [r["year"] for r in rows]
    assert years == sorted(years, reverse=True)
    for rid in {r["report_id"] for r in rows}:  # passages of a report stay in report order
        order = [p["passage_id"] for p in samples.show(rid)["passages"]]
        mine = [r["passage_id"] for r in rows if r["report_id"] == rid]
        assert mine == [pid for pid in order if pid in set(mine)]


def test_export_streams_the_real_corpus(real_index, real):
    total = real.search("改革", limit=0)["total"]
    assert total > 1000
    exp = export(real, "改革")
    assert exp.total == total
    first = next(exp.rows())
    assert first["rank"] == 1 and first["citation"]
    p = run_cli("export", "改革", "--index", real_index)
    assert p.returncode == 0, p.stderr
    assert len(read_csv(p.stdout)) == total


# -- similar -------------------------------------------------------------------------------------
def test_similar_finds_the_planted_near_copy_and_the_shared_wording(planted):
    engine, _ = planted
    seed = seed_passage(engine)
    res = similar(engine, seed["passage_id"], limit=5)
    assert res["passage"]["passage_id"] == seed["passage_id"]
    top = res["results"][0]
    assert top["agency"] == "西安市阎良区人民政府办公室" and "阎良区" in top["text"]
    assert top["similarity"] > 0.85
    assert all(r["report_id"] != seed["report_id"] for r in res["results"]), "other reports"
    assert any(SHARED in s for s in top["shared"]), top["shared"]
    assert top["shared"][0] in seed["text"] and top["shared"][0] in top["text"]
    assert "".join(t for _, t in top["segments"]) == top["text"]
    differing = "".join(t for kind, t in top["segments"] if kind == "diff")
    assert "阎良" in differing and SHARED not in differing
    sims = [r["similarity"] for r in res["results"]]
    assert sims == sorted(sims, reverse=True)
    assert all(s < 0.6 for s in sims[1:]), "nothing else in the samples is a near copy"
    assert top["citation"] == cite(engine, top["passage_id"])["citation"]


def test_similar_filters_and_cli(planted):
    engine, index = planted
    seed = seed_passage(engine)
    assert similar(engine, seed["passage_id"], agency="阎良区")["results"][0]["agency"] == (
        "西安市阎良区人民政府办公室"
    )
    assert not [
        r
        for r in similar(engine, seed["passage_id"], agency="随县")["results"]
        if "随县" not in r["agency"]
    ]
    assert len(similar(engine, seed["passage_id"], min_similarity=0.8)["results"]) == 1
    p = run_cli("similar", seed["passage_id"][:8], "--index", index, "--limit", "3")
    assert p.returncode == 0, p.stderr
    assert "% similar" in p.stdout and "西安市阎良区人民政府办公室" in p.stdout
    assert re.search(r"shared: \d+ characters", p.stdout)
    res = cli_json("similar", seed["passage_id"], "--index", index, "--limit", "2")
    assert len(res["results"]) == 2 and res["results"][0]["shared"]


def test_similar_on_the_real_corpus_finds_copied_boilerplate(real):
    """The NPC resolutions in the real corpus carry the same public-domain notice: a passage
    of one finds the same words in the other reports, near 100%."""
    hits = real.search('"本作品来自中华人民共和国全国人民代表大会"', limit=100)["hits"]
    assert len(hits) > 5
    res = similar(real, hits[0]["passage_id"], limit=5)
    assert len(res["results"]) == 5
    assert all(r["report_id"] != hits[0]["report_id"] for r in res["results"])
    copies = {h["passage_id"] for h in hits}
    for r in res["results"]:
        assert r["passage_id"] in copies and r["similarity"] > 0.9
        assert "本作品来自中华人民共和国全国人民代表大会" in r["shared"][0]


# -- batch ---------------------------------------------------------------------------------------
BATCH = """# queries for the story
依申请公开

主动公开 OR 政务公开
  # an indented comment
收费 year:2012-2017
"""


def test_batch_matches_individual_searches(samples_index, samples, tmp_path):
    f = tmp_path / "queries.txt"
    f.write_text(BATCH, encoding="utf-8")
    p = run_cli("batch", str(f), "--index", samples_index)
    assert p.returncode == 0, p.stderr
    rows = read_csv(p.stdout)
    queries = ["依申请公开", "主动公开 OR 政务公开", "收费 year:2012-2017"]
    assert list(dict.fromkeys(r["query"] for r in rows)) == queries
    table = defaultdict(dict)
    for r in rows:
        if int(r["reports"]) or r["dimension"] == "all":  # rows with 0 carry the denominator
            table[(r["query"], r["dimension"])][r["value"]] = int(r["reports"])
    for q in queries:
        res = samples.search(q, limit=0)
        assert table[(q, "all")] == {"": res["reports"]}
        assert table[(q, "year")] == {year_label(k): v for k, v in facet(res, "year").items()}
        assert table[(q, "agency")] == {agency_label(k): v for k, v in facet(res, "agency").items()}
        assert table[(q, "section")] == facet(res, "section")
        # the denominators and shares are trend's, year by year
        by_year = {r["value"]: r for r in rows if r["query"] == q and r["dimension"] == "year"}
        for t in trend(samples, q)["rows"]:
            got = by_year[year_label(t["year"])]
            assert (int(got["reports"]), int(got["all_reports"])) == (
                t["reports"],
                t["all_reports"],
            )
            assert float(got["share"]) == round(t["share"], 4)
    with_filter = batch(samples, queries, agency="西安市")
    for q, got in zip(queries, with_filter["queries"], strict=True):
        assert got["reports"] == samples.search(q, agency="西安市", limit=0)["reports"]
    assert next(batch_rows(with_filter))["dimension"] == "all"


def test_batch_reads_stdin_and_rejects_a_bad_line(samples_index, tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    p = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "batch", "-", "--index", samples_index, "--json"],
        input="依申请公开\n",
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["queries"][0]["query"] == "依申请公开"
    f = tmp_path / "bad.txt"
    f.write_text("依申请公开\n# fine\n(未闭合\n公开 year:abc\n主动公开\n", encoding="utf-8")
    p = run_cli("batch", str(f), "--index", samples_index)
    # a bad line is named and skipped; the good ones around it still run; exit 3 at the end
    assert p.returncode == 3, p.stderr
    assert p.stderr.startswith("line 3: ") and "\nline 4: " in p.stderr
    assert [r["query"] for r in read_csv(p.stdout) if r["dimension"] == "all"] == [
        "依申请公开",
        "主动公开",
    ]


# -- citations -----------------------------------------------------------------------------------
def test_citation_format(samples, samples_index):
    seed = seed_passage(samples)
    c = cite(samples, seed["passage_id"])
    assert c["citation"] == (
        "西安市高陵区人民政府办公室《2017年政府信息公开工作年度报告》（2018-01-11），"
        f"“二、依申请公开政府信息的开展情况”，段落 {seed['passage_id']} 来源：{seed['source']}"
    )
    assert seed["source"].endswith("001_8f5cd09c3fcdcd6e.txt")
    p = run_cli("cite", seed["passage_id"][:7], "--index", samples_index)
    assert p.returncode == 0 and p.stdout == c["citation"] + "\n"
    assert (
        cli_json("cite", seed["passage_id"], "--index", samples_index)["citation"] == c["citation"]
    )


def test_citation_prefers_url_and_handles_missing_fields():
    base = {"passage_id": "ab12", "title": "关于《条例》的报告", "agency": "", "heading": ""}
    assert citation({**base, "year": 2015, "source": "a.txt"}) == (
        "《关于〈条例〉的报告》（2015年度），段落 ab12 来源：a.txt"
    )
    assert citation(
        {**base, "published": "2016-01-02", "url": "http://x.gov.cn/1", "source": "s"}
    ) == ("《关于〈条例〉的报告》（2016-01-02），段落 ab12 来源：http://x.gov.cn/1")


def test_citation_shows_percent_encoded_page_names_as_characters(real):
    hit = real.search('"本作品来自中华人民共和国全国人民代表大会"', limit=1)["hits"][0]
    assert "%E" in hit["url"]
    c = cite(real, hit["passage_id"])["citation"]
    assert c.endswith(f"来源：https://zh.wikisource.org/wiki/{hit['title']}") and "%" not in c
    assert readable_url("http://x.cn/a%20b/%E5%86%B3?q=%2F") == "http://x.cn/a%20b/决?q=%2F"
    assert readable_url("http://x.cn/%E5%86") == "http://x.cn/%E5%86", "broken UTF-8 stays"


def test_every_tool_carries_the_same_citation(planted):
    engine, _ = planted
    seed = seed_passage(engine)
    expected = cite(engine, seed["passage_id"])["citation"]
    found = [r for r in compare(engine, f'"{SEED_TEXT}"')["results"]]
    found += [r for r in kwic(engine, SEED_TEXT)["occurrences"]]
    found += [r for r in export(engine, f'"{SEED_TEXT}"').rows()]
    found += [similar(engine, seed["passage_id"])["passage"]]
    assert found and {r["citation"] for r in found} == {expected}


# -- CLI errors ----------------------------------------------------------------------------------
BAD = [
    ("compare", "(未闭合"),
    ("compare", "依申请公开", "--section", "不存在"),
    ("trend", "依申请公开 year:20x"),
    ("kwic", "year:2015"),
    ("kwic", "依申请公开", "--year", "2019-2010"),
    ("export", '"未闭合'),
    ("similar", "nonsense!"),
    ("similar", "0000000000000000"),
    ("cite", "f4d4"),
    ("cite", "ffffffffffffffff"),
]


@pytest.mark.parametrize("args", BAD, ids=[" ".join(a) for a in BAD])
def test_bad_input_is_a_one_line_error_with_exit_2(samples_index, args):
    p = run_cli(*args, "--index", samples_index)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert p.stderr.startswith("error: ") and p.stderr.count("\n") == 1
    assert "Traceback" not in p.stderr and not p.stdout


def test_missing_index_and_bad_options_exit_2(tmp_path, samples_index):
    for cmd in ("compare", "trend", "kwic", "export"):
        p = run_cli(cmd, "依申请公开", "--index", str(tmp_path / "none"))
        assert p.returncode == 2 and "no index at" in p.stderr
    assert run_cli("compare", "x", "--by", "region", "--index", samples_index).returncode == 2
    assert run_cli("export", "x", "--format", "xlsx", "--index", samples_index).returncode == 2
    assert run_cli("batch", str(tmp_path / "missing.txt"), "--index", samples_index).returncode == 2


def test_empty_results_are_not_errors(samples_index):
    for args in (
        ("compare", "不存在的词语组合"),
        ("kwic", "不存在的词语组合"),
        ("trend", "不存在的词语组合"),
    ):
        p = run_cli(*args, "--index", samples_index)
        assert p.returncode == 0, p.stderr
    assert cli_json("compare", "不存在的词语组合", "--index", samples_index)["results"] == []


# -- the HTTP router -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def api(planted):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from search.web.app import create_app

    engine, _ = planted
    app = create_app(engine=engine)  # the app over an engine already open
    return TestClient(app), engine


def test_api_serves_the_same_results_as_the_library(api):
    """The same results, but for source files: the web names them by file name alone."""
    from search.web.formats import public

    client, engine = api
    r = client.get("/api/compare", params={"q": "依申请公开", "limit": 0})
    assert r.status_code == 200 and r.json() == public(compare(engine, "依申请公开", limit=0))
    r = client.get("/api/trend", params={"q": "依申请公开", "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert len(read_csv(r.text)) == len(trend(engine, "依申请公开")["rows"])
    r = client.get("/api/trend", params={"q": "依申请公开", "format": "png"})
    assert r.headers["content-type"] == "image/png" and r.content.startswith(b"\x89PNG")
    r = client.get("/api/kwic", params={"term": "依申请公开", "width": 5})
    assert r.json()["total"] == kwic(engine, "依申请公开", width=5)["total"]
    seed = seed_passage(engine)
    r = client.get(f"/api/similar/{seed['passage_id']}", params={"limit": 1})
    assert r.json()["results"][0]["agency"] == "西安市阎良区人民政府办公室"
    r = client.get(f"/api/cite/{seed['passage_id']}")
    assert r.json()["citation"] == public(cite(engine, seed["passage_id"]))["citation"]
    assert r.json()["citation"].endswith("来源：" + Path(seed["source"]).name)


def test_api_export_streams_everything(api):
    client, engine = api
    total = engine.search("公开", limit=0)["total"]
    r = client.get("/api/export", params={"q": "公开"})
    assert r.status_code == 200 and r.headers["x-total-count"] == str(total)
    assert len(read_csv(r.text)) == total
    r = client.get("/api/export", params={"q": "公开", "format": "jsonl", "order": "document"})
    assert len(r.text.splitlines()) == total


def test_api_errors_are_json(api):
    client, _ = api
    r = client.get("/api/compare", params={"q": "(未闭合"})
    assert r.status_code == 400 and "unbalanced" in r.json()["error"]
    r = client.get("/api/similar/ffffffffffffffff")
    assert r.status_code == 404 and "no passage" in r.json()["error"]
    r = client.get("/api/cite/../../etc")
    assert r.status_code == 404
    r = client.get("/api/kwic", params={"term": "year:2015"})
    assert r.status_code == 400
