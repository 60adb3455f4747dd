"""A Whoosh segment writer that indexes the two text fields in bulk.

Whoosh indexes a document by pushing every (field, term, doc) posting through a Python
sorting pool and a per-posting block writer: about 8 µs a posting, and a passage has several
hundred. Here the word and bigram fields of a whole segment are gathered as flat lists, sorted
once with numpy, and written a term at a time as W3 posting lists of packed blocks
(index/codec.py): an ordinary Whoosh segment, which Whoosh's readers and merges read.
Everything else (ids, facets, stored fields, columns) goes through Whoosh unchanged."""

from __future__ import annotations

import struct
from collections import Counter
from itertools import repeat
from pickle import dumps

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import md5_hash
from whoosh.multiproc import SubWriterTask
from whoosh.system import pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from index import segment
from index.analysis import _WORDISH, bigrams, squeeze
from index.codec import encode_block
from index.normalize import normalize

WORDS = "text"  # jieba words (scored, with lengths)
GRAMS = "grams"  # bigrams of the squeezed text
PLAIN = "plain"  # column: the squeezed normalized text, for confirming phrases
_INT = struct.Struct("!i")  # StructFile.write_int
_LENGTHS = struct.Struct("!ii")  # HashWriter's (key length, value length) record header


def analyse(text: str) -> tuple[list[str], list[str], str]:
    """(word terms, bigram terms, squeezed text) of a passage: the same terms the schema's
    analyzers give for the `text` and `grams` fields (tests/test_bulk.py holds them equal)."""
    norm = normalize(text)
    words = [w for w, _s, _e in segment.tokenize(norm) if _WORDISH.search(w)]
    plain = squeeze(norm)
    return words, bigrams(plain), plain


class _Postings:
    """One field's postings for a segment, as parallel flat lists."""

    def __init__(self) -> None:
        self.terms: list[str] = []
        self.docs: list[int] = []
        self.freqs: list[float] = []

    def add(self, docnum: int, tokens: list[str]) -> None:
        counts = Counter(tokens)
        self.terms.extend(counts.keys())
        self.freqs.extend(counts.values())
        self.docs.extend(repeat(docnum, len(counts)))

    def add_posting(self, btext: bytes, docnum: int, weight: float) -> None:
        self.terms.append(btext.decode("utf-8"))
        self.docs.append(docnum)
        self.freqs.append(weight)


def write_field(fieldwriter, name: str, fieldobj, post: _Postings, blocklimit: int, comp: int):
    """Write `post` as field `name` through a W3FieldWriter: a W3 posting list per term in
    index/codec.py's packed blocks, and its W3 term info (no length statistics); a term with
    one posting is inlined in its term info, as Whoosh does below its `inlinelimit`."""
    vocab = sorted(set(post.terms))  # code point order is UTF-8 byte order, as Whoosh sorts
    rank = {term: i for i, term in enumerate(vocab)}
    tids = np.fromiter(map(rank.__getitem__, post.terms), dtype=np.int64, count=len(post.terms))
    docs = np.array(post.docs, dtype=np.int64)
    freqs = np.array(post.freqs, dtype=np.float32)
    order = np.lexsort((docs, tids))
    tids, docs, freqs = tids[order], docs[order], freqs[order]
    n = len(docs)
    starts = np.flatnonzero(np.r_[True, tids[1:] != tids[:-1]])
    ends = np.r_[starts[1:], n]
    # ids are delta-coded within each block, the first from zero
    first = np.repeat(starts, ends - starts)
    block_start = (np.arange(n) - first) % blocklimit == 0
    deltas = np.where(block_start, docs, docs - np.r_[0, docs[:-1]])

    fieldwriter.start_field(name, fieldobj)
    postfile = fieldwriter._postfile
    tindex = fieldwriter._tindex  # an OrderedHashWriter; its add() is inlined below
    prefix = pack_ushort(fieldwriter._fieldid)
    post_base, term_base = postfile.tell(), tindex.dbfile.tell()
    out, terms_out = bytearray(), bytearray()
    buckets, positions = tindex.buckets, tindex.index
    pack_block, pack_lengths = _INT.pack, _LENGTHS.pack
    no_length = length_to_byte(None)
    doc_l, delta_l, freq_l = docs.tolist(), deltas.tolist(), freqs.tolist()
    last = [b""]

    def _add_term(key: bytes, value: bytes) -> None:  # OrderedHashWriter.add, buffered
        pos = term_base + len(terms_out)
        terms_out.extend(pack_lengths(len(key), len(value)))
        terms_out.extend(key)
        terms_out.extend(value)
        h = md5_hash(key)
        buckets[h & 255].append((h, pos))
        positions.append(pos)
        last[0] = key

    for term, a, b in zip(vocab, starts.tolist(), ends.tolist(), strict=True):
        ti = W3TermInfo()
        ti._weight = float(sum(freq_l[a:b]))
        ti._df = b - a
        ti._minid = doc_l[a]
        ti._maxid = doc_l[b - 1]
        if b - a == 1:  # a lone posting goes in the term info: no block to write or read
            w = freq_l[a]
            ti._maxweight = w
            ti.set_inlined((doc_l[a],), (w,), (pack_uint(int(w)),))
            _add_term(prefix + term.encode("utf-8"), ti.to_bytes())
            continue
        start = post_base + len(out)
        out += WHOOSH3_HEADER_MAGIC
        maxweight = 0.0
        for k in range(a, b, blocklimit):
            e = min(k + blocklimit, b)
            ws = freq_l[k:e]
            bmax = max(ws)
            maxweight = max(maxweight, bmax)
            data, c = encode_block(delta_l[k:e], ws, comp)
            info = dumps((e - k, doc_l[e - 1], bmax, c, no_length, 0), 2)
            size = len(info) + len(data)
            out += pack_block(-size if e == b else size)
            out += info
            out += data
        ti._maxweight = maxweight
        ti.set_extent(start, post_base + len(out) - start)
        _add_term(prefix + term.encode("utf-8"), ti.to_bytes())
    postfile.write(bytes(out))
    tindex.dbfile.write(bytes(terms_out))
    tindex.lastkey = last[0]
    fieldwriter.finish_field()


class BulkSegmentWriter(SegmentWriter):
    """A SegmentWriter whose `text` and `grams` postings are written in bulk at flush."""

    def __init__(self, ix, *args, **kwargs):
        super().__init__(ix, *args, **kwargs)
        self._bulk = {WORDS: _Postings(), GRAMS: _Postings()}

    def add_document(self, **fields) -> None:
        self._check_state()
        pdw = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        add_post = self.pool.add
        text = fields.get(WORDS)
        if text is not None:
            words, grams, plain = analyse(text)
            self._bulk[WORDS].add(docnum, words)
            self._bulk[GRAMS].add(docnum, grams)
            fields[PLAIN] = plain.encode("utf-8")
            fields.pop(GRAMS, None)
        pdw.start_doc(docnum)
        try:
            for name in sorted(n for n in fields if not n.startswith("_")):
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if name == WORDS:
                    length = len(words)
                elif field.indexed:
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if field.scorable:
                            length += freq
                        add_post((name, tbytes, docnum, weight, vbytes))
                pdw.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    pdw.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fw = self.fieldwriter
        bulk = self._bulk

        def pooled():
            for item in self.pool.iter_postings():
                post = bulk.get(item[0])
                if post is None:
                    yield item
                else:  # a merged segment's postings join the bulk ones of the same field
                    post.add_posting(item[1], item[2], item[3])

        fw.add_postings(self.schema, None, pooled())
        for name in sorted(n for n in bulk if bulk[n].terms):
            write_field(
                fw,
                name,
                self.schema[name],
                bulk[name],
                self.codec._blocklimit,
                self.codec._compression,
            )
        fw.close()


class BulkSubWriterTask(SubWriterTask):
    """Whoosh's multiprocess sub-writer, with a BulkSegmentWriter inside."""

    def run(self):
        import whoosh.multiproc as mp

        original = mp.SegmentWriter
        mp.SegmentWriter = BulkSegmentWriter  # SubWriterTask.run names the class directly
        try:
            super().run()
        finally:
            mp.SegmentWriter = original
