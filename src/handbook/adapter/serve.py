"""`mkdocs serve`: its whole rebuilds (`ServeBuild`), the records watched beside the site's own
files, and its rebuilds fitted to the edit: after an edit to the records alone, only the pages
it changes are rebuilt (`update.SiteUpdate`); any other edit rebuilds the site whole.

Which files changed is worked out here, from a listing of the watched folders taken before
each build (mkdocs' watcher says only that something did). Reaches into mkdocs' live-reload
server (1.6: its rebuild condition, its watched paths, the script it adds to each page).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from watchdog import events
from watchdog.observers import Observer

from .. import acknowledgements
from ..fast.serving import nav_signature
from ..fast.shortcuts import ServeCaches, Shortcuts
from ..history import GitMemo, History, read_history
from ..loading import Corpus
from ..settings import Settings
from ..site import csp
from ..site.build import SiteMemo
from ..site.changes import CHANGES_MARKER
from .build import Build
from .config import HandbookConfig
from .search import Search

log = get_plugin_logger(__name__)

Listing = dict[str, tuple[int, int]]  # path: (modification time in ns, size)


@dataclass
class ServeState:
    """What `mkdocs serve` keeps from one rebuild to the next, for the next rebuild or update to reuse."""

    # Git's answers, and the pages and feeds made from them, by what they are made from.
    git: GitMemo = field(default_factory=GitMemo)
    site: SiteMemo = field(default_factory=SiteMemo)
    caches: ServeCaches = field(default_factory=ServeCaches)
    written_feeds: dict[str, bytes] = field(default_factory=dict)
    # The searched pages' copies for Pagefind, brought up to date rather than made again.
    search: Search | None = None
    # Why history is missing (no git, a shallow clone) is said once, not on every rebuild.
    history_noted: bool = False
    # The last complete build (None while a build runs, or after one failed): what an update starts from.
    built: ServeBuild | None = None
    watcher: Watcher | None = None
    # SIGTERM's handler before `stop_on_sigterm`, put back when serve ends (None: not replaced).
    sigterm: Any = None

    def stop_on_sigterm(self) -> None:
        """SIGTERM (`docker stop`, systemd, an editor's or a test's terminate()) stops serve as
        Ctrl-C does: the engine removes its temporary site (a whole built site) and the search
        its staging folder. Killed outright, serve left both in the temporary folder."""
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            self.sigterm = signal.signal(signal.SIGTERM, _interrupt)

    def restore_sigterm(self) -> None:
        if self.sigterm is not None:
            signal.signal(signal.SIGTERM, self.sigterm)
            self.sigterm = None


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # what the engine's serve stops on, cleaning up after itself


def listing(roots: Iterable[Path]) -> Listing:
    """Every file under `roots` (folders or files) with its modification time and size."""
    found: Listing = {}
    for root in roots:
        if root.is_file():
            stat = root.stat()
            found[str(root)] = (stat.st_mtime_ns, stat.st_size)
            continue
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:  # gone since the folder was read
                    continue
                found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def changed(before: Listing, after: Listing) -> set[Path]:
    """The files added, removed or modified between two listings."""
    return {Path(path) for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


class ServeBuild(Build):
    """One of `mkdocs serve`'s whole rebuilds: drafts shown to their editors (`draft_on_serve`),
    never to search; what the next rebuild can reuse kept in `state`."""

    serving = True

    def __init__(self, options: HandbookConfig, config: MkDocsConfig, shortcuts: Shortcuts, state: ServeState) -> None:
        self.state = state
        super().__init__(options, config, shortcuts)
        # The pages that list recent changes: every update rebuilds them.
        self.change_pages: set[str] = set()
        self.nav_titles = ""

    def _search(self) -> Search:
        if self.state.search is None:
            kept = self.shortcuts.on("search-staging")
            self.state.search = Search(staged=False, kept=kept, renumber=False, parallel=self.shortcuts.parallel)
        return self.state.search

    def _say_about_the_blog(self, config: MkDocsConfig) -> None:
        pass

    def on_pre_build(self, config: MkDocsConfig) -> None:
        self.state.built = None
        super().on_pre_build(config)

    def _read_history(self, corpus: Corpus) -> History:
        # Not the disk cache: with the memo, a rebuild would ask it only for new texts, and drop the rest.
        history = read_history(corpus, memo=self.state.git)
        if history.note and not self.state.history_noted:
            log.info(history.note)  # said once, not on every rebuild
            self.state.history_noted = True
        return history

    def _show_drafts(self) -> bool:
        return bool(self.options.draft_on_serve)

    def _memo(self) -> Any:
        return self.state.site

    def _keep_draft_posts_out(self, files: Files, drafts: frozenset[str]) -> None:
        if not self.options.draft_on_serve:  # (shown as Material's blog shows them, never searched)
            super()._keep_draft_posts_out(files, drafts)

    def on_page_markdown(self, markdown: str, page: Page) -> str | None:
        if CHANGES_MARKER in markdown:
            self.change_pages.add(page.file.src_uri)
        return super().on_page_markdown(markdown, page)

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        env = super().on_env(env, config, files)
        self.nav_titles = nav_signature(self.nav.items)
        return env

    def _build_alongside(self, env: Any, config: MkDocsConfig, files: Files) -> None:
        pass  # (one process: a server runs beside the build)

    def _written_feeds(self) -> dict[str, bytes] | None:
        return self.state.written_feeds

    def done(self) -> None:
        super().done()
        self.state.built = self

    def failed(self) -> None:
        self.state.built = None
        self.shortcuts.uninstall()
        self.search.stop()


class Rebuilder:
    """The builder `mkdocs serve` calls after a change: `update(changed)` when every changed
    file is under `narrow` (it returns False where the edit needs the whole site built), else
    mkdocs' own `build`."""

    def __init__(
        self,
        build: Callable[..., None],
        update: Callable[[set[Path]], bool],
        *,
        roots: Callable[[], list[Path]],
        narrow: list[Path],
    ) -> None:
        self.build, self.update, self.roots, self.narrow = build, update, roots, narrow
        self.last: Listing | None = listing(roots())

    def __call__(self, config: Any = None) -> None:
        now = listing(self.roots())
        edited = None if self.last is None else changed(self.last, now)
        if config is None and edited and all(self._narrow(path) for path in edited):
            try:
                if self.update(edited):
                    self.last = now
                    return
            except Exception as exc:  # the site may be half updated: build it whole
                failure = f"{type(exc).__name__}: {exc}"
                log.warning(f"updating the site in place failed ({failure}): building it whole", exc_info=True)
        self.last = None  # until a build succeeds, the next change rebuilds everything
        if config is None:
            self.build()
        else:
            self.build(config)
        self.last = now

    def _narrow(self, path: Path) -> bool:
        return any(path.is_relative_to(folder) for folder in self.narrow)


class Watcher:
    """Folders watched with the operating system's file events (inotify on Linux, FSEvents on
    macOS) rather than by listing them every half second as mkdocs does: `wake` is called as
    soon as a file in them is written, created, moved or deleted. Reading a file (as every
    rebuild does) is not a change."""

    CHANGES = frozenset({
        events.EVENT_TYPE_CREATED, events.EVENT_TYPE_MODIFIED, events.EVENT_TYPE_DELETED,
        events.EVENT_TYPE_MOVED, events.EVENT_TYPE_CLOSED, events.EVENT_TYPE_ATTRIB,
    })  # fmt: skip

    def __init__(self, folders: Iterable[Path], wake: Callable[[], None]) -> None:
        self.folders, self.wake = list(folders), wake
        self.observer: Any = None

    def start(self) -> bool:
        """False where the system has no such events to give (mkdocs' polling is then used)."""
        watcher = self

        class Handler(events.FileSystemEventHandler):
            def on_any_event(self, event: events.FileSystemEvent) -> None:
                if not event.is_directory and event.event_type in watcher.CHANGES:
                    watcher.wake()

        try:
            observer = Observer()
            observer.daemon = True
            for folder in self.folders:
                observer.schedule(Handler(), str(folder), recursive=True)
            observer.start()
        except Exception as exc:  # no inotify instances left, an unsupported file system...
            log.debug(f"no file events ({type(exc).__name__}: {exc}): watching by listing instead")
            return False
        self.observer = observer
        return True

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer = None


def serve_with(
    server: Any, builder: Callable[..., None], settings: Settings, update: Callable[[set[Path]], bool] | None
) -> Watcher | None:
    """`server` watching the records too, and, with `update`, rebuilding only what an edit to
    them changes; the watcher that sees their edits at once (None: mkdocs' own polling)."""
    kept = (settings.policies_dir, settings.decisions_dir, settings.feedback.feedback_dir, acknowledgements.FOLDER)
    records = [settings.path(f) for f in kept]
    folders = [path for path in records if path.is_dir()]
    watcher: Watcher | None = None
    if update is not None:

        def wake() -> None:  # what mkdocs' own watcher does on a change (1.6)
            with server._rebuild_cond:
                server._want_rebuild = True
                server._rebuild_cond.notify_all()

        # The records change most: their edits are seen at once, not at mkdocs' next poll.
        watcher = Watcher(folders, wake)
        if not watcher.start():
            watcher = None
        else:  # (mkdocs' own line names only the folders its watcher has)
            names = ", ".join(f"'{_shown(path, settings)}'" for path in folders)
            log.info(f"Watching the records for changes: {names}")
    if watcher is None:
        for path in folders:
            server.watch(str(path))
    if update is not None:

        def watched() -> list[Path]:  # what mkdocs' watcher watches (1.6), and the records
            return list(dict.fromkeys([*(Path(path) for path in server._watched_paths), *folders]))

        # An edit to the records rebuilds what it changes, any other the whole site.
        server.builder = Rebuilder(builder, update, roots=watched, narrow=records)
    # mkdocs' live reload adds an inline script, another on each request, to every page it
    # serves (1.6): the policy of the page served (not of the file) allows that one too.
    inject = getattr(server, "_inject_js_into_html", None)
    if inject is not None:

        def inject_allowed(content: bytes, epoch: int) -> bytes:
            served: bytes = inject(content, epoch)
            return csp.with_added_script_allowed(content, served)

        server._inject_js_into_html = inject_allowed
    return watcher


def _shown(path: Path, settings: Settings) -> str:
    """`path` as the serve log names a folder: from the handbook's folder, where it is inside."""
    try:
        return path.relative_to(settings.root).as_posix()
    except ValueError:
        return str(path)
