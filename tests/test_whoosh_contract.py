"""The contract that pins whoosh-reloaded (pyproject.toml): what index/whoosh_ext/ does past
Whoosh's public API still agrees with Whoosh. The bulk segment writer writes the same index
Whoosh's own writer writes (the same terms, postings, weights, field lengths and columns,
readable by Whoosh's readers); the numpy posting and column readers give Whoosh's values. Before
moving the pin, run this file against the new version."""

from __future__ import annotations

import pytest
from conftest import SAMPLES, WORK_REPORTS, need_realdata
from whoosh import index as windex

from corpus.reader import read_reports
from index.analysis import GRAMS, PLAIN, WORDS, analyse, squeeze
from index.normalize import normalize
from index.schema import make_schema
from index.whoosh_ext import bulk
from index.whoosh_ext.bulk import BulkSegmentWriter
from index.whoosh_ext.codec import make_codec
from index.writer import report_docs

TRICKY = [
    "以公开为原则，不公开为例外",
    "ＰＭ２．５濃度下降了 12.5%，憲法草案",
    "2017年度 12345热线 e-mail: foo_bar@gov.cn",
    "税",
    "……",
    "A",
    "",
    "第一部分 总体情况\n一、主动公开政府信息情况 | 本年新增 | 12",
]


def _create(path) -> windex.Index:
    path.mkdir()
    return windex.create_in(str(path), make_schema())


def _docs(paths) -> list[dict]:
    out = []
    for path in paths:
        for report in read_reports(str(path)):
            out.extend(report_docs(report))
    return out


def _postings(ix) -> dict:
    """Everything the indexed fields and the plain column hold, by passage id."""
    with ix.searcher() as s:
        r = s.reader()
        pid = {d: f["passage_id"] for d, f in enumerate(s.all_stored_fields())}
        out: dict = {}
        for field in (name for name, f in ix.schema.items() if f.indexed):
            for term in r.lexicon(field):
                m = r.postings(field, term)
                out[(field, term)] = sorted((pid[d], w) for d, w in m.items_as("weight"))
        out["lengths"] = sorted((pid[d], r.doc_field_length(d, WORDS)) for d in pid)
        plain = r.column_reader(PLAIN)
        out["plain"] = sorted((pid[d], plain[d]) for d in pid)
    return out


def _whoosh_writer(ix, docs):
    w = ix.writer(codec=make_codec())
    for doc in docs:
        if WORDS in doc:
            doc = {**doc, GRAMS: doc[WORDS], PLAIN: squeeze(normalize(doc[WORDS])).encode()}
        w.add_document(**doc)
    w.commit()


@pytest.mark.parametrize("text", TRICKY)
def test_analyse_gives_the_schema_analyzers_terms(text):
    schema = make_schema()
    words, grams, plain = analyse(text)
    assert words == [t.text for t in schema[WORDS].analyzer(text)]
    assert grams == [t.text for t in schema[GRAMS].analyzer(text)]
    assert plain == squeeze(normalize(text))


@pytest.mark.parametrize("chunk", [None, 999])  # 999: many chunks of postings per field
def test_bulk_segment_equals_whooshs_own(tmp_path, monkeypatch, chunk):
    if chunk:
        monkeypatch.setattr(bulk, "_CHUNK", chunk)
    docs = _docs(sorted(SAMPLES.glob("*.*")))
    a = _create(tmp_path / "a")
    _whoosh_writer(a, docs)
    b = _create(tmp_path / "b")
    w = BulkSegmentWriter(b, codec=make_codec())
    for doc in docs:
        w.add_document(**doc)
    w.commit()
    expected = _postings(a)
    assert len(expected) > 10_000
    assert _postings(b) == expected


def test_segments_merged_by_the_bulk_writer_are_unchanged(tmp_path):
    docs = _docs(sorted(SAMPLES.glob("*.*")))
    ix = _create(tmp_path / "ix")
    for part in (docs[: len(docs) // 2], docs[len(docs) // 2 :]):
        w = BulkSegmentWriter(ix, codec=make_codec())
        for doc in part:
            w.add_document(**doc)
        w.commit(merge=False)
    before = _postings(ix)
    assert len(ix._segments()) == 2
    BulkSegmentWriter(ix, codec=make_codec()).commit(optimize=True)
    assert len(ix._segments()) == 1
    assert _postings(ix) == before


def test_analyse_matches_the_analyzers_on_the_real_corpus():
    need_realdata()
    schema = make_schema()
    reports = read_reports(str(WORK_REPORTS))
    texts = [p.text for r in reports[::7] for p in r.passages[::5]]
    assert len(texts) > 100
    for text in texts:
        words, grams, _ = analyse(text)
        assert words == [t.text for t in schema[WORDS].analyzer(text)]
        assert grams == [t.text for t in schema[GRAMS].analyzer(text)]


def test_numpy_posting_reader_agrees_with_whooshs_matcher(samples_index):
    from index.whoosh_ext.postings import postings as _postings

    ix = windex.open_dir(samples_index, indexname="gongkai")
    with ix.searcher() as s:
        r = s.reader()
        checked = 0
        for field in (WORDS, GRAMS):
            for term in list(r.lexicon(field))[::3]:
                ids, weights = _postings(s, field, term.decode("utf-8"))
                pairs = list(r.postings(field, term).items_as("weight"))
                assert ids.tolist() == [d for d, _ in pairs]
                assert weights.tolist() == [w for _, w in pairs]
                checked += 1
        assert checked > 3000


def test_whole_columns_equal_whooshs_per_document_readers(samples_index):
    from index.whoosh_ext import columns

    ix = windex.open_dir(samples_index, indexname="gongkai")
    with ix.searcher() as s:
        for leaf, _ in s.reader().leaf_readers():
            n = leaf.doc_count_all()
            for name in ("report_id", "agency", "section", PLAIN):
                assert columns.var_bytes(leaf, name) == [
                    leaf.column_reader(name, translate=False)[d] for d in range(n)
                ]
            for name in ("year", "order"):
                assert columns.numeric(leaf, name).tolist() == list(leaf.column_reader(name))
            assert columns.field_lengths(leaf, WORDS).tolist() == [
                leaf.doc_field_length(d, WORDS) or 0 for d in range(n)
            ]


def test_small_segments_from_re_ingests_are_merged(tmp_path):
    import shutil

    from index.writer import ingest
    from search.engine import Engine

    src = tmp_path / "src"
    shutil.copytree(SAMPLES, src)
    ix_dir = str(tmp_path / "ix")
    ingest([str(src)], ix_dir)
    for i in range(3):  # each re-ingest of a changed file writes a small segment
        page = src / "000_acb323a203c4bfef.txt"
        page.write_text(page.read_text(encoding="utf-8") + f"\n补充说明第{i}条。", encoding="utf-8")
        ingest([str(src)], ix_dir)
        assert len(windex.open_dir(ix_dir, indexname="gongkai")._segments()) == 1
    fresh = str(tmp_path / "fresh")
    ingest([str(src)], fresh)
    for q in ("政务公开", '"补充说明第2条"', "补充说明"):
        assert Engine(ix_dir).search(q, limit=0) == Engine(fresh).search(q, limit=0)


def _words_held(ix_dir: str) -> tuple[int, int]:
    """(the index's total word count, the words its live passages hold, re-analysed)."""
    r = windex.open_dir(ix_dir, indexname="gongkai").reader()
    held = sum(len(analyse(f.get(WORDS) or "")[0]) for f in r.all_stored_fields())
    return r.field_length(WORDS), held


def test_merges_keep_the_total_length_exact(tmp_path):
    """BM25's mean length comes from the index's total: merging segments (two ingest
    processes' segments, re-ingests' small ones, deletions) must not round it up through
    Whoosh's one-byte per-document lengths, or the same corpus ranks differently with the
    history of its ingests (and unlike the cluster, which sums exact lengths)."""
    import shutil

    from index.writer import ingest

    src = tmp_path / "src"
    shutil.copytree(SAMPLES, src)
    ix_dir = str(tmp_path / "ix")
    ingest([str(src)], ix_dir)  # two processes' segments, merged at the end
    total, held = _words_held(ix_dir)
    assert held > 10_000 and total == held
    page = src / "000_acb323a203c4bfef.txt"  # a changed report: old passages deleted, merged
    page.write_text(page.read_text(encoding="utf-8") + "\n补充说明一条。", encoding="utf-8")
    ingest([str(src)], ix_dir)
    total2, held2 = _words_held(ix_dir)
    assert held2 > held and total2 == held2


def test_indexes_written_before_the_codec_moved_still_name_it():
    """A TOC pickles the codec class by module path: older indexes say index.codec."""
    import pickle

    from index.whoosh_ext.codec import GKCodec

    assert pickle.loads(b"cindex.codec\nGKCodec\n.") is GKCodec


def test_inline_postings_are_the_pickle_whoosh_reads():
    """The bulk writer builds a lone posting's inline pickle from parts (for speed): byte for
    byte what pickle.dumps gives, across the int opcodes' boundaries and several weights."""
    import pickle

    from whoosh.system import pack_uint

    from index.whoosh_ext.bulk import inline_postings

    docs = [0, 1, 255, 256, 65535, 65536, 2**24, 2**31 - 1, 2**31, 2**40]
    docs += list(range(0, 300_000, 997))
    for d in docs:
        for w in (1.0, 2.0, 3.0, 37.0, 255.0, 256.0, 70_000.0, 2.5):
            assert inline_postings(d, w) == pickle.dumps(((d,), (w,), (pack_uint(int(w)),)), 2)
