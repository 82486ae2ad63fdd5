"""The mkdocs adapter: the only module that imports mkdocs. It turns the core's pages into files."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import gc
import hashlib
import logging
import os
import posixpath
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import markdown
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page, _ExtractTitleTreeprocessor, _RelativePathTreeprocessor
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url, is_error_template
from mkdocs.utils import meta as mkdocs_meta
from mkdocs_rss_plugin.plugin import GitRssPlugin  # type: ignore[import-untyped]

from . import (
    acknowledgements,
    acknowledgements_page,
    blocks,
    converted_once,
    csp,
    fast_passes,
    feeds,
    forking,
    health,
    pageparts,
    partials,
    search,
    serving,
    versions,
)
from . import compile as pages
from .blog_settings import with_blog
from .builddate import build_datetime, build_epoch
from .cache import Cache
from .checks import scripts
from .config import ConfigError, HandbookConfig, read_config_file, reading_order_problems, settings_from
from .errors import HandbookError
from .history import GitMemo, History, read_history
from .loading import Corpus, load_corpus
from .names import markup_problems
from .records import Decision, Policy
from .settings import Settings
from .urls import Urls

log = get_plugin_logger(__name__)
# mkdocs' own page builder (1.6), kept: while a `Prebuild` worker runs, mkdocs' build loop calls a stand-in.
_MKDOCS_BUILD_PAGE = mkdocs_build._build_page
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
# The loggers whose records a forked worker hands back, to be logged by the build (mkdocs
# counts warnings for `--strict` on its own logger).
WORKER_LOGGERS = ("", "mkdocs")
# How many times cheaper, per byte of Markdown, a version page is to convert than another page.
VERSION_PAGE_COST = 2
# How many pages a `Prerender` worker hands back at a time.
PRERENDER_PIECE = 1000
# The folders of Material's own files that its shared blocks link to (style sheets, scripts,
# the search worker, the favicon): see `_share_partials`.
MATERIAL_ASSET_DIRS = ["assets/stylesheets/", "assets/javascripts/workers/", "assets/images/"]
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "admonition", "tables", "toc")


@dataclass(frozen=True)
class Prerendered:
    """A page converted by the `Prerender` worker: what `Page.render` sets, and what it logged."""

    key: bytes
    content: str
    toc: Any
    title: str | None
    anchors: frozenset[str]
    links_to_anchors: dict[str, dict[str, str]] | None
    logs: tuple[logging.LogRecord, ...]


def _markdown_key(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode(), digest_size=16).digest()


class Prerender:
    """Generated pages (version and history pages are most of a handbook's) converted from
    Markdown to HTML by a forked copy of the build while the build converts the others: a build on
    two cores instead of one. The worker hands its pages back in pieces as it goes, so that
    the build takes in the first while the worker converts the last. The build uses a page's
    result only if the Markdown it would convert is the very Markdown the worker converted,
    and logs then what the worker logged, so that `--strict` counts it as before."""

    def __init__(self, worker: forking.Streamed[dict[str, Prerendered]], wanted: frozenset[str]) -> None:
        self.worker, self.wanted = worker, wanted
        self.results: dict[str, Prerendered] = {}
        self.ended, self.waited = False, 0.0

    @classmethod
    def start(
        cls, config: MkDocsConfig, files: Files, candidates: dict[str, int], render: Callable[[Page], None]
    ) -> Prerender | None:
        """`candidates`: the pages the worker may take, each with the work its conversion takes
        (as bytes of Markdown); `render` converts one page as the build would."""
        pages = files.documentation_pages()
        weights = [candidates.get(f.src_uri, 6000) for f in pages]
        # The worker takes the last candidates, about half of all the work.
        share, chosen = sum(weights) // 2, []
        for file, weight in zip(reversed(pages), reversed(weights), strict=True):
            if share <= 0:
                break
            if file.src_uri in candidates:
                chosen.append(file)
                share -= weight
        if not chosen:
            return None

        def convert(put: Callable[[dict[str, Prerendered]], None], records: forking.Records) -> None:
            results = {}
            for file in reversed(chosen):
                page = Page(None, file, config)
                page.read_source(config)
                assert page.markdown is not None
                start = len(records)
                render(page)
                links = page.links_to_anchors
                results[file.src_uri] = Prerendered(
                    _markdown_key(page.markdown), page.content or "", page.toc, page._title_from_render,
                    frozenset(page.present_anchor_ids or ()),
                    None if links is None else {t.src_uri: dict(a) for t, a in links.items()},
                    tuple(records[start:]),
                )
                if len(results) == PRERENDER_PIECE:
                    put(results)
                    results = {}
            put(results)

        worker = forking.Streamed.start(convert, capture=WORKER_LOGGERS)
        return None if worker is None else cls(worker, frozenset(f.src_uri for f in chosen))

    def has(self, src_uri: str) -> bool:
        return src_uri in self.wanted

    def take(self, src_uri: str, markdown: str) -> Prerendered | None:
        while src_uri not in self.results and not self.ended:
            started = time.monotonic()
            piece = self.worker.next()
            self.waited += time.monotonic() - started
            if piece is None:
                self.ended = True
            else:
                self.results.update(piece)
        found = self.results.pop(src_uri, None)
        return found if found is not None and found.key == _markdown_key(markdown) else None

    def stop(self) -> None:
        self.worker.stop()
        log.debug(f"waited {self.waited:.2f} s for {len(self.wanted)} pages converted alongside")


class Prebuild:
    """Pages Pagefind does not read (version and history pages, mostly) built (template
    rendered, page written) in part by a forked copy of the build: the worker takes them from
    the back of the list, the build from the front as it comes to them, and they meet where
    their speeds make them meet (`forking.BothEnds`). The build skips the worker's pages
    outright; at the end it replays what the worker logged (so that `--strict` counts it), and
    builds itself the pages a worker that failed had taken."""

    def __init__(self, worker: forking.Forked[None], pages: list[Page], ends: forking.BothEnds) -> None:
        self.worker, self.pages, self.ends = worker, pages, ends
        self.index = {page.file.src_uri: number for number, page in enumerate(pages)}

    @classmethod
    def start(cls, pages: list[Page], build: Callable[[Page], None]) -> Prebuild | None:
        if not pages or not forking.can_fork():
            return None
        ends = forking.BothEnds(len(pages))

        def build_from_the_back(records: forking.Records) -> None:
            for taken in ends.from_the_back():
                build(pages[taken])

        worker = forking.Forked.start(build_from_the_back, capture=WORKER_LOGGERS)
        return None if worker is None else cls(worker, pages, ends)

    def builds_here(self, page: Page) -> bool:
        """Whether the build builds `page` itself: any page but those the worker took."""
        number = self.index.get(page.file.src_uri)
        return number is None or self.ends.take_front(number)

    def finish(self, build: Callable[[Page], None]) -> None:
        """Wait for the worker; replay its logs, or build its pages here if it failed."""
        started = time.monotonic()
        done = self.worker.join()
        taken = self.ends.taken_by_back()
        waited = time.monotonic() - started
        log.debug(f"waited {waited:.2f} s for {len(taken)} of {len(self.pages)} pages built alongside")
        if done is None:
            log.debug("the worker building version pages failed: building them here")
            for number in taken:
                build(self.pages[number])
            return
        forking.replay(done[1])

    def stop(self) -> None:
        self.worker.stop()


Captured = tuple[str | None, dict[str, dict[str, str]]]
_A_NAME = re.compile(r"""<a\s[^<>]*?\bname=["']([^"']*)["']""")


class _PartsRenderer:
    """Pages made of parts (`pageparts.PageParts`: version, history and record pages) converted
    as mkdocs would, with its own link and title processors, but their texts block by block
    (blocks.py): a policy's versions and their diffs share most paragraphs, and each is
    converted once. Our own HTML parts are placed as they are."""

    def __init__(self, config: MkDocsConfig, files: Files) -> None:
        md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {})
        self.links = _RelativePathTreeprocessor(None, files, config)  # type: ignore[arg-type]  # set per page
        self.links._register(md)
        self.title = _ExtractTitleTreeprocessor()
        self.title._register(md)
        split = blocks.extension_names(config.markdown_extensions) <= blocks.SAFE_EXTENSIONS
        self.converter = blocks.BlockConverter(md, self._capture, split=split)
        self.whole = 0  # pages left to mkdocs to convert whole

    def _capture(self) -> Captured:
        """What mkdocs' processors recorded in one conversion; they start afresh for the next."""
        links = {target.src_uri: dict(anchors) for target, anchors in self.links.links_to_anchors.items()}
        captured = (self.title.title, links)
        self.title.title, self.links.links_to_anchors = None, {}
        return captured

    def render(self, page: Page, parts: pageparts.PageParts) -> RenderedPage | None:
        """What `page.render` would set, or None where only converting the page whole is right
        (a heading id of a text clashes with the frame's)."""
        self.links.file = page.file
        # Links resolve alike from every page of a folder: blocks are shared within it.
        # Our own HTML goes into the page as it is (`PageParts.html`): it is not converted.
        texts = ["" if part.raw else part.markdown for part in parts.parts]
        done = self.converter.convert_page(
            parts.frame, texts, posixpath.dirname(page.file.src_uri), keep=parts.shared
        )
        ids = set(done.frame.ids)
        for part, text in zip(parts.parts, done.texts, strict=True):
            text_ids = frozenset(blocks.element_ids(part.markdown)) if part.raw else text.ids
            if not ids.isdisjoint(text_ids):
                self.whole += 1
                return None
            ids |= text_ids
        html = parts.html(done.frame.html, [text.html for text in done.texts])
        if html is None:
            self.whole += 1
            return None
        # Links from blocks converted for an earlier page of the folder were checked then.
        links: dict[str, dict[str, str]] = {}
        for _, found in done.captured:
            for uri, targets in found.items():
                links.setdefault(uri, {}).update(targets)
        toc = get_toc(blocks.nested_toc(_toc_in_order(done.frame, done.texts)))
        anchors = frozenset(blocks.element_ids(html)) | frozenset(_A_NAME.findall(html))
        return RenderedPage(b"", html, toc, done.captured[0][0], anchors, links)


def _toc_in_order(frame: blocks.Converted, texts: Sequence[blocks.Converted]) -> list[dict[str, Any]]:
    """The frame's headings and each text's, in the order they stand in the page."""
    placed = [((frame.html.find(f'id="{token["id"]}"'), 0, i), token) for i, token in enumerate(frame.toc)]
    for index, text in enumerate(texts):
        where = frame.html.find(f"<p>{pageparts.part_placeholder(index)}</p>")
        placed += [((where, 1, i), token) for i, token in enumerate(text.toc)]
    return [token for _, token in sorted(placed, key=lambda item: item[0])]


class _CachedTemplates:
    """Material's templates under `mkdocs serve`: a page whose content, title, metadata,
    neighbours and address are those of the last rebuild, on a site whose navigation and
    settings are too, gets the same HTML back without rendering it again. Blog pages, which
    list other pages, are always rendered."""

    def __init__(self, env: Any, cache: dict[str, tuple[bytes, str]], site: str, blog_dir: str | None) -> None:
        self.env, self.cache, self.site = env, cache, site
        self.blog = posixpath.join(blog_dir, "") if blog_dir else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.env, name)

    def get_template(self, name: Any, *args: Any, **kwargs: Any) -> Any:
        template = self.env.get_template(name, *args, **kwargs)
        return _CachedTemplate(template, str(name), self)


class _CachedTemplate:
    def __init__(self, template: Any, name: str, templates: _CachedTemplates) -> None:
        self.template, self.name, self.templates = template, name, templates

    def __getattr__(self, name: str) -> Any:
        return getattr(self.template, name)

    def render(self, *args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        page = context.get("page")
        uri = getattr(getattr(page, "file", None), "src_uri", None)
        blog = self.templates.blog
        if page is None or uri is None or (blog and uri.startswith(blog)) or hasattr(page, "posts"):
            return str(self.template.render(context))

        def neighbour(other: Any) -> tuple[str, str] | None:
            return None if other is None else (str(other.url), str(other.title))

        about = repr((
            self.name, uri, page.url, page.title, page.content, page.meta, page.edit_url, page.canonical_url,
            neighbour(page.previous_page), neighbour(page.next_page), [str(a.title) for a in page.ancestors],
            self.templates.site,
        ))
        key = hashlib.blake2b(about.encode(), digest_size=16).digest()
        hit = self.templates.cache.get(uri)
        if hit is not None and hit[0] == key:
            return hit[1]
        output = str(self.template.render(context))
        self.templates.cache[uri] = (key, output)
        return output


def _nav_signature(items: Any) -> str:
    return repr(
        [(str(i.title), getattr(i, "url", None), _nav_signature(getattr(i, "children", None) or [])) for i in items]
    )


@dataclass(frozen=True)
class BuiltSite:
    """What a build under `mkdocs serve` was made of, for `update_site` to rebuild pages with."""

    config: MkDocsConfig
    files: Files
    nav: Any
    env: Any
    nav_titles: str  # `_nav_signature` of the nav once every page was read


@dataclass(frozen=True)
class Generated:
    """A file the plugin puts on the site: a page or file made from the records (`content`), or
    a file it copies (`abs_src_path`: a record's own file, an asset)."""

    src_uri: str
    content: str | None = None
    abs_src_path: str | None = None
    inclusion: InclusionLevel = InclusionLevel.UNDEFINED
    edit_uri: str | None = None

    def file(self, config: MkDocsConfig) -> File:
        if self.content is not None:
            file = File.generated(config, self.src_uri, content=self.content, inclusion=self.inclusion)
        else:
            assert self.abs_src_path is not None
            file = File.generated(config, self.src_uri, abs_src_path=self.abs_src_path, inclusion=self.inclusion)
        if self.edit_uri is not None:
            file.edit_uri = self.edit_uri
        return file


@dataclass(frozen=True)
class RenderedPage:
    """What `Page.render` made of a page's Markdown, kept between `mkdocs serve`'s rebuilds."""

    key: bytes
    content: str
    toc: Any
    title: str | None
    anchors: frozenset[str]
    links_to_anchors: dict[str, dict[str, str]] | None


class HandbookPlugin(BasePlugin[HandbookConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.settings: Settings | None = None
        self.corpus: Corpus | None = None
        self.compiler: pages.Compiler | None = None
        self.record_pages: dict[str, Policy | Decision] = {}
        # Feeds: what git knows (read once per build, by whoever needs it first) and what the
        # site made of each post.
        self.history: History | None = None
        self.post_pages: dict[str, feeds.PostPage] = {}
        self.post_paths: frozenset[str] | None = None
        # Draft posts by source path: kept off the site (`_keep_draft_posts_out`) and out of search.
        self.draft_posts: frozenset[str] = frozenset()
        # Why history is missing (no git, a shallow clone) is said once, not on every rebuild.
        self.history_noted = False
        # The built pages marked for search: Pagefind reads these alone. `mkdocs build`: those
        # still to be written; Pagefind starts once there are none (`_start_search_early`).
        self.search_pages: dict[str, None] = {}
        self.search_due: set[str] | None = None
        self.search_started = False
        # `mkdocs build`: the searched page last handed over, staged for Pagefind once it is written.
        self.handed: tuple[str, bytes] | None = None
        # Under `mkdocs serve`, what a rebuild can reuse from the one before (the instance lives
        # on): diffs by their texts, and each page's rendered HTML by its Markdown (`_render_cached`).
        self.diffs: dict[bytes, str] = {}
        self.rendered: dict[str, RenderedPage] = {}
        self.files_signature: tuple[int, bytes] | None = None
        # ... and each page's output by everything its template reads (`_CachedTemplates`).
        self.templated: dict[str, tuple[bytes, str]] = {}
        self.nav_signature = ""
        # The pages made of parts (version, history and record pages), converted part by part;
        # `mkdocs build`: generated pages converted by a second process (`Prerender`).
        self.part_pages: dict[str, pageparts.PageParts] = {}
        self.prerender_weights: dict[str, int] = {}
        self.parts_renderer: _PartsRenderer | None = None
        self.prerender: Prerender | None = None
        # ... and built (templates, files written) by a third, forked after every page is converted.
        self.nav: Any = None
        self.prebuild: Prebuild | None = None
        self.prebuild_build: Callable[[Page], None] | None = None
        self.indexing: search.Indexing | None = None
        self.staging: search.Staging | None = None
        self.watcher: serving.Watcher | None = None
        self.urls = Urls()
        self.cache: Cache | None = None
        # The files the last build made from the records (`_generate`), by source path.
        self.generated: dict[str, Generated] = {}
        # Under `mkdocs serve`: what an edit to the records needs to rebuild only what it changes
        # (`update_site`). Git's answers and the pages and feeds made from them, by what they are made from ...
        self.git_memo = GitMemo()
        self.pages_memo = versions.PagesMemo()
        self.feeds_memo: dict[feeds.FeedName, tuple[object, list[tuple[str, bytes]]]] = {}
        self.written_feeds: dict[str, bytes] = {}
        # ... each record page's Markdown, the pages that list recent changes, and the last
        # complete build's site (None while a build runs or after one failed).
        self.record_markdown: dict[str, str] = {}
        self.change_pages: set[str] = set()
        self.built: BuiltSite | None = None
        self.building: BuiltSite | None = None
        # The site's Content-Security-Policy (`_content_security`), the hashes of the inline
        # scripts it allows, and the ways to the site's root (`base_url`) they were worked out for.
        self.csp: str | None = None
        self.csp_hashes: frozenset[str] = frozenset()
        self.csp_bases: frozenset[str] = frozenset()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        assert config.config_file_path
        self.settings = _settings(self.config, config)
        blogs = [p.config for p in config.plugins.values() if type(p).__module__ == "material.plugins.blog.plugin"]
        try:
            self.settings = with_blog(self.settings, blogs, config.config_file_path)
        except ConfigError as exc:
            raise PluginError(str(exc)) from None
        if not self.serving and any(blog.enabled and blog.draft for blog in blogs):
            log.info("the blog's 'draft: true' is not followed: the handbook never publishes a draft post")
        self.urls = Urls(config.use_directory_urls)
        self.cache = Cache.for_handbook(self.settings)
        for name in REQUIRED_EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        # mkdocs' own conversions (posts, registers, blog excerpts) skip hopeless patterns too.
        if not any(isinstance(ext, fast_passes.FastPassesExtension) for ext in config.markdown_extensions):
            config.markdown_extensions.append(fast_passes.FastPassesExtension())  # type: ignore[arg-type]  # (an object is one too)
        for uri in ASSET_URIS.values():
            if uri.endswith(".css"):
                config.extra_css.append(uri)
            else:
                config.extra_javascript.append(uri)
        # After the site's own custom_dir, before Material's templates.
        dirs = config.theme.dirs
        if str(TEMPLATES) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        _blog_events_in_blog_dir(config)
        _front_matter_read_once()
        if "search" in config.plugins or "material/search" in config.plugins:
            log.info("the 'search' plugin is not needed: handbook searches with Pagefind; remove it from mkdocs.yml to skip building its index")
        return config

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer | None:
        assert self.settings is not None
        settings = self.settings
        records = [settings.path(f) for f in (settings.policies_dir, settings.decisions_dir, acknowledgements.FOLDER)]
        folders = [path for path in records if path.is_dir()]

        def wake() -> None:  # what mkdocs' own watcher does on a change (1.6)
            with server._rebuild_cond:
                server._want_rebuild = True
                server._rebuild_cond.notify_all()

        # The records change most: their edits are seen at once, not at mkdocs' next poll.
        self._stop_watcher()
        self.watcher = serving.Watcher(folders, wake)
        if not self.watcher.start():
            self.watcher = None
            for path in folders:
                server.watch(str(path))

        def watched() -> list[Path]:  # what mkdocs' watcher watches (1.6), and the records
            return list(dict.fromkeys([*(Path(path) for path in server._watched_paths), *folders]))

        # An edit to the records rebuilds what it changes (`update_site`), any other the whole site.
        server.builder = serving.Rebuilder(builder, self.update_site, roots=watched, narrow=records)
        # mkdocs' live reload adds an inline script, another on each request, to every page it
        # serves (1.6): the policy of the page served (not of the file) allows that one too.
        inject = getattr(server, "_inject_js_into_html", None)
        if inject is not None:

            def inject_allowed(content: bytes, epoch: int) -> bytes:
                served: bytes = inject(content, epoch)
                return csp.with_added_script_allowed(content, served)

            server._inject_js_into_html = inject_allowed  # type: ignore[method-assign]
        return server

    def update_site(self, edited: set[Path]) -> bool:
        """Under `mkdocs serve`, after an edit to the records: rebuild the pages whose Markdown
        it changes, the feeds and the search index, in the last build's site. False where the
        edit needs the site built whole: no complete build to start from, a bad record (the
        whole build reports it), a page gone, or a change to the navigation."""
        try:
            updated = self._update_site(edited)
        finally:
            if self.built is None:  # not updated: nothing may go on writing into the site
                self._stop_indexing()
        return updated

    def _update_site(self, edited: set[Path]) -> bool:
        site, started, laps = self.built, time.monotonic(), _Laps()
        if site is None or self.corpus is None:
            return _whole("the last build did not finish")
        self.built = None  # until this update is complete
        config, files, nav, env = site.config, site.files, site.nav, site.env
        if not self._load(report=False):
            return _whole("a record has errors")  # said by the whole build
        laps.lap("records read")
        # mkdocs' own steps for a page (1.6): read and convert, then render and write.
        from mkdocs.commands.build import _build_page, _build_theme_template, _populate_page

        def build(rebuild: list[File]) -> None:
            for file in rebuild:
                _populate_page(file.page or Page(None, file, config), config, files)
            doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
            for file in rebuild:
                assert file.page is not None
                _build_page(file.page, config, doc_files, nav, env)

        was_searched = set(self.search_pages)

        def searched(rebuild: list[File]) -> bool:  # in the search index before or after
            return any(f.abs_dest_path in was_searched or f.abs_dest_path in self.search_pages for f in rebuild)

        # The searched pages an edit changes are records and pages listing recent changes:
        # built first, so that Pagefind can start on them while the rest is made. That guesses
        # the edit adds no file, to which their links could go; if it does, they are built again.
        early: list[File] | None = None
        if (records := self._records()).keys() == self.record_pages.keys():
            self.record_pages = records
            # The edited records first, then those whose pages the edit changed (a title shown).
            early = self._pages(files, [*self._edited_records(edited), *sorted(self.change_pages)])
            build(early)
            if searched(early):
                self._start_search_on_post_build(config=config)
            more = self._pages(files, self._restated_records())
            build(more)
            if searched(more):
                self._start_search_on_post_build(config=config)  # again, with these pages too
            early += more
            laps.lap(f"{len(early)} searched pages built")
        made = self._generate(config, files)
        if gone := self.generated.keys() - made.keys():
            return _whole(f"{min(gone)} is gone")
        rebuild, added = [], False
        for src_uri, item in made.items():
            old = self.generated.get(src_uri)
            if old is not None and (old == item or src_uri in self.record_pages):
                continue  # (a record page is rebuilt when its record or its Markdown changed)
            if old is None:
                if item.inclusion is not InclusionLevel.NOT_IN_NAV and src_uri.endswith(".md"):
                    return _whole(f"{src_uri} is new, and the navigation may list it")
                file = item.file(config)
                files.append(file)
                added = True
            elif (found := files.get_file_from_path(src_uri)) is not None:
                file = found
                if item.content is not None:
                    file.content_string = item.content
            else:
                return _whole(f"{src_uri} is an author's file now")
            if file.is_documentation_page():
                rebuild.append(file)
            else:
                self._csp_in_static_page(file, item)
                file.copy_file()
        self.generated = made
        if added:
            self.files_signature = None  # links now resolve against more files
            if _page_bases(files, config, serving=True) != self.csp_bases:
                return _whole("a page at a new depth changes the Content-Security-Policy")
        if early is None:
            uris = {*self._edited_records(edited), *self._restated_records(), *self.change_pages}
            rebuild += self._pages(files, sorted(uris))
        elif added:
            rebuild += early  # their links may go to the new files
        rebuild = list(dict.fromkeys(rebuild))
        laps.lap("files made")
        build(rebuild)
        rebuilt = list(dict.fromkeys((early or []) + rebuild))
        if _nav_signature(nav.items) != site.nav_titles:
            self._stop_indexing()
            return _whole("a title in the navigation changed")  # every page shows it
        for file in rebuilt:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        if added:  # the sitemap lists pages in the order a whole build adds them
            _build_theme_template("sitemap.xml", env, self._in_build_order(files), config, nav)
        laps.lap(f"{len(rebuild)} pages built")
        if searched(rebuild):  # (started again if it had started on the early pages)
            self._start_search_on_post_build(config=config)
            laps.lap("search started")
        self._write_feeds(config)
        laps.lap("feeds written")
        self._search_on_post_build(config=config)
        laps.lap("search indexed")
        self.built = site
        total = len(files.documentation_pages(inclusion=InclusionLevel.is_in_serve))
        log.info(f"Rebuilt {len(rebuilt)} of {total} pages for the edit in {time.monotonic() - started:.2f} s")
        log.debug(f"the update took: {laps}")
        return True

    def _edited_records(self, edited: set[Path]) -> list[str]:
        """The record pages whose files were edited."""
        assert self.settings is not None
        return [uri for uri, record in self.record_pages.items() if self.settings.path(record.path) in edited]

    def _restated_records(self) -> list[str]:
        """The record pages whose Markdown is not what was last built (another record changed)."""
        return [uri for uri in self.record_pages if self.record_markdown.get(uri) != self._record_markdown(uri)]

    @staticmethod
    def _pages(files: Files, uris: Sequence[str]) -> list[File]:
        return [file for uri in uris if (file := files.get_file_from_path(uri)) is not None]

    @event_priority(50)  # before Material's blog (-50): it never sees a draft post that is not shown
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        self._load()
        self._keep_draft_posts_out(files)
        self.generated = {}
        self.generated = self._generate(config, files)
        for item in self.generated.values():
            files.append(item.file(config))
        return files

    def _keep_draft_posts_out(self, files: Files) -> None:
        """Draft posts leave the site here, whatever the blog's settings (or without a blog):
        no page, search entry, sitemap line, feed item or blog listing. Only `mkdocs serve`
        with `draft_on_serve` keeps them, for the editor's preview, as Material's blog shows them."""
        assert self.corpus is not None and self.settings is not None
        docs = self.settings.docs_dir
        self.draft_posts = frozenset(pages.docs_relative(p.path, docs) for p in self.corpus.posts if p.draft)
        if self.serving and self.config.draft_on_serve:
            return
        for src_uri in sorted(self.draft_posts):
            if (file := files.get_file_from_path(src_uri)) is not None:
                files.remove(file)

    def _load(self, *, report: bool = True) -> bool:
        """The records, their history and the compiler of their pages. A bad record is a
        PluginError (`report`: each error said), or else False."""
        assert self.settings is not None
        # Records whose bytes an earlier build or check already parsed come from the cache.
        corpus = load_corpus(self.settings, cache=self.cache)
        if corpus.errors and not report:
            return False
        if corpus.errors:
            for error in corpus.errors:
                log.error(str(error))
            count = len(corpus.errors)
            raise PluginError(f"{count} error{'s' if count != 1 else ''} in the handbook's records: fix them and build again")
        self.corpus = corpus
        self._report_scripts(corpus)
        # Same commit, same bytes: mkdocs dates the sitemap from SOURCE_DATE_EPOCH, never the clock.
        if "SOURCE_DATE_EPOCH" not in os.environ:
            os.environ["SOURCE_DATE_EPOCH"] = str(build_epoch(corpus))
        self.history = history = read_history(corpus, memo=self.git_memo if self.serving else None)
        if history.note and not self.history_noted:
            log.info(history.note)  # INFO, not a warning: a `--strict` build without history still passes
            self.history_noted = True
        show_drafts = self.serving and self.config.draft_on_serve
        self.compiler = pages.Compiler(corpus, self.urls, show_drafts=show_drafts, history=history)
        return True

    def _report_scripts(self, corpus: Corpus) -> None:
        """Raw HTML that would run a script (HB309), as `handbook check` reports it: an error (a
        `--strict` build fails), or a note where `allow_raw_html` allows it."""
        for found in scripts.check(corpus, self.cache):
            line = f"{found.path}:{found.line}: {found.message} ({found.code})"
            if found.is_error:
                log.error(f"{line}: {found.fix[0].lower()}{found.fix[1:]}")
            else:
                log.info(line)

    def _generate(self, config: MkDocsConfig, files: Files) -> dict[str, Generated]:
        """Every file the records make, in the order they join the site: record pages, registers,
        reading lists, the feeds and acknowledgements pages, assets, version, history and health
        pages. A file of the author's at the same path (not one made by the last build) wins."""
        compiler, corpus, history = self.compiler, self.corpus, self.history
        assert compiler is not None and corpus is not None and history is not None and self.settings is not None
        authored = {f.src_uri for f in files if f.src_uri not in self.generated}
        made: dict[str, Generated] = {}

        def add(item: Generated) -> None:
            if item.src_uri not in authored:
                made[item.src_uri] = item

        self.record_pages = self._records()
        for src_uri, record in self.record_pages.items():
            if src_uri in authored:
                raise PluginError(f"{src_uri}: a page in {config.docs_dir} has the same path as the record {record.path}: rename one of them")
            # A real source file, so that plugins reading `abs_src_path` (the RSS plugin) work; the
            # edit link names the file in the repository, not a path under docs/.
            edit_uri = posixpath.relpath(record.path, self.settings.docs_dir)
            made[src_uri] = Generated(src_uri, abs_src_path=str(self.settings.path(record.path)), inclusion=InclusionLevel.NOT_IN_NAV, edit_uri=edit_uri)
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
        # The pages between the records and the version pages, by path: the version pages' links
        # need to know they are there, not what they hold, which is made while a worker makes
        # version pages (`_add_version_pages`), as are the health pages after them.
        between: dict[str, Callable[[], Generated]] = {
            src_uri: functools.partial(_made_from, src_uri, make)
            for src_uri, make in generated.items()
            if src_uri not in authored
        }
        hidden = InclusionLevel.NOT_IN_NAV
        # The feeds' own page (linked from the home page and the blog), unless an author wrote one.
        if feeds.FEEDS_PAGE not in authored:
            feeds_page = functools.partial(feeds.feeds_page, config.site_name)
            between[feeds.FEEDS_PAGE] = functools.partial(_made_from, feeds.FEEDS_PAGE, feeds_page, hidden)
        # Who has acknowledged the current version of each policy that asks for it.
        people, problems = acknowledgements.load_acknowledgements(self.settings)
        for problem in problems:
            log.warning(str(problem))
        if (people or acknowledgements.requiring(corpus)) and acknowledgements_page.PAGE not in authored:
            page = functools.partial(acknowledgements_page.acknowledgements_page, corpus, people, self.urls)
            between[acknowledgements_page.PAGE] = functools.partial(_made_from, acknowledgements_page.PAGE, page, hidden)
        for src_uri in ASSET_URIS.values():
            asset = str(ASSETS / posixpath.basename(src_uri))
            between[src_uri] = functools.partial(Generated, src_uri, abs_src_path=asset)
        after: list[Generated] = []

        def meanwhile() -> None:
            for make in between.values():
                item = make()
                made[item.src_uri] = item
            # The "Handbook health" page and one page per owner (health.py); out of the nav, linked
            # from the policy register. What depends on today is worked out in the reader's browser.
            assert self.cache is not None
            for src_uri, content in health.HealthPages(corpus, history, self.urls, cache=self.cache).files():
                after.append(Generated(src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
            self.cache.save()

        self._add_version_pages(made, authored, frozenset(authored | made.keys() | between.keys()), meanwhile)
        for item in after:
            add(item)
        # Any generated page may be converted beside the build (`Prerender`), not only version
        # and history pages: the record pages may not, their Markdown is made as they are read.
        for src_uri, item in made.items():
            if item.content is not None and src_uri.endswith(".md") and src_uri not in self.prerender_weights:
                self.prerender_weights[src_uri] = len(item.content)
        return made

    def _records(self) -> dict[str, Policy | Decision]:
        """The records with a page of their own, by the page's source path."""
        compiler, corpus = self.compiler, self.corpus
        assert compiler is not None and corpus is not None
        records: dict[str, Policy | Decision] = {compiler.policy_src(p): p for p in compiler.policies_on_site()}
        records.update((compiler.decision_src(d), d) for d in corpus.decisions.values())
        return records

    def _in_build_order(self, files: Files) -> Files:
        """`files` with the generated ones in the order `on_files` would add them now."""
        listed = list(files)
        first = next((i for i, f in enumerate(listed) if f.src_uri in self.generated), len(listed))
        others = [f for f in listed if f.src_uri not in self.generated]
        ours = {f.src_uri: f for f in listed if f.src_uri in self.generated}
        return Files(others[:first] + [ours[uri] for uri in self.generated if uri in ours] + others[first:])

    def _add_version_pages(
        self, made: dict[str, Generated], authored: set[str], known: frozenset[str], meanwhile: Callable[[], None]
    ) -> None:
        """Each published version's permanent page, each policy's history page, and redirects
        from the old addresses of policies renamed with `git mv`. `known`: every source path on
        the site; `meanwhile` makes the pages before them while a worker starts on them."""
        compiler, history = self.compiler, self.history
        assert compiler is not None and history is not None
        serving = self.serving
        made_pages = versions.VersionPages(
            compiler, history, known=known,
            diffs=self.diffs if serving else None, memo=self.pages_memo if serving else None,
        )
        policies = made_pages.policies()
        if serving:  # one process: its diffs are kept for the next rebuild
            meanwhile()
            pages_made = list(made_pages.pages(policies))
        else:  # a forked worker takes policies from the back, this process from the front
            by_policy = forking.map_from_both_ends(
                policies, lambda policy: list(made_pages.pages([policy])), first=meanwhile
            )
            pages_made = [page for policy_pages in by_policy for page in policy_pages]
        self.part_pages, self.prerender_weights = {}, {}
        for src_uri, made_page in pages_made:
            if src_uri in authored or src_uri in made:
                continue
            content = made_page if isinstance(made_page, str) else made_page.markdown()
            made[src_uri] = Generated(src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV)
            if isinstance(made_page, pageparts.PageParts):
                self.part_pages[src_uri] = made_page
                # Converted block by block, a version page costs a fraction of its length.
                self.prerender_weights[src_uri] = len(content) // VERSION_PAGE_COST
            elif src_uri.endswith(".md"):
                self.prerender_weights[src_uri] = len(content)
        for path, content in made_pages.redirects():
            if path not in authored and path not in made:
                made[path] = Generated(path, content=content)
        for name in versions.ASSETS:
            src_uri = posixpath.join(versions.ASSET_DIR, name)
            made[src_uri] = Generated(src_uri, abs_src_path=str(ASSETS / name))

    def _reading_order(self, compiler: pages.Compiler) -> list[str]:
        for problem in reading_order_problems(compiler.corpus):
            log.warning(str(problem))  # `handbook check` reports the same, as an error (HB309)
        return list(self.config.reading_order)

    def _records_on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if pages.CHANGES_MARKER in markdown and self.compiler is not None:
            if self.serving:
                self.change_pages.add(page.file.src_uri)
            return markdown.replace(pages.CHANGES_MARKER, self._recent_changes(page.file.src_uri, files), 1)
        # Material prints a `title` from front matter as HTML: a post's title, as a record's, is text.
        title = page.meta.get("title")
        if isinstance(title, str) and page.file.src_uri.startswith(self.config.posts_dir.rstrip("/") + "/"):
            page.meta["title"] = pages.esc(title)
        record = self.record_pages.get(page.file.src_uri)
        if record is None or self.compiler is None:
            return None
        page.meta["title"] = pages.esc(record.title)
        if isinstance(record, Policy) and record.is_draft:
            page.meta["search"] = {"exclude": True}
        parts = self._record_parts(page.file.src_uri)
        made = parts.markdown()
        # Converted as a version page is, its own HTML placed as it is (`_render_parts`).
        self.part_pages[page.file.src_uri] = parts
        if self.serving:
            self.record_markdown[page.file.src_uri] = made
        return made

    def _record_markdown(self, src_uri: str) -> str:
        return self._record_parts(src_uri).markdown()

    def _record_parts(self, src_uri: str) -> pageparts.PageParts:
        assert self.compiler is not None
        record = self.record_pages[src_uri]
        if isinstance(record, Policy):
            return self.compiler.policy_page_parts(record)
        return self.compiler.decision_page_parts(record)

    @event_priority(-100)  # last: the Markdown that every plugin has had its say on
    def _cache_on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        render = page.render
        if page.file.src_uri in self.part_pages:
            render = functools.partial(self._render_parts, page, render)
        if self.serving:
            page.render = functools.partial(self._render_cached, page, render)  # type: ignore[method-assign]
        elif self.prerender is not None and self.prerender.has(page.file.src_uri):
            page.render = functools.partial(self._render_prerendered, page, render)  # type: ignore[method-assign]
        else:
            page.render = render  # type: ignore[method-assign]
        return None

    def _render_parts(self, page: Page, render: Any, config: MkDocsConfig, files: Files) -> None:
        """`page.render` for a page made of parts (version, history and record pages): its frame
        and texts converted apart, its own HTML placed as it is (`_PartsRenderer`)."""
        parts = self.part_pages[page.file.src_uri]
        if page.markdown != parts.body().lstrip("\n"):  # another plugin changed the page
            render(config, files)
            return
        if self.parts_renderer is None:
            self.parts_renderer = _PartsRenderer(config, files)
        done = self.parts_renderer.render(page, parts)
        if done is None:
            render(config, files)
            return
        _restore_render(page, done, files)

    @event_priority(-100)  # last: the files are final
    def on_nav(self, nav: Any, /, *, config: MkDocsConfig, files: Files) -> Any | None:
        self._stop_prerender()
        self.nav = nav
        _index_blog_posts(config)
        if self.serving:
            self.nav_signature = _nav_signature(nav.items)
        else:
            # Everything loaded so far (the corpus, its history, every page and file) lives to
            # the end of the build: out of the garbage collector's way, whose full passes
            # otherwise walk it again and again, more often the larger the handbook; and
            # shared with the forked workers instead of copied when they collect.
            gc.collect()
            gc.freeze()
        if not self.serving and self.prerender_weights:

            def render(page: Page) -> None:
                if page.file.src_uri in self.part_pages:
                    self._render_parts(page, page.render, config, files)
                else:
                    page.render(config, files)

            self.prerender = Prerender.start(config, files, self.prerender_weights, render)
        return None

    @event_priority(-100)  # last: the environment every plugin has set up
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any | None:
        self._share_partials(env, config)
        self._content_security(env, config, files)
        _excerpts_converted_once(config)
        if not self.serving:
            # Every page is converted, and lives to the end of the build: frozen as in `on_nav`,
            # or the feeds' full garbage collections would walk them all, again and again.
            gc.collect()
            gc.freeze()
            self._start_prebuild(env, config, files)
            return None
        blog = config.plugins.get("material/blog")
        blog_dir = getattr(getattr(blog, "config", None), "blog_dir", None)
        theme = tuple(sorted((key, repr(config.theme[key])) for key in config.theme))
        site = repr((theme, config.site_name, config.site_url, config.site_description, config.repo_url,
                     config.repo_name, config.edit_uri, config.copyright, config.extra, config.extra_css,
                     config.extra_javascript, self.nav_signature))
        templates = _CachedTemplates(env, self.templated, site, blog_dir)
        self.building = BuiltSite(config, files, self.nav, templates, _nav_signature(self.nav.items))
        return templates

    def _share_partials(self, env: Any, config: MkDocsConfig) -> None:
        """Material's navigation, tabs, script settings, style sheets, scripts, footer and the
        header around the page's title, rendered once per folder for the pages outside the nav,
        most of a handbook's pages (partials.py, and the templates that call `hb_shared`); its
        strings once per key, and each table of contents once (`hb_t`, `hb_once`)."""
        dirs = list(config.theme.dirs)
        after = dirs[dirs.index(str(TEMPLATES)) + 1 :] if str(TEMPLATES) in dirs else dirs
        env.loader = partials.next_loader(env.loader, after)
        # Every address those blocks link to besides the nav's: a page in one of their folders
        # has links of its own. (`extra` is a mapping; a script may be a path with options.)
        targets = [config.extra.get("homepage"), config.theme.get("logo"), config.theme.get("favicon")]
        targets += [*config.extra_css, *(getattr(script, "path", script) for script in config.extra_javascript)]
        targets += MATERIAL_ASSET_DIRS
        env.globals["hb_shared"] = partials.Shared(self.nav, [str(t) for t in targets if isinstance(t, str)])
        # Material's strings, and each table of contents, worked out once (templates/partials/).
        env.globals.update(hb_t=partials.Translations(env), hb_once=partials.Once(), hb_toc_key=partials.toc_key)

    def _content_security(self, env: Any, config: MkDocsConfig, files: Files) -> None:
        """The site's Content-Security-Policy, before any page is written (each page carries it,
        and a worker writes some): the hashes of the inline scripts the theme writes, which name
        the way to the site's root, for each way a page of this build has. Material writes the
        same scripts in every page at one depth: its 404 page, rendered at each, shows them."""
        bases = _page_bases(files, config, serving=self.serving)
        name = "404.html" if "404.html" in config.theme.static_templates else "main.html"
        template = env.get_template(name)
        hashes: set[str] = set()
        for base in sorted(bases):
            context = mkdocs_build.get_context(self.nav, files, config, base_url=base)
            hashes.update(csp.script_hash(body) for body in csp.inline_scripts(template.render(context)))
        self.csp, self.csp_hashes, self.csp_bases = csp.policy(hashes), frozenset(hashes), bases
        # Pages made whole (the redirects from renamed policies' old addresses) carry it too.
        for src_uri, item in self.generated.items():
            if item.content is not None and (file := files.get_file_from_path(src_uri)) is not None:
                self._csp_in_static_page(file, item)

    def _csp_in_static_page(self, file: File, item: Generated) -> None:
        if self.csp is None or item.content is None or not file.src_uri.endswith(".html"):
            return
        marked = csp.with_meta(item.content, self.csp)
        if marked is not None:
            file.content_string = marked

    def _csp_on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        return self._with_csp(output, page.file.src_uri, page.content or "")

    def _with_csp(self, output: str, name: str, content: str = "") -> str | None:
        """The page with the policy's tag; an inline script of its template that the policy
        does not allow is a warning (scripts in its content are the checks' business, HB309)."""
        if self.csp is None:
            return None
        marked = csp.with_meta(output, self.csp)
        if marked is None:
            log.warning(f"{name}: no <head> in the page, so no Content-Security-Policy tag (a template without one?)")
            return None
        start = marked.find(content) if content else -1
        skip = (start, start + len(content)) if start >= 0 else (0, 0)
        for body in csp.uncovered(marked, self.csp_hashes, skip=skip):
            log.warning(
                f"{name}: an inline script of its template is not in the site's Content-Security-Policy, "
                f"so browsers will not run it: {body[:80]!r}"
            )
        return marked

    def _start_prebuild(self, env: Any, config: MkDocsConfig, files: Files) -> None:
        """Every page is converted now: a worker builds the generated pages Pagefind does not
        read (version and history pages, mostly) from the back of the list while the build
        builds every page from the front, these too until it meets the worker (`Prebuild`)."""
        self._stop_prebuild()
        pages = [f.page for f in files.documentation_pages(inclusion=InclusionLevel.is_included) if f.page is not None]
        # The pages Pagefind reads: this process writes them all, and lists them as it does.
        searched = {page.file.abs_dest_path for page in pages if self._search_attributes(page) is not None}
        # The worker goes on while this process writes the feeds and waits for Pagefind.
        chosen = [
            page
            for page in pages
            if page.file.src_uri in self.prerender_weights and page.file.abs_dest_path not in searched
        ]
        if not chosen or self.nav is None:
            return
        nav, doc_files = self.nav, [page.file for page in pages]

        def build(page: Page) -> None:
            _MKDOCS_BUILD_PAGE(page, config, doc_files, nav, env)

        self.prebuild = Prebuild.start(chosen, build)
        if self.prebuild is None:
            return
        self.search_due = searched  # (set after the fork: the worker starts no Pagefind)
        self.prebuild_build = build
        prebuild = self.prebuild

        # mkdocs' own page builder (1.6), which its build loop calls for each page: the
        # worker's pages are skipped outright, not rendered empty.
        @functools.wraps(_MKDOCS_BUILD_PAGE)
        def build_unless_taken(page: Page, *args: Any, **kwargs: Any) -> None:
            if prebuild.builds_here(page):
                _MKDOCS_BUILD_PAGE(page, *args, **kwargs)

        mkdocs_build._build_page = build_unless_taken

    def _finish_prebuild(self) -> None:
        mkdocs_build._build_page = _MKDOCS_BUILD_PAGE
        if self.prebuild is not None:
            prebuild, self.prebuild = self.prebuild, None
            assert self.prebuild_build is not None
            prebuild.finish(self.prebuild_build)
        self.prebuild_build = None

    def _stop_prebuild(self) -> None:
        mkdocs_build._build_page = _MKDOCS_BUILD_PAGE
        if self.prebuild is not None:
            self.prebuild.stop()
            self.prebuild = None
        self.prebuild_build = None

    def _render_prerendered(self, page: Page, render: Any, config: MkDocsConfig, files: Files) -> None:
        assert self.prerender is not None and page.markdown is not None
        done = self.prerender.take(page.file.src_uri, page.markdown)
        if done is None:  # another plugin changed the page's Markdown, or the worker failed
            render(config, files)
            return
        forking.replay(done.logs)
        _restore_render(page, done, files)

    def _stop_prerender(self) -> None:
        if self.prerender is not None:
            self.prerender.stop()
            self.prerender = None

    def on_build_error(self, *, error: Exception) -> None:
        self.built = self.building = None
        self._stop_prerender()
        self._stop_prebuild()
        self._stop_indexing()

    on_page_markdown = CombinedEvent(_records_on_page_markdown, _cache_on_page_markdown)

    def _render_cached(self, page: Page, render: Any, config: MkDocsConfig, files: Files) -> None:
        """`page.render` under `mkdocs serve`: a page whose Markdown, address, site files and
        Markdown settings are those of the last rebuild gets its HTML, table of contents and
        anchors back instead of being converted again. (Its link warnings were said then.)"""
        if self.files_signature is None or self.files_signature[0] != id(files):
            listing = "\n".join(f"{f.src_uri}\t{f.url}" for f in files)
            self.files_signature = (id(files), hashlib.blake2b(listing.encode(), digest_size=16).digest())
        assert page.markdown is not None
        about = (page.markdown, page.file.url, repr(config.markdown_extensions), repr(config.mdx_configs))
        key = hashlib.blake2b("\0".join(about).encode() + self.files_signature[1], digest_size=16).digest()
        hit = self.rendered.get(page.file.src_uri)
        if hit is not None and hit.key == key:
            _restore_render(page, hit, files)
            return
        render(config, files)
        links = page.links_to_anchors
        self.rendered[page.file.src_uri] = RenderedPage(
            key, page.content or "", page.toc, page._title_from_render, frozenset(page.present_anchor_ids or ()),
            None if links is None else {target.src_uri: dict(anchors) for target, anchors in links.items()},
        )

    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any | None:
        if self.search_due is not None and not self.search_due:
            self._start_search_early(config)
        # Material's <title> is `page.title | striptags`, which turns a heading's '&lt;/title&gt;'
        # back into markup; the same title given as `meta.title` is printed as it is, escaped.
        if "title" not in page.meta and page.title:
            page.meta["title"] = page.title
        return None

    # -- feeds: feeds/*.{xml,json}, their discovery tags, and mkdocs-rss-plugin's blog feed --------

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.serving:
            gc.unfreeze()  # the last build's site may go now
        self.built = self.building = None
        self.record_markdown, self.change_pages = {}, set()
        self._stop_prerender()
        self._stop_prebuild()
        self.part_pages, self.prerender_weights = {}, {}
        self.parts_renderer = None
        self.post_pages = {}
        self.post_paths = None
        self.history = None
        self.search_pages, self.search_due, self.search_started, self.handed = {}, None, False, None
        if not self.serving:
            self._stop_staging()  # (the last build's, if it failed)
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
        if not template_name.endswith(".html"):
            return None
        output = self._with_csp(output_content, template_name) or output_content
        return _with_feed_links(output, config) or output

    def _csp_on_post_build(self, *, config: MkDocsConfig) -> None:
        """site/csp.txt: the policy every page carries, for a server to send as a header."""
        if self.csp is not None:
            (Path(config.site_dir) / csp.FILE).write_text(self.csp + "\n", encoding="utf-8")

    @event_priority(-50)  # after mkdocs-rss-plugin (priority 0) has written its feeds
    def _feeds_on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._write_feeds(config):
            assert self.corpus is not None
            for plugin in _rss_plugins(config):
                self._repair_rss_plugin_feeds(plugin, config, build_datetime(self.corpus))

    def _write_feeds(self, config: MkDocsConfig) -> bool:
        """feeds/*.{xml,json}; False if there are none to write."""
        if self.corpus is None:
            return False
        if not config.site_url:
            log.warning("site_url is not set in mkdocs.yml: feeds need absolute links, so none were written")
            return False
        if self.history is None:
            self.history = read_history(self.corpus)
        site = Path(config.site_dir)
        try:  # each RSS feed is checked as it is written
            outputs = feeds.build_feeds(
                self.corpus, self.history, site_url=config.site_url, site_name=config.site_name,
                build_date=build_datetime(self.corpus), posts=self.post_pages, language=_language(config),
                urls=self.urls, memo=self.feeds_memo if self.serving else None,
            )
        except feeds.FeedError as exc:
            raise PluginError(str(exc)) from None
        for rel, data in outputs.items():
            target = site / rel
            if self.written_feeds.get(rel) is data and target.is_file():
                continue  # under `mkdocs serve`, a feed the last build wrote, unchanged
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            if self.serving:
                self.written_feeds[rel] = data
        # Material's script fetches a sitemap.xml beside each alternate link: answer with an
        # empty one rather than a 404 on every page view.
        (site / "feeds" / "sitemap.xml").write_bytes(EMPTY_SITEMAP)
        return True

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
        marked = None if attributes is None else search.mark_searchable(output, attributes)
        if marked is None:
            self.search_pages.pop(page.file.abs_dest_path, None)  # (a page rebuilt under `mkdocs serve`)
            if attributes is not None:
                log.warning(f"{page.file.src_uri}: no <article class=\"md-content__inner ...\"> in the page: it is left out of search (a template override without Material's article?)")
        else:
            self.search_pages[page.file.abs_dest_path] = None
        if self.search_due is not None:
            self.search_due.discard(page.file.abs_dest_path)
        return marked

    @event_priority(-100)  # last: the page as mkdocs writes it
    def _stage_on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> None:
        """`mkdocs build`: each searched page staged for Pagefind from what is written, cut to
        what Pagefind reads (`search.Staging.stage`), as soon as the file is there: at the next
        page, or when Pagefind starts."""
        if self.serving or not self.config.search_index:
            return
        self._stage_handed(config)
        if page.file.abs_dest_path in self.search_pages:
            self.handed = (page.file.abs_dest_path, output.encode("utf-8", errors="xmlcharrefreplace"))

    def _stage_handed(self, config: MkDocsConfig) -> None:
        if self.handed is None or not os.path.exists(self.handed[0]):
            return  # (none, or not written: an empty page)
        path, data = self.handed
        self.handed = None
        if self.staging is None:
            self.staging = search.Staging(Path(config.site_dir).resolve(), reduce=True)
        self.staging.stage(Path(path), data)

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
            # (a draft post is here only in `mkdocs serve`'s preview)
            return None if page.file.src_uri in self.draft_posts else search.kind_attributes("Post")
        return search.kind_attributes("Page")

    @event_priority(-100)  # last: every other plugin has written its pages
    def _search_on_post_build(self, *, config: MkDocsConfig) -> None:
        self._stop_prerender()
        self._finish_prebuild()
        if self.parts_renderer is not None:
            made = self.parts_renderer.converter
            log.debug(f"version pages here: {made.conversions} conversions, {made.reused} blocks reused, {self.parts_renderer.whole} converted whole")
        if self.indexing is None:
            return
        indexing, self.indexing = self.indexing, None
        try:
            report = indexing.finish()
        except search.SearchIndexError as exc:
            raise PluginError(f"search index: {exc}") from None
        finally:
            if not self.serving:
                self._stop_staging()
        log.info(f"Pagefind indexed {report.pages} pages in {report.seconds:.2f} s ({report.bytes // 1024} KiB in {search.INDEX_DIR}/)")

    @event_priority(-110)  # after every other plugin's post_build: the build is complete
    def _built_on_post_build(self, *, config: MkDocsConfig) -> None:
        self.built, self.building = self.building, None
        if self.serving:
            # The site lives on until the next whole build: kept out of the garbage collector's
            # full passes, which otherwise walk it in the middle of each update.
            gc.collect()
            gc.freeze()

    def _start_search_early(self, config: MkDocsConfig) -> None:
        """`mkdocs build` has written every page Pagefind reads, before the version and history
        pages it goes on with: Pagefind starts now, beside them, not after the last of them."""
        self.search_due = None
        self._start_search_on_post_build(config=config)
        self.search_started = True

    @event_priority(100)  # first: Pagefind indexes on its own core while the feeds are written
    def _start_search_on_post_build(self, *, config: MkDocsConfig) -> None:
        """The searched pages are all written (the worker's pages are never searched): Pagefind
        starts now, unless it started early, and `_search_on_post_build` waits for it."""
        if self.search_started:
            self.search_started = False
            return
        self._stop_indexing()
        if not self.config.search_index:
            return
        site = Path(config.site_dir).resolve()
        if self.serving:  # the searched pages' copies, kept from one rebuild to the next
            if self.staging is None or self.staging.site != site:
                self._stop_staging()
                self.staging = search.Staging(site, reduce=True)
        else:  # the searched pages handed over as they were written (`_stage_on_post_page`)
            self._stage_handed(config)
        staging = self.staging if self.staging is not None and self.staging.site == site else None
        try:
            self.indexing = search.Indexing(
                config.site_dir, pages=self.search_pages, staging=staging, renumber=not self.serving
            )
        except search.SearchIndexError as exc:
            raise PluginError(f"search index: {exc}") from None

    def _stop_staging(self) -> None:
        if self.staging is not None:
            self.staging.cleanup()
            self.staging = None

    def on_shutdown(self) -> None:
        self._stop_indexing()
        self._stop_staging()
        self._stop_watcher()

    def _stop_watcher(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None

    def _stop_indexing(self) -> None:
        if self.indexing is not None:
            self.indexing.stop()
            self.indexing = None

    on_post_page = CombinedEvent(
        _csp_on_post_page, _feed_links_on_post_page, _search_on_post_page, _stage_on_post_page
    )
    on_post_build = CombinedEvent(
        _start_search_on_post_build, _feeds_on_post_build, _csp_on_post_build, _search_on_post_build,
        _built_on_post_build,
    )


class _Laps:
    """How long each step took, said under `mkdocs serve --verbose`."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.laps: list[str] = []

    def lap(self, label: str) -> None:
        now = time.monotonic()
        self.laps.append(f"{label} {now - self.last:.2f} s")
        self.last = now

    def __str__(self) -> str:
        return ", ".join(self.laps)


def _made_from(
    src_uri: str, make: Callable[[], str], inclusion: InclusionLevel = InclusionLevel.UNDEFINED
) -> Generated:
    """A generated page made now (`_generate` makes some while a worker makes others)."""
    return Generated(src_uri, content=make(), inclusion=inclusion)


def _page_bases(files: Files, config: MkDocsConfig, *, serving: bool) -> frozenset[str]:
    """Every way from a page of the build to the site's root, as mkdocs gives templates their
    `base_url` (1.6): from each page's address, or the site's own path for an error page."""
    inclusion = InclusionLevel.is_in_serve if serving else InclusionLevel.is_included
    bases = {
        get_relative_url(".", "" if file.url in (".", "./") else file.url)
        for file in files.documentation_pages(inclusion=inclusion)
    }
    for name in [*config.theme.static_templates, *config.extra_templates]:
        if name.endswith(".html"):
            bases.add(urlsplit(config.site_url or "/").path if is_error_template(name) else get_relative_url(".", name))
    return frozenset(bases)


def _whole(reason: str) -> bool:
    log.info(f"Building the whole site: {reason}")
    return False


def _settings(plugin_config: HandbookConfig, config: MkDocsConfig) -> Settings:
    """The handbook's settings, after mkdocs.yml and .authors.yml are read again with bounds and
    checked as `handbook check` and `handbook build` check them (which read them before mkdocs)."""
    config_file = Path(config.config_file_path)
    try:
        source = read_config_file(config_file)
        markdown = (list(config.markdown_extensions), dict(config.mdx_configs or {}))
        settings = settings_from(
            plugin_config, config_file, config.docs_dir, config.site_url, source=source, markdown=markdown
        )
    except ConfigError as exc:
        problems: list[HandbookError | str] = [*exc.errors] or [str(exc)]
    else:
        problems = [*markup_problems(config_file.parent, source)]
        if not problems:
            return settings
    for problem in problems:
        log.error(str(problem))
    raise PluginError(f"{len(problems)} error(s) in the site's configuration: fix them and build again")


def _blog_events_in_blog_dir(config: MkDocsConfig) -> None:
    """Material's blog plugin asks of every page whether it is one of its posts or views with
    `page in posts`, which compares titles, each worked out from the Markdown again: time
    that grows with pages x posts (minutes at 10,000 records). Its page events are handed only
    the pages under its `blog_dir`, where all of its posts and views are."""
    for plugin in config.plugins.values():
        if type(plugin).__module__ != "material.plugins.blog.plugin":
            continue
        folder = posixpath.normpath(str(plugin.config.blog_dir).strip("/"))
        if folder in (".", ""):
            continue  # a blog at the site's root: every page may be one of its own
        for event in ("page_markdown", "page_content", "page_context"):
            methods = config.plugins.events[event]
            for index, method in enumerate(methods):
                if getattr(method, "__self__", None) is plugin:
                    methods[index] = wrapped = _only_under(folder + "/", method)
                    origins = config.plugins._event_origins  # the plugin's name in mkdocs' logs
                    origins[wrapped] = origins.get(method, "material/blog")


def _front_matter_read_once() -> None:
    """mkdocs parses each page's YAML front matter as it reads the page; most of a handbook's
    pages are generated with the same few lines (`search: {exclude: true}`), parsed 40,000
    times at 10,000 records. mkdocs' own `get_data` (1.6) now parses each front matter once:
    every page gets a copy of what it gave, so a page that changes its metadata changes its own."""
    get_data = mkdocs_meta.get_data
    if getattr(get_data, "read_once", False):
        return

    @functools.lru_cache(maxsize=64)  # (a record's front matter is its own: parsed, then dropped)
    def parsed(front_matter: str) -> tuple[bool, Any]:
        document = f"---\n{front_matter}---\n"
        rest, data = get_data(document)
        return rest != document, data  # (what it gives for YAML that is no mapping, or no YAML)

    @functools.wraps(get_data)
    def read_once(doc: str) -> tuple[str, dict[str, Any]]:
        found = mkdocs_meta.YAML_RE.match(doc)
        if found is None:
            return get_data(doc)
        stripped, data = parsed(found.group(1))
        return doc[found.end() :].lstrip("\n") if stripped else doc, copy.deepcopy(data)

    read_once.read_once = True  # type: ignore[attr-defined]
    mkdocs_meta.get_data = read_once


class _Posts(list):  # type: ignore[type-arg]
    """Material's list of blog posts, where `page in posts` compares the page only with the post
    of the same file: the blog plugin asks it of every post, and each comparison works out both
    titles from their Markdown again (time that grows with the square of the posts)."""

    def __init__(self, posts: Sequence[Any]) -> None:
        super().__init__(posts)
        self.indexed = -1
        self.by_file: dict[str, list[Any]] = {}

    def __contains__(self, page: object) -> bool:
        file = getattr(page, "file", None)
        if file is None:
            return super().__contains__(page)
        if self.indexed != len(self):  # (Material adds no post after `on_files`; if it did)
            self.by_file = {}
            for post in self:
                self.by_file.setdefault(post.file.src_uri, []).append(post)
            self.indexed = len(self)
        return any(post is page or post == page for post in self.by_file.get(file.src_uri, ()))


def _index_blog_posts(config: MkDocsConfig) -> None:
    for plugin in config.plugins.values():
        blog = getattr(plugin, "blog", None)
        posts = getattr(blog, "posts", None)
        if type(plugin).__module__ == "material.plugins.blog.plugin" and type(posts) is list:
            blog.posts = _Posts(posts)  # type: ignore[union-attr]


def _excerpts_converted_once(config: MkDocsConfig) -> None:
    """Material's blog (9.x) converts a post's whole Markdown again for every index, archive and
    category page that lists it, three or four times a post, where only the links, made relative
    to the listing page by its last two tree processors ("relpath", then "excerpt"), differ: each
    post's excerpt is converted once up to those (converted_once.py)."""
    for plugin in config.plugins.values():
        if type(plugin).__module__ != "material.plugins.blog.plugin":
            continue
        for post in getattr(getattr(plugin, "blog", None), "posts", None) or ():
            md = getattr(getattr(post, "excerpt", None), "md", None)
            if isinstance(md, markdown.Markdown) and "relpath" in md.treeprocessors:
                converted_once.install(md, "relpath")


def _only_under(prefix: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def event(item: Any = None, /, *, page: Page, **kwargs: Any) -> Any:
        return method(item, page=page, **kwargs) if page.file.src_uri.startswith(prefix) else None

    return event


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
    end = output.find("</head>")
    if end < 0:
        return None
    tags = _discovery_tags(config.site_name, config.site_url or "/")
    # Material links mkdocs-rss-plugin's feeds from the site's root, so its probe fetched the
    # whole sitemap.xml (8 MB at 10,000 records) on every page: `feeds/posts.*` announce the
    # same posts instead. Only the head is searched: the body is most of a page's bytes.
    return _MATERIAL_RSS_LINK.sub("", output[:end]) + tags + output[end:]


@functools.cache
def _discovery_tags(site_name: str, site_url: str) -> str:
    """The same tags for every page of a build: worked out once, not once per page."""
    base = urlsplit(site_url).path or "/"
    base = base if base.endswith("/") else base + "/"
    return feeds.discovery_tags(site_name, lambda path: base + path)


_MATERIAL_RSS_LINK = re.compile(r'[ \t]*<link rel="alternate" type="application/rss\+xml" [^>]*href="[^"]*feed_rss_(?:created|updated)\.xml">\n?')


def _restore_render(page: Page, rendered: Any, files: Files) -> None:
    """Give `page` the HTML, table of contents, title and anchors of an earlier conversion
    (a cached one under serve, or the forked worker's), as `page.render` would have set them."""
    page.content, page.toc, page._title_from_render = rendered.content, rendered.toc, rendered.title
    page.present_anchor_ids = set(rendered.anchors)
    if rendered.links_to_anchors is not None:
        page.links_to_anchors = {
            target: dict(links)
            for uri, links in rendered.links_to_anchors.items()
            if (target := files.get_file_from_path(uri)) is not None
        }
