"""The one door to Whoosh's internals. Everything that reaches past Whoosh's public API — its W3
codec's file layout, term infos, column files, segment writer and multiprocess writer — lives
here, so an upgrade of whoosh-reloaded is checked in one place:

    codec     GKCodec: W3 with posting blocks packed as raw arrays, read by numpy
    bulk      BulkSegmentWriter: a segment's text postings sorted once and written in bulk
    procs     SafeMpWriter: Whoosh's multiprocess writer whose sub-writers die with the parent
    columns   whole per-document columns of a segment as numpy arrays
    postings  a term's whole posting list across segments as numpy arrays
    writers   opening writers and merging small segments
    check     reading every segment once, to tell a damaged index from a bug

pyproject.toml pins whoosh-reloaded exactly: tests/test_whoosh_contract.py is the contract (the
bulk writer's segments equal Whoosh's own, term for term and posting for posting; the column
readers give Whoosh's values) that proves a version before the pin moves."""

import sys

from index.whoosh_ext import codec

# An index pickles its codec's class by module path (in its TOC). Indexes written before the
# codec moved here name it index.codec: that name still finds it.
sys.modules.setdefault("index.codec", codec)
