"""A feed per policy: every published version of one policy, for staff who watch that policy alone."""

from __future__ import annotations

from ...history import History
from ...loading import Corpus
from ..paths import Urls, policy_src
from .items import DEFAULT_URLS, Feed, absolute_url, checked_site_url, newest_first, policy_items
from .names import policy_feed


def policy_feeds(
    corpus: Corpus, history: History, *, site_url: str, site_name: str, urls: Urls = DEFAULT_URLS
) -> tuple[Feed, ...]:
    """`feeds/policies/<id>.*` for every policy on the site: an item per published version,
    newest first; a draft version is never one (`policy_items` leaves drafts out)."""
    site_url = checked_site_url(site_url)
    feeds = []
    for policy in sorted(corpus.published_policies, key=lambda p: p.id):
        items = policy_items(corpus, history, site_url=site_url, urls=urls, policies=(policy,))
        feeds.append(
            Feed(
                name=policy_feed(policy.id),
                title=f"{site_name}: {policy.title}",
                description=f"Every published version of the policy {policy.title}, with what changed, "
                f"from {site_name}.",
                home=absolute_url(site_url, urls.page(policy_src(policy.id))),
                site_url=site_url,
                items=newest_first(items),
            )
        )
    return tuple(feeds)
