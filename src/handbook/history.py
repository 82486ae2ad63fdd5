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
