"""Every shortcut, behind one switch, each installed and removed here alone.

`handbook: {shortcuts: false}` in mkdocs.yml, or `HANDBOOK_SHORTCUTS=off`, turns them all off;
a shortcut that reaches into a package installed in a version it was not verified on
(guard.py) stays off, and the build says so in one INFO line. Off or on, the site is the same
to the byte (`tests/test_fast_build.py`); after a build, and after a failed one, no function,
class or template directory of another package is left replaced (`uninstall`).
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..parallel import SERIAL, Parallel
from ..site import diffing
from ..site.build import SiteFile
from ..site.pageparts import PageParts
from . import guard, partials
from .blog import BlogShortcuts
from .fast_passes import FastPassesExtension
from .frontmatter import FrontMatterOnce
from .parts import PartsRenderer, restore_render
from .prerender import Prebuild, Prerender
from .serving import CachedTemplates, RenderCache
from .workers import FORKED

log = get_plugin_logger(__name__)
SWITCH = "HANDBOOK_SHORTCUTS"
# Material partials rendered once for many pages (partials.py): after the adapter's templates.
TEMPLATES = Path(__file__).parent / "templates"
# The folders of Material's own files that its shared blocks link to (style sheets, scripts,
# the search worker, the favicon).
MATERIAL_ASSET_DIRS = ["assets/stylesheets/", "assets/javascripts/workers/", "assets/images/"]
# How many times cheaper, per byte of Markdown, a page of parts is to convert than another page.
PARTS_PAGE_COST = 2


@dataclass(frozen=True)
class Shortcut:
    name: str
    what: str
    touches: tuple[str, ...] = ()  # the packages whose internals it reaches into (guard.py)


SHORTCUTS = (
    Shortcut("blocks", "pages of parts converted block by block", (guard.ENGINE, guard.MARKDOWN)),
    Shortcut("fast-passes", "Markdown patterns skipped where they cannot match", (guard.MARKDOWN,)),
    Shortcut("front-matter", "front matter parsed once per text", (guard.ENGINE,)),
    Shortcut("prerender", "generated pages converted by a forked worker", (guard.ENGINE,)),
    Shortcut("prebuild", "pages search does not read built by a forked worker", (guard.ENGINE,)),
    Shortcut("partials", "Material's partials rendered once per folder", (guard.MATERIAL,)),
    Shortcut(
        "blog",
        "Material's blog: its pages only, posts by file, excerpts converted once",
        (guard.ENGINE, guard.MATERIAL, guard.MARKDOWN),
    ),  # fmt: skip
    Shortcut("search-staging", "searched pages staged for Pagefind as written", (guard.PAGEFIND, guard.MATERIAL)),
    Shortcut(
        "serve-cache", "serve: pages converted and rendered again only when changed", (guard.ENGINE, guard.MATERIAL)
    ),  # fmt: skip
    Shortcut("serve-update", "serve: an edit to the records rebuilds only what it changes", (guard.ENGINE,)),
    Shortcut("workers", "version pages, feeds and the search index shared with a second core"),
    Shortcut("diffs", "diffs matched by cydifflib, CPython's difflib compiled"),
    Shortcut("gc", "the garbage collector kept out of what lives to the end of the build"),
)


@dataclass
class ServeCaches:
    """What the serve shortcuts keep from one rebuild to the next."""

    rendered: RenderCache = field(default_factory=RenderCache)
    templated: dict[str, tuple[bytes, str]] = field(default_factory=dict)


def switched_off(option: bool, environ: Mapping[str, str] = os.environ) -> bool:
    return not option or environ.get(SWITCH, "").strip().lower() in ("off", "0", "false", "no")


class Shortcuts:
    """The shortcuts on for one build (or one `mkdocs serve` session), and their state."""

    def __init__(self, on: frozenset[str], *, serving: bool, caches: ServeCaches | None = None) -> None:
        self.enabled, self.serving, self.caches = on, serving, caches or ServeCaches()
        self.front_matter, self.blog = FrontMatterOnce(), BlogShortcuts()
        self.installed: list[Callable[[], None]] = []  # how to take back what `install` put in
        self.parts: dict[str, PageParts] = {}
        self.weights: dict[str, int] = {}
        self.renderer: PartsRenderer | None = None
        self.prerender: Prerender | None = None
        self.prebuild: Prebuild | None = None
        self.build_page: Callable[[Page], None] | None = None

    @classmethod
    def choose(cls, option: bool, *, serving: bool, caches: ServeCaches | None = None) -> Shortcuts:
        """The shortcuts on: none if switched off; else those verified on what is installed."""
        if switched_off(option):
            return cls(frozenset(), serving=serving, caches=caches)
        unverified = guard.unverified({package for s in SHORTCUTS for package in s.touches})
        off = [s.name for s in SHORTCUTS if any(package in unverified for package in s.touches)]
        if off:
            found = ", ".join(f"{package} {version}" for package, version in sorted(unverified.items()))
            log.info(f"shortcuts off ({', '.join(off)}): not verified on {found}; the site is the same, built slower")
        return cls(frozenset(s.name for s in SHORTCUTS if s.name not in off), serving=serving, caches=caches)

    def on(self, name: str) -> bool:
        return name in self.enabled

    @property
    def parallel(self) -> Parallel:
        return FORKED if self.on("workers") else SERIAL

    # -- installed for a build (or an update under serve), and removed after it ------------------
    def install(self, config: MkDocsConfig, *, templates_after: str) -> None:
        """Put in what the shortcuts replace: Markdown's passes, mkdocs' front matter reader, the
        theme's partials (in `config.theme.dirs` after `templates_after`), the blog's events."""
        self.uninstall()
        if self.on("fast-passes") and not any(isinstance(e, FastPassesExtension) for e in config.markdown_extensions):
            extension = FastPassesExtension()
            config.markdown_extensions.append(extension)  # type: ignore[arg-type]  # (an object is one too)
            self.installed.append(functools.partial(_remove, config.markdown_extensions, extension))
        if self.on("front-matter"):
            self.front_matter.install()
            self.installed.append(self.front_matter.uninstall)
        dirs = config.theme.dirs
        if self.on("partials") and str(TEMPLATES) not in dirs:
            dirs.insert(dirs.index(templates_after) + 1 if templates_after in dirs else 0, str(TEMPLATES))
            self.installed.append(functools.partial(_remove, dirs, str(TEMPLATES)))
        if self.on("blog"):
            self.blog.events_in_blog_dir(config)
            self.installed.append(self.blog.uninstall)
        if self.on("diffs"):
            import cydifflib  # type: ignore[import-untyped]

            matcher, diffing.MATCHER = diffing.MATCHER, cydifflib.SequenceMatcher
            self.installed.append(functools.partial(setattr, diffing, "MATCHER", matcher))

    def uninstall(self) -> None:
        """Every replaced function, class, list entry and template directory back as it was, and
        any worker stopped."""
        self.stop()
        while self.installed:
            self.installed.pop()()

    def stop(self) -> None:
        if self.prerender is not None:
            self.prerender.stop()
            self.prerender = None
        if self.prebuild is not None:
            self.prebuild.stop()
            self.prebuild = None
        self.build_page = None

    # -- one build's page events ------------------------------------------------------------
    def before_build(self) -> None:
        self.stop()
        self.parts, self.weights, self.renderer = {}, {}, None
        if self.serving:
            gc.unfreeze()  # the last build's site may go now

    def on_files(self, made: Mapping[str, SiteFile]) -> None:
        """The site's pages: those made of parts, and what converting each takes (for `Prerender`)."""
        for src_uri, item in made.items():
            if item.parts is not None and self.on("blocks"):
                self.parts[src_uri] = item.parts
            # A record page is converted by the build, as it reads it.
            if item.content is not None and src_uri.endswith(".md") and item.record is None:
                self.weights[src_uri] = len(item.content) // (PARTS_PAGE_COST if item.parts else 1)

    def on_nav(self, config: MkDocsConfig, files: Files) -> None:
        self.stop()
        if self.on("blog"):
            self.blog.index_posts(config)
        if not self.serving:
            # Everything loaded so far (the corpus, its history, every page and file) lives to
            # the end of the build: out of the garbage collector's way, whose full passes
            # otherwise walk it again and again; and shared with forked workers, not copied.
            self._freeze()
        if not self.serving and self.on("prerender") and self.weights:

            def convert(page: Page) -> None:
                parts = self.parts.get(page.file.src_uri)
                if parts is None:
                    page.render(config, files)
                else:
                    self._render_parts(page, page.render, parts, config, files)

            self.prerender = Prerender.start(config, files, self.weights, convert)

    def on_page_markdown(self, page: Page) -> None:
        """How this page is converted: in parts, from the worker's conversion, or from the last rebuild's."""
        uri, render = page.file.src_uri, page.render
        if (parts := self.parts.get(uri)) is not None:
            render = functools.partial(self._render_parts, page, render, parts)
        if self.serving and self.on("serve-cache"):
            render = functools.partial(self.caches.rendered.render, page, render)
        elif self.prerender is not None and self.prerender.has(uri):
            render = functools.partial(self._render_prerendered, page, render)
        if isinstance(render, functools.partial):
            page.render = render  # type: ignore[method-assign]

    def _render_parts(self, page: Page, render: Any, parts: PageParts, config: MkDocsConfig, files: Files) -> None:
        """`page.render` for a page made of parts: frame and texts converted apart, its own HTML
        placed as it is."""
        if page.markdown != parts.body().lstrip("\n"):  # another plugin changed the page
            render(config, files)
            return
        if self.renderer is None:
            self.renderer = PartsRenderer(config, files)
        done = self.renderer.render(page, parts)
        if done is None:
            render(config, files)
        else:
            restore_render(page, done, files)

    def _render_prerendered(self, page: Page, render: Any, config: MkDocsConfig, files: Files) -> None:
        assert self.prerender is not None and page.markdown is not None
        done = self.prerender.take(page.file.src_uri, page.markdown)
        if done is None:
            render(config, files)
        else:
            restore_render(page, done, files)

    def share_partials(self, env: Any, config: MkDocsConfig, nav: Any, placed: frozenset[str] = frozenset()) -> None:
        """Material's navigation, tabs, script settings, style sheets, scripts, footer and the
        header around the page's title, rendered once per folder for the pages outside the nav,
        most of a handbook's pages (partials.py, and the templates that call `hb_shared`); its
        strings once per key, and each table of contents once (`hb_t`, `hb_once`)."""
        if not self.on("partials"):
            return
        dirs = list(config.theme.dirs)
        after = dirs[dirs.index(str(TEMPLATES)) + 1 :] if str(TEMPLATES) in dirs else dirs
        env.loader = partials.next_loader(env.loader, after)
        # Every address those blocks link to besides the nav's: a page in one of their folders
        # has links of its own. (`extra` is a mapping; a script may be a path with options.)
        targets = [config.extra.get("homepage"), config.theme.get("logo"), config.theme.get("favicon")]
        targets += [*config.extra_css, *(getattr(script, "path", script) for script in config.extra_javascript)]
        targets += MATERIAL_ASSET_DIRS
        env.globals["hb_shared"] = partials.Shared(nav, [str(t) for t in targets if isinstance(t, str)], placed)
        env.globals.update(hb_t=partials.Translations(env), hb_once=partials.Once(), hb_toc_key=partials.toc_key)

    def stop_prerender(self) -> None:
        if self.prerender is not None:
            self.prerender.stop()
            self.prerender = None

    def on_env(self, env: Any, config: MkDocsConfig, nav: Any) -> Any:
        if self.on("blog"):
            self.blog.excerpts_converted_once(config)
        if self.serving:
            return CachedTemplates.around(env, config, self.caches.templated, nav) if self.on("serve-cache") else env
        # Every page is converted, and lives to the end of the build: frozen as in `on_nav`.
        self._freeze()
        return env

    def build_alongside(self, config: MkDocsConfig, files: Files, nav: Any, env: Any, searched: set[str]) -> bool:
        """Every page is converted now: a worker builds the generated pages search does not
        read (version and history pages, mostly) from the back of the list while the build
        builds every page from the front, these too until it meets the worker (`Prebuild`).
        True if the worker started."""
        if self.serving or not self.on("prebuild"):
            return False
        included = files.documentation_pages(inclusion=InclusionLevel.is_included)
        pages = [f.page for f in included if f.page is not None]
        chosen = [p for p in pages if p.file.src_uri in self.weights and p.file.abs_dest_path not in searched]
        if not chosen:
            return False
        doc_files = [page.file for page in pages]
        from mkdocs.commands.build import _build_page  # mkdocs' own page builder, not the stand-in

        def build(page: Page) -> None:
            _build_page(page, config, doc_files, nav, env)

        self.prebuild = Prebuild.start(chosen, build)
        self.build_page = build if self.prebuild is not None else None
        return self.prebuild is not None

    def finish(self) -> None:
        """Every page is built: the workers' pages are in, their logs said."""
        self.stop_prerender()
        if self.prebuild is not None:
            prebuild, self.prebuild = self.prebuild, None
            assert self.build_page is not None
            prebuild.finish(self.build_page)
        self.build_page = None
        if self.renderer is not None:
            log.debug(f"version pages here: {self.renderer.said()}")

    def after_build(self) -> None:
        """Under serve, the site lives on until the next whole build: out of the garbage
        collector's full passes, which otherwise walk it in the middle of each update."""
        if self.serving:
            self._freeze()

    def _freeze(self) -> None:
        if self.on("gc"):
            gc.collect()
            gc.freeze()


def _remove(items: list[Any], item: Any) -> None:
    if item in items:
        items.remove(item)
