"""The registers: every policy (in force, then retired) and the decision log, as pages and as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..records import Decision, DecisionStatus, Policy
from .context import Context
from .html import NOT_SEARCHED, as_json, audience_title, day_html, esc, table, time_html
from .paths import DECISION_LOG, HEALTH_PAGE, POLICY_REGISTER, decision_src, policy_src

# Order of the decision log's groups: what is in force first.
DECISION_GROUPS = (
    DecisionStatus.ACCEPTED,
    DecisionStatus.PROPOSED,
    DecisionStatus.SUPERSEDED,
    DecisionStatus.DEPRECATED,
    DecisionStatus.REJECTED,
)


def policy_register(ctx: Context) -> str:
    corpus = ctx.corpus
    published = list(corpus.published_policies)
    current = sorted((p for p in published if not corpus.is_retired(p)), key=lambda p: p.title.lower())
    retired = sorted((p for p in published if corpus.is_retired(p)), key=lambda p: p.title.lower())
    src = POLICY_REGISTER
    parts = [
        *NOT_SEARCHED,
        "# Policy register",
        "",
        f"Every policy in force, with its owner and when it is next reviewed: {len(current)} in force, "
        f"{len(retired)} retired. "
        f'Also as <a href="register.json">JSON</a>. '
        # Reviews overdue or due soon, by month and owner, duplicates and drafts waiting: health.py.
        f"See {ctx.link(src, HEALTH_PAGE, 'Handbook health')} for the reviews due and overdue, "
        "and each owner's reviews.",
        "",
        _filters(ctx, "hb-policy-register", published),
        "",
        # Which reviews are overdue or due soon depends on the reader's day: handbook.js marks them.
        f'<p class="hb-register-due" data-due-soon-days="{corpus.settings.due_soon_days}" hidden></p>',
        "",
        "## In force",
        "",
        _policy_table(ctx, src, current, "hb-policy-register"),
        "",
    ]
    if retired:
        parts += [
            "## Retired",
            "",
            "No longer in force; kept for the record.",
            "",
            _policy_table(ctx, src, retired, "hb-policy-register"),
            "",
        ]
    return "\n".join(parts)


def _policy_table(ctx: Context, src: str, policies: Iterable[Policy], table_class: str) -> str:
    corpus = ctx.corpus
    rows = []
    for p in policies:
        status = "superseded" if p.id in corpus.policy_successor else p.status.value
        retired = corpus.is_retired(p)
        review = "" if retired else f'{time_html(p.review_due)} <span class="hb-review-state"></span>'
        due = "" if retired else f' data-review-due="{p.review_due.isoformat()}"'
        rows.append(
            f'<tr data-status="{esc(status)}" data-owner="{esc(p.owner)}"{due} '
            f'data-audience="{esc(" ".join(p.audience))}" data-tags="{esc(" ".join(p.tags))}">'
            f"<td>{ctx.link(src, policy_src(p.id), p.title)}</td>"
            f"<td>{p.version}</td><td>{esc(status)}</td><td>{esc(corpus.owner_name(p.owner))}</td>"
            f"<td>{time_html(p.effective)}</td><td>{review}</td></tr>"
        )
    head = "<tr><th>Policy</th><th>Version</th><th>Status</th><th>Owner</th><th>Effective</th><th>Next review</th></tr>"
    return table(table_class, head, rows)


def _filters(ctx: Context, table_class: str, policies: Iterable[Policy]) -> str:
    """The box handbook.js fills with the table's filters, with the names its options show for
    the owners' and audiences' ids the rows carry."""
    listed = list(policies)
    names = {
        "owner": {p.owner: ctx.corpus.owner_name(p.owner) for p in listed},
        "audience": {a: audience_title(a) for p in listed for a in p.audience},
    }
    labels = json.dumps(names, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f'<div class="hb-filters" data-table="{table_class}" data-labels="{esc(labels)}" hidden></div>'


def _shaped(ctx: Context, decision: Decision) -> list[Policy]:
    return [ctx.corpus.policies[p] for p in decision.policies if p in ctx.corpus.policies]


def decision_log(ctx: Context) -> str:
    corpus = ctx.corpus
    src = DECISION_LOG
    parts = [
        *NOT_SEARCHED,
        "# Decision log",
        "",
        f"Every decision recorded, newest first within each status: {len(corpus.decisions)} in all. "
        'Also as <a href="register.json">JSON</a>.',
        "",
        _filters(ctx, "hb-decision-log", [p for d in corpus.decisions.values() for p in _shaped(ctx, d)]),
        "",
    ]
    head = "<tr><th>Number</th><th>Decision</th><th>Status</th><th>Date</th></tr>"
    for group in DECISION_GROUPS:
        members = sorted(
            (d for d in corpus.decisions.values() if corpus.decision_status(d) is group),
            key=lambda d: d.number,
            reverse=True,
        )
        if not members:
            continue
        rows = []
        for d in members:
            shaped = _shaped(ctx, d)
            owners = sorted({p.owner for p in shaped})
            audience = sorted({a for p in shaped for a in p.audience})
            rows.append(
                f'<tr data-status="{group.value}" data-owner="{esc(" ".join(owners))}" '
                f'data-audience="{esc(" ".join(audience))}" data-tags="{esc(" ".join(d.tags))}">'
                f"<td>{d.label}</td><td>{ctx.link(src, decision_src(d.id), d.title)}</td>"
                f"<td>{group.value}</td><td>{day_html(d.date)}</td></tr>"
            )
        parts += [f"## {group.value.capitalize()}", "", table("hb-decision-log", head, rows), ""]
    return "\n".join(parts)


def policy_register_json(ctx: Context) -> str:
    corpus = ctx.corpus
    items = []
    for p in corpus.published_policies:
        items.append(
            {
                "id": p.id,
                "title": p.title,
                "version": p.version,
                "status": "superseded" if p.id in corpus.policy_successor else p.status.value,
                "owner": p.owner,
                "owner_name": corpus.owner_name(p.owner),
                "effective": p.effective.isoformat(),
                "reviewed": p.reviewed.isoformat(),
                "review_due": p.review_due.isoformat(),
                "audience": list(p.audience),
                "tags": list(p.tags),
                "summary": p.summary,
                "changes": p.changes,
                "supersedes": p.supersedes,
                "superseded_by": corpus.policy_successor.get(p.id),
                "acknowledge": p.acknowledge,
                "source": p.path,
                "url": ctx.urls.page(policy_src(p.id)),
            }
        )
    return as_json({"policies": items})


def decision_register_json(ctx: Context) -> str:
    corpus = ctx.corpus
    items = []
    for d in corpus.decisions.values():
        items.append(
            {
                "number": d.number,
                "id": d.id,
                "title": d.title,
                "status": corpus.decision_status(d).value,
                "date": d.date.isoformat() if d.date else None,
                "decision_makers": list(d.decision_makers),
                "consulted": list(d.consulted),
                "informed": list(d.informed),
                "supersedes": list(d.supersedes),
                "superseded_by": corpus.decision_successor.get(d.number),
                "policies": list(d.policies),
                "tags": list(d.tags),
                "source": d.path,
                "url": ctx.urls.page(decision_src(d.id)),
            }
        )
    return as_json({"decisions": items})
