"""Decision numbers: the ones taken here and on every branch git knows, the next free one, and
the numbers another unmerged branch also took (HB209)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from .errors import HandbookError
from .git import git
from .settings import Settings

# Branch refs a merge request can come from: local, remote-tracking, GitHub and GitLab MR refs.
BRANCH_REFS = ("refs/heads", "refs/remotes", "refs/pull", "refs/merge-requests")
_NUMBER_PREFIX = re.compile(r"^(\d{4})-")


# -- decision numbers -----------------------------------------------------------
def decision_numbers_on_branches(settings: Settings) -> dict[int, set[str]]:
    """Decision file names by number on every branch git knows: one `git ls-tree` per commit."""
    refs = git(settings.root, "for-each-ref", "--format=%(objectname) %(refname:short)", *BRANCH_REFS)
    if not refs:
        return {}
    by_commit: dict[str, str] = {}
    for line in refs.splitlines():
        commit, _, ref = line.partition(" ")
        by_commit.setdefault(commit, ref)
    found: dict[int, set[str]] = defaultdict(set)
    for commit in by_commit:
        names = git(settings.root, "ls-tree", "--name-only", commit, "--", settings.decisions_dir.rstrip("/") + "/")
        for name in (names or "").splitlines():
            stem = Path(name).name
            match = _NUMBER_PREFIX.match(stem)
            if match:
                found[int(match.group(1))].add(stem)
    return dict(found)


def decision_numbers_here(settings: Settings) -> dict[int, set[str]]:
    """Decision file names by number in the working tree, committed or not."""
    found: dict[int, set[str]] = defaultdict(set)
    folder = settings.path(settings.decisions_dir)
    if folder.is_dir():
        for path in folder.iterdir():
            match = _NUMBER_PREFIX.match(path.name)
            if match:
                found[int(match.group(1))].add(path.name)
    return dict(found)


def used_decision_numbers(settings: Settings) -> set[int]:
    """Every number taken here or on any branch: a new decision must use none of them."""
    return set(decision_numbers_here(settings)) | set(decision_numbers_on_branches(settings))


def next_decision_number(settings: Settings) -> int:
    used = used_decision_numbers(settings)
    return max(used, default=0) + 1


def decision_number_clashes(settings: Settings) -> list[HandbookError]:
    """Warnings (HB209) for decisions here whose number another unmerged branch added under another name.

    Parallel merge requests that both took the next free number collide only on merge; this
    says so before. Only numbers a branch added since it left HEAD count (`git diff A...B`),
    so renames on old branches are not reported. Without git, there is nothing to compare.
    """
    here = decision_numbers_here(settings)
    if not here:
        return []
    refs = git(
        settings.root, "for-each-ref", "--no-merged=HEAD", "--format=%(objectname) %(refname:short)", *BRANCH_REFS
    )
    if not refs:
        return []
    by_commit: dict[str, list[str]] = defaultdict(list)
    for line in refs.splitlines():
        commit, _, ref = line.partition(" ")
        if not ref.endswith("/HEAD"):
            by_commit[commit].append(ref)
    problems: list[HandbookError] = []
    folder = settings.decisions_dir.rstrip("/")
    for commit, names in sorted(by_commit.items(), key=lambda item: item[1][0]):
        added = git(
            settings.root,
            "diff",
            "--relative",
            "--name-only",
            "--diff-filter=A",
            f"HEAD...{commit}",
            "--",
            folder + "/",
        )
        for name in (added or "").splitlines():
            stem = Path(name).name
            match = _NUMBER_PREFIX.match(stem)
            if not match:
                continue
            number = int(match.group(1))
            for mine in sorted(here.get(number, set()) - {stem}):
                problems.append(
                    HandbookError(
                        f"{folder}/{mine}",
                        1,
                        f"decision number {number:04d} is also taken by {stem} on branch {names[0]}: "
                        f"renumber one of them before both are merged (`handbook new decision` picks a free number)",
                        "HB209",
                    )
                )
    return sorted(problems, key=HandbookError.sort_key)
