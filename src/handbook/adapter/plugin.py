"""The `handbook` mkdocs plugin: mkdocs' events, each handed to the build under way.

What the site is comes from `handbook.site` (`make_site`); how it meets mkdocs is the rest of
this package: a `Build` for `mkdocs build`, a `ServeBuild` for each of `mkdocs serve`'s whole
rebuilds, and a `SiteUpdate` for its updates after an edit to the records. What only makes
the build faster is `handbook.fast`, one switch for all of it (`shortcuts: false`).
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..fast.shortcuts import Shortcuts
from .build import Build
from .config import HandbookConfig
from .serve import ServeBuild, ServeState, serve_with
from .update import SiteUpdate


class HandbookPlugin(BasePlugin[HandbookConfig]):  # type: ignore[no-untyped-call]
    supports_multiple_instances = False

    def __init__(self) -> None:
        # What `mkdocs serve` keeps from one rebuild to the next; None under `mkdocs build`.
        self.state: ServeState | None = None
        self.build: Build | None = None

    @property
    def _build(self) -> Build:
        assert self.build is not None, "mkdocs called the handbook plugin before on_config"
        return self.build

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.state = ServeState() if command == "serve" else None
        if self.state is not None:
            self.state.stop_on_sigterm()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if self.build is not None:
            self.build.shortcuts.uninstall()  # (the last build's, had it ended without a word)
        if self.state is None:
            shortcuts = Shortcuts.choose(self.config.shortcuts, serving=False)
            self.build = Build(self.config, config, shortcuts)
        else:
            shortcuts = Shortcuts.choose(self.config.shortcuts, serving=True, caches=self.state.caches)
            self.build = ServeBuild(self.config, config, shortcuts, self.state)
        return self.build.on_config(config)

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer | None:
        state, build = self.state, self._build
        if state is None:
            return None
        if state.watcher is not None:
            state.watcher.stop()
        update = SiteUpdate(state) if build.shortcuts.on("serve-update") else None
        state.watcher = serve_with(server, builder, build.settings, update)
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self._build.on_pre_build(config)

    @event_priority(50)  # before Material's blog (-50): it never sees a draft post that is not shown
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        return self._build.on_files(files, config)

    @event_priority(-100)  # last: the files are final
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        self._build.on_nav(nav, config, files)
        return None

    def _markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        return self._build.on_page_markdown(markdown, page)

    @event_priority(-100)  # last: the Markdown that every plugin has had its say on
    def _conversion(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        self._build.shortcuts.on_page_markdown(page)
        return None

    on_page_markdown = CombinedEvent(_markdown, _conversion)

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        self._build.on_page_content(html, page, config)
        return None

    @event_priority(-100)  # last: the environment every plugin has set up
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any | None:
        return self._build.on_env(env, config, files)

    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any | None:
        self._build.on_page_context(page, config)
        return None

    def _page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        return self._build.on_post_page(output, page, config)

    @event_priority(-100)  # last: the page as mkdocs writes it
    def _written(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        self._build.on_post_page_written(output, page, config)
        return None

    on_post_page = CombinedEvent(_page, _written)

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str | None:
        return self._build.on_post_template(output_content, template_name, config)

    @event_priority(100)  # first: Pagefind indexes on its own core while the feeds are written
    def _start_search(self, *, config: MkDocsConfig) -> None:
        self._build.start_search(config)

    @event_priority(-50)  # after mkdocs-rss-plugin (priority 0) has written its feeds
    def _feeds(self, *, config: MkDocsConfig) -> None:
        self._build.write_feeds(config)

    def _csp(self, *, config: MkDocsConfig) -> None:
        self._build.write_csp(config)

    @event_priority(-100)  # last: every other plugin has written its pages
    def _finish(self, *, config: MkDocsConfig) -> None:
        self._build.finish()

    @event_priority(-110)  # after every other plugin's post_build: the build is complete
    def _done(self, *, config: MkDocsConfig) -> None:
        self._build.done()

    on_post_build = CombinedEvent(_start_search, _feeds, _csp, _finish, _done)

    def on_build_error(self, *, error: Exception) -> None:
        if self.build is not None:
            self.build.failed()

    def on_shutdown(self) -> None:
        if self.build is not None:
            self.build.failed()
            self.build.search.cleanup()
        if self.state is not None and self.state.watcher is not None:
            self.state.watcher.stop()
            self.state.watcher = None
        if self.state is not None:
            self.state.restore_sigterm()
