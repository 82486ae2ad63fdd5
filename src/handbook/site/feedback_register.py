"""The "You said, we did" register: every feedback theme by status, the funnel per quarter, and
the themes' counts by status."""

from __future__ import annotations

from ..records import Feedback, FeedbackStatus
from .context import Context
from .feedback import acted_on, due_attributes
from .feeds.names import FEEDBACK_FEED, feed_files
from .funnel import funnel_chart, funnel_table
from .html import NOT_SEARCHED, esc, scrolling, time_html
from .journey import by_status, funnel, journey
from .paths import FEEDBACK_REGISTER, feedback_src, public_page_url

REGISTER_TABLE = "hb-feedback-register"
GROUP_TITLES = {
    FeedbackStatus.RECEIVED: "Received, not yet reviewed",
    FeedbackStatus.REVIEWING: "Being reviewed",
    FeedbackStatus.PLANNED: "Change planned",
    FeedbackStatus.CHANGED: "Changed",
    FeedbackStatus.DECLINED: "Declined",
}


def feedback_register(ctx: Context) -> str:
    corpus = ctx.corpus
    src = FEEDBACK_REGISTER
    records = list(corpus.feedback.values())
    raised = sum(f.raised for f in records)
    feeds = " · ".join(
        f'<a href="{esc(ctx.urls.relative(src, path))}">{name}</a>' for name, path in feed_files(FEEDBACK_FEED)
    )
    public = ctx.urls.relative(src, public_page_url(ctx.urls))
    figures = funnel(corpus, ctx.history)
    parts = [
        *NOT_SEARCHED,
        "# You said, we did",
        "",
        f"<p>What customers told us, who owns it and what we did about it: {len(records)} "
        f"theme{'' if len(records) == 1 else 's'}, raised by {raised} customer{'' if raised == 1 else 's'}. "
        "Each theme's age is counted to today in your browser. "
        f"New themes and every change of status: {feeds}. "
        f'What customers see: <a href="{esc(public)}">the page published for them</a>.</p>',
        "",
        "## The funnel, per quarter",
        "",
        "<p>For the themes received in each quarter: how many were reviewed, acted on (changed), and whose "
        "customers were told what we did.</p>",
        "",
        funnel_chart(figures),
        "",
        funnel_table(figures) if figures else "",
        "",
        f'<div class="hb-filters" data-table="{REGISTER_TABLE}" hidden></div>',
        "",
    ]
    for status, members in by_status(corpus).items():
        if members:
            parts += [f"## {GROUP_TITLES[status]} ({len(members)})", "", _table(ctx, src, members), ""]
    parts += ["## By theme", "", _themes(ctx), ""]
    return "\n".join(parts)


def _table(ctx: Context, src: str, members: tuple[Feedback, ...]) -> str:
    """A group's rows; the "acted on" cell is Markdown, so that a post's link reaches its page."""
    rows = []
    for f in members:
        record = journey(ctx.corpus, f, ctx.history)
        links = acted_on(ctx, src, f, short=True)
        done = "<br>".join(links) if links else "–"
        told = (
            f"{time_html(f.told.date)}{_customers(f)}"
            if f.told is not None
            else '<span class="hb-feedback-state">not yet</span>'
        )
        rows.append(
            f'<tr markdown="1" data-status="{f.status.value}" data-owner="{esc(f.owner)}" '
            f'data-theme="{esc(f.theme)}"{due_attributes(ctx, record)}>'
            f"<td>{ctx.link(src, feedback_src(f.id), f.title)}</td><td>{esc(f.theme)}</td>"
            f'<td>{esc(ctx.corpus.owner_name(f.owner))}</td><td class="hb-num">{f.raised}</td>'
            f'<td>{time_html(f.received)} <span class="hb-age" data-since="{f.received}"></span></td>'
            f'<td markdown="span">{done}</td><td>{told}</td></tr>'
        )
    head = (
        '<tr><th>Feedback</th><th>Theme</th><th>Owner</th><th class="hb-num">Raised</th><th>Received</th>'
        "<th>Acted on</th><th>Customers told</th></tr>"
    )
    body = "\n".join(rows)
    table = (
        f'<table class="hb-register {REGISTER_TABLE}" markdown="1">\n<thead>{head}</thead>\n'
        f'<tbody markdown="1">\n{body}\n</tbody>\n</table>'
    )
    return scrolling(table, "feedback", markdown=True)


def _customers(feedback: Feedback) -> str:
    """How many were told, under the date (how, on the record's page)."""
    told = feedback.told
    if told is None or told.customers is None:
        return ""
    return f"<br>{told.customers} customer{'' if told.customers == 1 else 's'}"


def _themes(ctx: Context) -> str:
    """Per theme, how many themes are at each status and how many customers raised them."""
    corpus = ctx.corpus
    themes = list(corpus.settings.feedback.themes)
    themes += sorted({f.theme for f in corpus.feedback.values()} - set(themes))
    statuses = list(FeedbackStatus)
    head = "<tr><th>Theme</th>" + "".join(f'<th class="hb-num">{s.value.capitalize()}</th>' for s in statuses)
    head += '<th class="hb-num">Customers</th></tr>'
    rows = []
    for theme in themes:
        mine = [f for f in corpus.feedback.values() if f.theme == theme]
        counts = "".join(f'<td class="hb-num">{sum(1 for f in mine if f.status is s)}</td>' for s in statuses)
        rows.append(f'<tr><td>{esc(theme)}</td>{counts}<td class="hb-num">{sum(f.raised for f in mine)}</td></tr>')
    body = "\n".join(rows)
    table = (
        f'<table class="hb-register hb-feedback-themes">\n<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table>'
    )
    return scrolling(table, "themes by status")
