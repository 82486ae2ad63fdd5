"""The engine's `build` run in the child process of `handbook build`: a crash becomes one line, not a traceback.

Run as `python -m handbook.build_runner BUILD_DIR PUBLISHED_SITE ENGINE ENGINE_ARGS...`, ENGINE
being `properdocs` or `mkdocs` (HANDBOOK_ENGINE; see `chosen_engine`). Exit codes: the engine's
own (0, or 1 for a failed strict build), 2 when the site cannot be written (a full disk, say), 1
for any other error. HANDBOOK_TRACEBACK=1 shows the traceback instead.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path

import click

EXIT_FAILED, EXIT_CANNOT_WRITE, EXIT_INTERRUPTED = 1, 2, 130

# ProperDocs, MkDocs 1.6's maintained continuation, first: the default.
ENGINES = ("properdocs", "mkdocs")
ENGINE_VARIABLE = "HANDBOOK_ENGINE"


def chosen_engine(environ: Mapping[str, str] = os.environ) -> str:
    """The engine HANDBOOK_ENGINE names (properdocs when unset or empty); ValueError, one line, otherwise."""
    engine = environ.get(ENGINE_VARIABLE, "").strip() or ENGINES[0]
    if engine not in ENGINES:
        raise ValueError(
            f"{ENGINE_VARIABLE}={environ[ENGINE_VARIABLE]!r} names no engine: set it to "
            f"{ENGINES[0]} (the default) or {ENGINES[1]} (MkDocs 1.6.1)"
        )
    return engine


def start_engine(engine: str) -> click.Command:
    """The engine's command line, imported so that a build in this process sees all its warnings.

    ProperDocs must come first: its import makes every later `mkdocs.*` import (Material's, the
    rss plugin's, ours) a `properdocs.*` module, so it must precede theirs. Material logs to
    `mkdocs.*` loggers, and ProperDocs' strict mode counts the warnings under `properdocs` only:
    route `mkdocs` under it, as ProperDocs' own command line does, or `--strict` passes them.
    """
    if engine == "properdocs":
        imported = sys.modules.get("mkdocs")
        import properdocs.replacement  # noqa: F401 - imported for what it does: the aliasing

        if imported is not None and imported is not sys.modules["properdocs"]:
            raise RuntimeError("MkDocs was imported before ProperDocs: start the engine before importing mkdocs")
        mkdocs_logger = logging.getLogger("mkdocs")
        mkdocs_logger.parent = logging.getLogger("properdocs")
        mkdocs_logger.setLevel(logging.NOTSET)
        mkdocs_logger.propagate = True
        from properdocs.__main__ import cli as properdocs_cli

        return properdocs_cli
    if "properdocs" in sys.modules and sys.modules.get("mkdocs") is sys.modules["properdocs"]:
        raise RuntimeError(
            "ProperDocs has taken the place of mkdocs in this process: run MkDocs in a process of its own"
        )
    from mkdocs.__main__ import cli as mkdocs_cli

    return mkdocs_cli


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
