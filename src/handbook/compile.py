"""Compile a Corpus into the site's generated pages: registers, record pages, reading list."""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .loading import Corpus
from .records import Decision, DecisionStatus, Policy, PolicyStatus
from .urls import Urls

POLICY_REGISTER = "policies/index.md"
DECISION_LOG = "decisions/index.md"
START_HERE = "start-here.md"
POLICY_REGISTER_JSON = "policies/register.json"
DECISION_REGISTER_JSON = "decisions/register.json"
WORDS_PER_MINUTE = 200
# Order of the decision log's groups: what is in force first.
DECISION_GROUPS = (
    DecisionStatus.ACCEPTED,
    DecisionStatus.PROPOSED,
    DecisionStatus.SUPERSEDED,
    DecisionStatus.DEPRECATED,
    DecisionStatus.REJECTED,
)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def md_text(text: str) -> str:
    """Text safe inside Markdown: HTML escaped, Markdown punctuation backslashed."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def reading_minutes(body: str) -> int:
    return max(1, math.ceil(len(body.split()) / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class Compiler:
    """Turns records into Markdown pages; the site adapter decides where they go."""

    corpus: Corpus
    urls: Urls = Urls()
    show_drafts: bool = False

    # -- where records land -------------------------------------------------
    def policy_src(self, policy: Policy) -> str:
        return f"policies/{policy.id}.md"

    def decision_src(self, decision: Decision) -> str:
        return f"decisions/{decision.id}.md"

    def policies_on_site(self) -> list[Policy]:
        return [p for p in self.corpus.policies.values() if self.show_drafts or not p.is_draft]

    def _link(self, from_src: str, to_src: str, text: str) -> str:
        return f'<a href="{esc(self.urls.link(from_src, to_src))}">{esc(text)}</a>'

    # -- record pages -------------------------------------------------------
    def policy_page(self, policy: Policy) -> str:
        src = self.policy_src(policy)
        corpus = self.corpus
        retired = corpus.is_retired(policy)
        status = "superseded" if policy.id in corpus.policy_successor else policy.status.value
        facts = [
            ("Status", f'<span class="hb-status hb-status--{esc(status)}">{esc(status)}</span>'),
            ("Version", esc(policy.version)),
            ("Owner", self._owner(policy.owner)),
            ("Effective", _time(policy.effective)),
        ]
        if not retired and not policy.is_draft:
            facts.append(("Next review", f'<span class="hb-review-due">{_time(policy.review_due)}</span>'))
        if policy.audience:
            facts.append(("Audience", esc(", ".join(policy.audience))))
        parts = [f"# {md_text(policy.title)}", ""]
        if policy.is_draft:
            parts.append(_banner("danger hb-draft", "DRAFT: not published", "This policy is a draft. It is shown only to its editors under <code>mkdocs serve</code> and never reaches the built site, the search index or the feeds."))
        successor_id = corpus.policy_successor.get(policy.id)
        if successor_id is not None:
            successor = corpus.policies[successor_id]
            parts.append(_banner("danger hb-superseded", "Superseded: no longer in force", f"This policy was replaced by {self._link(src, self.policy_src(successor), successor.title)}. Follow that policy instead."))
        elif policy.status is PolicyStatus.RETIRED:
            parts.append(_banner("danger hb-retired", "Retired: no longer in force", f"This policy was retired with version {policy.version}, effective {_time(policy.effective)}. It is kept for the record."))
        due = f' data-review-due="{policy.review_due.isoformat()}"' if not retired and not policy.is_draft else ""
        parts.append(f'<div class="hb-record hb-policy"{due} data-policy="{esc(policy.id)}">')
        parts.append(_facts(facts))
        parts.append(f'<p class="hb-summary">{esc(policy.summary)}</p>')
        parts.append(f'<p class="hb-changes"><strong>Version {policy.version}, effective {_time(policy.effective)}.</strong> What changed: {esc(policy.changes)}</p>')
        parts.append("</div>")
        parts += ["", policy.body.strip(), ""]
        behind = [d for d in corpus.decisions_for_policy(policy.id)]
        if behind:
            parts += ["## Decisions behind this policy", ""]
            for d in behind:
                parts.append(f"- [{d.label} {md_text(d.title)}](../{self.decision_src(d)}) ({corpus.decision_status(d).value}, {d.date.isoformat()})")
            parts.append("")
        return "\n".join(parts)

    def decision_page(self, decision: Decision) -> str:
        src = self.decision_src(decision)
        corpus = self.corpus
        status = corpus.decision_status(decision)
        body = decision.body.strip().split("\n")
        # The decision's own `# Title` stays first; the header block follows it.
        title_index = next(i for i, line in enumerate(body) if line.startswith("#"))
        head, rest = body[: title_index + 1], body[title_index + 1 :]
        parts = head + [""]
        successor_no = corpus.decision_successor.get(decision.number)
        if successor_no is not None:
            successor = corpus.decisions[successor_no]
            parts.append(_banner("warning hb-superseded", "Superseded", f"This decision was superseded by {self._link(src, self.decision_src(successor), f'{successor.label} {successor.title}')}."))
        elif status is DecisionStatus.PROPOSED:
            parts.append(_banner("info hb-proposed", "Proposal", "This decision is proposed and not yet accepted: it is open for comment."))
        elif status in (DecisionStatus.REJECTED, DecisionStatus.DEPRECATED):
            parts.append(_banner("warning hb-" + status.value, status.value.capitalize(), f"This decision is {status.value}: it is not in force."))
        facts = [
            ("Decision", esc(decision.label)),
            ("Status", f'<span class="hb-status hb-status--{esc(status.value)}">{esc(status.value)}</span>'),
            ("Date", _time(decision.date)),
        ]
        for label, people in (("Decision-makers", decision.decision_makers), ("Consulted", decision.consulted), ("Informed", decision.informed)):
            if people:
                facts.append((label, esc(", ".join(people))))
        if decision.supersedes:
            facts.append(("Supersedes", ", ".join(self._link(src, self.decision_src(corpus.decisions[n]), corpus.decisions[n].label) for n in decision.supersedes if n in corpus.decisions)))
        parts += ['<div class="hb-record hb-decision">', _facts(facts), "</div>", ""]
        parts += rest
        shaped = [corpus.policies[p] for p in decision.policies if p in corpus.policies]
        if shaped:
            parts += ["", "## Policies shaped by this decision", ""]
            parts += [f"- [{md_text(p.title)}](../{self.policy_src(p)})" for p in shaped]
        parts.append("")
        return "\n".join(parts)

    def _owner(self, owner_id: str) -> str:
        owner = self.corpus.owners.get(owner_id)
        if owner is None:
            return esc(owner_id)
        return f'<a href="mailto:{esc(owner.email)}">{esc(owner.name)}</a>'

    # -- registers ----------------------------------------------------------
    def policy_register(self) -> str:
        corpus = self.corpus
        published = [p for p in corpus.published_policies]
        current = sorted((p for p in published if not corpus.is_retired(p)), key=lambda p: p.title.lower())
        retired = sorted((p for p in published if corpus.is_retired(p)), key=lambda p: p.title.lower())
        src = POLICY_REGISTER
        parts = [
            "---",
            "search:",
            "  exclude: true",
            "---",
            "# Policy register",
            "",
            f"Every policy in force, with its owner and when it is next reviewed: {len(current)} in force, {len(retired)} retired. "
            f'Also as <a href="register.json">JSON</a>.',
            "",
            '<div class="hb-filters" data-table="hb-policy-register" hidden></div>',
            "",
            "## In force",
            "",
            self._policy_table(src, current, "hb-policy-register"),
            "",
        ]
        if retired:
            parts += ["## Retired", "", "No longer in force; kept for the record.", "", self._policy_table(src, retired, "hb-policy-register"), ""]
        return "\n".join(parts)

    def _policy_table(self, src: str, policies: Iterable[Policy], table_class: str) -> str:
        rows = []
        for p in policies:
            status = "superseded" if p.id in self.corpus.policy_successor else p.status.value
            review = "" if self.corpus.is_retired(p) else _time(p.review_due)
            rows.append(
                f'<tr data-status="{esc(status)}" data-owner="{esc(p.owner)}" data-audience="{esc(" ".join(p.audience))}" data-tags="{esc(" ".join(p.tags))}">'
                f"<td>{self._link(src, self.policy_src(p), p.title)}</td>"
                f"<td>{p.version}</td><td>{esc(status)}</td><td>{esc(self.corpus.owner_name(p.owner))}</td>"
                f"<td>{_time(p.effective)}</td><td>{review}</td></tr>"
            )
        head = "<tr><th>Policy</th><th>Version</th><th>Status</th><th>Owner</th><th>Effective</th><th>Next review</th></tr>"
        return _table(table_class, head, rows)

    def decision_log(self) -> str:
        corpus = self.corpus
        src = DECISION_LOG
        parts = [
            "---",
            "search:",
            "  exclude: true",
            "---",
            "# Decision log",
            "",
            f"Every decision recorded, newest first within each status: {len(corpus.decisions)} in all. "
            'Also as <a href="register.json">JSON</a>.',
            "",
            '<div class="hb-filters" data-table="hb-decision-log" hidden></div>',
            "",
        ]
        head = "<tr><th>Number</th><th>Decision</th><th>Status</th><th>Date</th></tr>"
        for group in DECISION_GROUPS:
            members = sorted((d for d in corpus.decisions.values() if corpus.decision_status(d) is group), key=lambda d: d.number, reverse=True)
            if not members:
                continue
            rows = []
            for d in members:
                shaped = [corpus.policies[p] for p in d.policies if p in corpus.policies]
                owners = sorted({p.owner for p in shaped})
                audience = sorted({a for p in shaped for a in p.audience})
                rows.append(
                    f'<tr data-status="{group.value}" data-owner="{esc(" ".join(owners))}" data-audience="{esc(" ".join(audience))}" data-tags="{esc(" ".join(d.tags))}">'
                    f"<td>{d.label}</td><td>{self._link(src, self.decision_src(d), d.title)}</td>"
                    f"<td>{group.value}</td><td>{_time(d.date)}</td></tr>"
                )
            parts += [f"## {group.value.capitalize()}", "", _table("hb-decision-log", head, rows), ""]
        return "\n".join(parts)

    def policy_register_json(self) -> str:
        corpus = self.corpus
        items = []
        for p in corpus.published_policies:
            items.append({
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
                "url": self.urls.page(self.policy_src(p)),
            })
        return _json({"policies": items})

    def decision_register_json(self) -> str:
        corpus = self.corpus
        items = []
        for d in corpus.decisions.values():
            successor = corpus.decision_successor.get(d.number)
            items.append({
                "number": d.number,
                "id": d.id,
                "title": d.title,
                "status": corpus.decision_status(d).value,
                "date": d.date.isoformat(),
                "decision_makers": list(d.decision_makers),
                "consulted": list(d.consulted),
                "informed": list(d.informed),
                "supersedes": list(d.supersedes),
                "superseded_by": successor,
                "policies": list(d.policies),
                "tags": list(d.tags),
                "source": d.path,
                "url": self.urls.page(self.decision_src(d)),
            })
        return _json({"decisions": items})

    # -- reading list ---------------------------------------------------------
    def start_here(self, audiences: tuple[str, ...] = ("new-hires", "all-staff")) -> str:
        corpus = self.corpus
        src = START_HERE
        reading = [p for p in corpus.published_policies if not corpus.is_retired(p) and set(p.audience) & set(audiences)]
        reading.sort(key=lambda p: (p.priority is None, p.priority or 0, p.title.lower()))
        parts = [
            "# Start here",
            "",
            "Welcome. These are the policies to read in your first weeks, in order, then the decisions "
            "that shape daily work. Tick each one as you read it: the ticks stay in this browser only.",
            "",
            '<ol class="hb-reading-list">',
        ]
        for p in reading:
            minutes = reading_minutes(p.body)
            parts.append(
                f'<li><label><input type="checkbox" class="hb-check" data-key="{esc(p.id)}@{p.version}"> '
                f"{self._link(src, self.policy_src(p), p.title)}</label> "
                f'<span class="hb-minutes">{minutes} min read</span><br>{esc(p.summary)}</li>'
            )
        parts += ["</ol>", ""]
        accepted = [d for d in corpus.decisions.values() if corpus.decision_status(d) is DecisionStatus.ACCEPTED]
        if accepted:
            parts += ["## Decisions that shape daily work", ""]
            parts += [f"- [{d.label} {md_text(d.title)}]({self.decision_src(d)}) ({d.date.isoformat()})" for d in sorted(accepted, key=lambda d: d.number)]
            parts.append("")
        posts = corpus.published_posts[:5]
        if posts:
            parts += ["## Latest posts", ""]
            parts += [f"- [{md_text(p.title)}]({_docs_relative(p.path, corpus.settings.docs_dir)}) ({p.date.isoformat()})" for p in posts]
            parts.append("")
        return "\n".join(parts)


def _docs_relative(path: str, docs_dir: str) -> str:
    prefix = docs_dir.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else path


def _time(day: object) -> str:
    text = day.isoformat() if hasattr(day, "isoformat") else str(day)
    return f'<time datetime="{text}">{text}</time>'


def _banner(kind: str, title: str, text_html: str) -> str:
    return f'<div class="admonition {kind} hb-banner" role="note">\n<p class="admonition-title">{esc(title)}</p>\n<p>{text_html}</p>\n</div>\n'


def _facts(facts: list[tuple[str, str]]) -> str:
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in facts)
    return f'<dl class="hb-facts">{items}</dl>'


def _table(table_class: str, head: str, rows: list[str]) -> str:
    body = "\n".join(rows)
    return f'<table class="hb-register {table_class}">\n<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table>'


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
