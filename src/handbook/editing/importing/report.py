"""What happened to each file an import read, as the command prints it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


# -- the report -----------------------------------------------------------------
@dataclass
class Outcome:
    """What happened to one source file."""

    source: str
    target: str | None = None
    guesses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reason: str | None = None
    # Not a record at all (a README, a template, an image): listed, but not a failure.
    skipped: bool = False

    @property
    def verdict(self) -> str:
        if self.reason is not None:
            return "not imported"
        return "imported with guesses" if self.guesses else "imported"


@dataclass
class ImportReport:
    """Every file's outcome, in the order read; `lines()` is what the command prints."""

    outcomes: list[Outcome]
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def not_imported(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.reason is not None]

    def lines(self) -> Iterator[str]:
        for o in self.outcomes:
            if o.reason is not None:
                yield f"{o.verdict:<22} {o.source}: {o.reason}"
                continue
            yield f"{o.verdict:<22} {o.source} -> {o.target}"
            for guess in o.guesses:
                yield f"{'':<22}   guess: {guess}"
            for note in o.notes:
                yield f"{'':<22}   note: {note}"
        for note in self.notes:
            yield f"note: {note}"
        counts = {
            v: sum(o.verdict == v for o in self.outcomes) for v in ("imported", "imported with guesses", "not imported")
        }
        summary = ", ".join(f"{n} {v}" for v, n in counts.items())
        suffix = " (dry run: nothing written)" if self.dry_run else ""
        yield f"{len(self.outcomes)} file{'s' if len(self.outcomes) != 1 else ''}: {summary}{suffix}"
