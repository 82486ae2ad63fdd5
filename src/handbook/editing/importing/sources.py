"""Reading any source file of an import: its front matter (or what can be salvaged from broken
YAML), metadata lines and sections of its text; and writing a converted record once it loads."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ... import schema as s
from ...errors import HandbookError
from ...frontmatter import FENCE as FRONT_MATTER_FENCE
from ...frontmatter import decode, parse_document, parse_mapping, split_front_matter
from ...lenient import read_leniently, word
from ...loading import first_heading
from ...rawhtml import strip_unsafe
from ...schema import PAGE_KEYS
from ...settings import Settings
from .report import Outcome

MARKER = "Imported by `handbook {command}` from {source}"
FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^#{1,6}\s")
KEY_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?P<key>status|date|deciders|decision[- ]makers|consulted|informed|tags|effective(?: date)?|"
    r"(?:last )?reviewed(?: on)?|review date|version|owner)\s*:\s*(?P<value>.*?)\s*$",
    re.I,
)
_KEY_ALIASES = {
    "decision makers": "decision-makers",
    "effective date": "effective",
    "last reviewed": "reviewed",
    "reviewed on": "reviewed",
    "last reviewed on": "reviewed",
    "review date": "reviewed",
}
# `Date 09/04/2018`, `- Date 2023-09-26`: a date line written without its colon.
_DATE_WITHOUT_COLON = re.compile(r"^\s*(?:[-*+]\s+)?date\s+(?P<value>\d.*?)\s*$", re.I)
_SKIPPED_NAMES = ("readme", "index", "toc", "summary", "_sidebar", "changelog")
# Template files by their names: `template.md`, `adr-template.md`, `template-long.md` (never
# `0039-use-x-as-template-engine.md`, a record that mentions templates).
_TEMPLATE_NAME = re.compile(
    r"^(?:(?:adr|madr|decision|record|log4brains|nygard)[-_ ]?)?template(?:[-_ ](?:adr|madr|long|short|bare|minimal|"
    r"full|nygard|decision|record|v?\d))*$",
    re.I,
)
# An unfilled template field: `[short title of solved problem]`, `{list everyone involved}`,
# `[ accepted | deprecated | ... ]`, `[YYYY-MM-DD when ...]`; adr-tools' `DATE`, `STATUS`, `TITLE`.
_PLACEHOLDER_WORDS = re.compile(
    r"^\s*(?:list\b|short title|yyyy|describe|e\.g\.|optional|add\b|who\b|what\b|name of|one of|title\b|"
    r"insert|your\b|todo\b|tbd\b|x{3,})",
    re.I,
)
_NYGARD_PLACEHOLDERS = ("DATE", "STATUS", "TITLE", "NUMBER", "NUMBER. TITLE")


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
    # What was taken out of the body because it would run a script on the site (`without_scripts`).
    removed: list[str] = field(default_factory=list)


def source_files(folder: Path) -> Iterator[Path]:
    """Every file and symlink under `folder`, sorted, skipping hidden files and folders (tool
    settings, .git). A symlink is listed so that it is reported, never followed."""
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not (path.is_symlink() or path.is_file()):
            continue
        yield path


def read_source(folder: Path, path: Path) -> Source:
    rel = path.relative_to(folder).as_posix()
    label = (PurePosixPath(folder.name) / rel).as_posix()
    text = decode(label, path.read_bytes())
    if not text.strip():
        raise HandbookError(label, 1, "the file is empty")
    split = split_front_matter(text)
    if split is None:
        if text.split("\n", 1)[0].rstrip() != FRONT_MATTER_FENCE:
            return Source(rel, label, {}, [], None, text)
        return Source(rel, label, {}, [], "front matter opened at line 1 is never closed: read it as text", text)
    block, body, body_line = split
    lines = block.split("\n") if block else []
    try:
        meta, _ = parse_mapping(label, block, first_line=2)
        return Source(rel, label, meta, lines, None, body, body_line)
    except HandbookError as exc:
        error = f"front matter is not valid YAML (line {exc.line}: {exc.message})"
    # Salvage what the lenient reader can read key by key; every value taken from it is listed as a guess.
    salvaged = {key: word(value) for key, value in read_leniently(label, text).meta.items() if word(value)}
    return Source(rel, label, salvaged, lines, error, body, body_line)


def without_scripts(source: Source, settings: Settings) -> Source:
    """`source` with what would run a script on the site (a `<script>`, an `on...=` handler, a
    `javascript:` or `data:` link) taken out of its body, each one listed for the report."""
    body, removed = strip_unsafe(source.body, source.body_line, settings)
    source.body = body
    source.removed = [
        f"{source.label}:{unsafe.line}: removed {unsafe.what} (raw HTML that would run a script)" for unsafe in removed
    ]
    return source


SYMLINK = "a symlink, not followed: copy the file itself into the folder to import it"


NOT_MARKDOWN = "not a Markdown file"
INDEX = "the folder's index, not a record"
TEMPLATE = "a template, not a record"


def _skip_reason(path: Path) -> tuple[str, str] | None:
    """(reason, the summary's group) for a file that is not read at all."""
    if path.suffix.lower() not in (".md", ".markdown"):
        return "not a Markdown file (copy it yourself if a record links to it)", NOT_MARKDOWN
    stem = path.stem.lower()
    if stem in _SKIPPED_NAMES:
        return f"'{path.name}' is {INDEX}", INDEX
    if _TEMPLATE_NAME.fullmatch(stem) or re.fullmatch(r"(?:yyyymmdd|nnnn|0000)-x+", stem):
        return f"'{path.name}' is a template, not a record (its name says so)", TEMPLATE
    return None


def is_placeholder(value: Any) -> bool:
    """An unfilled template field, not data: `[list everyone involved in the decision]`."""
    if not isinstance(value, str):
        return False
    text = re.sub(r"<!--.*?-->", "", value).strip()
    if text in _NYGARD_PLACEHOLDERS:
        return True
    m = re.fullmatch(r"\[(.*)\]|\{(.*)\}|<(.*)>", text, re.S)
    if m is None:
        return False
    inner = next(g for g in m.groups() if g is not None)
    return "|" in inner or "…" in inner or "..." in inner or bool(_PLACEHOLDER_WORDS.match(inner))


def is_unfilled(value: Any) -> bool:
    """A front-matter value left as the template had it: a placeholder, `{...}` read by YAML as a
    mapping, or `[list everyone involved]` read as a list of that one sentence."""
    if isinstance(value, dict):
        return True
    if isinstance(value, list):
        return len(value) == 1 and isinstance(value[0], str) and " " in value[0] and is_placeholder(f"[{value[0]}]")
    return is_placeholder(value)


def template_evidence(title: str | None, status: str | None, date: str | None) -> str | None:
    """Why a file is a template and not a record (its title or its status and date unfilled), or None."""
    if title is not None and is_placeholder(title):
        return f"its title '{title}' is an unfilled placeholder"
    if status is not None and is_placeholder(status) and (date is None or is_placeholder(date)):
        return f"its status '{status.strip()}' is an unfilled placeholder and it has no date"
    return None


def top_section(body: str) -> list[str]:
    """The lines before the first `##` heading: where metadata bullets and `Date:` lines live."""
    out = []
    for line in body.split("\n"):
        if line.startswith("##"):
            break
        out.append(line)
    return out


def key_lines(lines: Iterable[str]) -> dict[str, str]:
    """`* Status: accepted`, `- Date: [2023-01-17]`, `Date: 2018-02-12`, `**Deciders:** a, b` by key."""
    found: dict[str, str] = {}
    for line in lines:
        plain = line.replace("**", "").replace("__", "")
        m = KEY_LINE.match(plain)
        if m:
            key = re.sub(r"\s+", " ", m.group("key").lower())
            key = _KEY_ALIASES.get(key, key)
            value = re.sub(r"<!--.*?-->", "", m.group("value")).strip()
        elif m := _DATE_WITHOUT_COLON.match(plain):
            key, value = "date", m.group("value")
        else:
            continue
        if value and not is_placeholder(value):
            found.setdefault(key, value)
    return found


def section(body: str, name: str) -> list[str]:
    """The lines of the `## name` section, up to the next heading, outside code blocks."""
    lines = body.split("\n")
    fenced = False
    start = None
    for i, line in enumerate(lines):
        if FENCE.match(line):
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


def words(value: Any) -> list[str]:
    """People or tags from a YAML list or a `a, b and c` string."""
    if value is None:
        return []
    if is_placeholder(value) or isinstance(value, dict):
        return []
    items = value if isinstance(value, list) else re.split(r"\s*[,;]\s*|\s+and\s+", str(value))
    out = []
    for item in items:
        text = re.sub(r"<!--.*?-->", "", str(item)).strip()
        # YAML reads `[list everyone involved in the decision]` as a list of that one sentence.
        if is_placeholder(text) or (isinstance(value, list) and " " in text and is_placeholder(f"[{text}]")):
            continue
        text = text.strip("[]").strip()
        if text and text not in out:
            out.append(text)
    return out


def title_from_name(stem: str) -> str:
    words = re.sub(r"^(?:adr|rfc)?[-_]?\d+[-_ ]*", "", stem, flags=re.I).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else ""


def to_import(
    folder: Path, done: Mapping[str, str], outcomes: list[Outcome], *, within: Sequence[str] = ()
) -> Iterator[tuple[str, Path]]:
    """(report label, path) of each file of `folder` to read; the others are reported as skipped.
    `within`: only these sub-folders (`pkg/adr/`) hold records; Markdown elsewhere is reported."""
    for path in source_files(folder):
        rel = path.relative_to(folder).as_posix()
        label = (PurePosixPath(folder.name) / rel).as_posix()
        if within and not any(rel.startswith(w) for w in within):
            if path.suffix.lower() in (".md", ".markdown"):
                outcome = Outcome(label)
                outcome.skip("not in a record folder that .log4brains.yml names", "outside the log4brains packages")
                outcomes.append(outcome)
            continue
        # A link could import any file on this computer (`ln -s /etc/passwd 0005-x.md`).
        skip = (SYMLINK, "a symlink, not followed") if path.is_symlink() else _skip_reason(path)
        if skip is None and label in done:
            skip = f"already imported as {done[label]}", "already imported"
        if skip is not None:
            outcome = Outcome(label)
            outcome.skip(*skip)
            outcomes.append(outcome)
            continue
        yield label, path


def already_imported(settings: Settings, folder: str) -> dict[str, str]:
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


def original_lines(source: Source) -> list[str]:
    if not source.meta_lines:
        return []
    return [
        "",
        "Original front matter, kept as comments:",
        *("  " + line if line.strip() else "" for line in source.meta_lines),
    ]


def finish(
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
