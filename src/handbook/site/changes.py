"""The home page's "What changed recently": new policy versions, decisions and posts, newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..history import History
from ..records import DecisionStatus, PolicyStatus
from .context import Context
from .html import day_html, esc, md_text, time_html
from .paths import decision_src, docs_relative, md_path, policy_src

# Where the section goes: authors put this line in a page of their own (docs/index.md).
CHANGES_MARKER = "<!-- handbook:changes -->"


@dataclass(frozen=True)
class _Change:
    """One line of "What changed recently": `order` is its section (policies, decisions, posts);
    lines are newest first by `day`, then by `tiebreak` (a version's effective date)."""

    day: dt.date
    order: int
    text: str
    tiebreak: dt.date = dt.date.min


def recent_changes(
    ctx: Context,
    from_src: str,
    *,
    history: History | None = None,
    version_page: Callable[[str, int], str | None] = lambda policy_id, number: None,
    feeds: Sequence[tuple[str, str]] = (),
    feeds_page: str | None = None,
    limit: int = 5,
) -> str:
    """The section (Markdown for the page `from_src`): the `limit` newest policy versions with
    what changed, new and newly superseded decisions and new posts, each kind under its own
    heading; then the feeds.

    `version_page(policy_id, number)` gives the source path of a version's page (its diff), if any;
    `feeds` are (label, site path) pairs and `feeds_page` the source path of the page listing them.
    """
    changes = sorted(
        _changes(ctx, from_src, history or History(), version_page),
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
                f'<a href="{esc(ctx.urls.relative(from_src, path))}">{esc(label)}</a>' for label, path in feeds
            )
        if feeds_page:
            line += f". [Every feed, and what each carries]({md_path(from_src, feeds_page)})"
        parts += ['<p class="hb-changes__subscribe" markdown="1">' + line + ".</p>", ""]
    parts += ["</div>", ""]
    return "\n".join(parts)


def _changes(
    ctx: Context, src: str, history: History, version_page: Callable[[str, int], str | None]
) -> Iterable[_Change]:
    corpus = ctx.corpus
    for policy in corpus.published_policies:
        link = f"[{md_text(policy.title)}]({md_path(src, policy_src(policy.id))})"
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
            see = f" [See what changed]({md_path(src, diff)})" if diff else ""
            replaces = ""
            old = corpus.policies.get(policy.supersedes or "")
            if old is not None and number == entries[0][0]:
                replaces = f" It replaces [{md_text(old.title)}]({md_path(src, policy_src(old.id))})."
            yield _Change(
                day,
                0,
                f"{time_html(day)} · {link}, {what}{effective_note}: {md_text(changes)}{replaces}{see}",
                effective or day,
            )
    for decision in corpus.decisions.values():
        link = f"[{decision.label} {md_text(decision.title)}]({md_path(src, decision_src(decision.id))})"
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
                + ", ".join(f"[{d.label} {md_text(d.title)}]({md_path(src, decision_src(d.id))})" for d in replaced)
                + "."
            )
        # An undated decision (`date: unknown`) sorts after every dated change.
        yield _Change(decision.date or dt.date.min, 1, f"{day_html(decision.date)} · {link}, {state}.{also}")
        for before, change in zip(recorded, recorded[1:], strict=False):
            if change.status == before.status:
                continue
            day = change.date.date()
            by = corpus.decision_successor.get(decision.number)
            successor = ""
            if change.status == DecisionStatus.SUPERSEDED.value and by is not None:
                s = corpus.decisions[by]
                successor = f" by [{s.label} {md_text(s.title)}]({md_path(src, decision_src(s.id))})"
            yield _Change(day, 1, f"{time_html(day)} · {link} is now {change.status}{successor}.")
    docs = corpus.settings.docs_dir
    for post in corpus.published_posts:
        target = md_path(src, docs_relative(post.path, docs))
        yield _Change(post.date, 2, f"{time_html(post.date)} · [{md_text(post.title)}]({target})")
