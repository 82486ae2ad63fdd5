"""A build on two cores: generated pages converted (`Prerender`) and built (`Prebuild`) by forked
copies of the build while the build does the rest. Reaches into mkdocs' page internals and
stands in for its page builder during a build: verified on the versions in guard.py."""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from . import forking
from .parts import RenderedPage

log = get_plugin_logger(__name__)
# The loggers whose records a forked worker hands back, to be logged by the build (mkdocs
# counts warnings for `--strict` on its own logger).
WORKER_LOGGERS = ("", "mkdocs")
# How many pages a `Prerender` worker hands back at a time.
PRERENDER_PIECE = 1000


@dataclass(frozen=True)
class Prerendered:
    """A page converted by the `Prerender` worker, and what its conversion logged."""

    page: RenderedPage
    logs: tuple[logging.LogRecord, ...]


def _markdown_key(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode(), digest_size=16).digest()


class Prerender:
    """Generated pages (version and history pages are most of a handbook's) converted from
    Markdown to HTML by a forked copy of the build while the build converts the others. The
    worker hands its pages back in pieces as it goes, so that the build takes in the first
    while the worker converts the last. The build uses a page's result only if the Markdown it
    would convert is the very Markdown the worker converted, and logs then what the worker
    logged, so that `--strict` counts it as before."""

    def __init__(self, worker: forking.Streamed[dict[str, Prerendered]], wanted: frozenset[str]) -> None:
        self.worker, self.wanted = worker, wanted
        self.results: dict[str, Prerendered] = {}
        self.ended, self.waited = False, 0.0

    @classmethod
    def start(
        cls, config: MkDocsConfig, files: Files, candidates: Mapping[str, int], render: Callable[[Page], None]
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
                made = RenderedPage.of(page, _markdown_key(page.markdown))
                results[file.src_uri] = Prerendered(made, tuple(records[start:]))
                if len(results) == PRERENDER_PIECE:
                    put(results)
                    results = {}
            put(results)

        worker = forking.Streamed.start(convert, capture=WORKER_LOGGERS)
        return None if worker is None else cls(worker, frozenset(f.src_uri for f in chosen))

    def has(self, src_uri: str) -> bool:
        return src_uri in self.wanted

    def take(self, src_uri: str, markdown: str) -> RenderedPage | None:
        """The worker's conversion of the page, its logs replayed; None where the build must convert it."""
        while src_uri not in self.results and not self.ended:
            started = time.monotonic()
            piece = self.worker.next()
            self.waited += time.monotonic() - started
            if piece is None:
                self.ended = True
            else:
                self.results.update(piece)
        found = self.results.pop(src_uri, None)
        if found is None or found.page.key != _markdown_key(markdown):
            return None  # another plugin changed the page's Markdown, or the worker failed
        forking.replay(found.logs)
        return found.page

    def stop(self) -> None:
        self.worker.stop()
        log.debug(f"waited {self.waited:.2f} s for {len(self.wanted)} pages converted alongside")


class Prebuild:
    """Pages Pagefind does not read (version and history pages, mostly) built (template
    rendered, page written) in part by a forked copy of the build: the worker takes them from
    the back of the list, the build from the front as it comes to them, and they meet where
    their speeds make them meet (`forking.BothEnds`). While it runs, mkdocs' page builder
    (`mkdocs.commands.build._build_page`, which its build loop calls for each page) skips the
    worker's pages outright; at the end the build replays what the worker logged (so that
    `--strict` counts it), and builds itself the pages a worker that failed had taken."""

    def __init__(self, worker: forking.Forked[None], pages: list[Page], ends: forking.BothEnds) -> None:
        self.worker, self.pages, self.ends = worker, pages, ends
        self.index = {page.file.src_uri: number for number, page in enumerate(pages)}
        self.original: Callable[..., None] = mkdocs_build._build_page
        original = self.original

        @functools.wraps(original)
        def build_unless_taken(page: Page, *args: Any, **kwargs: Any) -> None:
            if self.builds_here(page):
                original(page, *args, **kwargs)

        mkdocs_build._build_page = build_unless_taken

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
        mkdocs_build._build_page = self.original
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
        mkdocs_build._build_page = self.original
        self.worker.stop()
