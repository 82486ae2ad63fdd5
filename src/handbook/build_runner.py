"""The engine's `build` run in the child process of `handbook build`: a crash becomes one line, not a traceback.

Run as `python -m handbook.build_runner BUILD_DIR PUBLISHED_SITE ENGINE ENGINE_ARGS...`, ENGINE
being one of `adapter.engine.ENGINES` (HANDBOOK_ENGINE; see `chosen_engine`). Exit codes: the engine's
own (0, or 1 for a failed strict build), 2 when the site cannot be written (a full disk, say), 1
for any other error. HANDBOOK_TRACEBACK=1 shows the traceback instead.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from pathlib import Path

from .adapter.engine import start_engine

EXIT_FAILED, EXIT_CANNOT_WRITE, EXIT_INTERRUPTED = 1, 2, 130


def mount_point(path: Path) -> Path:
    """The folder where the file system holding `path` (or its nearest existing parent) is mounted."""
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    device = path.stat().st_dev
    while path != path.parent and path.parent.stat().st_dev == device:
        path = path.parent
    return path


def describe_os_error(exc: OSError, building: Path, outcome: str) -> str:
    """One line: which file or folder could not be written or read, why, what to do, and `outcome`."""
    # A copy or a rename names its destination second: that is where the writing failed.
    target = exc.filename2 or exc.filename
    where = Path(os.path.abspath(target)) if target else building
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        folder = where if where == building or where.is_dir() else where.parent
        try:
            disk = f"the disk mounted at {mount_point(folder)}"
        except OSError:
            disk = "that disk"
        return f"{folder}: {reason}: {disk} is full; free space there, then build again; {outcome}"
    if exc.errno == errno.EFBIG:
        return f"{where}: {reason}: a file grew past the size limit (ulimit -f); raise it, then build again; {outcome}"
    name = errno.errorcode.get(exc.errno or 0, "error")
    return f"{where}: {reason} ({name}) while building the site into {building}; {outcome}"


def describe_crash(exc: BaseException, published: Path) -> str:
    """One line: the exception and the innermost place that raised it."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    if frames:
        filename = frames[-1].filename
        # Shorten to the module's path on sys.path: material/plugins/blog/plugin.py, not /usr/lib/...
        roots = sorted((p for p in sys.path if p and filename.startswith(os.path.join(p, ""))), key=len)
        shown = os.path.relpath(filename, roots[-1]) if roots else filename
        where = f" at {shown}:{frames[-1].lineno}"
    message = " ".join(str(exc).split()) or "(no message)"
    return (
        f"the build failed: {type(exc).__name__}: {message}{where}; {published} is unchanged; "
        f"HANDBOOK_TRACEBACK=1 handbook build shows the traceback"
    )


def main(argv: list[str]) -> None:
    building, published, engine, engine_args = Path(argv[0]), Path(argv[1]), argv[2], argv[3:]
    cli = start_engine(engine)

    show_traceback = bool(os.environ.get("HANDBOOK_TRACEBACK"))
    try:
        # Click exits itself for the engine's own errors (a strict build aborted: exit 1).
        cli.main(args=engine_args, prog_name=engine)
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    except OSError as exc:
        if show_traceback:
            raise
        print(describe_os_error(exc, building, f"the published site {published} is unchanged"), file=sys.stderr)
        sys.exit(EXIT_CANNOT_WRITE)
    except Exception as exc:
        if show_traceback:
            raise
        print(describe_crash(exc, published), file=sys.stderr)
        sys.exit(EXIT_FAILED)


if __name__ == "__main__":
    main(sys.argv[1:])
