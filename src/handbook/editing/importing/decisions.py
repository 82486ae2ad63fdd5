"""`handbook import-decisions`: decision records from adr-tools, MADR 2-4 and log4brains, numbered
and linked as decisions/NNNN-slug.md."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ...errors import HandbookError
from ...numbering import used_decision_numbers
from ...records import DecisionStatus
from ...schema import DECISION_FIELDS
from ...settings import Settings
from ..scaffold import slugify
from ..writing import front_matter
from .reading import FILE_NUMBER, LINK, ReadDate, Ref, read_date, read_status, refs
from .report import ImportReport, Outcome
from .sources import (
    FENCE,
    KEY_LINE,
    MARKER,
    Source,
    already_imported,
    finish,
    key_lines,
    original_lines,
    read_source,
    section,
    title_from_name,
    to_import,
    top_section,
    without_scripts,
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


@dataclass
class _Decision:
    """A decision read from a source file, before it has a number in the handbook."""

    outcome: Outcome
    source: Source
    source_number: int | None
    title: str
    status: DecisionStatus
    date: dt.date
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


def _read_decision(source: Source, *, today: dt.date, month_first: bool) -> _Decision:
    outcome = Outcome(source.label, notes=list(source.removed))
    notes = outcome.notes
    meta = {} if source.meta_error else source.meta
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
    for key in ("status", "date", "deciders", "decision-makers", "consulted", "informed", "tags"):
        if salvaged.get(key) and not keys.get(key) and not (key == "status" and status_text):
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
    if title is None:
        raise ValueError("no title: no '# Title' heading, no 'title' in the front matter, and no usable file name")
    if file_number is not None and title_number is not None and file_number != title_number:
        outcome.guess(
            "number from the file name",
            f"the file name says {file_number:04d} but the title says {title_number}: {file_number:04d} used",
        )
    read = read_status(status_text or "")
    if read.status is None:
        status = DecisionStatus.PROPOSED
        outcome.guess(
            "status not recognised" if status_text else "no status",
            f"status '{(status_text or '').strip()[:60]}' not recognised: imported as 'proposed'"
            if status_text
            else "no status found: imported as 'proposed'",
        )
    else:
        status = read.status
        if read.guess:
            outcome.guess("status read from an unusual word", read.guess)
    date_value = meta.get("date") or keys.get("date")
    got = read_date(date_value, month_first=month_first)
    if got.day is None and file_date is not None:
        got = ReadDate(file_date)
    if got.note:
        notes.append(got.note)
    if got.guess:
        outcome.guess("date format assumed", got.guess)
    if got.day is None:
        got = ReadDate(today)
        outcome.guess(
            "date not understood" if date_value else "no date",
            (f"date '{date_value}' not understood" if date_value else "no date found")
            + f": today's date ({today.isoformat()}) used",
        )
    assert got.day is not None
    people = {
        "decision-makers": words(
            meta.get("decision-makers") or meta.get("deciders") or keys.get("decision-makers") or keys.get("deciders")
        ),
        "consulted": words(meta.get("consulted") or keys.get("consulted")),
        "informed": words(meta.get("informed") or keys.get("informed")),
    }
    tags = [
        t.lstrip("#")
        for t in words(meta.get("tags") or (re.sub(r"[\[\]]", ",", keys["tags"]) if "tags" in keys else None))
    ]
    supersedes = list(read.supersedes)
    meta_supersedes = meta.get("supersedes")
    for item in meta_supersedes if isinstance(meta_supersedes, list) else [meta_supersedes] if meta_supersedes else []:
        supersedes += refs(str(item)) if not isinstance(item, int) else [Ref(str(item), None, item)]
    slug = slugify(re.sub(r"^(?:adr|rfc)?[-_]?\d+[-_ ]*", "", stem, flags=re.I)) or slugify(title) or "decision"
    return _Decision(
        outcome, source, number, title, status, got.day, people, tags, supersedes, read.superseded_by, body, slug
    )


def import_decisions(
    settings: Settings, folder: Path, *, today: dt.date, dry_run: bool = False, month_first: bool = False
) -> ImportReport:
    """Read every file under `folder`; write each decision record found as decisions/NNNN-slug.md."""
    outcomes: list[Outcome] = []
    drafts: list[_Decision] = []
    done = already_imported(settings, settings.decisions_dir)
    for label, path in to_import(folder, done, outcomes):
        try:
            source = without_scripts(read_source(folder, path), settings)
            draft = _read_decision(source, today=today, month_first=month_first)
        except HandbookError as exc:
            outcomes.append(Outcome(label, reason=f"line {exc.line}: {exc.message}", group=exc.message))
            continue
        except NotARecord as exc:
            outcome = Outcome(label)
            outcome.skip(str(exc), exc.group)
            outcomes.append(outcome)
            continue
        except ValueError as exc:
            outcomes.append(Outcome(label, reason=str(exc)))
            continue
        outcomes.append(draft.outcome)
        drafts.append(draft)
    notes: list[str] = []
    _number(settings, drafts, notes)
    _link(drafts)
    renamed = {d.file_name: d.target_name for d in drafts if d.file_name != d.target_name}
    for draft in drafts:
        text = _decision_text(draft, renamed)
        target = f"{settings.decisions_dir.rstrip('/')}/{draft.target_name}"
        finish(settings, draft.outcome, target, text, DECISION_FIELDS, dry_run=dry_run, needs_title=True)
    return ImportReport(outcomes, dry_run, notes)


def _number(settings: Settings, drafts: list[_Decision], notes: list[str]) -> None:
    """Keep the source numbers when all are free and unique; otherwise renumber all, in order."""
    used = used_decision_numbers(settings)
    numbered = sorted(
        (d for d in drafts if d.source_number is not None), key=lambda d: (d.source_number or 0, d.source.rel)
    )
    numbers = [d.source_number for d in numbered]
    keep = (
        all(n is not None and 1 <= n <= 9999 for n in numbers)
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
            else "the source numbers repeat or do not fit 0001-9999"
        )
        for d in numbered:
            d.number = nxt
            nxt += 1
            assert d.source_number is not None
            d.outcome.notes.append(f"renumbered {d.source_number:04d} -> {d.number:04d}")
        if numbered:
            notes.append(f"all imported records were renumbered, in their order, because {why}")
    for d in sorted((d for d in drafts if d.source_number is None), key=lambda d: (d.date, d.source.rel)):
        d.number = nxt
        nxt += 1
        d.outcome.notes.append(
            f"numbered {d.number:04d}: the source file has no number (numbered by date after the others)"
        )


def _link(drafts: list[_Decision]) -> None:
    """Turn `supersedes`/`superseded by` references into `supersedes` numbers on the newer record."""
    by_file = {d.file_name.lower(): d for d in drafts}
    by_stem = {PurePosixPath(d.file_name).stem.lower(): d for d in drafts}
    by_number: dict[int, list[_Decision]] = {}
    for d in drafts:
        if d.source_number is not None:
            by_number.setdefault(d.source_number, []).append(d)

    def resolve(ref: Ref) -> _Decision | None:
        if ref.file:
            name = ref.file.lower()
            found = by_file.get(name) or by_stem.get(PurePosixPath(name).stem)
            if found is not None:
                return found
        same = by_number.get(ref.number, []) if ref.number is not None else []
        return same[0] if len(same) == 1 else None

    successor_of: dict[int, _Decision] = {}
    for d in drafts:
        pairs = [(d, ref, resolve(ref), "supersedes") for ref in d.supersedes]
        pairs += [(d, ref, resolve(ref), "superseded by") for ref in d.superseded_by]
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


def _decision_text(d: _Decision, renamed: Mapping[str, str]) -> str:
    meta: dict[str, Any] = {"status": d.status.value, "date": d.date}
    for key, people in d.people.items():
        if people:
            meta[key] = people
    if d.supersedes_resolved:
        meta["supersedes"] = sorted(d.supersedes_resolved)
    if d.tags:
        meta["tags"] = d.tags
    comments = [MARKER.format(command="import-decisions", source=d.source.label), *original_lines(d.source)]
    return front_matter(meta, comments) + _rewrite_links(d.body, renamed)


def _rewrite_links(body: str, renamed: Mapping[str, str]) -> str:
    if not renamed:
        return body

    def replace(m: re.Match[str]) -> str:
        target = m.group(2)
        path, _, anchor = target.partition("#")
        bare = path.removeprefix("./")
        if "/" in bare or urllib.parse.unquote(bare) not in renamed:
            return m.group(0)
        new = renamed[urllib.parse.unquote(bare)] + (f"#{anchor}" if anchor else "")
        return m.group(0).replace(target, new, 1)

    return LINK.sub(replace, body)
