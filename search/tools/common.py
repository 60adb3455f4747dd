"""What the journalist tools share: the full set of passages a query matches (not just the top
hits), the passages that pass some filters, a passage by id and a searcher of one's own. It all
goes through the engine's one matching path, so the tools agree with `search` exactly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from index.settings import MIN_ID_PREFIX
from search import query as ql
from search.backend import REPORT_ID, Columns, NotFound, SearchEngine, Searcher, missing
from search.choices import BY, By  # noqa: F401 - (re-exported for the tools)

QueryError = ql.QueryError
PASSAGE_ID = REPORT_ID  # passage ids are written as report ids are


@dataclass
class Matches:
    """Every passage a query matches: `docs` are the engine's docnums, sorted."""

    searcher: Searcher
    cols: Columns
    plan: ql.Plan | None  # None: no query and no filters (every passage)
    docs: np.ndarray
    engine: SearchEngine

    def scores(self) -> np.ndarray:
        """Each matching passage's score, aligned with `docs`: the ranking `search` uses."""
        return self.engine.scores(self.searcher, self.rank, self.docs)

    @property
    def terms(self) -> tuple[str, ...]:  # what to highlight
        return self.plan.highlights if self.plan else ()

    @property
    def rank(self) -> tuple[ql.Score, ...]:  # what to score (search.rank.scores)
        return self.plan.rank if self.plan else ()

    @property
    def filters(self) -> list[ql.Filter]:  # the options plus the query's top-level filters
        return list(self.plan.filters) if self.plan else []

    @property
    def reports(self) -> int:
        return int(len(np.unique(self.cols.report[self.docs]))) if len(self.docs) else 0


filters_of = ql.option_filters


def matches(
    engine: SearchEngine,
    text: str,
    *,
    agency: str | None = None,
    year: str | None = None,
    section: str | None = None,
    filters: Iterable[ql.Filter] = (),
    also: tuple = (),
    searcher: Searcher | None = None,
    everything: bool = False,
) -> Matches:
    """All passages matching `text` and the filters, as `search` counts them; `also` (query
    nodes, e.g. a Word) narrows them further. Without any of these every passage matches when
    `everything` (stats: the whole archive's figures), else it is the error `search ''` gives.
    `searcher`: a searcher of one's own over the same index generation as the engine's."""
    fl = filters_of(agency, year, section) + list(filters)
    s, cols = engine.searcher()
    s = searcher or s
    nodes = ([ql.parse(text)] if text.strip() else []) + list(also)
    if not nodes and not fl:
        if not everything:
            ql.plan(None, [])  # raises QueryError("empty query: …"), as `search ''` does
        return Matches(s, cols, None, cols.passage_docs, engine)
    tree = (nodes[0] if len(nodes) == 1 else ql.And(tuple(nodes))) if nodes else None
    plan = ql.plan(tree, fl)
    return Matches(s, cols, plan, engine.match(plan), engine)


def own_searcher(engine: SearchEngine) -> Searcher:
    """A searcher of one's own (close it when done) over the same index generation as the
    engine's, so the engine's cached columns hold for its document numbers."""
    return engine.own_searcher()


def universe(engine: SearchEngine, filters: list[ql.Filter]) -> np.ndarray:
    """Document numbers of every passage that passes `filters` (all passages for none)."""
    _s, cols = engine.searcher()
    return engine.match(ql.plan(None, filters)) if filters else cols.passage_docs


def passage(engine: SearchEngine, passage_id: str) -> tuple[Searcher, int, dict]:
    """(searcher, docnum, stored fields) of a passage, by id or a unique prefix of at least
    six characters. Raises NotFound (also for an ambiguous prefix, with a message)."""
    pid = (passage_id or "").strip().lower()
    if not PASSAGE_ID.fullmatch(pid):
        raise NotFound(f"no passage {passage_id!r} in the index (ids look like f4d480a659443258)")
    s, _ = engine.searcher()
    found = engine.passage_docnums(pid, prefix=len(pid) >= MIN_ID_PREFIX)
    if len(found) > 1:
        raise NotFound(f"passage id {passage_id!r} is ambiguous: give more characters")
    docnum = found[0] if found else None
    if docnum is None:
        if len(pid) < MIN_ID_PREFIX:
            raise NotFound(
                f"no passage {passage_id!r} in the index (a shortened id needs "
                f"{MIN_ID_PREFIX}+ characters)"
            )
        raise missing(engine, "passage", pid)
    return s, docnum, s.stored_fields(docnum)
