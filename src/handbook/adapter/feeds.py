"""The feeds on the engine's side: what Material made of each post, the feed files written into the
site, every page announcing them, and mkdocs-rss-plugin's own blog feed repaired."""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page
from mkdocs_rss_plugin.plugin import GitRssPlugin  # type: ignore[import-untyped]

from ..loading import Corpus
from ..records import Policy
from ..site.build import Site
from ..site.feeds.items import PostPage
from ..site.feeds.names import discovery_tags, feed_path, policy_feed, policy_feed_links
from ..site.feeds.text import plain_text
from ..site.feeds.validation import FeedError, rss_problems
from .rssfeed import repair_rss_plugin_feed

log = get_plugin_logger(__name__)
EMPTY_SITEMAP = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'
)
# Where the policies' own feeds land: `feeds/policies/<id>.*`.
POLICY_FEEDS_DIR = posixpath.dirname(feed_path(policy_feed("-"), "xml"))
_MATERIAL_RSS_LINK = re.compile(
    r'[ \t]*<link rel="alternate" type="application/rss\+xml" [^>]*href="[^"]*feed_rss_(?:created|updated)\.xml">\n?'
)


def post_page(page: Page, html: str, config: MkDocsConfig) -> PostPage:
    """What Material made of a post: its address, its summary (its `description`, else its
    excerpt, else its first paragraph) and its authors' names."""
    description = page.meta.get("description")
    if isinstance(description, str) and description.strip():
        summary = description.strip()
    else:
        blog = config.plugins.get("material/blog")
        separator = getattr(getattr(blog, "config", None), "post_excerpt_separator", None) or "<!-- more -->"
        head, found, _ = html.partition(separator)
        text = plain_text(head)
        # Without an excerpt separator, the first paragraph stands for the post.
        summary = text if found else text.split("\n\n", 1)[0]
    names = tuple(str(a.name) for a in getattr(page, "authors", ()) if getattr(a, "name", None))
    return PostPage(url=page.url, summary=summary, authors=names)


def write_feeds(
    site: Site, posts: dict[str, PostPage], config: MkDocsConfig, written: dict[str, bytes] | None = None
) -> bool:
    """feeds/*.{xml,json} into the site; False if there are none to write. `written`, kept by
    `mkdocs serve`: the feeds the last build wrote, not written again when unchanged."""
    if not config.site_url:
        log.warning("site_url is not set in mkdocs.yml: feeds need absolute links, so none were written")
        return False
    folder = Path(config.site_dir)
    try:  # each RSS feed is checked as it is written
        outputs = site.feeds(posts, site_url=config.site_url, language=language(config))
    except FeedError as exc:
        raise PluginError(str(exc)) from None
    if written is not None:
        # Under serve the site folder stays: a feed no longer made (a policy now a draft) goes.
        for rel in [rel for rel in written if rel not in outputs]:
            (folder / rel).unlink(missing_ok=True)
            del written[rel]
    for rel, data in outputs.items():
        target = folder / rel
        if written is not None and written.get(rel) is data and target.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if written is not None:
            written[rel] = data
    # Material's script fetches a sitemap.xml beside each alternate link: answer with an
    # empty one rather than a 404 on every page view (a policy's page announces its own feed).
    (folder / "feeds" / "sitemap.xml").write_bytes(EMPTY_SITEMAP)
    if any(rel.startswith(POLICY_FEEDS_DIR + "/") for rel in outputs):
        (folder / POLICY_FEEDS_DIR / "sitemap.xml").write_bytes(EMPTY_SITEMAP)
    return True


def rss_plugins(config: MkDocsConfig) -> list[GitRssPlugin]:
    return [p for p in config.plugins.values() if isinstance(p, GitRssPlugin) and p.config.enabled]


def forget_rss_plugin_pages(config: MkDocsConfig) -> None:
    """mkdocs-rss-plugin 1.19 empties its page list only at startup: each `mkdocs serve`
    rebuild would add every post again."""
    for plugin in rss_plugins(config):
        plugin.pages_to_filter = []


def repair_rss_plugin_feeds(
    config: MkDocsConfig, corpus: Corpus, posts: dict[str, PostPage], build_date: dt.datetime
) -> None:
    for plugin in rss_plugins(config):
        if plugin.config.json_feed_enabled:
            log.warning(
                "mkdocs-rss-plugin's JSON feeds are not made reproducible: "
                "set 'json_feed_enabled: false' (feeds/posts.json carries the posts)"
            )
        if not plugin.config.rss_feed_enabled:
            continue
        names = plugin.config.feeds_filenames
        for name in (names.rss_created, names.rss_updated):
            path = Path(config.site_dir) / name
            if not path.is_file():
                continue
            try:
                data = repair_rss_plugin_feed(
                    path.read_bytes(), corpus, posts, site_url=config.site_url or "", build_date=build_date
                )
            except FeedError as exc:
                raise PluginError(f"{name} from mkdocs-rss-plugin: {exc}") from None
            if problems := rss_problems(data):
                raise PluginError(f"{name} from mkdocs-rss-plugin would not validate: {'; '.join(problems)}")
            path.write_bytes(data)


def language(config: MkDocsConfig) -> str:
    found: Any = config.theme.get("language") or config.theme.get("locale")
    return str(found) if found else "en"


def with_feed_links(output: str, config: MkDocsConfig, policy: Policy | None = None) -> str | None:
    """The page with a `<link rel="alternate">` per feed before `</head>`, linked from the site's root;
    a `policy`'s page announces that policy's own feed first.

    Root-relative links keep every request on the site's own host: Material's script fetches
    a `sitemap.xml` beside each alternate link it finds (see `write_feeds`).
    """
    end = output.find("</head>")
    if end < 0:
        return None
    tags = _discovery_tags(config.site_name, config.site_url or "/")
    if policy is not None:
        tags = _policy_tags(config.site_name, config.site_url or "/", policy.id, policy.title) + tags
    # Material links mkdocs-rss-plugin's feeds from the site's root, so its probe fetched the
    # whole sitemap.xml (8 MB at 10,000 records) on every page: `feeds/posts.*` announce the
    # same posts instead. Only the head is searched: the body is most of a page's bytes.
    return _MATERIAL_RSS_LINK.sub("", output[:end]) + tags + output[end:]


@functools.cache
def _discovery_tags(site_name: str, site_url: str) -> str:
    """The same tags for every page of a build: worked out once, not once per page."""
    base = _base(site_url)
    return discovery_tags(site_name, lambda path: base + path)


def _policy_tags(site_name: str, site_url: str, policy_id: str, title: str) -> str:
    base = _base(site_url)
    return discovery_tags(site_name, lambda path: base + path, policy_feed_links(site_name, policy_id, title))


@functools.cache
def _base(site_url: str) -> str:
    base = urlsplit(site_url).path or "/"
    return base if base.endswith("/") else base + "/"
