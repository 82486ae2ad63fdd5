"""One imported policy's front matter: what the source says, what its text and git say, and
what had to be guessed, each guess listed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import git
from ... import schema as s
from ...frontmatter import Document
from ...loading import first_heading
from ...records import PolicyStatus
from ...schema import policy_fields
from ...settings import Settings
from ..writing import front_matter
from .reading import read_date
from .report import Outcome
from .sources import FENCE, KEY_LINE, MARKER, Source, key_lines, original_lines, top_section, words

PLACEHOLDER_OWNER = "unassigned"
# `Effective date: November 16, 2020`, `**Version Effective Date:** 2021-01-01`, `Last reviewed: ...`.
_DATE_LINE = re.compile(
    r"^[\s>*_#|-]*(?P<key>(?:[a-z]+ )?effective(?: date| from| as of)?|(?:last )?reviewed(?: on)?|"
    r"(?:last )?review date|last (?:updated|revised|modified)(?: on)?)[*_\s]*[:\-\u2013|]?[*_\s]*"
    r"(?P<value>[^|]+?)[*_\s.|]*$",
    re.I,
)


@dataclass(frozen=True)
class Options:
    """What the command line says for every policy of one import."""

    owners: Mapping[str, Any]
    owner: str | None
    draft: bool
    today: dt.date
    month_first: bool


def body_dates(body: str) -> dict[str, str]:
    """`effective`, `reviewed` and `updated` as the text's own date lines state them (outside code)."""
    found: dict[str, str] = {}
    fenced = False
    for line in body.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or not (m := _DATE_LINE.match(line)):
            continue
        key = m.group("key").lower()
        kind = "effective" if "effective" in key else "reviewed" if "review" in key else "updated"
        found.setdefault(kind, m.group("value").strip())
    return found


def git_dates(folder: Path) -> dict[str, dt.date]:
    """The day of the last commit that changed each file under `folder` (paths relative to it);
    empty when the folder is not in a git repository."""
    args = ("-c", "core.quotePath=false", "log", "--relative", "--format=%x01%cs", "--name-only", "--", ".")
    out = git.git(folder, *args)
    found: dict[str, dt.date] = {}
    day: dt.date | None = None
    for line in (out or "").split("\n"):
        if line.startswith("\x01"):
            day = dt.date.fromisoformat(line[1:].strip())
        elif line.strip() and day is not None:
            found.setdefault(line.strip(), day)
    return found


def policy_text(
    settings: Settings,
    source: Source,
    outcome: Outcome,
    opts: Options,
    *,
    tags: Sequence[str],
    redirect_from: Sequence[str],
    last_commit: dt.date | None,
    name_title: str,
) -> str | None:
    """The policy file's text, or None (and `outcome.reason`) when it cannot be made."""
    meta = source.meta
    if source.meta_error:
        outcome.guess("front matter not valid YAML", f"{source.meta_error}: kept as comments")
        meta = {}
    fields = policy_fields(settings)
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
        title = name_title
        if not title:
            outcome.reason = "no title: no 'title' in the front matter, no '# Title' heading, and no usable file name"
            return None
        outcome.guess("title from the file name", f"no title heading: title '{title}' made from the file name")
    keys = key_lines(top_section(body))
    out: dict[str, Any] = {"title": title}
    out["version"] = (
        _valid(fields, "version", meta.get("version")) or _valid(fields, "version", _int(keys.get("version"))) or 1
    )
    # Published where they came from (Jekyll's `published: false` aside), unless `--draft` holds them back.
    held_back = opts.draft or meta.get("published") is False
    out["status"] = (PolicyStatus.DRAFT if held_back else PolicyStatus.ACTIVE).value
    _owner(settings, meta, keys, out, outcome, opts)
    comments = [MARKER.format(command="import-policies", source=source.label)]
    _dates(meta, keys, body_dates(body), last_commit, out, outcome, opts, comments)
    review_every = _valid(fields, "review_every", meta.get("review_every"))
    if review_every:
        out["review_every"] = review_every
    audience = [a for a in words(meta.get("audience")) if a in settings.audiences]
    if not audience:
        audience = ["all-staff" if "all-staff" in settings.audiences else settings.audiences[0]]
        outcome.guess("no audience", f"no audience: '{audience[0]}' written")
    out["audience"] = audience
    summary = meta.get("summary") or meta.get("description")
    if not isinstance(summary, str) or not summary.strip():
        summary = _first_paragraph(body)
        if summary:
            outcome.guess("summary from the first paragraph", "summary taken from the first paragraph")
        else:
            summary = "TODO: one sentence saying what this policy is for."
            outcome.guess("no summary", "no summary: a TODO written")
    out["summary"] = summary.strip()
    out["changes"] = (
        meta.get("changes")
        if isinstance(meta.get("changes"), str)
        else f"First version in the handbook, imported from {source.label}."
    )
    all_tags = [*words(meta.get("tags")), *(t for t in tags if t not in words(meta.get("tags")))]
    if all_tags:
        out["tags"] = all_tags
    if isinstance(meta.get("acknowledge"), bool):
        out["acknowledge"] = meta["acknowledge"]
    if redirect_from:
        out["redirect_from"] = list(redirect_from)
    return front_matter(out, [*comments, *original_lines(source)]) + body


def _owner(
    settings: Settings,
    meta: Mapping[str, Any],
    keys: Mapping[str, str],
    out: dict[str, Any],
    outcome: Outcome,
    opts: Options,
) -> None:
    found = _valid(policy_fields(settings), "owner", meta.get("owner"))
    if found and (found in opts.owners or not opts.owners):
        out["owner"] = found
    elif opts.owner:
        out["owner"] = opts.owner
    else:
        out["owner"] = PLACEHOLDER_OWNER
        seen = meta.get("owner") or keys.get("owner")
        outcome.guess(
            "no owner",
            (f"owner '{seen}' is not in {settings.owners_file}: " if seen else "no owner: ")
            + f"'{PLACEHOLDER_OWNER}' written; fill in an owner id (`handbook check` reports it until then)",
        )


def _dates(
    meta: Mapping[str, Any],
    keys: Mapping[str, str],
    in_text: Mapping[str, str],
    last_commit: dt.date | None,
    out: dict[str, Any],
    outcome: Outcome,
    opts: Options,
    comments: list[str],
) -> None:
    """`effective` and `reviewed`: from the front matter, the text's date lines, then the last
    commit that changed the file; when none says, the import day, reported as unknown."""
    stated = {
        "effective": [meta.get("effective"), keys.get("effective"), in_text.get("effective"), meta.get("date")],
        "reviewed": [
            meta.get("reviewed"),
            meta.get("last_modified_at"),
            keys.get("reviewed"),
            in_text.get("reviewed"),
            in_text.get("updated"),
        ],
    }
    unknown = []
    for key, candidates in stated.items():
        day = None
        for value in candidates:
            got = read_date(value, month_first=opts.month_first)
            if got.day is not None:
                day = got.day
                outcome.notes.extend(n for n in (got.note,) if n)
                if got.guess:
                    outcome.guess("date format assumed", got.guess)
                break
            if value is not None and str(value).strip():
                outcome.guess("date not understood", f"{key} date '{value}' not understood")
        if day is None and key == "reviewed" and "effective" not in unknown:
            day = out["effective"]
            outcome.guess(
                "review date from the effective date", f"no review date: the effective date {day.isoformat()} used"
            )
        if day is None and last_commit is not None:
            day = last_commit
            outcome.guess(
                f"{key} date from git",
                f"no {key} date in the text: {day.isoformat()}, the last commit that changed the file, written",
            )
        if day is None:
            day = opts.today
            unknown.append(key)
        out[key] = day
    if "effective" in unknown and "reviewed" not in unknown:
        # In force at least since it was last reviewed: better than the day of the import.
        unknown.remove("effective")
        out["effective"] = out["reviewed"]
        outcome.guess(
            "effective date from the review date",
            f"no effective date: the review date {out['reviewed'].isoformat()} used",
        )
    if unknown:
        said = " and ".join(unknown)
        outcome.guess(
            "date unknown",
            f"{said} unknown (not in the text, the file not in git): the import day "
            f"{opts.today.isoformat()} written; fill in the real date",
        )
        comments.append(f"{said}: unknown in the source; the import day written: fill in the real date")


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
        if (
            stripped.startswith(("#", "<!--", "|", "```", "~~~", "- ", "* ", ">", "!!!"))
            or KEY_LINE.match(stripped.replace("**", ""))
            or _DATE_LINE.match(stripped)
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
