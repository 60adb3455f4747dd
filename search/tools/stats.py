"""stats: the standard tables' figures (corpus/stats.py) as a ranked table, agency by agency or
year by year, with derived rates, the change on the year before, how many reports had readable
tables, and every printed total that disagrees with its parts.

A query narrows the reports through the engine's one matching path (the reports with a passage
that matches, as `search` counts them); `--agency` and `--year` filter as they do for `search`.

Figures are kept as printed. A figure a report does not give (an empty cell, a row that could
not be read, a column its format lacks) is None and is never added as 0: sums are over the
reports that give it, and every row says how many of its reports were `missing` it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from corpus.stats import (
    ACTIVE,
    OUTCOMES,
    REFUSED,
    REJECTED,
    REQUEST_COLS,
    REQUEST_ROWS,
    REVIEW_GROUPS,
    UNABLE,
)
from corpus.stats2008 import (
    COLUMN_LABELS_2008,
    COLUMNS_2008,
    MAP_2008,
    ROW_LABELS_2008,
    SUMS_2008,
)
from search.backend import SearchEngine
from search.choices import STATS_SORTS
from search.query import QueryError
from search.results import Record, ReportInfo, group_label
from search.tools.common import BY, matches

DEFAULT_METRIC = "requests.new.total"
SORTS = STATS_SORTS

# Rows of 表三 summed into one (a figure only when every part is given).
REQUEST_SUMS = {"refused": REFUSED, "unable": UNABLE, "rejected": REJECTED}
LITIGATION = REVIEW_GROUPS[1:]  # 直接起诉 and 复议后起诉, summed as `litigation`

# -- how the schema reads to a person --------------------------------------------------------------
TABLE_LABELS = {
    "active": "主动公开",
    "requests": "依申请公开",
    "review": "行政复议",
    "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after_review": "行政诉讼（复议后起诉）",
    "litigation": "行政诉讼（合计）",
}
ROW_LABELS = {
    "new": "本年新收申请",
    "carried_over": "上年结转",
    "granted": "予以公开",
    "partial": "部分公开",
    "refused_secret": "不予公开：国家秘密",
    "refused_law": "不予公开：法律行政法规禁止",
    "refused_safety": "不予公开：危及“三安全一稳定”",
    "refused_third_party": "不予公开：保护第三方合法权益",
    "refused_internal": "不予公开：三类内部事务信息",
    "refused_process": "不予公开：四类过程性信息",
    "refused_case_file": "不予公开：行政执法案卷",
    "refused_inquiry": "不予公开：行政查询事项",
    "unable_not_held": "无法提供：本机关不掌握",
    "unable_needs_creation": "无法提供：需另行制作",
    "unable_unclear": "无法提供：补正后仍不明确",
    "rejected_complaint": "不予处理：信访举报投诉",
    "rejected_repeat": "不予处理：重复申请",
    "rejected_publication": "不予处理：公开出版物",
    "rejected_mass": "不予处理：大量反复申请",
    "rejected_confirm": "不予处理：要求确认或重新出具",
    "other_no_correction": "其他处理：逾期不补正",
    "other_no_fee": "其他处理：逾期未缴费",
    "other": "其他处理",
    "total": "办理结果总计",
    "carried_forward": "结转下年",
    "refused": "不予公开（八项合计）",
    "unable": "无法提供（三项合计）",
    "rejected": "不予处理（五项合计）",
    "rules": "规章",
    "normative": "规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "punishment": "行政处罚",
    "enforcement": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
COLUMN_LABELS = {
    "natural": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social": "社会公益组织",
    "legal": "法律服务机构",
    "other": "其他",
    "total": "总计",
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "pending": "尚未审结",
    "issued": "本年制发",
    "repealed": "本年废止",
    "valid": "现行有效",
    "made": "本年新制作",
    "published": "本年新公开",
    "items_prev": "上年项目数",
    "items_change": "本年增减",
    "decisions": "处理决定数",
    "items": "采购项目数",
    "amount": "金额",
}


def _paths() -> list[str]:
    out = [
        f"requests.{row}.{col}" for row in [*REQUEST_ROWS, *REQUEST_SUMS] for col in REQUEST_COLS
    ]
    out += [f"{g}.{o}" for g in [*REVIEW_GROUPS, "litigation"] for o in OUTCOMES]
    active: dict[str, list[str]] = {}
    for rows in ACTIVE.values():  # both formats' rows and columns
        for row, cols in rows.items():
            active.setdefault(row, [])
            active[row] += [c for c in cols if c not in active[row]]
    out += [f"active.{row}.{col}" for row, cols in active.items() for col in cols]
    return out


METRICS = _paths()
_METRIC_SET = set(METRICS)
# Figures of the 2008-era table under its own keys: table_2008.ROW.year|cumulative, ROW one of
# ROW_LABELS_2008 or a row's own printed label (rows a province added).
TABLE_2008 = "table_2008"
METRICS_2008 = [f"{TABLE_2008}.{row}.{col}" for row in ROW_LABELS_2008 for col in COLUMNS_2008]

# What a standard figure is in a format-2008 report: the row of the old table it comes from.
MEANING_2008 = {".".join(path): ROW_LABELS_2008[key] for key, path in MAP_2008.items()}
MEANING_2008.update({path: ROW_LABELS_2008[key] for path, key in SUMS_2008.items()})
MEANING_2008["litigation_direct.total"] += "（不分是否经复议）"
# The other way: the standard figure each row of the old table gives (the summed one where the
# standard format splits it: 行政诉讼数 is litigation.total, not only litigation_direct).
STANDARD_OF_2008 = {key: ".".join(path) for key, path in MAP_2008.items()}
STANDARD_OF_2008.update({key: path for path, key in SUMS_2008.items()})

# A rate is a numerator metric over a denominator metric, each summed over the same reports.
RATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "refused": (("requests.refused.total",), ("requests.total.total",)),
    "granted": (("requests.granted.total",), ("requests.total.total",)),
    "corrected": (
        tuple(f"{g}.corrected" for g in REVIEW_GROUPS),
        tuple(f"{g}.total" for g in REVIEW_GROUPS),
    ),
}
RATE_LABELS = {
    "refused": "不予公开率（不予公开八项 / 办理结果总计）",
    "granted": "予以公开率（予以公开 / 办理结果总计）",
    "corrected": "纠错率（复议和诉讼中结果纠正 / 总计）",
}


def metric_label(path: str) -> str:
    parts = path.split(".")
    if parts[0] == TABLE_2008 and len(parts) == 3:
        row = ROW_LABELS_2008.get(parts[1], parts[1])
        return f"2008 年版统计表 · {row} · {COLUMN_LABELS_2008[parts[2]]}"
    words = [TABLE_LABELS.get(parts[0], parts[0])]
    words += [ROW_LABELS.get(p, COLUMN_LABELS.get(p, p)) for p in parts[1:-1]]
    words.append(COLUMN_LABELS.get(parts[-1], parts[-1]))
    return " · ".join(words)


def check_metric(path: str) -> str:
    """`path` when it names a figure of the schema, else QueryError listing the valid ones."""
    if path in _METRIC_SET:
        return path
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == TABLE_2008 and parts[1] and parts[2] in COLUMNS_2008:
        return path
    active = sorted({m for m in METRICS if m.startswith("active.")})
    raise QueryError(
        f"no metric {path!r}; valid metrics:\n"
        f"  requests.ROW.COL  ROW: {', '.join([*REQUEST_ROWS, *REQUEST_SUMS])}\n"
        f"                    COL: {', '.join(REQUEST_COLS)}\n"
        f"  GROUP.OUTCOME     GROUP: {', '.join([*REVIEW_GROUPS, 'litigation'])}\n"
        f"                    OUTCOME: {', '.join(OUTCOMES)}\n"
        f"  {', '.join(active)}\n"
        f"  {TABLE_2008}.ROW.COL  (the 2008-era table) ROW: {', '.join(ROW_LABELS_2008)} or a "
        f"row's printed label; COL: {', '.join(COLUMNS_2008)}"
    )


def figure(stats: Mapping | None, path: str) -> int | float | None:
    """The figure at `path` in one report's stats, or None where the report does not give it
    (a sum of rows is None unless every part is given)."""
    if not stats:
        return None
    if stats.get("format") == "2008" and path in SUMS_2008:
        return figure(stats, f"{TABLE_2008}.{SUMS_2008[path]}.year")  # printed whole in 2008
    table, *rest = path.split(".")
    if table == "requests" and rest[0] in REQUEST_SUMS:
        return _sum_all([figure(stats, f"requests.{r}.{rest[1]}") for r in REQUEST_SUMS[rest[0]]])
    if table == "litigation":
        return _sum_all([figure(stats, f"{g}.{rest[0]}") for g in LITIGATION])
    node = stats.get(table)
    for key in rest:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node if isinstance(node, int | float) and not isinstance(node, bool) else None


def _sum_all(values: list) -> int | float | None:
    if any(v is None for v in values):
        return None
    total = sum(values)
    return round(total, 6) if isinstance(total, float) else total


def _tidy(x: int | float | None) -> int | float | None:
    return round(x, 6) if isinstance(x, float) else x


# -- which reports ---------------------------------------------------------------------------------
def select(
    engine: SearchEngine, text: str = "", *, agency: str | None = None, year: str | None = None
) -> list[ReportInfo]:
    """The reports a query and filters select (every report for neither), as `reports` lists
    them: newest first."""
    every = engine.reports().reports
    if not (text.strip() or agency or year):
        return list(every)
    m = matches(engine, text, agency=agency, year=year, everything=True)
    if not len(m.docs):
        return []
    _, first = np.unique(m.cols.report[m.docs], return_index=True)
    wanted = {m.searcher.stored_fields(int(d))["report_id"] for d in m.docs[first].tolist()}
    return [r for r in every if r.report_id in wanted]


# -- one cell: the figures of a few reports ---------------------------------------------------------
def _cell(reports: list[ReportInfo], metric: str, rate: str | None) -> dict:
    """The metric summed over the reports that give it, how many did not, and the rate (its
    sums over the reports that give both its parts)."""
    given = [(r, figure(r.stats, metric)) for r in reports]
    known = [v for _, v in given if v is not None]
    out: dict[str, Any] = {
        "value": _tidy(sum(known)) if known else None,
        "missing": len(given) - len(known),
        "report_ids": [r.report_id for r in reports],
        "checks": sum(len(r.stats.get("checks") or []) for r in reports if r.stats),
        "formats": sorted({r.stats["format"] for r, v in given if r.stats and v is not None}),
    }
    if rate:
        num_paths, den_paths = RATES[rate]
        num: float = 0
        den: float = 0
        used = 0
        for r in reports:
            n = _sum_all([figure(r.stats, p) for p in num_paths])
            d = _sum_all([figure(r.stats, p) for p in den_paths])
            if n is None or d is None:
                continue
            num, den, used = num + n, den + d, used + 1
        out["rate"] = {
            "numerator": _tidy(num) if used else None,
            "denominator": _tidy(den) if used else None,
            "value": round(num / den, 6) if used and den else None,
            "missing": len(reports) - used,
        }
    return out


def _change(now: dict, before: dict | None) -> dict:
    """The change on the year before: the figure's, and the rate's in percentage points."""
    out: dict = {"previous": None, "change": None, "change_pct": None}
    if before is None:
        return out
    out["previous"] = before["value"]
    if now["value"] is not None and before["value"] is not None:
        out["change"] = _tidy(now["value"] - before["value"])
        if before["value"]:
            out["change_pct"] = round((now["value"] - before["value"]) / before["value"], 6)
    if "rate" in now:
        a, b = now["rate"]["value"], before["rate"]["value"]
        out["rate_previous"] = b
        out["rate_change"] = round(a - b, 6) if a is not None and b is not None else None
    return out


# -- the tool --------------------------------------------------------------------------------------
@dataclass(slots=True)
class StatsResult(Record):
    """= stats --json."""

    query: str
    agency: str | None
    year: str | None
    by: str
    metric: str
    metric_label: str
    rate: str | None
    rate_label: str | None
    sort: str
    coverage: dict[str, int]
    years: list[int | None]
    rows: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    unread: list[dict[str, Any]]
    formats: dict[str, int]
    format_notes: list[str]


def stats(
    engine: SearchEngine,
    text: str = "",
    *,
    agency: str | None = None,
    year: str | None = None,
    by: str = "agency",
    metric: str = DEFAULT_METRIC,
    rate: str | None = None,
    sort: str | None = None,
) -> StatsResult:
    """{"query", "agency", "year", "by", "metric", "metric_label", "rate", "rate_label", "sort",
    "coverage", "years", "rows", "checks", "unread", "formats", "format_notes"}.

    `coverage`: the reports selected (`matched`), those with readable statistics tables
    (`with_tables`), those without (`without_tables`, listed in `unread`) and those whose tables
    lack the metric (`missing`). `rows` are ranked by `sort` (value, rate, change: largest
    first, None last; name: agencies by name, years ascending — the default by year):

    - by agency: the agency's latest year in the selection (`year`, `value`, `missing`,
      `report_ids`, `rate`), the change on the agency's report of the year before (from the
      whole index, matched or not: `previous`, `change`, `change_pct`, `rate_change` in
      percentage points), and `years`: its figure each year of the selection.
    - by year: the metric summed over the year's reports (`reports`, `missing`) and the change
      on the year before in the selection.

    `checks`: every printed total among the selected reports that disagrees with its parts.
    `formats`: how many reports giving the metric came from each table format ("2008", "2019",
    "2021"); `format_notes`: where the metric means something else in older reports (a cell's
    and a by-year row's `formats` say which formats it sums)."""
    if by not in BY:
        raise QueryError(f"stats by agency or year, not {by!r}")
    check_metric(metric)
    if rate is not None and rate not in RATES:
        raise QueryError(f"rate is one of {', '.join(RATES)}, not {rate!r}")
    sort = sort or ("value" if by == "agency" else "name")
    if sort not in SORTS:
        raise QueryError(f"sort by {', '.join(SORTS)}, not {sort!r}")
    if sort == "rate" and rate is None:
        raise QueryError("sort by rate needs --rate (refused, granted or corrected)")

    chosen = select(engine, text, agency=agency, year=year)
    read = [r for r in chosen if r.stats]
    unread = [r for r in chosen if not r.stats]
    years = sorted({r.year for r in read if r.year}) + (
        [None] if any(not r.year for r in read) else []
    )

    if by == "agency":
        rows = _agency_rows(engine, read, metric, rate)
    else:
        rows = _year_rows(read, metric, rate)
    _rank(rows, by, sort, rate)

    checks = [{**_about(r), **c} for r in read for c in (r.stats or {}).get("checks") or []]
    return StatsResult(
        query=text,
        agency=agency,
        year=year,
        by=by,
        metric=metric,
        metric_label=metric_label(metric),
        rate=rate,
        rate_label=RATE_LABELS.get(rate) if rate else None,
        sort=sort,
        coverage={
            "matched": len(chosen),
            "with_tables": len(read),
            "without_tables": len(unread),
            "missing": sum(1 for r in read if figure(r.stats, metric) is None),
        },
        years=years,
        rows=rows,
        checks=checks,
        unread=[_about(r) for r in unread],
        formats=_formats(read, metric),
        format_notes=format_notes(read, metric),
    )


def _formats(read: list[ReportInfo], metric: str) -> dict[str, int]:
    """How many of the reports giving the metric were read from each table format."""
    out: dict[str, int] = defaultdict(int)
    for r in read:
        if figure(r.stats, metric) is not None:
            out[(r.stats or {})["format"]] += 1
    return dict(sorted(out.items()))


def format_notes(read: list[ReportInfo], metric: str) -> list[str]:
    """Where the metric's meaning changes across the series: the old table's row it is read
    from in format-2008 reports (2008–2018), beside the standard tables (2019 on)."""
    old = [
        r
        for r in read
        if (r.stats or {})["format"] == "2008" and figure(r.stats, metric) is not None
    ]
    if not old or metric not in MEANING_2008:
        return []
    years: list[int | str] = sorted({r.year for r in old if r.year}) or ["?"]
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return [
        f"{span} 年的报告用 2008 年版统计表：此项取自其「{MEANING_2008[metric]}」（本年度），"
        "与 2019 年起标准表格的口径不完全相同"
    ]


def _about(r: ReportInfo) -> dict:
    return {"report_id": r.report_id, "agency": r.agency, "year": r.year, "title": r.title}


def _by_key(reports: list[ReportInfo], key) -> dict:
    out: dict = defaultdict(list)
    for r in reports:
        out[key(r)].append(r)
    return out


def _agency_rows(
    engine: SearchEngine, read: list[ReportInfo], metric: str, rate: str | None
) -> list:
    # the year before comes from the whole index: the agency's report, matched or not
    every = _by_key([r for r in engine.reports().reports if r.stats], lambda r: (r.agency, r.year))
    rows = []
    for agency, mine in _by_key(read, lambda r: r.agency).items():
        per_year = _by_key(mine, lambda r: r.year)
        latest = max(per_year, key=lambda y: y or 0)
        now = _cell(per_year[latest], metric, rate)
        before = every.get((agency, latest - 1)) if latest else None
        prev = _cell(before, metric, rate) if before else None
        rows.append(
            {
                "agency": agency,
                "label": group_label("agency", agency),
                "year": latest or None,
                **now,
                **_change(now, prev),
                "previous_year": latest - 1 if prev else None,
                "years": [
                    {"year": y or None, **_cell(rs, metric, None)}
                    for y, rs in sorted(per_year.items(), key=lambda kv: kv[0] or 0)
                ],
            }
        )
    return rows


def _year_rows(read: list[ReportInfo], metric: str, rate: str | None) -> list:
    per_year = _by_key(read, lambda r: r.year or None)
    cells = {y: _cell(rs, metric, rate) for y, rs in per_year.items()}
    rows = []
    for y, cell in cells.items():
        prev = cells.get(y - 1) if y else None
        rows.append(
            {
                "year": y,
                "label": group_label("year", y),
                "reports": len(per_year[y]),
                **cell,
                **_change(cell, prev),
                "previous_year": y - 1 if prev else None,
                # how many reports each side's sum counts: a change between sums of different
                # numbers of reports is not like with like, and the text says so
                "counted": len(per_year[y]) - cell["missing"],
                "previous_counted": len(per_year[y - 1]) - prev["missing"] if prev else None,
            }
        )
    return rows


def _rank(rows: list[dict], by: str, sort: str, rate: str | None) -> None:
    def name(r):
        return (
            (r["year"] is None, r["year"] or 0)
            if by == "year"
            else (r["agency"] == "", r["agency"])
        )

    def largest(x):
        return (x is None, -(x or 0))

    keys = {
        "value": lambda r: (largest(r["value"]), name(r)),
        "change": lambda r: (largest(r["change"]), largest(r["value"]), name(r)),
        "rate": lambda r: (largest(r["rate"]["value"]), largest(r["value"]), name(r)),
        "name": name,
    }
    rows.sort(key=keys[sort])
    rows[:] = [{"rank": n, **r} for n, r in enumerate(rows, 1)]


# -- long (tidy) form ------------------------------------------------------------------------------
LONG_COLUMNS = ["report_id", "agency", "year", "format", "table", "row", "column", "value"]


def long_rows(reports: list[ReportInfo]) -> Iterator[dict]:
    """Every figure of every report with readable tables, a row each, as printed (None for a
    cell the report does not give), with the table format it was read from ("2008": the old
    统计表, whose rows also come whole as table "table_2008", columns `year` and `cumulative`);
    then each report's checks as rows with table "checks", the rule as `row` and two columns,
    `printed` and `computed`."""
    for r in reports:
        if not r.stats:
            continue
        s = r.stats
        base = {"report_id": r.report_id, "agency": r.agency, "year": r.year, "format": s["format"]}
        for table in ("active", "requests"):
            for row, cells in s[table].items():
                for col, v in cells.items():
                    yield {**base, "table": table, "row": row, "column": col, "value": v}
        for group in REVIEW_GROUPS:
            for col, v in s[group].items():
                yield {**base, "table": "review", "row": group, "column": col, "value": v}
        for row, cells in (s.get(TABLE_2008) or {}).items():
            for col in COLUMNS_2008:
                yield {**base, "table": TABLE_2008, "row": row, "column": col, "value": cells[col]}
    for r in reports:
        for c in (r.stats or {}).get("checks") or []:
            base = {
                "report_id": r.report_id,
                "agency": r.agency,
                "year": r.year,
                "format": (r.stats or {})["format"],
            }
            for col in ("printed", "computed"):
                yield {**base, "table": "checks", "row": c["rule"], "column": col, "value": c[col]}
