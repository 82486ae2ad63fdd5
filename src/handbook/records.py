"""The handbook's records: policies, decisions, posts and owners, as typed frozen values."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class _Vocabulary(StrEnum):
    """A closed list of words: `from_text` accepts exactly one of them, or says which exist."""

    @classmethod
    def from_text(cls, text: object) -> _Vocabulary:
        for member in cls:
            if member.value == text:
                return member
        allowed = ", ".join(m.value for m in cls)
        hint = ""
        if isinstance(text, str) and text.strip().lower() in {m.value for m in cls}:
            hint = f" (did you mean '{text.strip().lower()}'? it is lowercase)"
        raise ValueError(f"has unknown value {text!r}{hint}: use one of {allowed}")


class PolicyStatus(_Vocabulary):
    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class DecisionStatus(_Vocabulary):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DEPRECATED = "deprecated"
    SUPERSEDED = "superseded"


# The decisions that still shape the work: the others are history.
CURRENT_DECISIONS = (DecisionStatus.ACCEPTED, DecisionStatus.PROPOSED)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# The one owner every handbook knows without a registry entry: a policy nobody has taken on yet
# (an import's default). It builds and shows as "Unassigned"; `handbook check` asks for a real owner.
UNASSIGNED = "unassigned"
UNASSIGNED_NAME = "Unassigned"


@dataclass(frozen=True)
class Owner:
    """An entry of the owners registry: who answers for a policy and approves its changes."""

    id: str
    name: str
    email: str
    handle: str
    line: int = 1


@dataclass(frozen=True)
class Policy:
    """One policy file, as its current text says."""

    id: str
    path: str
    title: str
    version: int
    status: PolicyStatus
    owner: str
    effective: dt.date
    reviewed: dt.date
    review_every: int
    audience: tuple[str, ...]
    summary: str
    changes: str
    body: str
    body_line: int
    supersedes: str | None = None
    tags: tuple[str, ...] = ()
    priority: int | None = None
    acknowledge: bool = False
    # Old addresses (an imported site's) that redirect to this policy's page.
    redirect_from: tuple[str, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def review_due(self) -> dt.date:
        return add_months(self.reviewed, self.review_every)

    @property
    def is_draft(self) -> bool:
        return self.status is PolicyStatus.DRAFT

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass(frozen=True)
class Decision:
    """One decision record (MADR 4 compatible); its number comes from the file name."""

    number: int
    id: str
    path: str
    title: str
    status: DecisionStatus
    # None: `date: unknown`, an imported record whose source gave no date (shown so, sorted last).
    date: dt.date | None
    body: str
    body_line: int
    decision_makers: tuple[str, ...] = ()
    consulted: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()
    supersedes: tuple[int, ...] = ()
    policies: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.number:04d}"

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass(frozen=True)
class Post:
    """A blog post under docs/blog/posts/, as far as the handbook needs to know it."""

    path: str
    title: str
    date: dt.date
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    draft: bool = False
    slug: str | None = None
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    # The text after the front matter, and the paths its `links:` (Material's related links) names.
    body: str = field(default="", compare=False, repr=False)
    body_line: int = field(default=1, compare=False, repr=False)
    links: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass(frozen=True)
class Version:
    """One published version of a policy, as git recorded it (or, without git, as the file is now)."""

    policy_id: str
    number: int
    title: str
    status: str
    effective: dt.date | None
    summary: str
    changes: str
    body: str
    # The first commit with this version number published it; its text is the last such commit's.
    published: dt.datetime
    author: str
    commit: str
    path: str


@dataclass(frozen=True)
class StatusChange:
    """A decision's status as of a commit: the decision page's timeline and a feed item each."""

    decision_number: int
    status: str
    date: dt.datetime
    author: str
    commit: str


class FeedbackStatus(_Vocabulary):
    RECEIVED = "received"
    REVIEWING = "reviewing"
    PLANNED = "planned"
    CHANGED = "changed"
    DECLINED = "declined"


@dataclass(frozen=True)
class Told:
    """When and how the customers who asked to hear back were told what came of their feedback."""

    date: dt.date
    customers: int | None  # how many were told; None when not stated
    how: str  # "e-mail from Customer Experience"; "" when not stated


@dataclass(frozen=True)
class PolicyRef:
    """A policy a piece of feedback changed, and the version the change produced: `refunds-and-returns@3`."""

    id: str
    version: int | None

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}@{self.version}"


@dataclass(frozen=True)
class Feedback:
    """One feedback theme: what customers told us, who owns it, what we did and whether they were told."""

    id: str
    path: str
    title: str
    theme: str
    owner: str
    received: dt.date
    raised: int
    channels: tuple[str, ...]
    status: FeedbackStatus
    outcome: str
    body: str
    body_line: int
    decisions: tuple[int, ...] = ()
    policies: tuple[PolicyRef, ...] = ()
    # Post paths under the posts folder, as written: "the-returns-form-you-could-not-find.md".
    posts: tuple[str, ...] = ()
    told: Told | None = None
    public: bool = False
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass(frozen=True)
class FeedbackChange:
    """A feedback record's status as of a commit: the record's journey and a feed item each."""

    feedback_id: str
    status: str
    date: dt.datetime
    author: str
    commit: str
