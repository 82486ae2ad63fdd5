"""One source file read as a decision record: its title and number, status, date, people, tags
and supersede references, as adr-tools/Nygard, MADR 2-4 and log4brains write them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from ...records import DecisionStatus
from ...schema import UNKNOWN_DATE
from ..scaffold import slugify
from .ordering import ImportedDecision
from .reading import FILE_NUMBER, Ref, read_date, read_status, refs
from .report import Outcome
from .sourcerepo import SourceRepo
from .sources import (
    FENCE,
    KEY_LINE,
    TEMPLATE,
    Source,
    is_placeholder,
    is_unfilled,
    key_lines,
    section,
    template_evidence,
    title_from_name,
    top_section,
    words,
)

_ATX_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_NUMBERED_TITLE = (
    re.compile(r"^(?:(?:ADR|RFC)[-_\s]*)?#?0*(\d{1,5})\s*[.:)]\s*(.+)$", re.I),
    re.compile(r"^(?:(?:ADR|RFC)[-_\s]*)?#?0*(\d{1,5})\s+[-–—]\s+(.+)$", re.I),
    re.compile(r"^(?:ADR|RFC)[-_\s]*#?0*(\d{1,5})\s+(.+)$", re.I),
)


# -- decisions --------------------------------------------------------------------
class NotARecord(ValueError):
    """A file that is not a decision record: skipped and reported, not a failure."""

    def __init__(self, reason: str, group: str) -> None:
        super().__init__(reason)
        self.group = group


def _title_and_body(source: Source, file_number: int | None, outcome: Outcome) -> tuple[str | None, int | None, str]:
    """The title, the number in it (`# 12. Title`), and the body with a plain `# Title` first heading."""
    lines = source.body.split("\n")
    fenced = False
    meta_title = source.meta.get("title")
    for i, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        heading = _ATX_H1.match(line)
        setext = (
            not heading and line.strip() and i + 1 < len(lines) and re.fullmatch(r"=+\s*", lines[i + 1]) is not None
        )
        if not heading and not setext:
            if line.strip() and not KEY_LINE.match(line.replace("**", "")) and not line.startswith(("#", "<!--")):
                break  # the text started without a title heading
            continue
        title = heading.group(1) if heading else line.strip()
        number = None
        for pattern in _NUMBERED_TITLE:
            if m := pattern.match(title):
                number, title = int(m.group(1)), m.group(2).strip()
                break
        else:
            if file_number is not None and (m := re.match(rf"^0*{file_number}\s+(.+)$", title)):
                number, title = file_number, m.group(1).strip()
        span = 1 if heading else 2
        lines[i : i + span] = [f"# {title}"]
        return title, number, "\n".join(lines)
    if isinstance(meta_title, str) and meta_title.strip():
        title = meta_title.strip()
    else:
        title = title_from_name(PurePosixPath(source.rel).stem)
        if not title:
            return None, None, source.body
        outcome.guess("title from the file name", f"no title heading: title '{title}' made from the file name")
    return title, None, f"# {title}\n\n" + source.body.lstrip("\n")


@dataclass(frozen=True)
class ReadingOptions:
    """How an import reads what its records leave out."""

    default_status: DecisionStatus = DecisionStatus.ACCEPTED
    month_first: bool = False
    # The repository holding the source folder: the day each file was first committed.
    repo: SourceRepo | None = None
    # The summary's tag for a log4brains package's records.
    package_tags: Mapping[str, str] = field(default_factory=dict)


def read_decision(source: Source, options: ReadingOptions) -> ImportedDecision:
    """One source file read as a decision record, every guess and default listed in its outcome."""
    outcome = Outcome(source.label, notes=list(source.removed))
    meta = {} if source.meta_error else source.meta
    # MADR's template fields left unfilled (`date: {YYYY-MM-DD when ...}` is a YAML mapping).
    unfilled = sorted(k for k, v in meta.items() if is_unfilled(v))
    if unfilled:
        outcome.notes.append(f"unfilled template fields ignored: {', '.join(unfilled)}")
        meta = {k: v for k, v in meta.items() if k not in unfilled}
    # Lines salvaged from broken front matter are used only where the text says nothing.
    salvaged = source.meta if source.meta_error else {}
    stem = PurePosixPath(source.rel).stem
    if source.meta_error:
        outcome.guess(
            "front matter not valid YAML", f"{source.meta_error}: kept as comments; the record is read from the text"
        )
    file_number: int | None = None
    file_date: dt.date | None = None
    if m := FILE_NUMBER.match(stem):
        digits = m.group(1)
        if len(digits) == 8 and (d := read_date(digits).day) is not None:
            file_date = d  # log4brains: `20230117-slug.md`
        elif len(digits) <= 5:
            file_number = int(digits)
    title, title_number, body = _title_and_body(source, file_number, outcome)
    keys = key_lines(top_section(body))
    status_section = section(body, "status")
    status_text = next((str(v) for v in (meta.get("status"), keys.get("status")) if v), None)
    if status_text is None and status_section:
        status_text = "\n".join(line for line in status_section if line.strip())
    if "tags" not in keys and "tag" in keys:
        keys["tags"] = keys.pop("tag")
    if "tag" in salvaged and "tags" not in salvaged:
        salvaged["tags"] = salvaged.pop("tag")  # `tag:Web Client`, read key by key
    for key in ("status", "date", "deciders", "decision-makers", "consulted", "informed", "tags"):
        value = str(salvaged.get(key) or "")
        if is_placeholder(value) or (" " in value and is_placeholder(f"[{value}]")):
            outcome.notes.append(f"unfilled template field ignored: {key}")
            continue
        if value and not keys.get(key) and not (key == "status" and status_text):
            keys[key] = str(salvaged[key])
            outcome.guess(
                "value from broken front matter", f"'{key}: {salvaged[key]}' taken from the broken front matter"
            )
    if status_text is None and keys.get("status"):
        status_text = keys["status"]
    number = file_number if file_number is not None else title_number
    looks_like_record = (
        status_text
        or meta.get("date")
        or keys.get("date")
        or number is not None
        or file_date is not None
        or section(body, "context")
        or section(body, "context and problem statement")
        or section(body, "decision")
    )
    if not looks_like_record:
        raise NotARecord(
            "not a decision record: no status, date or number, and no 'Context' or 'Decision' section",
            "not a decision record (no status, date, number or 'Context'/'Decision' section)",
        )
    date_value = meta.get("date") or keys.get("date")
    evidence = template_evidence(title, status_text, None if date_value is None else str(date_value))
    if evidence is not None:
        raise NotARecord(f"a template, not a record: {evidence}", TEMPLATE)
    if status_text is not None and is_placeholder(status_text.strip()):
        outcome.notes.append(f"status '{status_text.strip()}' is an unfilled placeholder: ignored")
        status_text = None
    if title is None:
        raise ValueError("no title: no '# Title' heading, no 'title' in the front matter, and no usable file name")
    if file_number is not None and title_number is not None and file_number != title_number:
        outcome.guess(
            "number from the file name",
            f"the file name says {file_number:04d} but the title says {title_number}: {file_number:04d} used",
        )
    read = read_status(status_text or "")
    if read.status is None:
        status = options.default_status
        outcome.guess(
            f"status not recognised: '{status.value}' by default" if status_text else f"no status: '{status.value}'",
            f"status '{(status_text or '').strip()[:60]}' not recognised: imported as '{status.value}' "
            "(--default-status)"
            if status_text
            else f"no status found: imported as '{status.value}' (--default-status)",
        )
    else:
        status = read.status
        if read.guess:
            outcome.guess("status read from an unusual word", read.guess)
    day = _date(source, date_value, file_date, options, outcome)
    people = {
        "decision-makers": words(
            meta.get("decision-makers") or meta.get("deciders") or keys.get("decision-makers") or keys.get("deciders")
        ),
        "consulted": words(meta.get("consulted") or keys.get("consulted")),
        "informed": words(meta.get("informed") or keys.get("informed")),
    }
    tags = [
        t.lstrip("#")
        for t in words(
            meta.get("tags") or meta.get("tag") or (re.sub(r"[\[\]]", ",", keys["tags"]) if "tags" in keys else None)
        )
    ]
    package = next((tag for folder, tag in options.package_tags.items() if source.rel.startswith(folder)), None)
    if package and package not in tags:
        tags.append(package)
    supersedes = list(read.supersedes)
    meta_supersedes = meta.get("supersedes")
    for item in meta_supersedes if isinstance(meta_supersedes, list) else [meta_supersedes] if meta_supersedes else []:
        supersedes += refs(str(item)) if not isinstance(item, int) else [Ref(str(item), None, item)]
    slug = slugify(re.sub(r"^(?:adr|rfc)?[-_]?\d+[-_ ]*", "", stem, flags=re.I)) or slugify(title) or "decision"
    return ImportedDecision(
        outcome, source, number, title, status, day, people, tags, supersedes, read.superseded_by, body, slug
    )


def _date(
    source: Source, value: Any, file_date: dt.date | None, options: ReadingOptions, outcome: Outcome
) -> dt.date | None:
    """The record's date: from its text or front matter, its file name (log4brains), the commit that
    first added it to its repository, or None (`date: unknown`); never the day of the import."""
    got = read_date(value, month_first=options.month_first)
    if got.note:
        outcome.notes.append(got.note)
    if got.guess:
        outcome.guess("date format assumed", got.guess)
    if got.day is not None:
        return got.day
    if file_date is not None:
        return file_date
    said = f"date '{value}' not understood" if value else "no date found"
    added = options.repo.added.get(source.rel) if options.repo is not None else None
    if added is not None:
        outcome.guess(
            "date from the commit that added the file",
            f"{said}: {added.isoformat()}, the day the file was first committed",
        )
        return added
    outcome.guess("date unknown", f"{said}: written as 'date: {UNKNOWN_DATE}' (`handbook check` warns until it is set)")
    return None
