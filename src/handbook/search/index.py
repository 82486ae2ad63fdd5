"""Pagefind indexing: the full-text index written into the built site, from the searched pages.

A page is indexed only where its HTML carries `data-pagefind-body` (the adapter marks the pages
that should be found); records carry `data-pagefind-filter`/`-meta` attributes in their header
block (`handbook.site.records`): filters `kind`, `status`, `audience`, `owner` for readers, and
`standing` (current or archived), with which the site's search.js lists what is no longer in
force last. A browser downloads only the index chunks a query needs.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..parallel import SERIAL, Parallel
from .canonical import FRAGMENT_SIGNATURE, SearchIndexError, canonicalise

__all__ = ["INDEX_DIR", "Indexing", "SearchIndexError", "Staging", "index_site", "indexed_documents", "indexed_pages"]

INDEX_DIR = "pagefind"
# Pagefind's own UIs and helpers: the handbook has its own search box in Material's header and
# these are never requested, so the built site does not ship them.
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
# Inside an indexed page, what is not text to find: heading permalinks (¶), the edit button,
# and the links and dated status list that record pages add about their history.
EXCLUDE_SELECTORS = (".headerlink", ".md-content__button", ".hb-history-link", ".hb-timeline-box", ".hb-version-nav")


@dataclass(frozen=True)
class IndexReport:
    """What one indexing run did."""

    pages: int
    folder: Path
    seconds: float
    bytes: int


def index_site(
    site_dir: str | Path, *, output: str = INDEX_DIR, pages: Iterable[str | Path] | None = None
) -> IndexReport:
    """Index the HTML under `site_dir` into `site_dir/output`, replacing any index there.

    `pages`, when given, are the only files with `data-pagefind-body` (paths under `site_dir`):
    Pagefind then reads those alone, not the thousands of version pages it would skip anyway.
    """
    return Indexing(site_dir, output=output, pages=pages).finish()


class Indexing:
    """Pagefind indexing the site in its own process: started once the searched pages are
    written, so that the build can go on (writing feeds) while it runs; `finish` waits."""

    def __init__(
        self,
        site_dir: str | Path,
        *,
        output: str = INDEX_DIR,
        pages: Iterable[str | Path] | None = None,
        staging: Staging | None = None,
        renumber: bool = True,
        parallel: Parallel = SERIAL,
    ) -> None:
        """`staging`: a folder kept by the caller for `pages` (see `Staging`); else one of its own.
        `renumber`: see `canonicalise`; `parallel` may index and renumber beside the caller."""
        self.renumber, self.parallel = renumber, parallel
        self.site = Path(site_dir).resolve()
        self.folder = self.site / output
        self.started = time.monotonic()
        if self.folder.exists():
            # Old chunks would otherwise pile up under `mkdocs serve`, which rebuilds in place.
            shutil.rmtree(self.folder)
        # Without `pages` Pagefind reads the site itself: nothing is staged.
        self.own_staging = staging is None and pages is not None
        self.staging = Staging(self.site) if self.own_staging else staging
        self.process: subprocess.Popen[str] | None = None
        try:
            source = self.site if pages is None or self.staging is None else self.staging.update(pages)
            command = [str(pagefind_binary()), "--site", str(source), "--output-path", str(self.folder), "--silent"]
            for selector in EXCLUDE_SELECTORS:
                command += ["--exclude-selectors", selector]
            # The command line, not the package's service API: the service may still be writing
            # files when it answers, and closing it then leaves them cut short. Renumbering the
            # pages takes seconds on a large index: a worker may run Pagefind and then
            # `canonicalise`, while the build goes on.
            self.worker = parallel.aside(lambda: self._index(command)) if renumber else None
            if self.worker is None:
                self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except BaseException:
            self._clean()
            raise

    def _index(self, command: list[str]) -> str:
        """Pagefind, then its index made canonical: what went wrong, or nothing ("")."""
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        return self._check(done.returncode, done.stdout, done.stderr) or self._tidy() or ""

    def _check(self, code: int, out: str, err: str) -> str | None:
        if code == 0 and (self.folder / "pagefind-entry.json").is_file():
            return None
        message = (err or out).strip() or f"exit status {code}"
        return f"Pagefind could not index {self.site}: {message}"

    def _tidy(self) -> str | None:
        """The index without the files the site never asks for, made canonical; or what went wrong."""
        for name in UNUSED_BUNDLE_FILES:
            (self.folder / name).unlink(missing_ok=True)
        try:
            canonicalise(self.folder, renumber=self.renumber, parallel=self.parallel)
        except SearchIndexError as exc:
            return str(exc)
        return None

    def _clean(self) -> None:
        if self.own_staging and self.staging is not None:
            self.staging.cleanup()

    def finish(self) -> IndexReport:
        problem: str | None
        try:
            if self.worker is not None:
                done = self.worker.join()
                problem = f"the worker indexing {self.site} failed" if done is None else done
            else:
                assert self.process is not None
                out, err = self.process.communicate()
                problem = self._check(self.process.returncode, out, err) or self.parallel.quietly(self._tidy)
        finally:
            self._clean()
        if problem:
            raise SearchIndexError(problem)
        size = sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())
        return IndexReport(
            pages=indexed_pages(self.folder), folder=self.folder, seconds=time.monotonic() - self.started, bytes=size
        )

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()  # (a Pagefind it started ends on its own, in a build that failed)
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self._clean()


class Staging:
    """A folder holding the searched pages at their paths under the site, for Pagefind to read
    alone; the same relative paths give the same URLs. Kept by `mkdocs serve` between rebuilds,
    it is brought up to date rather than made again.

    Pages are hard-linked (copied where links fail): a page rewritten in place is up to date
    through its link. With `reduce`, each page is instead copied as the part Pagefind reads
    (`searched_part`): Pagefind then parses a third of the bytes, which pays where copies are
    made once and kept (under serve), or made from what a build hands over as it writes each
    page (`stage`), not where every page would be read back for one run."""

    def __init__(self, site: Path, *, reduce: bool = False) -> None:
        self.site, self.reduce = site, reduce
        self.folder = Path(tempfile.mkdtemp(prefix="handbook-search-", dir=site.parent))
        # Each page's file as staged: (device, inode) linked, (inode, size, mtime) copied.
        self.staged: dict[Path, tuple[int, ...] | None] = {}

    def update(self, pages: Iterable[str | Path]) -> Path:
        wanted = {Path(page).resolve() for page in pages}
        for page in set(self.staged) - wanted:
            (self.folder / page.relative_to(self.site)).unlink(missing_ok=True)
            del self.staged[page]
        for page in sorted(wanted):
            self._stage(page)
        return self.folder

    def stage(self, page: Path, data: bytes) -> None:
        """`page` of the site, just written with `data`, staged now from `data` (not read back):
        the build hands over each searched page as it writes it, and `update` finds it done."""
        self._stage(page.resolve(), data)

    def _stage(self, page: Path, data: bytes | None = None) -> None:
        stat = page.stat()
        linked, copied = (stat.st_dev, stat.st_ino), (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if page in self.staged and self.staged[page] == (copied if self.reduce else linked):
            return
        target = self.folder / page.relative_to(self.site)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        if self.reduce:
            if data is None or len(data) != stat.st_size:  # (what was handed over is not what is there)
                data = page.read_bytes()
            target.write_bytes(searched_part(data) or data)
            self.staged[page] = copied
            return
        try:
            os.link(page, target)
            self.staged[page] = linked
        except OSError:
            shutil.copyfile(page, target)
            self.staged[page] = None  # copied again every time

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.staged = {}


def searched_part(page: bytes) -> bytes | None:
    """The page as Pagefind reads it, for the same index: up to its `<body>` tag (the language,
    the title, any `data-pagefind-*` in the head), then the one `<article data-pagefind-body>`
    that Material writes, byte for byte. None where the rest could matter to Pagefind: more
    than one article or mark, a mark, `<h1>` or `<title>` outside the article, an image after
    it (Pagefind takes the first image after the title). A cut on Material's markup, not an
    HTML parser: parsing every page would cost more than Pagefind saves."""
    lower = page.lower()
    if lower.count(b"<article") != 1 or lower.count(b"</article") != 1 or lower.count(b"data-pagefind-body") != 1:
        return None
    body, start = lower.find(b"<body"), lower.find(b"<article")
    opened, mark = lower.find(b">", start), lower.find(b"data-pagefind-body")
    if not 0 <= body < start < mark < opened:
        return None
    head_end = lower.find(b">", body) + 1
    end = lower.find(b">", lower.find(b"</article", start)) + 1
    if not head_end <= start or end <= 0:
        return None
    before, after = lower[head_end:start], lower[end:]
    if b"<img" in after or any(tag in cut for cut in (before, after) for tag in (b"data-pagefind", b"<h1", b"<title")):
        return None
    return page[:head_end] + page[start:end] + b"</body></html>\n"


def pagefind_binary() -> Path:
    # The `pagefind` package finds the binary that `pagefind[bin]` installs (or PAGEFIND_BINARY_PATH).
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None or not binary.is_file():
        raise SearchIndexError("the Pagefind binary was not found: install 'pagefind[bin]' in this environment")
    return binary


def indexed_pages(folder: str | Path) -> int:
    """How many pages the index in `folder` holds, from its entry file."""
    entry = json.loads((Path(folder) / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(int(lang.get("page_count", 0)) for lang in entry.get("languages", {}).values())


def indexed_documents(folder: str | Path) -> list[dict[str, object]]:
    """Every page in the index in `folder`, as Pagefind stored it (url, content, meta, filters),
    sorted by URL: what a search can find, for tests and for looking into an index by hand."""
    documents = []
    for path in sorted((Path(folder) / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        if not data.startswith(FRAGMENT_SIGNATURE):
            raise SearchIndexError(f"{path}: not a Pagefind fragment")
        documents.append(json.loads(data[len(FRAGMENT_SIGNATURE) :]))
    return sorted(documents, key=lambda d: str(d.get("url", "")))
