"""Whoosh analyzers, built the Whoosh way: a tokenizer piped through small filters.

- `words`: normalized text segmented by jieba (search mode) — ranks whole-word matches.
- `grams`: overlapping CJK character bigrams plus Latin/digit runs — gives grep-like recall for
  any run of two or more characters, whatever jieba's word boundaries are.
Both tokenize the *normalized* text but report character offsets in the original."""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import Filter, Token, Tokenizer

from index import segment
from index.normalize import normalize_with_offsets

_WORDISH = re.compile(r"\w", re.U)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_RUNS = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)", re.U)


def _is_cjk(ch: str) -> bool:
    return bool(re.match(rf"[{_CJK}]", ch))


class _Base(Tokenizer):
    def _spans(self, text: str) -> Iterator[tuple[str, int, int]]:
        raise NotImplementedError

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        norm, offsets = normalize_with_offsets(value)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for word, s, e in self._spans(norm):
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + (offsets[s] if offsets else s)
                t.endchar = start_char + (offsets[e] if offsets else e)
            pos += 1
            yield t


class JiebaTokenizer(_Base):
    """Search-mode jieba words of the normalized text."""

    def _spans(self, text):
        return segment.tokenize(text)


class BigramTokenizer(_Base):
    """CJK runs as overlapping bigrams (a lone CJK character as itself); other word runs whole."""

    def _spans(self, text):
        for m in _RUNS.finditer(text):
            s, e = m.span()
            if m.group(1):
                if e - s == 1:
                    yield text[s:e], s, e
                for i in range(s, e - 1):
                    yield text[i : i + 2], i, i + 2
            else:
                yield m.group(0), s, e


class PunctuationFilter(Filter):
    """Drops tokens with no letter or digit in them (jieba emits punctuation and spaces)."""

    def __call__(self, tokens):
        for t in tokens:
            if _WORDISH.search(t.text):
                yield t


def word_analyzer():
    return JiebaTokenizer() | PunctuationFilter()


def gram_analyzer():
    return BigramTokenizer()


def grams_of(text: str) -> list[str]:
    """The bigram-field terms of already-normalized `text`, in order (for phrase queries)."""
    return [w for w, _s, _e in BigramTokenizer()._spans(text)]
