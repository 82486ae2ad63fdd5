"""Near-duplicate texts among tens of thousands without comparing every pair: MinHash and LSH.

Each text becomes the set of its 5-word shingles. One 64-bit hash per shingle feeds a
one-permutation MinHash sketch (128 bins, each keeping its smallest hash; empty bins borrow
from their right-hand neighbour), so a sketch costs one pass over the shingles rather than one
pass per hash function. Sketches are cut into bands; texts sharing any band become candidates,
and only candidates are compared exactly, so the work grows with the number of texts plus the
number of close pairs. The band size is the largest that still finds 99.5% of the pairs at the
threshold; the similarity reported is the exact Jaccard similarity of the shingle sets.
"""

from __future__ import annotations

import functools
import hashlib
import string
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Generic, TypeVar

SHINGLE_WORDS = 5
BINS = 128
# Texts shorter than this are not compared: a stub of a few lines is not a copy of anything.
MIN_WORDS = 50
RECALL_AT_THRESHOLD = 0.995

_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation})
_MASK = (1 << 64) - 1
_word_ids: dict[str, int] = {}

K = TypeVar("K", bound=Hashable)


def words(text: str) -> list[str]:
    """Lowercase words, with ASCII punctuation (Markdown's included) taken as spaces."""
    return text.lower().translate(_PUNCTUATION).split()


@functools.lru_cache(maxsize=65536)
def text_digest(text: str) -> str:
    """One digest of the text's `words`: equal digests are the same words in the same order. Kept
    by text: every check, and every `serve` update, compares the same texts again."""
    return hashlib.sha1(" ".join(words(text)).encode("utf-8")).hexdigest()


def shingles(text: str) -> set[int]:
    """The text's 5-word shingles as hashes, stable across processes.

    Words get a blake2b number (Python's own str hash changes with every process); a shingle is
    the hash of a tuple of those numbers, which Python computes the same way every time. Every
    step runs in C: this is the one pass over all the text that near-duplicate detection makes.
    """
    found = words(text)
    if len(found) < SHINGLE_WORDS:
        return set()
    for word in set(found).difference(_word_ids):
        _word_ids[word] = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "big")
    ids = list(map(_word_ids.__getitem__, found))
    return set(map(hash, zip(*(ids[i:] for i in range(SHINGLE_WORDS)), strict=False)))


def sketch(hashes: set[int]) -> list[int]:
    """One-permutation MinHash with rotation densification: BINS values, one per bin."""
    ordered = sorted(hashes, reverse=True)
    # A hash's bin is its value modulo BINS; assigned in descending order, each bin keeps its smallest.
    filled = dict(zip(map(BINS.__rmod__, ordered), ordered, strict=True))
    if len(filled) == BINS:
        return [filled[b] for b in range(BINS)]
    signature = []
    for b in range(BINS):
        value = filled.get(b)
        distance = 0
        while value is None:
            distance += 1
            value = filled.get((b + distance) % BINS)
        signature.append(value if distance == 0 else hash((value, distance)) & _MASK)
    return signature


@functools.cache
def band_shape(threshold: float) -> tuple[int, int]:
    """(bands, rows): the most rows per band that still finds 99.5% of pairs at `threshold`."""
    for rows in range(BINS, 0, -1):
        bands = BINS // rows
        if 1 - (1 - threshold**rows) ** bands >= RECALL_AT_THRESHOLD:
            return bands, rows
    return BINS, 1


def band_keys(text: str, threshold: float) -> list[int]:
    """The LSH bucket keys of `text` (empty when it is too short to compare)."""
    hashes = shingles(text)
    if len(hashes) < MIN_WORDS - SHINGLE_WORDS + 1:
        return []
    signature = sketch(hashes)
    bands, rows = band_shape(threshold)
    return [hash((band, *signature[band * rows : (band + 1) * rows])) & _MASK for band in range(bands)]


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


@dataclass(frozen=True)
class Pair(Generic[K]):
    first: K
    second: K
    similarity: float


def near_duplicates(
    texts: Sequence[tuple[K, str]],
    threshold: float,
    *,
    keys_of: Callable[[int, str], Sequence[Hashable]] | None = None,
) -> list[Pair[K]]:
    """Pairs of texts whose shingle sets have Jaccard similarity >= threshold, in input order.

    `keys_of(index, text)` may return cached band keys; by default they are computed.
    """
    compute = keys_of or (lambda _, text: band_keys(text, threshold))
    # The first text in each bucket, and the buckets that more than one text fell into.
    first: dict[Hashable, int] = {}
    shared: dict[Hashable, list[int]] = defaultdict(list)
    for index, (_, text) in enumerate(texts):
        keys = compute(index, text)
        owners = list(map(first.setdefault, keys, repeat(index)))
        if owners.count(index) != len(owners):
            for key, owner in zip(keys, owners, strict=True):
                if owner != index:
                    shared[key].append(index)
    candidates: set[tuple[int, int]] = set()
    for key, members in shared.items():
        candidates.update(_pairs([first[key], *members]))
    exact: dict[int, set[int]] = {}

    def shingled(index: int) -> set[int]:
        if index not in exact:
            exact[index] = shingles(texts[index][1])
        return exact[index]

    found = []
    for i, j in sorted(candidates):
        similarity = jaccard(shingled(i), shingled(j))
        if similarity >= threshold:
            found.append(Pair(texts[i][0], texts[j][0], similarity))
    return found


def _pairs(members: Iterable[int]) -> Iterable[tuple[int, int]]:
    ordered = sorted(set(members))
    for n, i in enumerate(ordered):
        for j in ordered[n + 1 :]:
            yield i, j
