"""The segmenter: gongkai indexes with rjieba (the Rust port of jieba) because it gives jieba's
tokens, domain dictionary included, many times faster. These tests are the proof that swapping
it in changed nothing a search can see: the same search-mode tokens as Python jieba on every
paragraph of the real work reports, and every word of index/domain_dict.txt kept whole by both."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from conftest import WORK_REPORTS, need_realdata

from index import segment

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def both():
    pytest.importorskip("rjieba", reason="rjieba is not installed: gongkai falls back to jieba")
    return segment._RJieba(), segment._Jieba()


def _tokens(seg, text: str) -> list[tuple[str, int, int]]:
    return [tuple(t) for t in seg.tokenize(text)]


def test_the_index_segments_with_rjieba(both):
    assert segment.segmenter().name == "rjieba"


def test_every_domain_word_is_one_token_in_context(both):
    """Each dictionary word, inside a sentence, comes out whole from both segmenters with the
    same offsets, and the dictionary is what does it: plain jieba splits most of them."""
    import jieba

    plain = jieba.Tokenizer()  # jieba's own dictionary only
    words = [w for w, _f, _t in segment._domain_words()]
    assert len(words) >= 50
    split_without_dict = 0
    for word in words:
        sentence = f"我们推进{word}工作"
        rj, jb = (_tokens(s, sentence) for s in both)
        assert rj == jb, word
        assert (word, 4, 4 + len(word)) in rj, (word, rj)
        if word not in [t for t, _s, _e in plain.tokenize(sentence, mode="search")]:
            split_without_dict += 1
    assert split_without_dict > len(words) // 2


def test_rjieba_gives_jiebas_tokens_on_the_real_corpus(both):
    """Search-mode tokens with offsets (what the index is fed), paragraph by paragraph after
    gongkai's normalization. The only differences allowed are in runs of Latin letters and
    digits (on this corpus: rjieba also emits `pm2` inside `pm2.5`): no Chinese token may
    differ, and the differences stay rare."""
    need_realdata()
    from index.normalize import normalize

    rj, jb = both
    paragraphs = [
        normalize(line)
        for row in map(json.loads, WORK_REPORTS.read_text(encoding="utf-8").splitlines())
        for line in row["content"].splitlines()
        if line.strip()
    ]
    assert len(paragraphs) > 5000
    total = differing = 0
    for text in paragraphs:
        a, b = _tokens(rj, text), _tokens(jb, text)
        total += len(b)
        if a == b:
            continue
        ca, cb = Counter(a), Counter(b)
        diff = (ca - cb) + (cb - ca)
        differing += sum(diff.values())
        assert not [t for t in diff if CJK.search(t[0])], (text[:80], diff)
    assert total > 500_000
    assert differing / total < 1e-4, (differing, total)


def test_a_query_word_and_the_indexed_word_agree(both):
    """Query terms are cut in accurate mode; the index holds search-mode tokens. A dictionary
    word typed as a query must be a single term that the index holds for the same text."""
    text = "全面推行一网通办和最多跑一次改革"
    assert segment.cut("一网通办") == ["一网通办"]
    assert "一网通办" in [t for t, _s, _e in segment.tokenize(text)]
