"""Work split over two cores by forking: the build's only parallelism, free of mkdocs.

A forked child shares everything the parent has loaded (the corpus, the history) without
pickling it; only its results travel back, pickled through a temporary file. Without `fork`,
with one core, beside other threads, or if the child fails, the parent does all of the work itself.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    # Not beside other threads (`mkdocs serve`'s server): a lock one of them holds at the fork
    # stays held in the child for good.
    return hasattr(os, "fork") and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1


def map_in_two(items: Sequence[T], work: Callable[[Sequence[T]], list[R]], *, split: int | None = None) -> list[R]:
    """`work(items)`, its second part (from `split`, by default half way) done by a forked child
    at the same time as the first here; the results in the order of `items`."""
    split = len(items) // 2 if split is None else split
    if not can_fork() or split <= 0 or split >= len(items):
        return work(items)
    handle, path = tempfile.mkstemp(prefix="handbook-fork-", suffix=".pickle")
    os.close(handle)
    try:
        pid = os.fork()
        if pid == 0:  # the child: work, write, and leave without running the parent's cleanup
            code = 1
            try:
                results = work(items[split:])
                with open(path, "wb") as out:
                    pickle.dump(results, out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        try:
            first = work(items[:split])
        except BaseException:
            os.waitpid(pid, 0)
            raise
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            return first + work(items[split:])
        with open(path, "rb") as stream:
            second: list[R] = pickle.load(stream)
        return first + second
    finally:
        os.unlink(path)
