"""Where a route gets its engine: the app holds one `EngineSource`, and a route asks for it
with the `Engines` dependency, so the app factory can plug in any `SearchEngine`
(search/backend.py: the local Engine, the cluster's) without a route knowing which."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from search.backend import SearchEngine

T = TypeVar("T")


class EngineSource:
    """The app's one engine, opened on first use (so a server can start before the first
    ingest: `open` may raise IndexMissing until then). An engine that is `parallel` (both
    are) answers requests in parallel, each over one snapshot (`pinned`); one that is not is
    called under a lock."""

    def __init__(
        self,
        open_engine: Callable[[], SearchEngine] | None = None,
        engine: SearchEngine | None = None,
    ):
        if engine is None and open_engine is None:
            raise ValueError("give an engine or a way to open one")
        self._open = open_engine
        self.engine = engine
        self.lock = threading.Lock()

    def get(self) -> SearchEngine:
        """The engine, opened if need be (once: the lock guards the opening)."""
        if self.engine is None:
            with self.lock:
                if self.engine is None:
                    assert self._open is not None
                    self.engine = self._open()
        return self.engine

    def call(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """fn(engine, *args, **kwargs): pinned to one index generation, in parallel with other
        requests (or under the lock, for an engine that is not thread-safe)."""
        engine = self.get()
        with engine.pinned() if engine.parallel else self.lock:
            return fn(engine, *args, **kwargs)


def engine_source(request: Request) -> EngineSource:
    return request.app.state.engines


Engines = Annotated[EngineSource, Depends(engine_source)]
