"""`handbook import-feedback`: a support tool's CSV export of tickets, added up per theme into
feedback records (`raised`, `received`, `channels`). Only counts, dates, themes and channel names
are read from a ticket: its text, customer and contact details are never copied."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ...feedback import FEEDBACK_FIELDS
from ...folders import file_stem
from ...loading import Corpus
from ...records import Feedback, FeedbackStatus
from .. import Refused
from ..scaffold import new_feedback, slugify
from ..writing import check_loads, edit_front_matter
from .reading import read_date

# Tickets are added to a record that is still open: a changed or declined one is closed.
OPEN = (FeedbackStatus.RECEIVED, FeedbackStatus.REVIEWING, FeedbackStatus.PLANNED)
# Several tags in one cell: "website, billing" or "website; billing".
_TAG_SPLIT = re.compile(r"[,;|]")
# A channel's name is a word or two ("chat", "e-mail", "phone"): anything else may be a person's details.
_CHANNEL = re.compile(r"^[a-z][a-z -]{0,29}$")
_CHANNEL_NAMES = {"email": "e-mail", "mail": "e-mail", "telephone": "phone", "call": "phone", "livechat": "chat"}


@dataclass(frozen=True)
class Columns:
    theme: str
    date: str
    channel: str | None = None


@dataclass
class Tally:
    """The tickets of one theme: how many, the earliest, and where they came from."""

    theme: str
    tickets: int = 0
    earliest: dt.date | None = None
    channels: list[str] = field(default_factory=list)

    def add(self, day: dt.date, channel: str | None) -> None:
        self.tickets += 1
        self.earliest = day if self.earliest is None else min(self.earliest, day)
        if channel and channel not in self.channels:
            self.channels.append(channel)


@dataclass
class Imported:
    """What an import did: a line per record written, a line per ticket not counted."""

    written: list[str] = field(default_factory=list)
    not_counted: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: int = 0
    counted: int = 0

    def lines(self) -> Iterator[str]:
        yield from self.written
        yield from self.not_counted
        yield from self.notes
        records = len(self.written)
        left = self.rows - self.counted
        yield (
            f"{self.rows} ticket(s) read: {self.counted} counted into {records} feedback record(s)"
            + (f", {left} not counted (above)" if left else "")
        )


def read_tickets(
    corpus: Corpus, export: Path, shown: str, columns: Columns, *, month_first: bool = False
) -> tuple[dict[str, Tally], Imported]:
    """Each theme's tally from the export; rows that cannot be counted are reported with their line.
    Raises Refused when the file cannot be read as CSV or lacks a column."""
    themes = corpus.settings.feedback.themes
    if not themes:
        raise Refused("mkdocs.yml lists no feedback themes: add 'feedback: {themes: [...]}' under the handbook plugin")
    by_name = {_plain(theme): theme for theme in themes}
    tallies: dict[str, Tally] = {}
    report = Imported()
    guessed = False
    try:
        with export.open(encoding="utf-8-sig", newline="") as file:
            rows = csv.DictReader(file)
            header = rows.fieldnames or []
            for name in (columns.theme, columns.date, columns.channel):
                if name is not None and name not in header:
                    listed = ", ".join(repr(h) for h in header) or "none"
                    raise Refused(f"{shown}: no column {name!r} in its first line (its columns: {listed})")
            for row in rows:
                line = rows.line_num
                report.rows += 1
                tags = [_plain(tag) for tag in _TAG_SPLIT.split(row.get(columns.theme) or "")]
                found = [by_name[tag] for tag in tags if tag in by_name]
                read = read_date(row.get(columns.date), month_first=month_first)
                if not found:
                    report.not_counted.append(
                        f"{shown}:{line}: not counted: column {columns.theme!r} names no feedback theme: tag the "
                        f"ticket with one of {', '.join(themes)} (mkdocs.yml), or add the theme there"
                    )
                    continue
                if read.day is None:
                    report.not_counted.append(
                        f"{shown}:{line}: not counted: column {columns.date!r} holds no date: "
                        "give dates like 2026-04-02"
                    )
                    continue
                guessed = guessed or read.guess is not None
                channel = _channel(row.get(columns.channel) if columns.channel else None, shown, line, report)
                for theme in dict.fromkeys(found):
                    tallies.setdefault(theme, Tally(theme)).add(read.day, channel)
                report.counted += 1
    except UnicodeDecodeError:
        raise Refused(f"{shown}: not UTF-8 text: export the CSV as UTF-8") from None
    except csv.Error as exc:
        raise Refused(f"{shown}: cannot be read as CSV ({exc})") from None
    except OSError as exc:
        raise Refused(f"{shown}: cannot read the file: {exc.strerror or exc}") from None
    if guessed:
        order = "MM/DD/YYYY" if month_first else "DD/MM/YYYY"
        other = "without --month-first" if month_first else "--month-first"
        report.notes.append(f"note: dates like 03/04/2026 were read as {order} ({other} reads them the other way)")
    return tallies, report


def _plain(tag: str) -> str:
    return re.sub(r"[\s_-]+", " ", tag).strip().lower()


def _channel(value: str | None, shown: str, line: int, report: Imported) -> str | None:
    word = (value or "").strip().lower()
    if not word:
        return None
    word = _CHANNEL_NAMES.get(word, word)
    if not _CHANNEL.match(word):
        report.notes.append(
            f"{shown}:{line}: note: the channel was left out: it does not look like a channel's name (chat, e-mail, "
            "phone), and a ticket's other details are not copied"
        )
        return None
    return word


@dataclass(frozen=True)
class Write:
    """A record to create or rewrite, and the report's line for it."""

    path: str
    text: bytes
    create: bool
    line: str


def plan(
    corpus: Corpus, tallies: dict[str, Tally], report: Imported, *, owner: str | None, today: dt.date
) -> list[Write]:
    """A write for each theme: into its one open record, or a new record; a theme with several open
    records is reported and not counted."""
    writes: list[Write] = []
    for theme, tally in sorted(tallies.items()):
        assert tally.earliest is not None
        open_records = [r for r in corpus.feedback.values() if r.theme == theme and r.status in OPEN]
        if len(open_records) > 1:
            names = ", ".join(r.path for r in open_records)
            report.not_counted.append(
                f"theme '{theme}': {tally.tickets} ticket(s) not counted: {names} are all open with this theme; "
                "merge them or close all but one, then import again"
            )
            report.counted -= tally.tickets
            continue
        if open_records:
            writes.append(_added(corpus, open_records[0], tally))
        else:
            writes.append(_created(corpus, tally, owner=owner, today=today, taken=[w.path for w in writes]))
    return writes


def _added(corpus: Corpus, record: Feedback, tally: Tally) -> Write:
    assert tally.earliest is not None
    raw = corpus.settings.path(record.path).read_bytes()
    received = min(record.received, tally.earliest)
    channels = list(record.channels) + [c for c in tally.channels if c not in record.channels]
    updates: dict[str, object] = {"raised": record.raised + tally.tickets}
    changes = [f"raised {record.raised} -> {record.raised + tally.tickets}"]
    if received != record.received:
        updates["received"] = received
        changes.append(f"received {record.received.isoformat()} -> {received.isoformat()}")
    if channels != list(record.channels):
        updates["channels"] = channels
        changes.append(f"channels + {', '.join(c for c in channels if c not in record.channels)}")
    text = edit_front_matter(record.path, raw, updates)
    check_loads(record.path, text.decode("utf-8-sig"), FEEDBACK_FIELDS)
    line = f"{record.path}: added {tally.tickets} ticket(s) of theme '{tally.theme}' ({'; '.join(changes)})"
    return Write(record.path, text, False, line)


def _created(corpus: Corpus, tally: Tally, *, owner: str | None, today: dt.date, taken: Sequence[str]) -> Write:
    assert tally.earliest is not None
    if owner is None:
        raise Refused(
            f"theme '{tally.theme}' has no open feedback record, so one is created: give its owner with --owner"
        )
    settings = corpus.settings
    used = {file_stem(p) for p in taken} | set(corpus.feedback)
    base = slugify(tally.theme) or "feedback"
    names = (f"{base}-{n}" if n > 1 else base for n in range(1, len(used) + 2))
    feedback_id = next(name for name in names if name not in used)
    title = f"TODO: what customers said about {tally.theme}, in their words"
    record = new_feedback(
        settings,
        title,
        theme=tally.theme,
        owner=owner,
        today=today,
        feedback_id=feedback_id,
        raised=tally.tickets,
        channels=tally.channels,
    )
    text = edit_front_matter(record.path, record.text.encode("utf-8"), {"received": tally.earliest})
    channels = f" ({', '.join(tally.channels)})" if tally.channels else ""
    line = (
        f"{record.path}: created for theme '{tally.theme}': {tally.tickets} ticket(s) from "
        f"{tally.earliest.isoformat()}{channels}; write its title in the customers' words"
    )
    return Write(record.path, text, True, line)


def apply(corpus: Corpus, writes: Sequence[Write]) -> None:
    """Write every record; a record created since the plan is refused, never overwritten."""
    for write in writes:
        target = corpus.settings.path(write.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with target.open("xb" if write.create else "wb") as out:
                out.write(write.text)
        except FileExistsError:
            raise Refused(f"{write.path} already exists: not overwritten; import again") from None
