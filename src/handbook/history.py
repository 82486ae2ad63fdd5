"""What git knows about the handbook: each policy's published versions and each decision's statuses.

`read_history` reads the whole repository with one `git log` pass (file changes with their blob
ids, following renames) and one `git cat-file --batch` stream for the blobs, never a process per
file or per commit. Old front matter is read leniently: history never fails on a file that
today's schema would refuse. Without git, in a shallow or partial clone, or before the first
commit, it falls back to the current version of each record and says why in `History.note`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import git
from .errors import HandbookError
from .oldtexts import Texts
from .records import FeedbackChange, PolicyStatus, StatusChange, Version
from .versioning import Lineage, Reader, lineages, midnight, working_version

if TYPE_CHECKING:
    from pathlib import Path

    from .cache import Cache
    from .loading import Corpus

# How to get full history, said wherever history is missing.
CLONE_HINT = (
    "build from a git clone with full history (in CI, check out with `fetch-depth: 0` on GitHub Actions "
    "or `GIT_DEPTH: 0` on GitLab CI)"
)
UNSHALLOW_HINT = (
    "run `git fetch --unshallow` before building, or check out with `fetch-depth: 0` (GitHub Actions) "
    "or `GIT_DEPTH: 0` (GitLab CI)"
)


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
    # Every commit that changed each record file now in the handbook, oldest first, by its path (a
    # rename is a deletion at the old path): what the checks compare edits and dates with.
    changes: Mapping[str, tuple[git.Change, ...]] = field(default_factory=dict)
    # By feedback id, oldest first: the commit that added the file, then each change of status.
    feedback_changes: Mapping[str, tuple[FeedbackChange, ...]] = field(default_factory=dict)

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
    lineages: dict[str, Lineage] = field(default_factory=dict)
    changes: dict[str, list[git.Change]] = field(default_factory=dict)
    texts: Texts = field(default_factory=Texts)


def read_history(corpus: Corpus, *, memo: GitMemo | None = None, cache: Cache | None = None) -> History:
    """The history of every record in `corpus`, from one pass over the git repository.

    Version N of a policy is published by the first commit where its file has `version: N` and a
    status other than draft (that commit's committer date and author); its text is the file at the
    last commit with `version: N`, so editorial edits fold in. Only the first-parent line of the
    checked-out branch counts: a version is published when it lands there, so a merge commit
    publishes what its branch brought. The working copy is the truth for the current version: an
    uncommitted edit replaces that version's text, and an uncommitted new version is added with
    HEAD's commit date (deterministic, never the build clock) and the owner as author.
    Never raises: whatever git cannot give becomes the fallback and `note`. With `cache`, what was
    read of each old text is kept by its blob id, and git gives only the texts a run still needs.
    """
    root = corpus.settings.root
    reason, prefix = _probe(root)
    if reason is not None:
        return fallback_history(corpus, reason)
    found = git.head(root)
    if found is None:
        why = f"the git repository at {root} has no commit yet"
        return fallback_history(corpus, _missing(why, "Commit the handbook."))
    sha, head = found
    if memo is not None and memo.head == (sha, prefix):
        files, by_path = memo.lineages, memo.changes
    else:
        settings = corpus.settings
        folders = (settings.policies_dir, settings.decisions_dir, settings.feedback.feedback_dir)
        try:
            log = git.read_log(root, prefix, folders)
        except git.GitFailed as exc:
            return fallback_history(corpus, _missing(f"`git log` failed ({exc})"))
        files = lineages(log, *(folder.strip("/") for folder in folders))
        by_path = git.by_path(log)
        if memo is not None:
            memo.head, memo.lineages, memo.changes = (sha, prefix), files, by_path
    if not files:
        why = f"no policy or decision under {root} is committed yet"
        return fallback_history(corpus, _missing(why, "Commit them."))
    texts = memo.texts if memo is not None else Texts()
    reader = Reader(corpus, head, texts, keep_blobs=memo is not None, cache=cache)
    try:
        published = reader.read(files)
    except git.GitFailed as exc:
        return fallback_history(corpus, _missing(f"`git cat-file` failed ({exc})"))
    paths = [p.path for p in corpus.policies.values()] + [d.path for d in corpus.decisions.values()]
    paths += [f.path for f in corpus.feedback.values()]
    return History(
        versions={k: v for k, v in sorted(published.versions.items()) if v},
        status_changes=dict(sorted(published.statuses.items())),
        renames=dict(sorted(published.renames.items())),
        warnings=tuple(sorted(published.warnings, key=HandbookError.sort_key)),
        changes={path: tuple(by_path[path]) for path in paths if path in by_path},
        feedback_changes=published.feedback,
    )


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
        # An undated decision (`date: unknown`) has no day to put its status on.
        if decision.date is not None
    }
    return History(
        versions=versions,
        status_changes=changes,
        complete=False,
        note=note,
        feedback_changes=fallback_feedback(corpus),
    )


def fallback_feedback(corpus: Corpus) -> dict[str, tuple[FeedbackChange, ...]]:
    """Each feedback record's status as the file says it, dated the day it was `received`."""
    return {
        record.id: (
            FeedbackChange(
                record.id, record.status.value, midnight(record.received), corpus.owner_name(record.owner), ""
            ),
        )
        for record in corpus.feedback.values()
    }


def _probe(root: Path) -> tuple[str | None, str]:
    """Why this checkout cannot give full history (None when it can), and `root` within the repository."""
    done = git.run(root, "rev-parse", "--is-shallow-repository", "--show-prefix")
    if done is None:
        return _missing("git is not installed", f"Install git and {CLONE_HINT}."), ""
    if done.code != 0:
        problem = done.first_error
        if "not a git repository" in problem:
            why = f"{root} is not a git repository (a copy without .git, such as a tarball or an export)"
            return _missing(why, f"To get version pages, diffs and status timelines, {CLONE_HINT}."), ""
        return _missing(f"git cannot read the repository ({problem})"), ""
    shallow, _, prefix = done.out.partition("\n")
    if shallow.strip() == "true":
        return _missing("this is a shallow clone", f"To get every version, {UNSHALLOW_HINT}.", incomplete=True), ""
    partial = git.git(root, "config", "--get", "extensions.partialClone")
    if partial is not None and partial.strip():
        why = "this is a partial clone without old file contents (`--filter`)"
        fix = "Clone without `--filter` (in GitHub Actions, leave `filter` unset) to get every version."
        return _missing(why, fix, incomplete=True), ""
    return None, prefix.strip()


# -- which version was in force on a day ---------------------------------------------------------

IN_FORCE, NOT_YET, RETIRED, SUPERSEDED, UNKNOWN = "in_force", "not_yet_in_force", "retired", "superseded", "unknown"


@dataclass(frozen=True)
class InForce:
    """Which version of one policy was in force on a day, and in what state the policy was."""

    policy_id: str
    title: str
    day: dt.date
    state: str
    message: str
    version: Version | None = None
    successor: str | None = None


class UnknownPolicy(ValueError):
    """An id that is neither a policy's nor a renamed policy's old one."""


def in_force_on(corpus: Corpus, history: History, day: dt.date, policy_ids: Sequence[str] = ()) -> list[InForce]:
    """For each policy (all published ones by default), the version in force on `day` by its `effective` date.

    Raises UnknownPolicy for an id that is neither a policy nor a renamed one.
    """
    ids: list[str] = []
    for asked in policy_ids:
        current = asked if asked in corpus.policies else history.renames.get(asked)
        if current is None:
            raise UnknownPolicy(asked)
        ids.append(current)
    if not policy_ids:
        ids = [pid for pid in corpus.policies if history.versions.get(pid)]
    return [_answer(corpus, history, day, pid) for pid in dict.fromkeys(ids)]


def _answer(corpus: Corpus, history: History, day: dt.date, pid: str) -> InForce:
    versions = history.versions_of(pid)
    title = corpus.policies[pid].title
    found = history.in_force_on(pid, day)
    if found is None:
        if not versions:
            return InForce(pid, title, day, NOT_YET, "not in force: never published")
        first, starts = versions[0], effective_date(versions[0])
        if not history.complete:
            why = f"unknown: history is not available, and version {first.number} took effect on {starts}"
            return InForce(pid, title, day, UNKNOWN, why)
        if first.number > 1:
            why = (
                f"unknown: version {first.number} took effect on {starts}; earlier versions are not in the git history"
            )
            return InForce(pid, title, day, UNKNOWN, why)
        return InForce(pid, title, day, NOT_YET, f"not yet in force: version {first.number} takes effect on {starts}")
    since = effective_date(found)
    if found.status == PolicyStatus.RETIRED.value:
        return InForce(pid, found.title, day, RETIRED, f"retired by version {found.number}, effective {since}", found)
    # A successor supersedes this policy from the day its first version takes effect.
    successor = corpus.policy_successor.get(pid)
    replaced = history.in_force_on(successor, day) if successor else None
    if successor and replaced is not None:
        message = f"superseded by {successor} (its version {replaced.number}, effective {effective_date(replaced)})"
        return InForce(pid, found.title, day, SUPERSEDED, message, found, successor)
    return InForce(pid, found.title, day, IN_FORCE, f"version {found.number}, in force since {since}", found)
