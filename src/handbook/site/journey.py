"""A feedback record's journey (when it reached each stage, from git) and the funnel per quarter:
themes received, reviewed, acted on and customers told, with the median days between. Data only."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..checks.feedback import changed_on
from ..history import History
from ..loading import Corpus
from ..records import Feedback, FeedbackChange, FeedbackStatus

# The stages a record's page shows, in order; a declined record's third stage is `declined` and
# it has no `changed` stage.
STAGES = ("received", "reviewing", "planned", "changed", "told")
DECLINED_STAGES = ("received", "reviewing", "declined", "told")
# Statuses a record is finished with: what the customer page may show, and what is "archived" in search.
FINAL = (FeedbackStatus.CHANGED, FeedbackStatus.DECLINED)


def feedback_on(corpus: Corpus) -> bool:
    """Whether the handbook keeps customer feedback: records, or themes set in mkdocs.yml.
    Without either, no feedback page, feed or link is made (the site stays as it was)."""
    return bool(corpus.feedback) or bool(corpus.settings.feedback.themes)


def changes_of(feedback: Feedback, history: History | None) -> tuple[FeedbackChange, ...]:
    """The record's statuses from git, oldest first; without them, its status as the file says,
    dated when the feedback was received."""
    found = history.feedback_changes.get(feedback.id, ()) if history is not None else ()
    if found:
        return found
    moment = dt.datetime(feedback.received.year, feedback.received.month, feedback.received.day, tzinfo=dt.UTC)
    return (FeedbackChange(feedback.id, feedback.status.value, moment, "", ""),)


@dataclass(frozen=True)
class Stage:
    """One stage of a journey: `date` when it was first reached; `passed` when a later stage was
    reached without this one (received -> changed directly); neither: not yet."""

    name: str
    date: dt.date | None
    passed: bool = False

    @property
    def reached(self) -> bool:
        return self.date is not None or self.passed


@dataclass(frozen=True)
class Journey:
    """A record's stages in order, and its status changes from git (a status may come twice)."""

    feedback: Feedback
    stages: tuple[Stage, ...]
    changes: tuple[FeedbackChange, ...]

    def reached(self, name: str) -> dt.date | None:
        return next((s.date for s in self.stages if s.name == name), None)


def current_since(record: Journey) -> dt.date:
    """When the record reached the status it has now (the last time, if it came more than once)."""
    status = record.feedback.status.value
    since = None
    for change in record.changes:
        if change.status != status:
            since = None
        elif since is None:
            since = change.date.date()
    return within(since if since is not None else record.changes[-1].date.date(), record.feedback)


def within(day: dt.date, feedback: Feedback) -> dt.date:
    """A day from git kept between when the feedback was received and when its customers were
    told: git dates a commit, which may come before the theme was received (a record written up
    later) or after its customers were told (records added with their status already final)."""
    day = max(day, feedback.received)
    return min(day, feedback.told.date) if feedback.told is not None else day


def first_reached(changes: Iterable[FeedbackChange], status: str) -> dt.date | None:
    return next((c.date.date() for c in changes if c.status == status), None)


def journey(corpus: Corpus, feedback: Feedback, history: History | None) -> Journey:
    """The record's stages, each dated when git first saw it (kept `within` received and told);
    a record changed now, when `handbook check` reckons the change was made (HB120: git, or the
    policy version or post that made it, if earlier)."""
    changes = changes_of(feedback, history)
    declined = feedback.status is FeedbackStatus.DECLINED
    names = DECLINED_STAGES if declined else STAGES
    dates: dict[str, dt.date | None] = {name: first_reached(changes, name) for name in names}
    # The stage the record is at now counts as reached even if git dates it otherwise.
    current = feedback.status.value
    if dates.get(current) is None and current in dates:
        dates[current] = changes[-1].date.date()
    if feedback.status is FeedbackStatus.CHANGED:
        dates["changed"], _ = changed_on(corpus, history or History(), feedback)
    for name, day in dates.items():
        dates[name] = within(day, feedback) if day is not None else None
    dates["received"] = feedback.received
    dates["told"] = feedback.told.date if feedback.told is not None else None
    latest = max((i for i, name in enumerate(names) if dates[name] is not None), default=0)
    stages = tuple(Stage(name, dates[name], passed=dates[name] is None and i < latest) for i, name in enumerate(names))
    return Journey(feedback, stages, changes)


# -- the funnel ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterFigures:
    """The funnel for the themes received in one quarter: how many were reviewed (left
    `received`), acted on (reached `changed`) and had their customers told (`told` set), and
    the median days from received to changed and from changed to told."""

    year: int
    quarter: int
    received: int
    reviewed: int
    acted_on: int
    told: int
    customers_told: int
    days_to_change: float | None
    days_to_tell: float | None

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def funnel(corpus: Corpus, history: History | None) -> tuple[QuarterFigures, ...]:
    """The funnel per quarter the themes were received in, oldest first, every quarter from the
    first to the last (a quarter without feedback shows as nought)."""
    by_quarter: dict[tuple[int, int], list[Journey]] = {}
    for feedback in corpus.feedback.values():
        by_quarter.setdefault(quarter_of(feedback.received), []).append(journey(corpus, feedback, history))
    if not by_quarter:
        return ()
    first, last = min(by_quarter), max(by_quarter)
    figures = []
    year, quarter = first
    while (year, quarter) <= last:
        figures.append(_figures(year, quarter, by_quarter.get((year, quarter), [])))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return tuple(figures)


def _figures(year: int, quarter: int, journeys: list[Journey]) -> QuarterFigures:
    to_change: list[int] = []
    to_tell: list[int] = []
    reviewed = acted = told = customers = 0
    for j in journeys:
        record = j.feedback
        if record.status is not FeedbackStatus.RECEIVED or any(c.status != "received" for c in j.changes):
            reviewed += 1
        changed = j.reached("changed")
        if changed is not None:
            acted += 1
            to_change.append((changed - record.received).days)
        if record.told is not None:
            told += 1
            customers += record.told.customers or 0
            if changed is not None:
                to_tell.append((record.told.date - changed).days)
    return QuarterFigures(
        year, quarter, len(journeys), reviewed, acted, told, customers, _median(to_change), _median(to_tell)
    )


def _median(days: list[int]) -> float | None:
    return float(statistics.median(days)) if days else None


def days_text(days: float | None) -> str:
    """`12 days`, `12.5 days`, or an en dash when there is nothing to measure."""
    if days is None:
        return "–"
    shown = f"{days:.0f}" if days == int(days) else f"{days:.1f}"
    return f"{shown} day{'' if shown == '1' else 's'}"


def by_status(corpus: Corpus) -> Mapping[FeedbackStatus, tuple[Feedback, ...]]:
    """Every record by its status, in the order of the statuses, newest received first."""
    grouped: dict[FeedbackStatus, tuple[Feedback, ...]] = {}
    for status in FeedbackStatus:
        members = [f for f in corpus.feedback.values() if f.status is status]
        grouped[status] = tuple(sorted(members, key=lambda f: (-f.received.toordinal(), f.id)))
    return grouped
