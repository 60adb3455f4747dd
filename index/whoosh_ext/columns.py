"""Whole per-document columns of one segment as numpy arrays or lists, read in one go.

Whoosh's column readers hand out one value per call (a seek and a read each): fine for a
document, about 6 s for the facet columns of a 500,000-passage index. These read a segment's
column file at once; values are the same as Whoosh's readers give (tests/test_whoosh_contract.py)."""

from __future__ import annotations

import struct

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.util.numeric import byte_to_length, length_to_byte

_BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)


class _Where:
    """A column type whose "reader" is where the column's bytes are: (file, start, length,
    documents). Whoosh's VarBytesColumn reader derives every document's offset in a Python
    loop when it opens (a second at 300,000 passages); `var_bytes` needs only the lengths."""

    def reader(self, dbfile, basepos: int, length: int, doccount: int):
        return dbfile, basepos, length, doccount

    def default_value(self, reverse: bool = False) -> bytes:
        return b""


def _var_lengths(dbfile, basepos: int, length: int, doccount: int) -> np.ndarray:
    """The per-document lengths of a VarBytesColumn, found as its reader finds them: the
    lengths array's type code in the last byte ("X" there: an offsets array comes first)."""
    lastbyte = basepos + length - 1
    lens_code = chr(dbfile.get_byte(lastbyte))
    if lens_code == "X":
        lens_code = chr(dbfile.get_byte(lastbyte - 2))
        offsets_code = chr(dbfile.get_byte(lastbyte - 1))
        lastbyte = (lastbyte - 2) - doccount * struct.calcsize(offsets_code)
    lenstart = lastbyte - struct.calcsize(lens_code) * doccount
    lengths = dbfile.get_array(lenstart, lens_code, doccount)
    return np.frombuffer(lengths, dtype=lengths.typecode).astype(np.int64)


def lengths_of_codes(codes: np.ndarray) -> np.ndarray:
    """Whoosh's one-byte length codes as the lengths it reads back (0 stays 0), float32."""
    return np.where(codes == 0, 0.0, _BYTE_TO_LENGTH[codes]).astype(np.float32)


def quantized(words: np.ndarray) -> np.ndarray:
    """Field lengths (word counts) as the local index keeps them: Whoosh's one-byte
    approximation, the length every engine's BM25 reads (search/rank.py `bm25`)."""
    values, idx = np.unique(np.asarray(words, dtype=np.int64), return_inverse=True)
    codes = np.array([length_to_byte(int(v)) for v in values], dtype=np.int64)
    return lengths_of_codes(codes[idx.reshape(-1)] if len(values) else codes)


def var_bytes(leaf, name: str) -> list[bytes]:
    """Raw values of a VarBytesColumn field, one per document (b"" where missing)."""
    n = leaf.doc_count_all()
    if not leaf.has_column(name):
        return [b""] * n
    if isinstance(leaf.schema[name].column_type, VarBytesColumn) and hasattr(leaf, "_perdoc"):
        dbfile, basepos, length, doccount = leaf.column_reader(name, _Where(), translate=False)
        lengths = _var_lengths(dbfile, basepos, length, doccount)
    else:
        r = leaf.column_reader(name, translate=False)
        if not isinstance(r, VarBytesColumn.Reader):
            return [r[d] for d in range(n)]
        dbfile, basepos = r._dbfile, r._basepos
        lengths = np.frombuffer(r._lengths, dtype=r._lengths.typecode).astype(np.int64)
    ends = np.cumsum(lengths)
    data = dbfile.get(basepos, int(ends[-1])) if n else b""
    return [data[a:b] for a, b in zip((ends - lengths).tolist(), ends.tolist(), strict=True)]


def _numeric(reader, n: int) -> np.ndarray:
    if not isinstance(reader, NumericColumn.Reader):
        return np.array([reader[d] for d in range(n)], dtype=np.int64)
    raw = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
    out = np.full(n, reader._default, dtype=np.int64)
    out[: reader._count] = np.frombuffer(raw, dtype=">" + reader._typecode)
    return out


def numeric(leaf, name: str) -> np.ndarray:
    """Values of a NUMERIC field's column, one per document, as the field reads them back."""
    n = leaf.doc_count_all()
    field = leaf.schema[name]
    raw = _numeric(leaf.column_reader(name, translate=False), n)
    uniq, inverse = np.unique(raw, return_inverse=True)
    values = np.array([field.from_column_value(int(u)) for u in uniq], dtype=np.int64)
    return values[inverse.reshape(-1)] if len(uniq) else np.zeros(0, dtype=np.int64)


def field_lengths(leaf, field: str) -> np.ndarray:
    """Each document's length in `field` (Whoosh's one-byte approximation), 0 where none."""
    n = leaf.doc_count_all()
    perdoc = leaf._perdoc
    lenfield = _lenfield(field)
    if not perdoc.has_column(lenfield):
        return np.zeros(n, dtype=np.float32)
    codes = _numeric(perdoc.column_reader(lenfield, LENGTHS_COLUMN), n)
    return lengths_of_codes(codes)
