"""What the text of an old record says, read as leniently as people wrote it: dates in any
common form, and statuses with their supersede links."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from ...records import DecisionStatus

LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_ADR_REF = re.compile(r"\b(?:ADR|RFC|decision)[-_ ]?#?0*(\d{1,5})\b", re.I)
_BARE_NUMBER = re.compile(r"(?:#|\b)0*(\d{1,5})\b")
FILE_NUMBER = re.compile(r"^(?:adr|rfc)?[-_]?(\d{1,8})(?=[-_ .]|$)", re.I)

# Status words seen in the wild, and what they mean in our closed vocabulary.
_STATUS_SYNONYMS: dict[str, DecisionStatus] = {
    "approved": DecisionStatus.ACCEPTED,
    "adopted": DecisionStatus.ACCEPTED,
    "agreed": DecisionStatus.ACCEPTED,
    "decided": DecisionStatus.ACCEPTED,
    "done": DecisionStatus.ACCEPTED,
    "implemented": DecisionStatus.ACCEPTED,
    "active": DecisionStatus.ACCEPTED,
    "draft": DecisionStatus.PROPOSED,
    "open": DecisionStatus.PROPOSED,
    "pending": DecisionStatus.PROPOSED,
    "wip": DecisionStatus.PROPOSED,
    "proposal": DecisionStatus.PROPOSED,
    "rfc": DecisionStatus.PROPOSED,
    "review": DecisionStatus.PROPOSED,
    "discussion": DecisionStatus.PROPOSED,
    "declined": DecisionStatus.REJECTED,
    "refused": DecisionStatus.REJECTED,
    "abandoned": DecisionStatus.REJECTED,
    "dropped": DecisionStatus.REJECTED,
    "depreciated": DecisionStatus.DEPRECATED,
    "obsolete": DecisionStatus.DEPRECATED,
    "retired": DecisionStatus.DEPRECATED,
    "archived": DecisionStatus.DEPRECATED,
    "superceded": DecisionStatus.SUPERSEDED,
    "replaced": DecisionStatus.SUPERSEDED,
}
_STATUS_FILLER = {"in", "under", "status", "is", "the", "was", "been", "has"}

# -- dates ------------------------------------------------------------------------
_TEXT_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")


@dataclass(frozen=True)
class ReadDate:
    day: dt.date | None
    note: str | None = None
    guess: str | None = None


def read_date(value: Any, *, month_first: bool = False) -> ReadDate:
    """A date from YAML or text: ISO, [bracketed], YYYYMMDD, DD/MM/YYYY and DD/MM/YY (assumption
    stated), `5 March 2021`, a month (`2018-11`, its first day, said), or the first of several
    (`2018-08-30; Last update: 2019-04-09`, said)."""
    read = _read_one_date(value, month_first=month_first)
    if read.day is not None or value is None or isinstance(value, dt.date):
        return read
    raw = str(value).strip()
    text = re.sub(r"<!--.*?-->", "", raw).strip()
    if m := re.fullmatch(r"\[?(\d{4})-(\d{1,2})\]?", text):
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            return read
        return ReadDate(day, guess=f"date '{raw}' names a month: its first day, {day.isoformat()}, used")
    if m := re.match(r"^\[?(\d{4}-\d{1,2}-\d{1,2})\]?\s*[;,(]\s*\S", text):
        first = _read_one_date(m.group(1))
        if first.day is not None:
            return ReadDate(first.day, note=f"date '{raw}' read as its first date, {first.day.isoformat()}")
    return read


def _read_one_date(value: Any, *, month_first: bool = False) -> ReadDate:
    if isinstance(value, dt.datetime):
        return ReadDate(value.date())
    if isinstance(value, dt.date):
        return ReadDate(value)
    if value is None:
        return ReadDate(None)
    raw = str(value).strip()
    text = re.sub(r"<!--.*?-->", "", raw).strip().strip("[]()`*_ ").strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.+Z-]*)?", text):
            return ReadDate(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        if m := re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", text):
            return ReadDate(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text):
            return ReadDate(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})", text):
            a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if len(m.group(3)) == 2:
                year += 2000 if year < 70 else 1900  # `10/04/18`: the years records were written in
            if a > 12 or (b <= 12 and not month_first):
                day = dt.date(year, b, a)
                if a > 12 or a == b:
                    return ReadDate(day, note=f"date '{raw}' read as {day.isoformat()} (DD/MM/YYYY)")
                other = dt.date(year, a, b).isoformat()
                return ReadDate(
                    day,
                    guess=(
                        f"date '{raw}' read as {day.isoformat()}: DD/MM/YYYY assumed (as MM/DD/YYYY it would be "
                        f"{other}; --month-first reads it so)"
                    ),
                )
            day = dt.date(year, a, b)
            if b > 12 or a == b:
                return ReadDate(day, note=f"date '{raw}' read as {day.isoformat()} (MM/DD/YYYY)")
            other = dt.date(year, b, a).isoformat()
            return ReadDate(
                day,
                guess=f"date '{raw}' read as {day.isoformat()}: MM/DD/YYYY assumed (as DD/MM/YYYY it would be {other})",
            )
    except ValueError:
        return ReadDate(None)
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    for fmt in _TEXT_DATE_FORMATS:
        try:
            return ReadDate(dt.datetime.strptime(cleaned, fmt).date())
        except ValueError:
            continue
    return ReadDate(None)


# -- status and supersede links -----------------------------------------------------
@dataclass(frozen=True)
class Ref:
    """A reference to another record, by linked file name and/or number (in the source's numbering)."""

    text: str
    file: str | None = None
    number: int | None = None
    # The link's target as written (`../backend/adr/x.md`), to tell apart files of one name.
    path: str | None = None


@dataclass
class ReadStatus:
    status: DecisionStatus | None = None
    guess: str | None = None
    supersedes: list[Ref] = field(default_factory=list)
    superseded_by: list[Ref] = field(default_factory=list)


def refs(text: str) -> list[Ref]:
    refs: list[Ref] = []
    rest = text
    for m in LINK.finditer(text):
        target = urllib.parse.unquote(m.group(2).split("#")[0])
        name = PurePosixPath(target).name if target.lower().endswith((".md", ".markdown")) else None
        number_m = _ADR_REF.search(m.group(1)) or (name and FILE_NUMBER.match(name))
        number = int(number_m.group(1)) if number_m else None
        if name or number is not None:
            refs.append(Ref(m.group(0), name, number, target if name else None))
        rest = rest.replace(m.group(0), " ")
    for m in _ADR_REF.finditer(rest):
        refs.append(Ref(m.group(0), None, int(m.group(1))))
    rest = _ADR_REF.sub(" ", rest)
    for m in _BARE_NUMBER.finditer(rest):
        refs.append(Ref(m.group(0), None, int(m.group(1))))
    return refs


def read_status(text: str) -> ReadStatus:
    """Status and supersede links: `Accepted.`, `✅ accepted; supersedes ADR-0045`, `Superseded by [..](0015-x.md)`."""
    result = ReadStatus()
    cleaned = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    clauses = [c.strip() for c in re.split(r"[;\n]", cleaned) if c.strip()]
    for clause in clauses:
        lower = clause.lower()
        if m := re.search(r"\b(?:superseded|superceded|replaced)\s+by\b", lower):
            result.superseded_by += refs(clause[m.end() :])
        elif m := re.search(r"\b(?:supersedes|supercedes|replaces)\b", lower):
            result.supersedes += refs(clause[m.end() :])
    if not clauses:
        return result
    first = LINK.sub(" ", clauses[0])
    words = [w for w in re.findall(r"[a-z]+", first.lower()) if w not in _STATUS_FILLER]
    if not words:
        return result
    word = words[0]
    original = clauses[0] if len(clauses[0]) <= 60 else clauses[0][:57] + "..."
    vocabulary = {m.value: m for m in DecisionStatus}
    if word in vocabulary:
        result.status = vocabulary[word]
    elif word in _STATUS_SYNONYMS:
        result.status = _STATUS_SYNONYMS[word]
        result.guess = f"status '{original}' read as '{result.status.value}'"
    else:
        close = difflib.get_close_matches(word, [*vocabulary, *_STATUS_SYNONYMS], n=1, cutoff=0.75)
        if close:
            result.status = vocabulary.get(close[0]) or _STATUS_SYNONYMS[close[0]]
            result.guess = f"status '{original}' read as '{result.status.value}'"
    return result
