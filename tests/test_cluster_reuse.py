"""diff and reuse on a cluster of real searchd nodes answer exactly as over the local index:
the sentence fingerprints the cluster writer stores with each report row are the local
writer's, and the tools read them through the engine (`sentence_prints`). The real reports of
../shared/realreports, on two nodes started for this module."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ROOT

REAL = ROOT.parent / "shared" / "realreports"
pytestmark = pytest.mark.skipif(
    shutil.which("searchd") is None,
    reason="searchd not installed (Debian package sphinxsearch; `make test` installs it as root)",
)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    if not (REAL / "expect.json").exists():
        pytest.skip(f"real reports not found at {REAL} (they sit beside the checkout in CI)")
    from index.cluster.nodes import LocalCluster
    from index.cluster.writer import ClusterStore
    from index.writer import ingest
    from search.cluster.engine import ClusterEngine
    from search.engine import Engine

    c = LocalCluster(str(tmp_path_factory.mktemp("cluster-reuse"))).start()
    try:
        local_dir = str(tmp_path_factory.mktemp("local-reuse"))
        assert ingest([str(REAL)], local_dir).ingested == 5
        assert ingest([str(REAL)], None, store=ClusterStore(c.address)).ingested == 5
        yield Engine(local_dir), ClusterEngine(c.address)
    finally:
        c.stop()


def test_fingerprints_as_local(pair):
    local, cluster = pair
    a, b = local.sentence_prints(), cluster.sentence_prints()
    assert set(a) == set(b) and len(a) == 5
    for rid in a:
        assert a[rid].tobytes() == b[rid].tobytes()


def test_reuse_and_diff_as_local(pair):
    from search.tools.diff import diff
    from search.tools.reuse import previous, reuse

    local, cluster = pair
    for kwargs in ({}, {"first": True, "sort": "other"}, {"agency": "平潭", "year": "2013"}):
        assert reuse(cluster, **kwargs).to_dict() == reuse(local, **kwargs).to_dict()
    rows = reuse(local).rows
    assert len(rows) == 2
    for row in rows:
        assert previous(cluster, row.report_id) == row.previous_report_id
        assert (
            diff(cluster, row.previous_report_id, row.report_id).to_dict()
            == diff(local, row.previous_report_id, row.report_id).to_dict()
        )
