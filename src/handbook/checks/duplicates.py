"""Duplicates: two files claiming one policy, copied texts, and version numbers that do not move
with the text (reused, going backwards, or kept through a rewrite)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ..cache import kept_by_text
from ..records import Decision, Policy, PolicyStatus
from ..settings import Settings
from .findings import Finding, Severity, finding, from_error
from .minhash import BINS, MIN_WORDS, band_keys, band_shape, near_duplicates, text_digest
from .revisions import WORKING_COPY

if TYPE_CHECKING:
    from ..cache import Cache
    from ..history import History
    from ..loading import Corpus
    from .revisions import Revisions

# Words that mark a copy of a file rather than another policy: refunds-final, refunds-v2, refunds-old.
COPY_MARKS = re.compile(
    r"^(?:final|new|old|copy|draft|latest|current|updated|revised|backup|bak|tmp|temp|edited|v\d+|ver\d+|version\d*)$"
)
# An id that ends in a date or a commit marks a kept copy of a version: refunds-2023-04-01, refunds-1a2b3c4.
_DATED_OR_COMMIT = re.compile(
    r"[-_](?:(?:19|20)\d\d(?:[-_]?\d\d){0,2}|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40})$"
)


def check(
    corpus: Corpus,
    history: History,
    revisions: Revisions,
    *,
    settings: Settings,
    cache: Cache | None = None,
    texts: bool = True,
    drafts: bool = True,
) -> list[Finding]:
    """HB201 to HB203 and HB207; HB205 and HB206 (the texts compared) when `texts`, drafts among
    them when `drafts`."""
    findings = list(same_policy(corpus))
    findings += check_history(history)
    if texts:
        findings += copied_texts(corpus, history, threshold=settings.duplicate_threshold, cache=cache, drafts=drafts)
    findings += rewrites(corpus, revisions, threshold=settings.rewrite_threshold)
    findings += versions_without_change(corpus, history, cache=cache)
    findings += effective_moved(corpus, revisions)
    return findings


def check_history(history: History) -> list[Finding]:
    """History's own warnings: HB202 a number reused for another text, HB203 a number going backwards."""
    return [from_error(w, severity=Severity.WARNING) for w in history.warnings]


def normalised_id(policy_id: str) -> str:
    """`refunds-and-returns-final` -> `refundsandreturns`: the id with copy marks and separators gone."""
    parts = [p for p in re.split(r"[^a-z0-9]+", policy_id.lower()) if p]
    while len(parts) > 1 and COPY_MARKS.match(parts[-1]):
        parts.pop()
    return "".join(parts)


def is_copy_id(policy_id: str) -> bool:
    """Whether the id marks a kept copy: a copy word (refunds-old, refunds-v2), a date or a commit."""
    last = re.split(r"[^a-z0-9]+", policy_id.lower())[-1]
    return bool(_DATED_OR_COMMIT.search(policy_id.lower())) or ("-" in policy_id and bool(COPY_MARKS.match(last)))


def same_text(a: str, b: str, cache: Cache | None = None) -> bool:
    """Exact copies, as HB206 and HB210 take them: the same words in the same order (case,
    punctuation, spacing and line wrapping aside), as the near-copy comparison reads words."""
    digest = _digest_of(cache)
    return a == b or digest(a) == digest(b)


def _digest_of(cache: Cache | None) -> Callable[[str], str]:
    """`text_digest`, kept in `cache` by the text's bytes: reading the words of every text and
    version again would take seconds at 10,000 records."""
    return lambda text: kept_by_text(cache, "words", text, partial(text_digest, text), encode=str, decode=_digest)


def _digest(kept: Any) -> str:
    if not isinstance(kept, str):
        raise TypeError(f"expected a digest, got {type(kept).__name__}")
    return kept


def same_policy(corpus: Corpus) -> Iterator[Finding]:
    """HB201: published policies in force whose ids are one id, or a policy still active though superseded."""
    groups: dict[str, list[Policy]] = defaultdict(list)
    for policy in corpus.policies.values():
        if not policy.is_draft and not corpus.is_retired(policy):
            groups[normalised_id(policy.id)].append(policy)
    for members in groups.values():
        if len(members) < 2:
            continue
        first, *others = sorted(members, key=lambda p: (len(p.id), p.id))
        for other in others:
            yield finding(
                other.path, other.line_of("title"), "HB201",
                f"'{other.id}' and '{first.id}' ({first.path}) are one policy under two file names, both in force: "
                f"keep one file, and retire the other or give the new one 'supersedes: {first.id}'",
            )  # fmt: skip
    for old_id, new_id in corpus.policy_successor.items():
        old = corpus.policies[old_id]
        if old.status is PolicyStatus.ACTIVE:
            yield finding(
                old.path, old.line_of("status"), "HB201",
                f"superseded by '{new_id}' ({corpus.policies[new_id].path}) but still 'status: active': "
                f"both claim to be in force; set 'status: retired' here",
                "Set 'status: retired' on the superseded policy, and say in 'changes' what replaced it.",
            )  # fmt: skip


@dataclass(frozen=True)
class _Text:
    path: str
    line: int
    kind: str
    # Records of one supersede chain are meant to be alike; they share a lineage.
    lineage: str
    # Older records first: the later of two copies gets the finding.
    order: tuple[object, ...]
    body: str


def _texts(corpus: Corpus, history: History, *, drafts: bool = True) -> list[_Text]:
    texts = []
    policy_root = _chain_roots({p.id: p.supersedes for p in corpus.policies.values()})
    for policy in corpus.policies.values():
        if policy.is_draft and not drafts:
            continue
        versions = history.versions_of(policy.id)
        started = versions[0].published.date() if versions else policy.effective
        # The copy of two is, first, one whose id marks a copy; then one not in force beside one in
        # force (never advise deleting the live policy); then the newer.
        live = not policy.is_draft and not corpus.is_retired(policy)
        order = (is_copy_id(policy.id), not live, started, policy.path)
        texts.append(_Text(policy.path, policy.body_line, "policy", f"p:{policy_root[policy.id]}", order, policy.body))
    decision_root = _chain_roots({str(d.number): _first(d) for d in corpus.decisions.values()})
    for decision in corpus.decisions.values():
        texts.append(
            _Text(
                decision.path,
                decision.body_line,
                "decision",
                f"d:{decision_root[str(decision.number)]}",
                (False, False, decision.date or dt.date.max, decision.number, decision.path),
                decision.body,
            )
        )
    return texts


def _first(decision: Decision) -> str | None:
    return str(decision.supersedes[0]) if decision.supersedes else None


def _chain_roots(parent: dict[str, str | None]) -> dict[str, str]:
    """Each record's oldest ancestor along `supersedes` (cycles stop where they close)."""
    roots: dict[str, str] = {}
    for start in parent:
        seen = [start]
        current = start
        while (nxt := parent.get(current)) is not None and nxt in parent and nxt not in seen:
            seen.append(nxt)
            current = nxt
        roots[start] = current
    return roots


def copied_texts(
    corpus: Corpus, history: History, *, threshold: float, cache: Cache | None = None, drafts: bool = True
) -> list[Finding]:
    """HB206 exact copies (same text) and HB205 near-copies (shingled Jaccard >= threshold).

    `drafts=False` leaves drafts out, for the site, where a draft's name never appears.
    """
    # Roughly the word count, without splitting every text: stubs are not compared.
    texts = [t for t in _texts(corpus, history, drafts=drafts) if t.body.count(" ") + t.body.count("\n") >= MIN_WORDS]
    # One digest per text as `same_text` reads it: equal digests are exact copies (HB206), and the
    # near-copy comparison (HB205) sees only texts that differ.
    digest_of = _digest_of(cache)
    digests = [digest_of(t.body) for t in texts]
    findings: list[Finding] = []
    # Exact copies: one finding on each later copy, naming the earliest.
    same: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (text, digest) in enumerate(zip(texts, digests, strict=True)):
        same[(text.kind, digest)].append(index)
    representatives = []
    for members in same.values():
        if len(members) > 1:
            members.sort(key=lambda i: texts[i].order)
        representatives.append(members[0])
        original = texts[members[0]]
        for index in members[1:]:
            copy = texts[index]
            if copy.lineage != original.lineage:
                findings.append(_exact(copy, original))
    # Near-copies among the distinct texts, by kind.
    shape = f"{BINS}:{band_shape(threshold)}"
    for kind in ("policy", "decision"):
        chosen = sorted((i for i in representatives if texts[i].kind == kind), key=lambda i: texts[i].order)
        items = [(i, texts[i].body) for i in chosen]
        keys_of = _cached_keys(cache, [digests[i] for i in chosen], threshold, shape)
        # For each later copy: every earlier text it copies, the closest first.
        partners: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for pair in near_duplicates(items, threshold, keys_of=keys_of):
            a, b = sorted((pair.first, pair.second), key=lambda i: texts[i].order)
            if texts[a].lineage != texts[b].lineage:
                partners[b].append((pair.similarity, a))
        for index, found in partners.items():
            similarity, original_index = min(found, key=lambda f: (-f[0], texts[f[1]].order))
            count = len(found)
            copy, original = texts[index], texts[original_index]
            more = f" (and {count - 1} more)" if count > 1 else ""
            # Texts here differ in their words: 1.00 would read as an exact copy, which HB206 reports.
            shown = f"{similarity:.2f}" if round(similarity, 2) < 1 else "above 0.99"
            how = f"similarity {shown} (shared 5-word phrases; threshold {threshold:.2f})"
            if similarity == 1:
                how = f"every 5-word phrase of each is in the other, reordered or repeated (threshold {threshold:.2f})"
            findings.append(finding(
                copy.path, copy.line, "HB205",
                f"near-copy of {original.path}{more}: {how}; merge them, or keep in the copy only what "
                "differs",
            ))  # fmt: skip
    return findings


def _exact(copy: _Text, original: _Text) -> Finding:
    # The finding is on the copy, and says which file that is: following it never deletes the original.
    return finding(
        copy.path, copy.line, "HB206",
        f"exact copy of {original.path}: the text is the same word for word; "
        f"delete this file (the copy), or retire it and give {original.path} 'supersedes'",
        f"Delete {copy.path}, the copy; keep {original.path}.",
    )  # fmt: skip


def _cached_keys(
    cache: Cache | None, digests: Sequence[str], threshold: float, shape: str
) -> Callable[[int, str], list[str]]:
    """Band keys by text hash, kept in the cache as one hex string (16 digits a band)."""

    def keys_of(position: int, text: str) -> list[str]:
        key = f"{shape}:{digests[position]}"
        cached = cache.get("bands", key) if cache is not None else None
        if not isinstance(cached, str):
            cached = "".join(f"{k:016x}" for k in band_keys(text, threshold))
            if cache is not None:
                cache.put("bands", key, cached)
        return [cached[i : i + 16] for i in range(0, len(cached), 16)]

    return keys_of


def rewrites(corpus: Corpus, revisions: Revisions, *, threshold: float) -> Iterator[Finding]:
    """HB207: the current version's text changed by more than `threshold` of its words, same number."""
    by_path = {p.path: p for p in corpus.policies.values()}
    for edit in revisions.edits:
        if edit.changed <= threshold:
            continue
        policy = by_path[edit.path]
        share = f"{round(edit.changed * 100)}%"
        if edit.commit == WORKING_COPY:
            what = f"uncommitted changes rewrite {share} of the words of version {edit.version}"
        else:
            day = edit.date.date().isoformat() if isinstance(edit.date, dt.datetime) else "?"
            what = f"commit {edit.commit[:7]} ({day}) rewrote {share} of the words of version {edit.version}"
        yield finding(
            policy.path, policy.line_of("version"), "HB207",
            f"{what} and kept its number (more than {round(threshold * 100)}% is a new version): "
            f"raise 'version' to {edit.version + 1} and say what changed in 'changes'",
            f"Publish the rewrite as version {edit.version + 1}: raise 'version' and say what changed in 'changes'.",
        )  # fmt: skip


def versions_without_change(corpus: Corpus, history: History, *, cache: Cache | None = None) -> Iterator[Finding]:
    """HB210: the current version's text is the previous version's, word for word: an editorial
    change (or none) presented to subscribers as a new version. Only the current version is
    reported: it is the one an editor can still keep from being published. A retirement is a new
    version that may keep the text."""
    for policy in corpus.policies.values():
        versions = history.versions_of(policy.id)
        if policy.is_draft or corpus.is_retired(policy) or len(versions) < 2 or versions[-1].number != policy.version:
            continue
        before, now = versions[-2], versions[-1]
        if not same_text(before.body, now.body, cache):
            continue
        where = f" (commit {before.commit[:7]}, {before.published.date()})" if before.commit else ""
        yield finding(
            policy.path, policy.line_of("version"), "HB210",
            f"version {now.number} has the same text as version {before.number}{where}, word for word: a new "
            f"version tells subscribers the rules changed; keep 'version: {before.number}' for an edit that "
            "changes no rule, or say in the text what changed",
            f"Keep 'version: {before.number}' until the text changes, or make the change the new version says.",
        )  # fmt: skip


def effective_moved(corpus: Corpus, revisions: Revisions) -> Iterator[Finding]:
    """HB211: `effective` moved later than the current version was published with, same number:
    the days between would say the version was in force before it is."""
    by_path = {p.path: p for p in corpus.policies.values()}
    for first in revisions.published:
        policy = by_path.get(first.path)
        if policy is None or policy.version != first.version or first.effective is None:
            continue
        if policy.effective <= first.effective:
            continue
        yield finding(
            policy.path, policy.line_of("effective"), "HB211",
            f"'effective' moved from {first.effective.isoformat()}, as version {first.version} was published "
            f"(commit {first.commit[:7]}, {first.date.date()}), to {policy.effective.isoformat()} without a new "
            f"version number: publish it as version {first.version + 1} and say in 'changes' when it now takes "
            f"effect, or put back {first.effective.isoformat()}",
            f"Raise 'version' to {first.version + 1} for the new date, or put back 'effective: "
            f"{first.effective.isoformat()}'.",
        )  # fmt: skip
