"""Where a route gets its engine: the app holds one `EngineSource`, and a route asks for it
with the `Engines` dependency, so the app factory can plug in any engine object with the
local `Engine`'s methods (the cluster engine of search/cluster/, an already open Engine)
without a route knowing which."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request


class EngineSource:
    """The app's one engine, opened on first use (so a server can start before the first
    ingest: `open` may raise IndexMissing until then). The local Engine is thread-safe: its
    calls run in parallel, each request's over one index generation (`Engine.pinned`); an
    engine that does not say it is (`parallel`, e.g. the cluster's) is called under a lock."""

    def __init__(self, open_engine: Callable[[], Any] | None = None, engine: Any = None):
        if engine is None and open_engine is None:
            raise ValueError("give an engine or a way to open one")
        self._open = open_engine
        self.engine = engine
        self.lock = threading.Lock()

    def get(self) -> Any:
        """The engine, opened if need be (once: the lock guards the opening)."""
        if self.engine is None:
            with self.lock:
                if self.engine is None:
                    self.engine = self._open()
        return self.engine

    def call(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        """fn(engine, *args, **kwargs): pinned to one index generation, in parallel with other
        requests (or under the lock, for an engine that is not thread-safe)."""
        engine = self.get()
        with engine.pinned() if getattr(engine, "parallel", False) else self.lock:
            return fn(engine, *args, **kwargs)


def engine_source(request: Request) -> EngineSource:
    return request.app.state.engines


Engines = Annotated[EngineSource, Depends(engine_source)]
