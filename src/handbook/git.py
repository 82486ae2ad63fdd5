"""How the handbook asks git: one runner with a fixed environment, the log of the record folders,
and the contents of blobs.

Every git process starts in `start`, whatever asks (history, the checks, CODEOWNERS, decision
numbering, the build's guards), so that one place says how git is run and what a command costs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO


class GitFailed(Exception):
    """git answered something other than what was asked."""


def environment() -> dict[str, str]:
    """Plain, parseable output whatever the user's configuration and language."""
    env = dict(os.environ, LC_ALL="C", GIT_PAGER="cat", GIT_TERMINAL_PROMPT="0")
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    return env


def start(
    root: Path, *args: str, stdin: bool = False, stderr: IO[bytes] | int = subprocess.PIPE
) -> subprocess.Popen[bytes]:
    """`git -C root ARGS` started with its output on a pipe; raises OSError when git is not installed."""
    return subprocess.Popen(
        ["git", "-C", str(root), *args],
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=environment(),
    )


@dataclass(frozen=True)
class Answer:
    """What a git command said: its exit status, and its output and errors as text."""

    code: int
    out: str
    err: str

    @property
    def first_error(self) -> str:
        return (self.err.strip().splitlines() or ["unknown error"])[0]


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")


def run(root: Path, *args: str) -> Answer | None:
    """A git command run to its end, or None when git is not installed."""
    try:
        proc = start(root, *args)
    except OSError:
        return None
    out, err = proc.communicate()
    return Answer(proc.returncode, _text(out), _text(err))


def git(root: Path, *args: str) -> str | None:
    """Output of a git command in `root`, or None when git or the repository is missing."""
    done = run(root, *args)
    return done.out if done is not None and done.code == 0 else None


def head_commit_time(root: Path) -> int | None:
    """Seconds since the epoch of HEAD's commit: the build date when SOURCE_DATE_EPOCH is unset."""
    out = git(root, "-c", "log.showSignature=false", "show", "-s", "--format=%ct", "HEAD")
    return int(out.strip()) if out and out.strip().isdigit() else None


def head(root: Path) -> tuple[str, dt.datetime] | None:
    """HEAD's commit and its committer date; None before the first commit."""
    out = git(root, "-c", "log.showSignature=false", "show", "-s", "--format=%H %cI", "HEAD")
    sha, _, date = (out or "").strip().partition(" ")
    return (sha, dt.datetime.fromisoformat(date)) if date else None


def repository_root(root: Path) -> Path:
    """The git work tree holding `root`, or `root` itself outside git."""
    top = git(root, "rev-parse", "--show-toplevel")
    return Path(top.strip()) if top and top.strip() else root


def blob_id(data: bytes, like: str) -> str:
    """The id git gives `data` as a blob (SHA-1, or SHA-256 in a repository whose ids look like `like`)."""
    digest = hashlib.sha256 if len(like) == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


# -- the log ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    date: dt.datetime
    author: str
    index: int  # position in the log, oldest first


@dataclass(frozen=True, slots=True)
class Change:
    """One Markdown file of a record folder changed by one commit of the first-parent line.

    `blob` is None when the file was deleted or stopped being a regular file (a symlink, a
    submodule). A file renamed from another file of the folders has that path in `renamed_from`;
    a file moved in from elsewhere, or copied, is an addition.
    """

    commit: Commit
    path: str
    blob: str | None
    renamed_from: str | None = None


def read_log(root: Path, prefix: str, folders: Sequence[str]) -> list[Change]:
    """Every change to a Markdown file directly in `folders`, oldest first, from one `git log`.

    Paths are relative to `root`, which is `prefix` within the repository. Only the first-parent
    line of the checked-out branch counts: a merge commit brings what its branch changed. No
    pathspec: limiting git to the folders makes it diff every commit twice (once to simplify
    history, once to print), which doubles the time on a large repository. Raises GitFailed.
    """
    watched = tuple(prefix + folder.strip("/") + "/" for folder in folders)

    def inside(path: str) -> bool:
        return path.endswith(".md") and any(path.startswith(f) and "/" not in path[len(f) :] for f in watched)

    args = [
        # Whatever the user's configuration: the root commit's files too, paths from the top.
        "-c", "log.showSignature=false", "-c", "log.showRoot=true", "-c", "diff.relative=false",
        "-c", "i18n.logOutputEncoding=UTF-8",
        "log", "--reverse", "--first-parent", "-m", "--raw", "--no-abbrev", "-M", "-z",
        "--no-color", "--no-ext-diff", "--format=%x01%H%x00%cI%x00%aN",
    ]  # fmt: skip
    changes: list[Change] = []
    with tempfile.TemporaryFile() as errors:
        try:
            proc = start(root, *args, stderr=errors)
        except OSError as exc:
            raise GitFailed(str(exc)) from None
        assert proc.stdout is not None
        try:
            _parse_log(nul_fields(proc.stdout), changes, inside)
        finally:
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise GitFailed(message[0] if message else f"exit status {code}")
    if not prefix:
        return changes
    cut = len(prefix)
    return [
        Change(c.commit, c.path[cut:], c.blob, c.renamed_from[cut:] if c.renamed_from is not None else None)
        for c in changes
    ]


def nul_fields(stream: IO[bytes]) -> Iterator[bytes]:
    """The NUL-separated fields of `git log -z`, read in chunks rather than all at once."""
    rest = b""
    while chunk := stream.read(1 << 20):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _parse_log(fields: Iterator[bytes], changes: list[Change], inside: Callable[[str], bool]) -> None:
    commit: Commit | None = None
    for raw in fields:
        raw = raw.lstrip(b"\n")
        if raw.startswith(b"\x01"):
            sha = raw[1:].decode("ascii")
            date = next(fields).decode("ascii")
            author = next(fields).decode("utf-8", "replace")
            commit = Commit(sha, dt.datetime.fromisoformat(date), author, commit.index + 1 if commit else 0)
            continue
        if not raw.startswith(b":") or commit is None:
            continue
        # ":old_mode new_mode old_blob new_blob STATUS", then one path, or two for a rename or copy.
        _, new_mode, _, new_blob, status = raw[1:].decode("ascii").split(" ")
        path = next(fields).decode("utf-8", "surrogateescape")
        regular = new_mode.startswith("100")  # not a symlink or a submodule
        blob = new_blob if regular and not status.startswith("D") else None
        if status.startswith(("R", "C")):
            new_path = next(fields).decode("utf-8", "surrogateescape")
            old_inside = status.startswith("R") and inside(path)
            if inside(new_path):
                changes.append(Change(commit, new_path, blob, path if old_inside else None))
            elif old_inside:
                changes.append(Change(commit, path, None))  # moved out of the folders: gone from them
            continue
        if inside(path):
            changes.append(Change(commit, path, blob))


def by_path(changes: Sequence[Change]) -> dict[str, list[Change]]:
    """Each path's changes, oldest first, a rename being a deletion at its old path and an addition at its new."""
    found: dict[str, list[Change]] = {}
    for change in changes:
        if change.renamed_from is not None:
            found.setdefault(change.renamed_from, []).append(Change(change.commit, change.renamed_from, None))
            change = Change(change.commit, change.path, change.blob)
        found.setdefault(change.path, []).append(change)
    return found


# -- blobs --------------------------------------------------------------------------------------


def blobs(root: Path, shas: Sequence[str]) -> Generator[bytes | None, None, None]:
    """The contents of `shas`, in order, from one `git cat-file --batch` (None if missing)."""
    if not shas:
        return
    try:
        proc = start(root, "cat-file", "--batch", "--buffer", stdin=True, stderr=subprocess.DEVNULL)
    except OSError as exc:
        raise GitFailed(str(exc)) from None
    assert proc.stdin is not None and proc.stdout is not None
    stdin, stdout = proc.stdin, proc.stdout

    def feed() -> None:
        # A thread writes the requests while we read the answers: neither pipe can fill up.
        # If git stops early, its pipe breaks: the reader sees that and says so.
        with contextlib.suppress(BrokenPipeError, ValueError, OSError):
            stdin.write("".join(f"{sha}\n" for sha in shas).encode("ascii"))
        with contextlib.suppress(OSError):
            stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for _ in shas:
            header = stdout.readline().split()
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                data = stdout.read(size)
                stdout.read(1)
                yield data
            elif len(header) == 2 and header[1] == b"missing":
                yield None
            else:
                raise GitFailed(f"`git cat-file` answered {b' '.join(header)!r}")
    finally:
        stdout.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        writer.join()
