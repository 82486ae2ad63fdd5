"""Stale records: reviews overdue or due soon, drafts and proposals left waiting, and records in
force that still lean on a retired policy or a superseded decision."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..records import UNASSIGNED, Decision, DecisionStatus, Policy
from ..settings import Settings
from .findings import Finding, finding
from .pages import Site

if TYPE_CHECKING:
    from ..loading import Corpus
    from .revisions import Revisions

# A draft untouched this long is probably forgotten; a proposal this old needs deciding.
DRAFT_IDLE_DAYS = 60
PROPOSAL_OPEN_DAYS = 90
# A record as (kind, key): ("policy", "refunds") or ("decision", 7).
Key = tuple[str, object]


def dated(corpus: Corpus, revisions: Revisions, *, today: dt.date, settings: Settings) -> list[Finding]:
    """What depends on today's date: HB101, HB102 reviews, HB104 idle drafts, HB105 open proposals."""
    findings = list(reviews(corpus, today=today, due_soon_days=settings.due_soon_days))
    findings += idle_drafts(corpus, revisions, today=today)
    findings += open_proposals(corpus, today=today)
    return findings


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def in_force(corpus: Corpus, policy: Policy) -> bool:
    return not policy.is_draft and not corpus.is_retired(policy)


def reviews(corpus: Corpus, *, today: dt.date, due_soon_days: int) -> Iterator[Finding]:
    """HB101 review overdue (its due date is past) and HB102 review due within `due_soon_days`."""
    for policy in corpus.policies.values():
        if not in_force(corpus, policy):
            continue
        due = policy.review_due
        owner = corpus.owner_name(policy.owner)
        every = f"reviewed {policy.reviewed.isoformat()}, every {policy.review_every} months"
        line = policy.line_of("reviewed")
        if due < today:
            yield finding(
                policy.path, line, "HB101",
                f"review overdue: it was due on {due.isoformat()}, {_days((today - due).days)} ago ({every}): "
                f"review it with its owner ({owner}) and set 'reviewed' to the date of the review",
                f"Review the policy with {owner} and set 'reviewed' to the date of the review, or publish a new "
                "version.",
            )  # fmt: skip
        elif (due - today).days <= due_soon_days:
            left = (due - today).days
            when = "today" if left == 0 else f"in {_days(left)}"
            yield finding(
                policy.path, line, "HB102",
                f"review due on {due.isoformat()}, {when} ({every}): plan the review with its owner ({owner})",
                f"Plan the review with {owner} before {due.isoformat()}, then set 'reviewed' to the date of the "
                "review.",
            )  # fmt: skip


def idle_drafts(corpus: Corpus, revisions: Revisions, *, today: dt.date) -> Iterator[Finding]:
    """HB104: a draft whose file has not changed for more than DRAFT_IDLE_DAYS."""
    for policy in corpus.drafts:
        changed = revisions.last_change(corpus.settings.path(policy.path), policy.path)
        if changed is None:
            continue
        idle = (today - changed).days
        if idle > DRAFT_IDLE_DAYS:
            yield finding(
                policy.path, policy.line_of("status"), "HB104",
                f"draft untouched for {_days(idle)} (last changed {changed.isoformat()}): "
                f"publish it, or delete it if it has been abandoned",
            )  # fmt: skip


def open_proposals(corpus: Corpus, *, today: dt.date) -> Iterator[Finding]:
    """HB105: a decision still `proposed` more than PROPOSAL_OPEN_DAYS after its date."""
    for decision in corpus.decisions.values():
        if corpus.decision_status(decision) is not DecisionStatus.PROPOSED:
            continue
        if decision.date is None:
            continue  # HB107 asks for the date first
        waiting = (today - decision.date).days
        if waiting > PROPOSAL_OPEN_DAYS:
            yield finding(
                decision.path, decision.line_of("status"), "HB105",
                f"proposed for {_days(waiting)} (since {decision.date.isoformat()}): "
                f"decide it, and set 'status' to accepted or rejected",
            )  # fmt: skip


def unassigned_owners(corpus: Corpus) -> Iterator[Finding]:
    """HB108: a policy with the placeholder owner, where the registry has no such entry."""
    if UNASSIGNED in corpus.owners:
        return
    for policy in corpus.policies.values():
        if policy.owner == UNASSIGNED:
            yield finding(
                policy.path, policy.line_of("owner"), "HB108",
                f"owner '{UNASSIGNED}' is a placeholder: ask who owns this policy, add them to "
                f"{corpus.settings.owners_file} if they are not there, and put their id here",
            )  # fmt: skip


def leaning_on_the_past(corpus: Corpus, site: Site) -> list[Finding]:
    """HB106: a record in force that links to, names or is shaped by a record no longer in force.

    A link that says what replaced the old record is fine: one from the record's successor, or
    from a record that also names the successor ("X, which replaces [the old matrix]").
    """
    by_path: dict[str, Key] = {}
    for policy in corpus.policies.values():
        by_path[f"policies/{policy.id}.md"] = ("policy", policy.id)
    for decision in corpus.decisions.values():
        by_path[f"decisions/{decision.id}.md"] = ("decision", decision.number)
    findings: list[Finding] = []
    active_policies = [p for p in corpus.policies.values() if in_force(corpus, p)]
    active_decisions = [
        d
        for d in corpus.decisions.values()
        if corpus.decision_status(d) in (DecisionStatus.ACCEPTED, DecisionStatus.PROPOSED)
    ]
    sources: list[tuple[Key, str, Policy | Decision]] = [
        (("policy", p.id), f"policies/{p.id}.md", p) for p in active_policies
    ] + [(("decision", d.number), f"decisions/{d.id}.md", d) for d in active_decisions]
    for key, src, record in sources:
        links = [(link, by_path.get(target)) for link, target in site.links.get(record.path, ())]
        names = {target for _, target in links if target is not None}
        if isinstance(record, Decision):
            names |= {("policy", p) for p in record.policies} | {("decision", n) for n in record.supersedes}
        elif record.supersedes:
            names.add(("policy", record.supersedes))
        for link, target in links:
            if target is None:
                continue
            problem = _not_in_force(corpus, target)
            if problem is None:
                continue
            successor = _successor(corpus, target)
            if successor is not None and (successor == key or successor in names):
                continue
            label, instead = problem
            findings.append(finding(
                record.path, link.line, "HB106",
                f"links to {label}, which is no longer in force: {instead}",
                _fix(corpus, src, successor),
            ))  # fmt: skip
        if isinstance(record, Decision):
            findings += _shapes_retired(corpus, record, names)
    findings += _shaped_by_the_past(corpus, active_policies)
    return findings


def _not_in_force(corpus: Corpus, key: Key) -> tuple[str, str] | None:
    """(how to name it, what to do) for a record no longer in force; None for one in force."""
    kind, value = key
    if kind == "policy":
        policy = corpus.policies[str(value)]
        if not corpus.is_retired(policy):
            return None
        successor = corpus.policy_successor.get(policy.id)
        if successor is not None:
            return f"the policy '{policy.id}', superseded by '{successor}'", f"link to '{successor}' instead"
        return f"the retired policy '{policy.id}'", "link to the policy that now covers it, or drop the link"
    decision = corpus.decisions[int(str(value))]
    final = _final_successor(corpus, decision.number)
    if final is None:
        return None
    label = corpus.decisions[final].label
    return f"decision {decision.label}, superseded by {label}", f"link to {label} instead"


def _successor(corpus: Corpus, key: Key) -> Key | None:
    kind, value = key
    if kind == "policy":
        successor = corpus.policy_successor.get(str(value))
        return ("policy", successor) if successor is not None else None
    number = corpus.decision_successor.get(int(str(value)))
    return ("decision", number) if number is not None else None


def _final_successor(corpus: Corpus, number: int) -> int | None:
    """The decision at the end of `number`'s supersede chain (None if nothing supersedes it)."""
    seen = {number}
    current = corpus.decision_successor.get(number)
    while current is not None and current not in seen:
        seen.add(current)
        following = corpus.decision_successor.get(current)
        if following is None:
            return current
        current = following
    return current


def _fix(corpus: Corpus, src: str, successor: Key | None) -> str:
    if successor is None:
        return "Link to the record now in force instead, or drop the link."
    kind, value = successor
    if kind == "policy":
        target = f"policies/{value}.md"
    else:
        number = _final_successor(corpus, int(str(value))) or int(str(value))
        target = f"decisions/{corpus.decisions[number].id}.md"
    return f"Link to '{posixpath.relpath(target, posixpath.dirname(src))}' instead, or drop the link."


def _shapes_retired(corpus: Corpus, decision: Decision, names: set[Key]) -> list[Finding]:
    """A decision in force whose `policies` names a retired policy (not one it replaced)."""
    findings = []
    for policy_id in decision.policies:
        policy = corpus.policies.get(policy_id)
        if policy is None or not corpus.is_retired(policy):
            continue
        successor = _successor(corpus, ("policy", policy_id))
        if successor is not None and successor in names:
            continue
        problem = _not_in_force(corpus, ("policy", policy_id))
        assert problem is not None
        findings.append(finding(
            decision.path, decision.line_of("policies"), "HB106",
            f"'policies' names {problem[0]}, which is no longer in force: list the policies in force that this "
            "decision shapes",
            "List in 'policies' only the policies in force that the decision shapes.",
        ))  # fmt: skip
    return findings


def _shaped_by_the_past(corpus: Corpus, active: list[Policy]) -> list[Finding]:
    """A policy in force whose decisions are all superseded, by decisions that do not name it:
    the reasons behind it have changed."""
    behind: dict[str, list[Decision]] = {}
    for decision in corpus.decisions.values():
        for policy_id in decision.policies:
            behind.setdefault(policy_id, []).append(decision)
    findings = []
    for policy in active:
        shaping = behind.get(policy.id, [])
        if not shaping or any(d.number not in corpus.decision_successor for d in shaping):
            continue
        old = shaping[-1]
        final = _final_successor(corpus, old.number)
        if final is None or policy.id in corpus.decisions[final].policies:
            continue
        new = corpus.decisions[final]
        findings.append(finding(
            policy.path, 1, "HB106",
            f"is shaped by decision {old.label}, superseded by {new.label} ('{new.title}'), which does not name this "
            "policy: "
            f"review the policy against {new.label}, and add '{policy.id}' to its 'policies' if it still applies",
            f"Review the policy against decision {new.label}, and list it in that decision's 'policies' if it still "
            "applies.",
        ))  # fmt: skip
    return findings
