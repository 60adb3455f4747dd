"""Plain text reports, including crawler exports: the crawler's header block (标题: …
发布时间: … 原文链接: …) becomes fields, never text, title or agency."""

from __future__ import annotations

from corpus.clean import crawler_header
from corpus.model import ParsedDoc

# Crawler fields that feed the same labelled-header rules as a portal's 发布机构：/发布日期： lines.
_AS_HEADER = {"published": "发布时间", "agency": "发布机构"}


def parse_text(text: str) -> ParsedDoc:
    lines = text.splitlines()
    fields, body = crawler_header(lines)
    doc = ParsedDoc(lines=body)
    for key, value in fields.items():
        if key in _AS_HEADER:
            doc.header[_AS_HEADER[key]] = value
        else:
            doc.hints[key] = value
            doc.provenance[key] = "header-line"
    return doc
