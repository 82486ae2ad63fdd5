"""mkdocs-rss-plugin's blog feed (`feed_rss_created.xml`), made valid and reproducible."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from email.utils import format_datetime, parsedate_to_datetime

from ..loading import Corpus
from ..site.feeds.formats import xml_text
from ..site.feeds.items import PostPage, absolute_url, checked_site_url, utc
from ..site.feeds.validation import ATOM_NS, DC_NS, FeedError
from ..versioning import midnight


def repair_rss_plugin_feed(
    xml: bytes,
    corpus: Corpus,
    posts: Mapping[str, PostPage],
    *,
    site_url: str,
    build_date: dt.datetime,
) -> bytes:
    """mkdocs-rss-plugin 1.19's blog feed, made valid and reproducible.

    It writes `<image><url>None</url>` without an image, dates the channel with the build clock,
    puts bare names in `<author>` (RSS wants an e-mail there) and, without git, may date a post
    by the clock. Items that are known posts get their date, authors and categories from the
    records; the channel is dated by its newest item. XML it wrote malformed (it does not escape
    `&` or `<` in author names, categories or the site name) cannot be repaired: FeedError.
    """
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise FeedError(
            f"not well-formed XML ({exc}): mkdocs-rss-plugin 1.19 does not escape '&' or '<' in the site name, "
            "author names or categories; keep them out of the site name, and leave its 'categories' option "
            "unset and 'use_material_blog' false: the handbook adds categories and author names itself"
        ) from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise FeedError("not an RSS 2.0 document: no <rss><channel>")
    site_url = checked_site_url(site_url)
    on_site = [post for post in corpus.published_posts if post.path in posts]
    by_url = {absolute_url(site_url, posts[post.path].url): post for post in on_site}
    for image in channel.findall("image"):
        url = (image.findtext("url") or "").strip()
        if url in ("", "None"):
            channel.remove(image)
    items = channel.findall("item")
    for item in items:
        channel.remove(item)
        post = by_url.get((item.findtext("link") or "").strip())
        if post is not None:
            page = posts[post.path]
            _set_text(item, "pubDate", format_datetime(midnight(post.date)))
            _replace(item, "author", ())
            _replace(item, f"{{{DC_NS}}}creator", page.authors or post.authors)
            _replace(item, "category", post.categories)
        else:
            for author in item.findall("author"):
                if "@" not in (author.text or ""):
                    author.tag = f"{{{DC_NS}}}creator"
    items.sort(key=lambda i: (-_item_date(i).timestamp(), (i.findtext("guid") or "").strip()))
    channel.extend(items)
    stamp = format_datetime(max((_item_date(i) for i in items), default=utc(build_date)))
    _set_text(channel, "pubDate", stamp)
    _set_text(channel, "lastBuildDate", stamp)
    ET.register_namespace("atom", ATOM_NS)
    ET.register_namespace("dc", DC_NS)
    _strip_layout(root)
    ET.indent(root, "  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _item_date(item: ET.Element) -> dt.datetime:
    text = (item.findtext("pubDate") or "").strip()
    try:
        return utc(parsedate_to_datetime(text))
    except (TypeError, ValueError):
        raise FeedError(f"item {item.findtext('link')!r} has no valid <pubDate>: {text!r}") from None


def _set_text(parent: ET.Element, tag: str, text: str) -> None:
    element = parent.find(tag)
    if element is None:
        element = ET.SubElement(parent, tag)
    element.text = text


def _replace(item: ET.Element, tag: str, texts: Iterable[str]) -> None:
    """Replace every `tag` child of the item with one per text, after its title."""
    for old in item.findall(tag):
        item.remove(old)
    title = item.find("title")
    at = list(item).index(title) + 1 if title is not None else 0
    for offset, text in enumerate(texts):
        element = ET.Element(tag)
        element.text = xml_text(text)
        item.insert(at + offset, element)


def _strip_layout(root: ET.Element) -> None:
    """Drop whitespace-only text between elements, so that `ET.indent` lays the document out anew."""
    for element in root.iter():
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
