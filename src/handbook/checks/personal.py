"""HB322: personal data in a feedback record (e-mail addresses, phone and card numbers, UK postcodes
and street addresses). The handbook is read by all staff and kept in git for ever; customers'
details belong in the support tool. A line that is not personal data says so with a comment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..cache import entries, kept_by_text
from .findings import Finding, finding

if TYPE_CHECKING:
    from ..cache import Cache
    from ..loading import Corpus

# `<!-- handbook: not-personal-data -->` in Markdown, `# handbook: not-personal-data` in front matter.
SILENCED = re.compile(r"(?:<!--|#)\s*handbook:\s*not-personal-data\b")
EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Digits in one run with the separators people type: spaces, hyphens, dots, brackets, a leading +.
# (The lookahead skips runs too short to hold 9 digits before the pattern proper is tried.)
NUMBER = re.compile(r"(?<![\w+.-])(?=[+(]?\d[\d ().-]{7})\+?\d*(?:[ .-]?\(\d+\)[ .-]?)?\d+(?:[ .-]\d+)*(?!\w)")
# Lines with neither a digit nor an '@' hold none of it: most lines, skipped at C speed.
CANDIDATE = re.compile(r"[\d@]")
CARD = re.compile(r"^\d(?:[ -]?\d){12,18}$")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# A UK postcode as written on an envelope (uppercase, a space before the inward code).
POSTCODE = re.compile(r"\b(?:GIR 0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2})\b")
# A house number, a capitalised name and a street word: "12 Acacia Avenue".
STREET = re.compile(
    r"\b\d{1,4}[A-Za-z]?,? (?:[A-Z][a-z]+ ){1,3}"
    r"(?:Street|Road|Avenue|Lane|Close|Drive|Crescent|Gardens|Terrace|Grove|Mews|Square|Boulevard)\b"
)
MESSAGE = (
    "personal data: {what} (column {column}): keep customers' details in the support tool, not in the handbook; "
    "remove it"
)


@dataclass(frozen=True)
class Found:
    line: int
    column: int
    what: str


def check(corpus: Corpus, cache: Cache | None = None) -> list[Finding]:
    """Each piece of personal data in a feedback file, front matter and text, at its line."""
    findings = []
    for record in corpus.feedback.values():
        try:
            text = corpus.settings.path(record.path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # (it loaded a moment ago: a file changing under the check is the next run's)
        for found in _cached(text, cache):
            message = MESSAGE.format(what=found.what, column=found.column)
            findings.append(finding(record.path, found.line, "HB322", message))
    return findings


def _cached(text: str, cache: Cache | None) -> list[Found]:
    return kept_by_text(
        cache, "personal", text, lambda: list(scan(text)),
        encode=lambda found: [[f.line, f.column, f.what] for f in found],
        decode=lambda kept: [Found(*entry) for entry in entries(kept)],
    )  # fmt: skip


def scan(text: str) -> Iterator[Found]:
    """What looks like personal data in `text`, line by line (lines counted from 1)."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not CANDIDATE.search(line) or SILENCED.search(line):
            continue
        for match in EMAIL.finditer(line):
            yield Found(number, match.start() + 1, "an e-mail address")
        for match in NUMBER.finditer(line):
            what = _number(match.group())
            if what is not None:
                yield Found(number, match.start() + 1, what)
        for match in POSTCODE.finditer(line):
            yield Found(number, match.start() + 1, "a postcode")
        for match in STREET.finditer(line):
            yield Found(number, match.start() + 1, "a street address")


def _number(text: str) -> str | None:
    # Dates beside other numbers ("2026-08-20 140") are neither card nor phone numbers.
    dated = ISO_DATE.search(text) is not None
    digits = "".join(c for c in ISO_DATE.sub("", text) if c.isdigit())
    if not dated and CARD.match(text) and luhn(digits):
        return "a card number"
    # E.164: a phone number has at most 15 digits.
    if 9 <= len(digits) <= 15:
        return "a phone number"
    return None


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0
