"""forking.Streamed: a forked child's results handed back piece by piece, as it goes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

from handbook.fast import forking

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@pytest.fixture(autouse=True)
def fork_beside_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    # Earlier tests (the browser's) leave threads running, beside which the build does not
    # fork; these children take no lock, so they may.
    monkeypatch.setattr(forking, "can_fork", lambda: True)


def test_pieces_come_back_in_order_while_the_child_works() -> None:
    def job(put: Callable[[list[int]], None], records: forking.Records) -> None:
        for start in range(0, 10, 3):
            put(list(range(start, min(start + 3, 10))))

    streamed = forking.Streamed.start(job)
    assert streamed is not None
    pieces = []
    while (piece := streamed.next()) is not None:
        pieces.append(piece)
    assert pieces == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert streamed.next() is None  # and again, once ended
    assert not os.path.exists(streamed.folder)


def test_a_failing_child_hands_back_what_it_had_put() -> None:
    def job(put: Callable[[str], None], records: forking.Records) -> None:
        put("first")
        raise RuntimeError("the child fails")

    streamed = forking.Streamed.start(job)
    assert streamed is not None
    assert streamed.next() == "first"
    assert streamed.next() is None


def test_stopping_early_leaves_nothing_behind() -> None:
    def job(put: Callable[[int], None], records: forking.Records) -> None:
        for n in range(1000):
            put(n)

    streamed = forking.Streamed.start(job)
    assert streamed is not None
    assert streamed.next() == 0
    streamed.stop()
    assert streamed.pid == 0 and not os.path.exists(streamed.folder)


def test_both_ends_share_the_items_out_once_each() -> None:
    """The child takes items from the back while this process takes them from the front; each
    is taken once, by one of them, and the child's share is known afterwards."""
    ends = forking.BothEnds(200)

    def job(records: forking.Records) -> list[int]:
        taken = []
        for index in ends.from_the_back():
            taken.append(index)
            time.sleep(0.002)  # slower than this process: both get some
        return taken

    child = forking.Forked.start(job)
    assert child is not None
    deadline = time.monotonic() + 10
    while not ends.taken_by_back() and time.monotonic() < deadline:
        time.sleep(0.001)  # until the child has started
    here = [index for index in range(200) if ends.take_front(index)]
    done = child.join()
    assert done is not None
    there = done[0]
    assert here and there
    assert sorted(here + there) == list(range(200))
    assert here == list(range(len(here)))  # the front is a prefix, the back the rest
    assert list(ends.taken_by_back()) == sorted(there)
    assert ends.take_back() is None and not ends.take_front(200)


def test_both_ends_map_gives_every_result_in_order_whatever_runs_first() -> None:
    items = list(range(500))
    ran = []
    results = forking.map_from_both_ends(items, lambda item: item * item, first=lambda: ran.append("first"))
    assert results == [item * item for item in items] and ran == ["first"]
    assert forking.map_from_both_ends([], lambda item: item) == []


def test_both_ends_map_does_the_share_of_a_child_that_failed() -> None:
    parent = os.getpid()

    def work(item: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # the child dies on its first item
        return item + 1

    assert forking.map_from_both_ends(list(range(50)), work) == list(range(1, 51))
