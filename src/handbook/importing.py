"""Import decision records (adr-tools/Nygard, MADR 2-4, log4brains) and plain Markdown policies.

Every file read gets a verdict: imported, imported with guesses (each guess listed), or not
imported (and why). The original text is kept: the body is copied as it was, except that a
numbered title (`# 12. Use X`) becomes `# Use X` and links to renamed records are updated; the
original front matter is kept as YAML comments in ours.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from . import schema as s
from .errors import HandbookError
from .frontmatter import Document, decode, parse_document, parse_mapping
from .loading import first_heading, load_owners
from .schema import DECISION_FIELDS, PAGE_KEYS, policy_fields
from .rawhtml import strip_unsafe
from .records import DecisionStatus, PolicyStatus
from .scaffold import front_matter, slugify, used_decision_numbers
from .settings import Settings

MARKER = "Imported by `handbook {command}` from {source}"
_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_HEADING = re.compile(r"^#{1,6}\s")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_ADR_REF = re.compile(r"\b(?:ADR|RFC|decision)[-_ ]?#?0*(\d{1,5})\b", re.I)
_BARE_NUMBER = re.compile(r"(?:#|\b)0*(\d{1,5})\b")
_KEY_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?P<key>status|date|deciders|decision[- ]makers|consulted|informed|tags|effective(?: date)?|"
    r"(?:last )?reviewed(?: on)?|review date|version|owner)\s*:\s*(?P<value>.*?)\s*$",
    re.I,
)
_NUMBERED_TITLE = (
    re.compile(r"^(?:(?:ADR|RFC)[-_\s]*)?#?0*(\d{1,5})\s*[.:)]\s*(.+)$", re.I),
    re.compile(r"^(?:(?:ADR|RFC)[-_\s]*)?#?0*(\d{1,5})\s+[-–—]\s+(.+)$", re.I),
    re.compile(r"^(?:ADR|RFC)[-_\s]*#?0*(\d{1,5})\s+(.+)$", re.I),
)
_KEY_ALIASES = {
    "decision makers": "decision-makers",
    "effective date": "effective",
    "last reviewed": "reviewed",
    "reviewed on": "reviewed",
    "last reviewed on": "reviewed",
    "review date": "reviewed",
}
_FILE_NUMBER = re.compile(r"^(?:adr|rfc)?[-_]?(\d{1,8})(?=[-_ .]|$)", re.I)
_SKIPPED_NAMES = ("readme", "index", "template", "toc", "summary", "_sidebar", "changelog")

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


# -- reading any source file ------------------------------------------------------
@dataclass
class Source:
    """A source file split into front matter (parsed, or salvaged from broken YAML) and body."""

    rel: str
    label: str
    meta: dict[str, Any]
    meta_lines: list[str]
    meta_error: str | None
    body: str
    body_line: int = 1
    # What was taken out of the body because it would run a script on the site (`_without_scripts`).
    removed: list[str] = field(default_factory=list)


def source_files(folder: Path) -> Iterator[Path]:
    """Every file and symlink under `folder`, sorted, skipping hidden files and folders (tool
    settings, .git). A symlink is listed so that it is reported, never followed."""
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not (path.is_symlink() or path.is_file()):
            continue
        yield path


def _read_source(folder: Path, path: Path) -> Source:
    rel = path.relative_to(folder).as_posix()
    label = (PurePosixPath(folder.name) / rel).as_posix()
    text = decode(label, path.read_bytes())
    if not text.strip():
        raise HandbookError(label, 1, "the file is empty")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return Source(rel, label, {}, [], None, text)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return Source(rel, label, {}, [], "front matter opened at line 1 is never closed: read it as text", text)
    block = lines[1:end]
    body = "\n".join(lines[end + 1 :])
    try:
        meta, _ = parse_mapping(label, "\n".join(block), first_line=2)
        return Source(rel, label, meta, block, None, body, end + 2)
    except HandbookError as exc:
        error = f"front matter is not valid YAML (line {exc.line}: {exc.message})"
    except (ValueError, TypeError, yaml.YAMLError) as exc:
        error = f"front matter is not valid YAML ({exc})"
    # Salvage simple `key: value` lines; every value taken from them is listed as a guess.
    salvaged: dict[str, Any] = {}
    for line in block:
        m = re.match(r"^([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$", line)
        if m and m.group(2) and m.group(1) not in salvaged:
            salvaged[m.group(1)] = m.group(2).strip("'\"")
    return Source(rel, label, salvaged, block, error, body, end + 2)


def _without_scripts(source: Source, settings: Settings) -> Source:
    """`source` with what would run a script on the site (a `<script>`, an `on...=` handler, a
    `javascript:` or `data:` link) taken out of its body, each one listed for the report."""
    body, removed = strip_unsafe(source.body, source.body_line, settings)
    source.body = body
    source.removed = [
        f"{source.label}:{unsafe.line}: removed {unsafe.what} (raw HTML that would run a script)" for unsafe in removed
    ]
    return source


SYMLINK = "a symlink, not followed: copy the file itself into the folder to import it"


def _skip_reason(path: Path) -> str | None:
    if path.suffix.lower() not in (".md", ".markdown"):
        return "not a Markdown file (copy it yourself if a record links to it)"
    stem = path.stem.lower()
    if stem in _SKIPPED_NAMES or "template" in stem:
        return f"'{path.name}' is the folder's index or template, not a record"
    return None


def _top_section(body: str) -> list[str]:
    """The lines before the first `##` heading: where metadata bullets and `Date:` lines live."""
    out = []
    for line in body.split("\n"):
        if line.startswith("##"):
            break
        out.append(line)
    return out


def _key_lines(lines: Iterable[str]) -> dict[str, str]:
    """`* Status: accepted`, `- Date: [2023-01-17]`, `Date: 2018-02-12`, `**Deciders:** a, b` by key."""
    found: dict[str, str] = {}
    for line in lines:
        m = _KEY_LINE.match(line.replace("**", "").replace("__", ""))
        if m:
            key = re.sub(r"\s+", " ", m.group("key").lower())
            key = _KEY_ALIASES.get(key, key)
            value = re.sub(r"<!--.*?-->", "", m.group("value")).strip()
            if value:
                found.setdefault(key, value)
    return found


def _section(body: str, name: str) -> list[str]:
    """The lines of the `## name` section, up to the next heading, outside code blocks."""
    lines = body.split("\n")
    fenced = False
    start = None
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and re.match(rf"^#{{2,3}}\s*{name}\s*:?\s*#*\s*$", line, re.I):
            start = i + 1
            break
    if start is None:
        return []
    out = []
    for line in lines[start:]:
        if _HEADING.match(line):
            break
        out.append(line)
    return out


def _words(value: Any) -> list[str]:
    """People or tags from a YAML list or a `a, b and c` string."""
    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(r"\s*[,;]\s*|\s+and\s+", str(value))
    out = []
    for item in items:
        text = re.sub(r"<!--.*?-->", "", str(item)).strip().strip("[]").strip()
        if text and text not in out:
            out.append(text)
    return out


# -- dates ------------------------------------------------------------------------
_TEXT_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")


@dataclass(frozen=True)
class ReadDate:
    day: dt.date | None
    note: str | None = None
    guess: str | None = None


def read_date(value: Any, *, month_first: bool = False) -> ReadDate:
    """A date from YAML or text: ISO, [bracketed], YYYYMMDD, DD/MM/YYYY (assumption stated), `5 March 2021`."""
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
        if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
            a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
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


@dataclass
class ReadStatus:
    status: DecisionStatus | None = None
    guess: str | None = None
    supersedes: list[Ref] = field(default_factory=list)
    superseded_by: list[Ref] = field(default_factory=list)


def _refs(text: str) -> list[Ref]:
    refs: list[Ref] = []
    rest = text
    for m in _LINK.finditer(text):
        target = urllib.parse.unquote(m.group(2).split("#")[0])
        name = PurePosixPath(target).name if target.lower().endswith((".md", ".markdown")) else None
        number_m = _ADR_REF.search(m.group(1)) or (name and _FILE_NUMBER.match(name))
        number = int(number_m.group(1)) if number_m else None
        if name or number is not None:
            refs.append(Ref(m.group(0), name, number))
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
            result.superseded_by += _refs(clause[m.end() :])
        elif m := re.search(r"\b(?:supersedes|supercedes|replaces)\b", lower):
            result.supersedes += _refs(clause[m.end() :])
    if not clauses:
        return result
    first = _LINK.sub(" ", clauses[0])
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


# -- decisions --------------------------------------------------------------------
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


def _title_from_name(stem: str) -> str:
    words = re.sub(r"^(?:adr|rfc)?[-_]?\d+[-_ ]*", "", stem, flags=re.I).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else ""


def _title_and_body(source: Source, file_number: int | None, guesses: list[str]) -> tuple[str | None, int | None, str]:
    """The title, the number in it (`# 12. Title`), and the body with a plain `# Title` first heading."""
    lines = source.body.split("\n")
    fenced = False
    meta_title = source.meta.get("title")
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        heading = _ATX_H1.match(line)
        setext = (
            not heading and line.strip() and i + 1 < len(lines) and re.fullmatch(r"=+\s*", lines[i + 1]) is not None
        )
        if not heading and not setext:
            if line.strip() and not _KEY_LINE.match(line.replace("**", "")) and not line.startswith(("#", "<!--")):
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
        title = _title_from_name(PurePosixPath(source.rel).stem)
        if not title:
            return None, None, source.body
        guesses.append(f"no title heading: title '{title}' made from the file name")
    return title, None, f"# {title}\n\n" + source.body.lstrip("\n")


def _read_decision(source: Source, *, today: dt.date, month_first: bool) -> _Decision:
    outcome = Outcome(source.label, notes=list(source.removed))
    guesses, notes = outcome.guesses, outcome.notes
    meta = {} if source.meta_error else source.meta
    # Lines salvaged from broken front matter are used only where the text says nothing.
    salvaged = source.meta if source.meta_error else {}
    stem = PurePosixPath(source.rel).stem
    if source.meta_error:
        guesses.append(f"{source.meta_error}: kept as comments; the record is read from the text")
    file_number: int | None = None
    file_date: dt.date | None = None
    if m := _FILE_NUMBER.match(stem):
        digits = m.group(1)
        if len(digits) == 8 and (d := read_date(digits).day) is not None:
            file_date = d  # log4brains: `20230117-slug.md`
        elif len(digits) <= 5:
            file_number = int(digits)
    title, title_number, body = _title_and_body(source, file_number, guesses)
    keys = _key_lines(_top_section(body))
    status_section = _section(body, "status")
    status_text = next((str(v) for v in (meta.get("status"), keys.get("status")) if v), None)
    if status_text is None and status_section:
        status_text = "\n".join(line for line in status_section if line.strip())
    for key in ("status", "date", "deciders", "decision-makers", "consulted", "informed", "tags"):
        if salvaged.get(key) and not keys.get(key) and not (key == "status" and status_text):
            keys[key] = str(salvaged[key])
            guesses.append(f"'{key}: {salvaged[key]}' taken from the broken front matter")
    if status_text is None and keys.get("status"):
        status_text = keys["status"]
    number = file_number if file_number is not None else title_number
    looks_like_record = (
        status_text
        or meta.get("date")
        or keys.get("date")
        or number is not None
        or file_date is not None
        or _section(body, "context")
        or _section(body, "context and problem statement")
        or _section(body, "decision")
    )
    if not looks_like_record:
        raise ValueError("not a decision record: no status, date or number, and no 'Context' or 'Decision' section")
    if title is None:
        raise ValueError("no title: no '# Title' heading, no 'title' in the front matter, and no usable file name")
    if file_number is not None and title_number is not None and file_number != title_number:
        guesses.append(
            f"the file name says {file_number:04d} but the title says {title_number}: {file_number:04d} used"
        )
    read = read_status(status_text or "")
    if read.status is None:
        status = DecisionStatus.PROPOSED
        guesses.append(
            f"status '{(status_text or '').strip()[:60]}' not recognised: imported as 'proposed'"
            if status_text
            else "no status found: imported as 'proposed'"
        )
    else:
        status = read.status
        if read.guess:
            guesses.append(read.guess)
    date_value = meta.get("date") or keys.get("date")
    got = read_date(date_value, month_first=month_first)
    if got.day is None and file_date is not None:
        got = ReadDate(file_date)
    if got.day is None:
        got = ReadDate(
            today,
            guess=(f"date '{date_value}' not understood" if date_value else "no date found")
            + f": today's date ({today.isoformat()}) used",
        )
    if got.note:
        notes.append(got.note)
    if got.guess:
        guesses.append(got.guess)
    assert got.day is not None
    people = {
        "decision-makers": _words(
            meta.get("decision-makers") or meta.get("deciders") or keys.get("decision-makers") or keys.get("deciders")
        ),
        "consulted": _words(meta.get("consulted") or keys.get("consulted")),
        "informed": _words(meta.get("informed") or keys.get("informed")),
    }
    tags = [
        t.lstrip("#")
        for t in _words(meta.get("tags") or (re.sub(r"[\[\]]", ",", keys["tags"]) if "tags" in keys else None))
    ]
    supersedes = list(read.supersedes)
    meta_supersedes = meta.get("supersedes")
    for item in meta_supersedes if isinstance(meta_supersedes, list) else [meta_supersedes] if meta_supersedes else []:
        supersedes += _refs(str(item)) if not isinstance(item, int) else [Ref(str(item), None, item)]
    slug = slugify(re.sub(r"^(?:adr|rfc)?[-_]?\d+[-_ ]*", "", stem, flags=re.I)) or slugify(title) or "decision"
    return _Decision(
        outcome, source, number, title, status, got.day, people, tags, supersedes, read.superseded_by, body, slug
    )



def _to_import(folder: Path, done: Mapping[str, str], outcomes: list[Outcome]) -> Iterator[tuple[str, Path]]:
    """(report label, path) of each file of `folder` to read; the others are reported as skipped."""
    for path in source_files(folder):
        label = (PurePosixPath(folder.name) / path.relative_to(folder).as_posix()).as_posix()
        # A link could import any file on this computer (`ln -s /etc/passwd 0005-x.md`).
        reason = SYMLINK if path.is_symlink() else _skip_reason(path)
        if reason is None and label in done:
            reason = f"already imported as {done[label]}"
        if reason is not None:
            outcomes.append(Outcome(label, reason=reason, skipped=True))
            continue
        yield label, path

def import_decisions(
    settings: Settings, folder: Path, *, today: dt.date, dry_run: bool = False, month_first: bool = False
) -> ImportReport:
    """Read every file under `folder`; write each decision record found as decisions/NNNN-slug.md."""
    outcomes: list[Outcome] = []
    drafts: list[_Decision] = []
    done = _already_imported(settings, settings.decisions_dir)
    for label, path in _to_import(folder, done, outcomes):
        try:
            source = _without_scripts(_read_source(folder, path), settings)
            draft = _read_decision(source, today=today, month_first=month_first)
        except HandbookError as exc:
            outcomes.append(Outcome(label, reason=f"line {exc.line}: {exc.message}"))
            continue
        except ValueError as exc:
            outcomes.append(Outcome(label, reason=str(exc), skipped=str(exc).startswith("not a decision record")))
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
        _finish(settings, draft.outcome, target, text, DECISION_FIELDS, dry_run=dry_run, needs_title=True)
    return ImportReport(outcomes, dry_run, notes)


def _already_imported(settings: Settings, folder: str) -> dict[str, str]:
    """Source label -> handbook path for files an earlier import wrote (their marker comment says)."""
    found: dict[str, str] = {}
    base = settings.path(folder)
    if not base.is_dir():
        return found
    pattern = re.compile(r"^# Imported by `handbook [a-z-]+` from (.+)$")
    for path in sorted(base.glob("*.md")):
        with path.open(encoding="utf-8", errors="replace") as f:
            head = [f.readline() for _ in range(3)]
        for line in head:
            if m := pattern.match(line.rstrip("\n")):
                found[m.group(1)] = f"{folder.rstrip('/')}/{path.name}"
    return found


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
                record.outcome.guesses.append(f"'{how} {ref.text.strip()}' names no imported record: not linked")
                continue
            if other is record:
                continue
            new, old = (record, other) if how == "supersedes" else (other, record)
            current = successor_of.get(id(old))
            if current is not None and current is not new:
                record.outcome.guesses.append(
                    f"{old.number:04d} is already superseded by {current.number:04d}: '{how} {ref.text.strip()}' "
                    "not linked"
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
            d.outcome.guesses.append(
                "status is 'superseded' but no imported record supersedes it: imported as 'deprecated' (no longer "
                "in force)"
            )
            d.status = DecisionStatus.DEPRECATED


def _original_lines(source: Source) -> list[str]:
    if not source.meta_lines:
        return []
    return [
        "",
        "Original front matter, kept as comments:",
        *("  " + line if line.strip() else "" for line in source.meta_lines),
    ]


def _decision_text(d: _Decision, renamed: Mapping[str, str]) -> str:
    meta: dict[str, Any] = {"status": d.status.value, "date": d.date}
    for key, people in d.people.items():
        if people:
            meta[key] = people
    if d.supersedes_resolved:
        meta["supersedes"] = sorted(d.supersedes_resolved)
    if d.tags:
        meta["tags"] = d.tags
    comments = [MARKER.format(command="import-decisions", source=d.source.label), *_original_lines(d.source)]
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

    return _LINK.sub(replace, body)


def _finish(
    settings: Settings,
    outcome: Outcome,
    target: str,
    text: str,
    fields: Iterable[s.Field],
    *,
    dry_run: bool,
    needs_title: bool = False,
) -> None:
    """Check the text loads as a record, then create the file (never overwriting one)."""
    try:
        doc = parse_document(target, text)
        s.validate(doc, fields, passthrough=PAGE_KEYS)
        if needs_title and first_heading(doc)[0] is None:
            raise ValueError("no title heading")
    except HandbookError as exc:
        outcome.reason = f"the converted record would not load ({exc.message}): import it by hand"
        return
    except s.LoadErrors as exc:
        outcome.reason = (
            f"the converted record would not load ({'; '.join(e.message for e in exc.errors)}): import it by hand"
        )
        return
    except ValueError as exc:
        outcome.reason = f"the converted record would not load ({exc}): import it by hand"
        return
    path = settings.path(target)
    if path.exists():
        outcome.reason = f"{target} already exists: not overwritten"
        return
    outcome.target = target
    if dry_run:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except FileExistsError:
        outcome.target = None
        outcome.reason = f"{target} already exists: not overwritten"


# -- policies ---------------------------------------------------------------------
PLACEHOLDER_OWNER = "unassigned"


def import_policies(
    settings: Settings,
    folder: Path,
    *,
    today: dt.date,
    owner: str | None = None,
    dry_run: bool = False,
    month_first: bool = False,
) -> ImportReport:
    """Each Markdown file becomes policies/<id>.md: as it is when its front matter is complete, else a draft."""
    owners = load_owners(settings)
    if owner is not None and owners and owner not in owners:
        raise ValueError(f"owner '{owner}' is not in {settings.owners_file}: use one of {', '.join(sorted(owners))}")
    fields = policy_fields(settings)
    outcomes: list[Outcome] = []
    done = _already_imported(settings, settings.policies_dir)
    planned: set[str] = set()
    for label, path in _to_import(folder, done, outcomes):
        try:
            source = _without_scripts(_read_source(folder, path), settings)
        except HandbookError as exc:
            outcomes.append(Outcome(label, reason=f"line {exc.line}: {exc.message}"))
            continue
        outcome = Outcome(label, notes=list(source.removed))
        outcomes.append(outcome)
        text, policy_id = _policy_text(
            settings, source, outcome, owners=owners, owner=owner, today=today, month_first=month_first
        )
        if policy_id is None or text is None:
            continue
        target = f"{settings.policies_dir.rstrip('/')}/{policy_id}.md"
        if target in planned:
            outcome.reason = f"another file in the folder also becomes {target}: rename one"
            continue
        planned.add(target)
        _finish(settings, outcome, target, text, fields, dry_run=dry_run)
    return ImportReport(outcomes, dry_run)


def _policy_text(
    settings: Settings,
    source: Source,
    outcome: Outcome,
    *,
    owners: Mapping[str, Any],
    owner: str | None,
    today: dt.date,
    month_first: bool,
) -> tuple[str | None, str | None]:
    guesses = outcome.guesses
    meta = source.meta
    if source.meta_error:
        guesses.append(f"{source.meta_error}: kept as comments")
        meta = {}
    stem = PurePosixPath(source.rel).stem
    fields = policy_fields(settings)
    # A file already in our format (all fields valid) is taken as it is, status included.
    if not source.meta_error and source.meta_lines:
        try:
            values = s.validate(Document(source.label, meta, source.body, 1), fields, passthrough=PAGE_KEYS)
            if values["owner"] in owners or not owners:
                marker = "# " + MARKER.format(command="import-policies", source=source.label)
                return "\n".join(["---", marker, *source.meta_lines, "---", source.body]), slugify(stem)
        except s.LoadErrors:
            pass
    lines = source.body.split("\n")
    title, heading_line = first_heading(Document(source.label, {}, source.body, 1))
    body = source.body
    if title is not None:
        # The title moves into the front matter; the page shows it as its heading.
        del lines[heading_line - 1]
        body = "\n".join(lines).lstrip("\n")
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        title = meta["title"].strip()
    if title is None:
        title = _title_from_name(stem)
        if not title:
            outcome.reason = "no title: no 'title' in the front matter, no '# Title' heading, and no usable file name"
            return None, None
        guesses.append(f"no title heading: title '{title}' made from the file name")
    policy_id = slugify(stem) or slugify(title)
    if not policy_id:
        outcome.reason = "cannot make a policy id from the file name or title: rename the file"
        return None, None
    keys = _key_lines(_top_section(body))
    out: dict[str, Any] = {"title": title}
    out["version"] = (
        _valid(fields, "version", meta.get("version")) or _valid(fields, "version", _int(keys.get("version"))) or 1
    )
    out["status"] = PolicyStatus.DRAFT.value
    found_owner = _valid(fields, "owner", meta.get("owner"))
    if found_owner and (found_owner in owners or not owners):
        out["owner"] = found_owner
    elif owner:
        out["owner"] = owner
    else:
        out["owner"] = PLACEHOLDER_OWNER
        seen = meta.get("owner") or keys.get("owner")
        guesses.append(
            (f"owner '{seen}' is not in {settings.owners_file}: " if seen else "no owner: ")
            + f"'{PLACEHOLDER_OWNER}' written; fill in an owner id (`handbook check` reports it until then)"
        )
    for key in ("effective", "reviewed"):
        value = meta.get(key) or keys.get(key)
        got = read_date(value, month_first=month_first)
        if got.day is None and key == "reviewed" and "effective" in out:
            got = ReadDate(
                out["effective"], guess=f"no review date: the effective date {out['effective'].isoformat()} used"
            )
        if got.day is None:
            got = ReadDate(
                today,
                guess=(f"{key} date '{value}' not understood" if value else f"no {key} date")
                + f": today's date ({today.isoformat()}) written; fill it in",
            )
        out[key] = got.day
        if got.note:
            outcome.notes.append(got.note)
        if got.guess:
            guesses.append(got.guess)
    review_every = _valid(fields, "review_every", meta.get("review_every"))
    if review_every:
        out["review_every"] = review_every
    audience = [a for a in _words(meta.get("audience")) if a in settings.audiences]
    if not audience:
        audience = ["all-staff" if "all-staff" in settings.audiences else settings.audiences[0]]
        guesses.append(f"no audience: '{audience[0]}' written")
    out["audience"] = audience
    summary = meta.get("summary") or meta.get("description")
    if not isinstance(summary, str) or not summary.strip():
        summary = _first_paragraph(body)
        if summary:
            guesses.append("summary taken from the first paragraph")
        else:
            summary = "TODO: one sentence saying what this policy is for."
            guesses.append("no summary: a TODO written")
    out["summary"] = summary.strip()
    out["changes"] = (
        meta.get("changes")
        if isinstance(meta.get("changes"), str)
        else f"First version in the handbook, imported from {source.label}."
    )
    tags = _words(meta.get("tags"))
    if tags:
        out["tags"] = tags
    if isinstance(meta.get("acknowledge"), bool):
        out["acknowledge"] = meta["acknowledge"]
    comments = [MARKER.format(command="import-policies", source=source.label), *_original_lines(source)]
    return front_matter(out, comments) + body, policy_id


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None


def _valid(fields: Iterable[s.Field], name: str, value: Any) -> Any:
    spec = next(f for f in fields if f.name == name)
    if value is None:
        return None
    try:
        return spec.convert(value)
    except ValueError:
        return None


def _first_paragraph(body: str, limit: int = 200) -> str:
    paragraph: list[str] = []
    for line in body.split("\n"):
        stripped = line.strip()
        if not stripped:
            if paragraph:
                break
            continue
        if stripped.startswith(("#", "<!--", "|", "```", "~~~", "- ", "* ", ">")) or _KEY_LINE.match(
            stripped.replace("**", "")
        ):
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", " ".join(paragraph))
    text = re.sub(r"[*_`]", "", text)
    if len(text) > limit:
        sentence = re.match(rf"^(.{{20,{limit}}}?[.!?])\s", text)
        text = sentence.group(1) if sentence else text[: limit - 3].rsplit(" ", 1)[0] + "..."
    return text
