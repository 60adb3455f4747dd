"""Worker processes for the cluster ingest's analysis (jieba words, tokens, SQL), so that it
runs beside the ingest loop's reading and parsing instead of after it: on two cores the loop,
the analysis and the searchd nodes then share both.

The workers are forked when the pool starts (before the store's sender threads exist) and
ignore Ctrl-C (the ingest loop handles it and stops them); when the ingest process is killed
they see their task pipe close and exit (tests/test_cluster.py checks)."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.pool import AsyncResult


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def available() -> int:
    """How many workers to use here: none on one core or where fork is not the way."""
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return 1


class Workers:
    """A pool of `n` forked processes; submit(fn, arg) runs `fn(arg)` in one of them."""

    def __init__(self, n: int):
        ctx = multiprocessing.get_context("fork")
        self.pool = ctx.Pool(n, initializer=_start_worker)

    def submit(self, fn: Callable, arg) -> AsyncResult:
        return self.pool.apply_async(fn, (arg,))

    def stop(self) -> None:
        self.pool.terminate()
        self.pool.join()
