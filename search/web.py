"""Server-rendered HTML for the report view (it works without JavaScript and can be linked to
a passage). Every value from the index is escaped; the only markup taken from the engine is
the <mark> that `search.highlight.mark` puts around query terms in escaped text."""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlencode

from search.highlight import mark
from search.query import QueryError, plan_text
from search.render.stats_html import PARTS, stats_tables

# The headings the standard tables stand under (二、主动公开… 三、收到和处理… 四、…复议、…诉讼…).
TABLE_HEADINGS = {
    "active": re.compile(r"主动公开.*情况"),
    "requests": re.compile(r"收到和处理|依申请公开.*情况"),
    "review": re.compile(r"行政复议.*行政诉讼|复议.*诉讼情况"),
}

STYLESHEET = (
    '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    '<link rel="stylesheet" href="/static/app.css">'
)


def e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def query_terms(engine, q: str | None) -> list[str]:
    """The words a query highlights (as the search page marks them); [] for none or a bad
    query (the report view just shows the report unmarked)."""
    if not q or not q.strip():
        return []
    try:
        return list(plan_text(q).highlights)
    except QueryError:
        return []


def _head(title: str, script: str | None = None) -> str:
    js = f'<script src="/static/{script}" defer></script>' if script else ""
    return (
        "<!doctype html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="same-origin">'
        f"<title>{e(title)}</title>{STYLESHEET}{js}</head>"
    )


def _topbar(query: str = "") -> str:
    return (
        '<header class="topbar"><div class="topbar-inner">'
        '<a class="brand" href="/"><span class="brand-mark">公开</span>'
        '<span class="brand-text"><span class="brand-name">gongkai</span>'
        '<span class="brand-sub">政府信息公开年报检索</span></span></a>'
        '<form class="searchbar" action="/" method="get" role="search">'
        f'<input type="search" name="q" value="{e(query)}" maxlength="500" '
        'placeholder="检索全部报告，如：依申请公开 行政复议" aria-label="检索词" autocomplete="off">'
        '<button type="submit">检索</button></form></div></header>'
    )


def _is_web_url(url) -> bool:
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


def _groups(passages: list[dict]) -> list[tuple[str, str, list[dict]]]:
    """Consecutive passages under the same heading: (heading, section, passages)."""
    groups: list[tuple[str, str, list[dict]]] = []
    for p in passages:
        heading = (p.get("heading") or "").strip()
        if groups and groups[-1][0] == heading:
            groups[-1][2].append(p)
        else:
            groups.append((heading, p.get("section") or "", [p]))
    return groups


def report_page(report: dict, *, chosen: str | None, query: str, terms: list[str]) -> str:
    """The full cleaned report: passages in order under their headings, each with an anchor
    `p-{passage_id}`; the `chosen` passage is highlighted, query `terms` are marked."""
    r = report["report"]
    passages = report["passages"]
    title = r.get("title") or "（无标题）"

    def marked(text: str) -> str:
        return mark(text, terms) if terms else e(text)

    body: list[str] = []
    toc: list[str] = []

    def passage(p: dict, text: str, lead: str = "") -> str:
        cls, extra = "passage", ""
        if p["passage_id"] == chosen:
            cls, extra = "passage is-chosen", ' aria-current="true"'
        t = (f'<strong class="run-in">{marked(lead)}</strong>' if lead else "") + marked(text)
        pid = e(p["passage_id"])
        return (
            f'<p class="{cls}" id="p-{pid}"{extra}>{t}'
            f'<a class="p-link" href="#p-{pid}" title="链接到此段" aria-label="链接到此段">¶</a></p>'
        )

    tables = stats_tables(r["stats"]) if r.get("stats") else {}
    section = None
    for heading, group_section, items in _groups(passages):
        part = next(
            (k for k, words in TABLE_HEADINGS.items() if k in tables and words.search(heading)),
            None,
        )
        if group_section and group_section != section:
            body.append(f'<div class="section-label">{e(group_section)}</div>')
        section = group_section or section
        body.append('<section class="group">')
        first, rest = items[0], items[1:]
        text = first["text"]
        sub = " sub" if heading[:1] in "(（0123456789" else ""
        anchor = f"h-{first['passage_id']}"
        if part and heading and " | " in text and text.strip() != heading:
            # a table's rows under its heading: the heading, then the table (rows folded below)
            body.append(f'<h2 class="group-heading{sub}" id="{e(anchor)}">{marked(heading)}</h2>')
            rest = items
        elif not heading:
            body.append(passage(first, text))
        elif text.strip() == heading:  # a heading-only passage: the heading is the passage
            anchor = f"p-{first['passage_id']}"
            cls = "group-heading" + sub + (" is-chosen" if first["passage_id"] == chosen else "")
            body.append(f'<h2 class="{cls}" id="{e(anchor)}">{marked(heading)}</h2>')
        elif text.startswith(heading) and not text.startswith(heading + "\n"):
            anchor = f"p-{first['passage_id']}"  # a run-in heading: （一）加强领导。正文…
            body.append(passage(first, text[len(heading) :], lead=heading))
        else:  # the heading above the text (its own first line is not repeated)
            if text.startswith(heading + "\n"):
                text = text[len(heading) + 1 :]
            body.append(f'<h2 class="group-heading{sub}" id="{e(anchor)}">{marked(heading)}</h2>')
            body.append(passage(first, text))
        if heading:
            toc.append(f'<li class="toc-item{sub}"><a href="#{e(anchor)}">{e(heading)}</a></li>')
        if part:  # the standard table as a table; its rows as text stay, folded, searchable
            body.append(tables.pop(part))
            rows = [p for p in rest if " | " in p["text"]]
            rest = [p for p in rest if " | " not in p["text"]]
            if rows:
                is_open = " open" if any(p["passage_id"] == chosen for p in rows) else ""
                body.append(
                    f'<details class="table-text"{is_open}><summary>表格原文（逐行文字）</summary>'
                )
                body.extend(passage(p, p["text"]) for p in rows)
                body.append("</details>")
        body.extend(passage(p, p["text"]) for p in rest)
        body.append("</section>")
    if tables:  # tables whose heading the text does not carry (a flattened crawl): at the end
        body.append('<section class="group"><h2 class="group-heading">标准表格（据原表读出）</h2>')
        body.extend(tables[k] for k in PARTS if k in tables)
        body.append("</section>")
    n_marks = "".join(body).count("<mark>")

    facts = []
    if r.get("published"):
        facts.append(f"<dt>发布</dt><dd>{e(r['published'])}</dd>")
    facts.append(f"<dt>段落</dt><dd>{e(r.get('passages') or len(passages))}</dd>")
    if r.get("url"):
        url = r["url"]
        link = (
            f'<a href="{e(url)}" rel="noopener noreferrer nofollow">{e(url)}</a>'
            if _is_web_url(url)
            else e(url)
        )
        facts.append(f"<dt>原文</dt><dd>{link}</dd>")
    if r.get("source"):
        facts.append(f'<dt>来源文件</dt><dd class="mono">{e(r["source"])}</dd>')
    sections = "".join(f'<span class="tag">{e(s)}</span>' for s in r.get("sections") or [])

    meta = " · ".join(
        e(x) for x in (r.get("agency") or "（未注明机构）", r.get("year") or "年份不详")
    )
    back = "/?" + urlencode({"q": query}) if query else "/"
    note = ""
    if terms:
        words = "".join(f"<mark>{e(t)}</mark> " for t in dict.fromkeys(terms))
        note = f'<p class="term-note">已标出检索词 {words}· 共 {n_marks} 处</p>'
    toc_html = (
        f'<h2 class="side-title">目录</h2><ol class="toc-list">{"".join(toc)}</ol>' if toc else ""
    )
    return (
        _head(f"{title} · gongkai", "report.js")
        + '<body class="page-report">'
        + _topbar(query)
        + '<div class="layout">'
        + '<nav class="sidebar toc" aria-label="目录">'
        + f'<a class="back-link" id="back-link" href="{e(back)}">← 返回检索结果</a>'
        + toc_html
        + "</nav>"
        + '<main class="report" id="report">'
        + '<header class="report-head">'
        + f'<div class="report-meta">{meta}</div>'
        + f"<h1>{e(title)}</h1>"
        + f'<dl class="report-facts">{"".join(facts)}</dl>'
        + (f'<div class="report-sections">{sections}</div>' if sections else "")
        + note
        + "</header>"
        + "".join(body)
        + "</main></div></body></html>\n"
    )


def not_found_page() -> str:
    return (
        _head("找不到这份报告 · gongkai")
        + '<body class="page-report">'
        + _topbar()
        + '<div class="layout single"><main class="report"><div class="notice">'
        + "<h1>找不到这份报告</h1><p>索引中没有这个编号的报告，它可能已被删除或重新导入。</p>"
        + '<p><a href="/">返回检索</a></p></div></main></div></body></html>\n'
    )
