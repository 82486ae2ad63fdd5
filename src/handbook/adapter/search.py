"""Which pages Pagefind reads: marked in the HTML Material writes, staged for it apart from the
site, and indexed once the last of them is written (`handbook.search` runs Pagefind)."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page

from ..parallel import SERIAL, Parallel
from ..search.index import INDEX_DIR, Indexing, SearchIndexError, Staging
from ..site.build import Site
from ..site.html import kind_attributes

log = get_plugin_logger(__name__)
_ARTICLE = '<article class="md-content__inner md-typeset">'


def mark_searchable(page_html: str, attributes: str = "") -> str | None:
    """The page with `data-pagefind-body` (and `attributes`) on Material's content article, so
    that Pagefind indexes its text and nothing around it; None when the page has no such article."""
    if _ARTICLE not in page_html:
        return None
    marked = _ARTICLE[:-1] + f" data-pagefind-body{attributes}>"
    return page_html.replace(_ARTICLE, marked, 1)


class Search:
    """The searched pages of a build and Pagefind's run over them. `staged`: each searched page
    is staged for Pagefind as it is written, cut to what Pagefind reads (`mkdocs build`), or
    its copies are kept from one rebuild to the next (`kept`, `mkdocs serve`); else Pagefind
    reads links to the written pages. `renumber`: the index made the same on every machine."""

    def __init__(self, *, staged: bool, kept: bool, renumber: bool, parallel: Parallel = SERIAL) -> None:
        self.staged, self.kept, self.renumber, self.parallel = staged, kept, renumber, parallel
        self.staging: Staging | None = None
        self.indexing: Indexing | None = None
        self.reset()

    def reset(self) -> None:
        """A new build: no page searched yet (a kept staging stays)."""
        self.stop()
        if not self.kept:
            self.cleanup()
        # The built pages marked for search: Pagefind reads these alone. While pages are built
        # alongside (`expect`), those still to be written; Pagefind starts once there are none.
        self.pages: dict[str, None] = {}
        self.due: set[str] | None = None
        self.started = False
        # The searched page last handed over, staged once it is written.
        self.handed: tuple[str, bytes] | None = None

    def attributes(self, page: Page, site: Site, posts_dir: str) -> str | None:
        """The attributes that put a page in the search index, or None to leave it out: drafts,
        `search: {exclude: true}` pages (registers, reading lists, version and history pages)
        and the blog's index, archive and category pages (their posts are indexed themselves)."""
        wanted = page.meta.get("search")
        if isinstance(wanted, dict) and wanted.get("exclude"):
            return None
        if isinstance(getattr(page, "posts", None), list):
            return None
        record = site.records.get(page.file.src_uri)
        if record is not None:
            # The record's header block carries its kind, status, audience and owner.
            return "" if not getattr(record, "is_draft", False) else None
        if page.file.src_uri.startswith(posixpath.join(posts_dir, "")):
            # (a draft post is here only in `mkdocs serve`'s preview)
            return None if page.file.src_uri in site.draft_posts else " " + kind_attributes("Post")
        return " " + kind_attributes("Page")

    def mark(self, output: str, page: Page, attributes: str | None) -> str | None:
        marked = None if attributes is None else mark_searchable(output, attributes)
        if marked is None:
            self.pages.pop(page.file.abs_dest_path, None)  # (a page rebuilt under `mkdocs serve`)
            if attributes is not None:
                log.warning(
                    f'{page.file.src_uri}: no <article class="md-content__inner ..."> in the page: it is left '
                    "out of search (a template override without Material's article?)"
                )
        else:
            self.pages[page.file.abs_dest_path] = None
        if self.due is not None:
            self.due.discard(page.file.abs_dest_path)
        return marked

    def hand_over(self, output: str, page: Page, config: MkDocsConfig) -> None:
        """Each searched page staged from what is written, cut to what Pagefind reads, as soon
        as the file is there: at the next page, or when Pagefind starts."""
        if not self.staged:
            return
        self._stage_handed(config)
        if page.file.abs_dest_path in self.pages:
            self.handed = (page.file.abs_dest_path, output.encode("utf-8", errors="xmlcharrefreplace"))

    def _stage_handed(self, config: MkDocsConfig) -> None:
        if self.handed is None or not os.path.exists(self.handed[0]):
            return  # (none, or not written: an empty page)
        path, data = self.handed
        self.handed = None
        if self.staging is None:
            self.staging = Staging(Path(config.site_dir).resolve(), reduce=True)
        self.staging.stage(Path(path), data)

    def expect(self, searched: set[str]) -> None:
        """The searched pages still to be written: Pagefind starts once they all are."""
        self.due = set(searched)

    def start_if_due(self, config: MkDocsConfig) -> None:
        """Every page Pagefind reads is written, before the version and history pages the build
        goes on with: Pagefind starts now, beside them, not after the last of them."""
        if self.due is not None and not self.due:
            self.due = None
            self.start(config)
            self.started = True

    def start(self, config: MkDocsConfig) -> None:
        """The searched pages are all written (the worker's pages are never searched): Pagefind
        starts now, unless it started early, and `finish` waits for it."""
        if self.started:
            self.started = False
            return
        self.stop()
        site = Path(config.site_dir).resolve()
        if self.kept:  # the searched pages' copies, kept from one rebuild to the next
            if self.staging is None or self.staging.site != site:
                self.cleanup()
                self.staging = Staging(site, reduce=True)
        else:  # the searched pages handed over as they were written (`hand_over`)
            self._stage_handed(config)
        staging = self.staging if self.staging is not None and self.staging.site == site else None
        try:
            self.indexing = Indexing(
                config.site_dir, pages=self.pages, staging=staging, renumber=self.renumber, parallel=self.parallel
            )
        except SearchIndexError as exc:
            raise PluginError(f"search index: {exc}") from None

    def finish(self) -> None:
        if self.indexing is None:
            return
        indexing, self.indexing = self.indexing, None
        try:
            report = indexing.finish()
        except SearchIndexError as exc:
            raise PluginError(f"search index: {exc}") from None
        finally:
            if not self.kept:
                self.cleanup()
        log.info(
            f"Pagefind indexed {report.pages} pages in {report.seconds:.2f} s "
            f"({report.bytes // 1024} KiB in {INDEX_DIR}/)"
        )

    def stop(self) -> None:
        if self.indexing is not None:
            self.indexing.stop()
            self.indexing = None

    def cleanup(self) -> None:
        if self.staging is not None:
            self.staging.cleanup()
            self.staging = None
