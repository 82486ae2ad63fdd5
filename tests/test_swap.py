"""The swap of a build for the published site: a kill at any step, of a build or of the recovery
after it, leaves a complete site that the next build puts in place; a complete copy is never removed."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from handbook.swap import Checkpoint, Exchange, SiteFolders, exchange, publish_build, recover

PAGES = ("index.html", "a.html", "b.html", "c.html")


class Killed(BaseException):
    """The process died here: nothing after this step runs (no except clause catches it)."""


def kill_at(step: str) -> Checkpoint:
    def checkpoint(reached: str) -> None:
        if reached == step:
            raise Killed(step)

    return checkpoint


def recording(steps: list[str]) -> Checkpoint:
    return steps.append


def fake_build(label: str, checkpoint: Checkpoint) -> Callable[[Path], int]:
    """Writes a site whose every page says `label`; a kill at "writing pages" leaves it half written."""

    def build(into: Path) -> int:
        into.mkdir()
        for number, name in enumerate(PAGES):
            (into / name).write_text(label)
            if number == 1:
                checkpoint("writing pages")
        return 0

    return build


def label_of(folder: Path) -> str | None:
    """The label of the complete site in `folder`; None when it is missing or partial."""
    texts = {(folder / name).read_text() if (folder / name).is_file() else None for name in PAGES}
    return next(iter(texts)) if len(texts) == 1 and None not in texts else None


def publish(folders: SiteFolders, label: str, swap: Exchange, checkpoint: Checkpoint | None = None) -> None:
    warnings: list[str] = []
    step = checkpoint or (lambda reached: None)
    publish_build(folders, fake_build(label, step), warn=warnings.append, checkpoint=step, swap=swap)
    assert warnings == []


def two_renames(first: Path, second: Path) -> bool:
    return False


SWAPS: dict[str, Exchange] = {"exchange": exchange, "two renames": two_renames}


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux's")
    (tmp_path / "a").mkdir()
    (tmp_path / "a/page").write_text("a")
    (tmp_path / "b").mkdir()
    assert exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b/page").read_text() == "a" and not any((tmp_path / "a").iterdir())


@pytest.mark.parametrize("published_before", [True, False], ids=["over a site", "first build"])
@pytest.mark.parametrize("how", SWAPS)
def test_a_kill_at_any_step_leaves_a_complete_site_for_the_next_build(
    tmp_path: Path, how: str, published_before: bool
) -> None:
    swap = SWAPS[how]

    def scene(name: str) -> SiteFolders:
        (tmp_path / name).mkdir()
        return SiteFolders(tmp_path / name / "site")

    def crashed_state(step: str, name: str) -> SiteFolders:
        folders = scene(name)
        if published_before:
            publish(folders, "A", swap)
        with pytest.raises(Killed):
            publish(folders, "B", swap, kill_at(step))
        return folders

    probe = scene("probe")
    if published_before:
        publish(probe, "A", swap)
    steps: list[str] = []
    publish(probe, "B", swap, recording(steps))
    assert ("exchanged" in steps) == (how == "exchange" and published_before)
    assert ("previous site moved aside" in steps) == (how == "two renames" and published_before)
    assert {"writing pages", "marked complete", "marker removed"} <= set(steps)

    for number, step in enumerate(steps):
        crashed = crashed_state(step, f"{number}")
        # What readers get at the moment of the kill is never a partial site.
        if crashed.site.exists():
            assert label_of(crashed.site) in {"A", "B"}, step

        # The recovery alone puts a complete site in place: B once B's swap began, else A.
        recovered = scene(f"{number}-recovered")
        shutil.copytree(crashed.site.parent, recovered.site.parent, dirs_exist_ok=True, symlinks=True)
        recovery_steps: list[str] = []
        recover(recovered, warn=pytest.fail, checkpoint=recording(recovery_steps))
        # Marked complete: published whole by the next recovery unless a site was there to keep.
        swap_began = steps.index(step) > steps.index("marked complete")
        if swap_began or (step == "marked complete" and not published_before):
            expected: str | None = "B"
        else:
            expected = "A" if published_before else None
        assert label_of(recovered.site) == expected, step
        assert [p.name for p in recovered.site.parent.iterdir()] == (["site"] if expected else []), step

        # A kill during that recovery loses nothing either; then a build completes.
        for inner, recovery_step in enumerate(recovery_steps):
            again = scene(f"{number}-{inner}")
            shutil.copytree(crashed.site.parent, again.site.parent, dirs_exist_ok=True, symlinks=True)
            with pytest.raises(Killed):
                publish(again, "C", swap, kill_at(recovery_step))
            probe_again = scene(f"{number}-{inner}-probe")
            shutil.copytree(again.site.parent, probe_again.site.parent, dirs_exist_ok=True, symlinks=True)
            recover(probe_again, warn=pytest.fail)
            assert label_of(probe_again.site) == expected, (step, recovery_step)
            publish(again, "D", swap)
            assert label_of(again.site) == "D"
            assert [p.name for p in again.site.parent.iterdir()] == ["site"], (step, recovery_step)

        publish(crashed, "C", swap)
        assert label_of(crashed.site) == "C"
        assert [p.name for p in crashed.site.parent.iterdir()] == ["site"]
