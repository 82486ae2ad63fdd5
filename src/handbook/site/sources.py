"""The source paths of every page and file the records make, known without making them, and the
Markdown of the pages that are quick to make: where a link from a record or a post may land
besides the files under docs/, and the sections it may name there (for `handbook check`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..acknowledgements import load_acknowledgements, requiring
from ..checks.targets import GeneratedPages, site_files
from ..errors import HandbookError
from ..folders import DECISION_ASSETS, decision_assets
from ..history import History
from ..loading import Corpus
from ..oldaddress import claimed_addresses
from . import reading, registers
from .context import Context
from .feeds.names import audience_feed, feed_files
from .paths import (
    ACKNOWLEDGEMENTS_PAGE,
    ASSET_DIR,
    DECISION_LOG,
    DECISION_REGISTER_JSON,
    FEEDS_PAGE,
    HEALTH_PAGE,
    OWNERS_INDEX,
    PAGE_ASSETS,
    POLICY_REGISTER,
    POLICY_REGISTER_JSON,
    READING_INDEX,
    START_HERE,
    VERSION_ASSETS,
    Urls,
    history_src,
    owner_src,
    policy_src,
    reading_list_src,
    version_src,
    versions_json_src,
)
from .reading import reading_list_audiences
from .redirects import served_files


def generated_sources(corpus: Corpus, history: History) -> frozenset[str]:
    """Every page and file `make_site` makes for a built site (drafts left out), by source path."""
    found = {
        POLICY_REGISTER, DECISION_LOG, START_HERE, READING_INDEX, POLICY_REGISTER_JSON, DECISION_REGISTER_JSON,
        FEEDS_PAGE, HEALTH_PAGE, OWNERS_INDEX,
    }  # fmt: skip
    found.update(f"{ASSET_DIR}/{name}" for name in (*PAGE_ASSETS, *VERSION_ASSETS))
    found.update(reading_list_src(audience) for audience in reading_list_audiences(corpus))
    found.update(owner_src(owner_id) for owner_id in corpus.owners)
    people, _ = load_acknowledgements(corpus.settings)
    if people or requiring(corpus):
        found.add(ACKNOWLEDGEMENTS_PAGE)
    for policy in corpus.published_policies:
        found.update((policy_src(policy.id), history_src(policy.id), versions_json_src(policy.id)))
        found.update(version_src(policy.id, version.number) for version in history.versions_of(policy.id))
    found.update(f"decisions/{decision.id}.md" for decision in corpus.decisions.values())
    found.update(f"decisions/{DECISION_ASSETS}/{rel}" for rel, _ in decision_assets(corpus.settings))
    return frozenset(found)


def generated_pages(corpus: Corpus, history: History, urls: Urls | None = None) -> GeneratedPages:
    """The pages the records make, and the Markdown of the registers and reading lists (made
    only when a link names one of their sections); the others' sections are not checked. With
    them, the old addresses in `redirect_from` the site will not redirect, and why (HB315)."""
    ctx = Context(corpus, history=history)
    order = tuple(entry.value for entry in corpus.settings.reading_order)
    makers: dict[str, Callable[[], str]] = {
        POLICY_REGISTER: partial(registers.policy_register, ctx),
        DECISION_LOG: partial(registers.decision_log, ctx),
        START_HERE: partial(reading.start_here, ctx, order),
        READING_INDEX: partial(reading.reading_lists_index, ctx),
    }
    for audience in reading_list_audiences(corpus):
        listed = feed_files(audience_feed(audience))
        makers[reading_list_src(audience)] = partial(reading.audience_reading_list, ctx, audience, order, listed)

    def markdown(src: str) -> str | None:
        make = makers.get(src)
        return make() if make is not None else None

    sources = generated_sources(corpus, history)
    on_site = [p for p in corpus.published_policies if p.redirect_from and history.versions.get(p.id)]
    problems: list[HandbookError] = []
    if on_site:  # (most handbooks list no old address: the site's files are not walked for none)
        _, problems = claimed_addresses(on_site, served_files(urls or Urls(), sources | site_files(corpus.settings)))
    return GeneratedPages(sources, markdown, tuple(problems))
