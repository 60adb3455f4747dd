"""The fast evaluator (numpy over postings) finds exactly the passages a brute-force scan of the
stored text finds, for every construct of the query language. Phrases match the normalized text
with punctuation and spacing ignored (“以公开为原则，不公开为例外” also finds 以公开为原则、不公开为例外)."""

import re

import numpy as np
import pytest

from index.normalize import normalize
from search import match
from search import query as ql

QUERIES = [
    "依申请公开",
    "政务公开 培训",
    '"政务公开"',
    '"务公开工"',
    "公开 -依申请",
    "最多跑一次 OR 一网通办",
    "(监督 OR 考核) 制度",
    "year:2012-2015",
    "section:主动公开 公开",
    "agency:平房区",
    "agency:区 -政务",
    "信息公开 year:2017 section:依申请公开",
    '"2017年"',
    "税",
    '"12345热线"',
    "NOT 公开",
    "收费 OR 减免 OR 复议",
    '"以公开为原则，不公开为例外"',
    "政府信息公开工作年度报告",
]
REAL = [
    "社会主义 -资本主义",
    '"全面建成小康社会"',
    "宪法草案",
    "改革 开放 year:1978-1990",
    '"人民代表大会"',
    "扶贫 -精准 year:1990-2025",
]


def words(text):
    return re.sub(r"[\W_]+", "", normalize(text))


def brute(engine, text):
    """Evaluate the parsed query by scanning every stored passage."""
    s, _ = engine.searcher()
    passages = {
        d: f
        for d, f in ((d, s.stored_fields(d)) for d in engine.searcher()[1].passage_docs.tolist())
    }
    norm = {d: words(f["text"]) for d, f in passages.items()}

    def ev(node):
        if isinstance(node, ql.Word):
            pieces = ql.pieces(node)
            return {d for d in passages if all(words(p) in norm[d] for p in pieces)}
        if isinstance(node, ql.Filter):
            if node.field == "year":
                a, b = ql.parse_year(node.value)
                return {d for d, f in passages.items() if a <= (f.get("year") or 0) <= b}
            if node.field == "section":
                return {d for d, f in passages.items() if f["section"] == node.value}
            return {
                d
                for d, f in passages.items()
                if f["agency"] and normalize(node.value) in normalize(f["agency"])
            }
        if isinstance(node, ql.Not):
            return set(passages) - ev(node.node)
        sets = [ev(n) for n in node.nodes]
        return set.union(*sets) if isinstance(node, ql.Or) else set.intersection(*sets)

    return sorted(ev(ql.parse(text)))


def fast(engine, text):
    s, cols = engine.searcher()
    return match.evaluate(match.Context(s, cols), ql.plan_text(text).match).tolist()


@pytest.mark.parametrize("text", QUERIES)
def test_samples(samples_engine, text):
    assert fast(samples_engine, text) == brute(samples_engine, text)


@pytest.mark.parametrize("text", REAL)
def test_real_corpus(real_index, text):
    from search.engine import Engine

    engine = Engine(real_index)
    got = fast(engine, text)
    assert got and got == brute(engine, text)


def test_search_totals_use_the_same_sets(samples_engine):
    for text in QUERIES:
        assert samples_engine.search(text, limit=0)["total"] == len(brute(samples_engine, text))
    assert np.all(np.diff(samples_engine.searcher()[1].passage_docs) > 0)
