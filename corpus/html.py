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
DROP_TAGS = [
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
BLOCK_TAGS = {
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
CHROME_CLASS = re.compile(
    r"(^|[\s_-])(nav|menu|breadcrumb|crumb|share|bdshare|footer|foot|header|top|toolbar|"
    r"position|location|sidebar|related|relate|xgwz|print|qrcode|ewm|copyright|pager|pagination|"
    r"login|search)([\s_-]|$)",
    re.I,
)
META_NAMES = {
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


# BeautifulSoup's tree costs about 3 s a MB (docs/benchmarks.md); report pages are 10-200 KB,
# but a report with a long list of documents or a big table runs to megabytes. Past this size a
# page is read on lxml's own tree, the same rules in a single pass, some ten times faster (the
# two give the same lines: tests/test_html.py). libxml2 bounds a hostile page's nesting (256).
FAST_PATH_BYTES = 1_000_000


@dataclass
class HtmlDoc:
    meta: dict[str, str] = field(default_factory=dict)
    page_title: str = ""
    headline: str = ""
    headlines: list[str] = field(default_factory=list)  # every <h1>/<h2>/.title, in order
    body_lines: list[str] = field(default_factory=list)
    page_lines: list[str] = field(default_factory=list)  # whole page, for labelled header fields


SHORT_CELL = 24  # characters: a table's header or figure cell, not a page laid out in a table


def _cell_text(text: str) -> str:
    """A table cell's text on one line. A short cell's pieces (the <p>s a narrow cell wraps
    one word into: 法律 / 服务 / 机构) are one text, with no space between Chinese characters."""
    text = " ".join(text.split())
    return join_cjk(text) if len(text.replace(" ", "")) <= SHORT_CELL else text


class Lines:
    """The lines a page's text makes: text runs joined until a block or <br> ends the line, a
    table row a line of its own (cells joined by ' | ', empty ones left out). Both parse paths
    (this module's and corpus/html_fast.py's) write through it."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self._buf: list[str] = []

    def text(self, s: str) -> None:
        # a word split over the page source's lines, within one text, is one word
        self._buf.append(join_cjk(s, breaks_only=True).replace("\n", " "))

    def flush(self) -> None:
        if self._buf:
            line = "".join(self._buf).strip()
            if line:
                self.out.append(line)
            self._buf.clear()

    def row(self, cells: list[str]) -> None:
        self.flush()
        cells = [_cell_text(c) for c in cells]
        cells = [c for c in cells if c]
        if cells:
            self.out.append(" | ".join(cells))


def _lines(el: Tag) -> list[str]:
    """Text of `el` with a line per block element and a line per table row (cells joined by ' | ')."""
    sink = Lines()
    flush = sink.flush

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                sink.text(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                flush()
            elif name == "tr":
                sink.row(
                    [
                        c.get_text(" ", strip=True)
                        for c in child.find_all(["td", "th"], recursive=False)
                    ]
                )
            elif name in BLOCK_TAGS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(el)
    flush()
    return sink.out


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


def parse_html(text: str, fast: bool | None = None) -> HtmlDoc:
    """The page's meta fields, title, headline, article lines and whole-page lines. `fast`
    chooses lxml's tree (default: for pages over FAST_PATH_BYTES)."""
    if fast is None:
        fast = len(text) > FAST_PATH_BYTES // 3 and len(text.encode("utf-8", "replace")) > (
            FAST_PATH_BYTES
        )
    if fast:
        from corpus.html_fast import parse_html_fast

        return parse_html_fast(text)
    soup = BeautifulSoup(text, "lxml")
    doc = HtmlDoc()
    for m in soup.find_all("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        key = META_NAMES.get(name)
        content = (m.get("content") or "").strip()
        if key and content and key not in doc.meta:
            doc.meta[key] = content
    canonical = soup.find("link", rel="canonical", href=True)
    if canonical and str(canonical["href"]).startswith(("http://", "https://")):
        doc.meta.setdefault("url", str(canonical["href"]).strip())
    if soup.title and soup.title.string:
        doc.page_title = soup.title.string.strip()

    for tag in soup.find_all(DROP_TAGS):
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
            if CHROME_CLASS.search(cls):
                chrome.append(el)
        for el in chrome:
            if not el.decomposed:
                el.decompose()
        body = _density_pick(root)

    heads = [h.get_text(" ", strip=True) for h in root.find_all(["h1", "h2"])]
    heads += [
        el.get_text(" ", strip=True) for el in root.select(".title, .article-title, #title, .tit")
    ]
    doc.headlines = [h for h in heads if 4 <= len(h) <= 80][:20]
    doc.headline = doc.headlines[0] if doc.headlines else ""
    doc.body_lines = _lines(body)
    return doc
