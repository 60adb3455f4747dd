"""gongkai's Whoosh codec: Whoosh's W3 codec, with the text fields' posting blocks packed as
raw little-endian arrays instead of pickled tuples of Python ints.

A W3 block pickles its delta-coded document ids as a tuple, which Whoosh then undoes one Python
int at a time; for a common word that is most of a query's time. Here a block's ids and weights
are `uint32`/`float32` bytes that numpy reads without a loop (`unpack`). Blocks written by
Whoosh's own postings writer (the id and facet fields) keep the W3 layout; the matcher below
reads both, so every Whoosh reader, searcher and merge works on these segments unchanged."""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from array import array

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3LeafMatcher
from whoosh.filedb.filetables import HashWriter, OrderedHashWriter
from whoosh.system import pack_uint
from whoosh.util.numlists import GrowableArray

from index.settings import BLOCK_COMPRESSION, BLOCK_LIMIT

_INT = struct.Struct("!i")  # a block's length, as StructFile.write_int writes it
MIN_COMPRESS = 96  # bytes: smaller blocks come out of zlib no smaller


class GKCodec(W3Codec):
    """W3 with packed blocks for bulk-written fields (and no per-block length statistics:
    those only serve Whoosh's own top-k pruning; the search engine scores with numpy)."""

    length_stats = False

    def field_writer(self, storage, segment):
        return GKFieldWriter(self, storage, segment)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = extent(terminfo)
        return GKLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class _CrcOrderedHashWriter(OrderedHashWriter):
    """Whoosh's ordered term table hashed with CRC32 (its hash type 1) instead of MD5: the
    type is in the file header, so Whoosh's reader follows; CRC32 is ten times cheaper."""

    def __init__(self, dbfile):
        HashWriter.__init__(self, dbfile, hashtype=1)
        self.index = GrowableArray("H")
        self.lastkey = b""


class GKFieldWriter(W3FieldWriter):
    def __init__(self, codec, storage, segment):  # W3FieldWriter's, with the CRC32 table
        self._codec = codec
        self._storage = storage
        self._segment = segment
        self._fieldname = None
        self._fieldid = None
        self._btext = None
        self._fieldobj = None
        self._format = None
        self._tindex = _CrcOrderedHashWriter(self._create_file(W3Codec.TERMS_EXT))
        self._fieldmap = self._tindex.extras["fieldmap"] = {}
        self._postfile = self._create_file(W3Codec.POSTS_EXT)
        self._postwriter = None
        self._infield = False
        self.is_closed = False


def make_codec() -> GKCodec:
    return GKCodec(blocklimit=BLOCK_LIMIT, compression=BLOCK_COMPRESSION)


def extent(terminfo) -> tuple[int, int]:
    """(offset, length) of a term's postings (W3TermInfo.from_bytes leaves the length in a
    1-tuple)."""
    offset, length = terminfo.extent()
    return offset, length[0] if isinstance(length, tuple) else length


def encode_block(deltas: list[int], weights: list[float], comp: int) -> tuple[bytes, int]:
    """(data bytes, compression level used) of one block: ids as uint32 deltas (the first
    from zero), weights as None (all 1), one float, or float32s; no values (for our fields the
    weight is the frequency). Plain lists: most blocks hold a handful of postings."""
    n = len(deltas)
    w0 = weights[0]
    if weights.count(w0) == n:
        mini_w = None if w0 == 1.0 else w0
    else:
        mini_w = struct.pack(f"<{n}f", *weights)
    data = pickle.dumps((struct.pack(f"<{n}I", *deltas), mini_w, None), 2)
    if comp and len(data) > MIN_COMPRESS:
        return zlib.compress(data, comp), comp
    return data, 0


def unpack(data: tuple, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, weights) of an unpickled block, packed or in Whoosh's own W3 layout."""
    ids, w, _values = data
    if isinstance(ids, bytes):
        out = np.cumsum(np.frombuffer(ids, dtype="<u4"), dtype=np.int64)
    else:
        out = np.cumsum(np.array(ids, dtype=np.int64))
    if w is None:
        weights = np.ones(count, dtype=np.float32)
    elif isinstance(w, float):
        weights = np.full(count, w, dtype=np.float32)
    elif isinstance(w, bytes):
        weights = np.frombuffer(w, dtype="<f4")
    else:
        weights = np.array(w, dtype=np.float32)
    return out, weights


def read_postings(postfile, offset: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, weights) of one term's whole posting list, read in one go. Packed blocks'
    ids are joined and summed once: each block's first id is absolute (delta from zero), so it
    is made relative to the previous block's last (from its block info) first."""
    buf = io.BytesIO(postfile.get(offset, length))
    buf.seek(len(WHOOSH3_HEADER_MAGIC))
    id_bytes: list[bytes] = []
    weights: list[np.ndarray] = []
    counts: list[int] = []
    lasts: list[int] = []
    other: list[tuple[np.ndarray, np.ndarray]] = []  # W3-layout blocks, decoded one by one
    while True:
        size = _INT.unpack(buf.read(4))[0]
        end = buf.tell() + abs(size)
        count, last, _maxw, comp, _mn, _mx = pickle.load(buf)
        data = buf.read(end - buf.tell())
        block = pickle.loads(zlib.decompress(data) if comp else data)
        if isinstance(block[0], bytes) and not other:
            id_bytes.append(block[0])
            counts.append(count)
            lasts.append(last)
            w = block[1]
            if w is None:
                weights.append(np.ones(count, dtype=np.float32))
            elif isinstance(w, float):
                weights.append(np.full(count, w, dtype=np.float32))
            else:
                weights.append(np.frombuffer(w, dtype="<f4"))
        else:
            other.append(unpack(block, count))
        if size < 0:
            break
    if other:  # any W3 block: decode every block alone (Whoosh's own writer wrote it)
        return _read_blockwise(postfile, offset, length)
    deltas = np.frombuffer(b"".join(id_bytes), dtype="<u4").astype(np.int64)
    if len(counts) > 1:
        starts = np.cumsum(counts[:-1])
        deltas[starts] -= np.array(lasts[:-1], dtype=np.int64)
    ids = deltas.cumsum()
    return ids, weights[0] if len(weights) == 1 else np.concatenate(weights)


def _read_blockwise(postfile, offset: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    buf = io.BytesIO(postfile.get(offset, length))
    buf.seek(len(WHOOSH3_HEADER_MAGIC))
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    while True:
        size = _INT.unpack(buf.read(4))[0]
        end = buf.tell() + abs(size)
        count, _last, _maxw, comp, _mn, _mx = pickle.load(buf)
        data = buf.read(end - buf.tell())
        got_ids, got_w = unpack(pickle.loads(zlib.decompress(data) if comp else data), count)
        ids.append(got_ids)
        weights.append(got_w)
        if size < 0:
            break
    if len(ids) == 1:
        return ids[0], weights[0]
    return np.concatenate(ids), np.concatenate(weights)


class GKLeafMatcher(W3LeafMatcher):
    """Whoosh's block matcher, reading packed blocks as well as W3 ones."""

    def _read_block(self) -> None:
        if self._data is None:
            self._read_data()
        if isinstance(self._data[0], bytes):
            got_ids, got_w = unpack(self._data, self._blocklength)
            self._ids = tuple(got_ids.tolist())
            self._weights = array("f", got_w.tolist())
            self._values = tuple(pack_uint(int(x)) for x in got_w.tolist())
            self._packed = True
        else:
            self._packed = False

    def _read_ids(self):
        self._read_block()
        if not self._packed:
            super()._read_ids()

    def _read_weights(self):
        self._read_block()
        if not self._packed:
            super()._read_weights()

    def _read_values(self):
        self._read_block()
        if not self._packed:
            super()._read_values()
