"""What `check` needs from git beyond the versions in `History`: edits within a version, and when
files last changed.

`History` keeps one text per version (the last commit's), so a version rewritten by a later
commit without a new number cannot be seen there. `read_revisions` takes the changes to the
record files that history's one `git log` pass found (`History.changes`), then reads, in one
`git cat-file` stream, only the texts it must compare: the commits of each policy's current
version, and the working copy when it differs from the last commit. The share of words each
edit changed is kept in the cache by the two blob ids, so an unchanged repository is compared once.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import git
from ..lenient import decode_text, lenient_document, old_version

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
class Published:
    """A policy's current version as the commit that published it said it: its `effective` date."""

    path: str
    version: int
    commit: str
    date: dt.datetime
    effective: dt.date | None


@dataclass(frozen=True)
class Revisions:
    """Edits within each policy's current version, and the last commit date of unchanged files."""

    edits: tuple[Edit, ...] = ()
    last_commit: Mapping[str, dt.datetime] = field(default_factory=dict)
    complete: bool = False
    # Each published policy's current version as first committed (when asked for: `published=True`).
    published: tuple[Published, ...] = ()

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


def _version_of(path: str, raw: bytes) -> tuple[int | None, str, str]:
    """(version, status, body) of a policy text, read leniently as history reads old files."""
    meta, body = lenient_document(path, decode_text(raw))
    version = meta.get("version")
    number = version if isinstance(version, int) and not isinstance(version, bool) else None
    return number, str(meta.get("status") or "").strip().lower(), body


def read_revisions(
    corpus: Corpus, history: History, *, cache: Cache | None = None, edits: bool = True, published: bool = False
) -> Revisions:
    """Same-version edits of each policy's current version (unless `edits` is False), and when
    each record file last changed; with `published`, each current version as first committed.

    Without git (or with incomplete history) there is nothing to compare: `complete` is False
    and files are dated by their modification time.
    """
    if not history.complete:
        return Revisions()
    root = corpus.settings.root
    changes = history.changes
    last_commit: dict[str, dt.datetime] = {}
    # (policy path, version, commit, date, old blob, new blob); a new blob of WORKING_COPY is the file on disk.
    steps: list[tuple[str, int, str, dt.datetime | None, str, str]] = []
    working: dict[str, bytes] = {}
    # (policy path, version, the commit that published it) of each current version, to read its first text.
    firsts: list[tuple[str, int, str, git.Commit]] = []
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
        unchanged = git.blob_id(data, last_blob) == last_blob
        if unchanged:
            last_commit[policy.path] = last.commit.date
        if policy.is_draft:
            continue
        current = [v for v in history.versions_of(policy.id) if v.number == policy.version and v.commit]
        if not current:
            continue
        first = current[-1]
        # The commit that published the current version; after a rename, the first commit at this path.
        start = next((i for i in range(len(events) - 1, -1, -1) if events[i].commit.sha == first.commit), None)
        if start is None:
            start = next((i for i, e in enumerate(events) if e.commit.date >= first.published), len(events) - 1)
        run = events[start:]
        # After a deletion the file starts again: compare from there.
        cut = max((i for i, e in enumerate(run) if e.blob is None), default=-1)
        run = run[cut + 1 :]
        if run and run[0].blob is not None:
            firsts.append((policy.path, policy.version, run[0].blob, run[0].commit))
        for before, after in zip(run, run[1:], strict=False):
            if before.blob != after.blob:
                assert before.blob is not None and after.blob is not None
                steps.append(
                    (policy.path, policy.version, after.commit.sha, after.commit.date, before.blob, after.blob)
                )
        if run and not unchanged and run[-1].blob is not None:
            working[policy.path] = data
            steps.append((policy.path, policy.version, WORKING_COPY, None, run[-1].blob, WORKING_COPY))
    for decision in corpus.decisions.values():
        events = changes.get(decision.path)
        if events and events[-1].blob is not None:
            last_commit.setdefault(decision.path, events[-1].commit.date)
    measured = _measure(root, steps, working, cache) if edits else []
    first_texts = _first_texts(root, firsts, cache) if published else ()
    return Revisions(edits=tuple(measured), last_commit=last_commit, complete=True, published=first_texts)


def _first_texts(
    root: Path, firsts: list[tuple[str, int, str, git.Commit]], cache: Cache | None
) -> tuple[Published, ...]:
    """The `effective` date each current version was published with, kept in the cache by blob id."""
    known: dict[str, str] = {}
    for _, _, blob, _ in firsts:
        cached = cache.get("effective", blob) if cache is not None else None
        if isinstance(cached, str):
            known[blob] = cached
    texts = _blobs(root, [blob for _, _, blob, _ in firsts if blob not in known])
    found = []
    for path, version, blob, commit in firsts:
        if blob not in known:
            raw = texts.get(blob)
            if raw is None:
                continue
            effective = old_version(path, decode_text(raw)).effective
            known[blob] = effective.isoformat() if effective else ""
            if cache is not None:
                cache.put("effective", blob, known[blob])
        day = dt.date.fromisoformat(known[blob]) if known[blob] else None
        found.append(Published(path, version, commit.sha, commit.date, day))
    return tuple(found)


def _measure(
    root: Path,
    steps: list[tuple[str, int, str, dt.datetime | None, str, str]],
    working: Mapping[str, bytes],
    cache: Cache | None,
) -> list[Edit]:
    """The share of words each step changed, from the cache or from the two texts."""

    def key(path: str, old: str, new: str) -> str:
        return f"{old}:{new if new != WORKING_COPY else git.blob_id(working[path], old)}"

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


def _blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """The contents of `shas` from one `git cat-file --batch` (missing ones left out)."""
    try:
        return {sha: data for sha, data in zip(shas, git.blobs(root, shas), strict=False) if data is not None}
    except git.GitFailed:
        return {}
