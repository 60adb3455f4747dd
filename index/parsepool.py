"""Parsing in worker processes: every source's cost bounded, results in the order given.

A PDF or DOCX can be a bomb (a 2 MB file that inflates to gigabytes), can take minutes (100,000
page references), or can make a native library abort the whole process. Each task therefore
runs in a worker process with an address-space limit (RLIMIT_AS: `memory_mb` above what the
worker holds when it starts) and a deadline (`seconds`); a worker that runs out of memory,
overruns or dies is killed and replaced, and that task alone fails with a named reason. The
pool runs `workers` tasks at once (parsing in parallel) but hands results back in the order
the tasks were given, so the caller applies them exactly as a sequential run would.

Tasks must pickle (a module-level function and its arguments, functools.partial): they travel
to long-lived workers over a pipe; workers are forked, so they start with the caller's modules
already imported."""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import pickle
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_CTX = multiprocessing.get_context("fork")


class ParseLimit(Exception):
    """A task that broke a limit or killed its worker; the message names which, for the user."""


@dataclass
class Outcome:
    """What became of one task: `value`, or the `error` it raised (or the limit it broke)."""

    value: Any = None
    error: BaseException | None = None


@dataclass
class _Entry(Generic[T]):
    item: T
    task: Callable[[], Any] | None
    what: str
    outcome: Outcome | None = None


def _vm_bytes() -> int:
    """This process's current address-space size (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _die_with_parent() -> None:
    """SIGKILL this worker when the process that started it dies (a killed ingest): a forked
    worker shares the parent's open files, the index's lock among them."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker(conn: Connection, parent_end: Connection, parent: int, memory_mb: float) -> None:
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(0)
    parent_end.close()  # only the parent holds its end: its exit is this worker's EOF
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    faulthandler.disable()  # a native abort is reported by the parent in one line, not dumped
    if memory_mb > 0:
        limit = _vm_bytes() + int(memory_mb * 1024 * 1024)
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        for cap in (soft, hard):  # never above a limit the operator set (ulimit -v)
            if cap != resource.RLIM_INFINITY:
                limit = min(limit, cap)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if task is None:
            os._exit(0)
        try:
            out: tuple = ("ok", task())
        except MemoryError:
            out = ("memory", None)
        except BaseException as e:  # noqa: BLE001 - any fault in a task is that task's outcome
            out = ("error", e)
        try:
            payload = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", None))
        except Exception as e:  # an exception (or value) that does not pickle: its text
            err = out[1] if out[0] == "error" else e
            payload = pickle.dumps(("error", RuntimeError(f"{type(err).__name__}: {err}")))
        conn.send_bytes(payload)
        if out[0] == "memory":
            os._exit(0)  # a worker that hit its limit may be left fragmented: start afresh


class _Proc:
    def __init__(self, memory_mb: float):
        self.conn, child = _CTX.Pipe()
        args = (child, self.conn, os.getpid(), memory_mb)
        self.proc = _CTX.Process(target=_worker, args=args, daemon=True)
        self.proc.start()
        child.close()
        self.entry: _Entry | None = None
        self.started = 0.0

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class ParsePool:
    """`workers` worker processes (0: run tasks in this process, unbounded), started lazily."""

    def __init__(self, workers: int, memory_mb: float, seconds: float):
        self.workers = max(0, workers)
        self.memory_mb = memory_mb
        self.seconds = seconds
        self.idle: list[_Proc] = []
        self.busy: list[_Proc] = []

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for p in self.idle:
            try:
                p.conn.send(None)
            except OSError:
                pass
        for p in self.idle + self.busy:
            p.kill()
        self.idle, self.busy = [], []

    def run(self, task: Callable[[], Any], what: str = "file") -> Outcome:
        """One task, isolated, now."""
        for _item, outcome in self.map([None], lambda _i: (task, what)):
            return outcome or Outcome()
        return Outcome()

    def map(
        self,
        items: Iterable[T],
        job: Callable[[T], tuple[Callable[[], Any], str] | None],
        lookahead: int = 64,
    ) -> Iterator[tuple[T, Outcome | None]]:
        """(item, outcome) for each item in order. `job(item)` is called as the item is read
        (at most `lookahead` items ahead of the one last handed back) and gives the task to
        run and what the source is ("PDF", "DOCX", …: named in a failure), or None: nothing
        to run (the outcome is then None)."""
        if self.workers == 0:
            for item in items:
                spec = job(item)
                yield item, (_inline(spec[0]) if spec else None)
            return
        pending: deque[_Entry[T]] = deque()
        queued: deque[_Entry[T]] = deque()
        source = iter(items)
        exhausted = False
        while True:
            # Read ahead while there is room, until enough tasks wait for the next free worker
            # (each holds its source's bytes).
            while not exhausted and len(pending) < lookahead and len(queued) < self.workers:
                try:
                    item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                spec = job(item)
                entry = _Entry(item, *spec) if spec else _Entry(item, None, "")
                pending.append(entry)
                if entry.task is not None:
                    queued.append(entry)
            self._dispatch(queued)
            while pending and (pending[0].task is None or pending[0].outcome is not None):
                e = pending.popleft()
                yield e.item, e.outcome
            if not pending and exhausted:
                return
            if self.busy:
                self._collect()

    def _can_take(self) -> bool:
        return len(self.busy) < self.workers

    def _dispatch(self, queued: deque) -> None:
        while queued and self._can_take():
            e = queued.popleft()
            p = self.idle.pop() if self.idle else _Proc(self.memory_mb)
            try:
                p.conn.send(e.task)
            except (OSError, pickle.PicklingError, TypeError, AttributeError) as err:
                if isinstance(err, OSError):  # the idle worker had died: a fresh one
                    p.kill()
                    queued.appendleft(e)
                    continue
                e.outcome = Outcome(error=RuntimeError(f"cannot be sent to a worker ({err})"))
                self.idle.append(p)
                continue
            p.entry, p.started = e, time.monotonic()
            self.busy.append(p)

    def _collect(self) -> None:
        """Wait for at least one busy worker to answer, die, or overrun its deadline."""
        if not self.busy:
            return
        now = time.monotonic()
        timeout = max(0.0, min(p.started + self.seconds for p in self.busy) - now)
        ready = wait([p.conn for p in self.busy], timeout if self.seconds > 0 else None)
        now = time.monotonic()
        for p in list(self.busy):
            e = p.entry
            assert e is not None
            if p.conn in ready:
                try:
                    kind, value = pickle.loads(p.conn.recv_bytes())
                except (EOFError, OSError):
                    p.proc.join(5)
                    e.outcome = Outcome(error=ParseLimit(_died(e.what, p.proc.exitcode, self)))
                    self._retire(p)
                    continue
                if kind == "ok":
                    e.outcome = Outcome(value=value)
                elif kind == "memory":
                    e.outcome = Outcome(error=ParseLimit(_too_big(e.what, self.memory_mb)))
                else:
                    e.outcome = Outcome(error=value)
                self.busy.remove(p)
                p.entry = None
                if kind == "memory":
                    p.kill()
                else:
                    self.idle.append(p)
            elif self.seconds > 0 and now - p.started >= self.seconds:
                e.outcome = Outcome(
                    error=ParseLimit(f"took longer than {self.seconds:g} s to parse (stopped)")
                )
                self._retire(p)

    def _retire(self, p: _Proc) -> None:
        self.busy.remove(p)
        p.entry = None
        p.kill()


def _inline(task: Callable[[], Any]) -> Outcome:
    try:
        return Outcome(value=task())
    except Exception as e:  # noqa: BLE001 - the task's fault is its outcome
        return Outcome(error=e)


def _too_big(what: str, memory_mb: float) -> str:
    return f"{what} expands past {memory_mb:g} MB in memory (a decompression bomb?); not read"


def _died(what: str, code: int | None, pool: ParsePool) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name in ("SIGABRT", "SIGSEGV", "SIGBUS", "SIGKILL"):
            # a native library that cannot allocate aborts rather than raising MemoryError
            return (
                f"{what} crashed its parser ({name}); it most likely expands past "
                f"{pool.memory_mb:g} MB in memory; not read"
            )
        return f"{what} crashed its parser ({name}); not read"
    return f"{what} parser exited unexpectedly (exit {code}); not read"
