"""`handbook import-decisions`: decision records from adr-tools, MADR 2-4 and log4brains (every
package its `.log4brains.yml` names), numbered and linked as decisions/NNNN-slug.md, with the
files they show copied into decisions/assets/."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import HandbookError
from ...frontmatter import parse_mapping
from ...records import DecisionStatus
from ...schema import DECISION_FIELDS, UNKNOWN_DATE
from ...settings import Settings
from ..writing import front_matter
from .decision_reading import NotARecord, ReadingOptions, read_decision
from .ordering import ImportedDecision, link_supersedes, number_records
from .relinking import Relinker, renumber_references
from .report import ImportReport, Outcome
from .sourcerepo import read_source_repo
from .sources import (
    MARKER,
    NOT_MARKDOWN,
    already_imported,
    finish,
    original_lines,
    read_source,
    to_import,
    without_scripts,
)

LOG4BRAINS = ".log4brains.yml"
COPIED = "copied into the handbook (a record shows it)"


@dataclass(frozen=True)
class DecisionImport:
    """The options of one `handbook import-decisions`."""

    dry_run: bool = False
    month_first: bool = False
    # What a record that states no status gets (a recorded decision is normally in force).
    default_status: DecisionStatus = DecisionStatus.ACCEPTED
    # Where links to files outside the imported folder point: a URL with `{path}` in it.
    source_url: str | None = None


def import_decisions(settings: Settings, folder: Path, options: DecisionImport = DecisionImport()) -> ImportReport:
    """Read every file under `folder` (or the log4brains packages it names); write each decision
    record found as decisions/NNNN-slug.md."""
    outcomes: list[Outcome] = []
    notes: list[str] = []
    drafts: list[ImportedDecision] = []
    repo = read_source_repo(folder)
    packages = _log4brains_packages(folder, notes)
    reading = ReadingOptions(options.default_status, options.month_first, repo, packages)
    done = already_imported(settings, settings.decisions_dir)
    for label, path in to_import(folder, done, outcomes, within=tuple(packages)):
        try:
            draft = read_decision(without_scripts(read_source(folder, path), settings), reading)
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
    new_numbers = number_records(settings, drafts, notes)
    link_supersedes(drafts)
    source_url = options.source_url
    if source_url is None and repo is not None:
        source_url, said = repo.source_url()
        notes.append(said)
    relinker = Relinker(settings, folder, repo, {d.source.rel: d.target_name for d in drafts}, source_url)
    for draft in drafts:
        body = renumber_references(draft.body, new_numbers, draft.outcome)
        body = relinker.rewrite(body, draft.source.rel, draft.outcome)
        target = f"{settings.decisions_dir.rstrip('/')}/{draft.target_name}"
        finish(
            settings, draft.outcome, target, _decision_text(draft, body), DECISION_FIELDS,
            dry_run=options.dry_run, needs_title=True,
        )  # fmt: skip
    if not options.dry_run:
        relinker.copy_assets()
    _say_copied(outcomes, folder, relinker)
    return ImportReport(outcomes, options.dry_run, notes)


def _say_copied(outcomes: list[Outcome], folder: Path, relinker: Relinker) -> None:
    """A file of the folder that a record shows is reported as copied, not as left behind."""
    copied = {file: name for name, file in relinker.planned.items()}
    for outcome in outcomes:
        if outcome.group != NOT_MARKDOWN:
            continue
        name = copied.get(folder / outcome.source.split("/", 1)[-1])
        if name is not None:
            outcome.skip(f"not a record: copied to {relinker.assets_dir}/{name}, which a record shows", COPIED)


def _log4brains_packages(folder: Path, notes: list[str]) -> dict[str, str]:
    """Folder-relative record folders a `.log4brains.yml` names (its `adrFolder` and each package's),
    each with the tag its records get ('' for the project's own); {} without one: the whole folder."""
    config = folder / LOG4BRAINS
    if not config.is_file() or config.is_symlink():
        return {}
    try:
        data, _ = parse_mapping(LOG4BRAINS, config.read_text(encoding="utf-8"))
    except (HandbookError, UnicodeDecodeError, OSError) as exc:
        notes.append(f"{LOG4BRAINS} cannot be read ({exc}): every file of the folder is read instead")
        return {}
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    assert isinstance(project, dict)
    found: dict[str, str] = {}

    def add(where: Any, tag: str) -> None:
        if not isinstance(where, str) or not where.strip():
            return
        rel = posixpath.normpath(where.strip())
        if rel.startswith("../") or rel == ".." or posixpath.isabs(rel):
            notes.append(f"{LOG4BRAINS}: '{where}' is outside the imported folder: not imported")
            return
        found[("" if rel == "." else rel + "/")] = tag

    add(project.get("adrFolder"), "")
    for package in project.get("packages") or []:
        if isinstance(package, dict):
            add(package.get("adrFolder"), str(package.get("name") or ""))
    if found:
        named = ", ".join(f"{rel or './'}" + (f" ({tag})" if tag else "") for rel, tag in found.items())
        notes.append(f"{LOG4BRAINS}: records read from {named}")
    return found


def _decision_text(d: ImportedDecision, body: str) -> str:
    meta: dict[str, Any] = {"status": d.status.value, "date": d.date if d.date is not None else UNKNOWN_DATE}
    for key, people in d.people.items():
        if people:
            meta[key] = people
    if d.supersedes_resolved:
        meta["supersedes"] = sorted(d.supersedes_resolved)
    if d.tags:
        meta["tags"] = d.tags
    comments = [MARKER.format(command="import-decisions", source=d.source.label), *original_lines(d.source)]
    return front_matter(meta, comments) + body
