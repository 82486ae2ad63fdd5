"""Feedback records (`feedback/<id>.md`): their schema, the loader, and what they name resolved
against the rest of the handbook (themes, owners, decisions, policies and their versions, posts)."""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from . import schema as s
from .errors import HandbookError
from .folders import as_id, file_stem
from .frontmatter import read_document
from .records import Decision, Feedback, FeedbackStatus, Owner, Policy, PolicyRef, Post, Told
from .settings import Settings

# The register's own page is feedback/index: no record may take that id.
RESERVED_IDS = ("index",)
_POLICY_REF = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)(?:@(\d+))?$")
# A post's path under the posts folder: folders allowed, never '..' or an absolute path.
_POST_PATH = re.compile(r"^(?:\w[\w.-]*/)*\w[\w.-]*\.md$")
TOLD_KEYS = ("date", "customers", "how")
# Statuses a `told` belongs with: customers are told of a change, or of why there was none.
TOLD_STATUSES = (FeedbackStatus.CHANGED, FeedbackStatus.DECLINED)


def policy_ref(value: Any) -> PolicyRef:
    word = s.text(value)
    match = _POLICY_REF.match(word)
    if match is None:
        raise ValueError(
            f"must be a policy id, optionally with the version the change produced, like 'refunds-and-returns@3', "
            f"got {word!r}"
        )
    version = int(match.group(2)) if match.group(2) else None
    if version == 0:
        raise ValueError(f"names version 0 of '{match.group(1)}': versions start at 1")
    return PolicyRef(match.group(1), version)


def post_path(value: Any) -> str:
    word = s.text(value)
    if not _POST_PATH.match(word) or ".." in word.split("/"):
        raise ValueError(
            f"must be a post's file under the blog's posts folder, like 'the-returns-form-you-could-not-find.md', "
            f"got {word!r}"
        )
    return word


def told(value: Any) -> Told:
    if not isinstance(value, dict):
        raise ValueError(
            "must be a mapping like {date: 2026-08-20, customers: 140, how: e-mail from Customer Experience}"
        )
    unknown = [key for key in value if key not in TOLD_KEYS]
    if unknown:
        raise ValueError(f"has unknown key {str(unknown[0])!r}: use {', '.join(TOLD_KEYS)}")
    if "date" not in value:
        raise ValueError("needs a 'date': when the customers were told, as YYYY-MM-DD")
    parts: list[tuple[str, s.Convert]] = [("date", s.record_date), ("customers", s.whole(0)), ("how", s.line)]
    found: dict[str, Any] = {}
    for key, convert in parts:
        if value.get(key) is None:
            continue
        try:
            found[key] = convert(value[key])
        except ValueError as exc:
            raise ValueError(f"'{key}' {exc}") from None
    return Told(found["date"], found.get("customers"), found.get("how", ""))


FEEDBACK_FIELDS = (
    s.Field("title", s.line, required=True),
    s.Field("theme", s.line, required=True),
    s.Field("owner", s.id_like("customer-experience"), required=True),
    s.Field("received", s.record_date, required=True),
    s.Field("raised", s.whole(1), required=True),
    s.Field("channels", s.words(), default=()),
    s.Field("status", FeedbackStatus.from_text, required=True),
    s.Field("outcome", s.text, default=""),
    s.Field("decisions", s.words(s.whole(1)), default=()),
    s.Field("policies", s.words(policy_ref), default=()),
    s.Field("posts", s.words(post_path), default=()),
    s.Field("told", told),
    s.Field("public", s.boolean, default=False),
)


def check_feedback_name(path: str, taken: Collection[str]) -> None:
    """A feedback file's name is its id: a lowercase id, and not the register's own page."""
    stem = file_stem(path)
    if path.endswith(".md") and s.SLUG.match(stem):
        if stem in RESERVED_IDS:
            raise HandbookError(
                path, 1, f"'{stem}' is the feedback register's own page: rename the file after what customers said"
            )
        return
    wanted = as_id(stem) or "returns-form-hard-to-find"
    problem = (
        "Markdown files must end in '.md'"
        if not path.endswith(".md")
        else f"file name {stem!r} is not a lowercase id (letters, digits, hyphens)"
    )
    if wanted in taken:
        raise HandbookError(path, 1, f"{problem}, and feedback '{wanted}' already exists: keep one of the two files")
    raise HandbookError(path, 1, f"{problem}: rename it to '{wanted}.md'")


def load_feedback(settings: Settings, path: str, *, taken: Collection[str] = ()) -> Feedback:
    """One feedback file as a record; `taken` holds the ids of the well-named files."""
    check_feedback_name(path, taken)
    doc = read_document(settings.root, path)
    values = s.validate(doc, FEEDBACK_FIELDS, passthrough=s.PAGE_KEYS)
    status: FeedbackStatus = values["status"]
    if status in TOLD_STATUSES and not values["outcome"]:
        what = "what changed" if status is FeedbackStatus.CHANGED else "why it was declined"
        raise HandbookError(
            path, doc.line_of("status"), f"status '{status.value}' needs an 'outcome': say {what} in a sentence or two"
        )
    return Feedback(
        id=file_stem(path), path=path, body=doc.body, body_line=doc.body_line, lines=dict(doc.key_lines), **values
    )


@dataclass(frozen=True)
class Named:
    """What a feedback record may name, as the rest of the handbook holds it."""

    settings: Settings
    owners: Mapping[str, Owner]
    owner_ids: set[str] | None  # every id the registry names; None when it cannot be read
    policies: Mapping[str, Policy]
    decisions: Mapping[int, Decision]
    posts: Collection[Post]
    # Records whose files failed to load: their own errors say so, so they are not reported again.
    unloaded: Collection[str] = ()

    @cached_property
    def posts_by_path(self) -> dict[str, Post]:
        return {post.path: post for post in self.posts}


def link_feedback(feedback: Mapping[str, Feedback], named: Named) -> list[HandbookError]:
    """HB103 (an owner not in the registry), HB320 (a theme, decision, policy, version or post that
    does not exist, or is not published) and HB321 (`told` on a record with nothing to tell)."""
    errors: list[HandbookError] = []
    for record in feedback.values():
        errors += _names(record, named)
        if record.told is not None and record.status not in TOLD_STATUSES:
            errors.append(
                HandbookError(
                    record.path,
                    record.line_of("told"),
                    f"'told' is set but the status is '{record.status.value}': customers are told once it is "
                    "'changed' or 'declined'; set the status, or remove 'told'",
                    "HB321",
                )
            )
    return errors


def _names(record: Feedback, named: Named) -> list[HandbookError]:
    settings = named.settings
    problems: list[tuple[str, str, str]] = []  # (key, message, code)
    themes = settings.feedback.themes
    if record.theme not in themes:
        listed = ", ".join(themes) if themes else "none yet"
        problems.append(
            (
                "theme",
                f"theme '{record.theme}' is not one of the feedback themes in mkdocs.yml ({listed}): use one of them, "
                "or add it under 'feedback: themes:' in the handbook plugin's options",
                "HB320",
            )
        )
    if named.owner_ids is not None and record.owner not in named.owners and record.owner not in named.owner_ids:
        close = difflib.get_close_matches(record.owner, sorted(named.owners), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        message = (
            f"owner '{record.owner}' is not in the owners registry: "
            f"{hint}add it to {settings.owners_file} or pick an owner listed there"
        )
        problems.append(("owner", message, "HB103"))
    for number in record.decisions:
        if number not in named.decisions and f"decision:{number}" not in named.unloaded:
            problems.append(
                ("decisions", f"decision {number:04d} does not exist: give the number of a decision record", "HB320")
            )
    for ref in record.policies:
        problems += [("policies", message, "HB320") for message in _policy_problems(ref, named)]
    for name in record.posts:
        full = posixpath.join(settings.posts_dir, name)
        post = named.posts_by_path.get(full)
        if full in named.unloaded:
            continue
        if post is None:
            problems.append(("posts", f"post '{name}' is not a post: there is no {full}; fix the name", "HB320"))
        elif post.draft:
            problems.append(("posts", f"post '{name}' is a draft: name it once it is published", "HB320"))
    return [HandbookError(record.path, record.line_of(key), message, code) for key, message, code in problems]


def _policy_problems(ref: PolicyRef, named: Named) -> list[str]:
    policy = named.policies.get(ref.id)
    if policy is None:
        if f"policy:{ref.id}" in named.unloaded:
            return []
        return [f"policy '{ref.id}' does not exist: give a policy's id (its file name without .md)"]
    if policy.is_draft:
        return [f"policy '{ref.id}' is a draft: name it once it is published"]
    if ref.version is not None and ref.version > policy.version:
        return [
            f"policy '{ref}' names version {ref.version}, but '{ref.id}' is at version {policy.version}: "
            "give a version it has had"
        ]
    return []
