"""The page for customers ("You said, we did"): one self-contained HTML file, its own small
template, style sheet inside, no script, no link into the internal site. It shows only records
marked `public: true` whose status is final (changed or declined), and of each only its title,
what changed or why not, and when. Nothing else of a record (owner, counts, channels, body,
links) is read here, so nothing else can reach it."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from ..history import History
from ..loading import Corpus
from ..records import FeedbackStatus
from .csp import meta_tag, script_hash
from .journey import FINAL, current_since, journey

PUBLIC_TITLE = "You said, we did"
LABELS = {FeedbackStatus.CHANGED: "What we changed", FeedbackStatus.DECLINED: "Why we did not change it"}
VERBS = {FeedbackStatus.CHANGED: "Changed", FeedbackStatus.DECLINED: "Decided"}


@dataclass(frozen=True)
class PublicItem:
    """What the customer page and its feed say of one record: nothing more."""

    anchor: str
    title: str
    status: str
    label: str
    outcome: str
    when: dt.date
    verb: str


def public_items(corpus: Corpus, history: History | None) -> tuple[PublicItem, ...]:
    """The records customers may see, newest first: `public: true` and changed or declined."""
    items = []
    for feedback in corpus.feedback.values():
        if not feedback.public or feedback.status not in FINAL:
            continue
        record = journey(corpus, feedback, history)
        # A change is dated as on its own page; a decision not to, when the status last became `declined`.
        when = record.reached("changed") if feedback.status is FeedbackStatus.CHANGED else None
        items.append(
            PublicItem(
                anchor=feedback.id,
                title=feedback.title,
                status=feedback.status.value,
                label=LABELS[feedback.status],
                outcome=feedback.outcome.strip(),
                when=when or current_since(record),
                verb=VERBS[feedback.status],
            )
        )
    return tuple(sorted(items, key=lambda i: (-i.when.toordinal(), i.title.lower(), i.anchor)))


# Light and dark follow the reader's system; system fonts only (nothing from another host).
STYLE = """
:root { color-scheme: light dark; --fg: #1f2328; --muted: #57606a; --bg: #ffffff; --card: #f6f8fa;
  --line: #d0d7de; --accent: #3949ab; --changed: #1b5e20; --changed-bg: #d7f0dc; --declined: #6d4c00;
  --declined-bg: #fff1c2; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --card: #161b22; --line: #30363d;
    --accent: #8c9eff; --changed: #a5d6a7; --changed-bg: #1e3a24; --declined: #ffe082; --declined-bg: #3d3214; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 44rem; margin: 0 auto; padding: 2rem 1rem 3rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 0.5rem; }
.intro { color: var(--muted); margin: 0 0 2rem; }
ol { list-style: none; margin: 0; padding: 0; }
li { background: var(--card); border: 1px solid var(--line); border-radius: 0.5rem; padding: 1rem 1.25rem;
  margin: 0 0 1rem; }
h2 { font-size: 1.2rem; line-height: 1.35; margin: 0 0 0.5rem; }
h2::before { content: "\\201C"; } h2::after { content: "\\201D"; }
p { margin: 0 0 0.5rem; }
.when { font-size: 0.9rem; color: var(--muted); margin: 0; }
.tag { display: inline-block; font-size: 0.8rem; font-weight: 600; padding: 0 0.5rem; border-radius: 0.25rem;
  margin-right: 0.5rem; }
.tag-changed { background: var(--changed-bg); color: var(--changed); }
.tag-declined { background: var(--declined-bg); color: var(--declined); }
a { color: var(--accent); }
footer { margin-top: 2rem; font-size: 0.9rem; color: var(--muted); }
"""


# Its own Content-Security-Policy, tighter than the internal site's: it loads nothing and runs
# nothing; only its own style sheet, by its hash, applies.
PUBLIC_POLICY = f"default-src 'none'; style-src '{script_hash(STYLE)}'; base-uri 'none'; form-action 'none'"


def public_page(corpus: Corpus, history: History | None, *, language: str = "en") -> str:
    """The whole page, `you-said-we-did/index.html`, with its feed beside it (`feed.xml`)."""
    items = public_items(corpus, history)
    listed = []
    for item in items:
        listed.append(
            f'<li id="{_esc(item.anchor)}"><article>\n<h2>{_esc(item.title)}</h2>\n'
            f"<p><strong>{_esc(item.label)}:</strong> {_esc(item.outcome)}</p>\n"
            f'<p class="when"><span class="tag tag-{_esc(item.status)}">{_esc(item.verb)}</span>'
            f'<time datetime="{item.when.isoformat()}">{_long_date(item.when)}</time></p>\n</article></li>'
        )
    body = (
        '<ol class="you-said">\n' + "\n".join(listed) + "\n</ol>"
        if listed
        else '<p class="empty">Nothing to show yet: check back soon.</p>'
    )
    return f"""<!doctype html>
<html lang="{_esc(language)}">
<head>
<meta charset="utf-8">
{meta_tag(PUBLIC_POLICY)}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{PUBLIC_TITLE}</title>
<meta name="description" content="What customers told us, and what we did about it.">
<link rel="alternate" type="application/rss+xml" title="{PUBLIC_TITLE}" href="feed.xml">
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>{PUBLIC_TITLE}</h1>
<p class="intro">You told us what got in your way. Here is what we changed because of it, and where we decided
not to, why.</p>
{body}
<footer><p>Follow new answers with <a href="feed.xml" type="application/rss+xml">this page's RSS feed</a>.</p>
</footer>
</main>
</body>
</html>
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _long_date(day: dt.date) -> str:
    """`20 August 2026`: the same in every build, whatever the machine's locale."""
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")  # fmt: skip
    return f"{day.day} {months[day.month - 1]} {day.year}"
