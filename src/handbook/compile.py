"""Compile a Corpus into the site's generated pages: registers, record pages, reading list."""

from __future__ import annotations

import datetime as dt
import html
import functools
import json
import math
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .history import History
from .loading import Corpus
from .pageparts import PageParts, Part, Placed
from .records import Decision, DecisionStatus, Policy, PolicyStatus, Post
from .urls import Urls

POLICY_REGISTER = "policies/index.md"
DECISION_LOG = "decisions/index.md"
START_HERE = "start-here.md"
READING_DIR = "reading"
READING_INDEX = "reading/index.md"
# Where the home page's "What changed recently" goes: authors put this line in docs/index.md.
CHANGES_MARKER = "<!-- handbook:changes -->"
NEW_HIRES = "new-hires"
ALL_STAFF = "all-staff"
# Generated lists repeat what record pages say: search finds the records themselves.
_NOT_SEARCHED = ("---", "search:", "  exclude: true", "---")
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
# Search (Pagefind): each record's kind and status are filters and shown in results; records
# no longer in force are `standing: archived` and listed after current ones.
_KIND_ATTRIBUTES = 'data-pagefind-filter="kind:{kind}" data-pagefind-meta="kind:{kind}"'
CURRENT_DECISIONS = (DecisionStatus.ACCEPTED, DecisionStatus.PROPOSED)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def md_text(text: str) -> str:
    """Text safe inside Markdown: HTML escaped, Markdown punctuation backslashed."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def version_src(policy_id: str, number: int) -> str:
    """A published version's permanent page: `policies/<id>/v<N>.md` -> `policies/<id>/v<N>/`."""
    return f"policies/{policy_id}/v{number}.md"


def history_src(policy_id: str) -> str:
    return f"policies/{policy_id}/history.md"


@functools.lru_cache(maxsize=1 << 14)  # each register and reading list counts the same texts
def reading_minutes(body: str) -> int:
    return max(1, math.ceil(len(body.split()) / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class Compiler:
    """Turns records into Markdown pages; the site adapter decides where they go."""

    corpus: Corpus
    urls: Urls = Urls()
    show_drafts: bool = False
    # Versions from git: the policy page links its history, the decision page shows its timeline.
    history: History | None = None

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
        return self.policy_page_parts(policy).markdown()

    def policy_page_parts(self, policy: Policy) -> PageParts:
        """The policy's page: its title, our own HTML blocks (banners, the header with its facts)
        placed as they are, its text, and the decisions behind it."""
        src = self.policy_src(policy)
        corpus = self.corpus
        retired = corpus.is_retired(policy)
        status = "superseded" if policy.id in corpus.policy_successor else policy.status.value
        facts = [
            ("Status", _record_status_html(status)),
            ("Version", esc(policy.version)),
            ("Owner", self._owner(policy.owner)),
            ("Effective", time_html(policy.effective)),
        ]
        if not retired and not policy.is_draft:
            facts.append(("Next review", f'<span class="hb-review-due">{time_html(policy.review_due)}</span>'))
        if policy.audience:
            facts.append(
                (
                    "Audience",
                    ", ".join(f'<span data-pagefind-filter="audience">{esc(a)}</span>' for a in policy.audience),
                )
            )
        banners: list[str] = []
        if policy.is_draft:
            banners.append(
                _banner(
                    "danger hb-draft",
                    "DRAFT: not published",
                    "This policy is a draft. It is shown only to its editors under <code>mkdocs serve</code> and never reaches the built site, the search index or the feeds.",
                )
            )
        successor_id = corpus.policy_successor.get(policy.id)
        if successor_id is not None:
            successor = corpus.policies[successor_id]
            banners.append(
                _banner(
                    "danger hb-superseded",
                    "Superseded: no longer in force",
                    f"This policy was replaced by {self._link(src, self.policy_src(successor), successor.title)}. Follow that policy instead.",
                )
            )
        elif policy.status is PolicyStatus.RETIRED:
            banners.append(
                _banner(
                    "danger hb-retired",
                    "Retired: no longer in force",
                    f"This policy was retired with version {policy.version}, effective {time_html(policy.effective)}. It is kept for the record.",
                )
            )
        parts, placed = [f"# {md_text(policy.title)}", ""], Placed()
        for banner in banners:  # each a raw HTML block of its own
            parts += [placed.raw(banner), ""]
        due = f' data-review-due="{policy.review_due.isoformat()}"' if not retired and not policy.is_draft else ""
        header = [
            f'<div class="hb-record hb-policy"{due} data-policy="{esc(policy.id)}" {_KIND_ATTRIBUTES.format(kind="Policy")}>',
            _standing_html(retired),
            _facts(facts),
            f'<p class="hb-summary">{esc(policy.summary)}</p>',
            f'<p class="hb-changes"><strong>{self._version_label(policy)}, effective {time_html(policy.effective)}.</strong> What changed: {esc(policy.changes)}{self._history_link(policy)}</p>',
            "</div>",
        ]
        parts += [placed.raw("\n".join(header)), ""]
        body = policy.body.strip()
        if body:
            parts += [placed.place(Part(body)), ""]
        behind = [d for d in corpus.decisions_for_policy(policy.id)]
        if behind:
            parts += ["## Decisions behind this policy", ""]
            for d in behind:
                parts.append(
                    f"- [{d.label} {md_text(d.title)}](../{self.decision_src(d)}) ({corpus.decision_status(d).value}, {d.date.isoformat()})"
                )
            parts.append("")
        # Each record page reports its own broken links: no blocks shared with the others.
        return PageParts("", "\n".join(parts), tuple(placed.parts), shared=False)

    def decision_page(self, decision: Decision) -> str:
        return self.decision_page_parts(decision).markdown()

    def decision_page_parts(self, decision: Decision) -> PageParts:
        """The decision's page: its title, our own HTML blocks placed as they are, its text, and
        the policies it shaped."""
        src = self.decision_src(decision)
        corpus = self.corpus
        status = corpus.decision_status(decision)
        body = decision.body.strip().split("\n")
        # The decision's own `# Title` stays first; the header block follows it. The title is
        # text, as in the registers: `<script>` in it is shown, never run.
        title_index = _title_index(body)
        head = body[:title_index] + [f"# {html.escape(decision.title, quote=False)}"]
        rest = body[title_index + 1 :]
        banners: list[str] = []
        successor_no = corpus.decision_successor.get(decision.number)
        if successor_no is not None:
            successor = corpus.decisions[successor_no]
            banners.append(
                _banner(
                    "warning hb-superseded",
                    "Superseded",
                    f"This decision was superseded by {self._link(src, self.decision_src(successor), f'{successor.label} {successor.title}')}.",
                )
            )
        elif status is DecisionStatus.PROPOSED:
            banners.append(
                _banner(
                    "info hb-proposed",
                    "Proposal",
                    "This decision is proposed and not yet accepted: it is open for comment.",
                )
            )
        elif status in (DecisionStatus.REJECTED, DecisionStatus.DEPRECATED):
            banners.append(
                _banner(
                    "warning hb-" + status.value,
                    status.value.capitalize(),
                    f"This decision is {status.value}: it is not in force.",
                )
            )
        facts = [
            ("Decision", f'<span data-pagefind-meta="label">{esc(decision.label)}</span>'),
            ("Status", _record_status_html(status.value)),
            ("Date", time_html(decision.date)),
        ]
        for label, people in (
            ("Decision-makers", decision.decision_makers),
            ("Consulted", decision.consulted),
            ("Informed", decision.informed),
        ):
            if people:
                facts.append((label, esc(", ".join(people))))
        if decision.supersedes:
            facts.append(
                (
                    "Supersedes",
                    ", ".join(
                        self._link(src, self.decision_src(corpus.decisions[n]), corpus.decisions[n].label)
                        for n in decision.supersedes
                        if n in corpus.decisions
                    ),
                )
            )
        # A decision is found by the audience and owners of the policies it shaped.
        shaped_policies = [corpus.policies[p] for p in decision.policies if p in corpus.policies]
        hidden_filters = [
            f'<span hidden data-pagefind-filter="audience:{esc(a)}"></span>'
            for a in sorted({a for p in shaped_policies for a in p.audience})
        ]
        hidden_filters += [
            f'<span hidden data-pagefind-filter="owner:{esc(corpus.owner_name(o))}"></span>'
            for o in sorted({p.owner for p in shaped_policies})
        ]
        parts, placed = [*head, ""], Placed()
        for banner in banners:  # each a raw HTML block of its own
            parts += [placed.raw(banner), ""]
        header = [
            f'<div class="hb-record hb-decision" {_KIND_ATTRIBUTES.format(kind="Decision")}>',
            _standing_html(status not in CURRENT_DECISIONS),
            *hidden_filters,
            _facts(facts),
            *self._timeline(decision),
            "</div>",
        ]
        parts += [placed.raw("\n".join(header)), ""]
        text = "\n".join(rest).strip("\n")
        if any(line.strip() for line in head[:-1]):
            parts += rest  # text above the title: the text is converted with it, as one
        elif text.strip():
            parts += [placed.place(Part(text)), ""]
        shaped = [corpus.policies[p] for p in decision.policies if p in corpus.policies]
        if shaped:
            parts += ["", "## Policies shaped by this decision", ""]
            parts += [f"- [{md_text(p.title)}](../{self.policy_src(p)})" for p in shaped]
        parts.append("")
        # Each record page reports its own broken links: no blocks shared with the others.
        return PageParts("", "\n".join(parts), tuple(placed.parts), shared=False)

    def _version_label(self, policy: Policy) -> str:
        """ "Version N", linked to that version's permanent page when it has one."""
        versions = self.history.versions.get(policy.id, ()) if self.history else ()
        if policy.is_draft or not any(v.number == policy.version for v in versions):
            return f"Version {policy.version}"
        return self._link(self.policy_src(policy), version_src(policy.id, policy.version), f"Version {policy.version}")

    def _history_link(self, policy: Policy) -> str:
        if self.history is None or not self.history.versions.get(policy.id):
            return ""
        href = self.urls.link(self.policy_src(policy), history_src(policy.id))
        return f' <a class="hb-history-link" href="{esc(href)}">Version history</a>'

    def _timeline(self, decision: Decision) -> list[str]:
        """The decision's statuses over time, from git, as a dated list."""
        changes = self.history.status_changes.get(decision.number, ()) if self.history else ()
        if not changes:
            return []
        items = []
        for change in changes:
            by = f" by {esc(change.author)}" if change.author else ""
            pending = " (not committed yet)" if not change.commit and self.history and self.history.complete else ""
            items.append(f"<li>{time_html(change.date.date())} {_status_html(change.status)}{by}{pending}</li>")
        title = '<p class="hb-timeline-title"><strong>Status history</strong></p>'
        return [f'<div class="hb-timeline-box">{title}<ol class="hb-timeline">{"".join(items)}</ol></div>']

    def _owner(self, owner_id: str) -> str:
        owner = self.corpus.owners.get(owner_id)
        if owner is None:
            return f'<span data-pagefind-filter="owner">{esc(owner_id)}</span>'
        return f'<a href="mailto:{esc(owner.email)}" data-pagefind-filter="owner">{esc(owner.name)}</a>'

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
            f'Also as <a href="register.json">JSON</a>. '
            # Reviews overdue or due soon, by month and owner, duplicates and drafts waiting: health.py.
            f"See {self._link(src, 'health.md', 'Handbook health')} for the reviews due and overdue, and each owner's reviews.",
            "",
            '<div class="hb-filters" data-table="hb-policy-register" hidden></div>',
            "",
            "## In force",
            "",
            self._policy_table(src, current, "hb-policy-register"),
            "",
        ]
        if retired:
            parts += [
                "## Retired",
                "",
                "No longer in force; kept for the record.",
                "",
                self._policy_table(src, retired, "hb-policy-register"),
                "",
            ]
        return "\n".join(parts)

    def _policy_table(self, src: str, policies: Iterable[Policy], table_class: str) -> str:
        rows = []
        for p in policies:
            status = "superseded" if p.id in self.corpus.policy_successor else p.status.value
            review = "" if self.corpus.is_retired(p) else time_html(p.review_due)
            rows.append(
                f'<tr data-status="{esc(status)}" data-owner="{esc(p.owner)}" data-audience="{esc(" ".join(p.audience))}" data-tags="{esc(" ".join(p.tags))}">'
                f"<td>{self._link(src, self.policy_src(p), p.title)}</td>"
                f"<td>{p.version}</td><td>{esc(status)}</td><td>{esc(self.corpus.owner_name(p.owner))}</td>"
                f"<td>{time_html(p.effective)}</td><td>{review}</td></tr>"
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
            members = sorted(
                (d for d in corpus.decisions.values() if corpus.decision_status(d) is group),
                key=lambda d: d.number,
                reverse=True,
            )
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
                    f"<td>{group.value}</td><td>{time_html(d.date)}</td></tr>"
                )
            parts += [f"## {group.value.capitalize()}", "", _table("hb-decision-log", head, rows), ""]
        return "\n".join(parts)

    def policy_register_json(self) -> str:
        corpus = self.corpus
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
                    "url": self.urls.page(self.policy_src(p)),
                }
            )
        return _json({"policies": items})

    def decision_register_json(self) -> str:
        corpus = self.corpus
        items = []
        for d in corpus.decisions.values():
            successor = corpus.decision_successor.get(d.number)
            items.append(
                {
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
                }
            )
        return _json({"decisions": items})

    # -- reading lists ----------------------------------------------------------
    def reading_list(
        self, audiences: Iterable[str], reading_order: Sequence[str] = (), *, explicit: bool = False
    ) -> list[Policy]:
        """Policies in force for any of `audiences`: those named in `reading_order` first, in that
        order, then by priority and title. With `explicit`, a named policy is listed whatever its audience."""
        corpus = self.corpus
        wanted = set(audiences)
        in_force = [p for p in corpus.published_policies if not corpus.is_retired(p)]
        named = [corpus.policies[i] for i in dict.fromkeys(reading_order) if i in corpus.policies]
        named = [p for p in named if p in in_force and (explicit or wanted & set(p.audience))]
        rest = [p for p in in_force if p not in named and wanted & set(p.audience)]
        rest.sort(key=lambda p: (p.priority is None, p.priority or 0, p.title.lower()))
        return named + rest

    def reading_list_audiences(self) -> list[str]:
        """The audiences that get a reading list page: each with a policy in force, but new hires,
        whose list is Start here."""
        return [a for a in self.corpus.settings.audiences if a != NEW_HIRES and self.reading_list(with_all_staff(a))]

    def start_here(self, reading_order: Sequence[str] = (), audiences: tuple[str, ...] = (NEW_HIRES, ALL_STAFF)) -> str:
        corpus = self.corpus
        src = START_HERE
        reading = self.reading_list(audiences, reading_order, explicit=True)
        parts = [
            *_NOT_SEARCHED,
            "# Start here",
            "",
            "Welcome. These are the policies to read in your first weeks, in this order; then the decisions "
            "that shape daily work and the latest news. Tick each policy as you read it: the ticks stay in "
            "this browser only, and nothing is sent anywhere.",
            "",
            self._checklist(src, reading, "start-here"),
            "",
        ]
        accepted = [d for d in corpus.decisions.values() if corpus.decision_status(d) is DecisionStatus.ACCEPTED]
        if accepted:
            parts += [
                "## Decisions that shape daily work",
                "",
                "Why we work the way we do: the decisions in force, oldest first.",
                "",
            ]
            for d in sorted(accepted, key=lambda d: d.number):
                shaped = [
                    corpus.policies[p] for p in d.policies if p in corpus.policies and not corpus.policies[p].is_draft
                ]
                shapes = (
                    f": shaped {', '.join(f'[{md_text(p.title)}]({_md_path(src, self.policy_src(p))})' for p in shaped)}"
                    if shaped
                    else ""
                )
                parts.append(
                    f"- [{d.label} {md_text(d.title)}]({_md_path(src, self.decision_src(d))}), {time_html(d.date)}{shapes}"
                )
            parts.append("")
        parts += self._latest_posts(src)
        lists = self.reading_list_audiences()
        if lists:
            parts += ["## Reading lists by role", "", "Once you know your team, read what applies to it:", ""]
            parts += [self._reading_list_item(src, a) for a in lists]
            parts.append("")
        return "\n".join(parts)

    def audience_reading_list(
        self, audience: str, reading_order: Sequence[str] = (), feeds: Sequence[tuple[str, str]] = ()
    ) -> str:
        """The page `reading/<audience>.md`: the policies in force for that audience (and for all staff),
        the decisions behind them, and how to follow their changes."""
        corpus = self.corpus
        src = reading_list_src(audience)
        reading = self.reading_list(with_all_staff(audience), reading_order)
        who = audience_title(audience)
        parts = [
            *_NOT_SEARCHED,
            f"# Reading list: {md_text(who)}",
            "",
            f"The {len(reading)} polic{'y' if len(reading) == 1 else 'ies'} in force for {md_text(who.lower())}"
            + (" and for all staff" if audience != ALL_STAFF and ALL_STAFF in corpus.settings.audiences else "")
            + ", in reading order. Tick each one as you read it; the ticks are shared with the Start here page and stay in this browser.",
            "",
            self._checklist(src, reading, f"reading-{audience}"),
            "",
        ]
        ids = {p.id for p in reading}
        behind = [
            d
            for d in corpus.decisions.values()
            if ids & set(d.policies) and corpus.decision_status(d) in CURRENT_DECISIONS
        ]
        if behind:
            parts += ["## Decisions behind these policies", ""]
            parts += [
                f"- [{d.label} {md_text(d.title)}]({_md_path(src, self.decision_src(d))}) ({corpus.decision_status(d).value}, {time_html(d.date)})"
                for d in sorted(behind, key=lambda d: d.number)
            ]
            parts.append("")
        if feeds:
            parts += [
                "## Follow changes",
                "",
                "Every new version of these policies is announced in this reading list's own feed:",
                "",
            ]
            parts.append(
                " · ".join(f'<a href="{esc(self.urls.relative(src, path))}">{esc(label)}</a>' for label, path in feeds)
            )
            parts.append("")
        parts += ["## Other reading lists", ""]
        parts.append(f"- [Start here]({_md_path(src, START_HERE)}): for new hires")
        parts += [self._reading_list_item(src, a) for a in self.reading_list_audiences() if a != audience]
        parts.append("")
        return "\n".join(parts)

    def reading_lists_index(self) -> str:
        """The page `reading/index.md`: every reading list, Start here first."""
        src = READING_INDEX
        parts = [
            *_NOT_SEARCHED,
            "# Reading lists",
            "",
            "What to read, by role: the policies in force for each audience, in reading order.",
            "",
            f"- [Start here]({_md_path(src, START_HERE)}): for new hires",
        ]
        parts += [self._reading_list_item(src, a) for a in self.reading_list_audiences()]
        parts.append("")
        return "\n".join(parts)

    def _reading_list_item(self, src: str, audience: str) -> str:
        count = len(self.reading_list(with_all_staff(audience)))
        return f"- [{md_text(audience_title(audience))}]({_md_path(src, reading_list_src(audience))}): {count} polic{'y' if count == 1 else 'ies'}"

    def _checklist(self, src: str, reading: Sequence[Policy], name: str) -> str:
        """A printable checklist whose ticks handbook.js keeps in localStorage, keyed by policy and
        version: a new version of a policy asks to be read again."""
        if not reading:
            return '<p class="hb-reading-empty">No policy is on this list yet.</p>'
        total = sum(reading_minutes(p.body) for p in reading)
        items = []
        for number, p in enumerate(reading, start=1):
            box_id = f"hb-read-{name}-{number}"
            ack = ' <span class="hb-ack">confirm you have read it</span>' if p.acknowledge else ""
            items.append(
                f'<li><input type="checkbox" class="hb-check" id="{esc(box_id)}" data-key="{esc(p.id)}@{p.version}" '
                f'aria-label="{esc(f"Read: {p.title}")}"> '
                f"{self._link(src, self.policy_src(p), p.title)} "
                f'<span class="hb-minutes">{reading_minutes(p.body)} min read</span>{ack}'
                f'<br><span class="hb-reading-summary">{esc(p.summary)}</span></li>'
            )
        return "\n".join(
            [
                f'<div class="hb-checklist" data-checklist="{esc(name)}">',
                f'<p class="hb-checklist__about">{len(reading)} polic{"y" if len(reading) == 1 else "ies"}, about {total} minutes of reading. '
                '<span class="hb-checklist__progress" aria-live="polite"></span></p>',
                '<ol class="hb-reading-list">',
                *items,
                "</ol>",
                '<p class="hb-checklist__actions" hidden><button type="button" class="md-button" data-hb-print>Print this checklist</button> '
                '<button type="button" class="md-button" data-hb-clear>Clear my ticks</button></p>',
                "</div>",
            ]
        )

    def _latest_posts(self, src: str, count: int = 5) -> list[str]:
        posts = self.corpus.published_posts[:count]
        if not posts:
            return []
        parts = ["## Latest posts", ""]
        parts += [f"- [{md_text(p.title)}]({_md_path(src, self._post_src(p))}), {time_html(p.date)}" for p in posts]
        parts.append("")
        return parts

    def _post_src(self, post: Post) -> str:
        return docs_relative(post.path, self.corpus.settings.docs_dir)

    # -- what changed ---------------------------------------------------------------
    def recent_changes(
        self,
        from_src: str,
        *,
        history: History | None = None,
        version_page: Callable[[str, int], str | None] = lambda policy_id, number: None,
        feeds: Sequence[tuple[str, str]] = (),
        feeds_page: str | None = None,
        limit: int = 5,
    ) -> str:
        """The home page's "What changed recently" section (Markdown for the page `from_src`): the
        `limit` newest policy versions with what changed, new and newly superseded decisions and
        new posts, each kind under its own heading; then the feeds.

        `version_page(policy_id, number)` gives the source path of a version's page (its diff), if any;
        `feeds` are (label, site path) pairs and `feeds_page` the source path of the page listing them.
        """
        changes = sorted(
            self._changes(from_src, history or History(), version_page),
            key=lambda c: (c.order, -c.day.toordinal(), -c.tiebreak.toordinal(), c.text),
        )
        parts = [
            '<div class="hb-changes" data-pagefind-ignore markdown="1">',
            "",
            "## What changed recently",
            "",
        ]
        for order, heading in enumerate(("New policy versions", "Decisions", "Posts")):
            lines = [c.text for c in changes if c.order == order][:limit]
            if lines:
                parts += [f"### {heading}", "", *(f"- {line}" for line in lines), ""]
        if not changes:
            parts += ["Nothing has been published yet.", ""]
        if feeds or feeds_page:
            line = "Get these changes in your feed reader"
            if feeds:
                line += ": " + " · ".join(
                    f'<a href="{esc(self.urls.relative(from_src, path))}">{esc(label)}</a>' for label, path in feeds
                )
            if feeds_page:
                line += f". [Every feed, and what each carries]({_md_path(from_src, feeds_page)})"
            parts += ['<p class="hb-changes__subscribe" markdown="1">' + line + ".</p>", ""]
        parts += ["</div>", ""]
        return "\n".join(parts)

    def _changes(self, src: str, history: History, version_page: Callable[[str, int], str | None]) -> Iterable[_Change]:
        corpus = self.corpus
        for policy in corpus.published_policies:
            link = f"[{md_text(policy.title)}]({_md_path(src, self.policy_src(policy))})"
            versions = [v for v in history.versions.get(policy.id, ()) if v.status != PolicyStatus.DRAFT.value]
            # (number, status, what changed, published, effective) of each version; without git, today's.
            entries: list[tuple[int, str, str, dt.date | None, dt.date | None]] = [
                (v.number, v.status, v.changes, v.published.date(), v.effective) for v in versions
            ] or [(policy.version, policy.status.value, policy.changes, None, policy.effective)]
            for number, status, changes, published, effective in entries:
                # Dated by publication (git); a version published before it takes effect says when.
                day = published or policy.effective
                effective_note = f" (effective {time_html(effective)})" if effective and effective != day else ""
                what = "retired" if status == PolicyStatus.RETIRED.value else f"version {number}"
                diff = version_page(policy.id, number)
                see = f" [See what changed]({_md_path(src, diff)})" if diff else ""
                replaces = ""
                old = corpus.policies.get(policy.supersedes or "")
                if old is not None and number == entries[0][0]:
                    replaces = f" It replaces [{md_text(old.title)}]({_md_path(src, self.policy_src(old))})."
                yield _Change(
                    day,
                    0,
                    f"{time_html(day)} · {link}, {what}{effective_note}: {md_text(changes)}{replaces}{see}",
                    effective or day,
                )
        for decision in corpus.decisions.values():
            link = f"[{decision.label} {md_text(decision.title)}]({_md_path(src, self.decision_src(decision))})"
            recorded = history.status_changes.get(decision.number, ())
            if recorded:
                state = recorded[0].status
            else:
                # Without git, only today's status is known.
                now = corpus.decision_status(decision)
                state = "since superseded" if now is DecisionStatus.SUPERSEDED else now.value
            replaced = [
                corpus.decisions[n]
                for n in decision.supersedes
                if n in corpus.decisions and corpus.decision_successor.get(n) == decision.number
            ]
            also = ""
            if replaced:
                also = (
                    " It supersedes "
                    + ", ".join(
                        f"[{d.label} {md_text(d.title)}]({_md_path(src, self.decision_src(d))})" for d in replaced
                    )
                    + "."
                )
            yield _Change(decision.date, 1, f"{time_html(decision.date)} · {link}, {state}.{also}")
            for before, change in zip(recorded, recorded[1:], strict=False):
                if change.status == before.status:
                    continue
                day = change.date.date()
                by = corpus.decision_successor.get(decision.number)
                successor = ""
                if change.status == DecisionStatus.SUPERSEDED.value and by is not None:
                    s = corpus.decisions[by]
                    successor = f" by [{s.label} {md_text(s.title)}]({_md_path(src, self.decision_src(s))})"
                yield _Change(day, 1, f"{time_html(day)} · {link} is now {change.status}{successor}.")
        for post in corpus.published_posts:
            yield _Change(
                post.date, 2, f"{time_html(post.date)} · [{md_text(post.title)}]({_md_path(src, self._post_src(post))})"
            )


@dataclass(frozen=True)
class _Change:
    """One line of "What changed recently": `order` is its section (policies, decisions, posts);
    lines are newest first by `day`, then by `tiebreak` (a version's effective date)."""

    day: dt.date
    order: int
    text: str
    tiebreak: dt.date = dt.date.min


def reading_list_src(audience: str) -> str:
    return f"{READING_DIR}/{audience}.md"


def owner_src(owner_id: str) -> str:
    """The source path of an owner's page: their policies and the reviews falling due."""
    return f"owners/{owner_id}.md"


def audience_title(audience: str) -> str:
    """`support-leads` -> `Support leads`."""
    words = audience.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def with_all_staff(audience: str) -> tuple[str, ...]:
    return (audience, ALL_STAFF)


def _md_path(from_src: str, to_src: str) -> str:
    """A Markdown link target from one source page to another; mkdocs turns it into the page's URL."""
    return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")


def _title_index(lines: list[str]) -> int:
    """The index of the first `# Title` line outside code blocks, as the loader finds the title."""
    fenced = False
    for index, line in enumerate(lines):
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
        elif not fenced and re.match(r"^#\s+\S", line):
            return index
    return 0


def docs_relative(path: str, docs_dir: str) -> str:
    """`docs/blog/posts/x.md` -> `blog/posts/x.md`: a path under docs_dir as mkdocs names it."""
    prefix = docs_dir.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else path


def time_html(day: object) -> str:
    """A date as `<time datetime=...>`, so that the reader's browser can compare it with today."""
    text = day.isoformat() if hasattr(day, "isoformat") else str(day)
    return f'<time datetime="{text}">{text}</time>'


def _status_html(status: str) -> str:
    return f'<span class="hb-status hb-status--{esc(status)}">{esc(status)}</span>'


def _record_status_html(status: str) -> str:
    """The record's status today, in its header block: a search filter and shown in results."""
    return f'<span class="hb-status hb-status--{esc(status)}" data-pagefind-filter="status" data-pagefind-meta="status">{esc(status)}</span>'


def _standing_html(archived: bool) -> str:
    return f'<span hidden data-pagefind-filter="standing:{"archived" if archived else "current"}"></span>'


def _banner(kind: str, title: str, text_html: str) -> str:
    return f'<div class="admonition {kind} hb-banner" role="note">\n<p class="admonition-title">{esc(title)}</p>\n<p>{text_html}</p>\n</div>\n'


def _facts(facts: list[tuple[str, str]]) -> str:
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in facts)
    # Not searched as text (it would start every excerpt); its filters and meta still count.
    return f'<dl class="hb-facts" data-pagefind-ignore>{items}</dl>'


def _table(table_class: str, head: str, rows: list[str]) -> str:
    body = "\n".join(rows)
    return f'<table class="hb-register {table_class}">\n<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table>'


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
