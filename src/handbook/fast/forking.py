"""Work split over two cores by forking: the build's only parallelism, free of mkdocs.

A forked child shares everything the parent has loaded (the corpus, the history, the pages)
without pickling it; only its result travels back, pickled through a temporary file, with
what it logged. Without `fork`, with one core, beside other threads, or if the child fails,
the parent does the work itself.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

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

        def work(records: Records) -> None:
            _dump((job(records), records), path)

        pid = _fork(work, capture)
        return cls(pid, path)

    def join(self) -> tuple[R, Records] | None:
        """The child's result and what it logged; None if it failed."""
        try:
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            if os.waitstatus_to_exitcode(status) != 0:
                return None
            done: tuple[R, Records] = _load(self.path)
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


class Streamed(Generic[R]):
    """`job` run by a forked child that hands its results back piece by piece as it goes
    (`job` is given `put`): the parent reads each piece (`next`) as soon as it is done, while
    the child works on the next. A child that fails hands back only what it had put."""

    def __init__(self, pid: int, folder: str, ready: int) -> None:
        self.pid, self.folder, self.ready, self.count = pid, folder, ready, 0

    @classmethod
    def start(
        cls, job: Callable[[Callable[[R], None], Records], None], *, capture: Sequence[str] = ()
    ) -> Streamed[R] | None:
        if not can_fork():
            return None
        folder = tempfile.mkdtemp(prefix="handbook-fork-")
        ready, done = os.pipe()
        count = 0

        def put(piece: R) -> None:
            nonlocal count
            _dump(piece, os.path.join(folder, f"{count}.pickle"))
            count += 1
            os.write(done, b".")  # one byte a piece: the parent reads a piece per byte

        def work(records: Records) -> None:
            os.close(ready)
            job(put, records)

        pid = _fork(work, capture)
        os.close(done)
        return cls(pid, folder, ready)

    def next(self) -> R | None:
        """The next piece, once the child has put it; None once the child has ended."""
        if self.ready < 0 or not os.read(self.ready, 1):  # end of the pipe: the child exited
            self.stop()
            return None
        path = os.path.join(self.folder, f"{self.count}.pickle")
        self.count += 1
        try:
            piece: R = _load(path)
        finally:
            os.unlink(path)
        return piece

    def stop(self) -> None:
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.ready >= 0:
            os.close(self.ready)
            self.ready = -1
        shutil.rmtree(self.folder, ignore_errors=True)


class BothEnds:
    """The indexes of `count` items shared out between this process, which takes them from
    the front as it comes to them, and a forked child, which takes them from the back: each
    index is taken once, and the two meet wherever their speeds make them meet. Made before
    the fork (its memory and lock are shared with the child)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.lock = multiprocessing.Lock()
        self.ends = multiprocessing.RawArray("q", [0, count])  # the front's next, the back's last taken

    def take_front(self, index: int) -> bool:
        """Whether this process takes `index` (asked in increasing order), or the child took it."""
        with self.lock:
            if index >= self.ends[1]:
                return False
            self.ends[0] = index + 1
            return True

    def take_back(self) -> int | None:
        """The next index the child takes, or None once the two have met."""
        with self.lock:
            if self.ends[1] <= self.ends[0]:
                return None
            self.ends[1] -= 1
            return int(self.ends[1])

    def from_the_back(self) -> Iterator[int]:
        """The indexes the child takes, from the last, until the two meet (`take_back` in a loop)."""
        while (index := self.take_back()) is not None:
            yield index

    def taken_by_back(self) -> range:
        with self.lock:
            return range(int(self.ends[1]), self.count)


def _fork(work: Callable[[Records], None], capture: Sequence[str]) -> int:
    """Fork a child that runs `work` and exits: 0 if it returned, 1 if it raised."""
    pid = os.fork()
    if pid == 0:  # the child: work and leave without running the parent's cleanup
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
            work(records)
            code = 0
        finally:
            os._exit(code)
    return pid


def _dump(result: object, path: str) -> None:
    with open(path, "wb") as out:
        pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    """The garbage collector off for work that makes millions of objects in no cycle (a result
    read back, feeds written, an index rewritten): its passes, which they would trigger over
    and over, would each walk the rest of a large build's heap for nothing."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _load(path: str) -> Any:
    with collector_off(), open(path, "rb") as stream:
        return pickle.load(stream)


def replay(records: Iterable[logging.LogRecord]) -> None:
    """Log here what a child logged, as if it had been logged here."""
    for record in records:
        logging.getLogger(record.name).handle(record)


def map_from_both_ends(
    items: Sequence[T], work: Callable[[T], R], *, first: Callable[[], None] | None = None
) -> list[R]:
    """`[work(item) for item in items]`: a forked child works from the back of `items` while this
    process runs `first`, then works from the front, until they meet (`BothEnds`): neither
    waits for the other, whatever `first` costs. The results in the order of `items`; without
    a fork, or if the child fails, this process does the child's share too."""
    ends = BothEnds(len(items)) if items and can_fork() else None
    child: Forked[dict[int, R]] | None = None
    if ends is not None:
        back = ends

        def from_the_back(records: Records) -> dict[int, R]:
            return {index: work(items[index]) for index in back.from_the_back()}

        child = Forked.start(from_the_back)
    try:
        if first is not None:
            first()
        results: dict[int, R] = {}
        for index, item in enumerate(items):
            if child is not None and ends is not None and not ends.take_front(index):
                break  # the child took this one and every one after it
            results[index] = work(item)
    except BaseException:
        if child is not None:
            child.stop()
        raise
    if child is not None and ends is not None:
        done = child.join()
        if done is None:
            results.update((index, work(items[index])) for index in ends.taken_by_back())
        else:
            results.update(done[0])
    return [results[index] for index in range(len(items))]


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
