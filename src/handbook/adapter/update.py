"""`mkdocs serve` after an edit to the records: the site made again (`make_site`), and only the pages
whose file it changes rebuilt, with mkdocs' own page steps, into the last build's site; then
the feeds and the search index. Anything it cannot follow (a bad record, a page gone, a new
page the navigation may list, a title in the navigation) builds the site whole instead."""

from __future__ import annotations

import time
from pathlib import Path

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page

from ..fast.serving import nav_signature
from ..site.paths import parent_page
from .build import TEMPLATES
from .csp import page_bases
from .files import changed, file_of, in_build_order, pages_of, set_content
from .navigation import place_pages
from .serve import ServeBuild, ServeState

log = get_plugin_logger(__name__)


class SiteUpdate:
    """Called by the rebuilder with the files an edit to the records changed; True if it
    updated the last build's site, False where the site must be built whole."""

    def __init__(self, state: ServeState) -> None:
        self.state = state

    def __call__(self, edited: set[Path]) -> bool:
        build = self.state.built
        try:
            if build is None or build.site is None:
                return _whole("the last build did not finish")
            self.state.built = None  # until this update is complete
            build.shortcuts.install(build.config, templates_after=str(TEMPLATES))
            try:
                updated = self._update(build, edited)
            finally:
                build.shortcuts.uninstall()
            if updated:
                self.state.built = build
            return updated
        finally:
            if self.state.built is None and build is not None:  # not updated: nothing may write into the site
                build.search.stop()

    def _update(self, build: ServeBuild, edited: set[Path]) -> bool:
        started, laps = time.monotonic(), _Laps()
        config, files, nav, env, old = build.config, build.files, build.nav, build.env, build.site
        assert files is not None and old is not None
        if not build.load(report=False):
            return _whole("a record has errors")  # said by the whole build
        laps.lap("records read")
        # mkdocs' own steps for a page (1.6): read and convert, then render and write.
        from mkdocs.commands.build import _build_page, _build_theme_template, _populate_page

        def rebuild_pages(rebuild: list[File]) -> None:
            for file in rebuild:
                _populate_page(file.page or Page(None, file, config), config, files)
            place_pages(nav, files, [file.src_uri for file in rebuild])  # (a new page's breadcrumbs)
            doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
            for file in rebuild:
                assert file.page is not None
                _build_page(file.page, config, doc_files, nav, env)

        search = build.search
        was_searched = set(search.pages)

        def searched(rebuild: list[File]) -> bool:  # in the search index before or after
            return any(f.abs_dest_path in was_searched or f.abs_dest_path in search.pages for f in rebuild)

        site = build.site = build.make(old.authored)
        # The searched pages an edit changes are records and the pages listing recent changes:
        # built first, so that Pagefind can start on them while the rest is made. That guesses
        # the edit adds no file, to which their links could go; if it does, they are built again.
        early: list[File] | None = None
        if site.records.keys() == old.records.keys():
            # The edited records first, then those whose pages the edit changed (a title shown).
            paths = {build.settings.path(record.path): uri for uri, record in site.records.items()}
            mine = [uri for path in sorted(edited) if (uri := paths.get(path)) is not None]
            early = self._restated(build, [*mine, *sorted(build.change_pages)])
            rebuild_pages(early)
            if searched(early):
                build.start_search(config)
            laps.lap(f"{len(early)} edited pages built")
            more = self._restated(
                build, [u for u in changed(old.record_pages, site.record_pages, site.records) if u not in mine]
            )
            rebuild_pages(more)
            if searched(more):
                build.start_search(config)  # again, with these pages too
            early += more
            laps.lap(f"{len(more)} pages restated")
        made = site.files
        build.shortcuts.on_files(made)
        if gone := old.files.keys() - made.keys():
            return _whole(f"{min(gone)} is gone")
        rebuild, added = [], False
        for src_uri, item in made.items():
            before = old.files.get(src_uri)
            if before is not None and (before == item or src_uri in site.records):
                continue  # (a record page was rebuilt above, or is below, when it changed)
            if before is None:
                if not item.hidden and src_uri.endswith(".md"):
                    return _whole(f"{src_uri} is new, and the navigation may list it")
                file = file_of(item, config, build.settings)
                files.append(file)
                added = True
            elif (found := files.get_file_from_path(src_uri)) is not None:
                file = found
                set_content(file, item, build.settings)
            else:
                return _whole(f"{src_uri} is an author's file now")
            if file.is_documentation_page():
                rebuild.append(file)
            else:
                build.csp.static_page(file, item)
                file.copy_file()
        if added:
            build.shortcuts.caches.rendered.forget_files()  # links now resolve against more files
            if page_bases(files, config, InclusionLevel.is_in_serve) != build.csp.bases:
                return _whole("a page at a new depth changes the Content-Security-Policy")
        if early is None:
            records = changed(old.record_pages, site.record_pages, site.records.keys() & old.records.keys())
            rebuild += self._restated(build, [*sorted(records), *sorted(build.change_pages)])
        elif added:
            rebuild += early  # their links may go to the new files
        # A record's new title shows in the breadcrumbs of the pages under it (versions, history).
        both = site.records.keys() & old.records.keys()
        retitled = {uri for uri in both if site.record_pages[uri].meta != old.record_pages[uri].meta}
        if retitled:
            rebuild += pages_of(files, [u for u in made if u.endswith(".md") and parent_page(u) in retitled])
        rebuild = list(dict.fromkeys(rebuild))
        laps.lap("files made")
        rebuild_pages(rebuild)
        rebuilt = list(dict.fromkeys((early or []) + rebuild))
        if nav_signature(nav.items) != build.nav_titles:
            search.stop()
            return _whole("a title in the navigation changed")  # every page shows it
        for file in rebuilt:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        if added:  # the sitemap lists pages in the order a whole build adds them
            _build_theme_template("sitemap.xml", env, in_build_order(files, made), config, nav)
        laps.lap(f"{len(rebuild)} pages built")
        if searched(rebuild):  # (started again if it had started on the early pages)
            build.start_search(config)
            laps.lap("search started")
        build.write_feeds(config)
        laps.lap("feeds written")
        build.finish()
        laps.lap("search indexed")
        total = len(files.documentation_pages(inclusion=InclusionLevel.is_in_serve))
        log.info(f"Rebuilt {len(rebuilt)} of {total} pages for the edit in {time.monotonic() - started:.2f} s")
        log.debug(f"the update took: {laps}")
        return True

    @staticmethod
    def _restated(build: ServeBuild, uris: list[str]) -> list[File]:
        """The files of these pages, each holding what the site now says."""
        assert build.files is not None and build.site is not None
        files = pages_of(build.files, list(dict.fromkeys(uris)))
        for file in files:
            if file.src_uri in build.site.records:
                item = build.site.record_page(file.src_uri)
                set_content(file, item, build.settings)
                build.shortcuts.on_files({file.src_uri: item})  # (converted from its new parts)
        return files


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


def _whole(reason: str) -> bool:
    log.info(f"Building the whole site: {reason}")
    return False
