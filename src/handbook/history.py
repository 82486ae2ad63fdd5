"""What git knows about the handbook: each policy's published versions and each decision's statuses.

`read_history` reads the whole repository with one `git log` pass (file changes with their blob
ids, following renames) and one `git cat-file --batch` stream for the blobs, never a process per
file or per commit. Old front matter is read leniently: history never fails on a file that
today's schema would refuse. Without git, in a shallow or partial clone, or before the first
commit, it falls back to the current version of each record and says why in `History.note`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import HandbookError
from .lenient import lenient_document, quick_values, read_leniently
from .loading import DECISION_NAME
from .records import StatusChange, Version
from .schema import SLUG

if TYPE_CHECKING:
    from .loading import Corpus

DRAFT = "draft"
# How to get full history, said wherever history is missing.
CLONE_HINT = (
    "build from a git clone with full history (in CI, check out with `fetch-depth: 0` on GitHub Actions "
    "or `GIT_DEPTH: 0` on GitLab CI)"
)
UNSHALLOW_HINT = (
    "run `git fetch --unshallow` before building, or check out with `fetch-depth: 0` (GitHub Actions) "
    "or `GIT_DEPTH: 0` (GitLab CI)"
)


def git(root: Path, *args: str) -> str | None:
    """Output of a git command in `root`, or None when git or the repository is missing."""
    done = _run(root, *args)
    return done.stdout if done is not None and done.returncode == 0 else None


def head_commit_time(root: Path) -> int | None:
    """Seconds since the epoch of HEAD's commit: the build date when SOURCE_DATE_EPOCH is unset."""
    out = git(root, "log", "-1", "--format=%ct")
    return int(out.strip()) if out and out.strip().isdigit() else None


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

    def versions_of(self, policy_id: str) -> tuple[Version, ...]:
        return self.versions.get(self.renames.get(policy_id, policy_id), ())

    def current_version(self, policy_id: str) -> Version | None:
        versions = self.versions_of(policy_id)
        return versions[-1] if versions else None

    def in_force_on(self, policy_id: str, day: dt.date) -> Version | None:
        """The version in force on `day` by its `effective` date (not its commit), or None.

        A version whose old front matter has no readable `effective` counts from its publish date.
        """
        candidates = [v for v in self.versions_of(policy_id) if effective_date(v) <= day]
        return max(candidates, key=lambda v: (effective_date(v), v.number), default=None)


def effective_date(version: Version) -> dt.date:
    return version.effective if version.effective is not None else version.published.date()


@dataclass
class GitMemo:
    """What `read_history` learnt from git, for a caller that reads history again and again
    (`mkdocs serve`): the log as of one HEAD, and file contents by blob id, which never change.
    The working copy is read afresh every time."""

    head: tuple[str, str] | None = None  # (HEAD's commit, the handbook's folder in the repository)
    lineages: dict[str, _Lineage] = field(default_factory=dict)
    blobs: dict[str, bytes | None] = field(default_factory=dict)
    # What was read from each blob: its number, status and line, and its version.
    peeks: dict[tuple[str, str, bool], tuple[int | None, str | None, int]] = field(default_factory=dict)
    versions: dict[tuple[str, int, str, str, str], Version] = field(default_factory=dict)

    def peek(self, event: _Event, raw: bytes, *, want_version: bool = True) -> tuple[int | None, str | None, int]:
        assert event.blob is not None
        key = (event.path, event.blob, want_version)
        if key not in self.peeks:
            self.peeks[key] = peek(event.path, raw, want_version=want_version)
        return self.peeks[key]


def read_history(corpus: Corpus, *, memo: GitMemo | None = None) -> History:
    """The history of every record in `corpus`, from one pass over the git repository.

    Version N of a policy is published by the first commit where its file has `version: N` and a
    status other than draft (that commit's committer date and author); its text is the file at the
    last commit with `version: N`, so editorial edits fold in. Only the first-parent line of the
    checked-out branch counts: a version is published when it lands there, so a merge commit
    publishes what its branch brought. The working copy is the truth for the current version: an
    uncommitted edit replaces that version's text, and an uncommitted new version is added with
    HEAD's commit date (deterministic, never the build clock) and the owner as author.
    Never raises: whatever git cannot give becomes the fallback and `note`.
    """
    root = corpus.settings.root
    reason, prefix = _probe(root)
    if reason is not None:
        return fallback_history(corpus, reason)
    found = _head(root)
    if found is None:
        why = f"the git repository at {root} has no commit yet"
        return fallback_history(corpus, _missing(why, "Commit the handbook."))
    sha, head = found
    if memo is not None and memo.head == (sha, prefix):
        lineages = memo.lineages
    else:
        try:
            lineages = _read_log(root, prefix, corpus)
        except GitFailed as exc:
            return fallback_history(corpus, _missing(f"`git log` failed ({exc})"))
        if memo is not None:
            memo.head, memo.lineages = (sha, prefix), lineages
    if not lineages:
        why = f"no policy or decision under {root} is committed yet"
        return fallback_history(corpus, _missing(why, "Commit them."))
    return _History(corpus, head, memo).build(lineages)


def _missing(why: str, fix: str = "", *, incomplete: bool = False) -> str:
    """The note said once when history cannot be read: what is missing, why, and how to get it."""
    head = "History is incomplete" if incomplete else "History is missing"
    return f"{head}: {why}, so only the current version of each record is shown." + (f" {fix}" if fix else "")


def fallback_history(corpus: Corpus, note: str) -> History:
    """Current versions only: published on their effective date (midnight UTC), by their owner."""
    versions = {
        policy.id: (working_version(corpus, policy.id, midnight(policy.effective)),)
        for policy in corpus.policies.values()
        if not policy.is_draft
    }
    changes = {
        number: (
            StatusChange(
                number, decision.status.value, midnight(decision.date), ", ".join(decision.decision_makers), ""
            ),
        )
        for number, decision in corpus.decisions.items()
    }
    return History(versions=versions, status_changes=changes, complete=False, note=note)


# -- asking git ---------------------------------------------------------------


class GitFailed(Exception):
    """git answered something other than what was asked: the history pass falls back."""


def git_environment() -> dict[str, str]:
    # Plain, parseable output whatever the user's configuration and language.
    env = dict(os.environ, LC_ALL="C", GIT_PAGER="cat", GIT_TERMINAL_PROMPT="0")
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    return env


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
            env=git_environment(),
        )
    except OSError:
        return None


def _probe(root: Path) -> tuple[str | None, str]:
    """Why this checkout cannot give full history (None when it can), and `root` within the repository."""
    done = _run(root, "rev-parse", "--is-shallow-repository", "--show-prefix")
    if done is None:
        return _missing("git is not installed", f"Install git and {CLONE_HINT}."), ""
    if done.returncode != 0:
        problem = (done.stderr.strip().splitlines() or ["unknown error"])[0]
        if "not a git repository" in problem:
            why = f"{root} is not a git repository (a copy without .git, such as a tarball or an export)"
            return _missing(why, f"To get version pages, diffs and status timelines, {CLONE_HINT}."), ""
        return _missing(f"git cannot read the repository ({problem})"), ""
    shallow, _, prefix = done.stdout.partition("\n")
    if shallow.strip() == "true":
        return _missing("this is a shallow clone", f"To get every version, {UNSHALLOW_HINT}.", incomplete=True), ""
    partial = _run(root, "config", "--get", "extensions.partialClone")
    if partial is not None and partial.returncode == 0 and partial.stdout.strip():
        why = "this is a partial clone without old file contents (`--filter`)"
        fix = "Clone without `--filter` (in GitHub Actions, leave `filter` unset) to get every version."
        return _missing(why, fix, incomplete=True), ""
    return None, prefix.strip()


def _head(root: Path) -> tuple[str, dt.datetime] | None:
    """HEAD's commit and its committer date."""
    done = _run(root, "log", "-1", "--format=%H %cI")
    sha, _, date = done.stdout.strip().partition(" ") if done is not None and done.returncode == 0 else ("", "", "")
    return (sha, dt.datetime.fromisoformat(date)) if date else None


@dataclass(frozen=True)
class _Commit:
    sha: str
    date: dt.datetime
    author: str
    index: int  # position in the log, oldest first


@dataclass
class _Event:
    commit: _Commit
    path: str
    blob: str | None  # None: the file was deleted


@dataclass
class _Lineage:
    """One file followed through renames: the path it has now and every change to it."""

    path: str
    events: list[_Event] = field(default_factory=list)
    old_paths: list[str] = field(default_factory=list)
    alive: bool = True


def _record_kind(path: str, policies_dir: str, decisions_dir: str) -> str | None:
    folder, _, name = path.rpartition("/")
    if not name.endswith(".md"):
        return None
    stem = name[:-3]
    if folder == policies_dir and SLUG.match(stem):
        return "policy"
    if folder == decisions_dir and DECISION_NAME.match(stem):
        return "decision"
    return None


def nul_fields(stream: IO[bytes]) -> Iterator[bytes]:
    """The NUL-separated fields of `git log -z`, read in chunks rather than all at once."""
    rest = b""
    while chunk := stream.read(1 << 20):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _read_log(root: Path, prefix: str, corpus: Corpus) -> dict[str, _Lineage]:
    """Every change to a record file on the first-parent line, oldest first, grouped by file.

    No pathspec: limiting git to the record folders makes it diff every commit twice (once to
    simplify history, once to print), which doubles the time on a large repository.
    """
    settings = corpus.settings
    policies_dir = prefix + settings.policies_dir.strip("/")
    decisions_dir = prefix + settings.decisions_dir.strip("/")
    args = [
        "git", "-C", str(root),
        # Whatever the user's configuration: the root commit's files too, paths from the top.
        "-c", "log.showSignature=false", "-c", "log.showRoot=true", "-c", "diff.relative=false",
        "-c", "i18n.logOutputEncoding=UTF-8",
        "log", "--reverse", "--first-parent", "-m", "--raw", "--no-abbrev", "-M", "-z",
        "--no-color", "--no-ext-diff", "--format=%x01%H%x00%cI%x00%aN",
    ]  # fmt: skip
    lineages: dict[str, _Lineage] = {}
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, env=git_environment())
        except OSError as exc:
            raise GitFailed(str(exc)) from None
        assert proc.stdout is not None
        try:
            _parse_log(nul_fields(proc.stdout), lineages, policies_dir, decisions_dir)
        finally:
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise GitFailed(message[0] if message else f"exit status {code}")
    # Paths from here on are relative to the handbook's root, like the corpus's.
    return {path[len(prefix) :]: _relative(lineage, prefix) for path, lineage in lineages.items()}


def _relative(lineage: _Lineage, prefix: str) -> _Lineage:
    if prefix:
        cut = len(prefix)
        lineage.path = lineage.path[cut:]
        lineage.old_paths = [p[cut:] for p in lineage.old_paths]
        for event in lineage.events:
            event.path = event.path[cut:]
    return lineage


def _parse_log(fields: Iterator[bytes], lineages: dict[str, _Lineage], policies_dir: str, decisions_dir: str) -> None:
    commit: _Commit | None = None

    def kind(path: str) -> str | None:
        return _record_kind(path, policies_dir, decisions_dir)

    for raw in fields:
        raw = raw.lstrip(b"\n")
        if raw.startswith(b"\x01"):
            sha = raw[1:].decode("ascii")
            date = next(fields).decode("ascii")
            author = next(fields).decode("utf-8", "replace")
            commit = _Commit(sha, dt.datetime.fromisoformat(date), author, commit.index + 1 if commit else 0)
            continue
        if not raw.startswith(b":") or commit is None:
            continue
        # ":old_mode new_mode old_blob new_blob STATUS", then one path, or two for a rename.
        _, new_mode, _, new_blob, status = raw[1:].decode("ascii").split(" ")
        path = next(fields).decode("utf-8", "surrogateescape")
        regular = new_mode.startswith("100")  # not a symlink or a submodule
        if status.startswith(("R", "C")):
            new_path = next(fields).decode("utf-8", "surrogateescape")
            moved = status.startswith("R") and kind(path) is not None
            if moved and kind(new_path) is not None and regular:
                lineage = lineages.pop(path, None) or _Lineage(path)
                lineage.old_paths.append(path)
                lineage.path, lineage.alive = new_path, True
                lineage.events.append(_Event(commit, new_path, new_blob))
                lineages[new_path] = lineage
                continue
            if moved:
                _change(lineages, commit, path, None)
            path = new_path
            status = "A"
        if kind(path) is None:
            continue
        _change(lineages, commit, path, new_blob if status != "D" and regular else None)


def _change(lineages: dict[str, _Lineage], commit: _Commit, path: str, blob: str | None) -> None:
    lineage = lineages.get(path)
    if lineage is None:
        if blob is None:
            return
        lineage = lineages[path] = _Lineage(path)
    lineage.events.append(_Event(commit, path, blob))
    lineage.alive = blob is not None


def blobs(root: Path, shas: list[str]) -> Generator[bytes | None, None, None]:
    """The contents of `shas`, in order, from one `git cat-file --batch` (None if missing)."""
    if not shas:
        return
    proc = subprocess.Popen(
        ["git", "-C", str(root), "cat-file", "--batch", "--buffer"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=git_environment(),
    )  # fmt: skip
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


# -- reading old files leniently ------------------------------------------------

_BOM = b"\xef\xbb\xbf"
_HEAD_BYTES = 4096
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 1 else None
    # ASCII digits only: `int()` refuses some characters `isdigit()` accepts, like '¹'.
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        number = int(value.strip())
        return number if number >= 1 else None
    return None


def _word(value: Any) -> str:
    """A front-matter value as text, whatever type old YAML gave it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (list, tuple)):
        return ", ".join(_word(v) for v in value)
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and (m := _DAY.match(value.strip())):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


def decode_text(raw: bytes) -> str:
    """Any bytes as text with `\\n` line ends: history shows old files even if they were not UTF-8."""
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    return raw.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")


def peek(path: str, raw: bytes, *, want_version: bool = True) -> tuple[int | None, str | None, int]:
    """A file's `version`, its `status` in lowercase, and the line of `version`, as history counts them.

    The status is the one the loader reads (`status: !!str draft` is a draft), or None when the
    front matter does not parse and its `status` line cannot be read even alone: such a commit
    publishes nothing. A plain front matter is read from its `version` and `status` lines only
    (`lenient.quick_values`, the same answer); anything else is parsed whole.
    """
    # The front matter is at the top: its first lines are decoded, not the whole text. Where the
    # front matter runs past them, there is no closing '---' in them, and the full parse decides.
    cut = raw.rfind(b"\n", 0, _HEAD_BYTES) + 1 if len(raw) > _HEAD_BYTES else len(raw)
    keys = ("version", "status") if want_version else ("status",)
    quick = quick_values(path, decode_text(raw[:cut]), keys) if cut else None
    meta: Mapping[str, Any]
    lines: Mapping[str, int]
    if quick is not None and "status" in quick[0]:
        meta, lines, _ = quick
        status: str | None = _word(meta["status"]).lower()
    else:
        read = read_leniently(path, decode_text(raw))
        meta, lines = read.meta, read.lines
        unread = not read.whole and ("status" not in meta or "status" in read.unread)
        status = None if unread else _word(meta.get("status")).lower()
    if not want_version:
        return None, status, 1
    return _number(meta.get("version")), status, lines.get("version", 1)


_VERSION_KEYS = ("title", "status", "effective", "summary", "changes")


def _version_from_text(policy_id: str, number: int, text: str, path: str, commit: _Commit) -> Version:
    quick = quick_values(path, text, _VERSION_KEYS)
    meta, body = (quick[0], quick[2]) if quick is not None else lenient_document(path, text)
    return Version(
        policy_id=policy_id,
        number=number,
        title=_word(meta.get("title")) or policy_id,
        status=_word(meta.get("status")).lower(),
        effective=_date(meta.get("effective")),
        summary=_word(meta.get("summary")),
        changes=_word(meta.get("changes")),
        body=body,
        published=commit.date,
        author=commit.author,
        commit=commit.sha,
        path=path,
    )


def midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in UTC: how a date from front matter is dated as a moment."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def working_version(corpus: Corpus, policy_id: str, published: dt.datetime, commit: str = "") -> Version:
    """The current version as the file on disk says; its author is the policy's owner."""
    policy = corpus.policies[policy_id]
    return Version(
        policy_id=policy.id,
        number=policy.version,
        title=policy.title,
        status=policy.status.value,
        effective=policy.effective,
        summary=policy.summary,
        changes=policy.changes,
        body=policy.body,
        published=published,
        author=corpus.owner_name(policy.owner),
        commit=commit,
        path=policy.path,
    )


def _blob_id(data: bytes, like: str) -> str:
    """The id git gives `data` as a blob (SHA-1, or SHA-256 in such repositories)."""
    digest = hashlib.sha256 if len(like) == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


# -- from changes to versions -------------------------------------------------


@dataclass
class _Pending:
    """A version being read: published by `first`, its text from the latest commit with its number."""

    number: int
    first: _Commit
    blob: str
    raw: bytes
    path: str


class _PolicyVersions:
    """Turns one policy file's changes, fed oldest first, into its versions and warnings."""

    def __init__(self, policy_id: str, lineage: _Lineage, memo: GitMemo) -> None:
        self.policy_id = policy_id
        self.lineage = lineage
        self.memo = memo
        self.done: list[Version] = []
        self.pending: _Pending | None = None
        self.blobs: dict[int, tuple[str, _Commit]] = {}  # each version's latest blob, and who published it
        self.run: int | None = None  # the number of the latest counted commit; None after a deletion
        self.warnings: list[HandbookError] = []

    @property
    def highest(self) -> int | None:
        return self.pending.number if self.pending else None

    def deleted(self) -> None:
        self.run = None

    def add(self, event: _Event, raw: bytes) -> None:
        number, status, line = self.memo.peek(event, raw)
        if number is None or status is None or status == DRAFT:
            return  # drafts never count, nor a file whose version or status cannot be read
        assert event.blob is not None
        entering = self.run != number
        self.run = number
        highest = self.highest
        if highest is None or number > highest:
            # A new version: the one before it can no longer change.
            if self.pending is not None:
                self.done.append(self._version(self.pending))
            self.pending = _Pending(number, event.commit, event.blob, raw, event.path)
            self.blobs[number] = (event.blob, event.commit)
            return
        assert self.pending is not None
        if number == highest and not entering:
            self.pending.blob, self.pending.raw, self.pending.path = event.blob, raw, event.path  # an editorial edit
            self.blobs[number] = (event.blob, self.pending.first)
            return
        known = self.blobs.get(number)
        if known is not None and known[0] == event.blob:
            if number == highest:
                return  # the same text restored after a deletion
            reason, code = f"goes back to version {number} (the text of that version as published)", "HB203"
        elif known is not None:
            reason = (
                f"reuses version {number} for a different text than the version {number} published in commit "
                f"{known[1].sha[:7]} ({known[1].date.date()})"
            )
            code = "HB202"
        else:
            reason, code = f"goes backwards from version {highest}", "HB203"
        if entering:  # one warning for a run of commits with the same wrong number
            latest, commit = self.pending.first, event.commit
            message = (
                f"commit {commit.sha[:7]} ({commit.date.date()}) {reason}: version {highest} was published in commit "
                f"{latest.sha[:7]} ({latest.date.date()}); number the next version {highest + 1}"
            )
            self.warnings.append(HandbookError(self.lineage.path, line, message, code))

    def _version(self, pending: _Pending) -> Version:
        key = (self.policy_id, pending.number, pending.blob, pending.path, pending.first.sha)
        if key not in self.memo.versions:
            text, number = decode_text(pending.raw), pending.number
            self.memo.versions[key] = _version_from_text(self.policy_id, number, text, pending.path, pending.first)
        return self.memo.versions[key]

    def versions(self) -> list[Version]:
        return self.done + ([self._version(self.pending)] if self.pending else [])


class _DecisionStatuses:
    """Turns one decision file's changes, fed oldest first, into its status changes."""

    def __init__(self, number: int, lineage: _Lineage, memo: GitMemo) -> None:
        self.number = number
        self.lineage = lineage
        self.memo = memo
        self.changes: list[StatusChange] = []

    def deleted(self) -> None:
        pass

    def add(self, event: _Event, raw: bytes) -> None:
        _, status, _ = self.memo.peek(event, raw, want_version=False)
        if status and (not self.changes or self.changes[-1].status != status):
            self.changes.append(
                StatusChange(self.number, status, event.commit.date, event.commit.author, event.commit.sha)
            )


class _History:
    """Builds a History from the record files' lineages and the working copy."""

    def __init__(self, corpus: Corpus, head: dt.datetime, memo: GitMemo | None = None) -> None:
        self.corpus = corpus
        self.head = head
        self.root = corpus.settings.root
        self.memo = memo
        # What the readers parse from blobs: kept in the caller's memo, or for this build alone.
        self.parsed = memo if memo is not None else GitMemo()

    def build(self, lineages: Mapping[str, _Lineage]) -> History:
        corpus = self.corpus
        policy_at = {p.path: p.id for p in corpus.policies.values()}
        decision_at = {d.path: d.number for d in corpus.decisions.values()}
        # Only files that exist now: a deleted record has no page for its history to go on.
        policies: list[_PolicyVersions] = []
        decisions: list[_DecisionStatuses] = []
        for lineage in lineages.values():
            if lineage.alive and lineage.path in policy_at:
                policies.append(_PolicyVersions(policy_at[lineage.path], lineage, self.parsed))
            elif lineage.alive and lineage.path in decision_at:
                decisions.append(_DecisionStatuses(decision_at[lineage.path], lineage, self.parsed))
        readers: list[_PolicyVersions | _DecisionStatuses] = [*policies, *decisions]
        # Blobs in commit order: that is how packs store them, and reading them so is fastest.
        changes = sorted(((e.commit.index, e, r) for r in readers for e in r.lineage.events), key=lambda c: c[0])
        try:
            texts = self._blobs([e.blob for _, e, _ in changes if e.blob is not None])
            with contextlib.closing(texts):
                for _, event, reader in changes:
                    if event.blob is None:
                        reader.deleted()
                    elif (raw := next(texts)) is not None:
                        reader.add(event, raw)
        except GitFailed as exc:
            return fallback_history(corpus, _missing(f"`git cat-file` failed ({exc})"))
        versions: dict[str, tuple[Version, ...]] = {}
        statuses: dict[int, tuple[StatusChange, ...]] = {}
        warnings: list[HandbookError] = []
        renames: dict[str, str] = {}
        policies_dir = corpus.settings.policies_dir.strip("/")
        for reader in policies:
            versions[reader.policy_id], found = self._policy(reader)
            warnings += found
            for old in reader.lineage.old_paths:
                folder, _, name = old.rpartition("/")
                old_id = name[:-3]
                if folder == policies_dir and old_id != reader.policy_id and old_id not in corpus.policies:
                    renames[old_id] = reader.policy_id
        for decision_reader in decisions:
            statuses[decision_reader.number] = self._decision(decision_reader)
        # Records not committed yet: the working copy is their only version, dated at HEAD.
        for policy in corpus.policies.values():
            if policy.id not in versions and not policy.is_draft:
                versions[policy.id] = (working_version(corpus, policy.id, self.head),)
        for number, decision in corpus.decisions.items():
            if number not in statuses:
                statuses[number] = (
                    StatusChange(number, decision.status.value, self.head, ", ".join(decision.decision_makers), ""),
                )
        return History(
            versions={k: v for k, v in sorted(versions.items()) if v},
            status_changes=dict(sorted(statuses.items())),
            renames=dict(sorted(renames.items())),
            warnings=tuple(sorted(warnings, key=HandbookError.sort_key)),
        )

    def _blobs(self, shas: list[str]) -> Generator[bytes | None, None, None]:
        """`blobs`, asking git only for those the memo does not hold."""
        if self.memo is None:
            yield from blobs(self.root, shas)
            return
        known = self.memo.blobs
        missing = list(dict.fromkeys(sha for sha in shas if sha not in known))
        with contextlib.closing(blobs(self.root, missing)) as read:
            known.update(zip(missing, read, strict=True))
        for sha in shas:
            yield known[sha]

    def _working_copy(self, path: str, last_blob: str | None) -> bytes | None:
        """The file on disk if it differs from its last commit, else None."""
        try:
            data = (self.root / path).read_bytes()
        except OSError:
            return None
        if last_blob is not None and _blob_id(data, last_blob) == last_blob:
            return None
        return data

    def _policy(self, reader: _PolicyVersions) -> tuple[tuple[Version, ...], list[HandbookError]]:
        versions = reader.versions()
        warnings = reader.warnings
        policy = self.corpus.policies[reader.policy_id]
        if policy.is_draft or self._working_copy(policy.path, reader.lineage.events[-1].blob) is None:
            return tuple(versions), warnings
        # Uncommitted changes: the file on disk is the truth for the current version.
        last = versions[-1] if versions else None
        if last is None or policy.version > last.number:
            versions.append(working_version(self.corpus, policy.id, self.head))
        elif policy.version == last.number:
            versions[-1] = replace(
                working_version(self.corpus, policy.id, last.published, last.commit), author=last.author
            )
        else:
            warnings.append(
                HandbookError(
                    policy.path,
                    policy.line_of("version"),
                    f"the working copy has version {policy.version}, but version {last.number} was published in commit "
                    f"{last.commit[:7]} ({last.published.date()}); number the next version {last.number + 1}",
                    "HB203",
                )  # fmt: skip
            )
        return tuple(versions), warnings

    def _decision(self, reader: _DecisionStatuses) -> tuple[StatusChange, ...]:
        changes = reader.changes
        decision = self.corpus.decisions[reader.number]
        current = decision.status.value
        if (not changes or changes[-1].status != current) and self._working_copy(
            decision.path, reader.lineage.events[-1].blob
        ) is not None:
            changes.append(StatusChange(reader.number, current, self.head, ", ".join(decision.decision_makers), ""))
        return tuple(changes)
