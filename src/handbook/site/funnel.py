"""The feedback funnel drawn in HTML (bars sized on the server, no script): per quarter, themes
received, reviewed, acted on and customers told; its table of figures; and the health page's summary."""

from __future__ import annotations

from collections.abc import Sequence

from .context import Context
from .feedback import review_due, tell_due
from .html import esc, scrolling, time_html
from .journey import QuarterFigures, days_text, journey
from .paths import FEEDBACK_REGISTER, HEALTH_PAGE, feedback_src

# The funnel's steps: (figure, label). "Told" counts themes whose customers were told.
STEPS = (("received", "Received"), ("reviewed", "Reviewed"), ("acted_on", "Acted on"), ("told", "Customers told"))
# Quarters drawn as charts, newest first; the table lists every quarter.
CHARTED = 4
FUNNEL_ANCHOR = "the-funnel-per-quarter"


def funnel_chart(figures: Sequence[QuarterFigures]) -> str:
    """One small bar chart per quarter (the newest CHARTED), each bar a share of the themes received."""
    if not figures:
        return '<p class="hb-funnel-empty">No feedback yet: the funnel starts with the first theme received.</p>'
    charts = []
    for quarter in list(reversed(figures))[:CHARTED]:
        bars = []
        for key, label in STEPS:
            value = getattr(quarter, key)
            share = 100 * value / quarter.received if quarter.received else 0
            bars.append(
                f'<div class="hb-bar"><span class="hb-bar-label">{label}</span>'
                f'<span class="hb-bar-track"><span class="hb-bar-fill hb-funnel-{key.replace("_", "-")}" '
                f'style="width: {share:.0f}%"></span></span>'
                f'<span class="hb-bar-value">{value}</span></div>'
            )
        medians = (
            f'<p class="hb-funnel-medians">Median {days_text(quarter.days_to_change)} from received to changed, '
            f"{days_text(quarter.days_to_tell)} from changed to told.</p>"
        )
        charts.append(
            f'<figure class="hb-chart hb-funnel-quarter"><figcaption>{quarter.label}: '
            f"{quarter.received} theme{'' if quarter.received == 1 else 's'} received</figcaption>"
            f"{''.join(bars)}{medians}</figure>"
        )
    return f'<div class="hb-charts hb-funnel">{"".join(charts)}</div>'


def funnel_table(figures: Sequence[QuarterFigures]) -> str:
    """Every quarter's figures, newest first."""
    names = (
        "Received",
        "Reviewed",
        "Acted on",
        "Told",
        "Customers told",
        "Median days to change",
        "Median days to tell",
    )
    head = "<tr><th>Quarter</th>" + "".join(f'<th class="hb-num">{name}</th>' for name in names) + "</tr>"
    rows = []
    for q in reversed(figures):
        cells = (q.received, q.reviewed, q.acted_on, q.told, q.customers_told)
        cells_html = "".join(f'<td class="hb-num">{value}</td>' for value in cells)
        days = (
            f'<td class="hb-num">{days_text(q.days_to_change)}</td><td class="hb-num">{days_text(q.days_to_tell)}</td>'
        )
        rows.append(f"<tr><td>{q.label}</td>{cells_html}{days}</tr>")
    body = "\n".join(rows)
    table = f'<table class="hb-register hb-funnel-figures">\n<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table>'
    return scrolling(table, "the funnel's figures per quarter")


def funnel_sentence(quarter: QuarterFigures) -> str:
    return (
        f"{quarter.label}: {quarter.received} received, {quarter.reviewed} reviewed, {quarter.acted_on} acted on, "
        f"customers told for {quarter.told}; median {days_text(quarter.days_to_change)} from received to changed "
        f"and {days_text(quarter.days_to_tell)} from changed to told."
    )


def health_section(ctx: Context, figures: Sequence[QuarterFigures]) -> list[str]:
    """The health page's summary: the latest quarter's funnel, and the feedback waiting for a
    review or for its customers to be told (which of them is late is worked out in the browser)."""
    src = HEALTH_PAGE
    register = ctx.urls.link(src, FEEDBACK_REGISTER)
    latest = (
        f'<p class="hb-feedback-latest">{esc(funnel_sentence(figures[-1]))} '
        f'<a href="{esc(register)}#{FUNNEL_ANCHOR}">Every quarter</a>.</p>'
        if figures
        else "<p>No feedback recorded yet.</p>"
    )
    rows: list[tuple[str, str, str]] = []
    for feedback in ctx.corpus.feedback.values():
        record = journey(ctx.corpus, feedback, ctx.history)
        tell, review = tell_due(ctx, record), review_due(ctx, feedback)
        due, what = (tell, "Tell the customers") if tell is not None else (review, "Review it")
        if due is None:
            continue
        row = (
            f'<tr data-feedback-due="{due.isoformat()}">'
            f"<td>{ctx.link(src, feedback_src(feedback.id), feedback.title)}</td>"
            f"<td>{esc(ctx.corpus.owner_name(feedback.owner))}</td><td>{what}</td>"
            f'<td>{time_html(due)}</td><td class="hb-feedback-state"></td></tr>'
        )
        rows.append((due.isoformat(), feedback.id, row))
    waiting = (
        scrolling(
            '<table class="hb-register hb-feedback-due">\n<thead><tr><th>Feedback</th><th>Owner</th><th>To do</th>'
            "<th>By</th><th></th></tr></thead>\n<tbody>\n"
            + "\n".join(r for *_, r in sorted(rows))
            + "\n</tbody>\n</table>",
            "feedback waiting",
        )
        if rows
        else "<p>Nothing waiting: every theme is reviewed and every customer who was promised an answer got one.</p>"
    )
    return [
        "## Customer feedback",
        "",
        latest,
        "",
        "Waiting for a review or for the customers to be told, soonest first; those late today are marked.",
        "",
        waiting,
        "",
    ]
