"""How the commits of record files become published versions and statuses.

Each record file is followed through renames (a lineage); its texts, fed oldest first, publish
a policy's versions or a decision's statuses. The working copy is the truth for the current
version. `History` (history.py) is what comes out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from . import git
from .errors import HandbookError
from .oldtexts import OldTexts, Peek, Texts
from .records import FeedbackChange, StatusChange, Version
from .schema import DECISION_NAME, SLUG

if TYPE_CHECKING:
    from .cache import Cache
    from .loading import Corpus

DRAFT = "draft"


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


@dataclass
class Lineage:
    """One record file followed through renames: the path it has now and every change to it."""

    path: str
    changes: list[git.Change] = field(default_factory=list)
    old_paths: list[str] = field(default_factory=list)
    alive: bool = True


def lineages(
    log: Iterable[git.Change], policies_dir: str, decisions_dir: str, feedback_dir: str | None = None
) -> dict[str, Lineage]:
    """The record files of the log by their latest path; a file renamed with `git mv` keeps its lineage."""

    def is_record(path: str) -> bool:
        folder, _, name = path.rpartition("/")
        stem = name[:-3]
        return (
            (folder == policies_dir and SLUG.match(stem) is not None)
            or (folder == decisions_dir and DECISION_NAME.match(stem) is not None)
            or (folder == feedback_dir and SLUG.match(stem) is not None)
        )

    found: dict[str, Lineage] = {}
    for change in log:
        old = change.renamed_from
        if old is not None and is_record(old):
            if is_record(change.path) and change.blob is not None:
                lineage = found.pop(old, None) or Lineage(old)
                lineage.old_paths.append(old)
                lineage.path, lineage.alive = change.path, True
                lineage.changes.append(replace(change, renamed_from=None))
                found[change.path] = lineage
                continue
            _add(found, git.Change(change.commit, old, None))
        if is_record(change.path):
            _add(found, change if old is None else replace(change, renamed_from=None))
    return found


def _add(found: dict[str, Lineage], change: git.Change) -> None:
    lineage = found.get(change.path)
    if lineage is None:
        if change.blob is None:
            return
        lineage = found[change.path] = Lineage(change.path)
    lineage.changes.append(change)
    lineage.alive = change.blob is not None


@dataclass
class _Pending:
    """A version being read: published by `first`, its text from the latest commit with its number
    (`raw`, None when what history counts came from the cache: git gives it at the end)."""

    number: int
    first: git.Commit
    blob: str
    raw: bytes | None
    path: str
    read_at: git.Commit  # the commit of the text: git gives texts fastest in commit order


class _PolicyVersions:
    """Turns one policy file's changes, fed oldest first, into its versions and warnings."""

    def __init__(self, policy_id: str, lineage: Lineage, texts: OldTexts) -> None:
        self.policy_id = policy_id
        self.lineage = lineage
        self.texts = texts
        self.done: list[Version | _Pending] = []  # a _Pending until git gives its text
        self.pending: _Pending | None = None
        self.blobs: dict[int, tuple[str, git.Commit]] = {}  # each version's latest blob, and who published it
        self.run: int | None = None  # the number of the latest counted commit; None after a deletion
        self.warnings: list[HandbookError] = []

    def deleted(self) -> None:
        self.run = None

    def add(self, change: git.Change, peeked: Peek, raw: bytes | None) -> None:
        number, status, line = peeked
        if number is None or status is None or status == DRAFT:
            return  # drafts never count, nor a file whose version or status cannot be read
        assert change.blob is not None
        entering = self.run != number
        self.run = number
        highest = self.pending.number if self.pending else None
        if highest is None or number > highest:
            # A new version: the one before it can no longer change.
            if self.pending is not None:
                self.done.append(self._version(self.pending) or self.pending)
            self.pending = _Pending(number, change.commit, change.blob, raw, change.path, change.commit)
            self.blobs[number] = (change.blob, change.commit)
            return
        assert self.pending is not None
        if number == highest and not entering:
            self.pending.blob, self.pending.raw, self.pending.path = change.blob, raw, change.path  # an editorial edit
            self.pending.read_at = change.commit
            self.blobs[number] = (change.blob, self.pending.first)
            return
        known = self.blobs.get(number)
        if known is not None and known[0] == change.blob:
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
            latest, commit = self.pending.first, change.commit
            message = (
                f"commit {commit.sha[:7]} ({commit.date.date()}) {reason}: version {highest} was published in commit "
                f"{latest.sha[:7]} ({latest.date.date()}); number the next version {highest + 1}"
            )
            self.warnings.append(HandbookError(self.lineage.path, line, message, code))

    def _version(self, pending: _Pending) -> Version | None:
        """The version `pending` reads as, or None while its text is still to come from git."""
        texts, number, blob, path, first = self.texts, pending.number, pending.blob, pending.path, pending.first
        if pending.raw is None:
            return texts.known_version(self.policy_id, number, blob, path, first)
        return texts.version(self.policy_id, number, blob, path, first, pending.raw)

    def waiting(self) -> list[_Pending]:
        """The versions whose text git is still to give."""
        pending = [p for p in self.done if isinstance(p, _Pending)]
        if self.pending is not None and self._version(self.pending) is None:
            pending.append(self.pending)
        return pending

    def versions(self) -> list[Version]:
        """Once every text has come (`waiting` is empty)."""
        made = [v if isinstance(v, Version) else self._version(v) for v in self.done]
        made += [self._version(self.pending)] if self.pending else []
        assert all(v is not None for v in made), "versions() before every text was read"
        return [v for v in made if v is not None]


class _Statuses:
    """Turns one decision's or feedback record's changes, fed oldest first, into its status changes."""

    def __init__(self, key: int | str, lineage: Lineage) -> None:
        self.key = key  # a decision's number, or a feedback record's id
        self.lineage = lineage
        self.changes: list[tuple[str, git.Commit]] = []

    def deleted(self) -> None:
        pass

    def add(self, change: git.Change, peeked: Peek, raw: bytes | None) -> None:
        _, status, _ = peeked
        if status and (not self.changes or self.changes[-1][0] != status):
            self.changes.append((status, change.commit))


@dataclass(frozen=True)
class Published:
    """What the lineages say was published: versions by policy id, statuses by decision number,
    old policy ids of renamed policies, and the warnings found on the way."""

    versions: dict[str, tuple[Version, ...]]
    statuses: dict[int, tuple[StatusChange, ...]]
    renames: dict[str, str]
    warnings: list[HandbookError]
    feedback: dict[str, tuple[FeedbackChange, ...]] = field(default_factory=dict)


class _Gone(Exception):
    """A blob an earlier run read is missing from the repository now (a shallow or pruned clone)."""


class Reader:
    """Reads the versions and statuses of a corpus's records from their lineages and the working copy."""

    def __init__(
        self, corpus: Corpus, head: dt.datetime, texts: Texts, *, keep_blobs: bool, cache: Cache | None = None
    ) -> None:
        self.corpus = corpus
        self.head = head
        self.root = corpus.settings.root
        self.texts = texts
        # Under `serve` the same blobs are asked for again and again; a single build asks once.
        self.keep_blobs = keep_blobs
        self.cache = cache

    def read(self, found: Mapping[str, Lineage]) -> Published:
        """Raises git.GitFailed when git cannot give the blobs."""
        try:
            return self._read(found, OldTexts(self.texts, self.cache))
        except _Gone:  # a text read in an earlier run that git no longer has: read as if never read
            return self._read(found, OldTexts(Texts()))

    def _read(self, found: Mapping[str, Lineage], old_texts: OldTexts) -> Published:
        corpus = self.corpus
        policy_at = {p.path: p.id for p in corpus.policies.values()}
        decision_at = {d.path: d.number for d in corpus.decisions.values()}
        # Only files that exist now: a deleted record has no page for its history to go on.
        policies: list[_PolicyVersions] = []
        feedback_at = {f.path: f.id for f in corpus.feedback.values()}
        decisions: list[_Statuses] = []
        feedback: list[_Statuses] = []
        for lineage in found.values():
            if lineage.alive and lineage.path in policy_at:
                policies.append(_PolicyVersions(policy_at[lineage.path], lineage, old_texts))
            elif lineage.alive and lineage.path in decision_at:
                decisions.append(_Statuses(decision_at[lineage.path], lineage))
            elif lineage.alive and lineage.path in feedback_at:
                feedback.append(_Statuses(feedback_at[lineage.path], lineage))
        readers: list[_PolicyVersions | _Statuses] = [*policies, *decisions, *feedback]
        # Blobs in commit order: that is how packs store them, and reading them so is fastest.
        changes = sorted(((c.commit.index, c, r) for r in readers for c in r.lineage.changes), key=lambda c: c[0])
        # What an earlier run read of a text is kept by its blob id: git gives only the others.
        peeks = [
            old_texts.known_peek(c.path, c.blob, want_version=isinstance(r, _PolicyVersions)) if c.blob else None
            for _, c, r in changes
        ]
        texts = self._blobs(
            [c.blob for (_, c, _), p in zip(changes, peeks, strict=True) if c.blob is not None and p is None]
        )
        with contextlib.closing(texts):
            for (_, change, reader), peeked in zip(changes, peeks, strict=True):
                if change.blob is None:
                    reader.deleted()
                elif peeked is not None:
                    reader.add(change, peeked, None)
                elif (raw := next(texts)) is not None:
                    want = isinstance(reader, _PolicyVersions)
                    reader.add(change, old_texts.peek(change.path, change.blob, raw, want_version=want), raw)
        # The texts of the versions whose text was not read above.
        waiting = sorted((p for reader in policies for p in reader.waiting()), key=lambda p: p.read_at.index)
        with contextlib.closing(self._blobs([p.blob for p in waiting])) as texts:
            for pending, raw in zip(waiting, texts, strict=True):
                if raw is None:
                    raise _Gone(pending.blob)
                pending.raw = raw
        versions: dict[str, tuple[Version, ...]] = {}
        statuses: dict[int, tuple[StatusChange, ...]] = {}
        warnings: list[HandbookError] = []
        renames: dict[str, str] = {}
        policies_dir = corpus.settings.policies_dir.strip("/")
        for reader in policies:
            versions[reader.policy_id], found_warnings = self._policy(reader)
            warnings += found_warnings
            for old in reader.lineage.old_paths:
                folder, _, name = old.rpartition("/")
                old_id = name[:-3]
                if folder == policies_dir and old_id != reader.policy_id and old_id not in corpus.policies:
                    renames[old_id] = reader.policy_id
        for decision_reader in decisions:
            assert isinstance(decision_reader.key, int)
            statuses[decision_reader.key] = self._decision(decision_reader)
        # Records not committed yet: the working copy is their only version, dated at HEAD.
        for policy in corpus.policies.values():
            if policy.id not in versions and not policy.is_draft:
                versions[policy.id] = (working_version(corpus, policy.id, self.head),)
        for number, decision in corpus.decisions.items():
            if number not in statuses:
                makers = ", ".join(decision.decision_makers)
                statuses[number] = (StatusChange(number, decision.status.value, self.head, makers, ""),)
        return Published(versions, statuses, renames, warnings, self._feedback(feedback))

    def _blobs(self, shas: list[str]) -> Generator[bytes | None, None, None]:
        """`git.blobs`, asking git only for those not read before."""
        if not self.keep_blobs:
            yield from git.blobs(self.root, shas)
            return
        known = self.texts.blobs
        missing = list(dict.fromkeys(sha for sha in shas if sha not in known))
        with contextlib.closing(git.blobs(self.root, missing)) as read:
            known.update(zip(missing, read, strict=True))
        for sha in shas:
            yield known[sha]

    def _working_copy(self, path: str, last_blob: str | None) -> bytes | None:
        """The file on disk if it differs from its last commit, else None."""
        try:
            data = (self.root / path).read_bytes()
        except OSError:
            return None
        if last_blob is not None and git.blob_id(data, last_blob) == last_blob:
            return None
        return data

    def _policy(self, reader: _PolicyVersions) -> tuple[tuple[Version, ...], list[HandbookError]]:
        versions = reader.versions()
        warnings = reader.warnings
        policy = self.corpus.policies[reader.policy_id]
        if policy.is_draft or self._working_copy(policy.path, reader.lineage.changes[-1].blob) is None:
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

    def _decision(self, reader: _Statuses) -> tuple[StatusChange, ...]:
        number = int(reader.key)
        changes = [StatusChange(number, status, c.date, c.author, c.sha) for status, c in reader.changes]
        decision = self.corpus.decisions[number]
        current = decision.status.value
        if (not changes or changes[-1].status != current) and self._working_copy(
            decision.path, reader.lineage.changes[-1].blob
        ) is not None:
            changes.append(StatusChange(number, current, self.head, ", ".join(decision.decision_makers), ""))
        return tuple(changes)

    def _feedback(self, readers: list[_Statuses]) -> dict[str, tuple[FeedbackChange, ...]]:
        """Each feedback record's statuses; the working copy's status, if uncommitted, dated at HEAD."""
        found: dict[str, tuple[FeedbackChange, ...]] = {}
        for reader in readers:
            record = self.corpus.feedback[str(reader.key)]
            changes = [FeedbackChange(record.id, status, c.date, c.author, c.sha) for status, c in reader.changes]
            current = record.status.value
            if (not changes or changes[-1].status != current) and self._working_copy(
                record.path, reader.lineage.changes[-1].blob
            ) is not None:
                changes.append(FeedbackChange(record.id, current, self.head, self.corpus.owner_name(record.owner), ""))
            found[record.id] = tuple(changes)
        for record in self.corpus.feedback.values():
            if record.id not in found:
                owner = self.corpus.owner_name(record.owner)
                found[record.id] = (FeedbackChange(record.id, record.status.value, self.head, owner, ""),)
        return dict(sorted(found.items()))
