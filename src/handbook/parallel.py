"""How the site and its search index share out their long lists of work (version pages, feeds,
index chunks): by default here, one after the other. `handbook.fast` hands a share to a second
core instead (forked workers), for the very same results in the same order; neither the site
nor the search index forks itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Aside(Protocol[R_co]):
    """A job running elsewhere."""

    def join(self) -> R_co | None:
        """Its result, once it is done; None if it failed (the caller then does it itself)."""
        ...

    def stop(self) -> None: ...


class Parallel(Protocol):
    def both_ends(
        self, items: Sequence[T], work: Callable[[T], R], *, first: Callable[[], None] | None = None
    ) -> list[R]:
        """`first()`, then `[work(item) for item in items]`."""
        ...

    def in_two(
        self, items: Sequence[T], work: Callable[[Sequence[T]], list[R]], *, split: int | None = None
    ) -> list[R]:
        """`work(items)`, which may be run on `items[:split]` and `items[split:]` apart."""
        ...

    def aside(self, job: Callable[[], R]) -> Aside[R] | None:
        """`job` started elsewhere while the caller goes on; None: the caller runs it itself."""
        ...

    def quietly(self, work: Callable[[], R]) -> R:
        """`work()`, which makes many objects and no cycle among them (the garbage collector
        may be kept out of it)."""
        ...


class Serial:
    """Every item worked on here, in order."""

    def both_ends(
        self, items: Sequence[T], work: Callable[[T], R], *, first: Callable[[], None] | None = None
    ) -> list[R]:
        if first is not None:
            first()
        return [work(item) for item in items]

    def in_two(
        self, items: Sequence[T], work: Callable[[Sequence[T]], list[R]], *, split: int | None = None
    ) -> list[R]:
        return work(items)

    def aside(self, job: Callable[[], R]) -> Aside[R] | None:
        return None

    def quietly(self, work: Callable[[], R]) -> R:
        return work()


SERIAL = Serial()
