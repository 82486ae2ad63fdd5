"""A plain-text or Markdown digest of what changed since a date, read from the handbook's own feed."""

from __future__ import annotations

import calendar
import datetime as dt
import html
import re
import textwrap
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import feedparser  # type: ignore[import-untyped]

DEFAULT_FEED = "site/feeds/all.xml"
KINDS = ("policy", "decision", "feedback", "post")
HEADINGS = {
    "policy": "Policies: new versions",
    "decision": "Decisions",
    "feedback": "Customer feedback: new themes and changes",
    "post": "Posts",
}


class FeedError(Exception):
    """The feed cannot be read: missing, not a feed, or empty because it is broken."""


@dataclass(frozen=True)
class Item:
    """One feed entry, as the digest shows it."""

    kind: str
    title: str
    link: str
    published: dt.datetime
    summary: str


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "br", "li", "div", "h1", "h2", "h3", "h4"):
            self.parts.append(" ")


def plain_text(fragment: str) -> str:
    """Feed summaries are HTML: the text, whitespace collapsed."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return re.sub(r"\s+", " ", html.unescape("".join(parser.parts))).strip()


def kind_of(entry: Any) -> str:
    """policy / decision / feedback / post: from where the entry links (the site's folders), else its categories."""
    path = urllib.parse.urlsplit(str(entry.get("link", ""))).path
    for kind, folder in (("policy", "policies"), ("decision", "decisions"), ("feedback", "feedback"), ("post", "blog")):
        if re.search(rf"(^|/){folder}/", path):
            return kind
    terms = " ".join(str(t.get("term", "")) for t in entry.get("tags", [])).lower()
    for kind in KINDS:
        if re.search(rf"\b{kind}", terms):
            return kind
    return "post"


def _when(entry: Any) -> dt.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed is None:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)


@dataclass(frozen=True)
class Feed:
    title: str
    items: list[Item]


def read_feed(source: str) -> Feed:
    """The feed's title and every dated entry of the feed at `source` (a path or URL), newest first."""
    parsed = feedparser.parse(source)
    status = parsed.get("status")
    if isinstance(status, int) and status >= 400:
        raise FeedError(f"{source}: the server answered {status}")
    if parsed.bozo and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise FeedError(f"{source}: not a readable RSS or Atom feed ({reason})")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(f"{source}: not an RSS or Atom feed")
    items = []
    for entry in parsed.entries:
        when = _when(entry)
        if when is None:
            continue
        summary = plain_text(str(entry.get("summary", "")))
        items.append(
            Item(
                kind_of(entry),
                plain_text(str(entry.get("title", ""))) or "(untitled)",
                str(entry.get("link", "")),
                when,
                summary,
            )
        )
    items.sort(key=lambda i: (i.published, i.title), reverse=True)
    return Feed(plain_text(str(parsed.feed.get("title", ""))) or "Handbook", items)


def since(items: Iterable[Item], day: dt.date) -> list[Item]:
    """Items published on or after `day` (UTC)."""
    return [i for i in items if i.published.date() >= day]


def render(items: list[Item], day: dt.date, *, markdown: bool = False, title: str = "Handbook") -> str:
    """The digest: one section per kind, each item with its date, summary and link."""
    heading = f"{title}: what changed since {day.isoformat()}"
    if not items:
        return (f"# {heading}\n\n" if markdown else f"{heading}\n\n") + f"Nothing new since {day.isoformat()}.\n"
    out = [f"# {heading}", ""] if markdown else [heading, "=" * len(heading), ""]
    for kind in KINDS:
        group = [i for i in items if i.kind == kind]
        if not group:
            continue
        name = f"{HEADINGS[kind]} ({len(group)})"
        out += [f"## {name}", ""] if markdown else [name, "-" * len(name), ""]
        for item in group:
            date = item.published.date().isoformat()
            if markdown:
                title_md = f"[{_md(item.title)}]({item.link})" if item.link else _md(item.title)
                out.append(f"- **{title_md}** ({date})" + (f"  \n  {_md(item.summary)}" if item.summary else ""))
            else:
                out.append(f"* {item.title} ({date})")
                if item.summary:
                    out += textwrap.wrap(item.summary, width=76, initial_indent="  ", subsequent_indent="  ")
                if item.link:
                    out.append(f"  {item.link}")
                out.append("")
        if markdown:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def parse_since(text: str, *, today: dt.date) -> dt.date:
    """`2026-04-01`, or `7d` / `2w` back from today."""
    value = text.strip()
    if m := re.fullmatch(r"(\d+)\s*([dw])", value):
        days = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        try:
            return today - dt.timedelta(days=days)
        except OverflowError:  # past the year 1, or more days than a timedelta holds
            raise ValueError(
                f"goes back before the year 1: give a shorter span like 7d or 2w, or a date, got {text!r}"
            ) from None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"must be a date (YYYY-MM-DD) or a span back from today like 7d or 2w, got {text!r}") from None
