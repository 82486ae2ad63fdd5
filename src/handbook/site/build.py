"""The whole site as data: `make_site(...)` is the one entry to what the site is.

A `Site` holds every file the records make, in the order they join the site: each record's
own page (the author's front matter as written, then the page made from the record), the
registers, the reading lists, the Feeds and Acknowledgements pages, the assets, each policy's
version pages, history page and versions file, the redirects from renamed policies' old
addresses, and the health and owners' pages. A page is Markdown (and, where a shortcut may
convert it apart, the same page as a frame and parts) with the metadata its page needs; an
asset is a file of the package, copied as it is; a redirect is HTML. The feeds are bytes,
made once the site generator says what it made of each post (`Site.feeds`).

Nothing is made before it is asked for: under `mkdocs serve` the record pages come first
(`record_pages`), so that search can start on them while the rest (`files`) is made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from ..acknowledgements import Person, load_acknowledgements, requiring
from ..builddate import build_datetime
from ..checks import Finding
from ..errors import HandbookError
from ..folders import DECISION_ASSETS, decision_assets
from ..history import History
from ..loading import Corpus
from ..parallel import SERIAL, Parallel
from ..records import Decision, Feedback, Policy
from . import acks, reading, registers
from .changes import recent_changes
from .context import Context
from .feedback import feedback_page
from .feedback_register import feedback_register
from .feeds.formats import build_feeds
from .feeds.items import PostPage
from .feeds.names import FEEDBACK_SPEC, audience_feed, feed_files, feed_links
from .feeds.page import feeds_page
from .feeds.public import public_address, public_feed
from .health import HealthPages
from .html import esc
from .journey import feedback_on
from .pageparts import PageParts
from .paths import (
    ACKNOWLEDGED_JSON,
    ACKNOWLEDGEMENTS_PAGE,
    ASSET_DIR,
    DECISION_LOG,
    DECISION_REGISTER_JSON,
    FEEDBACK_REGISTER,
    FEEDS_PAGE,
    PAGE_ASSETS,
    POLICY_REGISTER,
    POLICY_REGISTER_JSON,
    PUBLIC_FEED,
    PUBLIC_PAGE,
    READING_INDEX,
    START_HERE,
    VERSION_ASSETS,
    Urls,
    decision_src,
    docs_relative,
    feedback_src,
    policy_src,
    reading_list_src,
    version_src,
)
from .public import public_page
from .records import FrontMatters, record_page
from .versions import PagesMemo, VersionPages

ASSETS = Path(__file__).parent / "assets"
Findings = Callable[[], Sequence[Finding]]


@dataclass(frozen=True)
class SiteSettings:
    """What the site is made with besides the records: mkdocs.yml's say."""

    site_name: str
    urls: Urls = Urls()
    # Drafts are shown only in an editor's local preview, never on a built site.
    show_drafts: bool = False
    # Policy ids read first on Start here and on each reading list they belong to.
    reading_order: tuple[str, ...] = ()
    # How many lines each kind gets in "What changed recently".
    recent_changes: int = 5
    # The site's language (the theme's): the customer page and its feed say it.
    language: str = "en"


@dataclass(frozen=True)
class SiteFile:
    """A file the records make: a page or file made here (`content`), or one the package
    ships (`asset`). `hidden`: out of the navigation, reached by links. A page made of parts
    has them in `parts` (its `content` is `parts.markdown()`); a record's own page has its
    record, and `meta`, what its page's metadata must say besides the author's front matter."""

    src_uri: str
    content: str | None = None
    asset: Path | None = None
    hidden: bool = False
    parts: PageParts | None = None
    record: Policy | Decision | Feedback | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class SiteMemo:
    """What a caller that makes the site again and again (`mkdocs serve`) keeps between makes:
    each policy's version pages, each record's front matter, the diffs by their texts, and each
    feed's bytes."""

    pages: PagesMemo = field(default_factory=PagesMemo)
    front_matters: FrontMatters = field(default_factory=dict)
    diffs: dict[bytes, str] = field(default_factory=dict)
    feeds: dict[str, tuple[object, list[tuple[str, bytes]]]] = field(default_factory=dict)


def draft_posts(corpus: Corpus) -> frozenset[str]:
    """The source paths of draft posts: never on the built site, in search or in feeds."""
    docs = corpus.settings.docs_dir
    return frozenset(docs_relative(p.path, docs) for p in corpus.posts if p.draft)


def make_site(
    corpus: Corpus,
    history: History,
    findings: Findings,
    settings: SiteSettings,
    *,
    authored: frozenset[str] = frozenset(),
    memo: SiteMemo | None = None,
    parallel: Parallel = SERIAL,
) -> Site:
    """The site the records make. `findings` gives the checks' findings that depend neither on
    the date nor on other branches (the health page lists its duplicates); `authored`: the
    source paths of the site's own files (docs/, the theme), which win over a generated file at
    the same path; `memo`: kept by a caller that makes the site again and again; `parallel`
    may make version pages and write feeds on another core."""
    return Site(corpus, history, findings, settings, authored, memo, parallel)


class Site:
    """What `make_site` returns; each part is made once, when first asked for."""

    def __init__(
        self,
        corpus: Corpus,
        history: History,
        findings: Findings,
        settings: SiteSettings,
        authored: frozenset[str],
        memo: SiteMemo | None,
        parallel: Parallel,
    ) -> None:
        self.corpus, self.history, self.findings, self.settings = corpus, history, findings, settings
        self.authored, self.memo, self.parallel = authored, memo, parallel
        self.ctx = Context(corpus, settings.urls, show_drafts=settings.show_drafts, history=history)
        self._record_pages: dict[str, SiteFile] = {}

    @cached_property
    def records(self) -> dict[str, Policy | Decision | Feedback]:
        """The records with a page of their own, by the page's source path."""
        found: dict[str, Policy | Decision | Feedback] = {policy_src(p.id): p for p in self.ctx.policies_on_site()}
        found.update((decision_src(d.id), d) for d in self.corpus.decisions.values())
        found.update((feedback_src(f.id), f) for f in self.corpus.feedback.values())
        return found

    @cached_property
    def keeps_feedback(self) -> bool:
        """Whether the site has the feedback register, its feed and the customer page."""
        return feedback_on(self.corpus)

    @cached_property
    def draft_posts(self) -> frozenset[str]:
        return draft_posts(self.corpus)

    @cached_property
    def record_pages(self) -> dict[str, SiteFile]:
        return {src_uri: self.record_page(src_uri) for src_uri in self.records}

    def record_page(self, src_uri: str) -> SiteFile:
        """The page of the record at `src_uri` (made once, and on its own: under serve, an
        edited record's page is built before the others are made)."""
        made = self._record_pages.get(src_uri)
        if made is None:
            record = self.records[src_uri]
            if isinstance(record, Feedback):  # its front matter is all the record's: nothing for the page
                parts = feedback_page(self.ctx, record)
            else:
                parts = record_page(self.ctx, record, self.memo.front_matters if self.memo else None)
            meta: dict[str, Any] = {"title": esc(record.title)}  # text, never markup
            if isinstance(record, Policy) and record.is_draft:
                meta["search"] = {"exclude": True}
            made = SiteFile(src_uri, parts.markdown(), hidden=True, parts=parts, record=record, meta=meta)
            self._record_pages[src_uri] = made
        return made

    @cached_property
    def acknowledgements(self) -> tuple[dict[str, Person], list[HandbookError]]:
        """Everyone's acknowledgements, and the files or lines that could not be read."""
        return load_acknowledgements(self.corpus.settings)

    @cached_property
    def files(self) -> dict[str, SiteFile]:
        """Every file, in the order it joins the site (record pages first)."""
        ctx, authored, settings = self.ctx, self.authored, self.settings
        made = dict(self.record_pages)
        # What decisions show (copied in by the decision importer), at the address their links name.
        for rel, path in decision_assets(self.corpus.settings):
            src_uri = f"decisions/{DECISION_ASSETS}/{rel}"
            if src_uri not in authored:
                made[src_uri] = SiteFile(src_uri, asset=path)
        order = settings.reading_order
        pages: dict[str, Callable[[], str]] = {
            POLICY_REGISTER: partial(registers.policy_register, ctx),
            DECISION_LOG: partial(registers.decision_log, ctx),
            START_HERE: partial(reading.start_here, ctx, order),
            READING_INDEX: partial(reading.reading_lists_index, ctx),
            POLICY_REGISTER_JSON: partial(registers.policy_register_json, ctx),
            DECISION_REGISTER_JSON: partial(registers.decision_register_json, ctx),
        }
        if self.keeps_feedback:
            pages[FEEDBACK_REGISTER] = partial(feedback_register, ctx)
        for audience in reading.reading_list_audiences(self.corpus):
            listed = feed_files(audience_feed(audience))
            pages[reading_list_src(audience)] = partial(reading.audience_reading_list, ctx, audience, order, listed)
        # The pages between the records and the version pages: the version pages' links need to
        # know they are there, not what they hold, which is made while a worker may make
        # version pages (`parallel.both_ends`), as are the health pages after them.
        between: dict[str, Callable[[], SiteFile]] = {
            src_uri: partial(_page, src_uri, make) for src_uri, make in pages.items() if src_uri not in authored
        }
        if FEEDS_PAGE not in authored:
            more = (FEEDBACK_SPEC,) if self.keeps_feedback else ()
            page = partial(feeds_page, settings.site_name, more)
            between[FEEDS_PAGE] = partial(_page, FEEDS_PAGE, page, hidden=True)
        if self.keeps_feedback and PUBLIC_PAGE not in authored:
            customers = partial(public_page, self.corpus, self.history, language=settings.language)
            between[PUBLIC_PAGE] = partial(_page, PUBLIC_PAGE, customers, hidden=True)
        people, _ = self.acknowledgements
        if (people or requiring(self.corpus)) and ACKNOWLEDGEMENTS_PAGE not in authored:
            page = partial(acks.acknowledgements_page, self.corpus, people, settings.urls)
            between[ACKNOWLEDGEMENTS_PAGE] = partial(_page, ACKNOWLEDGEMENTS_PAGE, page, hidden=True)
        if requiring(self.corpus) and ACKNOWLEDGED_JSON not in authored:
            between[ACKNOWLEDGED_JSON] = partial(
                _page, ACKNOWLEDGED_JSON, partial(acks.acknowledged_json, self.corpus, people)
            )
        for name in PAGE_ASSETS:
            between[f"{ASSET_DIR}/{name}"] = partial(SiteFile, f"{ASSET_DIR}/{name}", asset=ASSETS / name)
        after: list[SiteFile] = []

        def meanwhile() -> None:
            for make in between.values():
                item = make()
                made[item.src_uri] = item
            # The "Handbook health" page and one page per owner: what depends on today is
            # worked out in the reader's browser.
            health = HealthPages(self.corpus, self.history, settings.urls, findings=self.findings())
            after.extend(SiteFile(src, content, hidden=True) for src, content in health.files())

        self._add_version_pages(made, frozenset(authored | made.keys() | between.keys()), meanwhile)
        made.update((item.src_uri, item) for item in after if item.src_uri not in authored)
        return made

    def _add_version_pages(
        self, made: dict[str, SiteFile], known: frozenset[str], meanwhile: Callable[[], None]
    ) -> None:
        """Each published version's permanent page, each policy's history page, and redirects
        from the old addresses of policies renamed with `git mv`. `known`: every source path on
        the site; `meanwhile` makes the pages before them while a worker may start on them."""
        memo = self.memo
        pages = VersionPages(
            self.ctx, self.history, known=known,
            diffs=memo.diffs if memo else None, memo=memo.pages if memo else None,
        )  # fmt: skip
        policies = pages.policies()
        if memo is not None:  # one process: its diffs and pages are kept for the next make
            meanwhile()
            made_pages = list(pages.pages(policies))
        else:  # a worker may take policies from the back, this process from the front
            by_policy = self.parallel.both_ends(policies, lambda policy: list(pages.pages([policy])), first=meanwhile)
            made_pages = [page for policy_pages in by_policy for page in policy_pages]
        for src_uri, page in made_pages:
            if src_uri in self.authored or src_uri in made:
                continue
            if isinstance(page, PageParts):
                made[src_uri] = SiteFile(src_uri, page.markdown(), hidden=True, parts=page)
            else:
                made[src_uri] = SiteFile(src_uri, page, hidden=True)
        for path, content in pages.redirects():
            if path not in self.authored and path not in made:
                made[path] = SiteFile(path, content)
        for name in VERSION_ASSETS:
            made[f"{ASSET_DIR}/{name}"] = SiteFile(f"{ASSET_DIR}/{name}", asset=ASSETS / name)

    @cached_property
    def version_pages(self) -> frozenset[str]:
        """The source paths of the version pages (known without making them)."""
        versions = self.history.versions
        policies = [p for p in self.ctx.policies_on_site() if versions.get(p.id)]
        return frozenset(version_src(p.id, v.number) for p in policies for v in versions[p.id])

    def recent_changes(self, src_uri: str) -> str:
        """The home page's "What changed recently", for the page `src_uri` that asks for it
        (made without the rest of the site: under serve, before it)."""

        def version_page(policy_id: str, number: int) -> str | None:
            src = version_src(policy_id, number)
            return src if src in self.version_pages or src in self.authored else None

        listed = [link for link in feed_links("") if link.path.startswith("feeds/all.")]
        everything = [(f"{link.label} ({link.format_name})", link.path) for link in listed]
        return recent_changes(
            # (The Feeds page is the author's, or made here.)
            self.ctx, src_uri, history=self.history, version_page=version_page, feeds=everything,
            feeds_page=FEEDS_PAGE, limit=self.settings.recent_changes,
        )  # fmt: skip

    def feeds(
        self, posts: Mapping[str, PostPage], *, site_url: str, language: str, build_date: dt.datetime | None = None
    ) -> dict[str, bytes]:
        """Every feed file, `{"feeds/all.xml": bytes, ...}`. `posts`: what the site generator made
        of each published post (its URL, summary and authors), by the post's path."""
        build_date = build_date or build_datetime(self.corpus)
        made = build_feeds(
            self.corpus, self.history, site_url=site_url, site_name=self.settings.site_name,
            build_date=build_date, posts=posts, language=language,
            urls=self.settings.urls, memo=self.memo.feeds if self.memo else None, parallel=self.parallel,
        )  # fmt: skip
        if self.keeps_feedback and PUBLIC_PAGE not in self.authored:
            address = public_address(self.corpus, site_url, self.settings.urls)
            made[PUBLIC_FEED] = public_feed(
                self.corpus, self.history, address=address, build_date=build_date, language=language
            )
        return made


def _page(src_uri: str, make: Callable[[], str], *, hidden: bool = False) -> SiteFile:
    return SiteFile(src_uri, make(), hidden=hidden)
