"""Whoosh's multiprocess writer, made safe to kill: each sub-writer asks the kernel to kill it
when its parent dies (Linux PR_SET_PDEATHSIG). Without that, a `kill -9` of an ingest leaves
orphaned sub-writers blocked on their job queue, still holding the index lock they inherited.

And made to fail loudly and quietly: Whoosh's sub-writer prints a traceback when it fails (a
full disk) and its parent commits without that sub-writer's segment, losing its documents.
Here a failing sub-writer sends its error to the parent, which raises it before the commit is
written, so the last commit stays as it was."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal

from whoosh.multiproc import MpWriter

from index.whoosh_ext.bulk import BulkSubWriterTask

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: best effort
        pass


class SubWriterFailed(OSError):
    """A sub-writer's error, raised in the parent (an OSError keeps its errno)."""


class _Task(BulkSubWriterTask):
    def __init__(self, *args):
        super().__init__(*args)
        self.errors, self._send = multiprocessing.Pipe(duplex=False)
        self.committing = False  # set by SafeMpWriter._commit: only its joins raise

    def run(self):
        die_with_parent()
        try:
            super().run()
        except BaseException as e:  # noqa: BLE001 - reported to the parent, not printed
            self._send.send((getattr(e, "errno", None), f"{type(e).__name__}: {e}"))
            os._exit(1)

    def join(self, timeout=None):
        super().join(timeout)
        if self.committing and self.exitcode not in (None, 0):
            self.committing = False
            err, message = self.errors.recv() if self.errors.poll() else (None, "")
            raise SubWriterFailed(err, message or f"a sub-writer exited with {self.exitcode}")


class SafeMpWriter(MpWriter):
    def _commit(self, mergetype, optimize, merge):
        for task in self.tasks:
            task.committing = True
        super()._commit(mergetype, optimize, merge)

    def _new_task(self):
        task = _Task(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task
