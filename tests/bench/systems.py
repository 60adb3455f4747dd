"""The three systems under benchmark, each with the same two operations:

- `ingest(corpus_jsonl, index_dir)` → number of documents written;
- `open(index_dir)` → a callable `search(spec)` returning top-10 hits WITH highlights, exact
  facet counts (agency, year) over all matches, and the total.

    gongkai  index.writer.ingest + search.engine.Engine (passages, jieba words + bigrams)
    naive    jieba.analyse.ChineseAnalyzer in a plain Whoosh schema, one doc per paragraph,
             facets by Whoosh `groupedby`, highlights by `hit.highlights("content")`
    fts5     SQLite FTS5 (unicode61) over space-joined jieba.cut_for_search tokens, one row per
             paragraph, facets by GROUP BY over the matched rows, highlights by highlight()
    tantivy  tantivy (Rust, via tantivy-py) with gongkai's recipe: rjieba search-mode words
             (scored, BM25) and character bigrams of the squeezed text (a phrase query over
             them matches any substring), one doc per paragraph, agency/year fast fields,
             facets by a terms aggregation over the matches, highlights by tantivy's
             SnippetGenerator on the words field (shown on the segmented text)
    cluster  gongkai on two searchd nodes on this machine (index/cluster/, search/cluster/):
             the same ingest and search, through the ClusterStore and ClusterEngine; the
             nodes start inside the child (their memory counts in its process tree) and
             keep their RT shards in INDEX_DIR between the ingest and the query runs

Run as a script, this module is the child process the benchmark measures (one process per
ingest and per query run, so peak memory is that of the work alone):

    python tests/bench/systems.py ingest SYSTEM CORPUS.jsonl INDEX_DIR
    python tests/bench/systems.py query SYSTEM INDEX_DIR REPEAT
    python tests/bench/systems.py profile-ingest SYSTEM CORPUS.jsonl INDEX_DIR OUT.prof
    python tests/bench/systems.py profile-query SYSTEM INDEX_DIR OUT.prof

Each prints one JSON object on its last stdout line."""

from __future__ import annotations

import json
import logging
import os
import re
import resource
import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

from corpora import iter_jsonl, paragraphs  # noqa: E402

SYSTEMS = ("gongkai", "tantivy", "naive", "fts5", "cluster")
LIMIT = 10

# The fixed query mix: `q` in gongkai's query syntax (words ANDed, "…" a phrase), filters apart.
QUERIES: list[dict] = [
    {"label": "common 发展", "q": "发展"},
    {"label": "common 改革", "q": "改革"},
    {"label": "common 经济", "q": "经济"},
    {"label": "common 人民", "q": "人民"},
    {"label": "rare 雄安新区", "q": "雄安新区"},
    {"label": "rare 碳达峰", "q": "碳达峰"},
    {"label": "rare 冬奥会", "q": "冬奥会"},
    {"label": "rare 量子", "q": "量子"},
    {"label": "rare 三峡工程", "q": "三峡工程"},
    {"label": "two 经济 发展", "q": "经济 发展"},
    {"label": "two 科技 创新", "q": "科技 创新"},
    {"label": "two 对外 开放", "q": "对外 开放"},
    {"label": "two 医疗 保险", "q": "医疗 保险"},
    {"label": 'phrase "政府工作报告"', "q": '"政府工作报告"'},
    {"label": 'phrase "社会主义市场经济"', "q": '"社会主义市场经济"'},
    {"label": 'phrase "供给侧结构性改革"', "q": '"供给侧结构性改革"'},
    {"label": "filter 改革 year 2010-2020", "q": "改革", "year": [2010, 2020]},
    {"label": "filter 发展 agency", "q": "发展", "agency": "杭州市余杭区人民政府办公室"},
    {
        "label": "filter 教育 year+agency",
        "q": "教育",
        "year": [1990, 1999],
        "agency": "西安市高陵区人民政府",
    },
    {"label": 'filter "乡村振兴" year 2015-2025', "q": '"乡村振兴"', "year": [2015, 2025]},
]

_PARTS = re.compile(r'"([^"]+)"|(\S+)')
_WORDISH = re.compile(r"\w")


def _domain_dict() -> str:
    return str(ROOT / "index" / "domain_dict.txt")


def _jieba():
    """jieba with our domain dictionary, as gongkai has it (the baselines get the same words)."""
    import jieba

    if not getattr(_jieba, "ready", False):
        jieba.setLogLevel(logging.WARNING)
        jieba.load_userdict(_domain_dict())
        _jieba.ready = True
    return jieba


# -- gongkai ----------------------------------------------------------------------------------
def gongkai_ingest(corpus: str, index_dir: str) -> int:
    from index.writer import ingest

    stats = ingest([corpus], index_dir)
    if stats.failed:
        raise RuntimeError(f"gongkai ingest failed on {len(stats.failed)}: {stats.failed[:3]}")
    return stats.passages


def gongkai_open(index_dir: str, eng=None):
    from search.engine import Engine

    eng = eng or Engine(index_dir)

    def search(spec: dict) -> dict:
        year = spec.get("year")
        res = eng.search(
            spec["q"],
            agency=spec.get("agency"),
            year=f"{year[0]}-{year[1]}" if year else None,
            limit=LIMIT,
        )
        return {
            "total": res["total"],
            "hits": [(h["passage_id"], h["highlight"]) for h in res["hits"]],
            "facets": {
                k: {str(d["value"]): d["count"] for d in res["facets"][k]}
                for k in ("agency", "year")
            },
        }

    return search


# -- gongkai on two searchd nodes --------------------------------------------------------------
def _nodes(index_dir: str):
    import atexit

    from index.cluster.nodes import LocalCluster

    nodes = LocalCluster(index_dir).start()
    atexit.register(nodes.stop)
    return nodes


def cluster_ingest(corpus: str, index_dir: str) -> int:
    from index.cluster.writer import ClusterStore
    from index.writer import ingest

    nodes = _nodes(index_dir)
    stats = ingest([corpus], None, store=ClusterStore(nodes.address))
    if stats.failed:
        raise RuntimeError(f"cluster ingest failed on {len(stats.failed)}: {stats.failed[:3]}")
    nodes.stop()  # searchd writes its RAM chunks to disk for the query run
    return stats.passages


def cluster_open(index_dir: str):
    from search.cluster.engine import ClusterEngine

    return gongkai_open(index_dir, ClusterEngine(_nodes(index_dir).address))


# -- tantivy with the same recipe (rjieba words + bigrams) ----------------------------------
_NOT_LETTER = re.compile(r"[\W_]+")


def _rjieba():
    """rjieba with our domain dictionary, as gongkai has it."""
    import rjieba

    if not getattr(_rjieba, "ready", False):
        for line in Path(_domain_dict()).read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if parts:
                freq = int(parts[1]) if len(parts) > 1 else 1000
                rjieba.add_word(parts[0], freq, parts[2] if len(parts) > 2 else "n")
        _rjieba.ready = True
    return rjieba


def _tantivy_words(text: str) -> list[str]:
    return [w for w in _rjieba().cut_for_search(text) if _WORDISH.search(w)]


def _tantivy_grams(text: str) -> list[str]:
    s = _NOT_LETTER.sub("", text)
    return [s] if len(s) == 1 else [s[i : i + 2] for i in range(len(s) - 1)]


def tantivy_schema():
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("words", stored=True, tokenizer_name="whitespace")
    sb.add_text_field("grams", stored=False, tokenizer_name="whitespace")
    sb.add_text_field("title", stored=True, tokenizer_name="raw")
    sb.add_text_field("agency", stored=True, fast=True, tokenizer_name="raw")
    sb.add_integer_field("year", stored=True, fast=True, indexed=True)
    sb.add_unsigned_field("pid", stored=True)
    return sb.build()


def tantivy_ingest(corpus: str, index_dir: str) -> int:
    import tantivy

    os.makedirs(index_dir, exist_ok=True)
    ix = tantivy.Index(tantivy_schema(), path=index_dir)
    w = ix.writer(heap_size=256_000_000, num_threads=2)
    n = 0
    for row in iter_jsonl(corpus):
        agency, year, title = row.get("agency", ""), int(row.get("year") or 0), row["title"]
        for para in paragraphs(row["content"]):
            low = para.lower()
            w.add_document(
                tantivy.Document(
                    words=" ".join(_tantivy_words(low)),
                    grams=" ".join(_tantivy_grams(low)),
                    title=title,
                    agency=agency,
                    year=year,
                    pid=n,
                )
            )
            n += 1
    w.commit()
    w.wait_merging_threads()
    return n


def tantivy_open(index_dir: str):
    import tantivy

    rj = _rjieba()
    ix = tantivy.Index.open(index_dir)
    schema = ix.schema
    searcher = ix.searcher()
    aggs = {
        "agency": {"terms": {"field": "agency", "size": 10_000}},
        "year": {"terms": {"field": "year", "size": 10_000}},
    }

    def substring(text: str):
        grams = _tantivy_grams(text.lower())
        if len(grams) == 1:
            return tantivy.Query.term_query(schema, "grams", grams[0])
        return tantivy.Query.phrase_query(schema, "grams", grams)

    def search(spec: dict) -> dict:
        must, should = [], []
        for m in _PARTS.finditer(spec["q"]):
            part = m.group(1) or m.group(2)
            # every part matches as a substring (bigram phrase), scored by its words
            must.append(tantivy.Query.const_score_query(substring(part), 0.0))
            for w in rj.cut(part.lower()) if m.group(2) else _tantivy_words(part.lower()):
                if _WORDISH.search(w):
                    should.append(tantivy.Query.term_query(schema, "words", w))
        clauses = [(tantivy.Occur.Must, q) for q in must]
        clauses += [(tantivy.Occur.Should, q) for q in should]
        if spec.get("year"):
            lo, hi = spec["year"]
            clauses.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.range_query(schema, "year", tantivy.FieldType.Integer, lo, hi),
                )
            )
        if spec.get("agency"):
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.term_query(schema, "agency", spec["agency"]))
            )
        query = tantivy.Query.boolean_query(clauses)
        res = searcher.search(query, LIMIT, count=True)
        snip = tantivy.SnippetGenerator.create(searcher, query, schema, "words")
        hits = []
        for _score, addr in res.hits:
            doc = searcher.doc(addr)
            hits.append((doc["pid"][0], snip.snippet_from_doc(doc).to_html()))
        got = searcher.aggregate(query, aggs)
        facets = {
            k: {str(b["key"]): b["doc_count"] for b in got[k]["buckets"]}
            for k in ("agency", "year")
        }
        return {"total": res.count, "hits": hits, "facets": facets}

    return search


# -- naive Whoosh + jieba ChineseAnalyzer -----------------------------------------------------
def naive_schema():
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields

    return fields.Schema(
        pid=fields.ID(stored=True),
        title=fields.STORED(),
        content=fields.TEXT(analyzer=ChineseAnalyzer(), stored=True),
        agency=fields.ID(stored=True, sortable=True),
        year=fields.NUMERIC(int, bits=32, stored=True, sortable=True),
    )


def naive_ingest(corpus: str, index_dir: str) -> int:
    from whoosh import index

    _jieba()
    os.makedirs(index_dir, exist_ok=True)
    ix = index.create_in(index_dir, naive_schema())
    w = ix.writer(limitmb=512)
    n = 0
    for i, row in enumerate(iter_jsonl(corpus)):
        for j, para in enumerate(paragraphs(row["content"])):
            w.add_document(
                pid=f"{i}:{j}",
                title=row.get("title", ""),
                content=para,
                agency=row.get("agency", ""),
                year=int(row.get("year") or 0),
            )
            n += 1
    w.commit()
    return n


def naive_open(index_dir: str):
    from whoosh import index, qparser, sorting
    from whoosh import query as wq

    _jieba()
    ix = index.open_dir(index_dir)
    searcher = ix.searcher()
    parser = qparser.QueryParser("content", ix.schema)

    def search(spec: dict) -> dict:
        q = parser.parse(spec["q"])
        filters = []
        if spec.get("year"):
            filters.append(wq.NumericRange("year", *spec["year"]))
        if spec.get("agency"):
            filters.append(wq.Term("agency", spec["agency"]))
        facets = sorting.Facets()
        facets.add_field("agency", maptype=sorting.Count)
        facets.add_field("year", maptype=sorting.Count)
        r = searcher.search(
            q,
            limit=LIMIT,
            filter=wq.And(filters) if filters else None,
            groupedby=facets,
        )
        # groupedby makes Whoosh collect and score every match; show the top LIMIT
        hits = [(h["pid"], h.highlights("content")) for h in r[:LIMIT]]
        return {
            "total": len(r),
            "hits": hits,
            "facets": {k: {str(v): c for v, c in r.groups(k).items()} for k in ("agency", "year")},
        }

    return search


# -- SQLite FTS5 over jieba tokens ------------------------------------------------------------
def fts5_path(index_dir: str) -> str:
    return os.path.join(index_dir, "fts5.sqlite")


def fts5_tokens(text: str) -> str:
    return " ".join(t for t in _jieba().cut_for_search(text) if _WORDISH.search(t))


def fts5_match(q: str) -> str:
    """gongkai's query syntax as an FTS5 MATCH: words (jieba accurate mode) ANDed, "…" a
    phrase of search-mode tokens."""
    jb = _jieba()
    parts = []
    for m in _PARTS.finditer(q):
        if m.group(1):
            toks = [t for t in jb.cut_for_search(m.group(1)) if _WORDISH.search(t)]
            parts.append('"' + " ".join(toks) + '"')
        else:
            parts.extend(f'"{w}"' for w in jb.cut(m.group(2)) if _WORDISH.search(w))
    return " AND ".join(parts)


def fts5_ingest(corpus: str, index_dir: str) -> int:
    _jieba()
    os.makedirs(index_dir, exist_ok=True)
    con = sqlite3.connect(fts5_path(index_dir))
    con.execute(
        "CREATE VIRTUAL TABLE p USING fts5("
        "agency UNINDEXED, year UNINDEXED, title UNINDEXED, body, tokenize='unicode61')"
    )
    n = 0
    batch: list[tuple] = []
    with con:
        for row in iter_jsonl(corpus):
            agency, year, title = row.get("agency", ""), int(row.get("year") or 0), row["title"]
            for para in paragraphs(row["content"]):
                batch.append((agency, year, title, fts5_tokens(para)))
            if len(batch) >= 5000:
                con.executemany("INSERT INTO p VALUES (?, ?, ?, ?)", batch)
                n += len(batch)
                batch.clear()
        con.executemany("INSERT INTO p VALUES (?, ?, ?, ?)", batch)
        n += len(batch)
    with con:
        con.execute("INSERT INTO p(p) VALUES ('optimize')")
    con.close()
    return n


def fts5_open(index_dir: str):
    _jieba()
    con = sqlite3.connect(fts5_path(index_dir))

    def search(spec: dict) -> dict:
        where = "p MATCH ?"
        params: list = [fts5_match(spec["q"])]
        if spec.get("year"):
            where += " AND year BETWEEN ? AND ?"
            params += list(spec["year"])
        if spec.get("agency"):
            where += " AND agency = ?"
            params.append(spec["agency"])
        hits = con.execute(
            f"SELECT rowid, highlight(p, 3, '<mark>', '</mark>') FROM p WHERE {where} "
            f"ORDER BY rank LIMIT {LIMIT}",
            params,
        ).fetchall()
        agencies: dict[str, int] = {}
        years: dict[str, int] = {}
        total = 0
        for agency, year, c in con.execute(
            f"SELECT agency, year, count(*) FROM p WHERE {where} GROUP BY agency, year", params
        ):
            agencies[agency] = agencies.get(agency, 0) + c
            years[str(year)] = years.get(str(year), 0) + c
            total += c
        return {
            "total": total,
            "hits": [tuple(h) for h in hits],
            "facets": {"agency": agencies, "year": years},
        }

    return search


INGEST = {
    "gongkai": gongkai_ingest,
    "tantivy": tantivy_ingest,
    "naive": naive_ingest,
    "fts5": fts5_ingest,
    "cluster": cluster_ingest,
}
OPEN = {
    "gongkai": gongkai_open,
    "tantivy": tantivy_open,
    "naive": naive_open,
    "fts5": fts5_open,
    "cluster": cluster_open,
}


# -- child-process entry points ---------------------------------------------------------------
def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MiB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ingest(system: str, corpus: str, index_dir: str) -> dict:
    t0 = time.perf_counter()
    docs = INGEST[system](corpus, index_dir)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "docs": docs, "peak_rss_mb": peak_rss_mb()}


def run_queries(system: str, index_dir: str, repeat: int) -> dict:
    """Open, one warm-up pass (timed apart), then `repeat` interleaved timed passes."""
    t0 = time.perf_counter()
    search = OPEN[system](index_dir)
    open_s = time.perf_counter() - t0
    first = {}
    totals = {}
    for spec in QUERIES:
        t = time.perf_counter()
        res = search(spec)
        first[spec["label"]] = time.perf_counter() - t
        totals[spec["label"]] = res["total"]
        assert len(res["hits"]) <= LIMIT
        assert res["total"] == 0 or (res["hits"] and res["facets"]["year"]), spec
    samples: dict[str, list[float]] = {s["label"]: [] for s in QUERIES}
    for _ in range(repeat):
        for spec in QUERIES:
            t = time.perf_counter()
            search(spec)
            samples[spec["label"]].append(time.perf_counter() - t)
    return {
        "open_s": open_s,
        "first": first,
        "samples": samples,
        "totals": totals,
        "peak_rss_mb": peak_rss_mb(),
    }


def _profile(fn, out: str, *args):
    import cProfile

    prof = cProfile.Profile()
    result = prof.runcall(fn, *args)
    prof.dump_stats(out)
    return result


def main(argv: list[str]) -> None:
    cmd, system, *rest = argv
    if system not in SYSTEMS:
        raise SystemExit(f"unknown system {system!r}; one of {SYSTEMS}")
    if cmd == "ingest":
        out = run_ingest(system, *rest)
    elif cmd == "query":
        out = run_queries(system, rest[0], int(rest[1]))
    elif cmd == "profile-ingest":
        out = _profile(run_ingest, rest[2], system, rest[0], rest[1])
    elif cmd == "profile-query":
        out = _profile(run_queries, rest[1], system, rest[0], 1)
    else:
        raise SystemExit(f"unknown command {cmd!r}")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
