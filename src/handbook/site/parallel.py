"""How the site shares out its long lists of work (version pages, feeds): here, one after the
other. `handbook.fast` hands a share to a second core instead (forked workers), for the very
same results in the same order; the site itself never forks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Parallel(Protocol):
    def both_ends(
        self, items: Sequence[T], work: Callable[[T], R], *, first: Callable[[], None] | None = None
    ) -> list[R]:
        """`first()`, then `[work(item) for item in items]`."""
        ...

    def in_two(self, items: Sequence[T], work: Callable[[Sequence[T]], list[R]], *, split: int | None = None) -> list[R]:
        """`work(items)`, which may be run on `items[:split]` and `items[split:]` apart."""
        ...


class Serial:
    """Every item worked on here, in order."""

    def both_ends(
        self, items: Sequence[T], work: Callable[[T], R], *, first: Callable[[], None] | None = None
    ) -> list[R]:
        if first is not None:
            first()
        return [work(item) for item in items]

    def in_two(self, items: Sequence[T], work: Callable[[Sequence[T]], list[R]], *, split: int | None = None) -> list[R]:
        return work(items)


SERIAL = Serial()
