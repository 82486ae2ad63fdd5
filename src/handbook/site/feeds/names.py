"""The site's feeds: which there are, where each lands, and how pages announce and link them."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# The four main feeds; per-audience and per-owner feeds are `audiences/<audience>`, `owners/<id>`.
FeedName = str
# File extension -> (media type, the format's name for readers).
FORMATS: Mapping[str, tuple[str, str]] = {
    "xml": ("application/rss+xml", "RSS"),
    "json": ("application/feed+json", "JSON Feed"),
}


@dataclass(frozen=True)
class FeedSpec:
    """One of the four feeds: its name in `feeds/<name>.*` and what it carries."""

    name: FeedName
    label: str
    about: str

    @property
    def sentence(self) -> str:
        return f"{self.about[0].upper()}{self.about[1:]}"


FEEDS: tuple[FeedSpec, ...] = (
    FeedSpec("all", "Everything", "every new policy version, decision, decision status change and blog post"),
    FeedSpec("policies", "Policy versions", "every published version of every policy, with what changed"),
    FeedSpec("decisions", "Decisions", "every decision recorded, and every change of a decision's status"),
    FeedSpec("posts", "Blog posts", "every post on the blog"),
)


# Customer feedback: its own feed, in `feeds/all.*` too, made only for a handbook that keeps feedback.
FEEDBACK_FEED: FeedName = "feedback"
FEEDBACK_SPEC = FeedSpec(
    FEEDBACK_FEED, "Customer feedback", "every new customer feedback theme and every change of its status"
)


def feed_path(name: FeedName, extension: str) -> str:
    """`feeds/policies.xml`: where a feed lands, relative to the site's root."""
    return f"feeds/{name}.{extension}"


def audience_feed(audience: str) -> FeedName:
    """The feed of new versions of the policies on one audience's reading list."""
    return f"audiences/{audience}"


def owner_feed(owner_id: str) -> FeedName:
    """The feed reminding one owner of the reviews falling due on their policies."""
    return f"owners/{owner_id}"


def policy_feed(policy_id: str) -> FeedName:
    """The feed of one policy's published versions: `feeds/policies/<id>.*`."""
    return f"policies/{policy_id}"


def feed_files(name: FeedName) -> list[tuple[str, str]]:
    """(format name, path) of a feed in every format, as pages link them."""
    return [(format_name, feed_path(name, ext)) for ext, (_, format_name) in FORMATS.items()]


@dataclass(frozen=True)
class FeedLink:
    """A feed as a page announces it: `<link rel="alternate" type=... title=... href=...>`."""

    path: str
    media_type: str
    title: str
    label: str
    format_name: str


def feed_links(site_name: str) -> tuple[FeedLink, ...]:
    """Every feed file in every format, in the order pages list them."""
    return tuple(
        FeedLink(
            feed_path(spec.name, ext), media_type, f"{site_name}: {spec.label} ({format_name})", spec.label, format_name
        )
        for spec in FEEDS
        for ext, (media_type, format_name) in FORMATS.items()
    )


def policy_feed_links(site_name: str, policy_id: str, title: str) -> tuple[FeedLink, ...]:
    """One policy's own feed in every format, as its page announces it."""
    return tuple(
        FeedLink(
            feed_path(policy_feed(policy_id), ext),
            media_type,
            f"{site_name}: {title} ({format_name})",
            title,
            format_name,
        )  # fmt: skip
        for ext, (media_type, format_name) in FORMATS.items()
    )


def discovery_tags(site_name: str, href: Callable[[str], str], links: tuple[FeedLink, ...] | None = None) -> str:
    """The `<link rel="alternate">` tags for a page's head (`links`, else every site-wide feed);
    `href` turns a feed's path into the page's link."""
    return "".join(
        f'<link rel="alternate" type="{link.media_type}" title="{html.escape(link.title)}" '
        f'href="{html.escape(href(link.path))}">\n'
        for link in (feed_links(site_name) if links is None else links)
    )
