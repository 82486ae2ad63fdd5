"""Which version of each policy was in force on a date (`handbook as-of`).

The version pages themselves are the site's (`handbook.site.versions`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .history import History, effective_date
from .loading import Corpus
from .records import Version
from .site.paths import Urls, version_src

RETIRED = "retired"

# -- in force on a date -------------------------------------------------------

IN_FORCE, NOT_YET, RETIRED_STATE, SUPERSEDED, UNKNOWN = (
    "in_force",
    "not_yet_in_force",
    "retired",
    "superseded",
    "unknown",
)


@dataclass(frozen=True)
class InForce:
    """Which version of one policy was in force on a day, and where it can be read."""

    policy_id: str
    title: str
    day: dt.date
    state: str
    message: str
    version: Version | None = None
    url: str | None = None
    successor: str | None = None


class UnknownPolicy(ValueError):
    pass


def in_force_on(
    corpus: Corpus, history: History, day: dt.date, policy_ids: Sequence[str] = (), urls: Urls | None = None
) -> list[InForce]:
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
    site = corpus.settings.site_url
    urls = urls or Urls()

    def url(policy_id: str, version: Version) -> str:
        path = urls.page(version_src(policy_id, version.number))
        return f"{site.rstrip('/')}/{path}" if site else path

    return [_answer(corpus, history, day, pid, url) for pid in dict.fromkeys(ids)]


def _answer(corpus: Corpus, history: History, day: dt.date, pid: str, url: Callable[[str, Version], str]) -> InForce:
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
    if found.status == RETIRED:
        message = f"retired by version {found.number}, effective {since}"
        return InForce(pid, found.title, day, RETIRED_STATE, message, found, url(pid, found))
    # A successor supersedes this policy from the day its first version takes effect.
    successor = corpus.policy_successor.get(pid)
    replaced = history.in_force_on(successor, day) if successor else None
    if successor and replaced is not None:
        message = f"superseded by {successor} (its version {replaced.number}, effective {effective_date(replaced)})"
        return InForce(pid, found.title, day, SUPERSEDED, message, found, url(pid, found), successor)
    message = f"version {found.number}, in force since {since}"
    return InForce(pid, found.title, day, IN_FORCE, message, found, url(pid, found))
