"""Whether a path from mkdocs.yml stays inside the handbook's folder, lexically and with symlinks resolved."""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path, PurePosixPath


def outside_message(value: str, within: str, example: str) -> str | None:
    """Why `value` (a path relative to `within`) is not a path inside it, lexically; None if it is."""
    if (
        not value.strip()
        or os.path.isabs(value)
        or PurePosixPath(value).is_absolute()
        or re.match(r"^[A-Za-z]:", value)
    ):
        return f"must be a path relative to {within}, like '{example}', got {value!r}"
    if posixpath.normpath(value.replace("\\", "/")).split("/")[0] == "..":
        return f"must be a path inside {within}, like '{example}', got {value!r}"
    return None


def escape_message(root: Path, value: str, full: Path, example: str) -> str | None:
    """Why `full` (from `value`) leads outside `root` once symlinks are resolved; None if it does not."""
    real, real_root = full.resolve(), root.resolve()
    if real == real_root or real.is_relative_to(real_root):
        return None
    return (
        f"leads outside the handbook's folder through a symlink ({value!r} is {str(real)!r}): "
        f"give a folder inside it, like '{example}'"
    )
