"""corpus/html.py's rules on lxml's own tree, for big pages (a report with a 100,000-row list of
documents): the same meta fields, title, headline, body choice and lines, without
BeautifulSoup's tree of Python objects. Every walk is iterative, so no page nests deep enough
to exhaust the stack (and libxml2 stops nesting at 256 levels)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from corpus.html import (
    BLOCK_TAGS,
    BODY_SELECTORS,
    CHROME_CLASS,
    DROP_TAGS,
    META_NAMES,
    HtmlDoc,
    Lines,
)

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_WS = re.compile(r"\s+")
_DENSITY_BLOCKS = ("div", "td", "article", "section", "body")


def _is_element(node) -> bool:
    return isinstance(node.tag, str)  # comments and processing instructions have callables


def _walk_strings(el) -> Iterator[tuple[str, object]]:
    """Every text node under `el` in document order, with the element that holds it (comments
    skipped, the text after them kept): libxml2 walks the tree."""
    for s in el.xpath(".//text()"):
        holder = s.getparent()
        yield str(s), (holder.getparent() if s.is_tail else holder)


def _text(el) -> str:
    return "".join(el.itertext())  # comments' own text left out, as BeautifulSoup does


def _get_text(el) -> str:
    """BeautifulSoup's get_text(" ", strip=True): the stripped pieces joined by spaces."""
    return " ".join(p for p in (t.strip() for t in el.itertext()) if p)


def _text_len(el) -> int:
    return len(_WS.sub("", _text(el)))


def _lines(el) -> list[str]:
    """corpus/html.py's _lines: a line per block element, a line per table row."""
    sink = Lines()
    flush = sink.flush
    if el.text:
        sink.text(el.text)
    # (element, its children, whether it is a block) — a block flushes on entry and exit
    stack: list = [(el, iter(el), False)]
    while stack:
        node, it, block = stack[-1]
        child = next(it, None)
        if child is None:
            stack.pop()
            if block:
                flush()
            if node is not el and node.tail:
                sink.text(node.tail)
            continue
        if not _is_element(child):
            if child.tail:
                sink.text(child.tail)
            continue
        name = child.tag
        if name == "br":
            flush()
            if child.tail:
                sink.text(child.tail)
        elif name == "tr":
            sink.row([_get_text(c) for c in child if _is_element(c) and c.tag in ("td", "th")])
            if child.tail:
                sink.text(child.tail)
        else:
            block = name in BLOCK_TAGS
            if block:
                flush()
            if child.text:
                sink.text(child.text)
            stack.append((child, iter(child), block))
    flush()
    return sink.out


def _drop(el) -> None:
    """Remove `el` and its subtree, keeping the text after it (lxml.html's drop_tree)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _xpath_for(selector: str) -> str:
    if selector.startswith("#"):
        return f".//*[@id='{selector[1:]}']"
    if selector.startswith("."):
        return f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {selector[1:]} ')]"
    return f".//{selector}"


def _ancestor(el, names: tuple[str, ...]):
    p = el
    while p is not None and (not _is_element(p) or p.tag not in names):
        p = p.getparent()
    return p


def _density_pick(body):
    scores: dict[int, float] = {}
    nodes: dict[int, object] = {}
    for s, holder in _walk_strings(body):
        if _ancestor(holder, ("a",)) is not None:
            continue
        n = len(_WS.sub("", s))
        if n < 8:
            continue
        weight = n + 10 * (s.count("，") + s.count("。") + s.count(","))
        parent = _ancestor(holder, _DENSITY_BLOCKS)
        for factor in (1.0, 0.5):
            if parent is None:
                break
            scores[id(parent)] = scores.get(id(parent), 0.0) + weight * factor
            nodes[id(parent)] = parent
            parent = _ancestor(parent.getparent(), _DENSITY_BLOCKS)
    if not scores:
        return body
    return nodes[max(scores, key=scores.__getitem__)]


def parse_html_fast(text: str) -> HtmlDoc:
    doc = HtmlDoc()
    try:  # plain elements, not lxml.html's classes: no Python lookup per element
        tree = etree.fromstring(_XML_DECL.sub("", text, count=1), etree.HTMLParser())
    except (etree.ParserError, ValueError):
        return doc
    if tree is None:
        return doc
    for m in tree.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        key = META_NAMES.get(name)
        content = (m.get("content") or "").strip()
        if key and content and key not in doc.meta:
            doc.meta[key] = content
    for link in tree.iter("link"):
        href = (link.get("href") or "").strip()
        if "canonical" in (link.get("rel") or "").lower().split() and href:
            if href.startswith(("http://", "https://")):
                doc.meta.setdefault("url", href)
            break
    title = next(tree.iter("title"), None)
    if title is not None and len(title) == 0 and title.text:
        doc.page_title = title.text.strip()

    for tag in list(tree.iter(*DROP_TAGS)):
        _drop(tag)
    bodies = tree.xpath("//body")
    root = bodies[0] if bodies else tree
    doc.page_lines = _lines(root)

    body = None
    for sel in BODY_SELECTORS:
        found = [el for el in root.xpath(_xpath_for(sel)) if _text_len(el) >= 50]
        if found:
            body = max(found, key=_text_len)
            break
    if body is None:
        chrome = []
        for el in root.iter("div", "ul", "section", "aside", "header"):
            cls = " ".join((el.get("class") or "").split()) + " " + (el.get("id") or "")
            if CHROME_CLASS.search(cls):
                chrome.append(el)
        for el in chrome:
            _drop(el)
        body = _density_pick(root)

    heads = [_get_text(h) for h in root.iter("h1", "h2")]
    heads += [
        _get_text(el)
        for el in root.xpath(
            " | ".join(_xpath_for(s) for s in (".title", ".article-title", "#title", ".tit"))
        )
    ]
    doc.headlines = [h for h in heads if 4 <= len(h) <= 80][:20]
    doc.headline = doc.headlines[0] if doc.headlines else ""
    doc.body_lines = _lines(body)
    return doc
