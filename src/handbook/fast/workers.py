"""The site's and the search index's long lists of work shared with a forked worker on the second
core (`handbook.parallel.Parallel`), each share out of the garbage collector's way: the same
results, in the same order, as working through them in one process."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from . import forking

T = TypeVar("T")
R = TypeVar("R")


class _Joined(Generic[R]):
    def __init__(self, worker: forking.Forked[R]) -> None:
        self.worker = worker

    def join(self) -> R | None:
        done = self.worker.join()
        return None if done is None else done[0]

    def stop(self) -> None:
        self.worker.stop()


class Forked:
    """`Parallel` by forking: without `fork`, with one core, or beside threads, the work is done here."""

    def both_ends(
        self, items: Sequence[T], work: Callable[[T], R], *, first: Callable[[], None] | None = None
    ) -> list[R]:
        return forking.map_from_both_ends(items, work, first=first)

    def in_two(
        self, items: Sequence[T], work: Callable[[Sequence[T]], list[R]], *, split: int | None = None
    ) -> list[R]:
        def quietly(some: Sequence[T]) -> list[R]:
            with forking.collector_off():  # millions of objects made, none in a cycle
                return work(some)

        return forking.map_in_two(items, quietly, split=split)

    def aside(self, job: Callable[[], R]) -> _Joined[R] | None:
        def quietly(records: forking.Records) -> R:
            with forking.collector_off():
                return job()

        worker = forking.Forked.start(quietly)
        return None if worker is None else _Joined(worker)

    def quietly(self, work: Callable[[], R]) -> R:
        with forking.collector_off():
            return work()


FORKED = Forked()
