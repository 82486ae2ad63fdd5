"""`handbook import-policies`: plain Markdown policies as policies/<id>.md, drafts unless already
in our format, with every guess listed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ... import schema as s
from ...errors import HandbookError
from ...frontmatter import Document
from ...loading import first_heading, load_owners
from ...records import PolicyStatus
from ...schema import PAGE_KEYS, policy_fields
from ...settings import Settings
from ..scaffold import slugify
from ..writing import front_matter
from .reading import ReadDate, read_date
from .report import ImportReport, Outcome
from .sources import (
    KEY_LINE,
    MARKER,
    Source,
    already_imported,
    finish,
    key_lines,
    original_lines,
    read_source,
    title_from_name,
    to_import,
    top_section,
    without_scripts,
    words,
)

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
    done = already_imported(settings, settings.policies_dir)
    planned: set[str] = set()
    for label, path in to_import(folder, done, outcomes):
        try:
            source = without_scripts(read_source(folder, path), settings)
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
        finish(settings, outcome, target, text, fields, dry_run=dry_run)
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
        title = title_from_name(stem)
        if not title:
            outcome.reason = "no title: no 'title' in the front matter, no '# Title' heading, and no usable file name"
            return None, None
        guesses.append(f"no title heading: title '{title}' made from the file name")
    policy_id = slugify(stem) or slugify(title)
    if not policy_id:
        outcome.reason = "cannot make a policy id from the file name or title: rename the file"
        return None, None
    keys = key_lines(top_section(body))
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
    audience = [a for a in words(meta.get("audience")) if a in settings.audiences]
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
    tags = words(meta.get("tags"))
    if tags:
        out["tags"] = tags
    if isinstance(meta.get("acknowledge"), bool):
        out["acknowledge"] = meta["acknowledge"]
    comments = [MARKER.format(command="import-policies", source=source.label), *original_lines(source)]
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
        if stripped.startswith(("#", "<!--", "|", "```", "~~~", "- ", "* ", ">")) or KEY_LINE.match(
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
