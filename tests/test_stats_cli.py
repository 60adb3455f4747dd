"""`stats`: the standard tables' figures ranked, compared and exported. Every figure the
command prints is recomputed here, independently, from what `reports --json` says each report
holds: the ranking, the rates, the change on the year before, the sums that leave a missing
figure out (never as 0), the checks and the long CSV.

The index holds tables built from the official labels (test_stats.py), one with a review total
printed 0 beside its outcomes, one with an empty 新收 总计 cell, beside the real reports."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import defaultdict

import pytest
from conftest import ROOT, cli_json, run_cli
from test_stats import all_tables_html, consistent_figures

from corpus.stats import REFUSED, REVIEW_GROUPS

REALREPORTS = ROOT.parent / "shared" / "realreports"
EMPTY = 987_654  # a figure no table holds: its cell is printed empty
MENTION = "最多跑一次"


def report_page(agency: str, year: int, figures: dict, mention: bool) -> str:
    title = f"{agency}{year}年政府信息公开工作年度报告"
    page = all_tables_html("2021", figures).replace(">987654<", "><")
    said = f"本年度深化{MENTION}改革。" if mention else "本年度推进政务公开标准化。"
    head = (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        f"<h2>一、总体情况</h2><p>{said}</p><h2>二、主动公开政府信息情况</h2>"
    )
    return page.replace("<html><body>", head)


# (agency, year, seed, mentions 最多跑一次, what is odd about it)
MADE = [
    ("宁海县人民政府", 2022, 1, True, None),
    ("宁海县人民政府", 2023, 2, True, None),
    ("象山县人民政府", 2023, 3, False, "review total printed 0"),
    ("象山县人民政府", 2022, 4, False, None),
    ("奉化区人民政府", 2023, 5, True, "new requests total empty"),
]


def made_figures(seed: int, odd: str | None) -> dict:
    figures = consistent_figures("2021", seed)
    if odd == "review total printed 0":
        figures["review"]["review"]["total"] = 0
    if odd == "new requests total empty":
        figures["requests"]["new"]["total"] = EMPTY
    return figures


def sources(tmp_path_factory) -> list[str]:
    """Folders to ingest: the reports of MADE, and a copy of the real reports when present."""
    src = tmp_path_factory.mktemp("stats-src")
    for agency, year, seed, mention, odd in MADE:
        page = report_page(agency, year, made_figures(seed, odd), mention)
        (src / f"{agency}{year}.html").write_text(page, encoding="utf-8")
    paths = [str(src)]
    if REALREPORTS.exists():
        real = tmp_path_factory.mktemp("real")
        for f in REALREPORTS.iterdir():
            if f.name != "expect.json":
                shutil.copy(f, real / f.name)
        paths.append(str(real))
    return paths


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> str:
    paths = sources(tmp_path_factory)
    d = str(tmp_path_factory.mktemp("stats-index"))
    p = run_cli("ingest", *paths, "--index", d)
    assert p.returncode in (0, 3), p.stderr  # 3: a format this checkout cannot read yet
    return d


@pytest.fixture(scope="module")
def reports(index) -> list[dict]:
    return cli_json("reports", "--index", index)["reports"]


def fig(stats: dict | None, table: str, row: str, col: str | None = None):
    if not stats:
        return None
    cell = stats[table].get(row, {})  # format 2008 holds only the rows its old table gives
    return cell if col is None else cell.get(col)


def new_total(r: dict):
    return fig(r["stats"], "requests", "new", "total")


def largest_first(value, name):
    return (value is None, -(value or 0), name)


# -- the ranking -------------------------------------------------------------------------------


def test_agencies_ranked_by_their_latest_figure_with_the_change_on_the_year_before(index, reports):
    res = cli_json("stats", "--index", index)
    assert res["metric"] == "requests.new.total" and res["by"] == "agency"
    # independently: each agency's latest report with tables, and its report of the year before
    latest: dict[str, dict] = {}
    by_year = {(r["agency"], r["year"]): r for r in reports if r["stats"]}
    for r in reports:
        if r["stats"] and (r["agency"] not in latest or r["year"] > latest[r["agency"]]["year"]):
            latest[r["agency"]] = r
    want = sorted(latest.values(), key=lambda r: largest_first(new_total(r), r["agency"]))
    assert [row["agency"] for row in res["rows"]] == [r["agency"] for r in want]
    assert [row["rank"] for row in res["rows"]] == list(range(1, len(want) + 1))
    for row, r in zip(res["rows"], want, strict=True):
        assert (row["year"], row["value"], row["report_ids"]) == (
            r["year"],
            new_total(r),
            [r["report_id"]],
        )
        before = by_year.get((r["agency"], r["year"] - 1))
        assert row["previous"] == (new_total(before) if before else None)
        if before and new_total(r) is not None and new_total(before) is not None:
            assert row["change"] == new_total(r) - new_total(before)
            assert row["change_pct"] == pytest.approx(row["change"] / new_total(before), abs=1e-6)
        else:
            assert row["change"] is None
    ninghai = next(row for row in res["rows"] if row["agency"] == "宁海县人民政府")
    assert ninghai["previous_year"] == 2022 and ninghai["change"] is not None
    assert [c["year"] for c in ninghai["years"]] == [2022, 2023]


def test_a_rate_is_its_parts_summed_and_sort_by_rate_ranks_by_it(index, reports):
    res = cli_json("stats", "--index", index, "--rate", "refused", "--sort", "rate")
    by_id = {r["report_id"]: r for r in reports}
    rates = []
    for row in res["rows"]:
        (rid,) = row["report_ids"]
        s = by_id[rid]["stats"]
        refused = [fig(s, "requests", k, "total") for k in REFUSED]
        if s["format"] == "2008":  # the old table prints every refusal as one row: 否决公开
            refused = [s["table_2008"]["replies_refused"]["year"]]
        handled = fig(s, "requests", "total", "total")
        assert None not in refused and handled
        assert row["rate"]["numerator"] == sum(refused)
        assert row["rate"]["denominator"] == handled
        assert row["rate"]["value"] == pytest.approx(sum(refused) / handled, abs=1e-6)
        rates.append(row["rate"]["value"])
    assert rates == sorted(rates, reverse=True)

    corrected = cli_json("stats", "--index", index, "--rate", "corrected")
    for row in corrected["rows"]:
        s = by_id[row["report_ids"][0]]["stats"]
        if s["format"] == "2008":  # 行政复议数 / 行政诉讼数 only: no outcomes, no rate
            assert row["rate"]["value"] is None
            continue
        num = sum(s[g]["corrected"] for g in REVIEW_GROUPS)
        den = sum(s[g]["total"] for g in REVIEW_GROUPS)  # as printed, the 0 too
        assert (row["rate"]["numerator"], row["rate"]["denominator"]) == (num, den)


def test_by_year_sums_the_reports_that_give_the_figure_and_counts_the_rest(index, reports):
    res = cli_json("stats", "--index", index, "--by", "year")
    per_year = defaultdict(list)
    for r in reports:
        if r["stats"]:
            per_year[r["year"]].append(new_total(r))
    assert [row["year"] for row in res["rows"]] == sorted(per_year)
    for row in res["rows"]:
        values = per_year[row["year"]]
        known = [v for v in values if v is not None]
        assert row["reports"] == len(values)
        assert row["missing"] == len(values) - len(known)
        assert row["value"] == (sum(known) if known else None)
    y2023 = next(row for row in res["rows"] if row["year"] == 2023)
    assert y2023["missing"] == 1  # 奉化区's empty cell: left out, not added as 0
    y2022 = next(row for row in res["rows"] if row["year"] == 2022)
    assert y2023["previous"] == y2022["value"]
    assert y2023["change"] == y2023["value"] - y2022["value"]


def test_by_year_runs_from_the_old_table_to_the_standard_ones(index, reports):
    """One series across formats: the 2008-era 统计表 (2011, 2013) and the standard tables,
    each row saying which formats it sums, and a note where the figure's meaning changed."""
    if not REALREPORTS.exists():
        pytest.skip(f"real reports not found at {REALREPORTS}")
    res = cli_json("stats", "--index", index, "--by", "year")
    formats = {row["year"]: row["formats"] for row in res["rows"]}
    assert formats[2011] == ["2008"] and formats[2013] == ["2008"]
    assert formats[2023] == ["2021"]
    old = [r for r in reports if r["stats"] and r["stats"]["format"] == "2008"]
    assert res["formats"]["2008"] == len(old) == 2
    y2013 = next(row for row in res["rows"] if row["year"] == 2013)
    assert y2013["value"] == 7  # 受理依申请公开信息总数, 本年度
    (note,) = res["format_notes"]
    assert "2011–2013" in note and "受理依申请公开信息总数" in note
    text = run_cli("stats", "--index", index, "--by", "year").stdout
    head = next(line for line in text.splitlines() if line.lstrip().startswith("#"))
    assert head.rstrip().endswith("format")
    assert "format: 2011–2013" in text
    # a figure only the old table has: its own key, 历年累计 beside 本年度
    cum = cli_json(
        "stats", "--index", index, "--by", "year", "--metric", "table_2008.requests.cumulative"
    )
    assert {row["year"]: row["value"] for row in cum["rows"] if row["value"] is not None} == {
        2011: 0,
        2013: 28,
    }
    assert cum["format_notes"] == []


def test_a_missing_figure_is_never_a_zero(index):
    res = cli_json("stats", "--index", index)
    fenghua = next(row for row in res["rows"] if row["agency"] == "奉化区人民政府")
    assert fenghua["value"] is None and fenghua["missing"] == 1
    assert fenghua["rank"] == len(res["rows"])  # unknown ranks last, not as the smallest
    assert res["coverage"]["missing"] == 1
    text = run_cli("stats", "--index", index).stdout
    assert "1 of the reports with tables do not give this figure (null)" in text
    line = next(line for line in text.splitlines() if "奉化区人民政府" in line)
    assert " — " in line and " 0 " not in line


# -- checks --------------------------------------------------------------------------------------


def test_printed_totals_that_disagree_with_their_parts_are_shown(index, reports):
    xiangshan = next(r for r in reports if r["agency"] == "象山县人民政府" and r["year"] == 2023)
    seed_figures = made_figures(3, None)["review"]["review"]
    parts = sum(seed_figures[o] for o in ("upheld", "corrected", "other", "pending"))
    res = cli_json("stats", "--index", index)
    assert {
        "report_id": xiangshan["report_id"],
        "agency": "象山县人民政府",
        "year": 2023,
        "title": xiangshan["title"],
        "rule": "review.total = upheld + corrected + other + pending",
        "printed": 0,
        "computed": parts,
    } in res["checks"]
    assert res["checks"] == [
        {**{k: r[k] for k in ("report_id", "agency", "year", "title")}, **c}
        for r in reports
        if r["stats"]
        for c in r["stats"]["checks"]
    ]
    row = next(row for row in res["rows"] if row["agency"] == "象山县人民政府")
    assert row["checks"] == 1
    text = run_cli("stats", "--index", index).stdout.splitlines()
    assert any("象山县人民政府" in line and "! 1 check(s)" in line for line in text)
    warn = text.index(f"! {len(res['checks'])} printed total(s) disagree with their parts:")
    assert any(
        f"review.total = upheld + corrected + other + pending: printed 0, parts add up to {parts}"
        in line
        for line in text[warn:]
    )


# -- the long CSV --------------------------------------------------------------------------------


def test_csv_is_every_figure_in_long_form_then_the_checks(index, reports):
    p = run_cli("stats", "--index", index, "--csv")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("\ufeffreport_id,agency,year,format,table,row,column,value\n")
    rows = list(csv.DictReader(io.StringIO(p.stdout.lstrip("\ufeff"))))
    got = {(r["report_id"], r["table"], r["row"], r["column"]): r["value"] for r in rows}
    want = {}
    for r in reports:
        s = r["stats"]
        if not s:
            continue
        cells = [("active", row, c, v) for row, cs in s["active"].items() for c, v in cs.items()]
        cells += [
            ("requests", row, c, v) for row, cs in s["requests"].items() for c, v in cs.items()
        ]
        cells += [("review", g, c, v) for g in REVIEW_GROUPS for c, v in s[g].items()]
        cells += [
            ("table_2008", row, c, cs[c])
            for row, cs in (s.get("table_2008") or {}).items()
            for c in ("year", "cumulative")
        ]
        cells += [
            ("checks", k["rule"], c, k[c]) for k in s["checks"] for c in ("printed", "computed")
        ]
        for table, row, col, v in cells:
            want[(r["report_id"], table, row, col)] = "" if v is None else str(v)
    assert got == want
    assert len(rows) == len(want)  # nothing twice
    fmt = {r["report_id"]: r["stats"]["format"] for r in reports if r["stats"]}
    assert all(row["format"] == fmt[row["report_id"]] for row in rows)
    empty = [r for r in rows if r["agency"] == "奉化区人民政府" and r["row"] == "new"]
    assert {r["column"]: r["value"] for r in empty}["total"] == ""  # empty, not 0
    assert rows[-1]["table"] == "checks"


# -- a query narrows the reports ----------------------------------------------------------------------


def test_a_query_narrows_to_the_reports_that_mention_it(index, reports):
    res = cli_json("stats", MENTION, "--index", index)
    found = cli_json("search", MENTION, "--index", index, "--limit", "100")
    mentioning = {h["report_id"] for h in found["hits"]}
    assert res["coverage"]["matched"] == found["reports"] == len(mentioning)
    listed = {i for row in res["rows"] for c in row["years"] for i in c["report_ids"]}
    listed |= {u["report_id"] for u in res["unread"]}
    assert listed == mentioning
    assert {row["agency"] for row in res["rows"]} == {"宁海县人民政府", "奉化区人民政府"}
    only = cli_json("stats", "--index", index, "--agency", "象山", "--year", "2023")
    assert [(row["agency"], row["year"]) for row in only["rows"]] == [("象山县人民政府", 2023)]
    # the year before comes from the agency's own report, whatever the filters selected
    before = next(r for r in reports if r["agency"] == "象山县人民政府" and r["year"] == 2022)
    assert only["rows"][0]["previous"] == new_total(before)


def test_any_figure_of_the_schema_can_be_ranked(index, reports):
    res = cli_json("stats", "--index", index, "--metric", "litigation.total", "--sort", "name")
    by_id = {r["report_id"]: r for r in reports}
    assert [row["agency"] for row in res["rows"]] == sorted(row["agency"] for row in res["rows"])
    for row in res["rows"]:
        s = by_id[row["report_ids"][0]]["stats"]
        if s["format"] == "2008":  # 行政诉讼数: every lawsuit, printed as one row
            assert row["value"] == s["table_2008"]["litigation"]["year"]
            continue
        assert (
            row["value"] == s["litigation_direct"]["total"] + s["litigation_after_review"]["total"]
        )
    assert res["metric_label"] == "行政诉讼（合计） · 总计"
    fees = cli_json("stats", "--index", index, "--metric", "active.fees.amount")
    for row in fees["rows"]:
        s = by_id[row["report_ids"][0]]["stats"]
        # the old table has no 行政事业性收费 row: null, never 0
        assert isinstance(row["value"], int | float) or (
            s["format"] == "2008" and row["value"] is None
        )


def test_a_metric_that_does_not_exist_is_a_usage_error_listing_the_valid_ones(index):
    p = run_cli("stats", "--index", index, "--metric", "requests.new.totl")
    assert p.returncode == 2
    assert p.stderr.startswith("error: no metric 'requests.new.totl'; valid metrics:")
    for word in (
        "requests.ROW.COL",
        "carried_forward",
        "litigation_after_review",
        "active.fees.amount",
    ):
        assert word in p.stderr
    assert "Traceback" not in p.stderr and p.stdout == ""
    bad = run_cli("stats", "--index", index, "--sort", "rate")
    assert bad.returncode == 2 and "needs --rate" in bad.stderr
    assert run_cli("stats", "(", "--index", index).returncode == 2


# -- the real reports ---------------------------------------------------------------------------------


def test_the_real_reports_figures_come_out_as_hand_read(index, reports):
    if not REALREPORTS.exists():
        pytest.skip(f"real reports not found at {REALREPORTS} (they sit beside the checkout)")
    expect = {e["file"]: e for e in json.loads((REALREPORTS / "expect.json").read_text("utf-8"))}
    real = {r["source"].rsplit("/", 1)[-1]: r for r in reports}
    real = {name: r for name, r in real.items() if expect.get(name, {}).get("stats")}
    assert set(real) == {
        "04-2024-pingtan-syq.html",
        "08-pingtan-2023.txt",
        "03-huaian-shi-2024.pdf",
    }
    metrics = {
        "new_requests_total": "requests.new.total",
        "granted_total": "requests.granted.total",
        "review_total": "review.total",
        "litigation_total": "litigation.total",
    }
    for key, metric in metrics.items():
        res = cli_json("stats", "--index", index, "--metric", metric)
        cells = {
            i: c["value"] for row in res["rows"] for c in row["years"] for i in c["report_ids"]
        }
        for name, r in real.items():
            assert cells[r["report_id"]] == expect[name]["stats"][key], (name, key)
    # the 2024 report ranked against its own 2023 report: 218 new requests after 81
    res = cli_json("stats", "平潭", "--index", index)
    pingtan = [row for row in res["rows"] if row["year"] == 2024 and row["value"] == 218]
    assert pingtan and pingtan[0]["previous"] == 81 and pingtan[0]["change"] == 137


def test_the_sample_corpus(samples_index):
    res = cli_json("stats", "--index", samples_index, "--by", "year", "--rate", "granted")
    cov = res["coverage"]
    assert cov["matched"] == len(cli_json("reports", "--index", samples_index)["reports"])
    assert cov["with_tables"] + cov["without_tables"] == cov["matched"]
    assert cov["with_tables"] == sum(1 for row in res["rows"] for _ in range(row["reports"]))
    assert len(res["unread"]) == cov["without_tables"]
    text = run_cli("stats", "--index", samples_index).stdout
    assert (
        f"{cov['matched']} reports selected: {cov['with_tables']} with readable statistics tables"
        in text
    )


def test_png_chart(index, tmp_path):
    out = tmp_path / "stats.png"
    p = run_cli("stats", "--index", index, "--by", "year", "--rate", "refused", "--png", str(out))
    assert p.returncode == 0, p.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    shown = ROOT / "tests" / "output"
    shown.mkdir(exist_ok=True)
    shutil.copy(out, shown / "stats-by-year.png")  # to look at
    bad = run_cli("stats", "--index", index, "--png", str(tmp_path / "no" / "such" / "x.png"))
    assert bad.returncode == 2 and bad.stderr.startswith("error: cannot write")
