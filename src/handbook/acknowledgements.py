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
from .frontmatter import Document, compose, decode
from .loading import Corpus
from .records import Policy
from .scaffold import Refused, yaml_value
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
            node.start_mark.line + 1,
            "must hold 'name:' and 'acknowledged:' with one '- {policy: ..., version: ..., date: ...}' line each",
            "HB401",
        )
    data: Any = yaml.constructor.SafeConstructor().construct_document(node)
    lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    values = s.validate(Document(path, data, "", 1, lines), PERSON_FIELDS)
    items = values["acknowledged"]
    if items is None:
        return Person(person_id, values["name"] or person_id, path)
    seq = next(v for k, v in node.value if k.value == "acknowledged")
    if not isinstance(items, list) or not isinstance(seq, yaml.SequenceNode):
        raise HandbookError(
            path,
            lines["acknowledged"],
            "'acknowledged' must be a list: one '- {policy: ..., version: ..., date: ...}' line each",
            "HB401",
        )
    errors: list[HandbookError] = []
    entries = []
    for item, item_node in zip(items, seq.value, strict=True):
        line = item_node.start_mark.line + 1
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
    return Person(person_id, values["name"] or person_id, path, tuple(entries))


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


# -- `handbook ack` -----------------------------------------------------------------
HEADER = (
    "# Policies {name} has read and accepted, one line per version; `handbook ack POLICY --as {person}` adds a line.\n"
)


@dataclass(frozen=True)
class AckResult:
    path: str
    policy: Policy
    added: bool


def acknowledge(
    corpus: Corpus, policy_id: str, person_id: str, *, today: dt.date, name: str | None = None
) -> AckResult:
    """Append `{policy, version, date}` to the person's file, unless this version is already there."""
    settings = corpus.settings
    policy = corpus.policies.get(Path(policy_id).stem if policy_id.endswith(".md") else policy_id)
    if policy is None:
        raise Refused(f"no policy '{policy_id}': give a policy id (its file name without .md)")
    if policy.is_draft or corpus.is_retired(policy):
        raise Refused(
            f"policy '{policy.id}' is {'a draft' if policy.is_draft else 'retired'}: only a policy in force can be "
            "acknowledged"
        )
    if not policy.acknowledge:
        raise Refused(f"policy '{policy.id}' does not ask for acknowledgement (no 'acknowledge: true')")
    if not s.SLUG.match(person_id):
        raise Refused(
            f"person {person_id!r} is not a lowercase id like 'jdoe' (it names the file acknowledgements/<person>.yml)"
        )
    if name is not None:
        try:
            name = s.line(name)  # as the loader reads it back
        except ValueError as exc:
            raise Refused(f"--name {exc}") from None
    rel = f"{FOLDER}/{person_id}.yml"
    full = settings.path(rel)
    entry = f"- {{policy: {policy.id}, version: {policy.version}, date: {today.isoformat()}}}\n"
    if not full.is_file():
        display = name or person_id
        text = HEADER.format(name=display, person=person_id)
        if name:
            text += f"name: {yaml_value(name)}\n"
        text += "acknowledged:\n" + entry
        full.parent.mkdir(parents=True, exist_ok=True)
        with full.open("x", encoding="utf-8", newline="\n") as f:
            f.write(text)
        return AckResult(rel, policy, True)
    try:
        person = load_person(settings, rel)
    except HandbookError as exc:
        raise Refused(f"{exc}: fix the file first") from None
    except s.LoadErrors as exc:
        raise Refused(f"{exc.errors[0]}: fix the file first") from None
    done = person.latest(policy.id)
    if done is not None and done.version >= policy.version:
        return AckResult(rel, policy, False)
    raw = full.read_bytes()
    old = raw.decode("utf-8")
    indent = ""
    for line in old.splitlines():
        stripped = line.lstrip(" ")
        if stripped.startswith("- "):
            indent = line[: len(line) - len(stripped)]
    new = old + ("" if old.endswith("\n") or not old else "\n") + indent + entry
    full.write_bytes(new.encode("utf-8"))
    try:
        after = load_person(settings, rel)
        appended = after.acknowledged[-1] if after.acknowledged else None
        ok = (
            appended is not None
            and (appended.policy, appended.version) == (policy.id, policy.version)
            and len(after.acknowledged) == len(person.acknowledged) + 1
        )
    except (HandbookError, s.LoadErrors):
        ok = False
    if not ok:
        full.write_bytes(raw)
        raise Refused(
            f"{rel}: cannot add a line at its end: keep 'acknowledged:' last, with one '- {{...}}' line per entry"
        )
    return AckResult(rel, policy, True)
