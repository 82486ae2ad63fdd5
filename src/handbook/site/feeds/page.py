"""The Feeds page (`feeds/index.md`): what each feed carries, with its RSS and JSON links."""

from __future__ import annotations

import html
import posixpath

from ..html import md_text
from .names import FEEDS, FORMATS, FeedSpec, feed_path


def feeds_page(site_name: str, more: tuple[FeedSpec, ...] = ()) -> str:
    """The Markdown of `feeds/index.md`: what each feed carries, with its RSS and JSON links;
    `more`: feeds besides the four (customer feedback, in a handbook that keeps it)."""
    rows = []
    for spec in (*FEEDS, *more):
        links = " · ".join(
            f'<a href="{posixpath.basename(feed_path(spec.name, ext))}" type="{media_type}">{format_name}</a>'
            for ext, (media_type, format_name) in FORMATS.items()
        )
        rows.append(
            f"<tr><td>{html.escape(spec.label)}</td><td>{html.escape(spec.sentence)}.</td><td>{links}</td></tr>"
        )
    return "\n".join(
        [
            "# Feeds",
            "",
            f"Subscribe to hear about every change to {md_text(site_name)} without checking the site: add a feed "
            "to your feed reader or to your team's chat channel. Each feed comes as RSS and as JSON Feed; "
            "a feed reader needs only one of them.",
            "",
            '<table class="hb-feeds">',
            "<thead><tr><th>Feed</th><th>What it carries</th><th>Formats</th></tr></thead>",
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
            "",
            "Policy feeds carry one item per published version, so a new version of a policy is always a new "
            "item, even when its title stays the same. Nothing is ever dropped from the policy and decision feeds.",
            "",
        ]
    )
