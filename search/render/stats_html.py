"""The standard tables of one report (its `stats`, corpus/stats.py) as HTML tables, every
value escaped, an empty or unread cell shown as — (never 0), and the report's checks beside
them. The report page puts each table under its own heading."""

from __future__ import annotations

import html
from collections.abc import Mapping

from search.tools.stats import COLUMN_LABELS, ROW_LABELS, TABLE_LABELS

PARTS = ("active", "requests", "review")
CAPTIONS = {
    "active": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "review": "四、政府信息公开行政复议、行政诉讼情况",
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


def stats_tables(stats: Mapping) -> dict[str, str]:
    """{"active", "requests", "review"}: each standard table as HTML (the checks that concern
    it listed under it)."""
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
        out[part] += (
            f'<p class="table-check">⚠ 表内合计与分项不一致：{_e(c["rule"])}，'
            f"表中印为 {_e(c['printed'])}，分项相加为 {_e(c['computed'])}（照录原表，未作更正）</p>"
        )
    return out
