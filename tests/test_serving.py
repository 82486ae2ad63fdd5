"""`mkdocs serve`'s rebuilds (serving.py): which edits go to the plugin's update, which rebuild
the whole site. The updates themselves are checked in test_serve_update.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.adapter.serve import Rebuilder, changed, listing


class Calls:
    def __init__(self, *, update: bool | Exception = True) -> None:
        self.builds: list[object] = []
        self.updates: list[set[Path]] = []
        self.answer = update

    def build(self, config: object = None) -> None:
        self.builds.append(config)

    def update(self, edited: set[Path]) -> bool:
        self.updates.append(edited)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    records, docs = tmp_path / "policies", tmp_path / "docs"
    records.mkdir()
    docs.mkdir()
    (records / "a.md").write_text("a")
    (docs / "index.md").write_text("home")
    return records, docs


def rebuilder(calls: Calls, records: Path, docs: Path) -> Rebuilder:
    return Rebuilder(calls.build, calls.update, roots=lambda: [records, docs], narrow=[records])


def test_listing_and_changes(folders: tuple[Path, Path]) -> None:
    records, docs = folders
    before = listing([records, docs])
    assert set(before) == {str(records / "a.md"), str(docs / "index.md")}
    (records / "a.md").write_text("a, longer")
    (records / "b.md").write_text("b")
    (docs / "index.md").unlink()
    assert changed(before, listing([records, docs])) == {records / "a.md", records / "b.md", docs / "index.md"}


def test_an_edit_to_the_records_goes_to_the_update(folders: tuple[Path, Path]) -> None:
    records, docs = folders
    calls = Calls()
    rebuild = rebuilder(calls, records, docs)
    (records / "a.md").write_text("a, edited")
    rebuild()
    assert calls.updates == [{records / "a.md"}] and calls.builds == []
    rebuild()  # nothing changed since: the whole build, as mkdocs would
    assert len(calls.updates) == 1 and calls.builds == [None]


def test_other_edits_and_refused_or_failed_updates_build_the_whole_site(folders: tuple[Path, Path]) -> None:
    records, docs = folders
    calls = Calls()
    rebuild = rebuilder(calls, records, docs)
    (records / "a.md").write_text("a, edited")
    (docs / "index.md").write_text("home, edited")
    rebuild()
    assert calls.updates == [] and calls.builds == [None]
    for answer in (False, RuntimeError("a bug")):
        calls.answer = answer
        (records / "a.md").write_text(f"a, edited for {answer}")
        rebuild()
        assert calls.updates[-1] == {records / "a.md"} and len(calls.builds) == 1 + len(calls.updates)


def test_after_a_failed_build_the_next_edit_builds_the_whole_site(folders: tuple[Path, Path]) -> None:
    records, docs = folders
    calls = Calls()

    def broken(config: object = None) -> None:
        raise SystemExit(1)  # as mkdocs' builder does in strict mode

    rebuild = Rebuilder(broken, calls.update, roots=lambda: [records, docs], narrow=[records])
    (docs / "index.md").write_text("home, broken")
    with pytest.raises(SystemExit):
        rebuild()
    rebuild.build = calls.build
    (records / "a.md").write_text("a, edited")
    rebuild()
    assert calls.updates == [] and calls.builds == [None]
