"""The mkdocs adapter: the only module that imports mkdocs. It turns the core's pages into files."""

from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs_rss_plugin.plugin import GitRssPlugin  # type: ignore[import-untyped]

from . import acknowledgements, feeds, health, search, versions
from . import compile as pages
from .builddate import build_datetime, build_epoch
from .cache import Cache
from .config import HandbookConfig, settings_from
from .history import History, read_history
from .loading import Corpus, load_corpus
from .settings import Settings
from .urls import Urls

log = get_plugin_logger(__name__)
EMPTY_SITEMAP = b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'
ASSETS = Path(__file__).parent / "assets"
ASSET_URIS = {
    "css": "assets/handbook/handbook.css",
    "js": "assets/handbook/handbook.js",
    "reader_css": "assets/handbook/reader.css",
    "search_js": "assets/handbook/search.js",
    "versions_css": versions.VERSIONS_CSS,
}
# Material overrides shipped with the package (the header's Pagefind search box), so that every
# handbook gets them; a site's own custom_dir still wins.
TEMPLATES = Path(__file__).parent / "templates"
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "admonition", "tables", "toc")


class HandbookPlugin(BasePlugin[HandbookConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.settings: Settings | None = None
        self.corpus: Corpus | None = None
        self.compiler: pages.Compiler | None = None
        self.record_pages: dict[str, Any] = {}
        # Feeds: what git knows (read once per build, by whoever needs it first) and what the
        # site made of each post.
        self.history: History | None = None
        self.post_pages: dict[str, feeds.PostPage] = {}
        self.post_paths: frozenset[str] | None = None
        # Why history is missing (no git, a shallow clone) is said once, not on every rebuild.
        self.history_noted = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        assert config.config_file_path
        self.settings = settings_from(self.config, config.config_file_path, config.docs_dir, config.site_url)
        for name in REQUIRED_EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        for uri in ASSET_URIS.values():
            if uri.endswith(".css"):
                config.extra_css.append(uri)
            else:
                config.extra_javascript.append(uri)
        # After the site's own custom_dir, before Material's templates.
        dirs = config.theme.dirs
        if str(TEMPLATES) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        if "search" in config.plugins or "material/search" in config.plugins:
            log.info("the 'search' plugin is not needed: handbook searches with Pagefind; remove it from mkdocs.yml to skip building its index")
        return config

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer | None:
        assert self.settings is not None
        for folder in (self.settings.policies_dir, self.settings.decisions_dir, acknowledgements.FOLDER):
            path = self.settings.path(folder)
            if path.is_dir():
                server.watch(str(path))
        return server

    @event_priority(50)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        assert self.settings is not None
        corpus = load_corpus(self.settings)
        if corpus.errors:
            for error in corpus.errors:
                log.error(str(error))
            count = len(corpus.errors)
            raise PluginError(f"{count} error{'s' if count != 1 else ''} in the handbook's records: fix them and build again")
        self.corpus = corpus
        # Same commit, same bytes: mkdocs dates the sitemap from SOURCE_DATE_EPOCH, never the clock.
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(build_epoch(corpus)))
        show_drafts = self.serving and self.config.draft_on_serve
        self.history = history = read_history(corpus)
        if history.note and not self.history_noted:
            log.info(history.note)  # INFO, not a warning: a `--strict` build without history still passes
            self.history_noted = True
        urls = Urls(config.use_directory_urls)
        self.compiler = compiler = pages.Compiler(corpus, urls, show_drafts=show_drafts, history=history)
        self.record_pages = {}
        for policy in compiler.policies_on_site():
            self._add_record(files, config, compiler.policy_src(policy), policy.path, policy)
        for decision in corpus.decisions.values():
            self._add_record(files, config, compiler.decision_src(decision), decision.path, decision)
        generated = {
            pages.POLICY_REGISTER: compiler.policy_register,
            pages.DECISION_LOG: compiler.decision_log,
            pages.START_HERE: lambda: compiler.start_here(self._reading_order(compiler)),
            pages.READING_INDEX: compiler.reading_lists_index,
            pages.POLICY_REGISTER_JSON: compiler.policy_register_json,
            pages.DECISION_REGISTER_JSON: compiler.decision_register_json,
        }
        for audience in compiler.reading_list_audiences():
            generated[pages.reading_list_src(audience)] = functools.partial(
                compiler.audience_reading_list, audience, self.config.reading_order, feeds.feed_files(feeds.audience_feed(audience))
            )
        for src_uri, make in generated.items():
            # An author's own page at the same path wins over the generated one.
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, content=make()))
        # The feeds' own page (linked from the home page and the blog), unless an author wrote one.
        if files.get_file_from_path(feeds.FEEDS_PAGE) is None:
            page = feeds.feeds_page(config.site_name)
            files.append(File.generated(config, feeds.FEEDS_PAGE, content=page, inclusion=InclusionLevel.NOT_IN_NAV))
        # Who has acknowledged the current version of each policy that asks for it.
        people, problems = acknowledgements.load_acknowledgements(self.settings)
        for problem in problems:
            log.warning(str(problem))
        if files.get_file_from_path(acknowledgements.PAGE) is None and (people or acknowledgements.requiring(corpus)):
            page = acknowledgements.acknowledgements_page(corpus, people, Urls(config.use_directory_urls))
            files.append(File.generated(config, acknowledgements.PAGE, content=page, inclusion=InclusionLevel.NOT_IN_NAV))
        for kind, src_uri in ASSET_URIS.items():
            files.append(File.generated(config, src_uri, abs_src_path=str(ASSETS / posixpath.basename(src_uri))))
        self._add_version_pages(files, config, compiler, history)
        self._add_health_pages(files, config, corpus, history)
        return files

    def _add_version_pages(
        self, files: Files, config: MkDocsConfig, compiler: pages.Compiler, history: History
    ) -> None:
        """Each published version's permanent page, each policy's history page, and redirects
        from the old addresses of policies renamed with `git mv`."""
        made = versions.VersionPages(compiler, history, known=frozenset(files.src_uris))
        for src_uri, content in made.files():
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
        for path, content in made.redirects():
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=content))
        for name in versions.ASSETS:
            src_uri = posixpath.join(versions.ASSET_DIR, name)
            files.append(File.generated(config, src_uri, abs_src_path=str(ASSETS / name)))

    def _add_health_pages(self, files: Files, config: MkDocsConfig, corpus: Corpus, history: History) -> None:
        """The "Handbook health" page and one page per owner (health.py); out of the nav, linked
        from the policy register. What depends on today is worked out in the reader's browser."""
        assert self.settings is not None
        cache = Cache.for_handbook(self.settings)
        made = health.HealthPages(corpus, history, Urls(config.use_directory_urls), cache=cache)
        for src_uri, content in made.files():
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
        cache.save()

    def _add_record(self, files: Files, config: MkDocsConfig, src_uri: str, repo_path: str, record: Any) -> None:
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            raise PluginError(f"{existing.src_uri}: a page in {config.docs_dir} has the same path as the record {repo_path}: rename one of them")
        assert self.settings is not None
        # A real source file, so that plugins reading `abs_src_path` (the RSS plugin) work.
        file = File.generated(config, src_uri, abs_src_path=str(self.settings.path(repo_path)), inclusion=InclusionLevel.NOT_IN_NAV)
        # The edit link names the file in the repository, not a path under docs/.
        file.edit_uri = posixpath.relpath(repo_path, self.settings.docs_dir)
        files.append(file)
        self.record_pages[src_uri] = record

    def _reading_order(self, compiler: pages.Compiler) -> list[str]:
        order = list(self.config.reading_order)
        for policy_id in order:
            policy = compiler.corpus.policies.get(policy_id)
            if policy is None or policy.is_draft or compiler.corpus.is_retired(policy):
                log.warning(f"reading_order in mkdocs.yml names '{policy_id}', which is not a policy in force: remove it or fix the id")
        return order

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if pages.CHANGES_MARKER in markdown and self.compiler is not None:
            return markdown.replace(pages.CHANGES_MARKER, self._recent_changes(page.file.src_uri, files), 1)
        # Material prints a `title` from front matter as HTML: a post's title, as a record's, is text.
        title = page.meta.get("title")
        if isinstance(title, str) and page.file.src_uri.startswith(self.config.posts_dir.rstrip("/") + "/"):
            page.meta["title"] = pages.esc(title)
        record = self.record_pages.get(page.file.src_uri)
        if record is None or self.compiler is None:
            return None
        page.meta["title"] = pages.esc(record.title)
        if page.file.src_uri.startswith("policies/"):
            if record.is_draft:
                page.meta["search"] = {"exclude": True}
            return self.compiler.policy_page(record)
        return self.compiler.decision_page(record)

    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any | None:
        # Material's <title> is `page.title | striptags`, which turns a heading's '&lt;/title&gt;'
        # back into markup; the same title given as `meta.title` is printed as it is, escaped.
        if "title" not in page.meta and page.title:
            page.meta["title"] = page.title
        return None

    # -- feeds: feeds/*.{xml,json}, their discovery tags, and mkdocs-rss-plugin's blog feed --------

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.post_pages = {}
        self.post_paths = None
        self.history = None
        # mkdocs-rss-plugin 1.19 empties its page list only at startup: each `mkdocs serve`
        # rebuild would add every post again.
        for plugin in _rss_plugins(config):
            plugin.pages_to_filter = []

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.settings is None or self.corpus is None:
            return None
        if self.post_paths is None:
            self.post_paths = frozenset(post.path for post in self.corpus.published_posts)
        path = posixpath.normpath(posixpath.join(self.settings.docs_dir, page.file.src_uri))
        if path not in self.post_paths:
            return None
        description = page.meta.get("description")
        if isinstance(description, str) and description.strip():
            summary = description.strip()
        else:
            blog = config.plugins.get("material/blog")
            separator = getattr(getattr(blog, "config", None), "post_excerpt_separator", None) or "<!-- more -->"
            head, found, _ = html.partition(separator)
            text = feeds.plain_text(head)
            # Without an excerpt separator, the first paragraph stands for the post.
            summary = text if found else text.split("\n\n", 1)[0]
        names = tuple(str(a.name) for a in getattr(page, "authors", ()) if getattr(a, "name", None))
        self.post_pages[path] = feeds.PostPage(url=page.url, summary=summary, authors=names)
        return None

    def _feed_links_on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        return _with_feed_links(output, config)

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str | None:
        # The 404 page is a page too; the sitemap is not.
        return _with_feed_links(output_content, config) if template_name.endswith(".html") else None

    @event_priority(-50)  # after mkdocs-rss-plugin (priority 0) has written its feeds
    def _feeds_on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.corpus is None:
            return
        if not config.site_url:
            log.warning("site_url is not set in mkdocs.yml: feeds need absolute links, so none were written")
            return
        if self.history is None:
            self.history = read_history(self.corpus)
        build_date = build_datetime(self.corpus)
        site = Path(config.site_dir)
        outputs = feeds.build_feeds(
            self.corpus, self.history, site_url=config.site_url, site_name=config.site_name,
            build_date=build_date, posts=self.post_pages, language=_language(config),
            urls=Urls(config.use_directory_urls),
        )
        for rel, data in outputs.items():
            if rel.endswith(".xml") and (problems := feeds.rss_problems(data)):
                raise PluginError(f"{rel} would not validate: {'; '.join(problems)}")
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        # Material's script fetches a sitemap.xml beside each alternate link: answer with an
        # empty one rather than a 404 on every page view.
        (site / "feeds" / "sitemap.xml").write_bytes(EMPTY_SITEMAP)
        for plugin in _rss_plugins(config):
            self._repair_rss_plugin_feeds(plugin, config, build_date)

    def _repair_rss_plugin_feeds(self, plugin: GitRssPlugin, config: MkDocsConfig, build_date: dt.datetime) -> None:
        assert self.corpus is not None
        if plugin.config.json_feed_enabled:
            log.warning(
                "mkdocs-rss-plugin's JSON feeds are not made reproducible: "
                "set 'json_feed_enabled: false' (feeds/posts.json carries the posts)"
            )
        if not plugin.config.rss_feed_enabled:
            return
        names = plugin.config.feeds_filenames
        for name in (names.rss_created, names.rss_updated):
            path = Path(config.site_dir) / name
            if not path.is_file():
                continue
            try:
                data = feeds.repair_rss_plugin_feed(
                    path.read_bytes(), self.corpus, self.post_pages,
                    site_url=config.site_url or "", build_date=build_date,
                )
            except feeds.FeedError as exc:
                raise PluginError(f"{name} from mkdocs-rss-plugin: {exc}") from None
            if problems := feeds.rss_problems(data):
                raise PluginError(f"{name} from mkdocs-rss-plugin would not validate: {'; '.join(problems)}")
            path.write_bytes(data)

    # -- search: which pages Pagefind indexes, and the index itself ------------------------------

    def _recent_changes(self, src_uri: str, files: Files) -> str:
        assert self.compiler is not None and self.corpus is not None
        if self.history is None:
            self.history = read_history(self.corpus)

        def version_page(policy_id: str, number: int) -> str | None:
            src = pages.version_src(policy_id, number)
            return src if files.get_file_from_path(src) is not None else None

        feeds_page = feeds.FEEDS_PAGE if files.get_file_from_path(feeds.FEEDS_PAGE) is not None else None
        everything = [(f"{link.label} ({link.format_name})", link.path) for link in feeds.feed_links("") if link.path.startswith("feeds/all.")]
        return self.compiler.recent_changes(
            src_uri, history=self.history, version_page=version_page, feeds=everything,
            feeds_page=feeds_page, limit=self.config.recent_changes,
        )

    def _search_on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        attributes = self._search_attributes(page)
        if attributes is None:
            return None
        marked = search.mark_searchable(output, attributes)
        if marked is None:
            log.warning(f"{page.file.src_uri}: no <article class=\"md-content__inner ...\"> in the page: it is left out of search (a template override without Material's article?)")
        return marked

    def _search_attributes(self, page: Page) -> str | None:
        """The attributes that put a page in the search index, or None to leave it out: drafts,
        `search: {exclude: true}` pages (registers, reading lists, version and history pages)
        and the blog's index, archive and category pages (their posts are indexed themselves)."""
        wanted = page.meta.get("search")
        if isinstance(wanted, dict) and wanted.get("exclude"):
            return None
        if isinstance(getattr(page, "posts", None), list):
            return None
        record = self.record_pages.get(page.file.src_uri)
        if record is not None:
            # The record's header block carries its kind, status, audience and owner.
            return "" if not getattr(record, "is_draft", False) else None
        if self.settings is not None and page.file.src_uri.startswith(posixpath.join(self.config.posts_dir, "")):
            return search.kind_attributes("Post")
        return search.kind_attributes("Page")

    @event_priority(-100)  # last: every other plugin has written its pages
    def _search_on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.search_index:
            return
        try:
            report = search.index_site(config.site_dir)
        except search.SearchIndexError as exc:
            raise PluginError(f"search index: {exc}") from None
        log.info(f"Pagefind indexed {report.pages} pages in {report.seconds:.2f} s ({report.bytes // 1024} KiB in {search.INDEX_DIR}/)")

    on_post_page = CombinedEvent(_feed_links_on_post_page, _search_on_post_page)
    on_post_build = CombinedEvent(_feeds_on_post_build, _search_on_post_build)


def _rss_plugins(config: MkDocsConfig) -> list[GitRssPlugin]:
    return [p for p in config.plugins.values() if isinstance(p, GitRssPlugin) and p.config.enabled]


def _language(config: MkDocsConfig) -> str:
    language = config.theme.get("language") or config.theme.get("locale")
    return str(language) if language else "en"


def _with_feed_links(output: str, config: MkDocsConfig) -> str | None:
    """The page with a `<link rel="alternate">` per feed before `</head>`, linked from the site's root.

    Root-relative links keep every request on the site's own host: Material's script fetches
    a `sitemap.xml` beside each alternate link it finds (see `_feeds_on_post_build`).
    """
    if "</head>" not in output:
        return None
    base = urlsplit(config.site_url or "/").path or "/"
    base = base if base.endswith("/") else base + "/"
    tags = feeds.discovery_tags(config.site_name, lambda path: base + path)
    return output.replace("</head>", tags + "</head>", 1)
