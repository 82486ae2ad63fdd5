"""Reading a records folder safely: what is under it, and the symlinks and unreadable folders refused."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .errors import HandbookError

LOOP = "symlink loops back to itself: remove it, or point it at a file"
OUTSIDE = "symlink points outside the repository: refused; copy the file in instead"
DANGLING = "symlink points to a file that does not exist: remove it or fix its target"
LINKED_FOLDER = (
    "the folder is a symlink: refused, since git keeps the link and not the files; "
    "make it a real folder in the repository and move the files into it"
)


def symlink_problem(path: Path, root: Path) -> str | None:
    """Why the symlink at `path` cannot be read as a record (a loop, outside `root`, dangling), or None."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return LOOP
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop, as Python before 3.13 says it
        return LOOP
    if not target.is_relative_to(root):
        return OUTSIDE
    if not target.exists():
        return DANGLING
    return None


def unreadable(rel: str, exc: OSError, what: str = "folder") -> HandbookError:
    """A file or folder the build cannot read (`chmod 000`), located at its first line."""
    reason = exc.strerror or str(exc)
    return HandbookError(rel, 1, f"cannot read the {what} ({reason}): give the user who builds the site read access")


def linked_folder(root: Path, folder: str) -> HandbookError | None:
    """An error naming the first folder from `root` down to `folder` that is a symlink, or None."""
    parts = [part for part in folder.strip("/").split("/") if part]
    for depth in range(1, len(parts) + 1):
        rel = "/".join(parts[:depth])
        if (root / rel).is_symlink():
            return HandbookError(rel, 1, LINKED_FOLDER)
    return None


def list_folder(root: Path, base: Path, errors: list[HandbookError]) -> list[Path]:
    """Every file and folder under `base`, without following symlinked folders; a folder that
    cannot be read is an error, not an empty folder."""

    def failed(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else base
        errors.append(unreadable(where.relative_to(root).as_posix(), exc))

    found: list[Path] = []
    for folder, folders, files in os.walk(base, onerror=failed):
        here = Path(folder)
        found += [here / name for name in folders + files]
    return found
