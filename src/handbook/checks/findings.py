"""Findings as values: one problem at one place, its code and severity, and the sentence that says
how to fix it; and which codes `--select` and `--ignore` keep."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..errors import HandbookError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Finding:
    """One problem at one place, with the sentence that says how to fix it."""

    path: str
    line: int
    severity: Severity
    code: str
    message: str
    fix: str

    def sort_key(self) -> tuple[str, int, str, str]:
        # The same order as the loader's errors: file, line, then message.
        return (self.path, self.line, self.message, self.code)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "fix": self.fix,
        }

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_load_error(self) -> bool:
        return self.code.startswith("HB0")


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str
    # Said when the message itself carries no fix (the loader's messages usually end with one).
    fix: str


_CODES = (
    Code(
        "HB001",
        Severity.ERROR,
        "file cannot be loaded",
        "Fix the file as the message says, so that it loads as a record.",
    ),
    Code(
        "HB010",
        Severity.ERROR,
        "site configuration cannot be used",
        "Fix mkdocs.yml (or the blog's .authors.yml) as the message says.",
    ),
    Code(
        "HB101",
        Severity.ERROR,
        "review overdue",
        "Review the policy with its owner and set 'reviewed' to the date of the review, or publish a new version.",
    ),
    Code("HB102", Severity.WARNING, "review due soon", "Plan the review with the policy's owner before the due date."),
    Code(
        "HB103",
        Severity.ERROR,
        "owner not in the registry",
        "Add the owner to the owners registry, or pick an owner listed there.",
    ),
    Code(
        "HB104", Severity.WARNING, "draft left untouched", "Publish the draft, or delete it if it has been abandoned."
    ),
    Code(
        "HB105",
        Severity.WARNING,
        "decision proposed for too long",
        "Decide: set 'status' to accepted or rejected, and say why in the text.",
    ),
    Code(
        "HB106",
        Severity.WARNING,
        "relies on a record no longer in force",
        "Point the link at the record in force, or drop it.",
    ),
    Code(
        "HB107",
        Severity.WARNING,
        "decision date unknown",
        "Find when it was decided (the record's history, its discussion) and write it as 'date: YYYY-MM-DD'.",
    ),
    Code(
        "HB108",
        Severity.WARNING,
        "no owner yet",
        "Ask who owns the policy, add them to the owners registry and put their id in 'owner'.",
    ),
    Code(
        "HB120",
        Severity.ERROR,
        "customers not told of a change",
        "Tell the customers who asked to hear back what changed, and set 'told' to when and how.",
    ),
    Code(
        "HB121",
        Severity.WARNING,
        "feedback waiting for its first review",
        "Review the feedback with its owner and set 'status' to reviewing, planned, changed or declined.",
    ),
    Code(
        "HB201",
        Severity.ERROR,
        "two files claim the same policy",
        "Keep one file for the policy: retire or delete the other, or give it 'supersedes'.",
    ),
    Code(
        "HB202",
        Severity.WARNING,
        "version number reused for another text",
        "Number the next version above every version published so far.",
    ),
    Code(
        "HB203",
        Severity.WARNING,
        "version number going backwards",
        "Number the next version above every version published so far.",
    ),
    Code(
        "HB204",
        Severity.ERROR,
        "two decisions with the same number",
        "Keep the number on one decision and renumber the others.",
    ),
    Code(
        "HB205",
        Severity.WARNING,
        "near-duplicate text",
        "Merge the two texts into one policy, or make the copy say only what differs and link to the original.",
    ),
    Code(
        "HB206",
        Severity.ERROR,
        "exact duplicate text",
        "Delete the copy, or retire it and give the original 'supersedes'.",
    ),
    Code(
        "HB207",
        Severity.ERROR,
        "substantive rewrite without a new version",
        "Publish the rewrite as a new version: raise 'version' by one and say what changed in 'changes'.",
    ),
    Code(
        "HB208",
        Severity.ERROR,
        "CODEOWNERS out of date",
        "Run `handbook codeowners` and commit the updated CODEOWNERS.",
    ),
    Code(
        "HB209",
        Severity.WARNING,
        "decision number taken on another branch",
        "Renumber this decision with `handbook new decision` before both branches merge.",
    ),
    Code(
        "HB210",
        Severity.WARNING,
        "new version with the text of the previous one",
        "Keep the previous version number for an edit that changes no rule.",
    ),
    Code(
        "HB211",
        Severity.ERROR,
        "effective date moved later without a new version",
        "Publish the new effective date as a new version, or put back the date the version was published with.",
    ),
    Code("HB301", Severity.ERROR, "supersedes points nowhere", "Name an existing record in 'supersedes'."),
    Code(
        "HB302",
        Severity.ERROR,
        "supersede cycle",
        "Break the cycle: only the newer record names the older one in 'supersedes'.",
    ),
    Code(
        "HB303",
        Severity.ERROR,
        "supersedes a draft",
        "Name a published policy in 'supersedes', or publish the draft first.",
    ),
    Code(
        "HB304",
        Severity.ERROR,
        "superseded twice",
        "Give each record one successor: remove 'supersedes' from all but one.",
    ),
    Code(
        "HB305", Severity.ERROR, "decision shapes no published policy", "List only published policy ids in 'policies'."
    ),
    Code(
        "HB306",
        Severity.ERROR,
        "superseded without a successor",
        "Add 'supersedes' to the successor, or change the status.",
    ),
    Code(
        "HB307",
        Severity.ERROR,
        "link to a record that does not resolve",
        "Link to an existing record's file, like '../policies/refunds-and-returns.md'.",
    ),
    Code(
        "HB308",
        Severity.ERROR,
        "reading_order names no policy in force",
        "List only the ids of policies in force in mkdocs.yml's reading_order.",
    ),
    Code(
        "HB309",
        Severity.ERROR,
        "raw HTML that runs a script",
        "Remove it: a script the site needs goes in a file listed under 'extra_javascript' in mkdocs.yml. "
        "Or set 'allow_raw_html: true' under the handbook plugin in mkdocs.yml; the site's "
        "Content-Security-Policy still blocks it.",
    ),
    Code(
        "HB310",
        Severity.ERROR,
        "link or image to no file of the site",
        "Fix the path (relative to this file), add the missing file, or remove the link.",
    ),
    Code(
        "HB311",
        Severity.ERROR,
        "link to a section a page does not have",
        "Link to one of the page's headings (its id), or drop the '#' part.",
    ),
    Code(
        "HB312",
        Severity.ERROR,
        "absolute link",
        "Write the link relative to this file, like '../policies/refunds-and-returns.md'.",
    ),
    Code(
        "HB313",
        Severity.ERROR,
        "a post's 'links' names no file",
        "Give the path, from docs/, of an existing page or file, or remove it.",
    ),
    Code(
        "HB314",
        Severity.ERROR,
        "Liquid left in the text",
        "Replace the tag with what it stands for, or put it in an HTML comment.",
    ),
    Code(
        "HB315",
        Severity.WARNING,
        "an old address the site will not redirect",
        "Remove the address from 'redirect_from': another policy, or a page of the site, keeps it.",
    ),
    Code(
        "HB320",
        Severity.ERROR,
        "feedback names no such theme or record",
        "Name a theme listed in mkdocs.yml, and decisions, policies and posts that are published.",
    ),
    Code(
        "HB321",
        Severity.ERROR,
        "customers told of nothing",
        "Set 'status' to changed or declined, or remove 'told'.",
    ),
    Code(
        "HB322",
        Severity.ERROR,
        "personal data in a feedback record",
        "Keep customers' details in the support tool and remove them from the handbook. If the text is not "
        "personal data, end its line with <!-- handbook: not-personal-data --> (in front matter, "
        "# handbook: not-personal-data).",
    ),
    Code(
        "HB401",
        Severity.ERROR,
        "acknowledgement file cannot be read",
        "Fix the file as the message says: a list of 'policy', 'version' and 'date' entries.",
    ),
    Code(
        "HB402",
        Severity.ERROR,
        "acknowledgement of no such policy or version",
        "Acknowledge an existing policy's published version with `handbook ack`.",
    ),
)
CODES: dict[str, Code] = {c.code: c for c in _CODES}
_SELECTOR = re.compile(r"^HB\d{0,3}$")


def code_info(code: str) -> Code:
    """What a code means; codes from elsewhere (HB0xx load errors, later checks) get a default."""
    if code in CODES:
        return CODES[code]
    if code.startswith("HB0"):
        return Code(code, Severity.ERROR, "file cannot be loaded", CODES["HB001"].fix)
    return Code(code, Severity.ERROR, "problem", "Fix the record as the message says.")


def finding(path: str, line: int, code: str, message: str, fix: str | None = None) -> Finding:
    info = code_info(code)
    return Finding(path, line, info.severity, code, message, fix or info.fix)


def from_error(error: HandbookError, *, severity: Severity | None = None) -> Finding:
    """A loader's or history's error as a finding; its fix is the message's closing advice."""
    info = code_info(error.code)
    return Finding(
        error.path, error.line, severity or info.severity, error.code, error.message, _fix_from(error.message, info)
    )


def _fix_from(message: str, info: Code) -> str:
    # "…, which does not exist: give the id of an existing policy" -> "Give the id of an existing policy."
    if info.code in ("HB302",):
        return info.fix
    head, sep, tail = message.rpartition(": ")
    tail = tail.strip()
    if not sep or not head or not tail or not tail[0].islower() or tail.endswith("?"):
        return info.fix
    sentence = tail[0].upper() + tail[1:]
    return sentence if sentence.endswith((".", ")")) else sentence + "."


def parse_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """`HB1,HB205` -> ('HB1', 'HB205'); raises ValueError naming a malformed entry."""
    selectors = []
    for value in values:
        for part in value.split(","):
            part = part.strip().upper()
            if not part:
                continue
            if not _SELECTOR.match(part):
                raise ValueError(f"{part!r} is not a code or code prefix like HB101 or HB1")
            selectors.append(part)
    return tuple(selectors)


def kept(code: str, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> bool:
    """Whether findings with `code` start with a `select` prefix (all when empty) and with no `ignore` prefix."""
    return (not select or code.startswith(tuple(select))) and not code.startswith(tuple(ignore))


def select(findings: Iterable[Finding], *, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Finding]:
    """Findings whose code starts with a `select` prefix (all when empty) and with no `ignore` prefix."""
    return [f for f in findings if kept(f.code, select, ignore)]
