"""Feedback that has waited too long: customers not told of a change (HB107) and feedback not yet
reviewed (HB108). Both depend on today's date, so only `handbook check` reports them."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..records import Feedback, FeedbackStatus
from .findings import Finding, finding

if TYPE_CHECKING:
    from ..history import History
    from ..loading import Corpus


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def dated(corpus: Corpus, history: History, *, today: dt.date) -> list[Finding]:
    return [*not_told(corpus, history, today=today), *not_reviewed(corpus, today=today)]


def changed_on(corpus: Corpus, history: History, record: Feedback) -> tuple[dt.date, str]:
    """The day the change was made, and what says so: the earliest of the day git saw the status
    become `changed` (without git: the day it was received), the day a policy version it names
    took effect, and the day of a post that announced it."""
    changes = history.feedback_changes.get(record.id, ())
    last = changes[-1] if changes else None
    if history.complete and last is not None and last.status == FeedbackStatus.CHANGED.value:
        candidates = [(last.date.date(), "its status became 'changed'")]
    else:  # without git, the record itself is all there is
        candidates = [(record.received, "it was received, and git does not say when it changed")]
    for ref in record.policies:
        policy = corpus.policies.get(ref.id)
        if ref.version is None or policy is None:
            continue
        if ref.version == policy.version:
            candidates.append((policy.effective, f"{ref} took effect"))
            continue
        version = next((v for v in history.versions_of(ref.id) if v.number == ref.version), None)
        if version is not None and version.effective is not None:
            candidates.append((version.effective, f"{ref} took effect"))
    posts = {post.path: post for post in corpus.posts}
    for name in record.posts:
        post = posts.get(posixpath.join(corpus.settings.posts_dir, name))
        if post is not None:
            candidates.append((post.date, f"the post {name} announced it"))
    return min(candidates, key=lambda c: c[0])


def not_told(corpus: Corpus, history: History, *, today: dt.date) -> Iterator[Finding]:
    """HB107: `changed`, and no `told`, more than `tell_within_days` after the change was made."""
    within = corpus.settings.feedback.tell_within_days
    for record in corpus.feedback.values():
        if record.status is not FeedbackStatus.CHANGED or record.told is not None:
            continue
        day, why = changed_on(corpus, history, record)
        due = day + dt.timedelta(days=within)
        if due >= today:
            continue
        yield finding(
            record.path,
            record.line_of("status"),
            "HB107",
            f"customers not told: the change was made on {day.isoformat()} ({why}), and the customers who asked "
            f"to hear back were due to be told by {due.isoformat()}, {_days((today - due).days)} ago (within "
            f"{_days(within)}): tell them, then set 'told' to when and how",
        )


def not_reviewed(corpus: Corpus, *, today: dt.date) -> Iterator[Finding]:
    """HB108: still `received` more than `review_within_days` after it was received."""
    within = corpus.settings.feedback.review_within_days
    for record in corpus.feedback.values():
        if record.status is not FeedbackStatus.RECEIVED:
            continue
        due = record.received + dt.timedelta(days=within)
        if due >= today:
            continue
        owner = corpus.owner_name(record.owner)
        yield finding(
            record.path,
            record.line_of("status"),
            "HB108",
            f"not reviewed: received on {record.received.isoformat()}, {_days((today - record.received).days)} "
            f"ago, and still 'received' (a first review is due within {_days(within)}): review it with its "
            f"owner ({owner}) and set 'status'",
        )
