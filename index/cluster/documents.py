"""Rows for the cluster's RT indexes, from gongkai's own analysis (index/whoosh_ext/bulk.py
`analyse`: the very terms the local index holds). Terms travel as ASCII tokens so that searchd's
tokenizer (charset `0..9, a..z`) splits on the spaces gongkai put there and nowhere else:

- `words`: the jieba search-mode words, each as `w` + a 64-bit hash (ranking);
- `grams`: the bigrams of the squeezed text in order, `g` + two code points in hex: a phrase
  of two or more characters is a phrase query over consecutive bigrams;
- `chars`: each character of the squeezed text, `c` + its code point (one-character queries);
- `meta`: `zall` on every passage, `zrep` on report rows, and filter tokens (year, section,
  agency) so filters combine with words under AND/OR/NOT inside one MATCH."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from whoosh.util.numeric import byte_to_length, length_to_byte

from corpus.model import Report, stable_id
from corpus.sections import SECTIONS
from index import sentences
from index.analysis import words_and_plain

PASSAGE, REPORT, ALIAS = 0, 1, 2  # ALIAS: another source of a report (a copy)
ALL = "zall"  # on every passage: the positive side of a pure negation
REPORT_TOKEN = "zrep"
NONE = "znone"  # on nothing: a filter that matches no value
_ID_MASK = (1 << 63) - 1


@lru_cache(maxsize=1 << 18)  # a corpus repeats its words: hashing each once saves a third
def word_token(word: str) -> str:
    return "w" + hashlib.blake2b(word.encode("utf-8"), digest_size=8).hexdigest()


@lru_cache(maxsize=1 << 16)
def _code(ch: str) -> str:
    """A character as the six hex digits of its code point (the part of its tokens)."""
    return f"{ord(ch):06x}"


def gram_token(gram: str) -> str:
    """A bigram (or the lone character of a one-letter passage) as one token."""
    return "g" + "".join(map(_code, gram))


def char_token(ch: str) -> str:
    return "c" + _code(ch)


def text_fields(plain: str) -> tuple[str, str]:
    """The `grams` and `chars` fields of a squeezed text: `gram_token` of each of its
    bigrams (index/analysis.py `bigrams`: a lone letter stands alone) and `char_token` of each
    character, built from each character's code once (the bigrams would convert it twice)."""
    codes = list(map(_code, plain))
    if len(codes) < 2:
        grams = "g" + codes[0] if codes else ""
    else:
        grams = " ".join(["g" + a + b for a, b in zip(codes, codes[1:], strict=False)])
    return grams, " ".join(["c" + c for c in codes])


def year_token(year: int | None) -> str:
    return f"y{year or 0}"


def section_token(section: str) -> str:
    return f"s{SECTIONS.index(section)}" if section in SECTIONS else "s" + word_token(section)


def agency_token(agency: str) -> str:
    return "a" + word_token(agency)[1:]


def doc_id(hex_id: str) -> int:
    """A positive 63-bit document id from gongkai's hex passage or report id."""
    return (int(hex_id[:16], 16) & _ID_MASK) or 1


def report_key(report_id: str) -> int:
    """The report as a number (COUNT(DISTINCT) and shard choice need one)."""
    return int(report_id[:15], 16)


def shard_of(report_id: str, shards: int) -> int:
    """A report's passages all live on one shard, so per-shard distinct counts add up."""
    return report_key(report_id) % shards


def report_rows(report: Report) -> list[dict]:
    """The report's passage rows and, last, its report row (the one that records the
    content hash: a report is whole once that row is there with its hash)."""
    common = {
        "rid": report_key(report.report_id),
        "report_id": report.report_id,
        "agency": report.agency,
        "year": report.year or 0,
        "title": report.title,
        "published": report.published or "",
        "source": report.source,
        "url": report.url or "",
    }
    meta = [year_token(report.year), agency_token(report.agency)]
    rows = []
    for p in report.passages:
        words, plain = words_and_plain(p.text)
        grams, chars = text_fields(plain)
        rows.append(
            {
                **common,
                "id": doc_id(p.passage_id),
                "kind": PASSAGE,
                "passage_id": p.passage_id,
                "words": " ".join(map(word_token, words)),
                "grams": grams,
                "chars": chars,
                "meta": " ".join([ALL, *meta, section_token(p.section)]),
                "wlen": len(words),
                "qlen": int(byte_to_length(length_to_byte(len(words)))) if words else 0,
                "section": p.section,
                "heading": p.heading,
                "text": p.text,
                "ord": p.order,
            }
        )
    rows.append(
        {
            **common,
            "id": doc_id(report.report_id),
            "kind": REPORT,
            "meta": " ".join([REPORT_TOKEN, *meta]),
            "source_key": report.source_key,
            "content_hash": report.content_hash,
            "sections": json.dumps(report.sections, ensure_ascii=False),
            "npassages": len(report.passages),
            "stats": json.dumps(report.stats, ensure_ascii=False) if report.stats else "",
            "headings": json.dumps(report.headings, ensure_ascii=False),
            "provenance": json.dumps(report.provenance, ensure_ascii=False),
            "fingerprint": report.fingerprint or "",
            "sentences": sentences.encode(sentences.prints(p.text for p in report.passages)).hex(),
        }
    )
    return rows


def alias_row(doc: dict) -> dict:
    """index/writer.py's `alias_doc` (a copy of a report found under another source) as a row
    on its report's shard (so deleting the report by `rid` takes its copies too)."""
    return {
        "id": doc_id(stable_id("alias", doc["source_key"])),
        "kind": ALIAS,
        "rid": report_key(doc["report_id"]),
        "report_id": doc["report_id"],
        "source_key": doc["source_key"],
        "content_hash": doc["content_hash"],
        "source": doc.get("source") or "",
        "url": doc.get("url") or "",
        "meta": "zalias",
    }
