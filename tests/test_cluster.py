"""The cluster engine against real searchd nodes: two nodes and a distributed index on free
loopback ports, started per module in a temporary folder and stopped after. On the real corpus
the cluster must answer exactly as the local index does; ingest must be idempotent, replace a
changed report, survive a node going down mid-run and resume; a node that is down is named."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from search.results import plain
from search.tools.cite import cite
from tests.conftest import CONGRESS, ROOT, SAMPLES, WORK_REPORTS, need_realdata, run_cli

searchd = shutil.which("searchd")
pytestmark = pytest.mark.skipif(
    searchd is None,
    reason="searchd not installed (Debian package sphinxsearch; `make test` installs it as root)",
)

QUERIES = [
    "经济",  # a common word
    "高质量发展",  # a word jieba splits
    '"高质量发展"',  # a phrase
    '"以人民为中心"',
    '"改革开放，"',  # punctuation squeezed out of a phrase
    "改革 OR 开放",
    "经济 -改革",
    "NOT 经济",
    "(就业 OR 收入) -疫情",
    "人",  # one character
    "GDP OR 国内生产总值",
    "5G",
    "2035年",
    "year:2015-2018 就业",
    "year:1990",
    "agency:国务院 section:总体情况",
    "agency:人民代表 经济",
    "agency:不存在的机关",
    "section:重点工作 OR 脱贫",
    "-year:2020 脱贫攻坚",
]


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    from index.cluster.nodes import LocalCluster

    c = LocalCluster(str(tmp_path_factory.mktemp("cluster"))).start()
    yield c
    c.stop()


@pytest.fixture(scope="module")
def real_pair(nodes, real_index):
    """(local engine, cluster engine) over the same real corpus."""
    need_realdata()
    from index.cluster.writer import ClusterStore
    from index.writer import ingest
    from search.cluster.engine import ClusterEngine
    from search.engine import Engine

    stats = ingest([str(WORK_REPORTS), str(CONGRESS)], None, store=ClusterStore(nodes.address))
    assert not stats.failed and stats.ingested == 88
    return Engine(real_index), ClusterEngine(nodes.address)


@pytest.mark.parametrize("q", QUERIES)
def test_same_answers_as_local(real_pair, q):
    local, cluster = real_pair
    a = local.search(q, limit=30)
    b = cluster.search(q, limit=30)
    assert (b["total"], b["reports"]) == (a["total"], a["reports"])
    assert b["facets"] == a["facets"]
    # ties break in the same document order on both, so every hit is the same, not only
    # those whose scores differ
    assert b["hits"] == a["hits"]


@pytest.mark.parametrize("q", QUERIES)
def test_candidates_from_searchd_keep_the_same_hits(real_pair, q, monkeypatch):
    """Past EXACT_RANK matches, searchd's own ranking expression picks the candidates that
    gongkai then scores exactly: with the window cut to 150 passages (most queries here match
    hundreds or thousands), the top 30 are still the local engine's."""
    import search.cluster.engine as cluster_engine

    local, cluster = real_pair
    monkeypatch.setattr(cluster_engine, "EXACT_RANK", 150)
    a = local.search(q, limit=30)
    assert cluster.search(q, limit=30)["hits"] == a["hits"]


def test_similar_same_as_local(real_pair):
    """similar: key terms (Bo1) from the cluster's counts, candidates by Whoosh's BM25F from
    searchd's term frequencies, then the same character comparison as locally."""
    from search.results import plain
    from search.tools.similar import similar

    local, cluster = real_pair
    checked = 0
    for q in ("就业优先", "脱贫攻坚", "依法行政"):
        for h in local.search(q, limit=2)["hits"]:
            for kw in ({}, {"year": "2000-2020"}, {"agency": "国务院"}):
                a = plain(similar(local, h["passage_id"], limit=8, **kw))
                assert a["terms"] and a["results"]
                assert plain(similar(cluster, h["passage_id"], limit=8, **kw)) == a
                checked += 1
    assert checked == 18


def test_parallel_requests(real_pair):
    """The cluster engine takes parallel requests (each thread its own connections): eight
    threads searching and matching at once get what one thread gets."""
    from concurrent.futures import ThreadPoolExecutor

    from search.tools.compare import compare

    _local, cluster = real_pair
    qs = ["经济", "改革 OR 开放", '"高质量发展"', "人", "就业 -疫情", "year:2015-2018 就业"] * 4
    alone = {q: (cluster.search(q, limit=10), compare(cluster, q, by="year")) for q in set(qs)}

    def run(q):
        with cluster.pinned():
            return q, cluster.search(q, limit=10), compare(cluster, q, by="year")

    with ThreadPoolExecutor(8) as pool:
        for q, res, cmp in pool.map(run, qs):
            assert (res, cmp) == alone[q], q


def test_queries_cover_the_features(real_pair):
    """The query list exercises something: most queries match, one matches nothing."""
    local, _ = real_pair
    totals = [local.search(q, limit=0)["total"] for q in QUERIES]
    assert sum(t > 0 for t in totals) >= len(QUERIES) - 2 and 0 in totals


def test_filters_paging_and_per_report(real_pair):
    local, cluster = real_pair
    kw = dict(agency="国务院", year="2010-2020", limit=7, offset=5, per_report=2)
    assert cluster.search("发展", **kw) == local.search("发展", **kw)
    assert cluster.search("", section="存在问题") == local.search("", section="存在问题")


def test_reports_and_show(real_pair):
    local, cluster = real_pair
    assert cluster.reports() == local.reports()
    for r in local.reports()["reports"][::20]:
        assert cluster.show(r["report_id"]) == local.show(r["report_id"])


def test_query_errors_as_local(real_pair):
    from search.engine import NotFound
    from search.query import QueryError

    local, cluster = real_pair
    for bad in ('"。，"', "。", "(经济", "OR 经济", ""):
        with pytest.raises(QueryError) as a:
            local.search(bad)
        with pytest.raises(QueryError) as b:
            cluster.search(bad)
        assert str(b.value) == str(a.value)
    with pytest.raises(NotFound):
        cluster.show("0123456789abcdef")


def test_reingest_is_idempotent(real_pair, nodes):
    from index.cluster.writer import ClusterStore
    from index.writer import ingest

    _local, cluster = real_pair
    before = cluster.search("经济", limit=0)
    stats = ingest([str(WORK_REPORTS), str(CONGRESS)], None, store=ClusterStore(nodes.address))
    assert (stats.ingested, stats.unchanged) == (0, 88)
    assert cluster.search("经济", limit=0) == before


def test_cli_json_matches_local(real_pair, real_index, nodes):
    for args in (["search", "就业 -疫情", "--limit", "5"], ["reports"]):
        a = run_cli(*args, "--index", real_index, "--json")
        b = run_cli(*args, "--engine", nodes.address, "--json")
        assert a.returncode == b.returncode == 0, b.stderr
        assert json.loads(b.stdout) == json.loads(a.stdout)
    a = run_cli("search", "就业", "--index", real_index, "--json")
    b = run_cli("search", "就业", "--json", env={"GONGKAI_ENGINE": nodes.address})
    assert json.loads(b.stdout) == json.loads(a.stdout)


# -- the journalist tools on the cluster ---------------------------------------------------------
TOOL_QUERIES = ["就业 -疫情", '"高质量发展"', "改革 OR 开放", "year:2015-2018 脱贫", "人"]


@pytest.mark.parametrize("q", TOOL_QUERIES)
def test_tools_same_as_local(real_pair, q):
    """compare, trend, kwic, export and batch give the local engine's answers, through the
    same matching path (search/tools/common.py) and ranking."""
    from search.results import plain
    from search.tools.compare import compare
    from search.tools.export import batch, export
    from search.tools.kwic import kwic
    from search.tools.trend import trend

    local, cluster = real_pair
    for by in ("agency", "year"):
        a = compare(local, q, by=by, limit=None)
        assert a["groups"] > 0
        assert compare(cluster, q, by=by, limit=None) == a
        assert trend(cluster, q, by=by) == trend(local, q, by=by)
    term = q.strip('"').split()[0] if not q.startswith("year") else "脱贫 year:2015-2018"
    for sort in ("year", "right"):
        a = kwic(local, term, sort=sort, width=10)
        assert a["total"] > 0
        assert kwic(cluster, term, sort=sort, width=10) == a
    for order in ("relevance", "document"):
        a, b = export(local, q, order=order), export(cluster, q, order=order)
        assert (b.total, b.reports) == (a.total, a.reports)
        rows = list(a.rows())
        assert len(rows) == a.total > 0
        assert list(b.rows()) == rows
    assert plain(batch(cluster, [q, "经济"])) == plain(batch(local, [q, "经济"]))


def test_tools_cli_json_same_as_local(real_pair, real_index, nodes, tmp_path):
    """Every tool's --json (export: JSON Lines; stats too) is the same on the cluster as locally; cite
    finds a passage by its id and by a unique prefix; similar finds the same passages."""
    local, _cluster = real_pair
    pid = local.search("就业优先", limit=1)["hits"][0]["passage_id"]
    queries = tmp_path / "q.txt"
    queries.write_text('就业\n# a comment\n"高质量发展" year:2018-2020\n', encoding="utf-8")
    for args in (
        ["compare", "就业 -疫情", "--by", "year", "--json"],
        ["trend", "脱贫攻坚", "--by", "agency", "--json"],
        ["kwic", "以人民为中心", "--sort", "left", "--json"],
        ["export", '"高质量发展"', "--format", "jsonl"],
        ["batch", str(queries), "--json"],
        ["cite", pid, "--json"],
        ["cite", pid[:8], "--json"],
        ["stats", "--json"],
        ["stats", "就业", "--by", "year", "--json"],
    ):
        a = run_cli(*args, "--index", real_index)
        b = run_cli(*args, "--engine", nodes.address)
        assert a.returncode == b.returncode == 0, (args, b.stderr)
        assert a.stdout.strip()
        if "jsonl" in args:
            assert len(a.stdout.splitlines()) > 1
            assert [json.loads(x) for x in b.stdout.splitlines()] == [
                json.loads(x) for x in a.stdout.splitlines()
            ], args
        else:
            assert json.loads(b.stdout) == json.loads(a.stdout), args
    for bad in ("ffffffffffffffff", "f4d4"):
        a = run_cli("cite", bad, "--index", real_index)
        b = run_cli("cite", bad, "--engine", nodes.address)
        assert a.returncode == b.returncode == 2
        assert b.stderr == a.stderr
    for args in (["similar", pid, "--json"], ["similar", pid, "--year", "2000-2020", "--json"]):
        a = run_cli(*args, "--index", real_index)
        b = run_cli(*args, "--engine", nodes.address)
        assert a.returncode == b.returncode == 0, (args, b.stderr)
        assert json.loads(a.stdout)["results"], args
        assert json.loads(b.stdout) == json.loads(a.stdout), args


def _serve(args: list[str]):
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from tests.conftest import ROOT

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "serve", *args, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/api/reports", timeout=2).read()
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(proc.stderr.read().decode())


def _get(url: str) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_serve_over_the_cluster(real_pair, real_index, nodes):
    """`serve --engine` answers /api/search and the tools' endpoints over HTTP on loopback
    exactly as `serve --index` does."""
    from urllib.parse import quote

    local = _serve(["--index", real_index])
    cluster = _serve(["--engine", nodes.address])
    try:
        for path in (
            "/api/search?q=" + quote("就业 -疫情") + "&limit=5",
            "/api/search?q=" + quote('"高质量发展"') + "&year=2018-2023&per_report=1",
            "/api/reports",
            "/api/compare?q=" + quote("脱贫") + "&by=year",
            "/api/kwic?term=" + quote("以人民为中心"),
        ):
            a, b = _get(local[1] + path), _get(cluster[1] + path)
            assert a[0] == 200 and b == a, path
        pid = _get(local[1] + "/api/search?q=" + quote("就业优先"))[1]["hits"][0]["passage_id"]
        a, b = (_get(base + f"/api/similar/{pid}?limit=5") for base in (local[1], cluster[1]))
        assert a[0] == 200 and a[1]["results"] and b == a
        assert _get(cluster[1] + "/api/search?q=" + quote("(就业"))[0] == 400
        # requests in parallel (the cluster engine takes them): each answer as alone
        from concurrent.futures import ThreadPoolExecutor

        paths = ["/api/search?q=" + quote(q) + "&limit=5" for q in ("经济", "就业", "改革 OR 开放")]
        alone = {p: _get(cluster[1] + p) for p in paths}
        with ThreadPoolExecutor(6) as pool:
            for p, got in zip(
                paths * 4, pool.map(lambda p: _get(cluster[1] + p), paths * 4), strict=True
            ):
                assert got == alone[p], p
    finally:
        for proc, _base in (local, cluster):
            proc.terminate()
            proc.wait(10)


# -- ingest faults on a cluster of their own ---------------------------------------------------
@pytest.fixture
def fresh(tmp_path):
    from index.cluster.nodes import LocalCluster

    c = LocalCluster(str(tmp_path / "nodes")).start()
    yield c
    c.stop()


def _matches(engine, q: str):
    """Total, facets and the set of matching passages. (Scores are left out: the local index's
    mean passage length counts more words than its passages hold after a multi-process ingest
    of these files, so BM25 differs in the third decimal; the real-corpus tests compare them.)"""
    res = engine.search(q, limit=100, per_report=None)
    hits = [(h["passage_id"], h["text"], h["highlight"]) for h in res["hits"]]
    total = res["total"]
    extra = engine.search(q, limit=100, offset=100)["hits"] if total > 100 else []
    hits += [(h["passage_id"], h["text"], h["highlight"]) for h in extra]
    return total, res["reports"], res["facets"], sorted(hits)


def _whole(address: str) -> dict[str, int]:
    """Report id → passages of every report the cluster holds, read shard by shard, asserting
    each is whole: a report row for every passage's report, and all its passages there."""
    from index.cluster.sphinxql import Connection, parse_address

    a = parse_address(address)
    held: dict[str, int] = {}
    for i, node in enumerate(a.nodes):
        conn, shard, cap = Connection(node), a.shard(i), "LIMIT 100000 OPTION max_matches=100000"
        try:
            counts = dict(
                conn.query(f"SELECT rid, COUNT(*) FROM {shard} WHERE kind = 0 GROUP BY rid {cap}")
            )
            heads = conn.query(
                f"SELECT rid, report_id, npassages FROM {shard} WHERE kind = 1 {cap}"
            )
        finally:
            conn.close()
        assert set(counts) <= {rid for rid, _r, _n in heads}, "passages without their report"
        for rid, report_id, n in heads:
            assert counts.get(rid, 0) == n, f"report {report_id} is not whole on shard {i}"
            held[report_id] = n
    return held


def _running(command_part: str) -> list[int]:
    """Pids of the processes whose command line contains `command_part`."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if command_part.encode() in f.read():
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


def _copy_samples(dst):
    dst.mkdir()
    for f in SAMPLES.glob("*"):
        if f.suffix in (".txt", ".html", ".shtml"):
            shutil.copy(f, dst / f.name)
    return dst


def test_copies_are_one_report_as_locally(fresh, tmp_path):
    """A report found under a second source is one report with two sources on the cluster as
    locally; when the copy's file goes, its source goes from the listing on both."""
    from index.cluster.writer import ClusterStore
    from index.writer import ingest
    from search.cluster.engine import ClusterEngine
    from search.engine import Engine

    src = _copy_samples(tmp_path / "src")
    first = sorted(src.glob("*.txt"))[0]
    shutil.copy(first, src / ("copy_of_" + first.name))
    local_dir = str(tmp_path / "ix")
    for round_ in (1, 2):
        a = ingest([str(src)], local_dir, prune=True)
        b = ingest([str(src)], None, store=ClusterStore(fresh.address), prune=True)
        assert (b.ingested, b.unchanged, len(b.copies)) == (a.ingested, a.unchanged, len(a.copies))
        local = plain(Engine(local_dir).reports())
        assert plain(ClusterEngine(fresh.address).reports()) == local
        two = [r for r in local["reports"] if len(r["sources"]) == 2]
        if round_ == 1:  # the copy is a second source of its report
            assert len(a.copies) == 1 and len(two) == 1
            (src / ("copy_of_" + first.name)).unlink()
        else:  # its file gone (pruned): one source again
            assert two == []


def test_changed_report_replaces_its_passages(fresh, tmp_path):
    from index.cluster.writer import ClusterStore
    from index.writer import ingest
    from search.cluster.engine import ClusterEngine
    from search.engine import Engine

    src = _copy_samples(tmp_path / "src")
    ingest([str(src)], None, store=ClusterStore(fresh.address))
    target = src / "000_acb323a203c4bfef.txt"
    text = target.read_text("utf-8")
    target.write_text(text[: len(text) // 2] + "\n独一无二的替换句子出现在这里。\n", "utf-8")
    stats = ingest([str(src)], None, store=ClusterStore(fresh.address))
    assert stats.ingested == 1 and stats.unchanged == len(list(src.iterdir())) - 1
    ingest([str(src)], str(tmp_path / "local"))
    local, cluster = Engine(str(tmp_path / "local")), ClusterEngine(fresh.address)
    assert cluster.search('"独一无二的替换句子"')["total"] == 1
    assert cluster.reports() == local.reports()
    for q in ("公开", "依申请", '"政府信息"'):
        assert _matches(cluster, q) == _matches(local, q)
    for r in local.reports()["reports"]:
        assert cluster.show(r["report_id"]) == local.show(r["report_id"])


def test_node_down_mid_ingest_then_resume(fresh, tmp_path):
    from index.cluster.sphinxql import ClusterError
    from index.cluster.writer import ClusterStore
    from index.writer import ingest
    from search.cluster.engine import ClusterEngine
    from search.engine import Engine

    src = _copy_samples(tmp_path / "src")
    down = fresh.nodes[1]

    def stop_after_some(files, _done, _total_files, _total_bytes):
        if files == 5:
            fresh.stop_node(1)

    with pytest.raises(ClusterError, match=f"{down.host}:{down.sql_port}"):
        ingest(
            [str(src)],
            None,
            # analysed inline, so five files read are five reports sent: the node stops midway
            # (with worker processes the analysis runs a few reports behind the files read;
            # test_first_node_down_while_both_send and the kill test cover that path)
            store=ClusterStore(fresh.address, max_reports=1, workers=0),
            progress=stop_after_some,
        )
    fresh.start_node(1)  # same folder: its committed transactions come back from disk
    cluster = ClusterEngine(fresh.address)
    held = {r["report_id"]: r["passages"] for r in cluster.reports()["reports"]}
    assert 0 < len(held) < len(list(src.iterdir()))
    assert _whole(fresh.address) == held
    for rid, n in held.items():  # what the cluster holds of a report, it holds whole
        assert len(cluster.show(rid)["passages"]) == n
    stats = ingest([str(src)], None, store=ClusterStore(fresh.address))
    assert stats.unchanged == len(held) and not stats.failed
    ingest([str(src)], str(tmp_path / "local"))
    local = Engine(str(tmp_path / "local"))
    assert cluster.reports() == local.reports()
    assert _matches(cluster, "公开") == _matches(local, "公开")


def test_node_down_is_named(fresh):
    from index.cluster.sphinxql import ClusterError
    from index.cluster.writer import ClusterStore
    from index.writer import ingest
    from search.cluster.engine import ClusterEngine

    ingest([str(SAMPLES)], None, store=ClusterStore(fresh.address))
    engine = ClusterEngine(fresh.address)
    assert engine.search("公开")["total"] > 0
    server, base = _serve(["--engine", fresh.address])
    fresh.stop_node(1)
    node = fresh.nodes[1]
    try:  # the web API: 503 naming the node, as JSON
        status, body = _get(base + "/api/search?q=%E5%85%AC%E5%BC%80")
        assert status == 503 and f"{node.host}:{node.sql_port}" in body["error"], body
    finally:
        server.terminate()
        server.wait(10)
    with pytest.raises(ClusterError, match=f"{node.host}:{node.sql_port} is down"):
        engine.search("公开")
    p = run_cli("search", "公开", "--engine", fresh.address)
    assert p.returncode == 5 and p.stderr.count("\n") == 1
    assert f"{node.host}:{node.sql_port}" in p.stderr and "Traceback" not in p.stderr


def test_first_node_down_while_both_send(fresh, tmp_path):
    """Both shards sending transactions of several reports in parallel when node 0 stops: the
    error names node 0, each shard holds only whole reports, and a second run completes to
    the local engine's answers."""
    need_realdata()
    from index.cluster.sphinxql import ClusterError
    from index.cluster.writer import ClusterStore
    from index.writer import ingest
    from search.cluster.engine import ClusterEngine
    from search.engine import Engine

    down = fresh.nodes[0]

    def stop_midway(_files, done, _total_files, total_bytes):
        if done > total_bytes // 3 and fresh.procs[0] is not None:
            fresh.stop_node(0)

    with pytest.raises(ClusterError, match=f"{down.host}:{down.sql_port}"):
        ingest(
            [str(WORK_REPORTS)],
            None,
            store=ClusterStore(fresh.address, max_reports=4),
            progress=stop_midway,
        )
    fresh.start_node(0)
    held = _whole(fresh.address)
    stats = ingest([str(WORK_REPORTS)], None, store=ClusterStore(fresh.address))
    assert stats.unchanged == len(held) and stats.ingested > 0 and not stats.failed
    ingest([str(WORK_REPORTS)], str(tmp_path / "local"))
    local, cluster = Engine(str(tmp_path / "local")), ClusterEngine(fresh.address)
    assert cluster.reports() == local.reports()
    assert len(_whole(fresh.address)) == len(local.reports()["reports"])
    assert _matches(cluster, '"政府工作"') == _matches(local, '"政府工作"')


def test_killed_ingest_leaves_whole_reports_and_resumes(fresh, tmp_path):
    """An ingest killed (SIGKILL) while transactions are in flight leaves only whole reports;
    the next run adds exactly the rest."""
    need_realdata()
    from index.cluster.sphinxql import Connection, parse_address
    from index.cluster.writer import ClusterStore
    from index.writer import ingest
    from search.cluster.engine import ClusterEngine
    from search.engine import Engine

    script = tmp_path / "ingest.py"
    script.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from index.cluster.writer import ClusterStore\nfrom index.writer import ingest\n"
        f"ingest([{str(WORK_REPORTS)!r}], None, store=ClusterStore({fresh.address!r}, 2))\n",
        "utf-8",
    )
    proc = subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE)
    probe = Connection(parse_address(fresh.address).nodes[0])
    deadline = time.monotonic() + 120
    try:  # killed once the first transactions are committed: the next ones are in flight
        while proc.poll() is None and time.monotonic() < deadline:
            if probe.query("SELECT COUNT(*) FROM gongkai WHERE kind = 1")[0][0] > 0:
                break
            time.sleep(0.02)
    finally:
        proc.kill()
        _out, err = proc.communicate()
        probe.close()
    assert proc.returncode == -9, err.decode()[-500:]
    gone = time.monotonic() + 5  # its analysing workers (forked: the same command) exit too
    while _running(str(script)) and time.monotonic() < gone:
        time.sleep(0.1)
    assert not _running(str(script))
    held = _whole(fresh.address)
    stats = ingest([str(WORK_REPORTS)], None, store=ClusterStore(fresh.address))
    ingest([str(WORK_REPORTS)], str(tmp_path / "local"))
    local = Engine(str(tmp_path / "local"))
    total = len(local.reports()["reports"])
    assert 0 < len(held) < total
    assert (stats.unchanged, stats.ingested) == (len(held), total - len(held))
    assert ClusterEngine(fresh.address).reports() == local.reports()
    assert len(_whole(fresh.address)) == total


def test_ranking_falls_back_to_the_text_when_factors_do_not_read(real_pair, monkeypatch):
    """A searchd that numbered PACKEDFACTORS' keywords otherwise (the rule is read from Sphinx
    2.2, not promised by it) must not rank wrongly: the engine notices the positions it asked
    for are missing and scores from the passages' own text instead — with the same hits."""
    from search.cluster import rank

    local, cluster = real_pair
    shifted = rank.positions

    def off_by_one(query):
        return {k: v + 1 for k, v in shifted(query).items()}

    monkeypatch.setattr(rank, "positions", off_by_one)
    for q in ("经济", '"高质量发展"', "改革 OR 开放"):
        assert cluster.search(q, limit=20)["hits"] == local.search(q, limit=20)["hits"]


def test_cluster_config_status_as_an_operator_would(tmp_path):
    """`cluster config` writes each node's searchd.conf; started as written (real searchd on
    loopback), the nodes take an ingest, and `cluster status` counts each shard's rows — the
    passages adding up to the local index's; nodes listed out of order are named (exit 5)."""
    import subprocess

    from index.cluster.nodes import free_ports

    p = free_ports(4)
    nodes = [f"127.0.0.1:{p[0]}:{p[1]}", f"127.0.0.1:{p[2]}:{p[3]}"]
    args = [a for n in nodes for a in ("--node", n)]
    r = run_cli(
        "cluster",
        "config",
        *args,
        "--name",
        "trial",
        "--data",
        str(tmp_path / "data"),
        "--out",
        str(tmp_path / "conf"),
        "--json",
    )
    assert r.returncode == 0, r.stderr
    made = json.loads(r.stdout)
    assert made["address"] == f"sphinxql://127.0.0.1:{p[0]},127.0.0.1:{p[2]}/trial"
    assert len(made["configs"]) == len(made["data"]) == 2
    for folder in made["data"]:  # what the printed `mkdir -p FOLDER && searchd …` does
        os.makedirs(folder)
    procs = [
        subprocess.Popen(
            [searchd, "--config", conf, "--nodetach"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for conf in made["configs"]
    ]
    try:
        import time

        for _ in range(100):
            r = run_cli("cluster", "status", "--engine", made["address"])
            if r.returncode == 0:
                break
            time.sleep(0.2)
        assert r.returncode == 0, r.stdout + r.stderr
        assert r.stdout.count(" up ") == 2
        r = run_cli("ingest", str(SAMPLES), "--engine", made["address"])
        assert r.returncode == 0, r.stderr
        local = run_cli("ingest", str(SAMPLES), "--index", str(tmp_path / "local"))
        assert local.returncode == 0, local.stderr
        n_local = len(
            json.loads(run_cli("reports", "--index", str(tmp_path / "local"), "--json").stdout)[
                "reports"
            ]
        )
        states = json.loads(
            run_cli("cluster", "status", "--engine", made["address"], "--json").stdout
        )
        assert [s["up"] for s in states] == [True, True]
        assert sum(s["reports"] for s in states) == n_local > 0
        assert all(s["passages"] > 0 for s in states)  # sharded, not all on one node
        flipped = f"sphinxql://127.0.0.1:{p[2]},127.0.0.1:{p[0]}/trial"
        r = run_cli("cluster", "status", "--engine", flipped)
        assert r.returncode == 5 and "shards' order" in r.stdout, r.stdout
        assert "Traceback" not in r.stderr
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(20)


def test_cluster_up_until_ctrl_c(tmp_path):
    """`cluster up` starts the nodes, prints the address to export, and stops them on
    Ctrl-C (SIGINT), leaving no searchd behind; a port in use is one line, exit 2."""
    import signal
    import subprocess
    import sys
    import time

    from index.cluster.nodes import free_ports
    from tests.conftest import ROOT

    base = free_ports(1)[0]
    if base > 65000:
        base = 40000
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "cli.py"),
            "cluster",
            "up",
            str(tmp_path / "c"),
            "--port",
            str(base),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    address = None
    for line in proc.stdout:
        if line.startswith("export GONGKAI_ENGINE="):
            address = line.split("=", 1)[1].strip()
            break
    assert address == f"sphinxql://127.0.0.1:{base},127.0.0.1:{base + 2}/gongkai"
    r = run_cli("cluster", "status", "--engine", address)
    assert r.returncode == 0 and r.stdout.count(" up ") == 2, r.stdout + r.stderr
    busy = run_cli("cluster", "up", str(tmp_path / "d"), "--port", str(base))
    assert busy.returncode == 2 and "in use" in busy.stderr
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) == 0
    assert "Traceback" not in proc.stderr.read()
    time.sleep(0.5)
    r = run_cli("cluster", "status", "--engine", address)
    assert r.returncode == 5 and r.stdout.count("DOWN") == 2


def test_a_dead_analysing_worker_is_one_error_not_a_hang(fresh):
    """The analysing worker killed mid-run (as the OOM killer would): the ingest stops with
    one ClusterError instead of waiting for its rows for ever, and holds only whole reports."""
    need_realdata()
    import signal

    from index.cluster.sphinxql import ClusterError
    from index.cluster.writer import ClusterStore
    from index.writer import ingest

    with open("/proc/self/cmdline", "rb") as f:
        me = f.read()
    killed = []

    def kill_worker(_files, done, _total_files, total_bytes):
        if done > total_bytes // 4 and not killed:
            for pid in _running(me.split(b"\0")[0].decode()):
                with open(f"/proc/{pid}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
                if parent == os.getpid():  # a forked worker: our command line, our child
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

    with pytest.raises(ClusterError, match="analysing worker process died"):
        ingest([str(WORK_REPORTS)], None, store=ClusterStore(fresh.address), progress=kill_worker)
    assert killed
    _whole(fresh.address)


def test_concurrent_ingests_never_double(fresh, tmp_path):
    """Two `ingest` runs of the same corpus at once into an empty cluster (each with its
    worker and a sender per node): both succeed, and the cluster holds each report once,
    whole, with the local engine's reports and passage count."""
    need_realdata()
    from concurrent.futures import ThreadPoolExecutor

    from index.cluster.sphinxql import Connection, parse_address
    from index.writer import ingest
    from search.cluster.engine import ClusterEngine
    from search.engine import Engine

    def run(_):
        return run_cli("ingest", str(WORK_REPORTS), "--engine", fresh.address, "--json")

    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(run, range(2)))
    for p in runs:
        assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr[-500:]
    ingest([str(WORK_REPORTS)], str(tmp_path / "local"))
    local = Engine(str(tmp_path / "local"))
    held = _whole(fresh.address)
    assert ClusterEngine(fresh.address).reports() == local.reports()
    assert len(held) == len(local.reports()["reports"])
    conn = Connection(parse_address(fresh.address).nodes[0])
    try:
        (passages,) = conn.query("SELECT COUNT(*) FROM gongkai WHERE kind = 0")[0]
    finally:
        conn.close()
    assert passages == sum(held.values()) == local.search("NOT 不存在的词语")["total"]


def test_index_on_the_command_line_outranks_the_engine_in_the_environment(
    real_pair, nodes, tmp_path
):
    """With GONGKAI_ENGINE exported, `--index DIR` typed on the command line means that local
    index (a user comparing the two must not get the cluster twice); `--engine` typed beside it
    still means the cluster."""
    env = {"GONGKAI_ENGINE": nodes.address}
    missing = str(tmp_path / "no-index-here")
    r = run_cli("reports", "--index", missing, env=env)
    assert r.returncode == 2 and "no index at" in r.stderr, r.stderr
    r = run_cli("reports", "--index", missing, "--engine", nodes.address, env=env)
    assert r.returncode == 0 and "88 reports" in r.stderr, r.stderr
    r = run_cli("reports", env={**env, "GONGKAI_INDEX": missing})
    assert r.returncode == 0 and "88 reports" in r.stderr, r.stderr


def test_a_cluster_ingest_gives_the_local_ids_from_another_folder(fresh, tmp_path):
    """Ids come from what a report is: the cluster, fed the same files from another folder
    through a symlink, holds exactly the local index's report and passage ids."""
    from index.cluster.writer import ClusterStore
    from index.writer import ingest
    from search.cluster.engine import ClusterEngine
    from search.engine import Engine

    src = _copy_samples(tmp_path / "src")
    os.symlink(src, tmp_path / "link")
    assert not ingest([str(tmp_path / "link")], None, store=ClusterStore(fresh.address)).failed
    assert not ingest([str(SAMPLES)], str(tmp_path / "local")).failed
    local, cluster = Engine(str(tmp_path / "local")), ClusterEngine(fresh.address)
    ours = {r.report_id: r.source for r in cluster.reports().reports}
    theirs = {r.report_id: r.source for r in local.reports().reports}
    assert ours and set(ours) <= set(theirs) and all(ours[k] == theirs[k] for k in ours)
    for rid in ours:
        assert cluster.show(rid).passages == local.show(rid).passages
    pid = cluster.show(next(iter(ours))).passages[0].passage_id
    assert "来源：" + ours[next(iter(ours))] in cite(cluster, pid)["citation"]


def test_serve_over_the_cluster_says_it_serves_the_cluster(fresh):
    proc, _base = _serve(["--engine", fresh.address])
    proc.terminate()
    proc.wait(10)
    said = proc.stderr.read().decode()
    assert f"serving the cluster {fresh.address}" in said, said
    assert "var/index" not in said
