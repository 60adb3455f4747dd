"""How much one query may cost: the bounds, in one place, and the checks that apply them.

Measured on the real corpus (88 reports, 6,439 passages; docs/benchmarks.md, "Query cost"):
a query's time goes into the posting lists it reads. A word of two or more characters reads a
handful (its rarest bigrams, its jieba word); a single character reads every bigram that holds
it — 的 is 2,498 posting lists, about 0.15 s; reading costs ~60-100 µs a list (before, a single
character scanned the whole bigram lexicon, 0.6 s each: 40 of them OR-ed took 19 s). A NOT is
one set difference over all passages. So the parser bounds the shape (length, terms, NOTs,
nesting), the evaluator counts the posting lists a query will read before reading them, and a
time budget stops anything left that runs long: a bound is refused with a one-line reason
(HTTP 400 / exit 2), the time budget with HTTP 503 / exit 2 — never an answer after minutes."""

from __future__ import annotations

import os
import time

from index.settings import (
    MAX_DEPTH,
    MAX_NOTS,
    MAX_POSTING_LISTS,
    MAX_TERMS,
    TIME_BUDGET,
)
from search.query import QueryError

__all__ = ["MAX_DEPTH", "MAX_NOTS", "MAX_POSTING_LISTS", "MAX_TERMS"]


class QueryTooCostly(QueryError):
    """A query refused before it runs because it would cost too much."""


class QueryTimeout(QueryError):
    """A query stopped because it ran past the time budget."""

    def __init__(self, budget: float):
        self.budget = budget
        super().__init__(
            f"the query ran past the time budget of {budget:g} s and was stopped; "
            "narrow it (longer words, fewer single characters or ORs)",
            "time_budget",
            budget=f"{budget:g}",
        )


def time_budget(value: float | str | None = None) -> float:
    """The time budget in seconds: `value` if given, else GONGKAI_TIME_BUDGET, else
    TIME_BUDGET. 0 means no budget."""
    if value is None:
        value = os.environ.get("GONGKAI_TIME_BUDGET", TIME_BUDGET)
    try:
        budget = float(value)
    except ValueError:
        raise ValueError(f"time budget must be a number of seconds, not {value!r}") from None
    if budget < 0:
        raise ValueError("time budget must not be negative")
    return budget


def check_depth(depth: int) -> None:
    """Called by the parser at each nesting level it enters."""
    if depth > MAX_DEPTH:
        raise QueryTooCostly(
            f"query nested too deeply: at most {MAX_DEPTH} levels of ( ) and NOT",
            "too_deep",
            limit=MAX_DEPTH,
        )


def check_shape(terms: int, nots: int) -> None:
    """Called once the query is parsed and its words are split."""
    if terms > MAX_TERMS:
        raise QueryTooCostly(
            f"too many terms ({terms}): at most {MAX_TERMS}",
            "too_many_terms",
            terms=terms,
            limit=MAX_TERMS,
        )
    if nots > MAX_NOTS:
        raise QueryTooCostly(
            f"too many NOTs ({nots}): at most {MAX_NOTS}",
            "too_many_nots",
            nots=nots,
            limit=MAX_NOTS,
        )


class Budget:
    """One query's running cost: posting lists read so far and its deadline."""

    def __init__(self, seconds: float | None = None):
        self.seconds = time_budget() if seconds is None else seconds
        self.deadline = time.monotonic() + self.seconds if self.seconds else None
        self.lists = 0

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryTimeout(self.seconds)

    def read(self, lists: int) -> None:
        """Account for `lists` more posting lists about to be read."""
        self.lists += lists
        if self.lists > MAX_POSTING_LISTS:
            raise QueryTooCostly(
                f"query too costly: it reads more than {MAX_POSTING_LISTS:,} posting lists "
                "(each single character reads every pair of characters holding it); "
                "use longer words or fewer single characters",
                "too_costly",
                limit=f"{MAX_POSTING_LISTS:,}",
            )
        self.check()
