"""The same site, the same index bytes: Pagefind's index rewritten canonically.

Pagefind 1.5 writes each filter's values, and the list of filters, in hash-map order, which
changes from run to run: the same site would get a different index each build. The files are
CBOR after a signature, gzipped; `canonicalise` sorts them, names them by their content and
points the metadata and entry file at the new names. Everything else Pagefind writes is
already the same for the same site.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import itertools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import cbor2

from ..parallel import SERIAL, Parallel

FRAGMENT_SIGNATURE = b"pagefind_dcd"


class SearchIndexError(Exception):
    """Pagefind is missing or failed: the message says what to do."""


def canonicalise(folder: str | Path, *, renumber: bool = True, parallel: Parallel = SERIAL) -> None:
    """Rewrite the index in `folder` so that the same pages always give the same bytes, on any
    machine. `renumber=False` (for `mkdocs serve`, whose site is not published) leaves the
    pages numbered in the order the file system listed them: same bytes on one machine only.

    Pagefind numbers pages in the order it finds their files, which is the file system's (ext4
    lists a folder in an order seeded per file system): they are numbered again in the order
    of their fragments' names, which are their content's hash. `parallel` may rewrite some of
    the index on another core."""
    rewrite_index(Path(folder), _by_fragment if renumber else None, parallel)


def _by_fragment(pages: list[Any]) -> list[int]:
    return sorted(range(len(pages)), key=lambda page: tuple(pages[page]))


def rewrite_index(folder: Path, order: Callable[[list[Any]], list[int]] | None, parallel: Parallel = SERIAL) -> None:
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
            _renumber_index(folder / "index", language, meta[2], number, parallel)
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


def _renumber_index(folder: Path, language: str, chunks: list[Any], number: dict[int, int], parallel: Parallel) -> None:
    """Each word index chunk in `folder` (`chunks`: [[from, to, hash], ...]) with its pages
    numbered again, under its new name. Half the bytes are done by a second core: at 10,000
    records this is the last step of the build, and nothing else is left to run beside it."""
    sizes = list(itertools.accumulate((folder / f"{chunk[2]}.pf_index").stat().st_size for chunk in chunks))
    split = bisect.bisect(sizes, sizes[-1] // 2) if sizes else 0

    def rewrite(some: Sequence[Any]) -> list[str]:
        return [_renumber_chunk(folder, language, chunk[2], number) for chunk in some]

    names = parallel.in_two(chunks, rewrite, split=split)
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
    if not data.startswith(FRAGMENT_SIGNATURE):
        raise SearchIndexError(f"{path}: not a Pagefind file")
    body = data[len(FRAGMENT_SIGNATURE) :]
    try:
        return cbor2.loads(body)
    except cbor2.CBORDecodeError as exc:
        raise SearchIndexError(f"{path}: not CBOR ({exc})") from None


def _write_chunk(folder: Path, prefix: str, suffix: str, value: Any, digits: int) -> str:
    """Write `value` gzipped (no timestamp) as `<prefix>_<content hash><suffix>`; the name's stem."""
    body = FRAGMENT_SIGNATURE + cbor2.dumps(value)
    language = prefix.rsplit(".", 1)[-1]
    stem = f"{language}_{hashlib.sha256(body).hexdigest()[:digits]}"
    name = f"{prefix.rsplit('.', 1)[0] + '.' if '.' in prefix else ''}{stem}{suffix}"
    # Level 6: a third of level 9's time for 1% more bytes (the index is rewritten whole).
    (folder / name).write_bytes(gzip.compress(body, compresslevel=6, mtime=0))
    return stem
