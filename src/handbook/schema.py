"""Front-matter schemas: one per record kind, every key typed, unknown keys reported."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .errors import HandbookError
from .frontmatter import Document

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


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be text, got {_describe(value)}")
    return value.strip()


def whole(minimum: int) -> Convert:
    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            quoted = " (remove the quotes)" if isinstance(value, str) and value.strip().isdigit() else ""
            raise ValueError(f"must be a whole number, got {_describe(value)}{quoted}")
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


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {_describe(value)}")
    return value


def words(item: Convert = text) -> Convert:
    """A list of items; a single item is taken as a list of one."""

    def convert(value: Any) -> tuple[Any, ...]:
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        result = []
        for entry in items:
            try:
                result.append(item(entry))
            except ValueError as exc:
                raise ValueError(f"has an entry that {exc}") from None
        return tuple(result)

    return convert


def slug(value: Any) -> str:
    value = text(value)
    if not SLUG.match(value):
        raise ValueError(f"must be a lowercase id like 'refunds-and-returns', got {value!r}")
    return value


def one_of(allowed: Iterable[str], what: str) -> Convert:
    choices = tuple(allowed)

    def convert(value: Any) -> str:
        value = text(value)
        if value not in choices:
            close = difflib.get_close_matches(value.lower(), choices, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(f"has unknown {what} {value!r}{hint}: use one of {', '.join(choices)}")
        return value

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
    for name, spec in schema.items():
        if name not in doc.meta or doc.meta[name] is None and spec.required:
            if spec.required:
                line = doc.line_of(name) if name in doc.meta else 1
                errors.append(HandbookError(doc.path, line, f"missing '{name}': add '{name}: ...' to the front matter"))
            else:
                values[spec.attribute] = spec.default
            continue
        try:
            values[spec.attribute] = spec.convert(doc.meta[name])
        except ValueError as exc:
            errors.append(HandbookError(doc.path, doc.line_of(name), f"'{name}' {exc}"))
    if errors:
        raise LoadErrors(errors)
    return values


class LoadErrors(Exception):
    """Several problems found in one file; each is a HandbookError."""

    def __init__(self, errors: list[HandbookError]) -> None:
        super().__init__(errors)
        self.errors = errors

