"""HTML pages to lines: find the article body, keep tables (a row per line), read the meta
tags that government CMSs emit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from corpus.clean import join_cjk

# Containers used by the common government CMSs (TRS WCM, Hanweb, Ucap, Dayang …), most specific first.
BODY_SELECTORS = [
    "#zoom",
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#UCAP-CONTENT",
    ".article-content",
    ".article_content",
    "#fontzoom",
    ".pages_content",
    ".Custom_UnionStyle",
    "#Zoom",
    ".zoom",
    ".content-text",
    ".news_content",
    ".artcon",
    ".wzcon",
    "#content_text",
    ".detail-content",
    ".art_con",
    "article",
    ".article",
    "#content",
    ".content",
]
_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "iframe",
    "nav",
    "footer",
    "select",
    "button",
    "input",
    "textarea",
    "svg",
    "canvas",
    "object",
    "embed",
    "template",
    "head",
]
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
    "blockquote",
    "pre",
    "center",
    "dl",
    "dt",
    "dd",
    "form",
    "header",
    "aside",
    "main",
    "body",
    "html",
    "tbody",
    "thead",
    "tfoot",
    "caption",
    "address",
    "figure",
    "figcaption",
    "hr",
}
_CHROME_CLASS = re.compile(
    r"(^|[\s_-])(nav|menu|breadcrumb|crumb|share|bdshare|footer|foot|header|top|toolbar|"
    r"position|location|sidebar|related|relate|xgwz|print|qrcode|ewm|copyright|pager|pagination|"
    r"login|search)([\s_-]|$)",
    re.I,
)
_META_NAMES = {
    "articletitle": "title",
    "title": "title",
    "pubdate": "published",
    "firstpublishedtime": "published",
    "publishdate": "published",
    "contentsource": "source",
    "source": "source",
    "author": "author",
    "sitename": "site",
    "columnname": "column",
    "url": "url",
    "og:url": "url",
    "og:title": "title",
}


# Parsing costs about 1.5 s a MB (BeautifulSoup's tree, then the body search), linear in size
# (measured on a 15 MB table: docs/benchmarks.md). Report pages are 10-200 KB; a bigger page is
# refused so one file cannot hold an ingest for minutes.
MAX_HTML_MB = 3


class PageTooLarge(ValueError):
    """An HTML page past MAX_HTML_MB; the message is the reason shown for the file."""


@dataclass
class HtmlDoc:
    meta: dict[str, str] = field(default_factory=dict)
    page_title: str = ""
    headline: str = ""
    body_lines: list[str] = field(default_factory=list)
    page_lines: list[str] = field(default_factory=list)  # whole page, for labelled header fields


SHORT_CELL = 24  # characters: a table's header or figure cell, not a page laid out in a table


def _cell_text(cell: Tag) -> str:
    """A table cell's text on one line. A short cell's pieces (the <p>s a narrow cell wraps
    one word into: 法律 / 服务 / 机构) are one text, with no space between Chinese characters."""
    text = " ".join(cell.get_text(" ", strip=True).split())
    return join_cjk(text) if len(text.replace(" ", "")) <= SHORT_CELL else text


def _lines(el: Tag) -> list[str]:
    """Text of `el` with a line per block element and a line per table row (cells joined by ' | ')."""
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            line = "".join(buf).strip()
            if line:
                out.append(line)
            buf.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                # a word split over the page source's lines, within one text: one word
                buf.append(join_cjk(str(child), breaks_only=True).replace("\n", " "))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                flush()
            elif name == "tr":
                flush()
                cells = [_cell_text(c) for c in child.find_all(["td", "th"], recursive=False)]
                cells = [c for c in cells if c]
                if cells:
                    out.append(" | ".join(cells))
            elif name in _BLOCK:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(el)
    flush()
    return out


def _text_len(el: Tag) -> int:
    return len(re.sub(r"\s+", "", el.get_text()))


def _density_pick(body: Tag) -> Tag:
    """Readability-style fallback: credit each run of non-link text to its nearest block
    ancestor (and half to the one above); the best-scoring block is the article."""
    scores: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    for s in body.find_all(string=True):
        if isinstance(s, Comment) or s.find_parent("a") is not None:
            continue
        n = len(re.sub(r"\s+", "", s))
        if n < 8:
            continue
        weight = n + 10 * (s.count("，") + s.count("。") + s.count(","))
        parent = s.parent
        while parent is not None and parent.name not in ("div", "td", "article", "section", "body"):
            parent = parent.parent
        for factor in (1.0, 0.5):
            if parent is None:
                break
            scores[id(parent)] = scores.get(id(parent), 0.0) + weight * factor
            nodes[id(parent)] = parent
            parent = parent.find_parent(["div", "td", "article", "section", "body"])
    if not scores:
        return body
    return nodes[max(scores, key=scores.__getitem__)]


def parse_html(text: str) -> HtmlDoc:
    size = len(text.encode("utf-8", "surrogatepass")) / 1e6
    if size > MAX_HTML_MB:
        raise PageTooLarge(
            f"HTML page too large to parse ({size:.1f} MB; pages up to {MAX_HTML_MB} MB are read)"
        )
    soup = BeautifulSoup(text, "lxml")
    doc = HtmlDoc()
    for m in soup.find_all("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        key = _META_NAMES.get(name)
        content = (m.get("content") or "").strip()
        if key and content and key not in doc.meta:
            doc.meta[key] = content
    canonical = soup.find("link", rel="canonical", href=True)
    if canonical and str(canonical["href"]).startswith(("http://", "https://")):
        doc.meta.setdefault("url", str(canonical["href"]).strip())
    if soup.title and soup.title.string:
        doc.page_title = soup.title.string.strip()

    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    root = soup.body or soup
    doc.page_lines = _lines(root)

    body: Tag | None = None
    for sel in BODY_SELECTORS:
        try:
            found = [el for el in root.select(sel) if _text_len(el) >= 50]
        except Exception:  # an odd selector on an odd page must not stop ingest
            continue
        if found:
            body = max(found, key=_text_len)
            break
    if body is None:
        chrome = []
        for el in root.find_all(["div", "ul", "section", "aside", "header"]):
            cls = " ".join(el.get("class") or []) + " " + (el.get("id") or "")
            if _CHROME_CLASS.search(cls):
                chrome.append(el)
        for el in chrome:
            if not el.decomposed:
                el.decompose()
        body = _density_pick(root)

    heads = [h.get_text(" ", strip=True) for h in root.find_all(["h1", "h2"])]
    heads += [
        el.get_text(" ", strip=True) for el in root.select(".title, .article-title, #title, .tit")
    ]
    doc.headline = next((h for h in heads if 4 <= len(h) <= 80), "")
    doc.body_lines = _lines(body)
    return doc
