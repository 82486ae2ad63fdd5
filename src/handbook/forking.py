"""Work split over two cores by forking: the build's only parallelism, free of mkdocs.

A forked child shares everything the parent has loaded (the corpus, the history, the pages)
without pickling it; only its result travels back, pickled through a temporary file, with
what it logged. Without `fork`, with one core, beside other threads, or if the child fails,
the parent does the work itself.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Records = list[logging.LogRecord]


def can_fork() -> bool:
    # Not beside other threads (`mkdocs serve`'s server): a lock one of them holds at the fork
    # stays held in the child for good.
    return hasattr(os, "fork") and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1


class _Capture(logging.Handler):
    def __init__(self, records: Records) -> None:
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted here: the arguments may not survive pickling.
        record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
        self.records.append(record)


class Forked(Generic[R]):
    """`job` run by a forked child while the parent goes on; `join` waits for its result.

    The child's loggers named in `capture` hand their records to the list `job` is given (the
    others stop propagating to them), so that the parent can replay them; the rest log as the
    parent would.
    """

    def __init__(self, pid: int, path: str) -> None:
        self.pid, self.path = pid, path

    @classmethod
    def start(cls, job: Callable[[Records], R], *, capture: Sequence[str] = ()) -> Forked[R] | None:
        if not can_fork():
            return None
        handle, path = tempfile.mkstemp(prefix="handbook-fork-", suffix=".pickle")
        os.close(handle)
        pid = os.fork()
        if pid == 0:  # the child: work, write, and leave without running the parent's cleanup
            # What the child inherits lives until it exits: out of the garbage collector's way,
            # whose full passes would otherwise walk all of it (most of a large build's heap)
            # again and again, and write to every object's header, copying the shared pages.
            gc.freeze()
            code = 1
            try:
                records: Records = []
                for name in capture:
                    logging.getLogger(name).handlers = [_Capture(records)]
                    if name:
                        logging.getLogger(name).propagate = False
                result = job(records)
                with open(path, "wb") as out:
                    pickle.dump((result, records), out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        return cls(pid, path)

    def join(self) -> tuple[R, Records] | None:
        """The child's result and what it logged; None if it failed."""
        try:
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            if os.waitstatus_to_exitcode(status) != 0:
                return None
            # A large result is millions of new objects, none garbage: without the collector,
            # whose passes they would trigger over and over, each walking the parent's heap.
            collecting = gc.isenabled()
            gc.disable()
            try:
                with open(self.path, "rb") as stream:
                    done: tuple[R, Records] = pickle.load(stream)
            finally:
                if collecting:
                    gc.enable()
            return done
        finally:
            os.unlink(self.path)

    def stop(self) -> None:
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        if os.path.exists(self.path):
            os.unlink(self.path)


def replay(records: Iterable[logging.LogRecord]) -> None:
    """Log here what a child logged, as if it had been logged here."""
    for record in records:
        logging.getLogger(record.name).handle(record)


def map_in_two(items: Sequence[T], work: Callable[[Sequence[T]], list[R]], *, split: int | None = None) -> list[R]:
    """`work(items)`, its second part (from `split`, by default half way) done by a forked child
    at the same time as the first here; the results in the order of `items`."""
    split = len(items) // 2 if split is None else split
    if split <= 0 or split >= len(items):
        return work(items)
    child = Forked.start(lambda _: work(items[split:]))
    if child is None:
        return work(items)
    try:
        first = work(items[:split])
    except BaseException:
        child.stop()
        raise
    done = child.join()
    return first + (work(items[split:]) if done is None else done[0])
