"""What an import did, file by file, and the summary that groups it: one report both importers
feed, printed as text (summary first, details after) or as JSON for tools."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Tally(StrEnum):
    """What an import did to a record's text, counted in the summary and listed under its file."""

    LINK_REWRITTEN = "links rewritten"
    ASSET_COPIED = "assets copied"
    LINK_UNRESOLVED = "links left unresolved"
    LIQUID_RESOLVED = "Liquid tags resolved"
    LIQUID_LEFT = "Liquid tags left as HTML comments"
    REFERENCE_RENUMBERED = "references to old numbers rewritten"


# How each tally's entry reads under its file in the details.
_DETAIL_LABEL = {
    Tally.LINK_REWRITTEN: "link",
    Tally.ASSET_COPIED: "asset",
    Tally.LINK_UNRESOLVED: "link left",
    Tally.LIQUID_RESOLVED: "liquid",
    Tally.LIQUID_LEFT: "liquid left",
    Tally.REFERENCE_RENUMBERED: "reference",
}

# A guess appended as plain text (`outcome.guesses.append(...)`) is summed up under this kind.
OTHER_GUESS = "other guesses"


@dataclass(frozen=True)
class Entry:
    """One thing done to a file: a guess or default of some kind, or a tally (a link rewritten ...)."""

    kind: str
    text: str


# -- one file ---------------------------------------------------------------------
@dataclass
class Outcome:
    """What happened to one source file.

    `guesses` and `notes` are the detail lines (plain text); `guess(kind, text)` also files the
    guess under a kind for the summary; `tally(...)` counts links, assets, tags and references.
    """

    source: str
    target: str | None = None
    guesses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reason: str | None = None
    # Not a record at all (a README, a template, an image): listed, but not a failure.
    skipped: bool = False
    # The reason in a few words, shared by every file skipped or refused for it (the summary's group).
    group: str | None = None
    kinds: list[Entry] = field(default_factory=list)
    tallies: list[Entry] = field(default_factory=list)

    def guess(self, kind: str, text: str) -> None:
        """A default taken or a value guessed: listed under the file, counted under `kind`."""
        self.guesses.append(text)
        self.kinds.append(Entry(kind, text))

    def tally(self, kind: Tally, text: str) -> None:
        self.tallies.append(Entry(kind.value, text))

    def skip(self, reason: str, group: str | None = None) -> None:
        """Not a record: listed with its reason, and not a failure of the import."""
        self.reason, self.skipped, self.group = reason, True, group

    @property
    def verdict(self) -> str:
        if self.reason is not None:
            return "skipped" if self.skipped else "not imported"
        return "imported with guesses" if self.guesses else "imported"

    def guess_kinds(self) -> list[Entry]:
        """Every guess with its kind; one appended as plain text is an OTHER_GUESS."""
        filed = Counter(e.text for e in self.kinds)
        out = []
        for text in self.guesses:
            if filed[text] > 0:
                filed[text] -= 1
                out.append(next(e for e in self.kinds if e.text == text))
            else:
                out.append(Entry(OTHER_GUESS, text))
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "verdict": self.verdict,
            "target": self.target,
            "reason": self.reason,
            "guesses": [{"kind": e.kind, "text": e.text} for e in self.guess_kinds()],
            "notes": list(self.notes),
            "tallies": [{"kind": e.kind, "text": e.text} for e in self.tallies],
        }


# -- the whole import ------------------------------------------------------------
@dataclass
class ImportReport:
    """Every file's outcome, in the order read, and notes on the whole import.

    `lines()` is the text the command prints: a grouped summary, then each file's details, then
    one count line; `as_json()` is the same for tools.
    """

    outcomes: list[Outcome]
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def not_imported(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.reason is not None]

    @property
    def failed(self) -> list[Outcome]:
        """Files that look like records but could not be imported: these make the command exit 1."""
        return [o for o in self.outcomes if o.reason is not None and not o.skipped]

    def summary(self) -> dict[str, Any]:
        imported = [o for o in self.outcomes if o.reason is None]
        guesses = Counter(e.kind for o in imported for e in o.guess_kinds())
        tallies = Counter(e.kind for o in imported for e in o.tallies)
        return {
            "files": len(self.outcomes),
            "imported": len(imported),
            "imported_with_guesses": sum(bool(o.guesses) for o in imported),
            "skipped": _groups(o for o in self.outcomes if o.skipped),
            "not_imported": _groups(o for o in self.failed),
            "guesses": dict(sorted(guesses.items(), key=lambda kv: (-kv[1], kv[0]))),
            **{kind.name.lower(): tallies[kind.value] for kind in Tally},
        }

    def summary_lines(self) -> Iterator[str]:
        s = self.summary()
        yield "Summary"
        yield f"  imported: {s['imported']} ({s['imported_with_guesses']} with guesses)"
        for key, label in (("skipped", "skipped"), ("not_imported", "not imported")):
            groups: dict[str, int] = s[key]
            yield f"  {label}: {sum(groups.values())}"
            for reason, n in groups.items():
                yield f"    {n:>4}  {reason}"
        yield f"  defaults and guesses: {sum(s['guesses'].values())}"
        for kind, n in s["guesses"].items():
            yield f"    {n:>4}  {kind}"
        for kind in Tally:
            yield f"  {kind.value}: {s[kind.name.lower()]}"
        for note in self.notes:
            yield f"  note: {note}"

    def detail_lines(self) -> Iterator[str]:
        for o in self.outcomes:
            if o.reason is not None:
                yield f"{o.verdict:<22} {o.source}: {o.reason}"
                continue
            yield f"{o.verdict:<22} {o.source} -> {o.target}"
            for guess in o.guesses:
                yield f"{'':<22}   guess: {guess}"
            for note in o.notes:
                yield f"{'':<22}   note: {note}"
            for entry in o.tallies:
                yield f"{'':<22}   {_DETAIL_LABEL[Tally(entry.kind)]}: {entry.text}"

    def count_line(self) -> str:
        counts = {
            v: sum(o.verdict == v for o in self.outcomes)
            for v in ("imported", "imported with guesses", "skipped", "not imported")
        }
        summary = ", ".join(f"{n} {v}" for v, n in counts.items())
        suffix = " (dry run: nothing written)" if self.dry_run else ""
        return f"{len(self.outcomes)} file{'s' if len(self.outcomes) != 1 else ''}: {summary}{suffix}"

    def lines(self) -> Iterator[str]:
        yield from self.summary_lines()
        yield "Details"
        yield from self.detail_lines()
        yield self.count_line()

    def as_json(self) -> str:
        return json.dumps(
            {
                "dry_run": self.dry_run,
                "summary": self.summary(),
                "notes": list(self.notes),
                "files": [o.as_json() for o in self.outcomes],
            },
            indent=2,
            ensure_ascii=False,
        )


def _groups(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """Files by the reason they were skipped or refused, most common first."""
    counts = Counter(o.group or o.reason or "" for o in outcomes)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
