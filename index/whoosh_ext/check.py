"""Reading every segment of an index once, to tell a damaged index from a bug (index/store.py
`damage`): Whoosh's segment list and readers are internals, so this lives behind the door."""

from __future__ import annotations

from whoosh.index import EmptyIndexError, Index
from whoosh.reading import SegmentReader


def segment_damage(ix: Index) -> str | None:
    """What is wrong with one of `ix`'s segments (None if all read): each is opened and its
    first and last documents and its `kind` postings read."""
    try:
        segments = ix._segments()
    except EmptyIndexError:
        return None
    except Exception as e:  # noqa: BLE001 - any failure here is damage
        return f"its table of contents cannot be read ({type(e).__name__})"
    for seg in segments:
        name = seg.segment_id()
        try:
            fname = seg.make_filename(".seg")
            if seg.is_compound() and not ix.storage.file_exists(fname):
                return f"segment {name} is missing its file {fname}"
            reader = SegmentReader(ix.storage, ix.schema, seg)
            try:
                n = reader.doc_count_all()
                for docnum in {0, n - 1} if n else ():
                    reader.stored_fields(docnum)
                for term in reader.lexicon("kind"):
                    list(reader.postings("kind", term).all_ids())
            finally:
                reader.close()
        except Exception as e:  # noqa: BLE001
            return f"segment {name} cannot be read, truncated or corrupt ({type(e).__name__})"
    return None
