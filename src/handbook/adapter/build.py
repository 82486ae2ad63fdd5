"""One whole build of the site, event by event: the records loaded, the site made (`make_site`)
and handed to mkdocs as files, each page's metadata set, the Content-Security-Policy, the
feeds and the search index. (`serve.ServeBuild` is one of `mkdocs serve`'s whole rebuilds.)"""

from __future__ import annotations

import dataclasses
import os
import posixpath
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from ..builddate import build_datetime, build_epoch
from ..cache import Cache
from ..checks import Finding, liquid, scripts
from ..errors import HandbookError
from ..fast.shortcuts import Shortcuts
from ..history import History, read_history
from ..loading import Corpus, load_corpus
from ..names import markup_problems
from ..records import Policy
from ..settings import Settings
from ..site import health
from ..site.build import Site, SiteSettings, draft_posts, make_site
from ..site.changes import CHANGES_MARKER
from ..site.feeds.items import PostPage
from ..site.html import esc
from ..site.paths import ASSET_DIR, PAGE_ASSETS, Urls
from . import feeds
from .blog_settings import theme_templates, with_blog
from .config import ConfigError, HandbookConfig, read_config_file, reading_order_problems, settings_from
from .csp import ContentSecurity
from .files import file_of
from .navigation import place_pages, with_listed_pages
from .search import Search

log = get_plugin_logger(__name__)
# The theme's overrides (the header's Pagefind search box, the table of contents' label), for
# every handbook: after the site's own custom_dir, before Material's templates.
TEMPLATES = Path(__file__).parent / "templates"
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "admonition", "tables", "toc")
BLOG_MODULE = "material.plugins.blog.plugin"
# What the templates call where a shortcut may render once for many pages (`handbook.fast`).
PASS_THROUGH = {
    "hb_shared": lambda name, *, caller: caller(),
    "hb_once": lambda name, key, *more, caller: caller(),
    "hb_toc_key": lambda toc: None,
}


class Build:
    """`mkdocs build`: every page, feed and the search index, written once."""

    serving = False

    def __init__(self, options: HandbookConfig, config: MkDocsConfig, shortcuts: Shortcuts) -> None:
        assert config.config_file_path
        self.options, self.config, self.shortcuts = options, config, shortcuts
        self.settings = _settings(options, config)
        self.urls = Urls(config.use_directory_urls)
        self.cache = Cache.for_handbook(self.settings)
        self.corpus: Corpus | None = None
        self.history = History()
        self.site: Site | None = None
        self.files: Files | None = None
        self.nav: Any = None
        # The generated pages placed under another page (their breadcrumbs and tab).
        self.placed: frozenset[str] = frozenset()
        self.env: Any = None
        self.csp = ContentSecurity()
        self.search = self._search()
        # What the site generator made of each published post, by the post's path.
        self.post_pages: dict[str, PostPage] = {}
        self.post_paths: frozenset[str] = frozenset()

    def _search(self) -> Search:
        staged = self.shortcuts.on("search-staging")
        return Search(staged=staged, kept=False, renumber=True, parallel=self.shortcuts.parallel)

    # -- set-up -----------------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._say_about_the_blog(config)
        config.nav = with_listed_pages(config.nav)
        # Every page outside the navigation shows where it sits: Material's breadcrumbs.
        features = list(config.theme.get("features") or [])
        if "navigation.path" not in features:
            config.theme["features"] = [*features, "navigation.path"]
        for name in REQUIRED_EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        for name in PAGE_ASSETS:
            (config.extra_css if name.endswith(".css") else config.extra_javascript).append(f"{ASSET_DIR}/{name}")
        dirs = config.theme.dirs
        if str(TEMPLATES) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        self.shortcuts.install(config, templates_after=str(TEMPLATES))
        if "search" in config.plugins or "material/search" in config.plugins:
            log.info(
                "the 'search' plugin is not needed: handbook searches with Pagefind; "
                "remove it from mkdocs.yml to skip building its index"
            )
        return config

    def _say_about_the_blog(self, config: MkDocsConfig) -> None:
        if any(blog.enabled and blog.draft for blog in _blogs(config)):
            log.info("the blog's 'draft: true' is not followed: the handbook never publishes a draft post")

    def on_pre_build(self, config: MkDocsConfig) -> None:
        self.shortcuts.before_build()
        self.search.reset()
        feeds.forget_rss_plugin_pages(config)

    def load(self, *, report: bool = True) -> bool:
        """The records and their history. A bad record is a PluginError (`report`: each error
        said), or else False."""
        # Records whose bytes an earlier build or check already parsed come from the cache.
        corpus = load_corpus(self.settings, cache=self.cache)
        if corpus.errors and not report:
            return False
        if corpus.errors:
            for error in corpus.errors:
                log.error(str(error))
            count = len(corpus.errors)
            raise PluginError(
                f"{count} error{'s' if count != 1 else ''} in the handbook's records: fix them and build again"
            )
        self.corpus = corpus
        # Raw HTML that would run a script (HB309), as `handbook check` reports it: an error (a
        # `--strict` build fails), or a note where `allow_raw_html` allows it.
        for found in scripts.check(corpus, self.cache):
            line = f"{found.path}:{found.line}: {found.message} ({found.code})"
            if found.is_error:
                log.error(f"{line}: {found.fix[0].lower()}{found.fix[1:]}")
            else:
                log.info(line)
        # Liquid left in a record's or post's text (HB314): the page would show it as text.
        for found in liquid.check(corpus):
            log.warning(f"{found.path}:{found.line}: {found.message} ({found.code})")
        # Same commit, same bytes: mkdocs dates the sitemap from SOURCE_DATE_EPOCH, never the clock.
        if "SOURCE_DATE_EPOCH" not in os.environ:
            os.environ["SOURCE_DATE_EPOCH"] = str(build_epoch(corpus))
        self.history = self._read_history(corpus)
        return True

    def _read_history(self, corpus: Corpus) -> History:
        history = read_history(corpus, cache=self.cache)
        if history.note:
            log.info(history.note)  # INFO, not a warning: a `--strict` build without history still passes
        return history

    def make(self, authored: frozenset[str]) -> Site:
        """The site the records make, beside `authored`, the site's own files."""
        corpus, history, cache = self.corpus, self.history, self.cache
        assert corpus is not None

        def findings() -> list[Finding]:  # made while a worker may make version pages
            return health.duplicates(corpus, history, cache=cache)

        site_settings = SiteSettings(
            self.config.site_name, self.urls, show_drafts=self._show_drafts(),
            reading_order=tuple(self.options.reading_order), recent_changes=self.options.recent_changes,
            language=feeds.language(self.config),
        )  # fmt: skip
        return make_site(
            corpus, history, findings, site_settings, authored=authored, memo=self._memo(),
            parallel=self.shortcuts.parallel,
        )  # fmt: skip

    def _show_drafts(self) -> bool:
        return False

    def _memo(self) -> Any:
        return None

    # -- files and pages --------------------------------------------------------------------
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        self.load()
        assert self.corpus is not None
        self._keep_draft_posts_out(files, draft_posts(self.corpus))
        authored = frozenset(f.src_uri for f in files)
        site = self.site = self.make(authored)
        for src_uri, record in site.records.items():
            if src_uri in authored:
                raise PluginError(
                    f"{src_uri}: a page in {config.docs_dir} has the same path as the record {record.path}: "
                    "rename one of them"
                )
        self.post_paths = frozenset(post.path for post in self.corpus.published_posts)
        _, problems = site.acknowledgements
        made = site.files
        for problem in [*problems, *reading_order_problems(self.corpus)]:
            # `handbook check` reports the same, as errors: a `--strict` build fails on them.
            log.warning(str(problem))
        self.cache.save()
        for item in made.values():
            files.append(file_of(item, config, self.settings))
        self.shortcuts.on_files(made)
        self.files = files
        return files

    def _keep_draft_posts_out(self, files: Files, drafts: frozenset[str]) -> None:
        """Draft posts leave the site here, whatever the blog's settings (or without a blog):
        no page, search entry, sitemap line, feed item or blog listing."""
        for src_uri in sorted(drafts):
            if (file := files.get_file_from_path(src_uri)) is not None:
                files.remove(file)

    def on_nav(self, nav: Any, config: MkDocsConfig, files: Files) -> None:
        self.nav = nav
        if self.site is not None:
            self.placed = place_pages(nav, files, self.site.files)
        self.shortcuts.on_nav(config, files)

    def on_page_markdown(self, markdown: str, page: Page) -> str | None:
        site, uri = self.site, page.file.src_uri
        if site is None:
            return None
        if CHANGES_MARKER in markdown:
            return markdown.replace(CHANGES_MARKER, site.recent_changes(uri), 1)
        # Material prints a `title` from front matter as HTML: a post's title, as a record's, is text.
        title = page.meta.get("title")
        if isinstance(title, str) and uri.startswith(self.options.posts_dir.rstrip("/") + "/"):
            page.meta["title"] = esc(title)
        made = site.record_page(uri) if uri in site.records else None
        if made is None or made.parts is None:
            return None
        page.meta.update(made.meta)
        body = made.parts.body()
        # (The engine read the author's front matter otherwise than the handbook did.)
        return body if page.markdown != body.lstrip("\n") else None

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig) -> None:
        if self.corpus is None:
            return
        path = posixpath.normpath(posixpath.join(self.settings.docs_dir, page.file.src_uri))
        if path in self.post_paths:
            self.post_pages[path] = feeds.post_page(page, html, config)

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        env.globals.update(PASS_THROUGH)
        self.shortcuts.share_partials(env, config, self.nav, self.placed)
        self.csp.work_out(env, config, files, self.nav, serving=self.serving)
        # Pages made whole (the redirects from renamed policies' old addresses) carry it too.
        assert self.site is not None
        for src_uri, item in self.site.files.items():
            if item.content is not None and (file := files.get_file_from_path(src_uri)) is not None:
                self.csp.static_page(file, item)
        self.env = env = self.shortcuts.on_env(env, config, self.nav)
        self._build_alongside(env, config, files)
        return env

    def _build_alongside(self, env: Any, config: MkDocsConfig, files: Files) -> None:
        assert self.site is not None
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        posts_dir = self.options.posts_dir
        searched = {p.file.abs_dest_path for p in pages if self.search.attributes(p, self.site, posts_dir) is not None}
        if self.shortcuts.build_alongside(config, files, self.nav, env, searched) and self.options.search_index:
            self.search.expect(searched)

    def on_page_context(self, page: Page, config: MkDocsConfig) -> None:
        self.search.start_if_due(config)
        # Material's <title> is `page.title | striptags`, which turns a heading's '&lt;/title&gt;'
        # back into markup; the same title given as `meta.title` is printed as it is, escaped.
        if "title" not in page.meta and page.title:
            page.meta["title"] = page.title

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        output = self.csp.page(output, page.file.src_uri, page.content or "") or output
        record = self.site.records.get(page.file.src_uri) if self.site is not None else None
        watched = record if isinstance(record, Policy) and not record.is_draft else None
        output = feeds.with_feed_links(output, config, watched) or output
        if self.site is not None:
            attributes = self.search.attributes(page, self.site, self.options.posts_dir)
            output = self.search.mark(output, page, attributes) or output
        return output

    def on_post_page_written(self, output: str, page: Page, config: MkDocsConfig) -> None:
        if self.options.search_index:
            self.search.hand_over(output, page, config)

    def on_post_template(self, output: str, template_name: str, config: MkDocsConfig) -> str | None:
        if not template_name.endswith(".html"):  # the 404 page is a page too; the sitemap is not
            return None
        output = self.csp.page(output, template_name) or output
        return feeds.with_feed_links(output, config) or output

    # -- the end ----------------------------------------------------------------------------
    def start_search(self, config: MkDocsConfig) -> None:
        if self.options.search_index:
            self.search.start(config)

    def write_feeds(self, config: MkDocsConfig) -> None:
        if self.corpus is None or self.site is None:
            return
        if feeds.write_feeds(self.site, self.post_pages, config, self._written_feeds()):
            feeds.repair_rss_plugin_feeds(config, self.corpus, self.post_pages, build_datetime(self.corpus))

    def _written_feeds(self) -> dict[str, bytes] | None:
        return None

    def write_csp(self, config: MkDocsConfig) -> None:
        self.csp.write(config.site_dir)

    def finish(self) -> None:
        """Every other plugin has written its pages: the workers' pages are in, the index done."""
        self.shortcuts.finish()
        self.search.finish()

    def done(self) -> None:
        self.shortcuts.after_build()
        self.shortcuts.uninstall()

    def failed(self) -> None:
        self.shortcuts.uninstall()
        self.search.stop()
        self.search.cleanup()


def _blogs(config: MkDocsConfig) -> list[Any]:
    return [p.config for p in config.plugins.values() if type(p).__module__ == BLOG_MODULE]


def _settings(options: HandbookConfig, config: MkDocsConfig) -> Settings:
    """The handbook's settings, after mkdocs.yml and .authors.yml are read again with bounds and
    checked as `handbook check` and `handbook build` check them (which read them before mkdocs)."""
    config_file = Path(config.config_file_path)
    try:
        source = read_config_file(config_file)
        markdown = (list(config.markdown_extensions), dict(config.mdx_configs or {}))
        settings = settings_from(
            options, config_file, config.docs_dir, config.site_url, source=source, markdown=markdown
        )
    except ConfigError as exc:
        problems: list[HandbookError | str] = [*exc.errors] or [str(exc)]
    else:
        problems = [*markup_problems(config_file.parent, source)]
        if not problems:
            try:
                templates = theme_templates(Path(folder) for folder in config.theme.dirs)
                settings = dataclasses.replace(settings, templates=templates)
                return with_blog(settings, _blogs(config), config.config_file_path)
            except ConfigError as blog:
                raise PluginError(str(blog)) from None
    for problem in problems:
        log.error(str(problem))
    raise PluginError(f"{len(problems)} error(s) in the site's configuration: fix them and build again")
