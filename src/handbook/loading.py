"""Load a handbook folder into a Corpus: every record typed, every problem reported with its line."""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from . import schema as s
from .errors import HandbookError
from .folders import linked_folder, list_folder, symlink_problem, unreadable
from .frontmatter import Document, decode, parse_tree, read_document
from .records import Decision, DecisionStatus, Owner, Policy, PolicyStatus, Post
from .settings import BlogSettings, Settings

if TYPE_CHECKING:
    from .cache import Cache

DECISION_NAME = re.compile(r"^(\d{4})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# Material's own page keys, allowed on records and passed through to the theme.
PAGE_KEYS = ("hide", "description")
# Ids whose pages the site generates itself: policies/index.md is the policy register.
RESERVED_POLICY_IDS = ("index",)
# Link targets in Markdown: inline `](target)`, reference `[x]: target`, and HTML href/src.
_LINK = re.compile(
    r"\]\(\s*<?([^)\s>]+)|^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)|\b(?:href|src)\s*=\s*[\"']([^\"']+)", re.IGNORECASE
)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


# Ten years between reviews at most: a larger number is a typo, and can run past 9999-12-31.
MAX_REVIEW_MONTHS = 120
# Feeds date versions and decisions in RFC 5322, whose years start at 1900: an earlier date is a slip.
record_date = s.date_from(dt.date(1900, 1, 1))


def policy_fields(settings: Settings) -> tuple[s.Field, ...]:
    return (
        s.Field("title", s.line, required=True),
        s.Field("version", s.whole(1), required=True),
        s.Field("status", PolicyStatus.from_text, required=True),
        s.Field("owner", s.id_like("support-ops"), required=True),
        s.Field("effective", record_date, required=True),
        s.Field("reviewed", record_date, required=True),
        s.Field("review_every", s.whole(1, MAX_REVIEW_MONTHS), default=settings.review_every),
        s.Field("audience", s.words(s.one_of(settings.audiences, "audience")), required=True),
        s.Field("summary", s.text, required=True),
        s.Field("changes", s.text, required=True),
        s.Field("supersedes", s.slug),
        s.Field("tags", s.words(), default=()),
        s.Field("priority", s.whole(1)),
        s.Field("acknowledge", s.boolean, default=False),
    )


DECISION_FIELDS = (
    s.Field("status", DecisionStatus.from_text, required=True),
    s.Field("date", record_date, required=True),
    s.Field("decision-makers", s.words(), default=()),
    s.Field("consulted", s.words(), default=()),
    s.Field("informed", s.words(), default=()),
    s.Field("supersedes", s.words(s.whole(1)), default=()),
    s.Field("policies", s.words(s.slug), default=()),
    s.Field("tags", s.words(), default=()),
)

OWNER_FIELDS = (
    s.Field("name", s.line, required=True),
    s.Field("email", s.email, required=True),
    s.Field("handle", s.line, required=True),
)


# RSS dates need a four-digit year (RFC 5322: from 1900 on); an earlier one is a typing slip.
EARLIEST_POST = dt.date(1900, 1, 1)


def _post_date(value: Any) -> Any:
    # Material accepts `date: 2024-01-31` or `date: {created: ..., updated: ...}`.
    if isinstance(value, dict):
        if "created" not in value:
            raise ValueError("must be a date, or a mapping with 'created'")
        day = s.date(value["created"])
    else:
        day = s.date(value)
    if day < EARLIEST_POST:
        raise ValueError(
            f"is {day.isoformat()}, before {EARLIEST_POST.year}: give the day the post is published, as YYYY-MM-DD"
        )
    return day


POST_FIELDS = (
    s.Field("date", _post_date, required=True),
    s.Field("authors", s.words(), default=()),
    s.Field("categories", s.words(), default=()),
    s.Field("draft", s.boolean, default=False),
    # Material makes the post's address of it: one safe part, never '../' out of the site.
    s.Field("slug", s.path_segment("holiday-cover")),
    s.Field("title", s.text),
    s.Field("template", s.template_name),
    s.Field("pin", s.boolean, default=False),
    s.Field("readtime", s.whole(0)),
)
# Keys Material's blog reads that the Post record does not keep.
_POST_KEYS_FOR_MATERIAL = ("template", "pin", "readtime")
# Material's other post keys, checked by Material itself.
POST_PASSTHROUGH = (
    "description",
    "links",
    "hide",
    "search",
    "tags",
    "comments",
    "status",
    "icon",
    "subtitle",
)


def post_fields(settings: Settings) -> tuple[s.Field, ...]:
    """POST_FIELDS, with the authors and categories that Material's blog allows (`settings.blog`)."""
    blog = settings.blog
    if blog is None:
        return POST_FIELDS
    checked: dict[str, s.Convert] = {}
    if blog.authors is not None:
        where = f"the authors in {blog.authors_file}"
        known = s.one_of(blog.authors, "author", listed=where) if blog.authors else _no_author(blog)
        checked["authors"] = s.words(known)
    if blog.categories_allowed:
        where = "the blog's categories_allowed in mkdocs.yml"
        checked["categories"] = s.words(s.one_of(blog.categories_allowed, "category", listed=where))
    return tuple(replace(f, convert=checked.get(f.name, f.convert)) for f in POST_FIELDS)


def _no_author(blog: BlogSettings) -> s.Convert:
    def convert(value: Any) -> str:
        word = s.text(value)
        raise ValueError(f"has unknown value {word!r}: {blog.authors_file} lists no author; add '{word}' there")

    return convert


@dataclass(frozen=True)
class Corpus:
    """Every record of a handbook, the errors that kept files out, and the links between records."""

    settings: Settings
    owners: Mapping[str, Owner]
    policies: Mapping[str, Policy]
    decisions: Mapping[int, Decision]
    posts: tuple[Post, ...]
    load_errors: tuple[HandbookError, ...] = ()
    integrity_errors: tuple[HandbookError, ...] = ()
    # Derived both ways from `supersedes`: the record that replaced each superseded one.
    policy_successor: Mapping[str, str] = field(default_factory=dict)
    decision_successor: Mapping[int, int] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[HandbookError, ...]:
        return tuple(sorted(self.load_errors + self.integrity_errors, key=HandbookError.sort_key))

    @property
    def published_policies(self) -> tuple[Policy, ...]:
        return tuple(p for p in self.policies.values() if not p.is_draft)

    @property
    def drafts(self) -> tuple[Policy, ...]:
        return tuple(p for p in self.policies.values() if p.is_draft)

    @property
    def published_posts(self) -> tuple[Post, ...]:
        return tuple(p for p in self.posts if not p.draft)

    def is_retired(self, policy: Policy) -> bool:
        return policy.status is PolicyStatus.RETIRED or policy.id in self.policy_successor

    def decision_status(self, decision: Decision) -> DecisionStatus:
        if decision.number in self.decision_successor:
            return DecisionStatus.SUPERSEDED
        return decision.status

    def decisions_for_policy(self, policy_id: str) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions.values() if policy_id in d.policies)

    def owner_name(self, owner_id: str) -> str:
        owner = self.owners.get(owner_id)
        return owner.name if owner else owner_id


def load_corpus(settings: Settings, *, cache: Cache | None = None) -> Corpus:
    """Read every record under the handbook's root; never raises for bad input.

    With a `cache`, a file whose bytes have not changed since an earlier run is not parsed again.
    """
    errors: list[HandbookError] = []
    owners, named = _read_owners(settings, errors)
    policy_files = list(_markdown_files(settings, settings.policies_dir, errors, flat=True))
    policy_ids = {_stem(p): p for p in policy_files if _is_policy_name(p)}
    policies: dict[str, Policy] = {}
    # Files that failed to load: records naming them are not also reported, their own error says it.
    unloaded_policies: set[str] = set()
    for path in policy_files:
        load = partial(load_policy, settings, path, taken=policy_ids)
        policy = _collect(errors, partial(_read, cache, settings, path, errors, load))
        if policy is None:
            unloaded_policies.update({_stem(path), _as_id(_stem(path))})
        else:
            policies[policy.id] = policy
    decision_files = list(_markdown_files(settings, settings.decisions_dir, errors, flat=True))
    decision_names = {p: m for p in decision_files if (m := _decision_name(p))}
    decisions: dict[int, Decision] = {}
    by_number: dict[int, list[Decision]] = defaultdict(list)
    unloaded_decisions: set[int] = set()
    for path in decision_files:
        load_one = partial(load_decision, settings, path, taken=decision_names)
        decision = _collect(errors, partial(_read, cache, settings, path, errors, load_one))
        if decision is None:
            digits = re.match(r"\D*(\d+)", _stem(path))
            unloaded_decisions.add(int(digits.group(1)) if digits else -1)
        else:
            by_number[decision.number].append(decision)
            decisions.setdefault(decision.number, decision)
    posts = []
    for path in _markdown_files(settings, settings.posts_dir, errors, flat=False):
        post = _collect(errors, partial(_read, cache, settings, path, errors, partial(load_post, settings, path)))
        if post is not None:
            posts.append(post)
    posts.sort(key=lambda p: (p.date, p.path), reverse=True)
    integrity: list[HandbookError] = []
    free = max(decision_names.values(), default=(0, ""))[0] + 1
    for number, same in by_number.items():
        if len(same) > 1:
            names = ", ".join(d.path for d in same)
            for d in same:
                integrity.append(
                    HandbookError(
                        d.path,
                        1,
                        f"decision number {number:04d} is used by {len(same)} files ({names}): "
                        f"keep it on one and renumber the others from {free:04d}",
                        "HB204",
                    )
                )
    policy_successor = _link_policies(policies, owners, named, unloaded_policies, settings.owners_file, integrity)
    decision_successor = _link_decisions(decisions, policies, unloaded_decisions, unloaded_policies, integrity)
    return Corpus(
        settings=settings,
        owners=owners,
        policies=dict(sorted(policies.items())),
        decisions=dict(sorted(decisions.items())),
        posts=tuple(posts),
        # Once each: a symlinked folder holding both the owners registry and the policies is one error.
        load_errors=tuple(sorted({(e.sort_key(), e.code): e for e in errors}.values(), key=HandbookError.sort_key)),
        integrity_errors=tuple(sorted(integrity, key=HandbookError.sort_key)),
        policy_successor=policy_successor,
        decision_successor=decision_successor,
    )


def _read(
    cache: Cache | None, settings: Settings, path: str, errors: list[HandbookError], load: Callable[[], Any]
) -> Any:
    """A record, adding the problems inside its text to `errors`; from `cache` if the file is unchanged."""

    def fresh() -> tuple[Any, list[HandbookError]]:
        record = load()
        body = getattr(record, "body", None)
        return record, links_outside(record.path, body, record.body_line) if body is not None else []

    record, problems = fresh() if cache is None else cache.record(settings.root, path, fresh)
    errors.extend(problems)
    return record


def _collect(errors: list[HandbookError], load: Callable[[], Any]) -> Any:
    try:
        return load()
    except HandbookError as exc:
        errors.append(exc)
    except s.LoadErrors as exc:
        errors.extend(exc.errors)
    return None


def _markdown_files(settings: Settings, folder: str, errors: list[HandbookError], *, flat: bool) -> Iterator[str]:
    """Repository-relative paths of the folder's Markdown files; anything unsafe becomes an error."""
    base = settings.path(folder)
    # A folder that is a symlink (`ln -s /elsewhere decisions`) would publish files from anywhere.
    linked = linked_folder(settings.root, folder)
    if linked is not None:
        errors.append(linked)
        return
    try:
        if not base.is_dir():
            return
    except OSError as exc:  # the folder above it cannot be read
        errors.append(unreadable(folder, exc))
        return
    root = settings.root.resolve()
    # Sorted as text: comparing Path objects costs a quarter of a second on 10,000 files.
    for path in sorted(list_folder(settings.root, base, errors), key=str):
        rel = path.relative_to(settings.root).as_posix()
        if path.is_symlink() and (problem := symlink_problem(path, root)) is not None:
            errors.append(HandbookError(rel, 1, problem))
            continue
        if path.suffix.lower() not in (".md", ".markdown") or not path.is_file():
            continue
        if flat and path.parent != base:
            errors.append(HandbookError(rel, 1, f"{folder}/ is flat: move this file directly into {folder}/"))
            continue
        yield rel


def _stem(path: str) -> str:
    # posixpath rather than PurePosixPath: the same answer, several times faster on 10,000 files.
    return posixpath.splitext(posixpath.basename(path))[0]


def _as_id(name: str) -> str:
    """The lowercase id a file name was meant to be: 'Refunds And Returns' -> 'refunds-and-returns'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _is_policy_name(path: str) -> bool:
    return path.endswith(".md") and bool(s.SLUG.match(_stem(path)))


def _check_policy_name(path: str, taken: Mapping[str, str]) -> None:
    stem = _stem(path)
    if _is_policy_name(path):
        if stem in RESERVED_POLICY_IDS:
            raise HandbookError(
                path, 1, f"'{stem}' is the policy register's own page: rename the file after what the policy is about"
            )
        return
    problem = (
        "Markdown files must end in '.md'"
        if not path.endswith(".md")
        else (f"file name {stem!r} is not a lowercase id (letters, digits, hyphens)")
    )
    wanted = _as_id(stem)
    other = taken.get(wanted)
    if other is not None:
        raise HandbookError(
            path, 1, f"{problem}, and its id '{wanted}' is already the id of {other}: keep one of the two files"
        )
    raise HandbookError(path, 1, f"{problem}: rename it to '{wanted or 'refunds-and-returns'}.md'")


def _decision_name(path: str) -> tuple[int, str] | None:
    """(number, slug) of a well-named decision file, like 0007-use-shared-inbox.md."""
    match = DECISION_NAME.match(_stem(path))
    if not path.endswith(".md") or not match:
        return None
    return int(match.group(1)), match.group(2)


def _check_decision_name(path: str, taken: Mapping[str, tuple[int, str]]) -> tuple[int, str]:
    name = _decision_name(path)
    if name is not None:
        return name
    stem = _stem(path)
    problem = (
        "Markdown files must end in '.md'"
        if not path.endswith(".md")
        else (f"decision file name {stem!r} must be a 4-digit number and a lowercase slug")
    )
    free = max(taken.values(), default=(0, ""))[0] + 1
    parts = re.match(r"^(?:adr)?\D*?(\d{1,4})(?!\d)[-_ ]*(.*)$", stem, re.IGNORECASE)
    number, slug = (int(parts.group(1)), _as_id(parts.group(2))) if parts else (free, _as_id(stem))
    slug = slug or "title-of-the-decision"
    owner = next((other for other, (n, _) in taken.items() if n == number), None)
    if owner is not None and taken[owner][1] == slug:
        raise HandbookError(path, 1, f"{problem}, and it is the same decision as {owner}: keep one of the two files")
    if owner is not None:
        raise HandbookError(path, 1, f"{problem}: rename it to '{free:04d}-{slug}.md' ({number:04d} is {owner})")
    raise HandbookError(path, 1, f"{problem}: rename it to '{number:04d}-{slug}.md'")


def links_outside(path: str, body: str, body_line: int) -> list[HandbookError]:
    """Links in a record's text that leave the repository (`../../etc/passwd`, `file:`)."""
    problems = []
    fenced = False
    base = posixpath.dirname(path)
    for offset, line in enumerate(body.split("\n")):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        for match in _LINK.finditer(line):
            target = next(group for group in match.groups() if group is not None)
            address = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if address.lower().startswith("file:"):
                where = "to a file on one computer"
            elif not address or _SCHEME.match(address) or address.startswith("/"):
                continue
            elif posixpath.normpath(posixpath.join(base, address)).split("/")[0] == "..":
                where = "outside the repository"
            else:
                continue
            problems.append(
                HandbookError(
                    path,
                    body_line + offset,
                    f"link '{target}' points {where}: "
                    "link to a page of the handbook, like '../policies/refunds-and-returns.md', "
                    "or to a full https:// address",
                )
            )
    return problems


def load_owners(settings: Settings) -> dict[str, Owner]:
    """The owners registry, or LoadErrors naming every broken entry; no file means no owners."""
    errors: list[HandbookError] = []
    owners, _ = _read_owners(settings, errors)
    if errors:
        raise s.LoadErrors(errors)
    return owners


def _read_owners(settings: Settings, errors: list[HandbookError]) -> tuple[dict[str, Owner], set[str] | None]:
    """The valid owners, and every id the registry names (None when it cannot be read at all)."""
    path = settings.owners_file
    full = settings.path(path)
    try:
        if not full.is_file():
            return {}, set()
        if full.is_symlink() and (problem := symlink_problem(full, settings.root.resolve())) is not None:
            raise HandbookError(path, 1, problem)
        linked = linked_folder(settings.root, posixpath.dirname(path))
        if linked is not None:
            raise linked
        meta, lines = parse_tree(path, decode(path, full.read_bytes()), what="the owners registry")
    except OSError as exc:
        errors.append(unreadable(path, exc, "file"))
        return {}, None
    except HandbookError as exc:
        errors.append(exc)
        return {}, None
    owners: dict[str, Owner] = {}
    for owner_id, entry in meta.items():
        line = lines[(owner_id,)]
        if not s.SLUG.match(owner_id):
            errors.append(
                HandbookError(
                    path,
                    line,
                    f"owner id {owner_id!r} is not a lowercase id like 'support-ops': "
                    f"rename it to '{_as_id(owner_id) or 'support-ops'}'",
                )
            )
            continue
        if not isinstance(entry, dict):
            errors.append(
                HandbookError(
                    path, line, f"owner '{owner_id}' must have 'name', 'email' and 'handle' lines, indented under it"
                )
            )
            continue
        key_lines = {keys[1]: n for keys, n in lines.items() if len(keys) == 2 and keys[0] == owner_id}
        doc = Document(path, entry, "", line, key_lines, first_line=line)
        try:
            values = s.validate(doc, OWNER_FIELDS)
        except s.LoadErrors as exc:
            errors.extend(exc.errors)
            continue
        owners[owner_id] = Owner(id=owner_id, line=line, **values)
    return owners, set(meta)


def load_policy(settings: Settings, path: str, *, taken: Mapping[str, str] | None = None) -> Policy:
    """One policy file as a record; `taken` (id -> path) names the files already holding each id."""
    _check_policy_name(path, taken or {})
    doc = read_document(settings.root, path)
    values = s.validate(doc, policy_fields(settings), passthrough=PAGE_KEYS)
    policy = Policy(
        id=_stem(path), path=path, body=doc.body, body_line=doc.body_line, lines=dict(doc.key_lines), **values
    )
    try:
        policy.review_due  # noqa: B018  (computed to see that it is a date at all)
    except (ValueError, OverflowError):
        every = f"{policy.review_every} month{'s' if policy.review_every != 1 else ''}"
        raise HandbookError(
            path,
            policy.line_of("reviewed"),
            f"the next review ({policy.reviewed.isoformat()} plus {every}) falls after 9999-12-31, the last date "
            "the handbook can show: set 'reviewed' to the date of the last review",
        ) from None
    return policy


def load_decision(settings: Settings, path: str, *, taken: Mapping[str, tuple[int, str]] | None = None) -> Decision:
    """One decision file as a record; `taken` (path -> number, slug) names the well-named files."""
    number, _ = _check_decision_name(path, taken or {})
    doc = read_document(settings.root, path)
    values = s.validate(doc, DECISION_FIELDS, passthrough=PAGE_KEYS)
    title, title_line = first_heading(doc)
    if title is None:
        raise HandbookError(path, _body_or_last_line(doc), "no title: start the text with a '# Title' heading")
    if problem := s.control_problem(title, one_line=True):
        raise HandbookError(path, title_line, f"the title {problem}")
    return Decision(
        number=number,
        id=_stem(path),
        path=path,
        title=title,
        body=doc.body,
        body_line=doc.body_line,
        lines=dict(doc.key_lines),
        **values,
    )


def load_post(settings: Settings, path: str) -> Post:
    doc = read_document(settings.root, path)
    problems = _characters_feeds_refuse(doc)
    try:
        values = s.validate(doc, post_fields(settings), passthrough=POST_PASSTHROUGH)
    except s.LoadErrors as exc:
        raise s.LoadErrors(exc.errors + problems) from None
    if problems:
        raise s.LoadErrors(problems)
    for key in _POST_KEYS_FOR_MATERIAL:
        values.pop(key)
    title = values.pop("title") or first_heading(doc)[0]
    if title is None:
        raise HandbookError(path, _body_or_last_line(doc), "no title: start the post with a '# Title' heading")
    return Post(path=path, title=title, lines=dict(doc.key_lines), **values)


# What XML 1.0 cannot carry: a post's title and excerpt go into the blog's feeds as they are.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WHY = "(a feed cannot carry it)"


def _characters_feeds_refuse(doc: Document) -> list[HandbookError]:
    """Control characters in a post's front matter values (YAML escapes like "\\v") and text.
    The fields the schema converts refuse them themselves (`schema.control_problem`)."""
    problems = []
    validated = {field.name for field in POST_FIELDS}
    for key, value in doc.meta.items():
        if key in validated:
            continue
        if found := next(filter(None, map(_NOT_IN_XML.search, _strings(value))), None):
            message = f"'{key}' holds the control character {_code(found)}: delete it {_WHY}"
            problems.append(HandbookError(doc.path, doc.line_of(key), message))
    if _NOT_IN_XML.search(doc.body):
        for offset, line in enumerate(doc.body.split("\n")):
            if found := _NOT_IN_XML.search(line):
                message = f"control character {_code(found)} at column {found.start() + 1}: delete it {_WHY}"
                problems.append(HandbookError(doc.path, doc.body_line + offset, message))
    return problems


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)


def _code(found: re.Match[str]) -> str:
    return f"U+{ord(found.group()):04X}"


def _body_or_last_line(doc: Document) -> int:
    # A file that ends at its closing '---' has no body line to point at: point at the fence.
    return doc.body_line if doc.body else doc.body_line - 1


def first_heading(doc: Document) -> tuple[str | None, int]:
    """The first level-one heading outside code blocks, and its file line."""
    fenced = False
    for offset, line in enumerate(doc.body.split("\n")):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (m := _HEADING.match(line)):
            return m.group(1), doc.body_line + offset
    return None, doc.body_line


def _link_policies(
    policies: Mapping[str, Policy],
    owners: Mapping[str, Owner],
    named: set[str] | None,
    unloaded: set[str],
    owners_file: str,
    errors: list[HandbookError],
) -> dict[str, str]:
    successor: dict[str, str] = {}
    for policy in policies.values():
        # An owner the registry names but could not load, or a registry that cannot be read, is reported there.
        if named is not None and policy.owner not in named:
            close = difflib.get_close_matches(policy.owner, sorted(owners), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            errors.append(
                HandbookError(
                    policy.path,
                    policy.line_of("owner"),
                    f"owner '{policy.owner}' is not in the owners registry: "
                    f"{hint}add it to {owners_file} or pick an owner listed there",
                    "HB103",
                )
            )
        old_id = policy.supersedes
        if old_id is None or old_id in unloaded:
            continue
        line = policy.line_of("supersedes")
        old = policies.get(old_id)
        if old is None:
            errors.append(
                HandbookError(
                    policy.path,
                    line,
                    f"'supersedes' names policy '{old_id}', which does not exist: "
                    "give the id (file name without .md) of an existing policy",
                    "HB301",
                )
            )
        elif old.is_draft:
            errors.append(
                HandbookError(
                    policy.path,
                    line,
                    f"'supersedes' names '{old_id}', a draft: a draft was never published and cannot be superseded",
                    "HB303",
                )
            )
        elif old_id in successor:
            errors.append(
                HandbookError(
                    policy.path,
                    line,
                    f"policy '{old_id}' is already superseded by '{successor[old_id]}': a policy has one successor",
                    "HB304",
                )
            )
        elif not policy.is_draft:
            successor[old_id] = policy.id
    for cycle in _cycles({p.id: [p.supersedes] if p.supersedes else [] for p in policies.values()}):
        first = policies[cycle[0]]
        chain = " -> ".join(cycle + [cycle[0]])
        errors.append(
            HandbookError(
                first.path,
                first.line_of("supersedes"),
                f"supersede cycle: {chain}: a policy cannot (even indirectly) supersede itself",
                "HB302",
            )
        )
        # In a ring nobody replaced anybody: no record is shown as superseded by another.
        for member in cycle:
            successor.pop(member, None)
    return successor


def _link_decisions(
    decisions: Mapping[int, Decision],
    policies: Mapping[str, Policy],
    unloaded: set[int],
    unloaded_policies: set[str],
    errors: list[HandbookError],
) -> dict[int, int]:
    successor: dict[int, int] = {}
    for decision in decisions.values():
        line = decision.line_of("supersedes")
        for number in decision.supersedes:
            if number in unloaded:
                continue
            if number not in decisions:
                errors.append(
                    HandbookError(
                        decision.path, line, f"'supersedes' names decision {number:04d}, which does not exist", "HB301"
                    )
                )
            elif number in successor and successor[number] != decision.number:
                errors.append(
                    HandbookError(
                        decision.path,
                        line,
                        f"decision {number:04d} is already superseded by {successor[number]:04d}: "
                        "a decision has one successor",
                        "HB304",
                    )
                )
            elif decision.status is not DecisionStatus.REJECTED:
                successor[number] = decision.number
        for policy_id in decision.policies:
            policy = policies.get(policy_id)
            if policy_id in unloaded_policies and policy is None:
                continue
            if policy is None or policy.is_draft:
                what = "does not exist" if policy is None else "is a draft"
                errors.append(
                    HandbookError(
                        decision.path,
                        decision.line_of("policies"),
                        f"'policies' names '{policy_id}', which {what}: list published policy ids only",
                        "HB305",
                    )
                )
    for decision in decisions.values():
        # Its successor may be a file that failed to load: that file's own error comes first.
        if decision.status is DecisionStatus.SUPERSEDED and decision.number not in successor and not unloaded:
            errors.append(
                HandbookError(
                    decision.path,
                    decision.line_of("status"),
                    f"status is 'superseded' but no decision supersedes {decision.label}: add 'supersedes: "
                    f"[{decision.number}]' to its successor",
                    "HB306",
                )
            )
    graph = {str(d.number): [str(n) for n in d.supersedes if n in decisions] for d in decisions.values()}
    for cycle in _cycles(graph):
        first = decisions[int(cycle[0])]
        chain = " -> ".join(f"{int(n):04d}" for n in cycle + [cycle[0]])
        errors.append(
            HandbookError(
                first.path,
                first.line_of("supersedes"),
                f"supersede cycle: {chain}: a decision cannot (even indirectly) supersede itself",
                "HB302",
            )
        )
        for member in cycle:
            successor.pop(int(member), None)
    return successor


def _cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of records that supersede each other in a ring."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        # Tarjan's algorithm, iterative so that long supersede chains cannot overflow the stack.
        work = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            nxt = next((e for e in edges if e in graph), None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph[node]:
                    groups.append(group)
    cycles = []
    for group in groups:
        members = set(group)
        cycle = [min(group)]
        while True:
            nxt = min(e for e in graph[cycle[-1]] if e in members)
            if nxt == cycle[0] or nxt in cycle:
                break
            cycle.append(nxt)
        cycles.append(cycle)
    return sorted(cycles)
