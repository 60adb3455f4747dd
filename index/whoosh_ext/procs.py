"""Whoosh's multiprocess writer, made safe to kill: each sub-writer asks the kernel to kill it
when its parent dies (Linux PR_SET_PDEATHSIG). Without that, a `kill -9` of an ingest leaves
orphaned sub-writers blocked on their job queue, still holding the index lock they inherited."""

from __future__ import annotations

import ctypes
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


class _Task(BulkSubWriterTask):
    def run(self):
        die_with_parent()
        super().run()


class SafeMpWriter(MpWriter):
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
