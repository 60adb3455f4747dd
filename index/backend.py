"""The store contract: what the ingest loop (index/writer.py `ingest`) writes passages into.

Two stores implement `PassageStore`, neither built on the other: `index.writer.WhooshStore`
over a local Whoosh index and `index.cluster.writer.ClusterStore` over searchd nodes. The loop
reads what the store holds (`existing`), then adds and removes reports and their copies; the
store commits in batches of its own choosing, and `commit` at the end makes everything
searchable. A store may ask nothing of the loop beyond these calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from corpus.model import Report


@dataclass
class Known:
    """What the index holds: every source (report or copy), and reports by fingerprint."""

    sources: dict[str, tuple[str, str, str]]  # source_key → (report_id, content_hash, source)
    by_print: dict[str, tuple[str, str]]  # fingerprint → (report_id, source_key)
    copies: dict[str, set[str]]  # report_id → source_keys of its copies
    primary: dict[str, str]  # report_id → its own source_key
    replaced: set[str] = field(default_factory=set)  # ids in the replaced-id table


class PassageStore(Protocol):
    """Where ingest writes. `on_commit` (set by the loop) is called before each commit that
    takes a while, so a progress bar can say so."""

    on_commit: Callable[[], None] | None

    def existing(self) -> Known:
        """What the store holds now (read once, at the start of a run)."""
        ...

    def repair(self) -> int:
        """Remove documents of reports held twice (left by older versions); how many."""
        ...

    def add(self, report: Report, replace: bool) -> None:
        """Add a report and its passages; `replace`: the store may hold an old version."""
        ...

    def add_alias(self, doc: dict) -> None:
        """Record another source of a report already held (index/writer.py `alias_doc`)."""
        ...

    def delete_report(self, report_id: str) -> None: ...

    def passages_of(self, report_id: str) -> list[tuple[str, str]]:
        """The committed passages of a report, as (passage id, text): its old version, whose
        ids that go are written to the replaced-id table. [] for a store without the table."""
        ...

    def set_replaced(self, old_id: str, new_id: str | None, report_id: str = "") -> None:
        """Record in the replaced-id table that `old_id` (a report's or a passage's) is now
        `new_id` of report `report_id`; None: `old_id` is live again, drop its row."""
        ...

    def delete_alias(self, source_key: str) -> None: ...

    def commit(self) -> None: ...

    def tidy(self) -> None:
        """After the last commit: whatever keeps the store fast (merging small segments)."""
        ...

    def cancel(self) -> None:
        """Drop what was not committed (the run failed or was interrupted)."""
        ...
