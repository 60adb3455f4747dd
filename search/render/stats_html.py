"""The standard tables of one report (its `stats`, corpus/stats.py) as HTML tables, every
value escaped, an empty or unread cell shown as — (never 0), and the report's checks beside
them. The report page puts each table under its own heading."""

from __future__ import annotations

import html
from collections.abc import Mapping

from search.tools.stats import (
    COLUMN_LABELS,
    ROW_LABELS,
    STANDARD_OF_2008,
    TABLE_2008,
    TABLE_LABELS,
    metric_label,
)

PARTS = ("active", "requests", "review", TABLE_2008)
CAPTIONS = {
    "active": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "review": "四、政府信息公开行政复议、行政诉讼情况",
    TABLE_2008: "政府信息公开情况统计表（2008 年版）",
}


def _e(v) -> str:
    return html.escape(str(v), quote=True)


def _cell(v) -> str:
    if v is None:
        return '<td class="null" title="表中为空或未能读出">—</td>'
    text = f"{v:,.2f}" if isinstance(v, float) and not v.is_integer() else f"{int(v):,}"
    return f'<td class="num">{_e(text)}</td>'


def _table(part: str, rows: list[tuple[str, Mapping]], cols: list[str]) -> str:
    head = "".join(f'<th scope="col">{_e(COLUMN_LABELS.get(c, c))}</th>' for c in cols)
    body = "".join(
        f'<tr><th scope="row">{_e(label)}</th>'
        + "".join(_cell(cells[c]) if c in cells else '<td class="na"></td>' for c in cols)
        + "</tr>"
        for label, cells in rows
    )
    return (
        f'<div class="report-table-wrap"><table class="report-table" data-table="{part}">'
        f"<caption>{_e(CAPTIONS[part])}</caption>"
        f"<thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _checks_html(checks) -> str:
    return "".join(
        f'<p class="table-check">⚠ 表内合计与分项不一致：{_e(c["rule"])}，'
        f"表中印为 {_e(c['printed'])}，分项相加为 {_e(c['computed'])}（照录原表，未作更正）</p>"
        for c in checks
    )


def table_2008(stats: Mapping) -> str:
    """The old 统计表 as printed (label, unit, 本年度, 历年累计), each row that gives a figure of
    the standard tables naming it, then its checks."""
    body = ""
    for key, row in stats[TABLE_2008].items():
        same = STANDARD_OF_2008.get(key)
        note = f'<td class="map">{_e(metric_label(same))}</td>' if same else '<td class="na"></td>'
        printed = f' title="印为 {_e(row["printed"])}，无法唯一拆分"' if row.get("printed") else ""
        cum = _cell(row["cumulative"]) if stats.get("cumulative") else '<td class="na"></td>'
        body += (
            f'<tr{printed}><th scope="row">{_e(row["label"])}</th><td>{_e(row["unit"] or "")}</td>'
            f"{_cell(row['year'])}{cum}{note}</tr>"
        )
    head = "".join(
        f'<th scope="col">{h}</th>'
        for h in ("指标名称", "计量单位", "本年度", "历年累计", "标准表格中的同一项")
    )
    return (
        f'<div class="report-table-wrap"><table class="report-table" data-table="{TABLE_2008}">'
        f"<caption>{_e(CAPTIONS[TABLE_2008])}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    ) + _checks_html(stats.get("checks") or [])


def stats_tables(stats: Mapping) -> dict[str, str]:
    """{"active", "requests", "review"}: each standard table as HTML (the checks that concern
    it listed under it); for a format-2008 report {"table_2008"}: the old table."""
    if stats.get("format") == "2008":
        return {TABLE_2008: table_2008(stats)}
    active_cols: list[str] = []
    for cells in stats["active"].values():
        active_cols += [c for c in cells if c not in active_cols]
    active = [(ROW_LABELS.get(r, r), cells) for r, cells in stats["active"].items()]
    requests = [(ROW_LABELS.get(r, r), cells) for r, cells in stats["requests"].items()]
    review = [
        (TABLE_LABELS[g], stats[g])
        for g in ("review", "litigation_direct", "litigation_after_review")
    ]
    out = {
        "active": _table("active", active, active_cols),
        "requests": _table("requests", requests, list(next(iter(stats["requests"].values())))),
        "review": _table("review", review, list(stats["review"])),
    }
    for c in stats.get("checks") or []:
        part = "requests" if c["rule"].startswith("requests.") else "review"
        out[part] += _checks_html([c])
    return out
