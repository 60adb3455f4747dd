"""Worker processes for the cluster ingest's analysis (jieba words, tokens, SQL), so that it
runs beside the ingest loop's reading and parsing instead of after it: on two cores the loop,
the analysis and the searchd nodes then share both.

The workers are forked at the first task (before the store's sender threads exist: the pool
forks them all at once with the fork method), ignore Ctrl-C (the ingest loop handles it and
stops them), and exit when the ingest process is gone, even killed (they watch their parent:
tests/test_cluster.py checks). A worker that dies (the OOM killer) fails its task with
BrokenProcessPool instead of leaving the ingest waiting for ever."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _start_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def available() -> int:
    """How many workers to use here: none on one core or where fork is not the way."""
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return 1


class Workers:
    """A pool of `n` forked processes; submit(fn, arg) runs `fn(arg)` in one of them."""

    def __init__(self, n: int):
        self.pool = ProcessPoolExecutor(
            n,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )

    def submit(self, fn: Callable, arg) -> Future:
        return self.pool.submit(fn, arg)

    def stop(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
