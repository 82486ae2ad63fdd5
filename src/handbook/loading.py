"""Load a handbook folder into a Corpus: every record typed, every problem reported with its line."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema as s
from .errors import HandbookError
from .frontmatter import Document, parse_mapping, read_document, decode
from .records import Decision, DecisionStatus, Owner, Policy, PolicyStatus, Post
from .settings import Settings

DECISION_NAME = re.compile(r"^(\d{4})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# Material's own page keys, allowed on records and passed through to the theme.
PAGE_KEYS = ("hide", "description")


def policy_fields(settings: Settings) -> tuple[s.Field, ...]:
    return (
        s.Field("title", s.text, required=True),
        s.Field("version", s.whole(1), required=True),
        s.Field("status", PolicyStatus.from_text, required=True),
        s.Field("owner", s.slug, required=True),
        s.Field("effective", s.date, required=True),
        s.Field("reviewed", s.date, required=True),
        s.Field("review_every", s.whole(1), default=settings.review_every),
        s.Field("audience", s.words(s.one_of(settings.audiences, "audience")), required=True),
        s.Field("summary", s.text, required=True),
        s.Field("changes", s.text, required=True),
        s.Field("supersedes", s.slug),
        s.Field("tags", s.words(), default=()),
        s.Field("priority", s.whole(1)),
        s.Field("acknowledge", s.boolean, default=False),
    )


DECISION_FIELDS = (
    s.Field("status", DecisionStatus.from_text, required=True),
    s.Field("date", s.date, required=True),
    s.Field("decision-makers", s.words(), default=()),
    s.Field("consulted", s.words(), default=()),
    s.Field("informed", s.words(), default=()),
    s.Field("supersedes", s.words(s.whole(1)), default=()),
    s.Field("policies", s.words(s.slug), default=()),
    s.Field("tags", s.words(), default=()),
)

OWNER_FIELDS = (
    s.Field("name", s.text, required=True),
    s.Field("email", s.text, required=True),
    s.Field("handle", s.text, required=True),
)


def _post_date(value: Any) -> Any:
    # Material accepts `date: 2024-01-31` or `date: {created: ..., updated: ...}`.
    if isinstance(value, dict):
        if "created" not in value:
            raise ValueError("must be a date, or a mapping with 'created'")
        return s.date(value["created"])
    return s.date(value)


POST_FIELDS = (
    s.Field("date", _post_date, required=True),
    s.Field("authors", s.words(), default=()),
    s.Field("categories", s.words(), default=()),
    s.Field("draft", s.boolean, default=False),
    s.Field("slug", s.text),
    s.Field("title", s.text),
)
# Material's other post keys, checked by Material itself.
POST_PASSTHROUGH = ("description", "links", "readtime", "pin", "hide", "search", "tags", "template", "comments", "status", "icon", "subtitle")


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

    @property
    def errors(self) -> tuple[HandbookError, ...]:
        return tuple(sorted(self.load_errors + self.integrity_errors, key=HandbookError.sort_key))

    @property
    def published_policies(self) -> tuple[Policy, ...]:
        return tuple(p for p in self.policies.values() if not p.is_draft)

    @property
    def drafts(self) -> tuple[Policy, ...]:
        return tuple(p for p in self.policies.values() if p.is_draft)

    @property
    def published_posts(self) -> tuple[Post, ...]:
        return tuple(p for p in self.posts if not p.draft)

    def is_retired(self, policy: Policy) -> bool:
        return policy.status is PolicyStatus.RETIRED or policy.id in self.policy_successor

    def decision_status(self, decision: Decision) -> DecisionStatus:
        if decision.number in self.decision_successor:
            return DecisionStatus.SUPERSEDED
        return decision.status

    def decisions_for_policy(self, policy_id: str) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions.values() if policy_id in d.policies)

    def owner_name(self, owner_id: str) -> str:
        owner = self.owners.get(owner_id)
        return owner.name if owner else owner_id


def load_corpus(settings: Settings) -> Corpus:
    """Read every record under the handbook's root; never raises for bad input."""
    errors: list[HandbookError] = []
    owners = _collect(errors, lambda: load_owners(settings)) or {}
    policies: dict[str, Policy] = {}
    for path in _markdown_files(settings, settings.policies_dir, errors, flat=True):
        policy = _collect(errors, lambda: load_policy(settings, path))
        if policy is not None:
            policies[policy.id] = policy
    decisions: dict[int, Decision] = {}
    by_number: dict[int, list[Decision]] = defaultdict(list)
    for path in _markdown_files(settings, settings.decisions_dir, errors, flat=True):
        decision = _collect(errors, lambda: load_decision(settings, path))
        if decision is not None:
            by_number[decision.number].append(decision)
            decisions.setdefault(decision.number, decision)
    posts = []
    for path in _markdown_files(settings, settings.posts_dir, errors, flat=False):
        post = _collect(errors, lambda: load_post(settings, path))
        if post is not None:
            posts.append(post)
    posts.sort(key=lambda p: (p.date, p.path), reverse=True)
    integrity: list[HandbookError] = []
    for number, same in by_number.items():
        if len(same) > 1:
            names = ", ".join(d.path for d in same)
            for d in same:
                integrity.append(
                    HandbookError(d.path, 1, f"decision number {number:04d} is used by {len(same)} files ({names}): renumber all but one", "HB204")
                )
    policy_successor = _link_policies(policies, owners, integrity)
    decision_successor = _link_decisions(decisions, policies, integrity)
    return Corpus(
        settings=settings,
        owners=owners,
        policies=dict(sorted(policies.items())),
        decisions=dict(sorted(decisions.items())),
        posts=tuple(posts),
        load_errors=tuple(sorted(errors, key=HandbookError.sort_key)),
        integrity_errors=tuple(sorted(integrity, key=HandbookError.sort_key)),
        policy_successor=policy_successor,
        decision_successor=decision_successor,
    )


def _collect(errors: list[HandbookError], load: Callable[[], Any]) -> Any:
    try:
        return load()
    except HandbookError as exc:
        errors.append(exc)
    except s.LoadErrors as exc:
        errors.extend(exc.errors)
    return None


def _markdown_files(settings: Settings, folder: str, errors: list[HandbookError], *, flat: bool) -> Iterator[str]:
    """Repository-relative paths of the folder's Markdown files; anything unsafe becomes an error."""
    base = settings.path(folder)
    if not base.is_dir():
        return
    root = settings.root.resolve()
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(settings.root).as_posix()
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root):
                errors.append(HandbookError(rel, 1, "symlink points outside the repository: refused; copy the file in instead"))
                continue
        if path.suffix.lower() not in (".md", ".markdown") or not path.is_file():
            continue
        if path.suffix != ".md":
            errors.append(HandbookError(rel, 1, f"Markdown files must end in '.md': rename it to '{path.stem}.md'"))
            continue
        if flat and path.parent != base:
            errors.append(HandbookError(rel, 1, f"{folder}/ is flat: move this file directly into {folder}/"))
            continue
        yield rel


def _check_name(path: str, stem: str, example: str) -> None:
    if not s.SLUG.match(stem):
        raise HandbookError(
            path, 1, f"file name {stem!r} is not a lowercase id (letters, digits, hyphens): rename it like '{example}'"
        )


def load_owners(settings: Settings) -> dict[str, Owner]:
    path = settings.owners_file
    full = settings.path(path)
    if not full.is_file():
        return {}
    meta, lines = parse_mapping(path, decode(path, full.read_bytes()))
    owners: dict[str, Owner] = {}
    errors: list[HandbookError] = []
    for owner_id, entry in meta.items():
        line = lines[owner_id]
        if not s.SLUG.match(owner_id):
            errors.append(HandbookError(path, line, f"owner id {owner_id!r} is not a lowercase id like 'support-ops'"))
            continue
        if not isinstance(entry, dict):
            errors.append(HandbookError(path, line, f"owner '{owner_id}' must have 'name', 'email' and 'handle' lines"))
            continue
        doc = Document(path, entry, "", line, {k: line + 1 + i for i, k in enumerate(entry)})
        try:
            values = s.validate(doc, OWNER_FIELDS)
        except s.LoadErrors as exc:
            errors.extend(exc.errors)
            continue
        owners[owner_id] = Owner(id=owner_id, line=line, **values)
    if errors:
        raise s.LoadErrors(errors)
    return owners


def load_policy(settings: Settings, path: str) -> Policy:
    stem = Path(path).stem
    _check_name(path, stem, "refunds-and-returns.md")
    doc = read_document(settings.root, path)
    values = s.validate(doc, policy_fields(settings), passthrough=PAGE_KEYS)
    return Policy(id=stem, path=path, body=doc.body, body_line=doc.body_line, lines=dict(doc.key_lines), **values)


def load_decision(settings: Settings, path: str) -> Decision:
    stem = Path(path).stem
    match = DECISION_NAME.match(stem)
    if not match:
        raise HandbookError(
            path, 1, f"decision file name {stem!r} must be a 4-digit number and a lowercase slug, like '0007-use-shared-inbox.md'"
        )
    doc = read_document(settings.root, path)
    values = s.validate(doc, DECISION_FIELDS, passthrough=PAGE_KEYS)
    title, _ = first_heading(doc)
    if title is None:
        raise HandbookError(path, doc.body_line, "no title: start the text with a '# Title' heading")
    return Decision(
        number=int(match.group(1)), id=stem, path=path, title=title, body=doc.body, body_line=doc.body_line,
        lines=dict(doc.key_lines), **values,
    )


def load_post(settings: Settings, path: str) -> Post:
    doc = read_document(settings.root, path)
    values = s.validate(doc, POST_FIELDS, passthrough=POST_PASSTHROUGH)
    title = values.pop("title") or first_heading(doc)[0]
    if title is None:
        raise HandbookError(path, doc.body_line, "no title: start the post with a '# Title' heading")
    return Post(path=path, title=title, lines=dict(doc.key_lines), **values)


def first_heading(doc: Document) -> tuple[str | None, int]:
    """The first level-one heading outside code blocks, and its file line."""
    fenced = False
    for offset, line in enumerate(doc.body.split("\n")):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (m := _HEADING.match(line)):
            return m.group(1), doc.body_line + offset
    return None, doc.body_line


def _link_policies(policies: Mapping[str, Policy], owners: Mapping[str, Owner], errors: list[HandbookError]) -> dict[str, str]:
    successor: dict[str, str] = {}
    for policy in policies.values():
        if policy.owner not in owners:
            errors.append(
                HandbookError(policy.path, policy.line_of("owner"), f"owner '{policy.owner}' is not in the owners registry: add it to policies/owners.yml or pick an owner listed there", "HB103")
            )
        old_id = policy.supersedes
        if old_id is None:
            continue
        line = policy.line_of("supersedes")
        old = policies.get(old_id)
        if old is None:
            errors.append(HandbookError(policy.path, line, f"'supersedes' names policy '{old_id}', which does not exist: give the id (file name without .md) of an existing policy", "HB301"))
        elif old.is_draft:
            errors.append(HandbookError(policy.path, line, f"'supersedes' names '{old_id}', a draft: a draft was never published and cannot be superseded", "HB303"))
        elif old_id in successor:
            errors.append(HandbookError(policy.path, line, f"policy '{old_id}' is already superseded by '{successor[old_id]}': a policy has one successor", "HB304"))
        elif not policy.is_draft:
            successor[old_id] = policy.id
    for cycle in _cycles({p.id: [p.supersedes] if p.supersedes else [] for p in policies.values()}):
        first = policies[cycle[0]]
        chain = " -> ".join(cycle + [cycle[0]])
        errors.append(HandbookError(first.path, first.line_of("supersedes"), f"supersede cycle: {chain}: a policy cannot (even indirectly) supersede itself", "HB302"))
    return successor


def _link_decisions(decisions: Mapping[int, Decision], policies: Mapping[str, Policy], errors: list[HandbookError]) -> dict[int, int]:
    successor: dict[int, int] = {}
    for decision in decisions.values():
        line = decision.line_of("supersedes")
        for number in decision.supersedes:
            if number not in decisions:
                errors.append(HandbookError(decision.path, line, f"'supersedes' names decision {number:04d}, which does not exist", "HB301"))
            elif number in successor and successor[number] != decision.number:
                errors.append(HandbookError(decision.path, line, f"decision {number:04d} is already superseded by {successor[number]:04d}: a decision has one successor", "HB304"))
            elif decision.status is not DecisionStatus.REJECTED:
                successor[number] = decision.number
        for policy_id in decision.policies:
            policy = policies.get(policy_id)
            if policy is None or policy.is_draft:
                what = "does not exist" if policy is None else "is a draft"
                errors.append(HandbookError(decision.path, decision.line_of("policies"), f"'policies' names '{policy_id}', which {what}: list published policy ids only", "HB305"))
    for decision in decisions.values():
        if decision.status is DecisionStatus.SUPERSEDED and decision.number not in successor:
            errors.append(
                HandbookError(decision.path, decision.line_of("status"), f"status is 'superseded' but no decision supersedes {decision.label}: add 'supersedes: [{decision.number}]' to its successor", "HB306")
            )
    graph = {str(d.number): [str(n) for n in d.supersedes if n in decisions] for d in decisions.values()}
    for cycle in _cycles(graph):
        first = decisions[int(cycle[0])]
        chain = " -> ".join(f"{int(n):04d}" for n in cycle + [cycle[0]])
        errors.append(HandbookError(first.path, first.line_of("supersedes"), f"supersede cycle: {chain}: a decision cannot (even indirectly) supersede itself", "HB302"))
    return successor


def _cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of records that supersede each other in a ring."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        # Tarjan's algorithm, iterative so that long supersede chains cannot overflow the stack.
        work = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            nxt = next((e for e in edges if e in graph), None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph[node]:
                    groups.append(group)
    cycles = []
    for group in groups:
        members = set(group)
        cycle = [min(group)]
        while True:
            nxt = min(e for e in graph[cycle[-1]] if e in members)
            if nxt == cycle[0] or nxt in cycle:
                break
            cycle.append(nxt)
        cycles.append(cycle)
    return sorted(cycles)
