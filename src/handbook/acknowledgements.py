"""Acknowledgements kept in git: `acknowledgements/<person>.yml`, one line per policy version read.

One file per person, so parallel merge requests never touch the same file. A person has
acknowledged a policy when they acknowledged its current version: a new version (a substantive
change) asks everyone again, an editorial edit (same version) does not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import schema as s
from .errors import HandbookError
from .frontmatter import Document, build, compose, decode, node_line
from .loading import Corpus
from .records import Policy
from .settings import Settings

FOLDER = "acknowledgements"
ENTRY_FIELDS = (
    s.Field("policy", s.slug, required=True),
    s.Field("version", s.whole(1), required=True),
    s.Field("date", s.date, required=True),
)
PERSON_FIELDS = (
    s.Field("name", s.line),
    s.Field("acknowledged", lambda v: v, default=None),
)


@dataclass(frozen=True)
class Acknowledgement:
    """One line of a person's file: they read and accepted this version of the policy."""

    person: str
    policy: str
    version: int
    date: dt.date
    path: str
    line: int


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    path: str
    acknowledged: tuple[Acknowledgement, ...] = ()

    def latest(self, policy_id: str) -> Acknowledgement | None:
        """Their acknowledgement of the highest version of the policy, if any."""
        mine = [a for a in self.acknowledged if a.policy == policy_id]
        return max(mine, key=lambda a: (a.version, a.date)) if mine else None


def load_person(settings: Settings, path: str) -> Person:
    """Read one `acknowledgements/<person>.yml`; raise LoadErrors listing every bad line."""
    person_id = Path(path).stem
    if not s.SLUG.match(person_id):
        raise HandbookError(path, 1, f"file name {person_id!r} is not a lowercase id like 'jdoe': rename it", "HB401")
    text = decode(path, settings.path(path).read_bytes())
    node = compose(path, text)
    if node is None:
        return Person(person_id, person_id, path)
    if not isinstance(node, yaml.MappingNode):
        raise HandbookError(
            path,
            node_line(text, node),
            "must hold 'name:' and 'acknowledged:' with one '- {policy: ..., version: ..., date: ...}' line each",
            "HB401",
        )
    # The list is read entry by entry, so that one bad entry is reported at its own line.
    seq = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "acknowledged"), None)
    head = yaml.MappingNode(node.tag, [(k, v) for k, v in node.value if v is not seq])
    lines = {str(k.value): node_line(text, k) for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    values = s.validate(Document(path, _values(path, text, head), "", 1, lines), PERSON_FIELDS)
    name = values["name"] or person_id
    if seq is None or isinstance(seq, yaml.ScalarNode) and seq.tag == "tag:yaml.org,2002:null":
        return Person(person_id, name, path)
    if not isinstance(seq, yaml.SequenceNode):
        raise HandbookError(
            path,
            lines["acknowledged"],
            "'acknowledged' must be a list: one '- {policy: ..., version: ..., date: ...}' line each",
            "HB401",
        )
    errors: list[HandbookError] = []
    entries = []
    for item_node in seq.value:
        line = node_line(text, item_node)
        try:
            item = _values(path, text, item_node)
        except HandbookError as exc:
            errors.append(exc)
            continue
        if not isinstance(item, dict):
            errors.append(
                HandbookError(path, line, "each entry must be '{policy: ..., version: ..., date: ...}'", "HB401")
            )
            continue
        try:
            entry = s.validate(Document(path, item, "", line, {k: line for k in item}), ENTRY_FIELDS)
        except s.LoadErrors as exc:
            errors.extend(HandbookError(e.path, e.line, e.message, "HB401") for e in exc.errors)
            continue
        entries.append(Acknowledgement(person_id, entry["policy"], entry["version"], entry["date"], path, line))
    if errors:
        raise s.LoadErrors(errors)
    return Person(person_id, name, path, tuple(entries))


def _values(path: str, text: str, node: yaml.Node) -> Any:
    """A node's values as the front-matter reader builds them; a value it cannot build is HB401."""
    try:
        return build(path, text, node)
    except HandbookError as exc:
        raise HandbookError(exc.path, exc.line, exc.message, "HB401") from None


def load_acknowledgements(settings: Settings) -> tuple[dict[str, Person], list[HandbookError]]:
    """Everyone's acknowledgements by person id, and the problems that kept files or lines out."""
    folder = settings.path(FOLDER)
    people: dict[str, Person] = {}
    errors: list[HandbookError] = []
    if not folder.is_dir():
        return people, errors
    for full in sorted(folder.iterdir()):
        rel = f"{FOLDER}/{full.name}"
        if full.name.startswith(".") or not full.is_file():
            continue
        if full.suffix not in (".yml", ".yaml"):
            errors.append(
                HandbookError(
                    rel, 1, "acknowledgements/ holds one '<person>.yml' file per person: move this file out", "HB401"
                )
            )
            continue
        try:
            person = load_person(settings, rel)
        except HandbookError as exc:
            errors.append(exc)
            continue
        except s.LoadErrors as exc:
            errors.extend(exc.errors)
            continue
        people[person.id] = person
    return people, errors


def acknowledgement_problems(corpus: Corpus) -> list[HandbookError]:
    """For `handbook check`: unreadable files (HB401) and lines naming no such policy or version (HB402)."""
    people, errors = load_acknowledgements(corpus.settings)
    for person in people.values():
        for ack in person.acknowledged:
            policy = corpus.policies.get(ack.policy)
            if policy is None:
                errors.append(
                    HandbookError(
                        ack.path,
                        ack.line,
                        f"policy '{ack.policy}' does not exist: give the id (file name without .md) of a policy",
                        "HB402",
                    )
                )
            elif ack.version > policy.version:
                errors.append(
                    HandbookError(
                        ack.path,
                        ack.line,
                        f"'{ack.policy}' has no version {ack.version} yet (it is at version {policy.version})",
                        "HB402",
                    )
                )
    return sorted(errors, key=HandbookError.sort_key)


def requiring(corpus: Corpus) -> list[Policy]:
    """Published policies in force that ask staff to acknowledge them, by title."""
    return sorted(
        (p for p in corpus.published_policies if p.acknowledge and not corpus.is_retired(p)),
        key=lambda p: p.title.lower(),
    )
