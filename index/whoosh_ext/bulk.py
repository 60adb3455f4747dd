"""A Whoosh segment writer that indexes the two text fields in bulk.

Whoosh indexes a document by pushing every (field, term, doc) posting through a Python
sorting pool and a per-posting block writer: about 8 µs a posting, and a passage has several
hundred. Here the word and bigram fields of a whole segment are gathered as flat lists, sorted
once with numpy, and written a term at a time as W3 posting lists of packed blocks
(index/whoosh_ext/codec.py): an ordinary Whoosh segment, which Whoosh's readers and merges read.
The id and facet fields (postings without values: ID, NUMERIC) are gathered the same way from
the terms Whoosh's own field objects give; stored fields and columns go through Whoosh."""

from __future__ import annotations

import struct
from array import array
from itertools import repeat
from pickle import dumps

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.formats import Existence
from whoosh.multiproc import SubWriterTask
from whoosh.system import pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from index.analysis import GRAMS, PLAIN, WORDS, analyse
from index.whoosh_ext.codec import encode_block

_INT = struct.Struct("!i")  # StructFile.write_int
_LENGTHS = struct.Struct("!ii")  # HashWriter's (key length, value length) record header
pack_extent = struct.Struct("!qi").pack  # a term info's (offset, length) of its postings
_CHUNK = 1 << 17  # postings turned into Python lists at a time


class _Postings:
    """One field's postings for a segment, compactly: a term → id table and parallel arrays of
    term id, document number and frequency (about 12 bytes a token, so a batch can be big).
    Terms are str for the analyzed text fields (code point order is UTF-8 byte order) and, when
    `raw`, the bytes Whoosh's field objects give (NUMERIC terms are not UTF-8)."""

    def __init__(self, raw: bool = False) -> None:
        self.raw = raw
        self.ids: dict = {}
        self.terms = array("I")
        self.docs = array("I")
        self.freqs = array("f")

    def __len__(self) -> int:
        return len(self.terms)

    def add(self, docnum: int, tokens: list[str]) -> None:
        """Every token once, frequency 1: repeats of a term in a document are summed when
        the postings are sorted (_sorted_postings), in numpy rather than a Counter here."""
        ids = self.ids
        new = ids.setdefault  # a term not seen yet gets the next id
        n = len(tokens)
        self.terms.extend([new(t, len(ids)) for t in tokens])
        self.freqs.extend(repeat(1.0, n))
        self.docs.extend(repeat(docnum, n))

    def add_posting(self, btext: bytes, docnum: int, weight: float) -> None:
        t = btext if self.raw else btext.decode("utf-8")
        i = self.ids.get(t)
        if i is None:
            i = self.ids[t] = len(self.ids)
        self.terms.append(i)
        self.docs.append(docnum)
        self.freqs.append(weight)


def _sorted_postings(post: _Postings, blocklimit: int):
    """(vocabulary in byte order, per-term start and end, docs, block-relative id deltas,
    frequencies), the postings sorted by term then document."""
    names = list(post.ids)  # in id order
    by_text = sorted(range(len(names)), key=names.__getitem__)  # code point = UTF-8 byte order
    rank = np.empty(len(names), dtype=np.int32)
    rank[by_text] = np.arange(len(names), dtype=np.int32)
    tids = rank[np.frombuffer(post.terms, dtype=np.uint32)]
    docs = np.frombuffer(post.docs, dtype=np.uint32).astype(np.int32)
    order = np.lexsort((docs, tids))
    tids, docs = tids[order], docs[order]
    freqs = np.frombuffer(post.freqs, dtype=np.float32)[order]
    del order
    # one posting per (term, document): a term's tokens in one document summed
    first = np.r_[True, (tids[1:] != tids[:-1]) | (docs[1:] != docs[:-1])]
    if not first.all():
        at_first = np.flatnonzero(first)
        freqs = np.add.reduceat(freqs, at_first)
        tids, docs = tids[at_first], docs[at_first]
    del first
    n = len(docs)
    starts = np.flatnonzero(np.r_[True, tids[1:] != tids[:-1]])
    del tids
    ends = np.r_[starts[1:], n]
    # ids are delta-coded within each block, the first from zero
    at = np.arange(n, dtype=np.int32) - np.repeat(starts, ends - starts).astype(np.int32)
    deltas = np.where(at % blocklimit == 0, docs, docs - np.r_[0, docs[:-1]])
    return [names[i] for i in by_text], starts, ends, docs, deltas, freqs


_INLINE_TAILS: dict[float, bytes] = {}


def inline_postings(d: int, w: float) -> bytes:
    """`pickle.dumps(((d,), (w,), (pack_uint(int(w)),)), 2)`, byte for byte, built from its
    parts: the protocol header, `d` as pickle's 1-, 2- or 4-byte int opcode, and the rest
    (which depends on `w` alone, and is kept per `w`). A lone posting's term info holds it."""
    tail = _INLINE_TAILS.get(w)
    if tail is None:
        tail = dumps(((0,), (w,), (pack_uint(int(w)),)), 2)[4:]  # after b"\x80\x02K\x00"
        if len(_INLINE_TAILS) < 4096:
            _INLINE_TAILS[w] = tail
    if d < 256:
        return b"\x80\x02K" + d.to_bytes(1, "little") + tail
    if d < 65536:
        return b"\x80\x02M" + d.to_bytes(2, "little") + tail
    if d < 2**31:
        return b"\x80\x02J" + d.to_bytes(4, "little") + tail
    return dumps(((d,), (w,), (pack_uint(int(w)),)), 2)


def write_field(fieldwriter, name: str, fieldobj, post: _Postings, blocklimit: int, comp: int):
    """Write `post` as field `name` through a W3FieldWriter: a W3 posting list per term in
    codec.py's packed blocks, and its W3 term info (no length statistics); a term with
    one posting is inlined in its term info, as Whoosh does below its `inlinelimit`. Work goes
    a chunk of postings at a time, so memory stays near that of the arrays themselves."""
    vocab, starts, ends, docs, deltas, freqs = _sorted_postings(post, blocklimit)
    fieldwriter.start_field(name, fieldobj)
    postfile = fieldwriter._postfile
    tindex = fieldwriter._tindex  # an OrderedHashWriter; its add() is inlined below
    termfile = tindex.dbfile
    prefix = pack_ushort(fieldwriter._fieldid)
    out, terms_out = bytearray(), bytearray()
    buckets, positions = tindex.buckets, tindex.index
    pack_block, pack_lengths = _INT.pack, _LENGTHS.pack
    no_length = length_to_byte(None)
    hashfn = tindex.hashfn
    pack_info = W3TermInfo._struct.pack  # W3TermInfo.to_bytes, field by field
    starts_l, ends_l = starts.tolist(), ends.tolist()
    if not post.raw:
        vocab = [t.encode("utf-8") for t in vocab]
    key = b""
    t = 0
    while t < len(vocab):
        lo = starts_l[t]
        t_end = max(t + 1, int(np.searchsorted(starts, lo + _CHUNK, side="right")) - 1)
        hi = ends_l[t_end - 1]
        doc_l, delta_l, freq_l = (x[lo:hi].tolist() for x in (docs, deltas, freqs))
        post_base, term_base = postfile.tell(), termfile.tell()
        for i in range(t, t_end):
            a, b = starts_l[i] - lo, ends_l[i] - lo
            key = prefix + vocab[i]
            if b - a == 1:  # a lone posting goes in the term info: no block to write or read
                w = freq_l[a]
                d = doc_l[a]
                inline = inline_postings(d, w)
                value = pack_info(1, w, 1, no_length, no_length, w, d, d) + inline
            else:
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
                value = pack_info(
                    0,
                    sum(freq_l[a:b]),
                    b - a,
                    no_length,
                    no_length,
                    maxweight,
                    doc_l[a],
                    doc_l[b - 1],
                ) + pack_extent(start, post_base + len(out) - start)
            pos = term_base + len(terms_out)  # OrderedHashWriter.add, buffered
            terms_out += pack_lengths(len(key), len(value))
            terms_out += key
            terms_out += value
            h = hashfn(key)
            buckets[h & 255].append((h, pos))
            positions.append(pos)
        postfile.write(bytes(out))
        termfile.write(bytes(terms_out))
        out.clear()
        terms_out.clear()
        t = t_end
    tindex.lastkey = key
    fieldwriter.finish_field()


class BulkSegmentWriter(SegmentWriter):
    """A SegmentWriter whose postings are all written in bulk at flush."""

    def __init__(self, ix, *args, **kwargs):
        super().__init__(ix, *args, **kwargs)
        self._bulk = {WORDS: _Postings(), GRAMS: _Postings()}
        self._memo: dict = {}  # (field, value) → its terms (see _terms_of)
        for name, field in self.schema.items():  # id and facet fields: postings without values
            if field.indexed and name not in self._bulk:
                if type(field.format) is not Existence:
                    raise TypeError(
                        f"the bulk writer cannot index {name!r}: its postings carry values"
                    )
                self._bulk[name] = _Postings(raw=True)

    def add_document(self, **fields) -> None:
        self._check_state()
        pdw = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        bulk = self._bulk
        text = fields.get(WORDS)
        if text is not None:
            words, grams, plain = analyse(text)
            bulk[WORDS].add(docnum, words)
            bulk[GRAMS].add(docnum, grams)
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
                    post = bulk[name]
                    tids, weights = self._terms_of(name, field, value, post)
                    post.terms.extend(tids)
                    post.freqs.extend(weights)
                    post.docs.extend(repeat(docnum, len(tids)))
                pdw.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    pdw.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def _terms_of(self, name: str, field, value, post: _Postings) -> tuple[array, array]:
        """(term ids in `post`, weights) of what the field indexes for `value`, remembered per
        value: a report's passages repeat its id, agency, year and kind (and NUMERIC's
        shifted terms cost a few microseconds each)."""
        memo = self._memo
        key = (name, type(value), value)
        try:
            got = memo.get(key)
        except TypeError:  # an unhashable value
            key, got = None, None
        if got is None:
            ids = post.ids
            tids, weights = array("I"), array("f")
            for tbytes, _freq, weight, _vbytes in field.index(value):
                t = tbytes if post.raw else tbytes.decode("utf-8")
                tids.append(ids.setdefault(t, len(ids)))
                weights.append(weight)
            got = (tids, weights)
            if key is not None:
                if len(memo) >= 50_000:
                    memo.clear()
                memo[key] = got
        return got

    def write_per_doc(self, fieldnames, reader):
        """Merging a segment in (add_reader), Whoosh copies each document's length from its
        one-byte quantized form, so every merge moved the index's total word count (BM25's
        mean length) up by the rounding: the sample corpus, ingested in batches, said 16,602
        words where its passages hold 16,336. Keep the total exact: the reader's own total
        less the words of its deleted documents (their stored text, re-analysed)."""
        lengths = self.perdocwriter._fieldlengths
        before = lengths[WORDS]
        docmap = super().write_per_doc(fieldnames, reader)
        exact = reader.field_length(WORDS)
        if reader.has_deletions():
            for d in range(reader.doc_count_all()):
                if reader.is_deleted(d):
                    exact -= len(analyse(reader.stored_fields(d).get(WORDS) or "")[0])
        lengths[WORDS] = before + exact
        return docmap

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
        for name in sorted(n for n in bulk if len(bulk[n])):
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
