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
    def _spans(self, text: str) -> Iterator[tuple[str, int, int, bool]]:
        """(token, start, end, advance): advance=False puts the token at the previous position."""
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
        pos = start_pos - 1
        for word, s, e, advance in self._spans(norm):
            if advance:
                pos += 1
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
            yield t


class JiebaTokenizer(_Base):
    """Search-mode jieba words of the normalized text."""

    def _spans(self, text):
        for w, s, e in segment.tokenize(text):
            yield w, s, e, True


class BigramTokenizer(_Base):
    """CJK runs as overlapping bigrams, other word runs whole. A run's first and last characters
    are also indexed alone, at the positions of its first and last bigrams, so a phrase that
    ends (or starts) with a lone CJK character next to digits or Latin — "2017年" in 2017年度 —
    still lines up."""

    def _spans(self, text):
        for m in _RUNS.finditer(text):
            s, e = m.span()
            if not m.group(1):
                yield m.group(0), s, e, True
            elif e - s == 1:
                yield text[s:e], s, e, True
            else:
                for i in range(s, e - 1):
                    yield text[i : i + 2], i, i + 2, True
                    if i == s:
                        yield text[s], s, s + 1, False
                yield text[e - 1], e - 1, e, False


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
    """The bigram-field terms of already-normalized `text`, one per position, in order: the
    sequence a phrase query on that field must find."""
    return [w for w, _s, _e, advance in BigramTokenizer()._spans(text) if advance]
