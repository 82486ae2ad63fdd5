"""`handbook build`: build the site into a folder of its own and swap it in only when the whole build succeeded.

One build of a site at a time (a lock beside it), never into or around the sources, and a kill
at any step leaves a complete site for the next build to find (see swap.py).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .adapter.config import ConfigError, read_settings
from .adapter.engine import chosen_engine
from .build_runner import describe_os_error
from .site_guard import refusal
from .swap import Checkpoint, Exchange, SiteFolders, exchange, no_checkpoint, publish_build


class PublishError(Exception):
    """The build cannot start or cannot publish: one line that says why; exit 2."""


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def build_and_swap(
    root: Path,
    site_dir: Path,
    *,
    extra_args: tuple[str, ...] = (),
    wait: bool = True,
    say: Callable[[str], None] = _say,
    checkpoint: Checkpoint = no_checkpoint,
    swap: Exchange = exchange,
) -> int:
    """Run the engine's `build --strict` into `<site>.new`; on success swap it in for `site_dir`.

    The engine is ProperDocs, or MkDocs 1.6.1 with HANDBOOK_ENGINE=mkdocs. It empties its
    site_dir before building, so a failed build in place would leave no site at all: the last
    good site stays published until a build succeeds. Returns the engine's exit code; raises
    PublishError for an unknown engine, a site folder that overlaps the sources, a build of
    the same site already running (with `wait=False`), or a file that cannot be written.
    `checkpoint` and `swap` are for tests (stop at a step; swap by two renames).
    """
    try:
        engine = chosen_engine()
    except ValueError as exc:
        raise PublishError(str(exc)) from None
    try:
        settings = read_settings(root)
    except ConfigError as exc:
        raise PublishError(str(exc)) from None
    # Real paths: a symlinked site folder is built beside the folder it points to.
    site = (site_dir if site_dir.is_absolute() else root / site_dir).resolve()
    reason = refusal(site, settings)
    if reason:
        raise PublishError(reason)
    folders = SiteFolders(site)
    try:
        site.parent.mkdir(parents=True, exist_ok=True)
        with site_lock(folders.lock, wait=wait, say=say) as lock:

            def build(into: Path) -> int:
                return _run_engine(engine, root, into, site, extra_args, lock)

            return publish_build(folders, build, warn=say, checkpoint=checkpoint, swap=swap)
    except OSError as exc:
        outcome = f"no complete site was removed: the next build puts the last one back in {site} if it is missing"
        raise PublishError(describe_os_error(exc, folders.building, outcome)) from None


def _run_engine(engine: str, root: Path, into: Path, site: Path, extra_args: tuple[str, ...], lock: int) -> int:
    runner = [sys.executable, "-m", "handbook.build_runner", str(into), str(site), engine]
    # mkdocs.yml named: the default engine looks for its own config file name first.
    config = root / "mkdocs.yml"
    command = [*runner, "build", "--strict", "--config-file", str(config), "--site-dir", str(into), *extra_args]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    # The child shares the lock: were this process killed, no other build starts while the engine still writes.
    return subprocess.run(command, cwd=root, env=env, check=False, pass_fds=(lock,)).returncode


@contextmanager
def site_lock(path: Path, *, wait: bool, say: Callable[[str], None]) -> Iterator[int]:
    """Hold an exclusive lock on `path` (created if missing, never removed), which records our pid.

    Another holder: wait for it, saying who it is, or with `wait=False` raise PublishError.
    The kernel releases the lock when the holder exits, however it exits.
    """
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    held = False
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            if not wait:
                raise PublishError(
                    f"{path}: another build ({holder}) is building this site: "
                    f"wait for it to finish, or run without --no-wait to wait for it"
                ) from None
            say(f"waiting for another build ({holder}) to finish: it holds {path}")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        held = True
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield descriptor
    finally:
        if held:
            os.ftruncate(descriptor, 0)  # no pid left behind to name a process long gone
        os.close(descriptor)


def _holder(descriptor: int) -> str:
    pid = os.pread(descriptor, 32, 0).decode(errors="replace").strip()
    return f"process {pid}" if pid.isdigit() else "a process that has not written its id yet"
