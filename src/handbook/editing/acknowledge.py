"""`handbook ack`: a line added to the person's `acknowledgements/<person>.yml` for a policy's current version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .. import schema as s
from ..acknowledgements import FOLDER, load_person
from ..errors import HandbookError
from ..loading import Corpus
from ..records import Policy
from . import Refused
from .writing import yaml_value

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
