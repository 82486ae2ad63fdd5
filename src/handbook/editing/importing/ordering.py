"""Numbers and supersede links for the records of one import: the source's numbers kept where
they fit, and `supersedes`/`superseded by` references turned into `supersedes` numbers."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ...numbering import used_decision_numbers
from ...records import DecisionStatus
from ...settings import Settings
from .reading import Ref
from .report import Outcome
from .sources import Source


@dataclass
class ImportedDecision:
    """A decision read from a source file, before it has a number in the handbook."""

    outcome: Outcome
    source: Source
    source_number: int | None
    title: str
    status: DecisionStatus
    date: dt.date | None
    people: dict[str, list[str]]
    tags: list[str]
    supersedes: list[Ref]
    superseded_by: list[Ref]
    body: str
    slug: str
    number: int = 0
    supersedes_resolved: set[int] = field(default_factory=set)

    @property
    def file_name(self) -> str:
        return PurePosixPath(self.source.rel).name

    @property
    def target_name(self) -> str:
        return f"{self.number:04d}-{self.slug}.md"


def number_records(settings: Settings, drafts: list[ImportedDecision], notes: list[str]) -> dict[int, int]:
    """Keep the source numbers (0000 included) when all are free and unique; otherwise renumber all,
    in order. Returns each renumbered record's old number -> new, where the old one was unique."""
    used = used_decision_numbers(settings)
    numbered = sorted(
        (d for d in drafts if d.source_number is not None), key=lambda d: (d.source_number or 0, d.source.rel)
    )
    numbers = [d.source_number for d in numbered]
    keep = (
        all(n is not None and 0 <= n <= 9999 for n in numbers)
        and len(set(numbers)) == len(numbers)
        and not used & set(numbers)
    )
    nxt = max(used, default=0) + 1
    if keep:
        for d in numbered:
            assert d.source_number is not None
            d.number = d.source_number
        nxt = max([nxt - 1, *(n for n in numbers if n is not None)], default=0) + 1
    else:
        taken = sorted(used & {n for n in numbers if n is not None})
        why = (
            f"{', '.join(f'{n:04d}' for n in taken[:5])}{' ...' if len(taken) > 5 else ''} "
            f"{'is' if len(taken) == 1 else 'are'} already used in {settings.decisions_dir}/ or on a branch"
            if taken
            else "the source numbers repeat or do not fit 0000-9999"
        )
        for d in numbered:
            d.number = nxt
            nxt += 1
            assert d.source_number is not None
            d.outcome.notes.append(f"renumbered {d.source_number:04d} -> {d.number:04d}")
        if numbered:
            notes.append(f"all imported records were renumbered, in their order, because {why}")
    # Undated records (`date: unknown`) after the dated ones.
    undated = dt.date.max
    for d in sorted((d for d in drafts if d.source_number is None), key=lambda d: (d.date or undated, d.source.rel)):
        d.number = nxt
        nxt += 1
        d.outcome.notes.append(
            f"numbered {d.number:04d}: the source file has no number (numbered by date after the others)"
        )
    repeated = {n for n in numbers if numbers.count(n) > 1}
    return {
        d.source_number: d.number
        for d in numbered
        if d.source_number is not None and d.source_number not in repeated and d.source_number != d.number
    }


def link_supersedes(drafts: list[ImportedDecision]) -> None:
    """Turn `supersedes`/`superseded by` references into `supersedes` numbers on the newer record."""
    by_file = {d.file_name.lower(): d for d in drafts}
    by_stem = {PurePosixPath(d.file_name).stem.lower(): d for d in drafts}
    by_number: dict[int, list[ImportedDecision]] = {}
    for d in drafts:
        if d.source_number is not None:
            by_number.setdefault(d.source_number, []).append(d)

    by_rel = {d.source.rel: d for d in drafts}
    names = Counter(d.file_name.lower() for d in drafts)

    def resolve(ref: Ref, record: ImportedDecision) -> ImportedDecision | None:
        if ref.path:
            where = posixpath.normpath(posixpath.join(posixpath.dirname(record.source.rel), ref.path))
            if where in by_rel:
                return by_rel[where]
        if ref.file and names[ref.file.lower()] < 2:
            name = ref.file.lower()
            found = by_file.get(name) or by_stem.get(PurePosixPath(name).stem)
            if found is not None:
                return found
        same = by_number.get(ref.number, []) if ref.number is not None else []
        return same[0] if len(same) == 1 else None

    successor_of: dict[int, ImportedDecision] = {}
    for d in drafts:
        pairs = [(d, ref, resolve(ref, d), "supersedes") for ref in d.supersedes]
        pairs += [(d, ref, resolve(ref, d), "superseded by") for ref in d.superseded_by]
        for record, ref, other, how in pairs:
            if other is None:
                record.outcome.guess(
                    "supersede link not resolved", f"'{how} {ref.text.strip()}' names no imported record: not linked"
                )
                continue
            if other is record:
                continue
            new, old = (record, other) if how == "supersedes" else (other, record)
            current = successor_of.get(id(old))
            if current is not None and current is not new:
                record.outcome.guess(
                    "supersede link not resolved",
                    f"{old.number:04d} is already superseded by {current.number:04d}: '{how} {ref.text.strip()}' "
                    "not linked",
                )
                continue
            successor_of[id(old)] = new
            new.supersedes_resolved.add(old.number)
    for d in drafts:
        if id(d) in successor_of and d.status is not DecisionStatus.SUPERSEDED:
            d.outcome.notes.append(
                f"status '{d.status.value}' set to 'superseded': {successor_of[id(d)].number:04d} supersedes it"
            )
            d.status = DecisionStatus.SUPERSEDED
        elif id(d) not in successor_of and d.status is DecisionStatus.SUPERSEDED:
            d.outcome.guess(
                "superseded with no successor",
                "status is 'superseded' but no imported record supersedes it: imported as 'deprecated' (no longer "
                "in force)",
            )
            d.status = DecisionStatus.DEPRECATED
