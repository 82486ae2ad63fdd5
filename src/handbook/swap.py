"""Replace the published site folder by a complete build so that a kill at any step loses nothing.

The folders beside the site `S` (all `<site>.*`, so the build writes nowhere else):

    S.new            the build in progress, or a complete build waiting to be swapped in
    S.new.complete   a marker file: S.new holds a complete site (never inside a site folder)
    S.old            the previous site, moved aside by the two-rename swap; always whole
    S.trash-N        a leftover renamed out of the way, then removed; never needed again

Invariants, each step being one atomic rename or one file created or removed:
`S` exists => it is complete (only a complete folder is ever renamed to `S`);
`S.new.complete` exists => `S.new`, if it exists, is complete;
`S.old` exists => it is whole (a folder is renamed to a trash name before it is removed).
So when `S` is missing a complete copy, if any, is `S.new` (marked) or else `S.old`, and
`recover` puts it back before anything is removed: the only complete copy is never deleted.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Called with the name of each step once it is done; tests stop a build there to simulate a kill.
Checkpoint = Callable[[str], None]
# Swaps two paths in one step; False when the system cannot.
Exchange = Callable[[Path, Path], bool]
Warn = Callable[[str], None]


def no_checkpoint(step: str) -> None:
    """The checkpoint of a real build: nothing happens between steps."""


@dataclass(frozen=True)
class SiteFolders:
    """The published site folder and the paths beside it that a build uses."""

    site: Path

    def _beside(self, suffix: str) -> Path:
        return self.site.with_name(self.site.name + suffix)

    @property
    def building(self) -> Path:
        return self._beside(".new")

    @property
    def marker(self) -> Path:
        return self._beside(".new.complete")

    @property
    def old(self) -> Path:
        return self._beside(".old")

    @property
    def lock(self) -> Path:
        return self._beside(".lock")

    def trash(self) -> list[Path]:
        """Leftovers set aside for removal, by this build or an earlier one."""
        return sorted(self.site.parent.glob(f"{self.site.name}.trash-*"))

    def fresh_trash(self) -> Path:
        number = 1
        while os.path.lexists(self._beside(f".trash-{number}")):
            number += 1
        return self._beside(f".trash-{number}")


AT_FDCWD = -100
RENAME_EXCHANGE = 2


@functools.cache
def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # no libc to load, or one older than glibc 2.28
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux renameat2 with RENAME_EXCHANGE).

    False, with nothing changed, where the system or the file system cannot.
    """
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    # An old kernel, a file system without exchange, a seccomp filter that blocks the call: a
    # real permission problem fails the two renames as well, and is reported there.
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def recover(folders: SiteFolders, *, warn: Warn, checkpoint: Checkpoint = no_checkpoint) -> None:
    """Put back a complete site an interrupted build left aside, then remove every leftover."""
    if not folders.site.exists():
        if folders.building.is_dir() and folders.marker.exists():
            folders.building.rename(folders.site)  # killed between the two renames of a swap
            checkpoint("recover: the complete build moved in")
        elif folders.old.is_dir():
            folders.old.rename(folders.site)
            checkpoint("recover: the previous site moved back")
    # From here on `site`, if there is one, is complete: everything else beside it is a leftover.
    if folders.marker.exists():
        folders.marker.unlink()
        checkpoint("recover: marker removed")
    for leftover in (folders.building, folders.old):
        if os.path.lexists(leftover):
            leftover.rename(folders.fresh_trash())
            checkpoint(f"recover: {leftover.name.removeprefix(folders.site.name)} set aside")
    for trash in folders.trash():
        remove(trash, warn=warn)


def discard(path: Path, folders: SiteFolders, *, warn: Warn, checkpoint: Checkpoint = no_checkpoint) -> None:
    """Rename `path` out of the way, then remove it (a warning if it cannot be removed)."""
    trash = folders.fresh_trash()
    path.rename(trash)
    checkpoint(f"{path.name.removeprefix(folders.site.name)} set aside")
    remove(trash, warn=warn)


def remove(path: Path, *, warn: Warn) -> None:
    """Remove a leftover; one that cannot be removed is a warning, and the next build tries again."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        warn(
            f"warning: {path}: cannot remove this leftover of a build ({reason}): the site is published; "
            f"remove it by hand (chmod -R u+w it first if it is read-only)"
        )


def swap_in(
    folders: SiteFolders, *, warn: Warn, checkpoint: Checkpoint = no_checkpoint, swap: Exchange = exchange
) -> None:
    """Publish the complete build in `folders.building` as `folders.site`."""
    folders.marker.touch()
    checkpoint("marked complete")
    if not folders.site.exists():
        folders.building.rename(folders.site)
        checkpoint("moved in")
        aside = None
    elif swap(folders.building, folders.site):
        checkpoint("exchanged")
        aside = folders.building  # the previous site, now under the build's name
    else:
        folders.site.rename(folders.old)
        checkpoint("previous site moved aside")
        folders.building.rename(folders.site)
        checkpoint("moved in")
        aside = folders.old
    folders.marker.unlink()
    checkpoint("marker removed")
    if aside is not None:
        discard(aside, folders, warn=warn, checkpoint=checkpoint)


def publish_build(
    folders: SiteFolders,
    build: Callable[[Path], int],
    *,
    warn: Warn,
    checkpoint: Checkpoint = no_checkpoint,
    swap: Exchange = exchange,
) -> int:
    """Recover, build into `folders.building` and swap it in when `build` returns 0 (its code).

    The caller holds the site's lock: nothing else touches these folders meanwhile.
    """
    recover(folders, warn=warn, checkpoint=checkpoint)
    checkpoint("recovered")
    code = build(folders.building)
    if code != 0:
        if os.path.lexists(folders.building):
            discard(folders.building, folders, warn=warn, checkpoint=checkpoint)
        return code
    checkpoint("built")
    swap_in(folders, warn=warn, checkpoint=checkpoint, swap=swap)
    return 0
