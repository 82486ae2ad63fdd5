"""The handbook's feeds: RSS 2.0 and JSON Feed 1.1 of policy versions, decisions, posts and all of them.

Every date comes from the records or from git, never from the clock, and items are sorted
by date then GUID, so that the same commit always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from email.utils import format_datetime, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Literal

from feedgen.entry import FeedEntry  # type: ignore[import-untyped]
from feedgen.ext.dc import DcEntryExtension  # type: ignore[import-untyped]
from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from . import forking
from .compile import (
    NEW_HIRES,
    START_HERE,
    Compiler,
    audience_title,
    docs_relative,
    md_text,
    owner_src,
    reading_list_src,
    version_src,
    with_all_staff,
)
from .history import History
from .loading import Corpus
from .records import Decision, Policy, PolicyStatus, Version
from .urls import Urls
from .versioning import midnight, working_version

# The four main feeds; per-audience and per-owner feeds are `audiences/<audience>`, `owners/<id>`.
FeedName = str
ItemKind = Literal["policies", "decisions", "posts"]

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
DEFAULT_URLS = Urls()
FEEDS_PAGE = "feeds/index.md"
ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
# File extension -> (media type, the format's name for readers).
FORMATS: Mapping[str, tuple[str, str]] = {
    "xml": ("application/rss+xml", "RSS"),
    "json": ("application/feed+json", "JSON Feed"),
}
# Characters XML 1.0 cannot carry at all, even escaped: lxml refuses them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|\*|`)")
_RFC822 = re.compile(
    r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Z])$"
)
# Elements a template leaves as 'None' when a value is missing (a title may well be 'None').
_NEVER_NONE = ("url", "link", "guid", "pubDate", "lastBuildDate", "language", "author", "docs")


class FeedError(ValueError):
    """A feed that cannot be made valid: says which defect, so that the build can name it."""


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


def feed_path(name: FeedName, extension: str) -> str:
    """`feeds/policies.xml`: where a feed lands, relative to the site's root."""
    return f"feeds/{name}.{extension}"


def audience_feed(audience: str) -> FeedName:
    """The feed of new versions of the policies on one audience's reading list."""
    return f"audiences/{audience}"


def owner_feed(owner_id: str) -> FeedName:
    """The feed reminding one owner of the reviews falling due on their policies."""
    return f"owners/{owner_id}"


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


def discovery_tags(site_name: str, href: Callable[[str], str]) -> str:
    """The `<link rel="alternate">` tags for a page's head; `href` turns a feed's path into the page's link."""
    return "".join(
        f'<link rel="alternate" type="{link.media_type}" title="{html.escape(link.title)}" '
        f'href="{html.escape(href(link.path))}">\n'
        for link in feed_links(site_name)
    )


def feeds_page(site_name: str) -> str:
    """The Markdown of `feeds/index.md`: what each feed carries, with its RSS and JSON links."""
    rows = []
    for spec in FEEDS:
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


@dataclass(frozen=True)
class Person:
    """An author as feeds show one: RSS wants `email (Name)`, else the name goes to `dc:creator`."""

    name: str
    email: str = ""

    @classmethod
    def from_git(cls, author: str) -> Person:
        """`Jane Doe <jane@example.com>` or just `Jane Doe`, as git or history recorded it."""
        name, email = parseaddr(author)
        if email and "@" in email:
            return cls(name or email, email)
        return cls(author.strip())


@dataclass(frozen=True)
class PostPage:
    """What the site made of a blog post: its URL (relative to the site root), excerpt and authors' names."""

    url: str
    summary: str = ""
    # Display names (Material's .authors.yml); empty means the post's author ids are shown.
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedItem:
    """One feed item: a policy version, a decision, a decision's status change or a post."""

    kind: ItemKind
    guid: str
    permalink: bool
    url: str
    title: str
    # Plain text; RSS gets them as escaped HTML paragraphs, JSON Feed as both.
    paragraphs: tuple[str, ...]
    published: dt.datetime
    authors: tuple[Person, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The item's text; an item without one (a post with no excerpt) repeats its title."""
        return "\n\n".join(self.paragraphs or (self.title,))

    @property
    def html(self) -> str:
        return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in self.paragraphs or (self.title,))


@dataclass(frozen=True)
class Feed:
    """A feed's channel and its items, newest first."""

    name: FeedName
    title: str
    description: str
    home: str
    site_url: str
    items: tuple[FeedItem, ...]

    def url(self, extension: str) -> str:
        return self.site_url + feed_path(self.name, extension)

    @property
    def newest(self) -> dt.datetime | None:
        return max((item.published for item in self.items), default=None)


# -- items ---------------------------------------------------------------------


def published_versions(corpus: Corpus, policy: Policy, history: History) -> tuple[Version, ...]:
    """The policy's published versions, oldest first: from git, or else (no git, or a file not
    yet committed) its current text as its only version, published on its effective date."""
    versions = tuple(v for v in history.versions.get(policy.id, ()) if v.status != PolicyStatus.DRAFT.value)
    if versions:
        return versions
    return (working_version(corpus, policy.id, midnight(policy.effective)),)


def policy_items(
    corpus: Corpus,
    history: History,
    *,
    site_url: str,
    urls: Urls = DEFAULT_URLS,
    policies: Iterable[Policy] | None = None,
) -> Iterator[FeedItem]:
    """One item per published version of every policy that is not a draft today (or of `policies`)."""
    for policy in corpus.published_policies if policies is None else policies:
        author = _owner_person(corpus, policy.owner)
        for version in published_versions(corpus, policy, history):
            url = _absolute(site_url, urls.page(version_src(policy.id, version.number)))
            retired = " (retired)" if version.status == PolicyStatus.RETIRED.value else ""
            effective = f", effective {version.effective.isoformat()}" if version.effective else ""
            yield FeedItem(
                kind="policies",
                guid=url,
                permalink=True,
                url=url,
                title=f"{version.title}: version {version.number}{retired}",
                paragraphs=_paragraphs(
                    f"Version {version.number}{effective}. What changed: {version.changes}", version.summary
                ),
                published=_utc(version.published),
                authors=(author,),
                categories=policy.tags,
            )


def review_items(
    corpus: Corpus,
    owner_id: str,
    *,
    site_url: str,
    urls: Urls = DEFAULT_URLS,
    policies: Iterable[Policy] | None = None,
) -> Iterator[FeedItem]:
    """One reminder per policy in force that `owner_id` owns, dated when its review falls due soon.

    The date is the review's due date less the `due_soon_days` warning, so a reader lists the
    reminder when `handbook check` starts to warn; a review done (a new `reviewed`) is a new GUID.
    """
    author = _owner_person(corpus, owner_id)
    warning = dt.timedelta(days=corpus.settings.due_soon_days)
    for policy in corpus.published_policies if policies is None else policies:
        if policy.owner != owner_id or corpus.is_retired(policy):
            continue
        due = policy.review_due
        url = _absolute(site_url, urls.page(f"policies/{policy.id}.md"))
        yield FeedItem(
            kind="policies",
            guid=f"{url}#review-{due.isoformat()}",
            permalink=False,
            url=url,
            title=f"Review due {due.isoformat()}: {policy.title}",
            paragraphs=(
                f"Version {policy.version} was last reviewed on {policy.reviewed.isoformat()} "
                f"and is due for review every {policy.review_every} months, next on {due.isoformat()}.",
                "Review it with the people it affects, then set 'reviewed' to the date of the review, "
                "or publish a new version.",
            ),
            published=midnight(due - warning),
            authors=(author,),
            categories=policy.tags,
        )


def decision_items(corpus: Corpus, history: History, *, site_url: str, urls: Urls = DEFAULT_URLS) -> Iterator[FeedItem]:
    """One item per decision, dated by its `date`, and one per later change of its status in git."""
    compiler = Compiler(corpus, urls)
    for decision in corpus.decisions.values():
        url = _absolute(site_url, urls.page(compiler.decision_src(decision)))
        status = corpus.decision_status(decision).value
        makers = f" Decision-makers: {', '.join(decision.decision_makers)}." if decision.decision_makers else ""
        yield FeedItem(
            kind="decisions",
            guid=url,
            permalink=True,
            url=url,
            title=f"Decision {decision.label}: {decision.title}",
            paragraphs=_paragraphs(
                f"Status: {status}, dated {decision.date.isoformat()}.{makers}", decision_outcome(decision)
            ),
            published=midnight(decision.date),
            authors=tuple(Person(name) for name in decision.decision_makers),
            categories=decision.tags,
        )
        # The first entry is the status the decision was recorded with: the decision's own item.
        changes = history.status_changes.get(decision.number, ())
        for before, change in zip(changes, changes[1:], strict=False):
            if change.status == before.status:
                continue
            marker = change.commit[:12] if change.commit else _utc(change.date).strftime("%Y%m%dT%H%M%SZ")
            yield FeedItem(
                kind="decisions",
                guid=f"{url}#status-{change.status}-{marker}",
                permalink=False,
                url=url,
                title=f"Decision {decision.label} is now {change.status}: {decision.title}",
                paragraphs=(
                    f"Decision {decision.label}, {decision.title}, changed from {before.status} "
                    f"to {change.status} on {_utc(change.date).date().isoformat()}.",
                ),
                published=_utc(change.date),
                authors=(Person.from_git(change.author),) if change.author.strip() else (),
                categories=decision.tags,
            )


def post_items(corpus: Corpus, posts: Mapping[str, PostPage], *, site_url: str) -> Iterator[FeedItem]:
    """One item per published post that the site built (`posts` is keyed by the post's path)."""
    for post in corpus.published_posts:
        page = posts.get(post.path)
        if page is None:
            # Material did not publish it (a draft by date, for example): no page, no item.
            continue
        url = _absolute(site_url, page.url)
        names = page.authors or post.authors
        yield FeedItem(
            kind="posts",
            guid=url,
            permalink=True,
            url=url,
            title=post.title,
            paragraphs=_paragraphs(page.summary),
            published=midnight(post.date),
            authors=tuple(Person(name) for name in names),
            categories=post.categories,
        )


def compile_feeds(
    corpus: Corpus,
    history: History,
    *,
    site_url: str,
    site_name: str,
    posts: Mapping[str, PostPage],
    urls: Urls = DEFAULT_URLS,
) -> tuple[Feed, ...]:
    """The four feeds, items newest first (ties broken by GUID)."""
    site_url = _site_url(site_url)
    by_kind: dict[ItemKind, tuple[FeedItem, ...]] = {
        "policies": _sorted(policy_items(corpus, history, site_url=site_url, urls=urls)),
        "decisions": _sorted(decision_items(corpus, history, site_url=site_url, urls=urls)),
        "posts": _sorted(post_items(corpus, posts, site_url=site_url)),
    }
    guids = Counter(item.guid for items in by_kind.values() for item in items)
    duplicates = sorted(g for g, n in guids.items() if n > 1)
    if duplicates:
        raise FeedError(f"two feed items share a GUID ({', '.join(duplicates)}): each needs its own page or marker")
    settings = corpus.settings
    home_src = {
        "all": "index.md",
        "policies": "policies/index.md",
        "decisions": "decisions/index.md",
        "posts": posixpath.join(posixpath.dirname(docs_relative(settings.posts_dir, settings.docs_dir)), "index.md"),
    }
    feeds = []
    for spec in FEEDS:
        items = _sorted(i for items in by_kind.values() for i in items) if spec.name == "all" else by_kind[spec.name]  # type: ignore[index]
        feeds.append(
            Feed(
                name=spec.name,
                title=f"{site_name}: {spec.label}",
                description=f"{spec.sentence}, from {site_name}.",
                home=_absolute(site_url, urls.page(home_src[spec.name])),
                site_url=site_url,
                items=items,
            )
        )
    return tuple(feeds)


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
) -> dict[str, bytes]:
    """Every feed file, `{"feeds/all.xml": bytes, ...}`: same records and history, same bytes.

    `build_date` (SOURCE_DATE_EPOCH or HEAD's date) dates only a feed that has no item yet.
    `memo`, kept by a caller that builds again and again (`mkdocs serve`), holds each feed's
    files by what they are written from: a feed whose items did not change is not written again.
    """
    feeds = compile_feeds(corpus, history, site_url=site_url, site_name=site_name, posts=posts, urls=urls)
    feeds += audience_and_owner_feeds(corpus, history, site_url=site_url, site_name=site_name, urls=urls)
    done: dict[FeedName, list[tuple[str, bytes]]] = {}
    if memo is not None:
        for name in set(memo) - {feed.name for feed in feeds}:
            del memo[name]
        for feed in feeds:
            hit = memo.get(feed.name)
            if hit is not None and hit[0] == (feed, build_date, language):
                done[feed.name] = hit[1]
    fresh = [feed for feed in feeds if feed.name not in done]

    @forking.collector_off()  # millions of elements made and parsed, none in a cycle
    def write(some: Sequence[Feed]) -> list[list[tuple[str, bytes]]]:
        # An item is in several feeds (all, policies, an audience's): its entry is made once.
        entries: dict[FeedItem, FeedEntry] = {}
        written = []
        for feed in some:
            xml = rss(feed, build_date=build_date, language=language, entries=entries)
            # Checked here, on the core that wrote it: a feed that would not validate stops the build.
            if problems := rss_problems(xml):
                raise FeedError(f"{feed_path(feed.name, 'xml')} would not validate: {'; '.join(problems)}")
            as_json = json_feed(feed, language=language)
            written.append([(feed_path(feed.name, "xml"), xml), (feed_path(feed.name, "json"), as_json)])
        return written

    # Half of the items written on the second core: 170,000 of them at 10,000 records.
    total, split = sum(len(f.items) for f in fresh), 0
    while split < len(fresh) and sum(len(f.items) for f in fresh[: split + 1]) * 2 <= total:
        split += 1
    for feed, written in zip(fresh, forking.map_in_two(fresh, write, split=split), strict=True):
        done[feed.name] = written
        if memo is not None:
            memo[feed.name] = ((feed, build_date, language), written)
    return {path: data for feed in feeds for path, data in done[feed.name]}


def audience_and_owner_feeds(
    corpus: Corpus, history: History, *, site_url: str, site_name: str, urls: Urls = DEFAULT_URLS
) -> tuple[Feed, ...]:
    """A feed per reading list (new versions of its policies) and per owner (reviews falling due)."""
    site_url = _site_url(site_url)
    compiler = Compiler(corpus, urls)
    # Each policy's items and owner worked out once, not once per audience or owner.
    versions: dict[str, tuple[FeedItem, ...]] = {}
    owned: dict[str, list[Policy]] = defaultdict(list)
    for policy in corpus.published_policies:
        versions[policy.id] = tuple(policy_items(corpus, history, site_url=site_url, urls=urls, policies=(policy,)))
        owned[policy.owner].append(policy)
    feeds = []
    for audience in corpus.settings.audiences:
        home = START_HERE if audience == NEW_HIRES else reading_list_src(audience)
        policies = compiler.reading_list(with_all_staff(audience))
        who = audience_title(audience)
        feeds.append(
            Feed(
                name=audience_feed(audience),
                title=f"{site_name}: policies for {who.lower()}",
                description=f"Every published version of the policies on the reading list for {who.lower()}, "
                f"from {site_name}.",
                home=_absolute(site_url, urls.page(home)),
                site_url=site_url,
                items=_sorted(item for policy in policies for item in versions[policy.id]),
            )
        )
    for owner_id, owner in sorted(corpus.owners.items()):
        feeds.append(
            Feed(
                name=owner_feed(owner_id),
                title=f"{site_name}: reviews due for {owner.name}",
                description=f"A reminder for each policy {owner.name} owns, when its review falls due, from {site_name}.",
                home=_absolute(site_url, urls.page(owner_src(owner_id))),
                site_url=site_url,
                items=_sorted(review_items(corpus, owner_id, site_url=site_url, urls=urls, policies=owned[owner_id])),
            )
        )
    return tuple(feeds)


# -- formats -------------------------------------------------------------------


def rss(
    feed: Feed, *, build_date: dt.datetime, language: str = "en", entries: dict[FeedItem, FeedEntry] | None = None
) -> bytes:
    """The feed as RSS 2.0, written by feedgen; the channel is dated by its newest item.
    `entries`: the items' feedgen entries, made once for all the feeds written in a row."""
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.title(_xml(feed.title))
    # feedgen takes the channel's <link> from the last link given: the home page goes last.
    generator.link(href=feed.url("xml"), rel="self", type="application/rss+xml")
    generator.link(href=feed.home, rel="alternate")
    generator.description(_xml(feed.description))
    generator.language(language)
    generator.generator("handbook")
    # feedgen dates the channel with the clock unless told otherwise.
    stamp = feed.newest or _utc(build_date)
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
    entry.title(_xml(item.title))
    entry.link(href=item.url)
    entry.description(_xml(item.html))
    entry.pubDate(item.published)
    for person in item.authors:
        if person.email:
            entry.author(name=_xml(person.name), email=_xml(person.email))
        else:
            entry.dc.dc_creator(_xml(person.name))
    for category in item.categories:
        entry.category(term=_xml(category))
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
            "date_published": item.published.isoformat(),
        }
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


# -- mkdocs-rss-plugin's output ----------------------------------------------


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
    site_url = _site_url(site_url)
    by_url = {_absolute(site_url, posts[post.path].url): post for post in corpus.published_posts if post.path in posts}
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
    stamp = format_datetime(max((_item_date(i) for i in items), default=_utc(build_date)))
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
        return _utc(parsedate_to_datetime(text))
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
        element.text = _xml(text)
        item.insert(at + offset, element)


def _strip_layout(root: ET.Element) -> None:
    """Drop whitespace-only text between elements, so that `ET.indent` lays the document out anew."""
    for element in root.iter():
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None


# -- checks --------------------------------------------------------------------


def rss_problems(xml: bytes) -> list[str]:
    """What keeps an RSS 2.0 document from validating strictly; empty when it is valid.

    Well-formed XML; channel title, link and description; an `atom:link rel="self"`;
    RFC 822 dates; per item a title or description, a GUID (a URL when it is a permalink),
    an absolute link and `author` as `email (Name)`; no `None` left by a template.
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
    if not _is_url(channel.findtext("link")):
        problems.append(f"channel <link> is not an absolute URL: {channel.findtext('link')!r}")
    selves = [link for link in channel.findall(f"{{{ATOM_NS}}}link") if link.get("rel") == "self"]
    if len(selves) != 1 or not _is_url(selves[0].get("href")):
        problems.append('channel needs exactly one <atom:link rel="self"> with an absolute href')
    for tag in ("pubDate", "lastBuildDate"):
        text = channel.findtext(tag)
        if text is not None and not _is_rfc822(text):
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
            if guid.get("isPermaLink", "true") == "true" and not _is_url(value):
                problems.append(f"{where}: a permalink GUID must be an absolute URL: {value!r}")
        link = item.findtext("link")
        if link is not None and not _is_url(link):
            problems.append(f"{where} <link> is not an absolute URL: {link!r}")
        date = item.findtext("pubDate")
        if date is None or not _is_rfc822(date):
            problems.append(f"{where} <pubDate> is missing or not an RFC 822 date: {date!r}")
        for author in item.findall("author"):
            if not re.fullmatch(r"[^\s@()]+@[^\s@()]+(?: \(.+\))?", (author.text or "").strip()):
                problems.append(f"{where} <author> must be 'email (Name)', got {author.text!r}")
    return problems


def _is_rfc822(text: str) -> bool:
    text = text.strip()
    if not _RFC822.match(text):
        return False
    try:
        parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return False
    return True


def _is_url(text: str | None) -> bool:
    return bool(text) and re.match(r"^https?://[^\s/]+", (text or "").strip()) is not None


# -- text ----------------------------------------------------------------------


class _TextOf(HTMLParser):
    """The text a reader sees in an HTML fragment, minus level-one headings (a post repeats its title)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "script", "style"):
            self.skip += 1
        elif tag in ("p", "br", "li", "div", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def plain_text(fragment: str) -> str:
    """An HTML fragment as plain text: tags dropped, entities decoded, whitespace folded."""
    parser = _TextOf()
    parser.feed(fragment)
    parser.close()
    paragraphs = (" ".join(p.split()) for p in "".join(parser.parts).split("\n"))
    return "\n\n".join(p for p in paragraphs if p)


def decision_outcome(decision: Decision) -> str:
    """The first paragraph of the decision's outcome, else of its text: what a subscriber reads first."""
    sections: dict[str, list[str]] = {}
    heading = ""
    fenced = False
    for line in decision.body.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced and line.startswith("#"):
            heading = line.lstrip("#").strip().lower()
            continue
        if not fenced:
            sections.setdefault(heading, []).append(line)
    for wanted in ("decision outcome", *sections):
        paragraph = _first_paragraph(sections.get(wanted, []))
        if paragraph:
            return paragraph
    return ""


def _first_paragraph(lines: list[str]) -> str:
    block: list[str] = []
    for line in lines:
        if line.strip():
            block.append(line.strip())
        elif block:
            break
    text = " ".join(block)
    return _MD_MARKS.sub("", _MD_LINK.sub(r"\1", text)).strip()


def _paragraphs(*texts: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in texts if t and t.strip())


# -- small helpers -------------------------------------------------------------


def _owner_person(corpus: Corpus, owner_id: str) -> Person:
    owner = corpus.owners.get(owner_id)
    return Person(owner.name, owner.email) if owner else Person(owner_id)


def _sorted(items: Iterable[FeedItem]) -> tuple[FeedItem, ...]:
    return tuple(sorted(items, key=lambda i: (-i.published.timestamp(), i.guid)))


def _utc(moment: dt.datetime) -> dt.datetime:
    """Aware and in UTC: git gives the author's offset, readers compare instants."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _site_url(site_url: str) -> str:
    if not _is_url(site_url):
        raise FeedError(f"feeds need the site's absolute URL (site_url), got {site_url!r}")
    return site_url if site_url.endswith("/") else site_url + "/"


def _absolute(site_url: str, path: str) -> str:
    path = path.lstrip("/")
    return site_url if path in ("", "./", ".") else site_url + path


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)
