"""How records name each other, resolved both ways: `supersedes` (and the successor of each
superseded record), the policies a decision shapes, a decision number used twice, and links in a
record's text that leave the repository."""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from .errors import HandbookError
from .records import UNASSIGNED, Decision, DecisionStatus, Owner, Policy

_FENCE = re.compile(r"^\s*(```|~~~)")
# Link targets in Markdown: inline `](target)`, reference `[x]: target`, and HTML href/src.
_LINK = re.compile(
    r"\]\(\s*<?([^)\s>]+)|^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)|\b(?:href|src)\s*=\s*[\"']([^\"']+)", re.IGNORECASE
)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Links:
    """The record that replaced each superseded one, and the problems found on the way (HB103,
    HB204, HB3xx)."""

    policy_successor: dict[str, str]
    decision_successor: dict[int, int]
    errors: list[HandbookError]


def link(
    policies: Mapping[str, Policy],
    decisions: Mapping[int, list[Decision]],
    owners: Mapping[str, Owner],
    named: set[str] | None,
    unloaded_policies: set[str],
    unloaded_decisions: set[int],
    *,
    owners_file: str,
    next_number: int,
) -> Links:
    """Resolve `supersedes` and `policies` between loaded records. `decisions` holds every loaded
    file of each number; `named` every owner id the registry names (None when it cannot be read);
    the unloaded sets name records whose files failed to load, which are not reported again here."""
    errors: list[HandbookError] = []
    for number, same in decisions.items():
        if len(same) > 1:
            names = ", ".join(d.path for d in same)
            for d in same:
                errors.append(
                    HandbookError(
                        d.path,
                        1,
                        f"decision number {number:04d} is used by {len(same)} files ({names}): "
                        f"keep it on one and renumber the others from {next_number:04d}",
                        "HB204",
                    )
                )
    first = {number: same[0] for number, same in decisions.items()}
    policy_successor = _link_policies(policies, owners, named, unloaded_policies, owners_file, errors)
    decision_successor = _link_decisions(first, policies, unloaded_decisions, unloaded_policies, errors)
    return Links(policy_successor, decision_successor, errors)


def links_outside(path: str, body: str, body_line: int) -> list[HandbookError]:
    """Links in a record's text that leave the repository (`../../etc/passwd`, `file:`)."""
    problems = []
    fenced = False
    base = posixpath.dirname(path)
    for offset, line in enumerate(body.split("\n")):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        for match in _LINK.finditer(line):
            target = next(group for group in match.groups() if group is not None)
            address = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if address.lower().startswith("file:"):
                where = "to a file on one computer"
            elif not address or _SCHEME.match(address) or address.startswith("/"):
                continue
            elif posixpath.normpath(posixpath.join(base, address)).split("/")[0] == "..":
                where = "outside the repository"
            else:
                continue
            problems.append(
                HandbookError(
                    path,
                    body_line + offset,
                    f"link '{target}' points {where}: "
                    "link to a page of the handbook, like '../policies/refunds-and-returns.md', "
                    "or to a full https:// address",
                )
            )
    return problems


def _link_policies(
    policies: Mapping[str, Policy],
    owners: Mapping[str, Owner],
    named: set[str] | None,
    unloaded: set[str],
    owners_file: str,
    errors: list[HandbookError],
) -> dict[str, str]:
    successor: dict[str, str] = {}
    for policy in policies.values():
        # An owner the registry names but could not load, or a registry that cannot be read, is reported there.
        # The placeholder owner builds: `handbook check` asks for a real one (HB108).
        if named is not None and policy.owner not in named and policy.owner != UNASSIGNED:
            close = difflib.get_close_matches(policy.owner, sorted(owners), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            errors.append(
                HandbookError(
                    policy.path,
                    policy.line_of("owner"),
                    f"owner '{policy.owner}' is not in the owners registry: "
                    f"{hint}add it to {owners_file} or pick an owner listed there",
                    "HB103",
                )
            )
        old_id = policy.supersedes
        if old_id is None or old_id in unloaded:
            continue
        line = policy.line_of("supersedes")
        old = policies.get(old_id)
        if old is None:
            errors.append(
                HandbookError(
                    policy.path,
                    line,
                    f"'supersedes' names policy '{old_id}', which does not exist: "
                    "give the id (file name without .md) of an existing policy",
                    "HB301",
                )
            )
        elif old.is_draft:
            errors.append(
                HandbookError(
                    policy.path,
                    line,
                    f"'supersedes' names '{old_id}', a draft: a draft was never published and cannot be superseded",
                    "HB303",
                )
            )
        elif old_id in successor:
            errors.append(
                HandbookError(
                    policy.path,
                    line,
                    f"policy '{old_id}' is already superseded by '{successor[old_id]}': a policy has one successor",
                    "HB304",
                )
            )
        elif not policy.is_draft:
            successor[old_id] = policy.id
    for cycle in _cycles({p.id: [p.supersedes] if p.supersedes else [] for p in policies.values()}):
        first = policies[cycle[0]]
        chain = " -> ".join(cycle + [cycle[0]])
        errors.append(
            HandbookError(
                first.path,
                first.line_of("supersedes"),
                f"supersede cycle: {chain}: a policy cannot (even indirectly) supersede itself",
                "HB302",
            )
        )
        # In a ring nobody replaced anybody: no record is shown as superseded by another.
        for member in cycle:
            successor.pop(member, None)
    return successor


def _link_decisions(
    decisions: Mapping[int, Decision],
    policies: Mapping[str, Policy],
    unloaded: set[int],
    unloaded_policies: set[str],
    errors: list[HandbookError],
) -> dict[int, int]:
    successor: dict[int, int] = {}
    for decision in decisions.values():
        line = decision.line_of("supersedes")
        for number in decision.supersedes:
            if number in unloaded:
                continue
            if number not in decisions:
                errors.append(
                    HandbookError(
                        decision.path, line, f"'supersedes' names decision {number:04d}, which does not exist", "HB301"
                    )
                )
            elif number in successor and successor[number] != decision.number:
                errors.append(
                    HandbookError(
                        decision.path,
                        line,
                        f"decision {number:04d} is already superseded by {successor[number]:04d}: "
                        "a decision has one successor",
                        "HB304",
                    )
                )
            elif decision.status is not DecisionStatus.REJECTED:
                successor[number] = decision.number
        for policy_id in decision.policies:
            policy = policies.get(policy_id)
            if policy_id in unloaded_policies and policy is None:
                continue
            if policy is None or policy.is_draft:
                what = "does not exist" if policy is None else "is a draft"
                errors.append(
                    HandbookError(
                        decision.path,
                        decision.line_of("policies"),
                        f"'policies' names '{policy_id}', which {what}: list published policy ids only",
                        "HB305",
                    )
                )
    for decision in decisions.values():
        # Its successor may be a file that failed to load: that file's own error comes first.
        if decision.status is DecisionStatus.SUPERSEDED and decision.number not in successor and not unloaded:
            errors.append(
                HandbookError(
                    decision.path,
                    decision.line_of("status"),
                    f"status is 'superseded' but no decision supersedes {decision.label}: add 'supersedes: "
                    f"[{decision.number}]' to its successor",
                    "HB306",
                )
            )
    graph = {str(d.number): [str(n) for n in d.supersedes if n in decisions] for d in decisions.values()}
    for cycle in _cycles(graph):
        first = decisions[int(cycle[0])]
        chain = " -> ".join(f"{int(n):04d}" for n in cycle + [cycle[0]])
        errors.append(
            HandbookError(
                first.path,
                first.line_of("supersedes"),
                f"supersede cycle: {chain}: a decision cannot (even indirectly) supersede itself",
                "HB302",
            )
        )
        for member in cycle:
            successor.pop(int(member), None)
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
