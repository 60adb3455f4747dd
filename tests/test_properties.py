"""Property-based tests: arbitrary Unicode never breaks the cleaner, analyzers, parser or highlighter."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.clean import clean_lines
from corpus.passages import make_passages
from index.analysis import gram_analyzer, word_analyzer
from index.normalize import normalize, normalize_with_offsets
from search.highlight import mark
from search.query import QueryError, parse

# Text that looks like what we ingest: CJK, full-width forms, ASCII, markup and odd code points.
pieces = st.sampled_from(
    [
        "政务公开",
        "依申请公开",
        "一、",
        "（二）",
        "憲法",
        "１２３",
        "<script>",
        "&amp;",
        "|",
        "。",
        "\n",
        " ",
        "\u3000",
        "ｆｕｌｌ",
        "ﬁ",
        "\u0301",
        "𠀀",
        "\x00",
        '"',
        "-",
        "OR",
        "(",
        ")",
    ]
)
texts = st.lists(st.one_of(st.text(max_size=20), pieces), max_size=40).map("".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(texts)
def test_normalize_is_idempotent_and_offsets_stay_in_bounds(text):
    norm = normalize(text)
    assert normalize(norm) == norm
    n2, offsets = normalize_with_offsets(text)
    assert normalize(n2) == norm
    if offsets is not None:
        assert len(offsets) == len(norm) + 1
        assert all(0 <= o <= len(text) for o in offsets)
        assert offsets == sorted(offsets)


@FAST
@given(texts)
def test_cleaner_and_passages_never_raise(text):
    lines, header = clean_lines(text.splitlines())
    assert all(isinstance(x, str) and x for x in lines)
    for p in make_passages(lines):
        assert 0 < len(p.text) <= 400


@FAST
@given(texts)
def test_analyzers_never_raise_and_offsets_point_into_the_text(text):
    for analyzer in (word_analyzer(), gram_analyzer()):
        for t in analyzer(text, positions=True, chars=True):
            assert t.text
            assert 0 <= t.startchar <= t.endchar <= len(text)


@FAST
@given(texts)
def test_parser_raises_only_query_errors(text):
    try:
        parse(text)
    except QueryError as e:
        assert "\n" not in str(e)


@FAST
@given(texts, st.lists(texts, max_size=4))
def test_highlighter_emits_no_markup_but_mark(text, terms):
    out = mark(text, terms)
    assert re.sub(r"</?mark>", "", out).count("<") == 0
    # removing the marks and unescaping gives the original text back
    import html

    assert html.unescape(re.sub(r"</?mark>", "", out)) == text
