"""A record's own page: a policy's or a decision's title, banners, header block, text and links."""

from __future__ import annotations

import dataclasses
import html
import re

from ..errors import HandbookError
from ..frontmatter import decode, split_front_matter
from ..records import CURRENT_DECISIONS, Decision, DecisionStatus, Policy, PolicyStatus
from .coming import coming_mark
from .context import Context
from .feedback import feedback_list
from .feeds.names import feed_files, policy_feed
from .html import (
    DATE_UNKNOWN,
    audience_title,
    banner,
    day_html,
    esc,
    facts,
    kind_attributes,
    md_text,
    record_status_html,
    standing_html,
    status_html,
    time_html,
)
from .pageparts import PageParts, Part, Placed
from .paths import decision_src, history_src, policy_src, version_src


def record_src(record: Policy | Decision) -> str:
    return policy_src(record.id) if isinstance(record, Policy) else decision_src(record.id)


# Each record file's front matter by its path, with the file's (modification time, size) then.
FrontMatters = dict[str, tuple[tuple[int, int], str]]


def record_page(ctx: Context, record: Policy | Decision, memo: FrontMatters | None = None) -> PageParts:
    """The record's page as the site generator reads it: the author's own front matter, as
    written (what a page's metadata holds: `hide`, `description`, and what plugins read), then
    the page made from the record. `memo`: the front matters read before, kept by a caller that
    makes the pages again and again (`mkdocs serve`): a file not changed since is not read again."""
    made = policy_page(ctx, record) if isinstance(record, Policy) else decision_page(ctx, record)
    return dataclasses.replace(made, front_matter=_authors_front_matter(ctx, record, memo))


def _authors_front_matter(ctx: Context, record: Policy | Decision, memo: FrontMatters | None) -> str:
    full = ctx.corpus.settings.path(record.path)
    try:
        stat = full.stat()
        hit = memo.get(record.path) if memo is not None else None
        if hit is not None and hit[0] == (stat.st_mtime_ns, stat.st_size):
            return hit[1]
        text = decode(record.path, full.read_bytes())
    except (OSError, HandbookError):  # gone or broken since it was loaded: the next build says so
        return ""
    split = split_front_matter(text)
    found = f"---\n{split[0]}\n---\n" if split is not None else ""
    if memo is not None:
        memo[record.path] = ((stat.st_mtime_ns, stat.st_size), found)
    return found


def _coming(ctx: Context, policy: Policy) -> str:
    """The mark of a version coming into force later, with the versions before it."""
    versions = ctx.history.versions.get(policy.id, ()) if ctx.history is not None else ()
    earlier = [(v.number, v.effective) for v in versions]
    return coming_mark(ctx.urls, policy_src(policy.id), policy.id, policy.version, policy.effective, earlier)


def policy_page(ctx: Context, policy: Policy) -> PageParts:
    """The policy's page: its title, our own HTML blocks (banners, the header with its facts)
    placed as they are, its text, and the decisions behind it."""
    src = policy_src(policy.id)
    corpus = ctx.corpus
    retired = corpus.is_retired(policy)
    status = "superseded" if policy.id in corpus.policy_successor else policy.status.value
    listed = [
        ("Status", record_status_html(status)),
        ("Version", esc(policy.version)),
        ("Owner", _owner(ctx, policy.owner)),
        ("Effective", time_html(policy.effective)),
        ("Last reviewed", time_html(policy.reviewed)),
    ]
    if not retired and not policy.is_draft:
        listed.append(("Next review", f'<span class="hb-review-due">{time_html(policy.review_due)}</span>'))
    if policy.audience:
        # Readers see the audience's name; search filters on its id, as on decisions' pages.
        audiences = ", ".join(
            f'<span data-pagefind-filter="audience:{esc(a)}">{esc(audience_title(a))}</span>' for a in policy.audience
        )
        listed.append(("Audience", audiences))
    if policy.tags:
        listed.append(("Tags", ", ".join(f'<span class="hb-tag">{esc(t)}</span>' for t in policy.tags)))
    banners: list[str] = []
    if policy.is_draft:
        banners.append(
            banner(
                "danger hb-draft",
                "DRAFT: not published",
                "This policy is a draft. It is shown only to its editors under <code>mkdocs serve</code> and never "
                "reaches the built site, the search index or the feeds.",
            )
        )
    successor_id = corpus.policy_successor.get(policy.id)
    if successor_id is not None:
        successor = corpus.policies[successor_id]
        banners.append(
            banner(
                "danger hb-superseded",
                "Superseded: no longer in force",
                f"This policy was replaced by {ctx.link(src, policy_src(successor.id), successor.title)}. "
                "Follow that policy instead.",
            )
        )
    elif policy.status is PolicyStatus.RETIRED:
        banners.append(
            banner(
                "danger hb-retired",
                "Retired: no longer in force",
                f"This policy was retired with version {policy.version}, effective {time_html(policy.effective)}. "
                "It is kept for the record.",
            )
        )
    parts, placed = [f"# {md_text(policy.title)}", ""], Placed()
    for made in banners:  # each a raw HTML block of its own
        parts += [placed.raw(made), ""]
    if not retired and not policy.is_draft and (mark := _coming(ctx, policy)):
        parts += [placed.raw(mark), ""]
    due = f' data-review-due="{policy.review_due.isoformat()}"' if not retired and not policy.is_draft else ""
    header = [
        f'<div class="hb-record hb-policy"{due} data-policy="{esc(policy.id)}" {kind_attributes("Policy")}>',
        standing_html(retired),
        facts(listed),
        f'<p class="hb-summary">{esc(policy.summary)}</p>',
        f'<p class="hb-changes"><strong>{_version_label(ctx, policy)}, '
        f"effective {time_html(policy.effective)}.</strong> "
        f"What changed: {esc(policy.changes)}{_history_link(ctx, policy)}</p>",
        *([] if policy.is_draft else [_watch(ctx, policy)]),
        "</div>",
    ]
    parts += [placed.raw("\n".join(header)), ""]
    body = policy.body.strip()
    if body:
        parts += [placed.place(Part(body)), ""]
    behind = list(corpus.decisions_for_policy(policy.id))
    if behind:
        parts += ["## Decisions behind this policy", ""]
        for d in behind:
            parts.append(
                f"- [{d.label} {md_text(d.title)}](../{decision_src(d.id)}) "
                f"({corpus.decision_status(d).value}, {d.date.isoformat() if d.date else DATE_UNKNOWN})"
            )
        parts.append("")
    parts += feedback_list(src, corpus.feedback_for_policy(policy.id), "Customer feedback behind this policy")
    # Each record page reports its own broken links: no blocks shared with the others.
    return PageParts("", "\n".join(parts), tuple(placed.parts), shared=False)


def decision_page(ctx: Context, decision: Decision) -> PageParts:
    """The decision's page: its title, our own HTML blocks placed as they are, its text, and
    the policies it shaped."""
    src = decision_src(decision.id)
    corpus = ctx.corpus
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
            banner(
                "warning hb-superseded",
                "Superseded",
                f"This decision was superseded by "
                f"{ctx.link(src, decision_src(successor.id), f'{successor.label} {successor.title}')}.",
            )
        )
    elif status is DecisionStatus.PROPOSED:
        banners.append(
            banner(
                "info hb-proposed",
                "Proposal",
                "This decision is proposed and not yet accepted: it is open for comment.",
            )
        )
    elif status in (DecisionStatus.REJECTED, DecisionStatus.DEPRECATED):
        banners.append(
            banner(
                "warning hb-" + status.value,
                status.value.capitalize(),
                f"This decision is {status.value}: it is not in force.",
            )
        )
    listed = [
        ("Decision", f'<span data-pagefind-meta="label">{esc(decision.label)}</span>'),
        ("Status", record_status_html(status.value)),
        ("Decided", f"{day_html(decision.date)} (the decision's own date)" if decision.date else day_html(None)),
    ]
    for label, people in (
        ("Decision-makers", decision.decision_makers),
        ("Consulted", decision.consulted),
        ("Informed", decision.informed),
    ):
        if people:
            listed.append((label, esc(", ".join(people))))
    if decision.supersedes:
        replaced = [corpus.decisions[n] for n in decision.supersedes if n in corpus.decisions]
        listed.append(("Supersedes", ", ".join(ctx.link(src, decision_src(d.id), d.label) for d in replaced)))
    # A decision is found by the audience and owners of the policies it shaped.
    shaped = [corpus.policies[p] for p in decision.policies if p in corpus.policies]
    hidden_filters = [
        f'<span hidden data-pagefind-filter="audience:{esc(a)}"></span>'
        for a in sorted({a for p in shaped for a in p.audience})
    ]
    hidden_filters += [
        f'<span hidden data-pagefind-filter="owner:{esc(corpus.owner_name(o))}"></span>'
        for o in sorted({p.owner for p in shaped})
    ]
    parts, placed = [*head, ""], Placed()
    for made in banners:  # each a raw HTML block of its own
        parts += [placed.raw(made), ""]
    header = [
        f'<div class="hb-record hb-decision" {kind_attributes("Decision")}>',
        standing_html(status not in CURRENT_DECISIONS),
        *hidden_filters,
        facts(listed),
        *_timeline(ctx, decision),
        "</div>",
    ]
    parts += [placed.raw("\n".join(header)), ""]
    text = "\n".join(rest).strip("\n")
    if any(line.strip() for line in head[:-1]):
        parts += rest  # text above the title: the text is converted with it, as one
    elif text.strip():
        parts += [placed.place(Part(text)), ""]
    if shaped:
        parts += ["", "## Policies shaped by this decision", ""]
        parts += [f"- [{md_text(p.title)}](../{policy_src(p.id)})" for p in shaped]
    parts.append("")
    found = ctx.corpus.feedback_for_decision(decision.number)
    if found:
        parts += ["", *feedback_list(src, found, "Customer feedback behind this decision")]
    # Each record page reports its own broken links: no blocks shared with the others.
    return PageParts("", "\n".join(parts), tuple(placed.parts), shared=False)


def _version_label(ctx: Context, policy: Policy) -> str:
    """ "Version N", linked to that version's permanent page when it has one."""
    versions = ctx.history.versions.get(policy.id, ()) if ctx.history else ()
    if policy.is_draft or not any(v.number == policy.version for v in versions):
        return f"Version {policy.version}"
    return ctx.link(policy_src(policy.id), version_src(policy.id, policy.version), f"Version {policy.version}")


def _history_link(ctx: Context, policy: Policy) -> str:
    if ctx.history is None or not ctx.history.versions.get(policy.id):
        return ""
    href = ctx.urls.link(policy_src(policy.id), history_src(policy.id))
    return f' <a class="hb-history-link" href="{esc(href)}">Version history</a>'


def _watch(ctx: Context, policy: Policy) -> str:
    """The visible link to the policy's own feed, which its page's head announces too."""
    src = policy_src(policy.id)
    rss, json_feed = (ctx.urls.relative(src, path) for _, path in feed_files(policy_feed(policy.id)))
    return (
        '<p class="hb-watch" data-pagefind-ignore>'
        f'<a href="{esc(rss)}" type="application/rss+xml">Watch this policy</a>: '
        f'its feed gets an item for every new version (<a href="{esc(json_feed)}" '
        'type="application/feed+json">also as JSON Feed</a>).</p>'
    )


def _timeline(ctx: Context, decision: Decision) -> list[str]:
    """The decision's statuses over time, from git, as a dated list."""
    history = ctx.history
    changes = history.status_changes.get(decision.number, ()) if history else ()
    if not changes:
        return []
    items = []
    for change in changes:
        by = f" by {esc(change.author)}" if change.author else ""
        if not change.commit and history and history.complete:
            when = f"{by}, not committed yet"
        else:
            when = f"{by} in a commit dated {time_html(change.date.date())}"
        items.append(f"<li>{status_html(change.status)}: recorded{when}</li>")
    title = (
        '<p class="hb-timeline-title"><strong>Status history</strong> '
        "(each date is the commit that recorded the status, not the decision's date)</p>"
    )
    return [f'<div class="hb-timeline-box">{title}<ol class="hb-timeline">{"".join(items)}</ol></div>']


def _owner(ctx: Context, owner_id: str) -> str:
    owner = ctx.corpus.owners.get(owner_id)
    if owner is None:
        return f'<span data-pagefind-filter="owner">{esc(ctx.corpus.owner_name(owner_id))}</span>'
    return f'<a href="mailto:{esc(owner.email)}" data-pagefind-filter="owner">{esc(owner.name)}</a>'


def _title_index(lines: list[str]) -> int:
    """The index of the first `# Title` line outside code blocks, as the loader finds the title."""
    fenced = False
    for index, line in enumerate(lines):
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
        elif not fenced and re.match(r"^#\s+\S", line):
            return index
    return 0
