"""Search with Pagefind: the full-text index written into the built site, free of mkdocs.

A page is indexed only where its HTML carries `data-pagefind-body` (the plugin adds it to the
pages that should be found); records add `data-pagefind-filter`/`-meta` attributes in their
header block (see compile.py): filters `kind`, `status`, `audience`, `owner` for readers, and
`standing` (current or archived), with which assets/search.js lists what is no longer in force
last. A browser downloads only the index chunks a query needs.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2

from . import forking

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
_FRAGMENT_SIGNATURE = b"pagefind_dcd"


class SearchIndexError(Exception):
    """Pagefind is missing or failed: the message says what to do."""


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
    ) -> None:
        """`staging`: a folder kept by the caller for `pages` (see `Staging`); else one of its own.
        `renumber`: see `canonicalise`."""
        self.renumber = renumber
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
            command = [str(_pagefind_binary()), "--site", str(source), "--output-path", str(self.folder), "--silent"]
            for selector in EXCLUDE_SELECTORS:
                command += ["--exclude-selectors", selector]
            # The command line, not the package's service API: the service may still be writing
            # files when it answers, and closing it then leaves them cut short. Renumbering the
            # pages takes seconds on a large index: a forked worker runs Pagefind and then
            # `canonicalise`, while the build goes on.
            self.worker = forking.Forked.start(lambda records: self._index(command)) if renumber else None
            if self.worker is None:
                self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except BaseException:
            self._clean()
            raise

    def _index(self, command: list[str]) -> str | None:
        """Pagefind, then its index made canonical: None, or what went wrong."""
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        return self._check(done.returncode, done.stdout, done.stderr) or self._tidy()

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
            canonicalise(self.folder, renumber=self.renumber)
        except SearchIndexError as exc:
            return str(exc)
        return None

    def _clean(self) -> None:
        if self.own_staging and self.staging is not None:
            self.staging.cleanup()

    def finish(self) -> IndexReport:
        try:
            if self.worker is not None:
                done = self.worker.join()
                problem = f"the worker indexing {self.site} failed" if done is None else done[0]
            else:
                assert self.process is not None
                out, err = self.process.communicate()
                problem = self._check(self.process.returncode, out, err) or self._tidy()
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


def _pagefind_binary() -> Path:
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


_ARTICLE = '<article class="md-content__inner md-typeset">'


def kind_attributes(kind: str) -> str:
    """Filter and meta attributes for a page that is not a record (records carry theirs)."""
    return f' data-pagefind-filter="kind:{kind}" data-pagefind-meta="kind:{kind}"'


def mark_searchable(page_html: str, attributes: str = "") -> str | None:
    """The page with `data-pagefind-body` (and `attributes`) on Material's content article, so
    that Pagefind indexes its text and nothing around it; None when the page has no such article."""
    if _ARTICLE not in page_html:
        return None
    marked = _ARTICLE[:-1] + f" data-pagefind-body{attributes}>"
    return page_html.replace(_ARTICLE, marked, 1)


def indexed_documents(folder: str | Path) -> list[dict[str, object]]:
    """Every page in the index in `folder`, as Pagefind stored it (url, content, meta, filters),
    sorted by URL: what a search can find, for tests and for looking into an index by hand."""
    documents = []
    for path in sorted((Path(folder) / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        if not data.startswith(_FRAGMENT_SIGNATURE):
            raise SearchIndexError(f"{path}: not a Pagefind fragment")
        documents.append(json.loads(data[len(_FRAGMENT_SIGNATURE) :]))
    return sorted(documents, key=lambda d: str(d.get("url", "")))


# -- the same site, the same bytes -----------------------------------------------------------
# Pagefind 1.5 writes each filter's values, and the list of filters, in hash-map order, which
# changes from run to run: the same site would get a different index each build. The files are
# CBOR after a signature, gzipped; `canonicalise` sorts them, names them by their content and
# points the metadata and entry file at the new names. Everything else Pagefind writes is
# already the same for the same site.


def canonicalise(folder: str | Path, *, renumber: bool = True) -> None:
    """Rewrite the index in `folder` so that the same pages always give the same bytes, on any
    machine. `renumber=False` (for `mkdocs serve`, whose site is not published) leaves the
    pages numbered in the order the file system listed them: same bytes on one machine only.

    Pagefind numbers pages in the order it finds their files, which is the file system's (ext4
    lists a folder in an order seeded per file system): they are numbered again in the order
    of their fragments' names, which are their content's hash."""
    with forking.collector_off():  # millions of small lists, none in a cycle
        _rewrite(Path(folder), _by_fragment if renumber else None)


def _by_fragment(pages: list[Any]) -> list[int]:
    return sorted(range(len(pages)), key=lambda page: tuple(pages[page]))


def _rewrite(folder: Path, order: Callable[[list[Any]], list[int]] | None) -> None:
    """The index in `folder` with sorted filters, its pages numbered in `order` (their old
    numbers in their new order; None: as they are), under its new files' names."""
    entry_path = folder / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, about in entry.get("languages", {}).items():
        meta_path = folder / f"pagefind.{about['hash']}.pf_meta"
        meta = _read_chunk(meta_path)
        # [version, pages [[fragment, words], ...], index chunks [[from, to, hash], ...],
        #  filter chunks [[name, hash], ...], sorts, meta fields]
        if not (isinstance(meta, list) and len(meta) > 4 and all(isinstance(m, list) for m in meta[1:5])):
            raise SearchIndexError(f"{meta_path}: not the Pagefind 1.x metadata this handbook knows")
        # (Not where a template sorts results with data-pagefind-sort: the handbook's never do.)
        renumbering = order is not None and not meta[4]
        olds = order(meta[1]) if order is not None and renumbering else list(range(len(meta[1])))
        number = {old: new for new, old in enumerate(olds)}
        meta[1] = [meta[1][page] for page in olds]
        if renumbering:
            _renumber_index(folder / "index", language, meta[2], number)
        renamed = []
        for name, chunk in meta[3]:
            old = folder / "filter" / f"{chunk}.pf_filter"
            data = _read_chunk(old)
            # [filter name, [[value, [page numbers]], ...]]
            values = ([value, sorted(number[page] for page in pages)] for value, pages in data[1])
            data[1] = sorted(values, key=lambda pair: pair[0])
            new = _write_chunk(folder / "filter", language, ".pf_filter", data, 7)
            if new != chunk:
                old.unlink()
            renamed.append([name, new])
        meta[3] = sorted(renamed, key=lambda pair: pair[0])
        new_meta = _write_chunk(folder, f"pagefind.{language}", ".pf_meta", meta, 10)
        if new_meta != about["hash"]:
            meta_path.unlink()
            about["hash"] = new_meta
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _renumber_index(folder: Path, language: str, chunks: list[Any], number: dict[int, int]) -> None:
    """Each word index chunk in `folder` (`chunks`: [[from, to, hash], ...]) with its pages
    numbered again, under its new name. Half the bytes are done by a second core: at 10,000
    records this is the last step of the build, and nothing else is left to run beside it."""
    sizes = list(itertools.accumulate((folder / f"{chunk[2]}.pf_index").stat().st_size for chunk in chunks))
    split = bisect.bisect(sizes, sizes[-1] // 2) if sizes else 0

    def rewrite(some: Sequence[Any]) -> list[str]:
        return [_renumber_chunk(folder, language, chunk[2], number) for chunk in some]

    names = forking.map_in_two(chunks, rewrite, split=split)
    # Old chunks go only once every new one is written: a child that failed is redone here.
    for chunk, new in zip(chunks, names, strict=True):
        if new != chunk[2]:
            (folder / f"{chunk[2]}.pf_index").unlink()
        chunk[2] = new


def _renumber_chunk(folder: Path, language: str, stem: str, number: dict[int, int]) -> str:
    """The word index chunk `stem` with its pages numbered again, written under its new name."""
    old = folder / f"{stem}.pf_index"
    data = _read_chunk(old)
    # [[[word, pages, [[variant, pages], ...]], ...]]; pages: [[page, locations, meta locations], ...]
    for word in data[0]:
        word[1] = _renumbered(word[1], number, old)
        for variant in word[2]:
            if not (isinstance(variant, list) and len(variant) == 2):
                raise SearchIndexError(f"{old}: not the Pagefind 1.x word index this handbook knows")
            variant[1] = _renumbered(variant[1], number, old)
    return _write_chunk(folder, language, ".pf_index", data, 7)


def _renumbered(postings: Any, number: dict[int, int], chunk: Path) -> list[Any]:
    """A word's pages with their new numbers. Pagefind stores each page's number as the step
    from the one before it (in ascending order): steps are summed, renumbered, taken again."""
    if not (isinstance(postings, list) and all(isinstance(p, list) and p and isinstance(p[0], int) for p in postings)):
        raise SearchIndexError(f"{chunk}: not the Pagefind 1.x word index this handbook knows")
    pages, at = [], 0
    for posting in postings:
        at += posting[0]
        if at not in number:
            raise SearchIndexError(f"{chunk}: a word on page {at}, which the index does not list")
        pages.append([number[at], *posting[1:]])
    pages.sort(key=lambda posting: posting[0])
    previous = 0
    for posting in pages:
        posting[0], previous = posting[0] - previous, posting[0]
    return pages


def _read_chunk(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_FRAGMENT_SIGNATURE):
        raise SearchIndexError(f"{path}: not a Pagefind file")
    body = data[len(_FRAGMENT_SIGNATURE) :]
    try:
        return cbor2.loads(body)
    except cbor2.CBORDecodeError as exc:
        raise SearchIndexError(f"{path}: not CBOR ({exc})") from None


def _write_chunk(folder: Path, prefix: str, suffix: str, value: Any, digits: int) -> str:
    """Write `value` gzipped (no timestamp) as `<prefix>_<content hash><suffix>`; the name's stem."""
    body = _FRAGMENT_SIGNATURE + cbor2.dumps(value)
    language = prefix.rsplit(".", 1)[-1]
    stem = f"{language}_{hashlib.sha256(body).hexdigest()[:digits]}"
    name = f"{prefix.rsplit('.', 1)[0] + '.' if '.' in prefix else ''}{stem}{suffix}"
    # Level 6: a third of level 9's time for 1% more bytes (the index is rewritten whole).
    (folder / name).write_bytes(gzip.compress(body, compresslevel=6, mtime=0))
    return stem
