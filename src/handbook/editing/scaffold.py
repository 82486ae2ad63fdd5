"""New records with valid front matter: a policy, a decision numbered past every branch, a post."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import schema as s
from ..configfile import read_yaml
from ..feedback import FEEDBACK_FIELDS, RESERVED_IDS
from ..loading import first_heading
from ..numbering import next_decision_number, used_decision_numbers
from ..owners import load_owners
from ..postschema import POST_PASSTHROUGH, post_fields
from ..records import UNASSIGNED, DecisionStatus, FeedbackStatus, PolicyStatus
from ..schema import DECISION_FIELDS, policy_fields
from ..settings import Settings
from . import Refused
from .writing import check_loads, front_matter

MAX_SLUG = 60


# -- names --------------------------------------------------------------------
def slugify(title: str, *, limit: int = MAX_SLUG) -> str:
    """`Refunds & Returns (UK)` -> `refunds-returns-uk`: ASCII, lowercase, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit]
        slug = slug.rsplit("-", 1)[0] if "-" in slug else slug
    return slug


# -- new records ----------------------------------------------------------------
POLICY_BODY = """\
## Purpose

TODO: why this policy exists, in two or three sentences.

## Scope

TODO: who and what it covers.

## Policy

TODO: the rules, one short paragraph or bullet each.
"""


DECISION_BODY = """\
## Context and Problem Statement

TODO: the context and the problem, in two or three sentences; end with the question to decide.

## Considered Options

* TODO: option 1
* TODO: option 2

## Decision Outcome

Chosen option: "TODO", because TODO.

### Consequences

* Good, because TODO
* Bad, because TODO
"""


POST_BODY = """\
TODO: the first paragraph is the excerpt shown on the blog's index.

<!-- more -->

TODO: the rest of the post.
"""


FEEDBACK_BODY = """\
## What customers told us

TODO: what they said, in their words, and what it cost them. No names, contact details or order
numbers: those stay in the support tool.

## Discussion

TODO: what was considered at the review, and by whom.
"""


@dataclass(frozen=True)
class NewRecord:
    """A file to create: where, and its whole text."""

    path: str
    text: str


def new_policy(
    settings: Settings,
    title: str,
    *,
    owner: str,
    today: dt.date,
    policy_id: str | None = None,
    audience: Sequence[str] = (),
    summary: str | None = None,
) -> NewRecord:
    owners = load_owners(settings)
    if owners and owner not in owners and owner != UNASSIGNED:
        raise ValueError(
            f"owner '{owner}' is not in {settings.owners_file}: use one of {', '.join(sorted(owners))}, "
            f"or '{UNASSIGNED}' until someone takes it on"
        )
    policy_id = policy_id or slugify(title)
    if not s.SLUG.match(policy_id or ""):
        raise ValueError(
            f"cannot make a file name from the title {title!r}: give one with --id, like 'refunds-and-returns'"
        )
    audience = list(audience) or [_default_audience(settings)]
    for name in audience:
        if name not in settings.audiences:
            raise ValueError(
                f"audience '{name}' is not one of {', '.join(settings.audiences)} (mkdocs.yml's audiences)"
            )
    meta = {
        "title": title.strip(),
        "version": 1,
        "status": PolicyStatus.DRAFT.value,
        "owner": owner,
        "effective": today,
        "reviewed": today,
        "audience": audience,
        "summary": summary or "TODO: one sentence saying what this policy is for.",
        "changes": "First version.",
    }
    text = front_matter(meta) + POLICY_BODY
    path = f"{settings.policies_dir.rstrip('/')}/{policy_id}.md"
    check_loads(path, text, policy_fields(settings))
    return NewRecord(path, text)


def _default_audience(settings: Settings) -> str:
    return "all-staff" if "all-staff" in settings.audiences else settings.audiences[0]


def new_decision(
    settings: Settings,
    title: str,
    *,
    today: dt.date,
    decision_makers: Sequence[str] = (),
    number: int | None = None,
    slug: str | None = None,
) -> NewRecord:
    slug = slug or slugify(title)
    if not s.SLUG.match(slug or ""):
        raise ValueError(
            f"cannot make a file name from the title {title!r}: give one with --slug, like 'use-a-shared-inbox'"
        )
    if number is None:
        number = next_decision_number(settings)
    elif number in used_decision_numbers(settings):
        raise Refused(
            f"decision number {number:04d} is already used here or on another branch: leave out --number to get a "
            "free one"
        )
    meta: dict[str, Any] = {"status": DecisionStatus.PROPOSED.value, "date": today}
    if decision_makers:
        meta["decision-makers"] = list(decision_makers)
    text = front_matter(meta) + f"# {title.strip()}\n\n" + DECISION_BODY
    path = f"{settings.decisions_dir.rstrip('/')}/{number:04d}-{slug}.md"
    doc = check_loads(path, text, DECISION_FIELDS)
    if first_heading(doc)[0] is None:
        raise ValueError(f"the title {title!r} cannot be a Markdown heading")
    return NewRecord(path, text)


def blog_authors(settings: Settings) -> dict[str, str] | None:
    """Author ids and names from Material's `.authors.yml` beside the posts, or None without one.

    Read with the bounds `handbook check` reads it with; a file it refuses raises HandbookError."""
    path = posixpath.join(posixpath.dirname(settings.posts_dir.rstrip("/")), ".authors.yml")
    if not settings.path(path).is_file():
        return None
    data = read_yaml(settings.root, path).data
    authors = data.get("authors") if isinstance(data, dict) else None
    if not isinstance(authors, dict):
        return {}
    return {str(k): str(v.get("name", k)) if isinstance(v, dict) else str(k) for k, v in authors.items()}


def new_post(
    settings: Settings,
    title: str,
    *,
    today: dt.date,
    authors: Sequence[str] = (),
    categories: Sequence[str] = (),
    slug: str | None = None,
) -> NewRecord:
    known = blog_authors(settings)
    if known is not None:
        unknown = [a for a in authors if a not in known]
        if unknown:
            raise ValueError(
                f"author '{unknown[0]}' is not in {settings.posts_dir.rsplit('/', 1)[0]}/.authors.yml: use one of "
                f"{', '.join(sorted(known))}"
            )
    slug = slug or slugify(title)
    if not s.SLUG.match(slug or ""):
        raise ValueError(f"cannot make a file name from the title {title!r}: give one with --slug")
    meta: dict[str, Any] = {"date": today}
    if authors:
        meta["authors"] = list(authors)
    if categories:
        meta["categories"] = list(categories)
    meta["draft"] = True
    text = front_matter(meta) + f"# {title.strip()}\n\n" + POST_BODY
    path = f"{settings.posts_dir.rstrip('/')}/{slug}.md"
    check_loads(path, text, post_fields(settings), passthrough=POST_PASSTHROUGH)
    return NewRecord(path, text)


def new_feedback(
    settings: Settings,
    title: str,
    *,
    theme: str,
    owner: str,
    today: dt.date,
    feedback_id: str | None = None,
    raised: int = 1,
    channels: Sequence[str] = (),
) -> NewRecord:
    """A feedback record, status `received` today: feedback/<id>.md."""
    themes = settings.feedback.themes
    if not themes:
        raise ValueError(
            "mkdocs.yml lists no feedback themes: add 'feedback: {themes: [...]}' under the handbook plugin"
        )
    if theme not in themes:
        raise ValueError(f"theme '{theme}' is not one of {', '.join(themes)} (from mkdocs.yml)")
    owners = load_owners(settings)
    if owners and owner not in owners:
        raise ValueError(f"owner '{owner}' is not in {settings.owners_file}: use one of {', '.join(sorted(owners))}")
    feedback_id = feedback_id or slugify(title)
    if not s.SLUG.match(feedback_id or "") or feedback_id in RESERVED_IDS:
        raise ValueError(
            f"cannot make a file name from the title {title!r}: give one with --id, like 'returns-form-hard-to-find'"
        )
    meta: dict[str, Any] = {
        "title": title.strip(),
        "theme": theme,
        "owner": owner,
        "received": today,
        "raised": raised,
        "channels": list(channels) or None,
        "status": FeedbackStatus.RECEIVED.value,
        "public": False,
    }
    text = front_matter(meta) + FEEDBACK_BODY
    path = f"{settings.feedback.feedback_dir.rstrip('/')}/{feedback_id}.md"
    check_loads(path, text, FEEDBACK_FIELDS)
    return NewRecord(path, text)


def write_new(settings: Settings, record: NewRecord) -> Path:
    """Create the file; never overwrite one (the check and the create are one system call)."""
    target = settings.path(record.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as f:
            f.write(record.text)
    except FileExistsError:
        raise Refused(f"{record.path} already exists: not overwritten; choose another title or --id/--slug") from None
    return target
