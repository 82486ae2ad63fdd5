"""`handbook supersede`: the front-matter edits that record one record replacing another, in both files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import schema as s
from ..errors import HandbookError
from ..frontmatter import decode
from ..loading import Corpus
from ..records import Decision, DecisionStatus, Policy, PolicyStatus
from ..schema import DECISION_FIELDS, DECISION_NAME, policy_fields
from ..settings import Settings
from . import Refused
from .writing import check_loads, edit_front_matter


# -- supersede ------------------------------------------------------------------
@dataclass(frozen=True)
class Edit:
    """A file's new bytes and what changed, for the command to print."""

    path: str
    data: bytes
    summary: str


def find_decision(corpus: Corpus, ref: str) -> Decision | None:
    """A decision by number (`4`, `0004`), file stem or path."""
    name = Path(ref.strip()).name
    if name.endswith(".md"):
        name = name[:-3]
    if name.isdigit():
        return corpus.decisions.get(int(name))
    match = DECISION_NAME.match(name)
    if match:
        decision = corpus.decisions.get(int(match.group(1)))
        return decision if decision is not None and decision.id == name else None
    return None


def find_policy(corpus: Corpus, ref: str) -> Policy | None:
    name = Path(ref.strip()).name
    return corpus.policies.get(name[:-3] if name.endswith(".md") else name)


def supersede(corpus: Corpus, old_ref: str, new_ref: str, *, effective: dt.date | None = None) -> list[Edit]:
    """The edits that make NEW supersede OLD; [] when that is already recorded.

    Decisions: NEW gets OLD's number in `supersedes`, OLD gets `status: superseded`.
    Policies: NEW gets `supersedes: OLD`; OLD is retired by a new version that says so.
    """
    old_decision, new_decision = find_decision(corpus, old_ref), find_decision(corpus, new_ref)
    if old_decision is not None and new_decision is not None:
        return _supersede_decision(corpus, old_decision, new_decision)
    old_policy, new_policy = find_policy(corpus, old_ref), find_policy(corpus, new_ref)
    if old_policy is not None and new_policy is not None:
        return _supersede_policy(corpus, old_policy, new_policy, effective=effective)
    missing = [
        ref
        for ref, d, p in ((old_ref, old_decision, old_policy), (new_ref, new_decision, new_policy))
        if d is None and p is None
    ]
    if missing:
        raise LookupError(
            f"no decision or policy '{missing[0]}': give a decision number (4, 0004), a decision file name, or a "
            "policy id"
        )
    raise LookupError(
        f"'{old_ref}' and '{new_ref}' are not the same kind of record: a decision supersedes a decision, a policy a "
        "policy"
    )


def _supersede_decision(corpus: Corpus, old: Decision, new: Decision) -> list[Edit]:
    if old.number == new.number:
        raise Refused(f"decision {old.label} cannot supersede itself")
    successor = corpus.decision_successor.get(old.number)
    if successor is not None and successor != new.number:
        raise Refused(f"decision {old.label} is already superseded by {successor:04d}: a decision has one successor")
    if old.status is DecisionStatus.REJECTED:
        raise Refused(f"decision {old.label} is rejected: it was never in force, so nothing can supersede it")
    if new.status is DecisionStatus.REJECTED:
        raise Refused(f"decision {new.label} is rejected: a rejected decision cannot supersede another")
    edits = []
    if old.number not in new.supersedes:
        numbers = sorted({*new.supersedes, old.number})
        edits.append(_edit(corpus, new.path, {"supersedes": numbers}, DECISION_FIELDS, f"supersedes: {numbers}"))
    if old.status is not DecisionStatus.SUPERSEDED:
        edits.append(
            _edit(
                corpus,
                old.path,
                {"status": DecisionStatus.SUPERSEDED.value},
                DECISION_FIELDS,
                f"status: {old.status.value} -> superseded",
            )
        )
    return edits


def _supersede_policy(corpus: Corpus, old: Policy, new: Policy, *, effective: dt.date | None) -> list[Edit]:
    if old.id == new.id:
        raise Refused(f"policy '{old.id}' cannot supersede itself")
    if old.is_draft:
        raise Refused(
            f"policy '{old.id}' is a draft: a draft was never published and cannot be superseded; delete it instead"
        )
    if new.supersedes not in (None, old.id):
        raise Refused(f"policy '{new.id}' already supersedes '{new.supersedes}': a policy supersedes one other")
    other = next((p for p in corpus.policies.values() if p.supersedes == old.id and p.id != new.id), None)
    if other is not None:
        raise Refused(f"policy '{old.id}' is already superseded by '{other.id}': a policy has one successor")
    fields = policy_fields(corpus.settings)
    edits = []
    if new.supersedes != old.id:
        edits.append(_edit(corpus, new.path, {"supersedes": old.id}, fields, f"supersedes: {old.id}"))
    if old.status is not PolicyStatus.RETIRED:
        when = effective or new.effective
        version = old.version + 1
        updates = {
            "version": version,
            "status": PolicyStatus.RETIRED.value,
            "effective": when,
            "changes": f"Retired: replaced by {new.title} ({new.id}).",
        }
        edits.append(
            _edit(corpus, old.path, updates, fields, f"retired with version {version}, effective {when.isoformat()}")
        )
    return edits


def _edit(corpus: Corpus, path: str, updates: Mapping[str, Any], fields: Iterable[s.Field], summary: str) -> Edit:
    raw = corpus.settings.path(path).read_bytes()
    data = edit_front_matter(path, raw, updates)
    try:
        check_loads(path, decode(path, data), fields)
    except (ValueError, HandbookError) as exc:
        raise Refused(f"{path}: the edit would leave the front matter invalid ({exc}): edit it by hand") from None
    return Edit(path, data, summary)


def apply(settings: Settings, edits: Iterable[Edit]) -> None:
    for edit in edits:
        settings.path(edit.path).write_bytes(edit.data)
