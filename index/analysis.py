"""Whoosh analyzers, built the Whoosh way: a tokenizer piped through small filters.

- `words`: normalized text segmented by jieba (search mode) — ranks whole-word matches.
- `grams`: overlapping character bigrams of the text with punctuation squeezed out — gives
  grep-like recall for any string of two or more characters, whatever jieba's word boundaries.
Both tokenize the *normalized* text but report character offsets in the original."""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Filter, Token, Tokenizer

from corpus.chars import LETTER, NOT_LETTER, WORDISH
from index import segment
from index.normalize import normalize, normalize_with_offsets


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
    """Overlapping bigrams of the text's letters and digits with punctuation and spaces
    squeezed out (see `squeeze`), so any phrase the squeezed text contains has all its bigrams
    in the passage: the bigram postings narrow a phrase to candidates, and the squeezed text
    (the `plain` column) confirms it. A passage of a single letter is indexed as that letter."""

    def _spans(self, text):
        chars = [m.start() for m in LETTER.finditer(text)]
        if len(chars) == 1:
            i = chars[0]
            yield text[i], i, i + 1, True
        for a, b in zip(chars, chars[1:], strict=False):
            yield text[a] + text[b], a, b + 1, True


class PunctuationFilter(Filter):
    """Drops tokens with no letter or digit in them (jieba emits punctuation and spaces)."""

    def __call__(self, tokens):
        for t in tokens:
            if WORDISH.search(t.text):
                yield t


def word_analyzer():
    return JiebaTokenizer() | PunctuationFilter()


def gram_analyzer():
    return BigramTokenizer()


def squeeze(text: str) -> str:
    """`text` without punctuation, spaces or underscores: what phrases are matched against, so
    "以公开为原则，不公开为例外" also finds 以公开为原则、不公开为例外."""
    return NOT_LETTER.sub("", text)


def bigrams(squeezed: str) -> list[str]:
    """The bigram-field terms of squeezed text, in order (a single letter stands alone)."""
    if len(squeezed) < 2:
        return [squeezed] if squeezed else []
    return [squeezed[i : i + 2] for i in range(len(squeezed) - 1)]


def grams_of(text: str) -> list[str]:
    """The bigram-field terms of already-normalized `text`, in order."""
    return bigrams(squeeze(text))


# -- the fields' terms in one call: what the bulk writer, the cluster and the matcher share ----
WORDS = "text"  # jieba words (scored, with lengths)
GRAMS = "grams"  # bigrams of the squeezed text
PLAIN = "plain"  # column: the squeezed normalized text, for confirming phrases


def analyse(text: str) -> tuple[list[str], list[str], str]:
    """(word terms, bigram terms, squeezed text) of a passage: the same terms the schema's
    analyzers give for the `text` and `grams` fields (tests/test_whoosh_contract.py holds them equal)."""
    words, plain = words_and_plain(text)
    return words, bigrams(plain), plain


def words_and_plain(text: str) -> tuple[list[str], str]:
    """`analyse` without the bigram list (the cluster makes its gram tokens from the squeezed
    text directly)."""
    norm = normalize(text)
    # isalnum() implies a \w character: it saves the regex for nearly every token
    words = [w for w, _s, _e in segment.tokenize(norm) if w.isalnum() or WORDISH.search(w)]
    return words, squeeze(norm)
