"""The site's "Handbook health" page and one page per owner, as Markdown, free of mkdocs.

Builds are deterministic, so nothing here depends on the build's date: the pages carry each
review's due date (`data-review-due`) and `assets/handbook.js` works out, in the reader's
browser and for the reader's day, which reviews are overdue or due soon, draws the charts, and
puts the overdue banner on policy pages. Without JavaScript the pages still list every review
date. A draft never reaches the site: the health page gives only their number.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..cache import Cache
from ..checks import Finding, run_checks
from ..history import History
from ..loading import Corpus
from ..records import Decision, Policy
from .context import Context
from .feeds.names import feed_files, owner_feed
from .funnel import health_section
from .html import esc
from .journey import feedback_on, funnel
from .paths import HEALTH_PAGE, OWNERS_INDEX, Urls, owner_src

# Reviews charted ahead of the reader's day.
HORIZON_DAYS = 90
# What the page lists under "Duplicates found": two files claiming one policy, version numbers
# reused or going backwards, near and exact copies.
DUPLICATES = ("HB201", "HB202", "HB203", "HB205", "HB206")


def duplicates(corpus: Corpus, history: History, *, cache: Cache | None = None) -> list[Finding]:
    """The findings the page lists, as `handbook check` finds them: those that depend on no
    date (the same commit builds the same page any day), among published records only."""
    return run_checks(corpus, history, today=None, cache=cache, select=DUPLICATES, published_only=True)


@dataclass(frozen=True)
class HealthPages:
    """The health page and the owners' pages of one handbook."""

    corpus: Corpus
    history: History
    urls: Urls = Urls()
    # The checks' findings (`duplicates`): the page lists those of DUPLICATES that name no draft.
    findings: Sequence[Finding] = ()

    def files(self) -> Iterator[tuple[str, str]]:
        """(source path, Markdown) of every page: health.md, owners/index.md, owners/<id>.md."""
        yield HEALTH_PAGE, self.health_page()
        yield OWNERS_INDEX, self.owners_index()
        for owner_id in sorted(self.corpus.owners):
            yield owner_src(owner_id), self.owner_page(owner_id)

    # -- what the pages show ------------------------------------------------------------------
    @functools.cached_property
    def _in_force(self) -> list[Policy]:
        corpus = self.corpus
        policies = [p for p in corpus.policies.values() if not p.is_draft and not corpus.is_retired(p)]
        return sorted(policies, key=lambda p: (p.review_due, p.title.lower(), p.id))

    def in_force(self) -> list[Policy]:
        """Policies in force, soonest review first."""
        return list(self._in_force)

    def duplicate_findings(self) -> list[Finding]:
        """Duplicates among published records only: a draft's name never reaches the site."""
        found = [f for f in self.findings if f.code in DUPLICATES]
        drafts = {p.path for p in self.corpus.drafts}
        keep = [f for f in found if f.path not in drafts and not any(d in f.message for d in drafts)]
        return sorted(keep, key=Finding.sort_key)

    # -- pages ----------------------------------------------------------------------------------
    def health_page(self) -> str:
        corpus = self.corpus
        src = HEALTH_PAGE
        policies = self.in_force()
        due_soon = corpus.settings.due_soon_days
        drafts = len(corpus.drafts)
        parts = [
            "---",
            "search:",
            "  exclude: true",
            "---",
            "# Handbook health",
            "",
            # Settings for the script; the page's own Markdown stays outside any HTML block.
            f'<div class="hb-health" data-due-soon-days="{due_soon}" data-horizon-days="{HORIZON_DAYS}" hidden></div>',
            "",
            f'<p class="hb-health-today">Reviews are counted against today\'s date in your browser'
            f'<span class="hb-today"></span>. {len(policies)} policies are in force; each has its next review date '
            "below.</p>",
            "",
            "## Overdue reviews",
            "",
            '<div class="hb-health-overdue"><p class="hb-js-note">The overdue reviews are worked out in your browser: '
            "turn on JavaScript, or compare the review dates below with today's.</p></div>",
            "",
            f"## Reviews due in the next {HORIZON_DAYS} days",
            "",
            '<div class="hb-charts">',
            '<figure class="hb-chart" data-chart="month"><figcaption>By month</figcaption></figure>',
            '<figure class="hb-chart" data-chart="owner"><figcaption>By owner</figcaption></figure>',
            "</div>",
            "",
            "## Duplicates found",
            "",
            self._duplicates_list(src),
            "",
            "## Drafts waiting",
            "",
            f'<p class="hb-drafts" data-drafts="{drafts}">'
            + (
                f"{drafts} draft{'s are' if drafts != 1 else ' is'} being written and not yet published."
                if drafts
                else "No draft is waiting."
            )
            + "</p>",
            "",
            *self._feedback_section(),
            "## Every review date",
            "",
            "Soonest first. Each owner's reviews are also on their page: see the "
            f"{self._link(src, OWNERS_INDEX, 'owners')}.",
            "",
            self._review_table(src, policies, show_owner=True),
            "",
        ]
        return "\n".join(parts)

    def owners_index(self) -> str:
        corpus = self.corpus
        src = OWNERS_INDEX
        counts: dict[str, int] = {}
        for policy in self.in_force():
            counts[policy.owner] = counts.get(policy.owner, 0) + 1
        rows = [
            f"<tr><td>{self._link(src, owner_src(o.id), o.name)}</td><td>{counts.get(o.id, 0)}</td></tr>"
            for o in sorted(corpus.owners.values(), key=lambda o: o.name.lower())
        ]
        return "\n".join([
            "---", "search:", "  exclude: true", "---",
            "# Owners",
            "",
            "Who answers for each policy, and when their reviews fall due. The "
            f"{self._link(src, HEALTH_PAGE, 'handbook health')} page has the whole picture.",
            "",
            '<table class="hb-register hb-owners">',
            "<thead><tr><th>Owner</th><th>Policies in force</th></tr></thead>",
            "<tbody>", *rows, "</tbody>", "</table>", "",
        ])  # fmt: skip

    def owner_page(self, owner_id: str) -> str:
        corpus = self.corpus
        owner = corpus.owners[owner_id]
        src = owner_src(owner_id)
        mine = [p for p in self.in_force() if p.owner == owner_id]
        contact = f'<a href="mailto:{esc(owner.email)}">{esc(owner.email)}</a>, {esc(owner.handle)}'
        parts = [
            "---", "search:", "  exclude: true", "---",
            f"# {esc(owner.name)}",
            "",
            f"<p>Owner of {len(mine)} polic{'ies' if len(mine) != 1 else 'y'} in force. Contact: {contact}.</p>",
            "",
            f'<div class="hb-health hb-owner" data-due-soon-days="{corpus.settings.due_soon_days}" '
            f'data-horizon-days="{HORIZON_DAYS}" hidden></div>',
            "",
            '<p class="hb-owner-due" hidden></p>',
            "",
            "<p>Reminders of these reviews, each when it falls due soon: "
            + " · ".join(
                f'<a href="{esc(self.urls.relative(src, path))}">{name}</a>'
                for name, path in feed_files(owner_feed(owner_id))
            )
            + ".</p>",
            "",
            "## Reviews",
            "",
            "Soonest first: the reviews overdue or due soon are marked.",
            "",
            self._review_table(src, mine, show_owner=False) if mine else "<p>No policy in force.</p>",
            "",
        ]  # fmt: skip
        return "\n".join(parts)

    # -- parts ----------------------------------------------------------------------------------
    def _feedback_section(self) -> list[str]:
        """The funnel's latest quarter and the feedback waiting (a handbook that keeps feedback)."""
        if not feedback_on(self.corpus):
            return []
        ctx = Context(self.corpus, self.urls, history=self.history)
        return health_section(ctx, funnel(self.corpus, self.history))

    def _link(self, from_src: str, to_src: str, text: str) -> str:
        return f'<a href="{esc(self.urls.link(from_src, to_src))}">{esc(text)}</a>'

    def _review_table(self, src: str, policies: list[Policy], *, show_owner: bool) -> str:
        corpus = self.corpus
        rows = []
        for p in policies:
            due = p.review_due.isoformat()
            owner = corpus.owners.get(p.owner)
            owner_cell = self._link(src, owner_src(p.owner), owner.name) if owner else esc(corpus.owner_name(p.owner))
            rows.append(
                f'<tr data-review-due="{due}" data-owner="{esc(p.owner)}" '
                f'data-owner-name="{esc(corpus.owner_name(p.owner))}">'
                f"<td>{self._link(src, f'policies/{p.id}.md', p.title)}</td><td>{p.version}</td>"
                + (f"<td>{owner_cell}</td>" if show_owner else "")
                + f'<td><time datetime="{due}">{due}</time></td><td class="hb-review-state"></td></tr>'
            )
        head = (
            "<tr><th>Policy</th><th>Version</th>"
            + ("<th>Owner</th>" if show_owner else "")
            + "<th>Next review</th><th></th></tr>"
        )
        body = "\n".join(rows)
        return f'<table class="hb-register hb-reviews">\n<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table>'

    def _duplicates_list(self, src: str) -> str:
        found = self.duplicate_findings()
        if not found:
            return "<p>None found: no two policies claim the same ground, and no text is a copy of another.</p>"
        by_path: dict[str, Policy | Decision] = {p.path: p for p in self.corpus.policies.values()}
        by_path.update({d.path: d for d in self.corpus.decisions.values()})
        items = []
        for f in found:
            record = by_path.get(f.path)
            target = (
                f"policies/{record.id}.md" if isinstance(record, Policy) else f"decisions/{posixpath.basename(f.path)}"
            )
            title = record.title if record is not None else f.path
            items.append(f"<li>{self._link(src, target, title)} <code>{esc(f.code)}</code>: {esc(f.message)}</li>")
        return '<ul class="hb-duplicates">\n' + "\n".join(items) + "\n</ul>"
