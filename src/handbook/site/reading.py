"""Reading lists: Start here for new hires, one list per audience, and the index of lists."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence

from ..loading import Corpus
from ..records import CURRENT_DECISIONS, DecisionStatus, Policy
from .context import Context
from .html import NOT_SEARCHED, audience_title, day_html, esc, md_text, time_html
from .paths import (
    ACKNOWLEDGED_JSON,
    ACKNOWLEDGEMENTS_PAGE,
    READING_INDEX,
    START_HERE,
    decision_src,
    docs_relative,
    md_path,
    policy_src,
    reading_list_src,
)

NEW_HIRES = "new-hires"
ALL_STAFF = "all-staff"
WORDS_PER_MINUTE = 200


@functools.lru_cache(maxsize=1 << 14)  # each register and reading list counts the same texts
def reading_minutes(body: str) -> int:
    return max(1, math.ceil(len(body.split()) / WORDS_PER_MINUTE))


def with_all_staff(audience: str) -> tuple[str, ...]:
    return (audience, ALL_STAFF)


def reading_list(
    corpus: Corpus, audiences: Iterable[str], reading_order: Sequence[str] = (), *, explicit: bool = False
) -> list[Policy]:
    """Policies in force for any of `audiences`: those named in `reading_order` first, in that
    order, then by priority and title. With `explicit`, a named policy is listed whatever its audience."""
    wanted = set(audiences)
    in_force = [p for p in corpus.published_policies if not corpus.is_retired(p)]
    named = [corpus.policies[i] for i in dict.fromkeys(reading_order) if i in corpus.policies]
    named = [p for p in named if p in in_force and (explicit or wanted & set(p.audience))]
    rest = [p for p in in_force if p not in named and wanted & set(p.audience)]
    rest.sort(key=lambda p: (p.priority is None, p.priority or 0, p.title.lower()))
    return named + rest


def reading_list_audiences(corpus: Corpus) -> list[str]:
    """The audiences that get a reading list page: each with a policy in force, but new hires,
    whose list is Start here."""
    # (Each, that is, whose `reading_list` is not empty: worked out once, not a list per audience.)
    covered = {a for p in corpus.published_policies if not corpus.is_retired(p) for a in p.audience}
    return [a for a in corpus.settings.audiences if a != NEW_HIRES and covered.intersection(with_all_staff(a))]


def start_here(
    ctx: Context, reading_order: Sequence[str] = (), audiences: tuple[str, ...] = (NEW_HIRES, ALL_STAFF)
) -> str:
    corpus = ctx.corpus
    src = START_HERE
    reading = reading_list(corpus, audiences, reading_order, explicit=True)
    parts = [
        *NOT_SEARCHED,
        "# Start here",
        "",
        "Welcome. These are the policies to read in your first weeks, in this order; then the decisions "
        "that shape daily work and the latest news. Tick each policy as you read it: the ticks stay in "
        "this browser only, and nothing is sent anywhere.",
        "",
        _checklist(ctx, src, reading, "start-here"),
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
            shaped = [corpus.policies[p] for p in d.policies if p in corpus.policies]
            shaped = [p for p in shaped if not p.is_draft]
            shapes = (
                f": shaped {', '.join(f'[{md_text(p.title)}]({md_path(src, policy_src(p.id))})' for p in shaped)}"
                if shaped
                else ""
            )
            link = f"[{d.label} {md_text(d.title)}]({md_path(src, decision_src(d.id))})"
            parts.append(f"- {link}, {day_html(d.date)}{shapes}")
        parts.append("")
    parts += _latest_posts(corpus, src)
    lists = reading_list_audiences(corpus)
    if lists:
        parts += ["## Reading lists by role", "", "Once you know your team, read what applies to it:", ""]
        parts += [_reading_list_item(corpus, src, a) for a in lists]
        parts.append("")
    return "\n".join(parts)


def audience_reading_list(
    ctx: Context, audience: str, reading_order: Sequence[str] = (), feeds: Sequence[tuple[str, str]] = ()
) -> str:
    """The page `reading/<audience>.md`: the policies in force for that audience (and for all staff),
    the decisions behind them, and how to follow their changes (`feeds`: label and site path)."""
    corpus = ctx.corpus
    src = reading_list_src(audience)
    reading = reading_list(corpus, with_all_staff(audience), reading_order)
    who = audience_title(audience)
    parts = [
        *NOT_SEARCHED,
        f"# Reading list: {md_text(who)}",
        "",
        f"The {len(reading)} polic{'y' if len(reading) == 1 else 'ies'} in force for {md_text(who.lower())}"
        + (" and for all staff" if audience != ALL_STAFF and ALL_STAFF in corpus.settings.audiences else "")
        + ", in reading order. Tick each one as you read it; the ticks are shared with the Start here page "
        "and stay in this browser.",
        "",
        _checklist(ctx, src, reading, f"reading-{audience}"),
        "",
    ]
    ids = {p.id for p in reading}
    behind = [
        d for d in corpus.decisions.values() if ids & set(d.policies) and corpus.decision_status(d) in CURRENT_DECISIONS
    ]
    if behind:
        parts += ["## Decisions behind these policies", ""]
        parts += [
            f"- [{d.label} {md_text(d.title)}]({md_path(src, decision_src(d.id))}) "
            f"({corpus.decision_status(d).value}, {day_html(d.date)})"
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
        links = [f'<a href="{esc(ctx.urls.relative(src, path))}">{esc(label)}</a>' for label, path in feeds]
        parts.append(" · ".join(links))
        parts.append("")
    parts += ["## Other reading lists", ""]
    parts.append(f"- [Start here]({md_path(src, START_HERE)}): for new hires")
    parts += [_reading_list_item(corpus, src, a) for a in reading_list_audiences(corpus) if a != audience]
    parts.append("")
    return "\n".join(parts)


def reading_lists_index(ctx: Context) -> str:
    """The page `reading/index.md`: every reading list, Start here first."""
    src = READING_INDEX
    parts = [
        *NOT_SEARCHED,
        "# Reading lists",
        "",
        "What to read, by role: the policies in force for each audience, in reading order.",
        "",
        f"- [Start here]({md_path(src, START_HERE)}): for new hires",
    ]
    parts += [_reading_list_item(ctx.corpus, src, a) for a in reading_list_audiences(ctx.corpus)]
    parts.append("")
    return "\n".join(parts)


def _reading_list_item(corpus: Corpus, src: str, audience: str) -> str:
    count = len(reading_list(corpus, with_all_staff(audience)))
    target = md_path(src, reading_list_src(audience))
    return f"- [{md_text(audience_title(audience))}]({target}): {count} polic{'y' if count == 1 else 'ies'}"


def _checklist(ctx: Context, src: str, reading: Sequence[Policy], name: str) -> str:
    """A printable checklist whose ticks handbook.js keeps in localStorage, keyed by policy and
    version: a new version of a policy asks to be read again."""
    if not reading:
        return '<p class="hb-reading-empty">No policy is on this list yet.</p>'
    total = sum(reading_minutes(p.body) for p in reading)
    items = []
    for number, p in enumerate(reading, start=1):
        box_id = f"hb-read-{name}-{number}"
        ack = (
            f' <span class="hb-ack" data-ack="{esc(p.id)}" data-version="{p.version}">'
            "asks you to confirm you have read it</span>"
            if p.acknowledge
            else ""
        )
        items.append(
            f'<li><input type="checkbox" class="hb-check" id="{esc(box_id)}" data-key="{esc(p.id)}@{p.version}" '
            f'aria-label="{esc(f"Read: {p.title}")}"> '
            f"{ctx.link(src, policy_src(p.id), p.title)} "
            f'<span class="hb-minutes">{reading_minutes(p.body)} min read</span>{ack}'
            f'<br><span class="hb-reading-summary">{esc(p.summary)}</span></li>'
        )
    return "\n".join(
        [
            f'<div class="hb-checklist" data-checklist="{esc(name)}">',
            f'<p class="hb-checklist__about">{len(reading)} polic{"y" if len(reading) == 1 else "ies"}, '
            f"about {total} minutes of reading. "
            '<span class="hb-checklist__progress" aria-live="polite"></span></p>',
            '<ol class="hb-reading-list">',
            *items,
            "</ol>",
            '<p class="hb-checklist__actions" hidden>'
            '<button type="button" class="md-button" data-hb-print>Print this checklist</button> '
            '<button type="button" class="md-button" data-hb-clear>Clear my ticks</button></p>',
            *(_acknowledging(ctx, src) if any(p.acknowledge for p in reading) else []),
            "</div>",
        ]
    )


def _acknowledging(ctx: Context, src: str) -> list[str]:
    """How to confirm a policy: one sentence, then (with a script) the reader's own state, from
    the published acknowledgements, and the `handbook ack` commands for what is missing."""
    data = esc(ctx.urls.relative(src, ACKNOWLEDGED_JSON))
    everyone = esc(ctx.urls.link(src, ACKNOWLEDGEMENTS_PAGE))
    return [
        '<p class="hb-acks__about">A policy that asks you to confirm you have read it is confirmed in git: '
        "a line in your own file, <code>acknowledgements/&lt;your-id&gt;.yml</code>, which "
        "<code>handbook ack POLICY --as YOUR-ID</code> writes and a merge request publishes; "
        f'reading the page or ticking it here does not count (<a href="{everyone}">who has confirmed what</a>).</p>',
        f'<div class="hb-acks" data-acks="{data}" hidden>',
        '<p><label for="hb-acks-who">Your id (kept in this browser)</label> '
        '<input type="text" id="hb-acks-who" class="hb-acks__who" list="hb-acks-people" autocomplete="off" '
        'spellcheck="false" placeholder="for example jdoe"><datalist id="hb-acks-people"></datalist></p>',
        '<p class="hb-acks__status" aria-live="polite"></p>',
        '<div class="hb-acks__todo" hidden><p>Run these in your copy of the handbook, then open a merge request '
        "with the file they change:</p>",
        '<pre><code class="hb-acks__commands"></code></pre>',
        '<p><button type="button" class="md-button hb-acks__copy">Copy the commands</button></p></div>',
        "</div>",
    ]


def _latest_posts(corpus: Corpus, src: str, count: int = 5) -> list[str]:
    posts = corpus.published_posts[:count]
    if not posts:
        return []
    parts = ["## Latest posts", ""]
    docs = corpus.settings.docs_dir
    for p in posts:
        parts.append(f"- [{md_text(p.title)}]({md_path(src, docs_relative(p.path, docs))}), {time_html(p.date)}")
    parts.append("")
    return parts
