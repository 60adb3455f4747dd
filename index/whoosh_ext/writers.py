"""Opening gongkai's writers on a Whoosh index, and the merge policy for small segments."""

from __future__ import annotations

from index.settings import SMALL_SEGMENT, WRITER_LIMIT_MB
from index.whoosh_ext.bulk import BulkSegmentWriter
from index.whoosh_ext.codec import make_codec
from index.whoosh_ext.procs import SafeMpWriter


def open_writer(ix, timeout: float, procs: int = 1):
    """A bulk writer (raises whoosh.index.LockError when the index stays locked `timeout` s);
    with procs > 1, Whoosh's multiprocess writer over bulk sub-writers, a segment each."""
    if procs > 1:
        return SafeMpWriter(
            ix,
            procs=procs,
            multisegment=True,
            timeout=timeout,
            limitmb=WRITER_LIMIT_MB,
            codec=make_codec(),
        )
    return BulkSegmentWriter(ix, timeout=timeout, limitmb=WRITER_LIMIT_MB, codec=make_codec())


def small_segments(ix) -> int:
    """How many of the index's segments are under SMALL_SEGMENT documents."""
    return sum(1 for seg in ix._segments() if seg.doc_count_all() < SMALL_SEGMENT)


def merge_small_segments(writer, segments):
    """A Whoosh merge policy: merge the segments under SMALL_SEGMENT documents into the
    writer's new segment, keep the rest."""
    from whoosh.reading import SegmentReader

    small = [seg for seg in segments if seg.doc_count_all() < SMALL_SEGMENT]
    if len(small) < 2:
        return segments
    for seg in small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [seg for seg in segments if seg.doc_count_all() >= SMALL_SEGMENT]
