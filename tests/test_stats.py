"""The standard tables (二/三/四 of the 2019 and 2021 national formats) read into the fixed
schema: tables built here from the official labels — laid out with random rowspans and colspans,
reworded, as markdown, space-separated text and flattened digit runs — and the real reports."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import ROOT, cli_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.stats import (
    ACTIVE,
    OUTCOMES,
    REQUEST_COLS,
    REQUEST_ROWS,
    REVIEW_GROUPS,
    parse_value,
    read_stats,
)
from corpus.tables import expand, html_grids, split_run, text_grids

REALREPORTS = ROOT.parent / "shared" / "realreports"

# -- the official tables, as printed ---------------------------------------------------------------

CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
RESULT = "三、本年度办理结果"
REQUEST_LABELS = {
    "new": ["一、本年新收政府信息公开申请数量"],
    "carried_over": ["二、上年结转政府信息公开申请数量"],
    "granted": [RESULT, "（一）予以公开"],
    "partial": [RESULT, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    "refused_secret": [RESULT, "（三）不予公开", "1.属于国家秘密"],
    "refused_law": [RESULT, "（三）不予公开", "2.其他法律行政法规禁止公开"],
    "refused_safety": [RESULT, "（三）不予公开", "3.危及“三安全一稳定”"],
    "refused_third_party": [RESULT, "（三）不予公开", "4.保护第三方合法权益"],
    "refused_internal": [RESULT, "（三）不予公开", "5.属于三类内部事务信息"],
    "refused_process": [RESULT, "（三）不予公开", "6.属于四类过程性信息"],
    "refused_case_file": [RESULT, "（三）不予公开", "7.属于行政执法案卷"],
    "refused_inquiry": [RESULT, "（三）不予公开", "8.属于行政查询事项"],
    "unable_not_held": [RESULT, "（四）无法提供", "1.本机关不掌握相关政府信息"],
    "unable_needs_creation": [RESULT, "（四）无法提供", "2.没有现成信息需要另行制作"],
    "unable_unclear": [RESULT, "（四）无法提供", "3.补正后申请内容仍不明确"],
    "rejected_complaint": [RESULT, "（五）不予处理", "1.信访举报投诉类申请"],
    "rejected_repeat": [RESULT, "（五）不予处理", "2.重复申请"],
    "rejected_publication": [RESULT, "（五）不予处理", "3.要求提供公开出版物"],
    "rejected_mass": [RESULT, "（五）不予处理", "4.无正当理由大量反复申请"],
    "rejected_confirm": [RESULT, "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"],
    "other_no_correction": [
        RESULT,
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ],
    "other_no_fee": [
        RESULT,
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ],
    "other": [RESULT, "（六）其他处理", "3.其他"],
    "total": [RESULT, "（七）总计"],
    "carried_forward": ["四、结转下年度继续办理"],
}
REQUEST_HEADERS = [
    ["申请人情况", "自然人"],
    ["申请人情况", "法人或其他组织", "商业企业"],
    ["申请人情况", "法人或其他组织", "科研机构"],
    ["申请人情况", "法人或其他组织", "社会公益组织"],
    ["申请人情况", "法人或其他组织", "法律服务机构"],
    ["申请人情况", "法人或其他组织", "其他"],
    ["申请人情况", "总计"],
]
REVIEW_HEADERS = [
    [top, *mid, out]
    for top, mid in (
        ("行政复议", []),
        ("行政诉讼", ["未经复议直接起诉"]),
        ("行政诉讼", ["复议后起诉"]),
    )
    for out in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
]
ACTIVE_BLOCKS = {
    "2021": [
        (
            "（一）",
            ["本年制发件数", "本年废止件数", "现行有效件数"],
            [("rules", "规章"), ("normative", "行政规范性文件")],
        ),
        ("（五）", ["本年处理决定数量"], [("licensing", "行政许可")]),
        ("（六）", ["本年处理决定数量"], [("punishment", "行政处罚"), ("enforcement", "行政强制")]),
        ("（八）", ["本年收费金额（单位：万元）"], [("fees", "行政事业性收费")]),
    ],
    "2019": [
        (
            "（一）",
            ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
            [("rules", "规章"), ("normative", "规范性文件")],
        ),
        (
            "（五）",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")],
        ),
        (
            "（六）",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [("punishment", "行政处罚"), ("enforcement", "行政强制")],
        ),
        ("（八）", ["上一年项目数量", "本年增/减"], [("fees", "行政事业性收费")]),
        ("（九）", ["采购项目数量", "采购总金额"], [("procurement", "政府集中采购")]),
    ],
}


def request_labels(fmt: str) -> dict[str, list[str]]:
    if fmt == "2021":
        return REQUEST_LABELS
    labels = {
        k: v for k, v in REQUEST_LABELS.items() if k not in ("other_no_correction", "other_no_fee")
    }
    labels["other"] = [RESULT, "（六）其他处理"]  # 2019: one row
    return labels


def consistent_figures(fmt: str, seed: int = 0) -> dict:
    """Distinct figures for every cell of both formats' tables, with every printed total
    equal to its parts (so `checks` must stay empty)."""
    rows = list(request_labels(fmt))
    results = [r for r in rows if r not in ("new", "carried_over", "total", "carried_forward")]
    req: dict[str, dict[str, int]] = {}
    for i, row in enumerate(results + ["carried_over", "carried_forward"]):
        parts = [(seed + 7 * i + 3 * j) % 50 + i + j for j in range(6)]
        req[row] = dict(zip(REQUEST_COLS, [*parts, sum(parts)], strict=True))
    req["total"] = {c: sum(req[r][c] for r in results) for c in REQUEST_COLS}
    req["new"] = {
        c: req["total"][c] + req["carried_forward"][c] - req["carried_over"][c]
        for c in REQUEST_COLS
    }
    review = {}
    for g, group in enumerate(REVIEW_GROUPS):
        parts = [seed + 11 * g + k + 1 for k in range(4)]
        review[group] = dict(zip(OUTCOMES, [*parts, sum(parts)], strict=True))
    active = {
        row: {col: 1000 * i + 10 * j + seed for j, col in enumerate(cols)}
        for i, (row, cols) in enumerate(ACTIVE[fmt].items())
    }
    return {"requests": req, "review": review, "active": active}


# -- laying a table out --------------------------------------------------------------------------


def positions(corner: str, col_paths: list[list[str]], row_paths: list[list[str]], body):
    """The logical grid: each position's (region key, text). Headers shorter than the deepest
    extend downwards, labels shorter than the deepest extend to the right (as printed)."""
    h = max(len(p) for p in col_paths)
    d = max((len(p) for p in row_paths), default=0)
    grid = []
    for r in range(h + len(row_paths)):
        line = []
        for c in range(d + len(col_paths)):
            if r < h and c < d:
                line.append((("corner",), corner))
            elif r < h:
                path = col_paths[c - d]
                k = min(r, len(path) - 1)
                line.append((("h", *path[: k + 1]), path[k]))
            elif c < d:
                path = row_paths[r - h]
                k = min(c, len(path) - 1)
                line.append((("l", *path[: k + 1]), path[k]))
            else:
                line.append((("v", r, c), body[r - h][c - d]))
        grid.append(line)
    return grid


def render(grid, style) -> list[list[tuple[str, int, int]]]:
    """Rows of (text, rowspan, colspan): each region merged into one cell, split with its text
    repeated, or split with the text in its first cell only — `style(key)` chooses."""
    n_rows, n_cols = len(grid), len(grid[0])
    done = [[False] * n_cols for _ in range(n_rows)]
    cells: dict[tuple[int, int], tuple[str, int, int]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            if done[r][c]:
                continue
            key, text = grid[r][c]
            w = 1
            while c + w < n_cols and grid[r][c + w][0] == key:
                w += 1
            hgt = 1
            while r + hgt < n_rows and grid[r + hgt][c][0] == key:
                hgt += 1
            how = style(key)
            for dr in range(hgt):
                for dc in range(w):
                    done[r + dr][c + dc] = True
                    first = dr == 0 and dc == 0
                    if how != "merge":
                        cells[r + dr, c + dc] = (text if first or how == "repeat" else "", 1, 1)
            if how == "merge":
                cells[r, c] = (text, hgt, w)
    return [[cells[r, c] for c in range(n_cols) if (r, c) in cells] for r in range(n_rows)]


def to_html(rows: list[list[tuple[str, int, int]]]) -> str:
    out = ["<table border=1>"]
    for line in rows:
        out.append("<tr>")
        for text, rs, cs in line:
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            out.append(f"<td{attrs}>{html.escape(text)}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def request_table(fmt: str, figures: dict, labels: dict | None = None):
    labels = labels or request_labels(fmt)
    body = [[str(figures["requests"][row][c]) for c in REQUEST_COLS] for row in labels]
    return positions(CORNER, REQUEST_HEADERS, list(labels.values()), body)


def review_table(figures: dict):
    body = [[str(figures["review"][g][o]) for g in REVIEW_GROUPS for o in OUTCOMES]]
    return positions("", REVIEW_HEADERS, [[]], body)


def active_tables(fmt: str, figures: dict) -> list:
    grids = []
    for item, cols, rows in ACTIVE_BLOCKS[fmt]:
        title = [[f"第二十条第{item}项"] * (1 + len(cols))]
        head = [["信息内容", *cols]]
        body = [
            [label, *(str(figures["active"][key][c]) for c in ACTIVE[fmt][key])]
            for key, label in rows
        ]
        grids.append(title + head + body)
    return grids


def merged_everywhere(key) -> str:
    return "merge"


def all_tables_html(fmt: str, figures: dict, style=merged_everywhere) -> str:
    parts = [to_html([[(c, 1, 1) for c in row] for row in g]) for g in active_tables(fmt, figures)]
    parts.append(to_html(render(request_table(fmt, figures), style)))
    parts.append(to_html(render(review_table(figures), style)))
    return "<html><body>" + "".join(parts) + "</body></html>"


def assert_figures(stats: dict, fmt: str, figures: dict) -> None:
    assert stats is not None
    assert stats["format"] == fmt
    for row in request_labels(fmt):
        assert stats["requests"][row] == figures["requests"][row], row
    for group in REVIEW_GROUPS:
        assert stats[group] == figures["review"][group], group
    assert stats["active"] == figures["active"]


# -- the schema: every row and column of both formats ------------------------------------------------


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_every_row_and_column_of_the_official_tables_maps_onto_the_schema(fmt):
    figures = consistent_figures(fmt)
    stats = read_stats(html_grids(all_tables_html(fmt, figures)), [])
    assert_figures(stats, fmt, figures)
    assert set(stats["requests"]) == set(REQUEST_ROWS)  # one schema for both formats
    assert set(stats["active"]) == set(ACTIVE[fmt])
    assert stats["checks"] == []
    if fmt == "2019":  # rows the 2019 format does not have are null, not 0
        assert set(stats["requests"]["other_no_fee"].values()) == {None}
    json.dumps(stats)  # stored as JSON in the index


LAYOUT = st.sampled_from(["merge", "repeat", "first"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["2021", "2019"]), st.integers(0, 40), st.data())
def test_random_rowspan_colspan_layouts_read_the_same(fmt, seed, data):
    """However the merged cells are printed — one cell with rowspan/colspan, the text repeated
    in each cell, or the text in the first cell and the rest left empty — the figures are the same."""
    choices: dict = {}

    def style(key):
        if key not in choices:
            choices[key] = data.draw(LAYOUT, label=str(key))
        return choices[key]

    figures = consistent_figures(fmt, seed)
    stats = read_stats(html_grids(all_tables_html(fmt, figures, style)), [])
    assert_figures(stats, fmt, figures)
    assert stats["checks"] == []


def test_expand_repeats_merged_cells_into_every_covered_position():
    rows = [[("a", 2, 2), ("b", 1, 1)], [("c", 1, 1)], [("d", 1, 3)]]
    assert expand(rows) == [["a", "a", "b"], ["a", "a", "c"], ["d", "d", "d"]]


def test_hostile_spans_are_clamped():
    page = "<table><tr><td rowspan=99999 colspan=99999>x</td></tr><tr><td>1</td></tr></table>"
    (grid,) = html_grids(page)
    assert len(grid) == 2 and len(grid[0]) <= 64


# -- reworded labels ---------------------------------------------------------------------------------

REWORDINGS = [
    ("（", "("),
    ("）", ")"),
    ("1.", "1、"),
    ("2.", "２．"),
    ("其他法律", "其它法律"),
    ("商业企业", "商业 企业"),
    ("总计", "总  计"),
    ("一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请"),
    ("四、结转下年度继续办理", "四、结转下年度继续办理数量"),
    ("“三安全一稳定”", '"三安全一稳定"'),
    ("结果维持", "结果 维持"),
]


@pytest.mark.parametrize("old,new", REWORDINGS)
def test_reworded_labels_map_the_same(old, new):
    figures = consistent_figures("2021", 3)
    page = all_tables_html("2021", figures).replace(old, new)
    assert old not in page or old in new
    assert_figures(read_stats(html_grids(page), []), "2021", figures)


# -- tables in text: markdown, spaces, digit runs ----------------------------------------------------


def expanded(grid_positions, blank_merged: bool) -> list[list[str]]:
    style = (lambda key: "first") if blank_merged else (lambda key: "repeat")
    return [[t for t, _, _ in row] for row in render(grid_positions, style)]


def markdown(rows: list[list[str]], header_rows: int) -> list[str]:
    out = []
    for i, row in enumerate(rows):
        out.append("| " + " | ".join(row) + " |")
        if i == header_rows - 1:
            out.append("|" + "---|" * len(row))
    return out


@pytest.mark.parametrize("blank_merged", [False, True])
def test_markdown_tables_from_an_ocr_tool(blank_merged):
    figures = consistent_figures("2021", 5)
    lines = ["三、收到和处理政府信息公开申请情况"]
    lines += markdown(expanded(request_table("2021", figures), blank_merged), 3)
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况"]
    lines += markdown(expanded(review_table(figures), blank_merged), 3)
    for grid in active_tables("2021", figures):
        lines += [""] + markdown(grid, 2)
    assert len(text_grids(lines)) == 6
    assert_figures(read_stats([], lines), "2021", figures)


def space_lines(fmt: str, figures: dict) -> list[str]:
    lines = ["二、主动公开政府信息情况"]
    for item, cols, rows in ACTIVE_BLOCKS[fmt]:
        lines += [f"第二十条第{item}项", "信息内容   " + "   ".join(cols)]
        for key, label in rows:
            lines.append(
                label + "   " + "   ".join(str(figures["active"][key][c]) for c in ACTIVE[fmt][key])
            )
    lines += [
        "三、收到和处理政府信息公开申请情况",
        "申请人情况",
        "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计",
    ]
    for row, path in request_labels(fmt).items():
        lines.append(
            " ".join(path)
            + "      "
            + "  ".join(str(figures["requests"][row][c]) for c in REQUEST_COLS)
        )
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议  行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计",
    ]
    lines.append("   ".join(str(figures["review"][g][o]) for g in REVIEW_GROUPS for o in OUTCOMES))
    lines.append("五、存在的主要问题及改进情况")
    return lines


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_space_separated_text_tables(fmt):
    figures = consistent_figures(fmt, 8)
    assert_figures(read_stats([], space_lines(fmt, figures)), fmt, figures)


def test_tab_separated_rows():
    figures = consistent_figures("2021", 2)
    rows = expanded(request_table("2021", figures), False)
    lines = ["\t".join(r) for r in rows]
    stats = read_stats([], lines)
    assert stats["requests"] == {
        **{r: dict.fromkeys(REQUEST_COLS) for r in REQUEST_ROWS},
        **figures["requests"],
    }


def flattened(fmt: str, figures: dict) -> str:
    """The tables as a crawler flattens them: every label and figure glued together."""
    return "".join(re.sub(r"\s+", "", line) for line in space_lines(fmt, figures))


def test_flattened_digit_runs_split_by_their_totals():
    figures = {
        "requests": {
            r: dict(zip(REQUEST_COLS, [0] * 7, strict=True)) for r in request_labels("2021")
        },
        "review": {g: dict.fromkeys(OUTCOMES, 0) for g in REVIEW_GROUPS},
    }
    figures["requests"]["new"] = dict(zip(REQUEST_COLS, [80, 1, 0, 0, 0, 0, 81], strict=True))
    figures["requests"]["granted"] = dict(zip(REQUEST_COLS, [22, 0, 0, 0, 0, 0, 22], strict=True))
    figures["requests"]["partial"] = dict(zip(REQUEST_COLS, [57, 1, 0, 0, 0, 0, 58], strict=True))
    figures["requests"]["unable_not_held"] = dict(
        zip(REQUEST_COLS, [1, 0, 0, 0, 0, 0, 1], strict=True)
    )
    figures["requests"]["total"] = dict(zip(REQUEST_COLS, [80, 1, 0, 0, 0, 0, 81], strict=True))
    figures["review"]["review"] = dict(zip(OUTCOMES, [1, 1, 0, 0, 2], strict=True))
    figures["review"]["litigation_after_review"] = dict(zip(OUTCOMES, [4, 0, 0, 1, 5], strict=True))
    figures["active"] = {row: dict.fromkeys(cols, 0) for row, cols in ACTIVE["2021"].items()}
    figures["active"]["normative"] = {"issued": 77, "repealed": 132, "valid": 470}
    text = flattened("2021", figures)
    assert "801000081" in text and "220000022" in text
    stats = read_stats([], [text])
    # 220000022 reads as 22|0|0|0|0|0|22 or 2|20|0|0|0|0|22: the 总计 column sums decide
    assert stats["requests"]["granted"] == figures["requests"]["granted"]
    assert stats["requests"]["partial"] == figures["requests"]["partial"]
    assert stats["requests"]["new"]["total"] == 81
    assert stats["review"] == figures["review"]["review"]
    assert stats["litigation_after_review"] == figures["review"]["litigation_after_review"]
    # 77132470 has no total to split it by: unread, never guessed
    assert stats["active"]["normative"] == dict.fromkeys(["issued", "repealed", "valid"])
    assert stats["active"]["rules"] == {"issued": 0, "repealed": 0, "valid": 0}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 120), min_size=6, max_size=6))
def test_a_digit_run_is_read_right_or_not_at_all(parts):
    """Whatever the figures, a flattened row is either the printed one or unread."""
    row = [*parts, sum(parts)]
    lines = [
        "一、本年新收政府信息公开申请数量"
        + "".join(map(str, row))
        + "二、上年结转政府信息公开申请数量"
    ]
    stats = read_stats([], lines)
    got = stats["requests"]["new"] if stats else dict.fromkeys(REQUEST_COLS)
    readings = split_run("".join(map(str, row)), [7])
    if len(readings) == 1:
        assert list(got.values()) == row
    else:
        assert set(got.values()) == {None}


def test_split_run_gives_up_on_runs_too_long_to_search():
    assert split_run("1" * 400, [7]) == []


# -- values as printed; inconsistencies listed, never fixed -------------------------------------------


def test_inconsistent_totals_are_listed_in_checks_and_kept_as_printed():
    figures = consistent_figures("2021", 1)
    figures["review"]["review"] = {
        "upheld": 10,
        "corrected": 0,
        "other": 0,
        "pending": 0,
        "total": 0,
    }
    figures["requests"]["granted"]["total"] += 5  # a 总计 that is not the sum of its columns
    stats = read_stats(html_grids(all_tables_html("2021", figures)), [])
    assert stats["review"]["total"] == 0  # as printed
    assert stats["requests"]["granted"]["total"] == figures["requests"]["granted"]["total"]
    checks = {c["rule"].split(" ")[0]: c for c in stats["checks"]}
    assert checks["review.total"] == {
        "rule": "review.total = upheld + corrected + other + pending",
        "printed": 0,
        "computed": 10,
    }
    granted = checks["requests.granted.total"]
    assert granted["printed"] - granted["computed"] == 5
    # the granted row is a result: the (七)总计 total column now disagrees with the results too
    results = checks["requests.total.total"]
    assert results["computed"] - results["printed"] == 5
    # and 新收 + 结转 = 总计 + 结转下年 still holds: not listed
    assert not any(c["rule"].startswith("requests.new.") for c in stats["checks"])


def test_empty_and_dash_cells_are_null_never_zero():
    figures = consistent_figures("2021", 4)
    review = review_table(figures)
    (key, _text) = review[-1][3]  # the data row's 行政复议 尚未审结
    review[-1][3] = (key, "")
    grids = html_grids(to_html(render(review, merged_everywhere)))
    stats = read_stats(grids, [])
    assert stats["review"]["pending"] is None
    assert stats["review"]["upheld"] == figures["review"]["review"]["upheld"]
    assert not any(c["rule"].startswith("review.") for c in stats["checks"])  # cannot be computed
    for cell in ("", "-", "—", "／", "无"):
        assert parse_value(cell) == (True, None)
    assert parse_value("１,２３４") == (True, 1234)
    assert parse_value("8643.27万元") == (True, 8643.27)
    assert parse_value("18651.06") == (True, 18651.06)
    assert parse_value("属于国家秘密") == (False, None)


# -- reports without the standard tables ---------------------------------------------------------


def test_a_report_without_standard_tables_gives_null():
    prose = [
        "三、收到和处理政府信息公开申请情况",
        "全年新收政府信息公开申请93件，上年结转2件；予以公开51件，部分公开9件。",
        "因政府信息公开被申请行政复议3件，结果维持2件，尚未审结1件。",
    ]
    assert read_stats([], prose) is None
    assert read_stats([], []) is None


def test_an_old_table_gives_the_2008_format_not_the_standard_one():
    """The 2008-era 统计表 is read as format 2008 (tests/test_stats2008.py has its variants):
    only the rows whose meaning matches reach the standard keys, the rest stay unclaimed."""
    old_style = (
        "<table><tr><td>指标名称</td><td>计量单位</td><td>2013年度</td></tr>"
        "<tr><td>受理依申请公开信息总数</td><td>条</td><td>7</td></tr>"
        "<tr><td>其中：2.同意部分公开答复数</td><td>条</td><td>1</td></tr>"
        "<tr><td>行政复议数</td><td>条</td><td>0</td></tr></table>"
    )
    stats = read_stats(html_grids(old_style), [])
    assert stats["format"] == "2008"
    assert stats["requests"] == {"new": {"total": 7}, "partial": {"total": 1}}
    assert stats["review"] == {"total": 0}
    assert stats["active"] == {} and stats["litigation_direct"] == {}
    assert stats["table_2008"]["requests"]["cumulative"] is None  # no 历年累计 column


# -- the real reports ---------------------------------------------------------------------------------


def expected() -> dict[str, dict]:
    path = REALREPORTS / "expect.json"
    if not path.exists():
        pytest.skip(f"real reports not found at {REALREPORTS} (they sit beside the checkout)")
    return {e["file"]: e for e in json.loads(path.read_text(encoding="utf-8"))}


def summary(stats: dict | None) -> dict | None:
    """The figures expect.json holds, from a report's stats."""
    if stats is None:
        return None
    lit = [stats[g]["total"] for g in ("litigation_direct", "litigation_after_review")]
    return {
        "new_requests_total": stats["requests"]["new"]["total"],
        "granted_total": stats["requests"]["granted"]["total"],
        "review_total": stats["review"]["total"],
        "litigation_total": None if None in lit else sum(lit),
    }


@pytest.mark.parametrize(
    "name", ["04-2024-pingtan-syq.html", "08-pingtan-2023.txt", "02-2013-pingtan-xian.html"]
)
def test_real_reports_give_the_hand_read_figures(name):
    from corpus.reader import read_reports

    want = expected()[name]
    (report,) = read_reports(str(REALREPORTS / name))
    if "table_2008" in want:
        assert report.stats["format"] == "2008"
        assert summary_2008(report.stats) == want["table_2008"]
    else:
        assert summary(report.stats) == want["stats"]
        assert report.stats["format"] == "2021"
    assert report.stats["checks"] == []


def summary_2008(stats: dict) -> dict:
    """expect.json's table_2008 figures (本年度), from a format-2008 report's standard keys."""
    return {
        "new_requests_total": stats["requests"]["new"]["total"],
        "granted_total": stats["requests"]["granted"]["total"],
        "review_total": stats["review"]["total"],
        "litigation_total": stats["litigation_direct"]["total"],
    }


def pdf_grids(path) -> list[list[list[str]]]:
    """A PDF's tables as grids, straight from pdfplumber (merged cells come back empty)."""
    pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber reads the PDF's tables")
    with pdfplumber.open(path) as pdf:
        return [
            [[c or "" for c in row] for row in table]
            for page in pdf.pages
            for table in page.extract_tables()
        ]


def test_real_pdf_tables_give_the_hand_read_figures():
    want = expected()["03-huaian-shi-2024.pdf"]
    stats = read_stats(pdf_grids(REALREPORTS / "03-huaian-shi-2024.pdf"), [])
    assert summary(stats) == want["stats"]
    # the table runs over two pages; the second page's rows have no header above them
    assert stats["requests"]["carried_forward"] == dict(
        zip(REQUEST_COLS, [103, 0, 0, 0, 0, 0, 103], strict=True)
    )
    assert stats["active"]["licensing"] == {"decisions": 447228}
    assert stats["active"]["fees"] == {"amount": 96171.6}
    assert stats["checks"] == []


def test_reports_json_carries_the_stats(tmp_path):
    want = expected()
    index = str(tmp_path / "ix")
    from index.writer import ingest

    ingest([str(REALREPORTS)], index)
    rows = cli_json("reports", "--index", index)["reports"]
    by_file = {r["source"].rsplit("/", 1)[-1]: r for r in rows}
    assert {"04-2024-pingtan-syq.html", "08-pingtan-2023.txt"} <= set(by_file)
    for name, row in by_file.items():
        if "table_2008" in want[name]:
            assert summary_2008(row["stats"]) == want[name]["table_2008"], name
        else:
            assert summary(row["stats"]) == want[name].get("stats"), name
    shown = cli_json("show", by_file["04-2024-pingtan-syq.html"]["report_id"], "--index", index)
    assert shown["report"]["stats"]["review"] == {
        "upheld": 2,
        "corrected": 1,
        "other": 3,
        "pending": 1,
        "total": 7,
    }


def test_review_table_printed_the_other_way_round():
    """表四 with the groups as rows and the outcomes as columns."""
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    page = (
        "<table><tr><td>类别</td>"
        + "".join(f"<td>{o}</td>" for o in outcomes)
        + "</tr><tr><td>行政复议</td><td>10</td><td>2</td><td>3</td><td>1</td><td>16</td></tr>"
        "<tr><td>行政诉讼 未经复议直接起诉</td><td>4</td><td>0</td><td>1</td><td>0</td><td>5</td></tr>"
        "<tr><td>行政诉讼 复议后起诉</td><td>1</td><td>1</td><td>0</td><td>0</td><td>3</td></tr></table>"
    )
    stats = read_stats(html_grids(page), [])
    assert stats["review"] == {"upheld": 10, "corrected": 2, "other": 3, "pending": 1, "total": 16}
    assert stats["litigation_direct"]["total"] == 5
    assert stats["checks"] == [
        {
            "rule": "litigation_after_review.total = upheld + corrected + other + pending",
            "printed": 3,
            "computed": 2,
        }
    ]
