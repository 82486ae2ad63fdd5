"""The customer page's own feed (`you-said-we-did/feed.xml`): only what the customer page says,
each item linked to the customer page at its public address, never to the internal site."""

from __future__ import annotations

import datetime as dt
import html

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from ...history import History
from ...loading import Corpus
from ...versioning import midnight
from ..paths import PUBLIC_FEED, Urls, public_page_url
from ..public import PUBLIC_TITLE, PublicItem, public_items
from .formats import xml_text
from .items import DEFAULT_URLS, absolute_url, utc
from .validation import FeedError, is_url, rss_problems


def public_address(corpus: Corpus, site_url: str, urls: Urls = DEFAULT_URLS) -> str:
    """Where the customer page is published: `feedback.public_url`, else its place in this site."""
    public = corpus.settings.feedback.public_url.strip()
    if public:
        if not is_url(public):
            raise FeedError(f"feedback.public_url must be an absolute http(s) address, got {public!r}")
        return public
    return absolute_url(site_url, public_page_url(urls))


def public_feed(
    corpus: Corpus, history: History | None, *, address: str, build_date: dt.datetime, language: str = "en"
) -> bytes:
    """`you-said-we-did/feed.xml`: RSS 2.0 of what the customer page shows, each item linked to
    the customer page at its public `address`, never to the internal site."""
    items = public_items(corpus, history)
    page = address if address.endswith(("/", ".html")) else address + "/"
    feed_url = (page.rsplit("/", 1)[0] + "/" if page.endswith(".html") else page) + "feed.xml"
    generator = FeedGenerator()
    generator.title(PUBLIC_TITLE)
    generator.link(href=feed_url, rel="self", type="application/rss+xml")
    generator.link(href=page, rel="alternate")
    generator.description("What customers told us, and what we did about it.")
    generator.language(language)
    generator.generator("handbook")
    newest = max((midnight(i.when) for i in items), default=utc(build_date))
    generator.lastBuildDate(newest)
    generator.pubDate(newest)
    for item in items:
        _add(generator, item, page)
    xml = bytes(generator.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True))
    if problems := rss_problems(xml):
        raise FeedError(f"{PUBLIC_FEED} would not validate: {'; '.join(problems)}")
    return xml


def _add(generator: FeedGenerator, item: PublicItem, page: str) -> None:
    entry = generator.add_entry(order="append")
    link = f"{page}#{item.anchor}"
    entry.guid(f"{link}-{item.status}-{item.when.isoformat()}", permalink=False)
    entry.title(xml_text(item.title))
    entry.link(href=link)
    entry.description(xml_text(f"<p>{html.escape(item.label)}: {html.escape(item.outcome, quote=False)}</p>"))
    entry.pubDate(midnight(item.when))
