"""The pages: the search page (a template around the static ES modules of static/), the
report view (server-rendered, so it works without JavaScript and can be linked to a
passage), the embeddable widget and the assets. Every value from the index is escaped by the
templates; the only markup taken from the engine is the <mark> that `search.highlight.mark`
puts around query terms in escaped text. No route reads a file chosen by the request: the
assets are a fixed list read at startup."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from index.settings import MAX_QUERY_CHARS
from search.choices import KWIC_SORTS, STATS_RATES
from search.engine import NotFound
from search.highlight import mark
from search.query import QueryError, plan_text
from search.render.stats_html import PARTS, stats_tables
from search.results import LABELS, NO_AGENCY, NO_TITLE, NO_YEAR, guessed
from search.web.api import check_report_id
from search.web.engines import Engines
from search.web.errors import WebError
from search.web.formats import file_name
from search.web.messages import ERRORS_ZH

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
JS = "text/javascript; charset=utf-8"
MEDIA = {".css": "text/css; charset=utf-8", ".js": JS, ".svg": "image/svg+xml"}
# The page's modules (static/*.js, static/views/*.js) import each other by relative URL.
SCRIPTS = ["app.js", "dom.js", "api.js", "state.js", "report.js", "yoy.js", "embed.js"]
# What a host page's widget imports (widget.js → embed.js → dom.js, labels.js): readable from
# any origin, as a <script src> is, so the widget shows itself (and its error) on a page whose
# origin --cors-origin does not allow; the API's answers stay limited to the allowed ones.
# The page's styles, each beside the component it styles, in cascade order (base.html links them
# in this order; narrow.css overrides the components before it on narrow screens).
STYLES = [
    "page.css",
    "views/facets.css",
    "views/results.css",
    "views/empty.css",
    "views/intro.css",
    "report.css",
    "views/tabs.css",
    "views/actions.css",
    "views/compare.css",
    "views/trend.css",
    "views/kwic.css",
    "narrow.css",
    "views/stats.css",
    "yoy.css",
]
WIDGET_MODULES = frozenset({"embed.js", "dom.js", "labels.js"})
VIEWS = [
    "results",
    "facets",
    "actions",
    "similar",
    "compare",
    "trend",
    "kwic",
    "stats",
    "intro",
    "empty",
    "diff",
    "reuse",
]

# Our own pages load only our own assets; the widget runs in a host page we don't control.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}


def _finalize(value) -> Markup:
    """Every {{ value }}: None as nothing, else escaped as html.escape does (quotes too)."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value), quote=True))


TEMPLATES = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    finalize=_finalize,
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.globals.update(max_query=MAX_QUERY_CHARS, styles=STYLES)


# -- assets -----------------------------------------------------------------------------------
def labels_module() -> str:
    """static/labels.js, written from search/results.py, messages.py and search/choices.py:
    the page never spells a label, an error message or an option's values."""
    tables = (
        ("LABELS", LABELS),
        ("ERRORS", ERRORS_ZH),
        ("KWIC_SORTS", KWIC_SORTS),
        ("RATES", STATS_RATES),
    )
    return "".join(
        f"export const {name} = Object.freeze({json.dumps(table, ensure_ascii=False)});\n"
        for name, table in tables
    )


def load_assets() -> dict[str, tuple[bytes, str]]:
    """URL name → (bytes, media type): the only files the app serves, each as it is on disk
    (labels.js is written from the tables it holds)."""
    names = [*STYLES, "favicon.svg", "widget.js", *SCRIPTS, *(f"views/{v}.js" for v in VIEWS)]
    texts = {n: (STATIC_DIR / n).read_text(encoding="utf-8") for n in names}
    texts["labels.js"] = labels_module()
    return {n: (t.encode(), MEDIA[Path(n).suffix]) for n, t in texts.items()}


# -- the report view ----------------------------------------------------------------------------
def query_terms(q: str | None) -> list[str]:
    """The words a query highlights (as the search page marks them); [] for none or a bad
    query (the report view just shows the report unmarked)."""
    if not q or not q.strip():
        return []
    try:
        return list(plan_text(q).highlights)
    except QueryError:
        return []


@dataclass
class Block:
    """One passage of the report view as the template draws it."""

    passage_id: str
    text: Markup
    lead: Markup | None = None  # a run-in heading: （一）加强领导。正文…
    chosen: bool = False
    ocr: bool = False  # read through OCR from a page image: marked 〔OCR〕


@dataclass
class Group:
    """Consecutive passages under the same heading."""

    heading: str
    section: str
    section_label: str | None = None  # shown when the section changes
    heading_html: Markup | None = None
    heading_id: str = ""
    heading_chosen: bool = False  # a heading-only passage that is the chosen one
    sub: bool = False  # （一） or 1. headings: a level down
    blocks: list[Block] = field(default_factory=list)
    table: Markup | None = None  # the standard table under this heading (search/render/stats_html)
    table_rows: list[Block] = field(default_factory=list)  # its rows as text, folded below it

    @property
    def table_rows_open(self) -> bool:
        return any(b.chosen for b in self.table_rows)


# The headings the standard tables stand under (二、主动公开… 三、收到和处理… 四、…复议、…诉讼…).
TABLE_HEADINGS = {
    "active": re.compile(r"主动公开.*情况"),
    "requests": re.compile(r"收到和处理|依申请公开.*情况"),
    "review": re.compile(r"行政复议.*行政诉讼|复议.*诉讼情况"),
    "table_2008": re.compile(r"统计表"),  # 附件1：…政府信息公开情况统计表
}


def place_tables(groups: list[Group], stats: dict | None) -> list[Markup]:
    """Each standard table of `stats` under its heading, the group's rows as text (` | `
    lines, still searchable and linkable) folded below it; the tables whose heading the text
    does not carry (a flattened crawl) are returned, for the end of the report."""
    tables = stats_tables(stats) if stats else {}
    for g in groups:
        part = next(
            (k for k, words in TABLE_HEADINGS.items() if k in tables and words.search(g.heading)),
            None,
        )
        if part:
            g.table = Markup(tables.pop(part))
            g.table_rows = [b for b in g.blocks if " | " in str(b.text)]
            g.blocks = [b for b in g.blocks if " | " not in str(b.text)]
    return [Markup(tables[k]) for k in PARTS if k in tables]


def _is_web_url(url) -> bool:
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


def report_groups(passages: list, chosen: str | None, terms: list[str]) -> list[Group]:
    """The passages in order under their headings; a heading-only passage is the heading,
    a heading the text starts with is not repeated."""

    def marked(text: str) -> Markup:
        return Markup(mark(text, terms)) if terms else _finalize(text)

    groups: list[Group] = []
    for p in passages:
        heading = (p.get("heading") or "").strip()
        if groups and groups[-1].heading == heading:
            groups[-1].blocks.append(Block(p["passage_id"], marked(p["text"])))
            groups[-1].blocks[-1].chosen = p["passage_id"] == chosen
            groups[-1].blocks[-1].ocr = bool(p.get("ocr"))
            continue
        g = Group(heading, p.get("section") or "", sub=heading[:1] in "(（0123456789")
        pid, text = p["passage_id"], p["text"]
        is_chosen = pid == chosen
        if not heading:
            g.blocks.append(Block(pid, marked(text), chosen=is_chosen, ocr=bool(p.get("ocr"))))
        elif text.strip() == heading:  # a heading-only passage: the heading is the passage
            g.heading_html, g.heading_id, g.heading_chosen = marked(heading), f"p-{pid}", is_chosen
        elif text.startswith(heading) and not text.startswith(heading + "\n"):
            g.heading_id = f"p-{pid}"
            lead = marked(heading)
            g.blocks.append(
                Block(
                    pid,
                    marked(text[len(heading) :]),
                    lead=lead,
                    chosen=is_chosen,
                    ocr=bool(p.get("ocr")),
                )
            )
        else:  # the heading above the text (its own first line is not repeated)
            if text.startswith(heading + "\n"):
                text = text[len(heading) + 1 :]
            g.heading_html, g.heading_id = marked(heading), f"h-{pid}"
            g.blocks.append(Block(pid, marked(text), chosen=is_chosen, ocr=bool(p.get("ocr"))))
        if g.section and (not groups or g.section != _last_section(groups)):
            g.section_label = g.section
        groups.append(g)
    return groups


def _last_section(groups: list[Group]) -> str | None:
    return next((g.section for g in reversed(groups) if g.section), None)


def report_page(report, *, chosen: str | None, query: str, terms: list[str]) -> str:
    r = report["report"]
    groups = report_groups(report["passages"], chosen, terms)
    extra_tables = place_tables(groups, r.get("stats"))
    n_marks = sum(
        str(x).count("<mark>")
        for g in groups
        for x in [
            g.heading_html or "",
            *(b.text for b in [*g.blocks, *g.table_rows]),
            *(b.lead or "" for b in g.blocks),
        ]
    )
    return TEMPLATES.get_template("report.html").render(
        r=r,
        title=r.get("title") or NO_TITLE,
        title_guessed=guessed(r.get("provenance"), "title"),
        inferred=LABELS["inferred"],
        meta=" · ".join(
            (
                (r.get("agency") or NO_AGENCY)
                + (
                    LABELS["inferred"]
                    if r.get("agency") and guessed(r.get("provenance"), "agency")
                    else ""
                ),
                str(r.get("year") or NO_YEAR),
            )
        ),
        n_passages=r.get("passages") or len(report["passages"]),
        url_is_web=_is_web_url(r.get("url")),
        url=file_name(r.get("url") or ""),
        source=file_name(r.get("source") or ""),
        copies=list(
            dict.fromkeys(file_name(c.get("source") or "") for c in (r.get("sources") or [])[1:])
        ),
        groups=groups,
        extra_tables=extra_tables,
        query=query,
        back="/?" + urlencode({"q": query}) if query else "/",
        terms=list(dict.fromkeys(terms)),
        n_marks=n_marks,
    )


def not_found_page() -> HTMLResponse:
    html_text = TEMPLATES.get_template("not_found.html").render(query="")
    return HTMLResponse(html_text, status_code=404, headers=PAGE_HEADERS)


# -- routes -------------------------------------------------------------------------------------
router = APIRouter(include_in_schema=False)
ASSETS = load_assets()
SEARCH_PAGE = TEMPLATES.get_template("search.html").render(query="", search_page=True).encode()


@router.get("/")
def page_search():
    return Response(SEARCH_PAGE, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


@router.get("/reports/{report_id}")
def page_report(engines: Engines, report_id: str, passage: str | None = None, q: str = ""):
    check_report_id(report_id)
    try:
        report = engines.call(lambda e: e.show(report_id))
    except NotFound as e:  # a link to a report since corrected: its new version's page
        if e.code != "replaced" or e.params.get("kind") != "report":
            raise
        new = e.params["replaced_by"]
        query = {k: v for k, v in (("passage", passage), ("q", q)) if v}
        return RedirectResponse(
            f"/reports/{new}" + (f"?{urlencode(query)}" if query else ""), status_code=301
        )
    page = report_page(report, chosen=passage, query=q, terms=query_terms(q))
    return HTMLResponse(page, headers=PAGE_HEADERS)


TOOL_PAGES = {
    name: TEMPLATES.get_template("tool.html").render(query="", title=title).encode()
    for name, title in (("diff", "年度对比"), ("reuse", "年报重复度"))
}


@router.get("/diff")
def page_diff():
    """年度对比: the page asks /api/diff with its own ?old=&new= (static/views/diff.js)."""
    return Response(TOOL_PAGES["diff"], media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


@router.get("/reuse")
def page_reuse():
    """年报重复度: the page asks /api/reuse with its own ?q=&agency=&year= (views/reuse.js)."""
    return Response(
        TOOL_PAGES["reuse"], media_type="text/html; charset=utf-8", headers=PAGE_HEADERS
    )


@router.get("/reports")
def reports_root():
    return RedirectResponse("/", status_code=307)


@router.get("/static/{name:path}")
def asset(name: str):
    if name not in ASSETS or name == "widget.js":
        raise WebError(404, "not found")
    data, media = ASSETS[name]
    headers = {"Cache-Control": "no-cache"}
    if name in WIDGET_MODULES:
        headers |= {
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
        }
    return Response(data, media_type=media, headers=headers)


@router.get("/widget.js")
def widget():
    # Loaded by <script src> from other origins: no CORS needed, no CSP (it is not a page).
    data, media = ASSETS["widget.js"]
    return Response(
        data,
        media_type=media,
        headers={"Cache-Control": "no-cache", "Cross-Origin-Resource-Policy": "cross-origin"},
    )
