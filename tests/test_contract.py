"""The engine contract (search/backend.py): one conformance suite that every engine runs.

Each engine — the local Whoosh `Engine` and the cluster's `ClusterEngine` over real searchd
nodes — is built over the demo corpus and must (1) implement `SearchEngine` without being
built on the other, (2) keep the contract's own promises (paging, per-report caps, facets that
add up, document order, the tools' primitives agreeing with `search`, pinned snapshots), and
(3) answer exactly as the reference engine (the local one) does. A new engine joins the suite
by adding itself to `ENGINES`. (tests/test_cluster.py checks the cluster at scale, on the real
corpus.)"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from search.backend import SearchEngine, Searcher, document_key, report_order
from search.results import plain
from tests.conftest import SAMPLES

QUERIES = [
    "依申请公开",
    "政府信息 公开",
    '"政府信息公开"',
    "申请 OR 复议",
    "公开 -收费",
    "year:2015-2020 公开",
    "section:依申请公开",
    "人",
]


def _local(samples_index, _tmp):
    from search.engine import Engine

    return Engine(samples_index)


def _cluster(_samples_index, tmp):
    if shutil.which("searchd") is None:
        pytest.skip("searchd not installed (Debian package sphinxsearch)")
    from index.cluster.nodes import LocalCluster
    from index.cluster.writer import ClusterStore
    from index.writer import ingest
    from search.cluster.engine import ClusterEngine

    nodes = LocalCluster(str(tmp)).start()
    stats = ingest([str(SAMPLES)], None, store=ClusterStore(nodes.address))
    assert not stats.failed
    engine = ClusterEngine(nodes.address)
    engine.nodes = nodes  # stopped by the fixture
    return engine


ENGINES = {"local": _local, "cluster": _cluster}


@pytest.fixture(scope="module")
def reference(samples_index):
    from search.engine import Engine

    return Engine(samples_index)


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request, samples_index, tmp_path_factory):
    e = ENGINES[request.param](samples_index, tmp_path_factory.mktemp(request.param))
    yield e
    e.close()
    if getattr(e, "nodes", None) is not None:
        e.nodes.stop()


def test_implements_the_contract_alone(engine):
    from search.cluster.engine import ClusterEngine
    from search.engine import Engine

    assert isinstance(engine, SearchEngine)
    assert isinstance(engine.parallel, bool)
    # no engine is built on another: each answers the whole contract itself
    assert not issubclass(ClusterEngine, Engine) and not issubclass(Engine, ClusterEngine)
    searcher, cols = engine.searcher()
    assert isinstance(searcher, Searcher)
    assert 0 < len(cols.passage_docs) <= searcher.doc_count()


@pytest.mark.parametrize("q", QUERIES)
def test_search_keeps_its_promises(engine, q):
    res = engine.search(q, limit=20)
    assert res.total >= len(res.hits) and res.reports <= res.total
    assert sum(f.count for f in res.facets.agency) == res.reports
    scores = [h.score for h in res.hits]
    assert scores == sorted(scores, reverse=True)
    # paging is a window on one order
    assert engine.search(q, limit=5, offset=3).hits == res.hits[3:8]
    capped = engine.search(q, limit=20, per_report=1).hits
    assert len({h.report_id for h in capped}) == len(capped)


@pytest.mark.parametrize("q", QUERIES)
def test_the_tools_primitives_agree_with_search(engine, q):
    from search import query as ql

    res = engine.search(q, limit=5)
    with engine.pinned():
        searcher, cols = engine.searcher()
        plan = ql.plan_text(q, [])
        docs = engine.match(plan)
        assert len(docs) == res.total
        assert list(docs) == sorted(docs)
        score = engine.scores(searcher, plan.rank, docs)
        assert len(score) == len(docs)
        if res.hits and res.hits[0].score:
            assert round(float(score.max()), 4) == res.hits[0].score
        for h in res.hits:
            found = engine.passage_docnums(h.passage_id, prefix=False)
            assert len(found) == 1 and found[0] in set(docs.tolist())
            assert searcher.stored_fields(found[0])["passage_id"] == h.passage_id
        # the document order ranks ties: positions follow (year desc, agency, report, order)
        if len(docs) > 1:
            first = [
                searcher.stored_fields(int(d)) for d in docs[np.argsort(cols.position[docs])][:5]
            ]
            keys = [document_key(f["year"], f["agency"], f["report_id"], f["order"]) for f in first]
            assert keys == sorted(keys)


def test_reports_and_show(engine):
    from search.backend import NotFound

    rows = engine.reports().reports
    assert rows and [report_order(r) for r in rows] == sorted(report_order(r) for r in rows)
    for r in rows:
        detail = engine.show(r.report_id)
        assert detail.report == r and len(detail.passages) == r.passages
    for bad in ("0123456789abcdef", "not-an-id", ""):
        with pytest.raises(NotFound):
            engine.show(bad)


def test_pinned_is_one_snapshot(engine):
    with engine.pinned() as pinned:
        a, cols_a = engine.searcher()
        engine.search("公开", limit=3)
        b, cols_b = engine.searcher()
        assert pinned is engine and a is b and cols_a is cols_b


@pytest.mark.parametrize("q", QUERIES)
def test_answers_as_the_reference(engine, reference, q):
    from search.tools.compare import compare
    from search.tools.kwic import kwic

    assert plain(engine.search(q, limit=30)) == plain(reference.search(q, limit=30))
    assert plain(compare(engine, q, by="year")) == plain(compare(reference, q, by="year"))
    term = q.split()[-1].strip('"')
    if ":" not in term and not term.startswith("-"):
        assert plain(kwic(engine, term, width=8)) == plain(kwic(reference, term, width=8))


def test_lists_and_errors_as_the_reference(engine, reference):
    from search.query import QueryError

    assert plain(engine.reports()) == plain(reference.reports())
    for bad in ('"。，"', "(公开", "OR 公开", ""):
        with pytest.raises(QueryError) as a:
            reference.search(bad)
        with pytest.raises(QueryError) as b:
            engine.search(bad)
        assert str(b.value) == str(a.value)
