"""New records with valid front matter, free decision numbers across branches, and supersede edits."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import schema as s
from .errors import HandbookError
from .frontmatter import decode, parse_document
from .git import git
from .loading import Corpus, first_heading, load_owners
from .schema import DECISION_FIELDS, DECISION_NAME, PAGE_KEYS, POST_PASSTHROUGH, policy_fields, post_fields
from .records import Decision, DecisionStatus, Policy, PolicyStatus
from .settings import Settings

MAX_SLUG = 60
# Branch refs a merge request can come from: local, remote-tracking, GitHub and GitLab MR refs.
BRANCH_REFS = ("refs/heads", "refs/remotes", "refs/pull", "refs/merge-requests")
_NUMBER_PREFIX = re.compile(r"^(\d{4})-")


class Refused(Exception):
    """The command cannot do what was asked without damage (overwrite, conflicting links)."""


# -- names --------------------------------------------------------------------
def slugify(title: str, *, limit: int = MAX_SLUG) -> str:
    """`Refunds & Returns (UK)` -> `refunds-returns-uk`: ASCII, lowercase, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit]
        slug = slug.rsplit("-", 1)[0] if "-" in slug else slug
    return slug


def yaml_value(value: Any) -> str:
    """One YAML value on one line: plain where safe, quoted where needed, lists in flow style."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    dumped: str = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=1 << 30)
    return dumped.strip()[1:-1]


def front_matter(values: Mapping[str, Any], comments: Sequence[str] = ()) -> str:
    """`---`, one `key: value` line per entry (None skipped), `# comment` lines, `---`."""
    lines = ["---"]
    lines += [f"# {c}" if c else "#" for c in comments[:1]]
    lines += [f"{key}: {yaml_value(value)}" for key, value in values.items() if value is not None]
    lines += [f"# {c}" if c else "#" for c in comments[1:]]
    lines.append("---")
    return "\n".join(lines) + "\n"


# -- decision numbers -----------------------------------------------------------
def decision_numbers_on_branches(settings: Settings) -> dict[int, set[str]]:
    """Decision file names by number on every branch git knows: one `git ls-tree` per commit."""
    refs = git(settings.root, "for-each-ref", "--format=%(objectname) %(refname:short)", *BRANCH_REFS)
    if not refs:
        return {}
    by_commit: dict[str, str] = {}
    for line in refs.splitlines():
        commit, _, ref = line.partition(" ")
        by_commit.setdefault(commit, ref)
    found: dict[int, set[str]] = defaultdict(set)
    for commit in by_commit:
        names = git(settings.root, "ls-tree", "--name-only", commit, "--", settings.decisions_dir.rstrip("/") + "/")
        for name in (names or "").splitlines():
            stem = Path(name).name
            match = _NUMBER_PREFIX.match(stem)
            if match:
                found[int(match.group(1))].add(stem)
    return dict(found)


def decision_numbers_here(settings: Settings) -> dict[int, set[str]]:
    """Decision file names by number in the working tree, committed or not."""
    found: dict[int, set[str]] = defaultdict(set)
    folder = settings.path(settings.decisions_dir)
    if folder.is_dir():
        for path in folder.iterdir():
            match = _NUMBER_PREFIX.match(path.name)
            if match:
                found[int(match.group(1))].add(path.name)
    return dict(found)


def used_decision_numbers(settings: Settings) -> set[int]:
    """Every number taken here or on any branch: a new decision must use none of them."""
    return set(decision_numbers_here(settings)) | set(decision_numbers_on_branches(settings))


def next_decision_number(settings: Settings) -> int:
    used = used_decision_numbers(settings)
    return max(used, default=0) + 1


def decision_number_clashes(settings: Settings) -> list[HandbookError]:
    """Warnings (HB209) for decisions here whose number another unmerged branch added under another name.

    Parallel merge requests that both took the next free number collide only on merge; this
    says so before. Only numbers a branch added since it left HEAD count (`git diff A...B`),
    so renames on old branches are not reported. Without git, there is nothing to compare.
    """
    here = decision_numbers_here(settings)
    if not here:
        return []
    refs = git(
        settings.root, "for-each-ref", "--no-merged=HEAD", "--format=%(objectname) %(refname:short)", *BRANCH_REFS
    )
    if not refs:
        return []
    by_commit: dict[str, list[str]] = defaultdict(list)
    for line in refs.splitlines():
        commit, _, ref = line.partition(" ")
        if not ref.endswith("/HEAD"):
            by_commit[commit].append(ref)
    problems: list[HandbookError] = []
    folder = settings.decisions_dir.rstrip("/")
    for commit, names in sorted(by_commit.items(), key=lambda item: item[1][0]):
        added = git(
            settings.root,
            "diff",
            "--relative",
            "--name-only",
            "--diff-filter=A",
            f"HEAD...{commit}",
            "--",
            folder + "/",
        )
        for name in (added or "").splitlines():
            stem = Path(name).name
            match = _NUMBER_PREFIX.match(stem)
            if not match:
                continue
            number = int(match.group(1))
            for mine in sorted(here.get(number, set()) - {stem}):
                problems.append(
                    HandbookError(
                        f"{folder}/{mine}",
                        1,
                        f"decision number {number:04d} is also taken by {stem} on branch {names[0]}: "
                        f"renumber one of them before both are merged (`handbook new decision` picks a free number)",
                        "HB209",
                    )
                )
    return sorted(problems, key=HandbookError.sort_key)


# -- new records ----------------------------------------------------------------
POLICY_BODY = """\
## Purpose

TODO: why this policy exists, in two or three sentences.

## Scope

TODO: who and what it covers.

## Policy

TODO: the rules, one short paragraph or bullet each.
"""

DECISION_BODY = """\
## Context and Problem Statement

TODO: the context and the problem, in two or three sentences; end with the question to decide.

## Considered Options

* TODO: option 1
* TODO: option 2

## Decision Outcome

Chosen option: "TODO", because TODO.

### Consequences

* Good, because TODO
* Bad, because TODO
"""

POST_BODY = """\
TODO: the first paragraph is the excerpt shown on the blog's index.

<!-- more -->

TODO: the rest of the post.
"""


@dataclass(frozen=True)
class NewRecord:
    """A file to create: where, and its whole text."""

    path: str
    text: str


def new_policy(
    settings: Settings,
    title: str,
    *,
    owner: str,
    today: dt.date,
    policy_id: str | None = None,
    audience: Sequence[str] = (),
    summary: str | None = None,
) -> NewRecord:
    owners = load_owners(settings)
    if owners and owner not in owners:
        raise ValueError(f"owner '{owner}' is not in {settings.owners_file}: use one of {', '.join(sorted(owners))}")
    policy_id = policy_id or slugify(title)
    if not s.SLUG.match(policy_id or ""):
        raise ValueError(
            f"cannot make a file name from the title {title!r}: give one with --id, like 'refunds-and-returns'"
        )
    audience = list(audience) or [_default_audience(settings)]
    for name in audience:
        if name not in settings.audiences:
            raise ValueError(f"audience '{name}' is not one of {', '.join(settings.audiences)} (from mkdocs.yml)")
    meta = {
        "title": title.strip(),
        "version": 1,
        "status": PolicyStatus.DRAFT.value,
        "owner": owner,
        "effective": today,
        "reviewed": today,
        "audience": audience,
        "summary": summary or "TODO: one sentence saying what this policy is for.",
        "changes": "First version.",
    }
    text = front_matter(meta) + POLICY_BODY
    path = f"{settings.policies_dir.rstrip('/')}/{policy_id}.md"
    _validate(path, text, policy_fields(settings))
    return NewRecord(path, text)


def _default_audience(settings: Settings) -> str:
    return "all-staff" if "all-staff" in settings.audiences else settings.audiences[0]


def new_decision(
    settings: Settings,
    title: str,
    *,
    today: dt.date,
    decision_makers: Sequence[str] = (),
    number: int | None = None,
    slug: str | None = None,
) -> NewRecord:
    slug = slug or slugify(title)
    if not s.SLUG.match(slug or ""):
        raise ValueError(
            f"cannot make a file name from the title {title!r}: give one with --slug, like 'use-a-shared-inbox'"
        )
    if number is None:
        number = next_decision_number(settings)
    elif number in used_decision_numbers(settings):
        raise Refused(
            f"decision number {number:04d} is already used here or on another branch: leave out --number to get a "
            "free one"
        )
    meta: dict[str, Any] = {"status": DecisionStatus.PROPOSED.value, "date": today}
    if decision_makers:
        meta["decision-makers"] = list(decision_makers)
    text = front_matter(meta) + f"# {title.strip()}\n\n" + DECISION_BODY
    path = f"{settings.decisions_dir.rstrip('/')}/{number:04d}-{slug}.md"
    doc = _validate(path, text, DECISION_FIELDS)
    if first_heading(doc)[0] is None:
        raise ValueError(f"the title {title!r} cannot be a Markdown heading")
    return NewRecord(path, text)


def blog_authors(settings: Settings) -> dict[str, str] | None:
    """Author ids and names from Material's `.authors.yml` beside the posts, or None without one."""
    path = settings.path(settings.posts_dir).parent / ".authors.yml"
    if not path.is_file():
        return None
    data = yaml.safe_load(decode(str(path), path.read_bytes())) or {}
    authors = data.get("authors") if isinstance(data, dict) else None
    if not isinstance(authors, dict):
        return {}
    return {str(k): str(v.get("name", k)) if isinstance(v, dict) else str(k) for k, v in authors.items()}


def new_post(
    settings: Settings,
    title: str,
    *,
    today: dt.date,
    authors: Sequence[str] = (),
    categories: Sequence[str] = (),
    slug: str | None = None,
) -> NewRecord:
    known = blog_authors(settings)
    if known is not None:
        unknown = [a for a in authors if a not in known]
        if unknown:
            raise ValueError(
                f"author '{unknown[0]}' is not in {settings.posts_dir.rsplit('/', 1)[0]}/.authors.yml: use one of "
                f"{', '.join(sorted(known))}"
            )
    slug = slug or slugify(title)
    if not s.SLUG.match(slug or ""):
        raise ValueError(f"cannot make a file name from the title {title!r}: give one with --slug")
    meta: dict[str, Any] = {"date": today}
    if authors:
        meta["authors"] = list(authors)
    if categories:
        meta["categories"] = list(categories)
    meta["draft"] = True
    text = front_matter(meta) + f"# {title.strip()}\n\n" + POST_BODY
    path = f"{settings.posts_dir.rstrip('/')}/{slug}.md"
    _validate(path, text, post_fields(settings), passthrough=POST_PASSTHROUGH)
    return NewRecord(path, text)


def write_new(settings: Settings, record: NewRecord) -> Path:
    """Create the file; never overwrite one (the check and the create are one system call)."""
    target = settings.path(record.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as f:
            f.write(record.text)
    except FileExistsError:
        raise Refused(f"{record.path} already exists: not overwritten; choose another title or --id/--slug") from None
    return target


def _validate(path: str, text: str, fields: Iterable[s.Field], *, passthrough: Iterable[str] = PAGE_KEYS) -> Any:
    """The record exactly as the loader would read it; a scaffold that fails here is a bug or bad input."""
    doc = parse_document(path, text)
    try:
        s.validate(doc, fields, passthrough=passthrough)
    except s.LoadErrors as exc:
        raise ValueError("; ".join(e.message for e in exc.errors)) from None
    return doc


# -- editing front matter in place --------------------------------------------
_LINES = re.compile(r"[^\n]*\n|[^\n]+$")


def edit_front_matter(path: str, raw: bytes, updates: Mapping[str, Any]) -> bytes:
    """`raw` with each key's value replaced (or the key added), every other byte kept.

    A line-based edit: comments, key order, quoting and line ends of untouched lines survive,
    which a YAML load-and-dump would lose. A key's value may span lines (block lists).
    """
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(bom) :].decode("utf-8")
    lines = _LINES.findall(text)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        raise HandbookError(path, 1, "no front matter to edit: the file must start with a '---' line")
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n").rstrip() in ("---", "...")), None)
    if close is None:
        raise HandbookError(path, 1, "front matter opened at line 1 is never closed: add a '---' line after it")
    eol = "\r\n" if lines[0].endswith("\r\n") else "\n"
    for key, value in updates.items():
        rendered = f"{key}: {yaml_value(value)}"
        start = next((i for i in range(1, close) if re.match(rf"{re.escape(key)}\s*:(\s|$)", lines[i])), None)
        if start is None:
            lines.insert(close, rendered + eol)
            close += 1
            continue
        end = start + 1
        while end < close and _continues(lines, end, close):
            end += 1
        own = lines[start]
        line_eol = "\r\n" if own.endswith("\r\n") else ("\n" if own.endswith("\n") else "")
        comment = ""
        if end == start + 1:
            m = re.match(rf"{re.escape(key)}\s*:\s*[^#'\"\r\n]*?(\s+#[^\r\n]*)?\r?\n?$", own)
            comment = (m.group(1) or "") if m else ""
        lines[start:end] = [rendered + comment + line_eol]
        close -= end - start - 1
    return bom + "".join(lines).encode("utf-8")


def _continues(lines: list[str], index: int, close: int) -> bool:
    """Whether line `index` still belongs to the value above it (indented, a `- ` item, or a gap)."""
    line = lines[index].rstrip("\r\n")
    if line[:1] in (" ", "\t") and line.strip():
        return True
    if line.startswith("- ") or line == "-":
        return True
    if not line.strip():
        following = next((lines[j].rstrip("\r\n") for j in range(index + 1, close) if lines[j].strip()), "")
        return following[:1] in (" ", "\t") or following.startswith("- ")
    return False


# -- supersede ------------------------------------------------------------------
@dataclass(frozen=True)
class Edit:
    """A file's new bytes and what changed, for the command to print."""

    path: str
    data: bytes
    summary: str


def find_decision(corpus: Corpus, ref: str) -> Decision | None:
    """A decision by number (`4`, `0004`), file stem or path."""
    name = Path(ref.strip()).name
    if name.endswith(".md"):
        name = name[:-3]
    if name.isdigit():
        return corpus.decisions.get(int(name))
    match = DECISION_NAME.match(name)
    if match:
        decision = corpus.decisions.get(int(match.group(1)))
        return decision if decision is not None and decision.id == name else None
    return None


def find_policy(corpus: Corpus, ref: str) -> Policy | None:
    name = Path(ref.strip()).name
    return corpus.policies.get(name[:-3] if name.endswith(".md") else name)


def supersede(corpus: Corpus, old_ref: str, new_ref: str, *, effective: dt.date | None = None) -> list[Edit]:
    """The edits that make NEW supersede OLD; [] when that is already recorded.

    Decisions: NEW gets OLD's number in `supersedes`, OLD gets `status: superseded`.
    Policies: NEW gets `supersedes: OLD`; OLD is retired by a new version that says so.
    """
    old_decision, new_decision = find_decision(corpus, old_ref), find_decision(corpus, new_ref)
    if old_decision is not None and new_decision is not None:
        return _supersede_decision(corpus, old_decision, new_decision)
    old_policy, new_policy = find_policy(corpus, old_ref), find_policy(corpus, new_ref)
    if old_policy is not None and new_policy is not None:
        return _supersede_policy(corpus, old_policy, new_policy, effective=effective)
    missing = [
        ref
        for ref, d, p in ((old_ref, old_decision, old_policy), (new_ref, new_decision, new_policy))
        if d is None and p is None
    ]
    if missing:
        raise LookupError(
            f"no decision or policy '{missing[0]}': give a decision number (4, 0004), a decision file name, or a "
            "policy id"
        )
    raise LookupError(
        f"'{old_ref}' and '{new_ref}' are not the same kind of record: a decision supersedes a decision, a policy a "
        "policy"
    )


def _supersede_decision(corpus: Corpus, old: Decision, new: Decision) -> list[Edit]:
    if old.number == new.number:
        raise Refused(f"decision {old.label} cannot supersede itself")
    successor = corpus.decision_successor.get(old.number)
    if successor is not None and successor != new.number:
        raise Refused(f"decision {old.label} is already superseded by {successor:04d}: a decision has one successor")
    if old.status is DecisionStatus.REJECTED:
        raise Refused(f"decision {old.label} is rejected: it was never in force, so nothing can supersede it")
    if new.status is DecisionStatus.REJECTED:
        raise Refused(f"decision {new.label} is rejected: a rejected decision cannot supersede another")
    edits = []
    if old.number not in new.supersedes:
        numbers = sorted({*new.supersedes, old.number})
        edits.append(_edit(corpus, new.path, {"supersedes": numbers}, DECISION_FIELDS, f"supersedes: {numbers}"))
    if old.status is not DecisionStatus.SUPERSEDED:
        edits.append(
            _edit(
                corpus,
                old.path,
                {"status": DecisionStatus.SUPERSEDED.value},
                DECISION_FIELDS,
                f"status: {old.status.value} -> superseded",
            )
        )
    return edits


def _supersede_policy(corpus: Corpus, old: Policy, new: Policy, *, effective: dt.date | None) -> list[Edit]:
    if old.id == new.id:
        raise Refused(f"policy '{old.id}' cannot supersede itself")
    if old.is_draft:
        raise Refused(
            f"policy '{old.id}' is a draft: a draft was never published and cannot be superseded; delete it instead"
        )
    if new.supersedes not in (None, old.id):
        raise Refused(f"policy '{new.id}' already supersedes '{new.supersedes}': a policy supersedes one other")
    other = next((p for p in corpus.policies.values() if p.supersedes == old.id and p.id != new.id), None)
    if other is not None:
        raise Refused(f"policy '{old.id}' is already superseded by '{other.id}': a policy has one successor")
    fields = policy_fields(corpus.settings)
    edits = []
    if new.supersedes != old.id:
        edits.append(_edit(corpus, new.path, {"supersedes": old.id}, fields, f"supersedes: {old.id}"))
    if old.status is not PolicyStatus.RETIRED:
        when = effective or new.effective
        version = old.version + 1
        updates = {
            "version": version,
            "status": PolicyStatus.RETIRED.value,
            "effective": when,
            "changes": f"Retired: replaced by {new.title} ({new.id}).",
        }
        edits.append(
            _edit(corpus, old.path, updates, fields, f"retired with version {version}, effective {when.isoformat()}")
        )
    return edits


def _edit(corpus: Corpus, path: str, updates: Mapping[str, Any], fields: Iterable[s.Field], summary: str) -> Edit:
    raw = corpus.settings.path(path).read_bytes()
    data = edit_front_matter(path, raw, updates)
    try:
        _validate(path, decode(path, data), fields)
    except (ValueError, HandbookError) as exc:
        raise Refused(f"{path}: the edit would leave the front matter invalid ({exc}): edit it by hand") from None
    return Edit(path, data, summary)


def apply(settings: Settings, edits: Iterable[Edit]) -> None:
    for edit in edits:
        settings.path(edit.path).write_bytes(edit.data)
