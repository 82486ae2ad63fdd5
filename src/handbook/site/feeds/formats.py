"""The feeds as files: RSS 2.0 (written by feedgen, then checked) and JSON Feed 1.1, the same bytes
for the same items."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence

from feedgen.entry import FeedEntry  # type: ignore[import-untyped]
from feedgen.ext.dc import DcEntryExtension  # type: ignore[import-untyped]
from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from ...history import History
from ...loading import Corpus
from ...parallel import SERIAL, Parallel
from ..journey import feedback_on
from ..paths import Urls
from .feedback import feedback_items
from .items import (
    DEFAULT_URLS,
    Feed,
    FeedItem,
    PostPage,
    audience_and_owner_feeds,
    checked_site_url,
    compile_feeds,
    utc,
)
from .names import FeedName, feed_path
from .policy_feeds import policy_feeds
from .validation import FeedError, rss_problems

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# Characters XML 1.0 cannot carry at all, even escaped: lxml refuses them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def build_feeds(
    corpus: Corpus,
    history: History,
    *,
    site_url: str,
    site_name: str,
    build_date: dt.datetime,
    posts: Mapping[str, PostPage],
    language: str = "en",
    urls: Urls = DEFAULT_URLS,
    memo: dict[FeedName, tuple[object, list[tuple[str, bytes]]]] | None = None,
    parallel: Parallel = SERIAL,
) -> dict[str, bytes]:
    """Every feed file, `{"feeds/all.xml": bytes, ...}`: same records and history, same bytes.

    `build_date` (SOURCE_DATE_EPOCH or HEAD's date) dates only a feed that has no item yet.
    `memo`, kept by a caller that builds again and again (`mkdocs serve`), holds each feed's
    files by what they are written from: a feed whose items did not change is not written again.
    `parallel` may write some of the feeds on another core.
    """
    feedback = (
        list(feedback_items(corpus, history, site_url=checked_site_url(site_url), urls=urls))
        if feedback_on(corpus)
        else None
    )
    feeds = compile_feeds(
        corpus, history, site_url=site_url, site_name=site_name, posts=posts, urls=urls, feedback=feedback
    )
    feeds += audience_and_owner_feeds(corpus, history, site_url=site_url, site_name=site_name, urls=urls)
    feeds += policy_feeds(corpus, history, site_url=site_url, site_name=site_name, urls=urls)
    done: dict[FeedName, list[tuple[str, bytes]]] = {}
    if memo is not None:
        for name in set(memo) - {feed.name for feed in feeds}:
            del memo[name]
        for feed in feeds:
            hit = memo.get(feed.name)
            if hit is not None and hit[0] == (feed, build_date, language):
                done[feed.name] = hit[1]
    fresh = [feed for feed in feeds if feed.name not in done]

    def write(some: Sequence[Feed]) -> list[list[tuple[str, bytes]]]:
        # An item is in several feeds (all, policies, an audience's): its entry is made once.
        entries: dict[FeedItem, FeedEntry] = {}
        written = []
        for feed in some:
            xml = rss(feed, build_date=build_date, language=language, entries=entries)
            # Checked here, on the core that wrote it: a feed that would not validate stops the build.
            if problems := rss_problems(xml, undated_items=True):
                raise FeedError(f"{feed_path(feed.name, 'xml')} would not validate: {'; '.join(problems)}")
            as_json = json_feed(feed, language=language)
            written.append([(feed_path(feed.name, "xml"), xml), (feed_path(feed.name, "json"), as_json)])
        return written

    # Half of the items written on the second core: 170,000 of them at 10,000 records.
    total, split = sum(len(f.items) for f in fresh), 0
    while split < len(fresh) and sum(len(f.items) for f in fresh[: split + 1]) * 2 <= total:
        split += 1
    for feed, written in zip(fresh, parallel.in_two(fresh, write, split=split), strict=True):
        done[feed.name] = written
        if memo is not None:
            memo[feed.name] = ((feed, build_date, language), written)
    return {path: data for feed in feeds for path, data in done[feed.name]}


def rss(
    feed: Feed, *, build_date: dt.datetime, language: str = "en", entries: dict[FeedItem, FeedEntry] | None = None
) -> bytes:
    """The feed as RSS 2.0, written by feedgen; the channel is dated by its newest item.
    `entries`: the items' feedgen entries, made once for all the feeds written in a row."""
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.title(xml_text(feed.title))
    # feedgen takes the channel's <link> from the last link given: the home page goes last.
    generator.link(href=feed.url("xml"), rel="self", type="application/rss+xml")
    generator.link(href=feed.home, rel="alternate")
    generator.description(xml_text(feed.description))
    generator.language(language)
    generator.generator("handbook")
    # feedgen dates the channel with the clock unless told otherwise.
    stamp = feed.newest or utc(build_date)
    generator.lastBuildDate(stamp)
    generator.pubDate(stamp)
    for item in feed.items:
        entry = None if entries is None else entries.get(item)
        if entry is None:
            entry = _rss_entry(item)
            if entries is not None:
                entries[item] = entry
        generator.add_entry(entry, order="append")
    return bytes(generator.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True))


def _rss_entry(item: FeedItem) -> FeedEntry:
    entry = FeedEntry()
    entry.register_extension("dc", DcEntryExtension, atom=False, rss=True)
    entry.guid(item.guid, permalink=item.permalink)
    entry.title(xml_text(item.title))
    entry.link(href=item.url)
    entry.description(xml_text(item.html))
    if item.published is not None:
        entry.pubDate(item.published)
    for person in item.authors:
        if person.email:
            entry.author(name=xml_text(person.name), email=xml_text(person.email))
        else:
            entry.dc.dc_creator(xml_text(person.name))
    for category in item.categories:
        entry.category(term=xml_text(category))
    return entry


def json_feed(feed: Feed, *, language: str = "en") -> bytes:
    """The feed as JSON Feed 1.1."""
    items = []
    for item in feed.items:
        entry: dict[str, object] = {
            "id": item.guid,
            "url": item.url,
            "title": item.title,
            "content_html": item.html,
            "content_text": item.text,
        }
        if item.published is not None:
            entry["date_published"] = item.published.isoformat()
        if item.authors:
            entry["authors"] = [
                {"name": p.name, "url": f"mailto:{p.email}"} if p.email else {"name": p.name} for p in item.authors
            ]
        if item.categories:
            entry["tags"] = list(item.categories)
        items.append(entry)
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home,
        "feed_url": feed.url("json"),
        "description": feed.description,
        "language": language,
        "items": items,
    }
    # Compact: json's C encoder, ten times the speed of its indenting one on 300 MB of feeds.
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)
