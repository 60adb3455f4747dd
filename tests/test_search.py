"""The query layer over a real on-disk index: language, ranking, facets, highlights."""

import json
import random
import re

import pytest
from conftest import SAMPLES

from index.normalize import normalize
from index.writer import ingest
from search.engine import Engine
from search.query import QueryError

DOCS = {
    "a.txt": "甲市2015年政府信息公开工作年度报告\n一、主动公开情况\n本年度主动公开政府信息1200条，推行最多跑一次改革。\n"
    "二、依申请公开情况\n收到依申请公开申请30件，全部按时答复。\n三、存在问题\n信息公开不及时。",
    "b.txt": "乙县2016年政府信息公开工作年度报告\n一、主动公开情况\n全面推进一网通办，主动公开文件300件。\n"
    "二、依申请公开情况\n本年度未收到依申请公开申请。\n三、行政复议和行政诉讼情况\n无行政复议。",
    "c.txt": "丙区2016年政务公开工作总结\n一、组织领导\n成立政务公开领导小组。\n二、平台建设\n"
    "升级政府网站，开通政务微信，推行最多跑一次和一网通办。",
    "d.txt": "丁镇2017年政府信息公开工作报告\n一、主动公开\n公开<script>alert(1)</script>财政预算信息。\n"
    "二、宣传培训\n举办培训班3次。",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    src = tmp_path_factory.mktemp("docs")
    for name, text in DOCS.items():
        (src / name).write_text(text, encoding="utf-8")
    d = str(tmp_path_factory.mktemp("ix"))
    stats = ingest([str(src)], d)
    assert stats.ingested == 4 and not stats.failed
    return Engine(d)


def agencies(res):
    return {h["agency"] for h in res["hits"]}


def test_words_are_all_required(engine):
    both = engine.search("最多跑一次 一网通办")
    assert both["total"] >= 1
    assert all("最多跑一次" in h["text"] and "一网通办" in h["text"] for h in both["hits"])
    assert agencies(both) == {"丙区"}


def test_or_and_not(engine):
    either = engine.search("最多跑一次 OR 一网通办")
    assert agencies(either) == {"甲市", "乙县", "丙区"}
    without = engine.search("一网通办 -最多跑一次")
    assert agencies(without) == {"乙县"}
    assert engine.search("一网通办 NOT 最多跑一次")["total"] == without["total"]


def test_grouping(engine):
    res = engine.search("(最多跑一次 OR 一网通办) 政府网站")
    assert agencies(res) == {"丙区"}


def test_quoted_phrase_is_exact(engine):
    assert engine.search('"依申请公开申请"')["reports"] == 2
    # the same characters in another order do not match a phrase
    assert engine.search('"申请公开依"')["total"] == 0


def test_inline_filters_equal_option_filters(engine):
    inline = engine.search("依申请公开 year:2016")
    option = engine.search("依申请公开", year="2016")
    assert inline["total"] == option["total"] == 1
    assert agencies(inline) == {"乙县"} and {h["year"] for h in inline["hits"]} == {2016}
    assert engine.search("主动公开 year:2015-2016")["reports"] == 2
    assert agencies(engine.search("公开 agency:乙县")) == {"乙县"}
    sec = engine.search("section:依申请公开")
    assert sec["hits"] and {h["section"] for h in sec["hits"]} == {"依申请公开"}


@pytest.mark.parametrize(
    "bad",
    [
        '"unclosed',
        "(一网通办",
        "一网通办)",
        "OR 一网通办",
        "一网通办 OR",
        "year:abc",
        "year:2016-2010",
        "section:不存在",
        "-",
        "NOT",
        "()",
        "x" * 501,
    ],
)
def test_malformed_queries_raise_one_line_errors(engine, bad):
    with pytest.raises(QueryError) as e:
        engine.search(bad)
    assert "\n" not in str(e.value) and str(e.value)


def test_highlight_marks_terms_and_escapes_everything_else(engine):
    res = engine.search("财政预算")
    [hit] = res["hits"]
    assert "<mark>财政预算</mark>" in hit["highlight"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit["highlight"]
    assert "<script>" not in hit["highlight"]
    assert re.sub(r"</?mark>", "", hit["highlight"]).count("<") == 0


def test_substring_recall_like_grep(engine):
    # 务公 cuts across jieba's words (政务|公开) and is still found, as grep would.
    res = engine.search('"务公"')
    assert res["total"] >= 1 and all("务公" in h["text"] for h in res["hits"])


def test_whole_word_ranks_above_partial(tmp_path):
    (tmp_path / "src").mkdir()
    # 开工 is a word in 项目开工建设 but only straddles 公开|工作 in 推进公开工作.
    (tmp_path / "src/part.txt").write_text("己市2018年报告\n我们推进公开工作。", encoding="utf-8")
    (tmp_path / "src/whole.txt").write_text("戊市2018年报告\n重点项目开工建设。", encoding="utf-8")
    ingest([str(tmp_path / "src")], str(tmp_path / "ix"))
    res = Engine(str(tmp_path / "ix")).search("开工")
    assert [h["agency"] for h in res["hits"]] == ["戊市", "己市"]


def test_per_report_caps_and_paging(samples_engine):
    capped = samples_engine.search("政务公开", per_report=1, limit=50)
    ids = [h["report_id"] for h in capped["hits"]]
    assert len(ids) == len(set(ids)) == capped["reports"]
    full = samples_engine.search("政务公开", limit=30)
    page2 = samples_engine.search("政务公开", limit=10, offset=10)
    assert [h["passage_id"] for h in page2["hits"]] == [
        h["passage_id"] for h in full["hits"][10:20]
    ]
    scores = [h["score"] for h in full["hits"]]
    assert scores == sorted(scores, reverse=True)


def brute_force_facets(engine, needle):
    """Count, by scanning every stored passage, the reports containing `needle`."""
    s, _ = engine.searcher()
    matching = [
        f
        for f in s.all_stored_fields()
        if f.get("text") and normalize(needle) in normalize(f["text"])
    ]
    reports = {f["report_id"]: f for f in matching}
    by_agency, by_year, by_section = {}, {}, {}
    for f in reports.values():
        by_agency[f["agency"]] = by_agency.get(f["agency"], 0) + 1
        by_year[f["year"] or None] = by_year.get(f["year"] or None, 0) + 1
    for _rid, sec in {(f["report_id"], f["section"]) for f in matching}:
        by_section[sec] = by_section.get(sec, 0) + 1
    return len(matching), len(reports), by_agency, by_year, by_section


@pytest.mark.parametrize("term", ["依申请公开", "政务公开", "培训", "最多跑一次", "监督"])
def test_facets_are_exact_against_a_brute_force_scan(samples_engine, term):
    res = samples_engine.search(f'"{term}"', limit=0)
    total, reports, by_agency, by_year, by_section = brute_force_facets(samples_engine, term)
    assert res["total"] == total
    assert res["reports"] == reports
    assert {d["value"]: d["count"] for d in res["facets"]["agency"]} == by_agency
    assert {d["value"]: d["count"] for d in res["facets"]["year"]} == by_year
    assert {d["value"]: d["count"] for d in res["facets"]["section"]} == by_section


def test_any_substring_of_a_passage_finds_it(samples_engine):
    """Recall no worse than grep: random runs of 2–8 Chinese characters, quoted."""
    s, _ = samples_engine.searcher()
    passages = [
        f for f in s.all_stored_fields() if re.search(r"[\u4e00-\u9fff]{2}", f.get("text", ""))
    ]
    rnd = random.Random(2024)
    for _ in range(60):
        f = rnd.choice(passages)
        runs = [m.group(0) for m in re.finditer(r"[\u4e00-\u9fff]{2,}", f["text"])]
        run = rnd.choice(runs)
        n = rnd.randint(2, min(8, len(run)))
        i = rnd.randint(0, len(run) - n)
        piece = run[i : i + n]
        res = samples_engine.search(f'"{piece}"', limit=100)
        assert f["passage_id"] in {h["passage_id"] for h in res["hits"]} or res["total"] > 100, (
            piece
        )


def test_filters_only_lists_passages(samples_engine):
    res = samples_engine.search("", section="改进计划", limit=100)
    assert res["total"] > 0 and {h["section"] for h in res["hits"]} == {"改进计划"}


def test_reports_and_show(samples_engine):
    rows = samples_engine.reports()["reports"]
    assert len(rows) == len(list(SAMPLES.glob("*.*"))) - 0 or len(rows) >= 5
    r = next(r for r in rows if r["agency"] == "哈尔滨市平房区")
    shown = samples_engine.show(r["report_id"])
    assert shown["report"] == r
    assert len(shown["passages"]) == r["passages"]
    assert shown["passages"][0]["section"] == "总体情况"
    assert {p["section"] for p in shown["passages"]} == set(r["sections"])


def test_phrase_ending_in_a_lone_character_next_to_digits(tmp_path):
    # "2017年" is a run of digits plus one CJK character; in the text 年 starts the run 年度.
    (tmp_path / "src").mkdir()
    (tmp_path / "src/a.txt").write_text("庚县2017年度报告\n2017年度受理申请5件。", encoding="utf-8")
    (tmp_path / "src/b.txt").write_text("辛县2018年度报告\n截至度2017止，共3件。", encoding="utf-8")
    ingest([str(tmp_path / "src")], str(tmp_path / "ix"))
    e = Engine(str(tmp_path / "ix"))

    def files(q):
        return {h["source"].rsplit("/", 1)[-1] for h in e.search(q)["hits"]}

    assert files('"2017年"') == {"a.txt"}
    assert files('"度2017"') == {"b.txt"}
    assert e.search('"2017年度受理"')["total"] == 1
    assert e.search('"2017年受理"')["total"] == 0


def test_equal_scores_rank_the_same_whatever_order_the_files_went_in(tmp_path):
    """Two copies of a report score alike passage for passage. Ingested a-then-b into one
    index and b-then-a into another, their documents get opposite docnums; the ranking and the
    per-report cap must not change with that (ties go newest report first, then by agency,
    report and reading order)."""
    src = tmp_path / "src"
    src.mkdir()
    text = DOCS["a.txt"] + "\n" + DOCS["c.txt"]
    for name in ("copy1.txt", "copy2.txt", "other.txt"):
        (src / name).write_text(text if name.startswith("copy") else DOCS["b.txt"], "utf-8")
    # The same text from two agencies (a sidecar names each): two reports. Copies of one report
    # would be one report (issue 12), so the two get an agency each to stay two.
    for name, agency in (("copy1", "甲县人民政府"), ("copy2", "乙县人民政府")):
        (src / f"{name}.json").write_text(
            json.dumps({"agency": agency}, ensure_ascii=False), "utf-8"
        )
    results = []
    for order in (("copy1.txt", "other.txt", "copy2.txt"), ("copy2.txt", "other.txt", "copy1.txt")):
        d = str(tmp_path / "-".join(order))
        for name in order:  # one commit each: docnums follow this order
            assert ingest([str(src / name)], d).ingested == 1
        eng = Engine(d)
        results.append(
            [
                [(h["passage_id"], h["score"]) for h in eng.search(q, limit=20)["hits"]]
                for q in ("公开", "最多跑一次 OR 依申请公开", "政务")
            ]
            + [[h["report_id"] for h in eng.search("公开", per_report=1)["hits"]]]
        )
        eng.close()
    assert results[0] == results[1]
    scores = [s for _pid, s in results[0][0]]
    assert len(scores) > len(set(scores)), "the copies must tie, or this tests nothing"


@pytest.mark.parametrize(
    "bad, says",
    [("一网通办 (", "unbalanced '('"), ("(", "unbalanced '('"), ("( )", "empty parentheses")],
)
def test_an_open_parenthesis_at_the_end_is_called_unbalanced_not_empty(engine, bad, says):
    with pytest.raises(QueryError, match=re.escape(says)):
        engine.search(bad)
