"""The HTML the page makers share: escaping, dates, statuses, banners, fact lists, tables."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

from .paths import Urls

# Generated lists and old versions repeat what record pages say: search finds the records themselves.
NOT_SEARCHED = ("---", "search:", "  exclude: true", "---")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def md_text(text: str) -> str:
    """Text safe inside Markdown: HTML escaped, Markdown punctuation backslashed."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def time_html(day: object) -> str:
    """A date as `<time datetime=...>`, so that the reader's browser can compare it with today."""
    text = day.isoformat() if hasattr(day, "isoformat") else str(day)
    return f'<time datetime="{text}">{text}</time>'


DATE_UNKNOWN = "date unknown"


def day_html(day: dt.date | None) -> str:
    """A record's date as `time_html` shows it, or "date unknown" (an imported decision's `date: unknown`)."""
    return time_html(day) if day is not None else f'<span class="hb-date-unknown">{DATE_UNKNOWN}</span>'


def audience_title(audience: str) -> str:
    """An audience's name as readers see it: `support-leads` -> `Support leads`."""
    words = audience.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def link(urls: Urls, from_src: str, to_src: str, text: str) -> str:
    """An `<a>` from the page `from_src` to the page `to_src`, its text escaped."""
    return f'<a href="{esc(urls.link(from_src, to_src))}">{esc(text)}</a>'


def kind_attributes(kind: str) -> str:
    """Search (Pagefind): a page's kind as a filter and shown in results."""
    return f'data-pagefind-filter="kind:{kind}" data-pagefind-meta="kind:{kind}"'


def status_html(status: str) -> str:
    return f'<span class="hb-status hb-status--{esc(status)}">{esc(status)}</span>'


def record_status_html(status: str) -> str:
    """The record's status today, in its header block: a search filter and shown in results."""
    return (
        f'<span class="hb-status hb-status--{esc(status)}" data-pagefind-filter="status" '
        f'data-pagefind-meta="status">{esc(status)}</span>'
    )


def standing_html(archived: bool) -> str:
    """Records no longer in force are `standing: archived`: search lists them after current ones."""
    return f'<span hidden data-pagefind-filter="standing:{"archived" if archived else "current"}"></span>'


def banner(kind: str, title: str, text_html: str) -> str:
    return (
        f'<div class="admonition {kind} hb-banner" role="note">\n'
        f'<p class="admonition-title">{esc(title)}</p>\n<p>{text_html}</p>\n</div>\n'
    )


def facts(items: list[tuple[str, str]]) -> str:
    """A record's facts (label, HTML) as a definition list."""
    listed = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in items)
    # Not searched as text (it would start every excerpt); its filters and meta still count.
    return f'<dl class="hb-facts" data-pagefind-ignore>{listed}</dl>'


def table(table_class: str, head: str, rows: list[str]) -> str:
    body = "\n".join(rows)
    return f'<table class="hb-register {table_class}">\n<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table>'


def as_json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def scrolling(table_html: str, label: str, *, markdown: bool = False) -> str:
    """A wide table in a box of its own that scrolls sideways on a phone (the page never does);
    focusable, so that a keyboard can scroll it. `markdown`: Markdown inside is converted."""
    inside = ' markdown="1"' if markdown else ""
    return (
        f'<div class="hb-table-scroll" tabindex="0" role="region" aria-label="{esc(label)}"{inside}>\n'
        f"{table_html}\n</div>"
    )
