"""What git knows about the handbook: the build date now, each policy's versions later."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(root: Path, *args: str) -> str | None:
    """Output of a git command in `root`, or None when git or the repository is missing."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def head_commit_time(root: Path) -> int | None:
    """Seconds since the epoch of HEAD's commit: the build date when SOURCE_DATE_EPOCH is unset."""
    out = git(root, "log", "-1", "--format=%ct")
    return int(out.strip()) if out and out.strip().isdigit() else None


# The contract between history (git) and its readers (version pages, feeds, checks).
# `read_history(corpus)` is to fill it from one `git log` pass; see the versions issue.
from collections.abc import Mapping  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from .errors import HandbookError  # noqa: E402
from .records import StatusChange, Version  # noqa: E402


@dataclass(frozen=True)
class History:
    """Every published version of every policy and every status a decision has had."""

    # By current policy id, oldest version first; without git, just the current version.
    versions: Mapping[str, tuple[Version, ...]] = field(default_factory=dict)
    # By decision number, oldest first.
    status_changes: Mapping[int, tuple[StatusChange, ...]] = field(default_factory=dict)
    # Old policy id -> current policy id, for policies renamed with `git mv`.
    renames: Mapping[str, str] = field(default_factory=dict)
    # Version numbers going backwards or repeated with other text (HB2xx findings in `check`).
    warnings: tuple[HandbookError, ...] = ()
    # False without git or in a shallow clone; `note` then says why, once, and how to fix it.
    complete: bool = True
    note: str | None = None
