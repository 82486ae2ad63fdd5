"""A feedback record's page (its journey from git, what was done and where), and the lists of
feedback that decision and policy pages show: the links both ways."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Sequence

from ..checks.feedback import changed_on
from ..history import History
from ..records import Feedback, FeedbackStatus, Post
from .context import Context
from .html import banner, esc, facts, kind_attributes, md_text, record_status_html, standing_html, time_html
from .journey import FINAL, Journey, journey
from .pageparts import PageParts, Part, Placed
from .paths import decision_src, docs_relative, feedback_src, md_path, policy_src, public_page_url, version_src

# What a record's outcome is called on its pages, by its status.
OUTCOME_LABELS = {
    FeedbackStatus.RECEIVED: "Notes",
    FeedbackStatus.REVIEWING: "Where it stands",
    FeedbackStatus.PLANNED: "What we plan",
    FeedbackStatus.CHANGED: "What we changed",
    FeedbackStatus.DECLINED: "Why not",
}
STAGE_LABELS = {
    "received": "Received",
    "reviewing": "Reviewing",
    "planned": "Planned",
    "declined": "Declined",
    "changed": "Changed",
    "told": "Customers told",
}


def owner_html(ctx: Context, owner_id: str, *, filter_owner: bool = False) -> str:
    owner = ctx.corpus.owners.get(owner_id)
    name = owner.name if owner else owner_id
    attribute = ' data-pagefind-filter="owner"' if filter_owner else ""
    if owner is None:
        return f"<span{attribute}>{esc(name)}</span>"
    return f'<a href="mailto:{esc(owner.email)}"{attribute}>{esc(name)}</a>'


def published_post(ctx: Context, path: str) -> Post | None:
    """The published post a record names (`returns-form.md`, under the posts folder), if any:
    a draft never reaches the site, not even by its title."""
    settings = ctx.corpus.settings
    wanted = posixpath.normpath(posixpath.join(settings.posts_dir, path))
    return next((p for p in ctx.corpus.posts if p.path == wanted and (ctx.show_drafts or not p.draft)), None)


def acted_on(ctx: Context, src: str, feedback: Feedback, *, short: bool = False) -> list[str]:
    """Markdown links to the decisions, policy versions and posts that acted on the record (the
    site generator turns a post's source path into its address); a name that is no record is
    text. `short` (the register): decisions by number, with their title as the link's title."""
    corpus = ctx.corpus
    links: list[str] = []
    for number in feedback.decisions:
        decision = corpus.decisions.get(number)
        if decision is None:
            links.append(f"decision {number:04d}")
            continue
        target = md_path(src, decision_src(decision.id))
        if short:
            links.append(f'[Decision {decision.label}]({target} "{_md_title(decision.title)}")')
        else:
            links.append(f"[Decision {decision.label}: {md_text(decision.title)}]({target})")
    for ref in feedback.policies:
        policy = corpus.policies.get(ref.id)
        if policy is None or (policy.is_draft and not ctx.show_drafts):
            links.append(md_text(ref.id) + (f" version {ref.version}" if ref.version else ""))
            continue
        target = policy_src(policy.id)
        history = ctx.history.versions.get(policy.id, ()) if ctx.history else ()
        if ref.version is not None and any(v.number == ref.version for v in history):
            target = version_src(policy.id, ref.version)
        version = f", version {ref.version}" if ref.version is not None else ""
        label = "" if short else "Policy: "
        links.append(f"[{label}{md_text(policy.title)}{version}]({md_path(src, target)})")
    for path in feedback.posts:
        post = published_post(ctx, path)
        if post is None:
            links.append(md_text(path))
        else:
            target = docs_relative(post.path, corpus.settings.docs_dir)
            links.append(f"[Post: {md_text(post.title)}]({md_path(src, target)})")
    return links


def _md_title(text: str) -> str:
    """Text for a Markdown link's "title": escaped, its quotes too."""
    return esc(text).replace("\\", "\\\\")


def tell_due(ctx: Context, record: Journey) -> dt.date | None:
    """When the customers of a changed record must be told by, while they are not told yet: as
    `handbook check` reckons it (HB120), `tell_within_days` after the change was made."""
    feedback = record.feedback
    if feedback.status is not FeedbackStatus.CHANGED or feedback.told is not None:
        return None
    day, _ = changed_on(ctx.corpus, ctx.history or History(), feedback)
    return day + dt.timedelta(days=ctx.corpus.settings.feedback.tell_within_days)


def review_due(ctx: Context, feedback: Feedback) -> dt.date | None:
    """When a record still `received` must be reviewed by (`review_within_days` after it came in)."""
    if feedback.status is not FeedbackStatus.RECEIVED:
        return None
    return feedback.received + dt.timedelta(days=ctx.corpus.settings.feedback.review_within_days)


def due_attributes(ctx: Context, record: Journey) -> str:
    """`data-feedback-due` and what is due, for the browser to compare with the reader's day."""
    if (due := tell_due(ctx, record)) is not None:
        return f' data-feedback-due="{due.isoformat()}" data-feedback-due-what="tell"'
    if (due := review_due(ctx, record.feedback)) is not None:
        return f' data-feedback-due="{due.isoformat()}" data-feedback-due-what="review"'
    return ""


def told_text(feedback: Feedback) -> str:
    told = feedback.told
    if told is None:
        return ""
    who = (
        f"{told.customers} customer{'' if told.customers == 1 else 's'}" if told.customers is not None else "customers"
    )
    how = f" by {told.how}" if told.how else ""
    return f"{who} told{how}"


def feedback_page(ctx: Context, feedback: Feedback) -> PageParts:
    """The record's page: its title, facts, outcome, journey from git, the records that acted on
    it, and its text."""
    src = feedback_src(feedback.id)
    record = journey(ctx.corpus, feedback, ctx.history)
    channels = ", ".join(feedback.channels) or "not recorded"
    listed = [
        ("Status", record_status_html(feedback.status.value)),
        ("Theme", f'<span data-pagefind-filter="theme">{esc(feedback.theme)}</span>'),
        ("Owner", owner_html(ctx, feedback.owner, filter_owner=True)),
        ("Received", f'{time_html(feedback.received)} <span class="hb-age" data-since="{feedback.received}"></span>'),
        ("Raised by", f"{feedback.raised} customer{'' if feedback.raised == 1 else 's'}"),
        ("Channels", esc(channels)),
        ("Customer page", _public_html(ctx, src, feedback)),
    ]
    parts, placed = [f"# {md_text(feedback.title)}", ""], Placed()
    if feedback.status is FeedbackStatus.DECLINED:
        parts += [
            placed.raw(
                banner("info hb-declined", "Declined", "We decided not to act on this feedback: see why below.")
            ),
            "",
        ]
    header = [
        f'<div class="hb-record hb-feedback"{due_attributes(ctx, record)} data-feedback="{esc(feedback.id)}" '
        f"{kind_attributes('Feedback')}>",
        standing_html(feedback.status in FINAL),
        facts(listed),
        _outcome(feedback),
        _journey_html(record),
        "</div>",
    ]
    parts += [placed.raw("\n".join(h for h in header if h)), ""]
    body = feedback.body.strip()
    if body:
        parts += [placed.place(Part(body)), ""]
    links = acted_on(ctx, src, feedback)
    if links:
        parts += ["## What acted on it", "", *[f"- {link}" for link in links], ""]
    return PageParts("", "\n".join(parts), tuple(placed.parts), shared=False)


def _public_html(ctx: Context, src: str, feedback: Feedback) -> str:
    if not feedback.public:
        return "not shown"
    if feedback.status not in FINAL:
        return "shown once changed or declined"
    return f'<a href="{esc(ctx.urls.relative(src, public_page_url(ctx.urls)))}">shown</a>'


def _outcome(feedback: Feedback) -> str:
    said = []
    if feedback.outcome.strip():
        said.append(
            f'<p class="hb-outcome"><strong>{OUTCOME_LABELS[feedback.status]}:</strong> '
            f"{esc(feedback.outcome.strip())}</p>"
        )
    if feedback.told is not None:
        said.append(f'<p class="hb-told"><strong>Customers told</strong> on {time_html(feedback.told.date)}: '
                    f"{esc(told_text(feedback))}.</p>")  # fmt: skip
    return "\n".join(said)


def _journey_html(record: Journey) -> str:
    """The stages as a list (each dated, passed or still to come), then every status change from git."""
    current = record.feedback.status.value
    steps = []
    for stage in record.stages:
        state = "reached" if stage.reached else "to-come"
        mark = ' aria-current="step"' if stage.name == current else ""
        when = time_html(stage.date) if stage.date else ("skipped" if stage.passed else "not yet")
        steps.append(
            f'<li class="hb-stage hb-stage--{state}"{mark}>'
            f'<span class="hb-stage-name">{STAGE_LABELS[stage.name]}</span> '
            f'<span class="hb-stage-date">{when}</span></li>'
        )
    changes = []
    for change in record.changes:
        by = f" by {esc(change.author)}" if change.author else ""
        changes.append(f'<li>{time_html(change.date.date())} <span class="hb-status hb-status--{esc(change.status)}">'
                       f"{esc(change.status)}</span>{by}</li>")  # fmt: skip
    return (
        '<div class="hb-journey-box"><p class="hb-timeline-title"><strong>Journey</strong></p>'
        f'<ol class="hb-journey">{"".join(steps)}</ol>'
        '<details class="hb-status-history"><summary>Every status change</summary>'
        f'<ol class="hb-timeline">{"".join(changes)}</ol></details></div>'
    )


# -- links both ways -------------------------------------------------------------------------


def feedback_list(src: str, found: Sequence[Feedback], heading: str) -> list[str]:
    """A record page's section listing the feedback that led to it (nothing when there is none)."""
    if not found:
        return []
    lines = [f"## {heading}", ""]
    for f in sorted(found, key=lambda f: (f.received, f.id)):
        lines.append(
            f"- [{md_text(f.title)}]({md_path(src, feedback_src(f.id))}) ({f.status.value}, raised by {f.raised})"
        )
    return [*lines, ""]
