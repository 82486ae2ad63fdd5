"""Load a handbook folder into a Corpus: every record typed, every problem reported with its line."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, TypeVar

from . import postschema
from . import schema as s
from .errors import HandbookError
from .feedback import Named, link_feedback, load_feedback
from .folders import (
    as_id,
    check_decision_name,
    check_policy_name,
    decision_name,
    file_stem,
    is_policy_name,
    markdown_files,
)
from .frontmatter import Document, read_document
from .linking import link, links_outside
from .owners import read_owners
from .records import (
    UNASSIGNED,
    UNASSIGNED_NAME,
    Decision,
    DecisionStatus,
    Feedback,
    Owner,
    Policy,
    PolicyStatus,
    Post,
)
from .settings import Settings

if TYPE_CHECKING:
    from .cache import Cache

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Corpus:
    """Every record of a handbook, the errors that kept files out, and the links between records."""

    settings: Settings
    owners: Mapping[str, Owner]
    policies: Mapping[str, Policy]
    decisions: Mapping[int, Decision]
    posts: tuple[Post, ...]
    load_errors: tuple[HandbookError, ...] = ()
    integrity_errors: tuple[HandbookError, ...] = ()
    # Derived both ways from `supersedes`: the record that replaced each superseded one.
    policy_successor: Mapping[str, str] = field(default_factory=dict)
    decision_successor: Mapping[int, int] = field(default_factory=dict)
    # Feedback themes by id, sorted by id.
    feedback: Mapping[str, Feedback] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[HandbookError, ...]:
        return tuple(sorted(self.load_errors + self.integrity_errors, key=HandbookError.sort_key))

    # Worked out once: page makers and checks ask for these once per record.
    @cached_property
    def published_policies(self) -> tuple[Policy, ...]:
        return tuple(p for p in self.policies.values() if not p.is_draft)

    @cached_property
    def drafts(self) -> tuple[Policy, ...]:
        return tuple(p for p in self.policies.values() if p.is_draft)

    @cached_property
    def published_posts(self) -> tuple[Post, ...]:
        return tuple(p for p in self.posts if not p.draft)

    def is_retired(self, policy: Policy) -> bool:
        return policy.status is PolicyStatus.RETIRED or policy.id in self.policy_successor

    def decision_status(self, decision: Decision) -> DecisionStatus:
        if decision.number in self.decision_successor:
            return DecisionStatus.SUPERSEDED
        return decision.status

    # The records naming a policy or a decision, in the corpus' order.
    def decisions_for_policy(self, policy_id: str) -> tuple[Decision, ...]:
        return self._decisions_by_policy.get(policy_id, ())

    def feedback_for_policy(self, policy_id: str) -> tuple[Feedback, ...]:
        return self._feedback_by_policy.get(policy_id, ())

    def feedback_for_decision(self, number: int) -> tuple[Feedback, ...]:
        return self._feedback_by_decision.get(number, ())

    @cached_property
    def _decisions_by_policy(self) -> Mapping[str, tuple[Decision, ...]]:
        return _index((d, d.policies) for d in self.decisions.values())

    @cached_property
    def _feedback_by_policy(self) -> Mapping[str, tuple[Feedback, ...]]:
        return _index((f, [ref.id for ref in f.policies]) for f in self.feedback.values())

    @cached_property
    def _feedback_by_decision(self) -> Mapping[int, tuple[Feedback, ...]]:
        return _index((f, f.decisions) for f in self.feedback.values())

    def owner_name(self, owner_id: str) -> str:
        owner = self.owners.get(owner_id)
        if owner is None and owner_id == UNASSIGNED:
            return UNASSIGNED_NAME
        return owner.name if owner else owner_id


def _index(pairs: Iterable[tuple[R, Iterable[K]]]) -> dict[K, tuple[R, ...]]:
    """Each key with the records naming it, in order, each record once."""
    found: dict[K, list[R]] = defaultdict(list)
    for record, keys in pairs:
        for key in dict.fromkeys(keys):
            found[key].append(record)
    return {key: tuple(records) for key, records in found.items()}


def load_corpus(settings: Settings, *, cache: Cache | None = None) -> Corpus:
    """Read every record under the handbook's root; never raises for bad input.

    With a `cache`, a file whose bytes have not changed since an earlier run is not parsed again.
    """
    errors: list[HandbookError] = []
    owners, named = read_owners(settings, errors)
    policy_files = list(markdown_files(settings, settings.policies_dir, errors, flat=True))
    policy_ids = {file_stem(p): p for p in policy_files if is_policy_name(p)}
    policies: dict[str, Policy] = {}
    # Files that failed to load: records naming them are not also reported, their own error says it.
    unloaded_policies: set[str] = set()
    for path in policy_files:
        load = partial(load_policy, settings, path, taken=policy_ids)
        policy = _collect(errors, partial(_read, cache, settings, path, errors, load))
        if policy is None:
            unloaded_policies.update({file_stem(path), as_id(file_stem(path))})
        else:
            policies[policy.id] = policy
    decision_files = list(markdown_files(settings, settings.decisions_dir, errors, flat=True))
    decision_names = {p: m for p in decision_files if (m := decision_name(p))}
    decisions: dict[int, Decision] = {}
    by_number: dict[int, list[Decision]] = defaultdict(list)
    unloaded_decisions: set[int] = set()
    for path in decision_files:
        load_one = partial(load_decision, settings, path, taken=decision_names)
        decision = _collect(errors, partial(_read, cache, settings, path, errors, load_one))
        if decision is None:
            digits = re.match(r"\D*(\d+)", file_stem(path))
            unloaded_decisions.add(int(digits.group(1)) if digits else -1)
        else:
            by_number[decision.number].append(decision)
            decisions.setdefault(decision.number, decision)
    posts = []
    unloaded = {f"policy:{name}" for name in unloaded_policies} | {f"decision:{n}" for n in unloaded_decisions}
    for path in markdown_files(settings, settings.posts_dir, errors, flat=False):
        post = _collect(errors, partial(_read, cache, settings, path, errors, partial(load_post, settings, path)))
        if post is not None:
            posts.append(post)
        else:
            unloaded.add(path)
    feedback: dict[str, Feedback] = {}
    feedback_files = list(markdown_files(settings, settings.feedback.feedback_dir, errors, flat=True))
    feedback_ids = {file_stem(p) for p in feedback_files if is_policy_name(p)}  # the well-named ones
    for path in feedback_files:
        load_one_feedback = partial(load_feedback, settings, path, taken=feedback_ids)
        record = _collect(errors, partial(_read, cache, settings, path, errors, load_one_feedback))
        if record is not None:
            feedback[record.id] = record
    posts.sort(key=lambda p: (p.date, p.path), reverse=True)
    free = max(decision_names.values(), default=(0, ""))[0] + 1
    links = link(
        policies,
        by_number,
        owners,
        named,
        unloaded_policies,
        unloaded_decisions,
        owners_file=settings.owners_file,
        next_number=free,
    )
    named_by_feedback = Named(settings, owners, named, policies, decisions, posts, unloaded)
    links.errors.extend(link_feedback(feedback, named_by_feedback))
    return Corpus(
        settings=settings,
        owners=owners,
        policies=dict(sorted(policies.items())),
        decisions=dict(sorted(decisions.items())),
        posts=tuple(posts),
        # Once each: a symlinked folder holding both the owners registry and the policies is one error.
        load_errors=tuple(sorted({(e.sort_key(), e.code): e for e in errors}.values(), key=HandbookError.sort_key)),
        integrity_errors=tuple(sorted(links.errors, key=HandbookError.sort_key)),
        policy_successor=links.policy_successor,
        decision_successor=links.decision_successor,
        feedback=dict(sorted(feedback.items())),
    )


def _read(
    cache: Cache | None, settings: Settings, path: str, errors: list[HandbookError], load: Callable[[], Any]
) -> Any:
    """A record, adding the problems inside its text to `errors`; from `cache` if the file is unchanged."""

    def fresh() -> tuple[Any, list[HandbookError]]:
        record = load()
        body = getattr(record, "body", None)
        return record, links_outside(record.path, body, record.body_line) if body is not None else []

    record, problems = fresh() if cache is None else cache.record(settings.root, path, fresh)
    errors.extend(problems)
    return record


def _collect(errors: list[HandbookError], load: Callable[[], Any]) -> Any:
    try:
        return load()
    except HandbookError as exc:
        errors.append(exc)
    except s.LoadErrors as exc:
        errors.extend(exc.errors)
    return None


def load_policy(settings: Settings, path: str, *, taken: Mapping[str, str] | None = None) -> Policy:
    """One policy file as a record; `taken` (id -> path) names the files already holding each id."""
    check_policy_name(path, taken or {})
    doc = read_document(settings.root, path)
    values = s.validate(doc, s.policy_fields(settings), passthrough=s.PAGE_KEYS)
    policy = Policy(
        id=file_stem(path), path=path, body=doc.body, body_line=doc.body_line, lines=dict(doc.key_lines), **values
    )
    try:
        policy.review_due  # noqa: B018  (computed to see that it is a date at all)
    except (ValueError, OverflowError):
        every = f"{policy.review_every} month{'s' if policy.review_every != 1 else ''}"
        raise HandbookError(
            path,
            policy.line_of("reviewed"),
            f"the next review ({policy.reviewed.isoformat()} plus {every}) falls after 9999-12-31, the last date "
            "the handbook can show: set 'reviewed' to the date of the last review",
        ) from None
    return policy


def load_decision(settings: Settings, path: str, *, taken: Mapping[str, tuple[int, str]] | None = None) -> Decision:
    """One decision file as a record; `taken` (path -> number, slug) names the well-named files."""
    number, _ = check_decision_name(path, taken or {})
    doc = read_document(settings.root, path)
    values = s.validate(doc, s.DECISION_FIELDS, passthrough=s.PAGE_KEYS)
    title, title_line = first_heading(doc)
    if title is None:
        raise HandbookError(path, _body_or_last_line(doc), "no title: start the text with a '# Title' heading")
    if problem := s.control_problem(title, one_line=True):
        raise HandbookError(path, title_line, f"the title {problem}")
    return Decision(
        number=number,
        id=file_stem(path),
        path=path,
        title=title,
        body=doc.body,
        body_line=doc.body_line,
        lines=dict(doc.key_lines),
        **values,
    )


def load_post(settings: Settings, path: str) -> Post:
    doc = read_document(settings.root, path)
    problems = _characters_feeds_refuse(doc)
    try:
        values = s.validate(doc, postschema.post_fields(settings), passthrough=postschema.POST_PASSTHROUGH)
    except s.LoadErrors as exc:
        raise s.LoadErrors(exc.errors + problems) from None
    if problems:
        raise s.LoadErrors(problems)
    for key in postschema.POST_KEYS_FOR_MATERIAL:
        values.pop(key)
    title = values.pop("title") or first_heading(doc)[0]
    if title is None:
        raise HandbookError(path, _body_or_last_line(doc), "no title: start the post with a '# Title' heading")
    links = tuple(postschema.related_links(doc.meta.get("links")))
    return Post(
        path=path, title=title, lines=dict(doc.key_lines), body=doc.body, body_line=doc.body_line, links=links, **values
    )


# What XML 1.0 cannot carry: a post's title and excerpt go into the blog's feeds as they are.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WHY = "(a feed cannot carry it)"


def _characters_feeds_refuse(doc: Document) -> list[HandbookError]:
    """Control characters in a post's front matter values (YAML escapes like "\\v") and text.
    The fields the schema converts refuse them themselves (`schema.control_problem`)."""
    problems = []
    validated = {field.name for field in postschema.POST_FIELDS}
    for key, value in doc.meta.items():
        if key in validated:
            continue
        if found := next(filter(None, map(_NOT_IN_XML.search, _strings(value))), None):
            message = f"'{key}' holds the control character {_code(found)}: delete it {_WHY}"
            problems.append(HandbookError(doc.path, doc.line_of(key), message))
    if _NOT_IN_XML.search(doc.body):
        for offset, line in enumerate(doc.body.split("\n")):
            if found := _NOT_IN_XML.search(line):
                message = f"control character {_code(found)} at column {found.start() + 1}: delete it {_WHY}"
                problems.append(HandbookError(doc.path, doc.body_line + offset, message))
    return problems


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)


def _code(found: re.Match[str]) -> str:
    return f"U+{ord(found.group()):04X}"


def _body_or_last_line(doc: Document) -> int:
    # A file that ends at its closing '---' has no body line to point at: point at the fence.
    return doc.body_line if doc.body else doc.body_line - 1


def first_heading(doc: Document) -> tuple[str | None, int]:
    """The first level-one heading outside code blocks, and its file line."""
    fenced = False
    for offset, line in enumerate(doc.body.split("\n")):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (m := _HEADING.match(line)):
            return m.group(1), doc.body_line + offset
    return None, doc.body_line
