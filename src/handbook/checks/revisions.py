"""What `check` needs from git beyond `History`: edits within a version, and when files last changed.

`History` keeps one text per version (the last commit's), so a version rewritten by a later
commit without a new number cannot be seen there. `read_revisions` reads the changes to the
record files in one `git log` pass over the first-parent line (as history.py counts versions),
then, in one `git cat-file` stream, only the texts it must compare: the commits of each
policy's current version, and the working copy when it differs from the last commit. The
share of words each edit changed is kept in the cache by the two blob ids, so an unchanged
repository is compared once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import subprocess
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..history import GitFailed, blobs, decode_text, git_environment, nul_fields
from ..lenient import lenient_document

if TYPE_CHECKING:
    from ..cache import Cache
    from ..history import History
    from ..loading import Corpus

WORKING_COPY = ""


@dataclass(frozen=True)
class Edit:
    """A change to a policy's text that kept its version number."""

    path: str
    version: int
    # The commit that made the change, or WORKING_COPY for uncommitted changes.
    commit: str
    date: dt.datetime | None
    # Share of the body's words changed, 0..1.
    changed: float


@dataclass(frozen=True)
class Revisions:
    """Edits within each policy's current version, and the last commit date of unchanged files."""

    edits: tuple[Edit, ...] = ()
    last_commit: Mapping[str, dt.datetime] = field(default_factory=dict)
    complete: bool = False

    def last_change(self, full_path: Path, path: str) -> dt.date | None:
        """The day `path` last changed: its last commit, or, when it is new or edited since, the file's own time."""
        committed = self.last_commit.get(path)
        if committed is not None:
            return committed.date()
        try:
            return dt.datetime.fromtimestamp(full_path.stat().st_mtime, tz=dt.UTC).date()
        except OSError:
            return None


def changed_share(old: str, new: str) -> float:
    """The share of words changed between two texts: 1 - (words kept in order) / (longer text's words).

    Lines are compared first and words only within the lines that changed, so a long text with
    a few edited paragraphs costs little.
    """
    total = max(len(old.split()), len(new.split()))
    if not total:
        return 0.0
    old_lines, new_lines = old.split("\n"), new.split("\n")
    kept = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            kept += sum(len(line.split()) for line in old_lines[i1:i2])
        elif tag == "replace":
            a, b = " ".join(old_lines[i1:i2]).split(), " ".join(new_lines[j1:j2]).split()
            words = difflib.SequenceMatcher(None, a, b, autojunk=False)
            kept += sum(block.size for block in words.get_matching_blocks())
    return 1 - kept / total


def blob_id(data: bytes, like: str) -> str:
    """The id git gives `data` as a blob (SHA-1, or SHA-256 in such repositories)."""
    digest = hashlib.sha256 if len(like) == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


def _version_of(path: str, raw: bytes) -> tuple[int | None, str, str]:
    """(version, status, body) of a policy text, read leniently as history reads old files."""
    meta, body = lenient_document(path, decode_text(raw))
    version = meta.get("version")
    number = version if isinstance(version, int) and not isinstance(version, bool) else None
    return number, str(meta.get("status") or "").strip().lower(), body


def read_revisions(corpus: Corpus, history: History, *, cache: Cache | None = None) -> Revisions:
    """Same-version edits of each policy's current version, and when each record file last changed.

    Without git (or with incomplete history) there is nothing to compare: `complete` is False
    and files are dated by their modification time.
    """
    if not history.complete:
        return Revisions()
    root = corpus.settings.root
    settings = corpus.settings
    changes = _changes(root, (settings.policies_dir, settings.decisions_dir))
    if changes is None:
        return Revisions()
    last_commit: dict[str, dt.datetime] = {}
    # (policy path, version, commit, date, old blob, new blob); a new blob of WORKING_COPY is the file on disk.
    steps: list[tuple[str, int, str, dt.datetime | None, str, str]] = []
    working: dict[str, bytes] = {}
    for policy in corpus.policies.values():
        events = changes.get(policy.path)
        if not events or events[-1].blob is None:
            continue
        last = events[-1]
        last_blob = events[-1].blob
        try:
            data = (root / policy.path).read_bytes()
        except OSError:
            continue
        unchanged = blob_id(data, last_blob) == last_blob
        if unchanged:
            last_commit[policy.path] = last.date
        if policy.is_draft:
            continue
        published = [v for v in history.versions_of(policy.id) if v.number == policy.version and v.commit]
        if not published:
            continue
        first = published[-1]
        # The commit that published the current version; after a rename, the first commit at this path.
        start = next((i for i in range(len(events) - 1, -1, -1) if events[i].sha == first.commit), None)
        if start is None:
            start = next((i for i, e in enumerate(events) if e.date >= first.published), len(events) - 1)
        run = events[start:]
        # After a deletion the file starts again: compare from there.
        cut = max((i for i, e in enumerate(run) if e.blob is None), default=-1)
        run = run[cut + 1 :]
        for before, after in zip(run, run[1:], strict=False):
            if before.blob != after.blob:
                assert before.blob is not None and after.blob is not None
                steps.append((policy.path, policy.version, after.sha, after.date, before.blob, after.blob))
        if run and not unchanged and run[-1].blob is not None:
            working[policy.path] = data
            steps.append((policy.path, policy.version, WORKING_COPY, None, run[-1].blob, WORKING_COPY))
    for decision in corpus.decisions.values():
        events = changes.get(decision.path)
        if events and events[-1].blob is not None:
            last_commit.setdefault(decision.path, events[-1].date)
    edits = _measure(root, steps, working, cache)
    return Revisions(edits=tuple(edits), last_commit=last_commit, complete=True)


def _measure(
    root: Path,
    steps: list[tuple[str, int, str, dt.datetime | None, str, str]],
    working: Mapping[str, bytes],
    cache: Cache | None,
) -> list[Edit]:
    """The share of words each step changed, from the cache or from the two texts."""

    def key(path: str, old: str, new: str) -> str:
        return f"{old}:{new if new != WORKING_COPY else blob_id(working[path], old)}"

    known: dict[str, float | None] = {}
    wanted: list[str] = []
    for path, _, _, _, old, new in steps:
        k = key(path, old, new)
        cached = cache.get("edits", k) if cache is not None else None
        if cached is not None:
            known[k] = cached[0]
            continue
        wanted += [old] + ([new] if new != WORKING_COPY else [])
    texts = _blobs(root, list(dict.fromkeys(wanted)))
    edits = []
    for path, version, commit, date, old, new in steps:
        k = key(path, old, new)
        if k not in known:
            before = texts.get(old)
            after = working[path] if new == WORKING_COPY else texts.get(new)
            if before is None or after is None:
                continue
            known[k] = _share_within(path, version, before, after)
            if cache is not None:
                cache.put("edits", k, [known[k]])
        share = known[k]
        if share is not None:
            edits.append(Edit(path, version, commit, date, share))
    return edits


def _share_within(path: str, version: int, before: bytes, after: bytes) -> float | None:
    """Words changed between two texts of `version`; None when either is another version or a draft."""
    old_number, old_status, old_body = _version_of(path, before)
    new_number, new_status, new_body = _version_of(path, after)
    if old_number != version or new_number != version or "draft" in (old_status, new_status):
        return None
    return changed_share(old_body, new_body)


# -- asking git ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    sha: str
    date: dt.datetime
    blob: str | None  # None: the file was deleted


def _changes(root: Path, folders: tuple[str, ...]) -> dict[str, list[_Change]] | None:
    """Every change to a Markdown file in `folders`, oldest first, by path relative to `root`.

    One `git log` over the first-parent line (a merge counts as the change its branch brought);
    no pathspec, since limiting git to folders makes it diff each commit twice. None without git.
    """
    try:
        probe = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-prefix"],
            capture_output=True,
            text=True,
            env=git_environment(),
            check=False,
        )
    except OSError:
        return None
    if probe.returncode != 0:
        return None
    prefix = probe.stdout.strip()
    wanted = tuple(prefix + f.strip("/") + "/" for f in folders)
    args = [
        "git", "-C", str(root), "-c", "log.showSignature=false", "log", "--reverse", "--first-parent", "-m",
        "--raw", "--no-abbrev", "--no-renames", "-z", "--no-color", "--no-ext-diff", "--format=%x01%H%x00%cI",
    ]  # fmt: skip
    changes: dict[str, list[_Change]] = defaultdict(list)
    try:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=git_environment())
    except OSError:
        return None
    assert proc.stdout is not None
    try:
        fields = nul_fields(proc.stdout)
        sha, date = "", dt.datetime.min
        for raw in fields:
            raw = raw.lstrip(b"\n")
            if raw.startswith(b"\x01"):
                sha, date = raw[1:].decode("ascii"), dt.datetime.fromisoformat(next(fields).decode("ascii"))
                continue
            if not raw.startswith(b":"):
                continue
            # ":old_mode new_mode old_blob new_blob STATUS", then the path.
            _, mode, _, blob, status = raw[1:].decode("ascii").split(" ")
            path = next(fields).decode("utf-8", "surrogateescape")
            if path.endswith(".md") and any(path.startswith(f) and "/" not in path[len(f) :] for f in wanted):
                gone = status.startswith("D") or not mode.startswith("100")
                changes[path[len(prefix) :]].append(_Change(sha, date, None if gone else blob))
    finally:
        proc.stdout.close()
        code = proc.wait()
    return dict(changes) if code == 0 else None


def _blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """The contents of `shas` from the history module's one `git cat-file --batch` (missing left out)."""
    try:
        return {sha: data for sha, data in zip(shas, blobs(root, shas), strict=False) if data is not None}
    except (GitFailed, OSError):
        return {}
