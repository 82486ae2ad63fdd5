"""Build the site into a fresh folder and swap it in only when the whole build succeeded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def build_and_swap(root: Path, site_dir: Path, *, extra_args: tuple[str, ...] = ()) -> int:
    """Run `mkdocs build --strict` into `<site>.new`; on success replace `site_dir` with it.

    mkdocs empties its site_dir before building, so a failed build in place would leave
    no site at all: the last good site stays published until a build succeeds.
    Returns mkdocs' exit code.
    """
    site_dir = site_dir if site_dir.is_absolute() else root / site_dir
    fresh = site_dir.with_name(site_dir.name + ".new")
    old = site_dir.with_name(site_dir.name + ".old")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(fresh), *extra_args]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    code = subprocess.run(command, cwd=root, env=env, check=False).returncode
    if code != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        return code
    if site_dir.exists():
        site_dir.rename(old)
    fresh.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    return 0
