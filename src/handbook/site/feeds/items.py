"""Feed items: one per published policy version, decision, change of a decision's status and post,
and the feeds they make up. Every date comes from the records or from git, never from the clock."""

from __future__ import annotations

import datetime as dt
import html
import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from operator import attrgetter
from typing import Literal

from ...history import History
from ...loading import Corpus
from ...records import FeedbackChange, Policy, PolicyStatus, StatusChange, Version
from ...versioning import midnight, working_version
from ..html import audience_title
from ..paths import (
    FEEDBACK_REGISTER,
    START_HERE,
    Urls,
    decision_src,
    docs_relative,
    owner_src,
    policy_src,
    reading_list_src,
    version_src,
)
from ..reading import NEW_HIRES, reading_list, with_all_staff
from .names import FEEDBACK_FEED, FEEDBACK_SPEC, FEEDS, FeedName, audience_feed, feed_path, owner_feed
from .text import decision_outcome
from .validation import FeedError, is_url

ItemKind = Literal["policies", "decisions", "posts", "feedback"]
Change = StatusChange | FeedbackChange
DEFAULT_URLS = Urls()


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
    # None: a decision with `date: unknown`; the item has no date (RSS and JSON Feed allow it).
    published: dt.datetime | None
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
        return max((item.published for item in self.items if item.published is not None), default=None)


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
            url = absolute_url(site_url, urls.page(version_src(policy.id, version.number)))
            retired = " (retired)" if version.status == PolicyStatus.RETIRED.value else ""
            effective = f", effective {version.effective.isoformat()}" if version.effective else ""
            yield FeedItem(
                kind="policies",
                guid=url,
                permalink=True,
                url=url,
                title=f"{version.title}: version {version.number}{retired}",
                paragraphs=paragraphs(
                    f"Version {version.number}{effective}. What changed: {version.changes}", version.summary
                ),
                published=utc(version.published),
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
        url = absolute_url(site_url, urls.page(policy_src(policy.id)))
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
    for decision in corpus.decisions.values():
        url = absolute_url(site_url, urls.page(decision_src(decision.id)))
        status = corpus.decision_status(decision).value
        makers = f" Decision-makers: {', '.join(decision.decision_makers)}." if decision.decision_makers else ""
        yield FeedItem(
            kind="decisions",
            guid=url,
            permalink=True,
            url=url,
            title=f"Decision {decision.label}: {decision.title}",
            paragraphs=paragraphs(
                f"Status: {status}, {f'dated {decision.date.isoformat()}' if decision.date else 'date unknown'}."
                f"{makers}",
                decision_outcome(decision),
            ),
            # Never the day it was imported: an undated record's item carries no date.
            published=midnight(decision.date) if decision.date is not None else None,
            authors=tuple(Person(name) for name in decision.decision_makers),
            categories=decision.tags,
        )
        for before, change in status_steps(history.status_changes.get(decision.number, ())):
            yield status_item(
                "decisions", url, change, f"Decision {decision.label} is now {change.status}: {decision.title}",
                (f"Decision {decision.label}, {decision.title}, changed from {before.status} "
                 f"to {change.status} on {utc(change.date).date().isoformat()}.",),
                decision.tags,
            )  # fmt: skip


def post_items(corpus: Corpus, posts: Mapping[str, PostPage], *, site_url: str) -> Iterator[FeedItem]:
    """One item per published post that the site built (`posts` is keyed by the post's path)."""
    for post in corpus.published_posts:
        page = posts.get(post.path)
        if page is None:
            # Material did not publish it (a draft by date, for example): no page, no item.
            continue
        url = absolute_url(site_url, page.url)
        names = page.authors or post.authors
        yield FeedItem(
            kind="posts",
            guid=url,
            permalink=True,
            url=url,
            title=post.title,
            paragraphs=paragraphs(page.summary),
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
    feedback: Iterable[FeedItem] | None = None,
) -> tuple[Feed, ...]:
    """The four feeds, items newest first (ties broken by GUID); with `feedback` (a handbook that
    keeps customer feedback), its feed too, and its items in `all`."""
    site_url = checked_site_url(site_url)
    by_kind: dict[ItemKind, tuple[FeedItem, ...]] = {
        "policies": newest_first(policy_items(corpus, history, site_url=site_url, urls=urls)),
        "decisions": newest_first(decision_items(corpus, history, site_url=site_url, urls=urls)),
        "posts": newest_first(post_items(corpus, posts, site_url=site_url)),
    }
    specs = FEEDS
    if feedback is not None:
        by_kind["feedback"] = newest_first(feedback)
        specs = (*FEEDS, FEEDBACK_SPEC)
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
        FEEDBACK_FEED: FEEDBACK_REGISTER,
    }
    feeds = []
    for spec in specs:
        everything = (i for items in by_kind.values() for i in items)
        items = newest_first(everything) if spec.name == "all" else by_kind[spec.name]  # type: ignore[index]
        sentence = spec.sentence
        if spec.name == "all" and feedback is not None:
            sentence = sentence.replace(" and blog post", ", blog post and change to customer feedback")
        feeds.append(
            Feed(
                name=spec.name,
                title=f"{site_name}: {spec.label}",
                description=f"{sentence}, from {site_name}.",
                home=absolute_url(site_url, urls.page(home_src[spec.name])),
                site_url=site_url,
                items=items,
            )
        )
    return tuple(feeds)


def audience_and_owner_feeds(
    corpus: Corpus, history: History, *, site_url: str, site_name: str, urls: Urls = DEFAULT_URLS
) -> tuple[Feed, ...]:
    """A feed per reading list (new versions of its policies) and per owner (reviews falling due)."""
    site_url = checked_site_url(site_url)
    # Each policy's items and owner worked out once, not once per audience or owner.
    versions: dict[str, tuple[FeedItem, ...]] = {}
    owned: dict[str, list[Policy]] = defaultdict(list)
    for policy in corpus.published_policies:
        versions[policy.id] = tuple(policy_items(corpus, history, site_url=site_url, urls=urls, policies=(policy,)))
        owned[policy.owner].append(policy)
    feeds = []
    for audience in corpus.settings.audiences:
        home = START_HERE if audience == NEW_HIRES else reading_list_src(audience)
        policies = reading_list(corpus, with_all_staff(audience))
        who = audience_title(audience)
        feeds.append(
            Feed(
                name=audience_feed(audience),
                title=f"{site_name}: policies for {who.lower()}",
                description=f"Every published version of the policies on the reading list for {who.lower()}, "
                f"from {site_name}.",
                home=absolute_url(site_url, urls.page(home)),
                site_url=site_url,
                items=newest_first(item for policy in policies for item in versions[policy.id]),
            )
        )
    for owner_id, owner in sorted(corpus.owners.items()):
        feeds.append(
            Feed(
                name=owner_feed(owner_id),
                title=f"{site_name}: reviews due for {owner.name}",
                description=f"A reminder for each policy {owner.name} owns, when its review falls due, "
                f"from {site_name}.",
                home=absolute_url(site_url, urls.page(owner_src(owner_id))),
                site_url=site_url,
                items=newest_first(
                    review_items(corpus, owner_id, site_url=site_url, urls=urls, policies=owned[owner_id])
                ),
            )
        )
    return tuple(feeds)


def paragraphs(*texts: str) -> tuple[str, ...]:
    """An item's paragraphs: the texts given, stripped, the empty ones left out."""
    return tuple(t.strip() for t in texts if t and t.strip())


def status_steps(changes: Sequence[Change]) -> Iterator[tuple[Change, Change]]:
    """(before, after) for each change of status; `changes`' first is the record's own item's."""
    return ((b, c) for b, c in zip(changes, changes[1:], strict=False) if c.status != b.status)


def status_item(
    kind: ItemKind, url: str, change: Change, title: str, text: tuple[str, ...], categories: tuple[str, ...]
) -> FeedItem:
    return FeedItem(
        kind=kind, guid=status_guid(url, change.status, change.commit, change.date), permalink=False, url=url,
        title=title, paragraphs=text, published=utc(change.date),
        authors=(Person.from_git(change.author),) if change.author.strip() else (), categories=categories,
    )  # fmt: skip


def status_guid(url: str, status: str, commit: str, date: dt.datetime) -> str:
    """A status change's GUID: stable per record, status and commit (its moment while uncommitted),
    so that a status reached twice gives two items."""
    marker = commit[:12] if commit else utc(date).strftime("%Y%m%dT%H%M%SZ")
    return f"{url}#status-{status}-{marker}"


def _owner_person(corpus: Corpus, owner_id: str) -> Person:
    owner = corpus.owners.get(owner_id)
    return Person(owner.name, owner.email) if owner else Person(corpus.owner_name(owner_id))


def newest_first(items: Iterable[FeedItem]) -> tuple[FeedItem, ...]:
    """Newest first, ties broken by GUID, as every feed lists its items; undated items (a decision
    with `date: unknown`) last."""
    # Two stable sorts: by GUID, then newest first (aware dates, compared as instants).
    ordered = sorted(items, key=attrgetter("guid"))
    dated = sorted((i for i in ordered if i.published is not None), key=attrgetter("published"), reverse=True)
    return (*dated, *(i for i in ordered if i.published is None))


def utc(moment: dt.datetime) -> dt.datetime:
    """Aware and in UTC: git gives the author's offset, readers compare instants."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def checked_site_url(site_url: str) -> str:
    if not is_url(site_url):
        raise FeedError(f"feeds need the site's absolute URL (site_url), got {site_url!r}")
    return site_url if site_url.endswith("/") else site_url + "/"


def absolute_url(site_url: str, path: str) -> str:
    path = path.lstrip("/")
    return site_url if path in ("", "./", ".") else site_url + path
