"""Front-matter schemas: the typed values a key may hold, and one schema per record kind; unknown
keys reported."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .errors import HandbookError
from .frontmatter import Document
from .oldaddress import old_address
from .records import DecisionStatus, PolicyStatus
from .settings import Settings

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
Convert = Callable[[Any], Any]


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def control_problem(value: str, *, one_line: bool) -> str | None:
    """What is wrong with a control character in `value` (a tab aside), or None: pages would
    carry it raw, and feeds drop it, so it is refused rather than shown two ways."""
    for char in value:
        if unicodedata.category(char) == "Cc" and char != "\t":
            if char == "\n" and not one_line:
                continue
            if char == "\n":
                return "has a line break: write it on one line"
            return f"has a control character (U+{ord(char):04X}): remove it"
    return None


def text(value: Any) -> str:
    """Text, possibly of several lines (a summary)."""
    if isinstance(value, (bool, int, float, dt.date)):
        # YAML reads `1984`, `no` and `2026-01-05` as other things than text.
        raise ValueError(f"must be text, got {_describe(value)}: put it in quotes")
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be text, got {_describe(value)}")
    problem = control_problem(value.strip(), one_line=False)
    if problem:
        raise ValueError(problem)
    return value.strip()


def line(value: Any) -> str:
    """Text on one line: a title, a name, a tag."""
    words = text(value)
    problem = control_problem(words, one_line=True)
    if problem:
        raise ValueError(problem)
    return words


def whole(minimum: int, maximum: int | None = None) -> Convert:
    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            quoted = " (remove the quotes)" if isinstance(value, str) and value.strip().isdigit() else ""
            raise ValueError(f"must be a whole number, got {_describe(value)}{quoted}")
        if maximum is not None and not minimum <= value <= maximum:
            raise ValueError(f"must be a whole number from {minimum} to {maximum}, got {value}")
        if value < minimum:
            raise ValueError(f"must be a whole number from {minimum}, got {value}")
        return value

    return convert


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"must be a date (YYYY-MM-DD), got a date and time {value.isoformat()}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"must be a date (YYYY-MM-DD), got {_describe(value)}")


def date_from(first: dt.date) -> Convert:
    """A date no earlier than `first` (and, as every date, no later than 9999-12-31)."""

    def convert(value: Any) -> dt.date:
        day = date(value)
        if day < first:
            raise ValueError(f"must be a date from {first.isoformat()} to 9999-12-31, got {day.isoformat()}")
        return day

    return convert


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {_describe(value)}")
    return value


def words(item: Convert = line) -> Convert:
    """A list of items; a single item is taken as a list of one."""

    def convert(value: Any) -> tuple[Any, ...]:
        if value is None:
            return ()
        if isinstance(value, dict):
            raise ValueError("must be a list like [a, b], got a mapping")
        items = value if isinstance(value, list) else [value]
        result = []
        for entry in items:
            try:
                result.append(item(entry))
            except ValueError as exc:
                message = str(exc)
                raise ValueError(f"has an entry that {message}" if message.startswith("must") else message) from None
        return tuple(result)

    return convert


def id_like(example: str) -> Convert:
    """A lowercase id (letters, digits, hyphens); `example` shows the reader one."""

    def convert(value: Any) -> str:
        word = text(value)
        if not SLUG.match(word):
            raise ValueError(f"must be a lowercase id like '{example}', got {word!r}")
        return word

    return convert


slug = id_like("refunds-and-returns")

def email(value: Any) -> str:
    address = text(value)
    local, _, domain = address.partition("@")
    if not local or "." not in domain.strip(".") or any(c in address for c in " <>\"',;") or "@" in domain:
        raise ValueError(f"must be an email address like 'team@example.com', got {address!r}")
    return address


def one_of(allowed: Iterable[str], what: str, *, listed: str | None = None) -> Convert:
    """One of `allowed`; `listed` says where they are listed (default: the `what`s in mkdocs.yml)."""
    choices = tuple(allowed)
    where = listed or f"the {what}s in mkdocs.yml"

    def convert(value: Any) -> str:
        word = text(value)
        if word not in choices:
            close = difflib.get_close_matches(word.lower(), choices, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(f"has unknown value {word!r}{hint}: use one of {', '.join(choices)} ({where})")
        return word

    return convert


# One part of a path or web address: no '/', never '.' or '..', nothing a file system or URL treats apart.
SEGMENT = re.compile(r"\w[\w.-]*")
# Longest file name most file systems take is 255 bytes; the site adds '.html' or a folder to it.
MAX_SEGMENT_BYTES = 200


def path_segment(example: str) -> Convert:
    """Text that becomes one part of a file's path on the site, like a post's `slug`."""

    def convert(value: Any) -> str:
        text(value)  # (its messages for numbers, dates and empty values)
        if not SEGMENT.fullmatch(value):
            raise ValueError(
                f"must be one part of a web address, like '{example}' (letters, digits, '-', '_' and '.', "
                f"starting with a letter or digit), got {value!r}"
            )
        if len(value.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise ValueError(f"is {len(value.encode('utf-8'))} bytes long: shorten it to {MAX_SEGMENT_BYTES} at most")
        return str(value)

    return convert


@dataclass(frozen=True)
class Field:
    name: str
    convert: Convert
    required: bool = False
    default: Any = None

    @property
    def attribute(self) -> str:
        return self.name.replace("-", "_")


def validate(doc: Document, fields: Iterable[Field], *, passthrough: Iterable[str] = ()) -> dict[str, Any]:
    """Typed values by attribute name, or HandbookError listing every problem in the file."""
    schema = {f.name: f for f in fields}
    allowed = set(schema) | set(passthrough)
    values: dict[str, Any] = {}
    errors: list[HandbookError] = []
    for key in doc.meta:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(sorted(schema))}"
            errors.append(HandbookError(doc.path, doc.line_of(key), f"unknown key '{key}': {hint}"))
    missing = [name for name, spec in schema.items() if spec.required and name not in doc.meta]
    if len(missing) == 1:
        errors.append(
            HandbookError(doc.path, doc.first_line, f"missing '{missing[0]}': add a line '{missing[0]}: ...'")
        )
    elif missing:
        listed = ", ".join(f"'{name}'" for name in missing[:-1]) + f" and '{missing[-1]}'"
        errors.append(HandbookError(doc.path, doc.first_line, f"missing {listed}: add a line 'key: ...' for each"))
    for name, spec in schema.items():
        if name not in doc.meta:
            values[spec.attribute] = spec.default
            continue
        value = doc.meta[name]
        try:
            if value is None and spec.required:
                raise ValueError("is empty")
            values[spec.attribute] = spec.convert(value)
        except ValueError as exc:
            if value is None:
                remedy = "give it a value" if spec.required else "give it a value or remove the line"
                errors.append(HandbookError(doc.path, doc.line_of(name), f"'{name}' is empty: {remedy}"))
            else:
                errors.append(HandbookError(doc.path, doc.line_of(name), f"'{name}' {exc}"))
    if errors:
        raise LoadErrors(errors)
    return values


class LoadErrors(Exception):
    """Several problems found in one file; each is a HandbookError."""

    def __init__(self, errors: list[HandbookError]) -> None:
        super().__init__(errors)
        self.errors = errors


# -- one schema per record kind ------------------------------------------------------------------

# A decision's file name: a 4-digit number and a lowercase slug, like 0007-use-a-shared-inbox.
DECISION_NAME = re.compile(r"^(\d{4})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
# Material's own page keys, allowed on records and passed through to the theme.
PAGE_KEYS = ("hide", "description")
# Ten years between reviews at most: a larger number is a typo, and can run past 9999-12-31.
MAX_REVIEW_MONTHS = 120
# Feeds date versions and decisions in RFC 5322, whose years start at 1900: an earlier date is a slip.
record_date = date_from(dt.date(1900, 1, 1))

# What an imported decision whose source gives no date says instead (`handbook check` warns, HB107).
UNKNOWN_DATE = "unknown"


def decision_date(value: Any) -> dt.date | None:
    """A decision's date, or None for `date: unknown` (the one spelling: an import found no date)."""
    if isinstance(value, str) and value.strip() == UNKNOWN_DATE:
        return None
    day: dt.date = record_date(value)
    return day


def policy_fields(settings: Settings) -> tuple[Field, ...]:
    return (
        Field("title", line, required=True),
        Field("version", whole(1), required=True),
        Field("status", PolicyStatus.from_text, required=True),
        Field("owner", id_like("support-ops"), required=True),
        Field("effective", record_date, required=True),
        Field("reviewed", record_date, required=True),
        Field("review_every", whole(1, MAX_REVIEW_MONTHS), default=settings.review_every),
        Field("audience", words(one_of(settings.audiences, "audience")), required=True),
        Field("summary", text, required=True),
        Field("changes", text, required=True),
        Field("supersedes", slug),
        Field("tags", words(), default=()),
        Field("priority", whole(1)),
        Field("acknowledge", boolean, default=False),
        Field("redirect_from", words(old_address), default=()),
    )


DECISION_FIELDS = (
    Field("status", DecisionStatus.from_text, required=True),
    Field("date", decision_date, required=True),
    Field("decision-makers", words(), default=()),
    Field("consulted", words(), default=()),
    Field("informed", words(), default=()),
    Field("supersedes", words(whole(0)), default=()),  # 0: a folder numbered from 0000
    Field("policies", words(slug), default=()),
    Field("tags", words(), default=()),
)

OWNER_FIELDS = (
    Field("name", line, required=True),
    Field("email", email, required=True),
    Field("handle", line, required=True),
)
