"""What makes an RSS 2.0 feed valid, checked on every feed the build writes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
_RFC822 = re.compile(
    r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Z])$"
)
# Elements a template leaves as 'None' when a value is missing (a title may well be 'None').
_NEVER_NONE = ("url", "link", "guid", "pubDate", "lastBuildDate", "language", "author", "docs")


class FeedError(ValueError):
    """A feed that cannot be made valid: says which defect, so that the build can name it."""


def rss_problems(xml: bytes, *, undated_items: bool = False) -> list[str]:
    """What keeps an RSS 2.0 document from validating strictly; empty when it is valid.

    Well-formed XML; channel title, link and description; an `atom:link rel="self"`;
    RFC 822 dates; per item a title or description, a GUID (a URL when it is a permalink),
    an absolute link and `author` as `email (Name)`; no `None` left by a template.
    `undated_items`: an item may have no `pubDate` (RSS 2.0 allows it: a decision whose date
    is unknown), but one it has must be RFC 822.
    """
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    problems: list[str] = []
    channel = root.find("channel")
    if root.tag != "rss" or root.get("version") != "2.0" or channel is None:
        return ['not RSS 2.0: expected <rss version="2.0"><channel>']
    for tag in ("title", "link", "description"):
        if not (channel.findtext(tag) or "").strip():
            problems.append(f"channel has no <{tag}>")
    if not is_url(channel.findtext("link")):
        problems.append(f"channel <link> is not an absolute URL: {channel.findtext('link')!r}")
    selves = [link for link in channel.findall(f"{{{ATOM_NS}}}link") if link.get("rel") == "self"]
    if len(selves) != 1 or not is_url(selves[0].get("href")):
        problems.append('channel needs exactly one <atom:link rel="self"> with an absolute href')
    for tag in ("pubDate", "lastBuildDate"):
        text = channel.findtext(tag)
        if text is not None and not is_rfc822(text):
            problems.append(f"channel <{tag}> is not an RFC 822 date: {text!r}")
    for element in root.iter():
        if element.tag in _NEVER_NONE and (element.text or "").strip() == "None":
            problems.append(f"<{element.tag}> says 'None'")
    guids: set[str] = set()
    for number, item in enumerate(channel.findall("item"), start=1):
        where = f"item {number}"
        if not (item.findtext("title") or item.findtext("description") or "").strip():
            problems.append(f"{where} has neither <title> nor <description>")
        guid = item.find("guid")
        if guid is None or not (guid.text or "").strip():
            problems.append(f"{where} has no <guid>")
        else:
            value = (guid.text or "").strip()
            if value in guids:
                problems.append(f"{where} repeats the GUID {value}")
            guids.add(value)
            if guid.get("isPermaLink", "true") == "true" and not is_url(value):
                problems.append(f"{where}: a permalink GUID must be an absolute URL: {value!r}")
        link = item.findtext("link")
        if link is not None and not is_url(link):
            problems.append(f"{where} <link> is not an absolute URL: {link!r}")
        date = item.findtext("pubDate")
        if date is None and undated_items:
            pass
        elif date is None or not is_rfc822(date):
            problems.append(f"{where} <pubDate> is missing or not an RFC 822 date: {date!r}")
        for author in item.findall("author"):
            if not re.fullmatch(r"[^\s@()]+@[^\s@()]+(?: \(.+\))?", (author.text or "").strip()):
                problems.append(f"{where} <author> must be 'email (Name)', got {author.text!r}")
    return problems


def is_rfc822(text: str) -> bool:
    text = text.strip()
    if not _RFC822.match(text):
        return False
    try:
        parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return False
    return True


def is_url(text: str | None) -> bool:
    return bool(text) and re.match(r"^https?://[^\s/]+", (text or "").strip()) is not None
