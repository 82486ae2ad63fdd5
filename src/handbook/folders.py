"""Reading a records folder safely: which of its files are records by their names, and the
symlinks, unreadable folders and misnamed files refused, each with the name to give it."""

from __future__ import annotations

import errno
import os
import posixpath
import re
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import HandbookError
from .schema import DECISION_NAME, SLUG
from .settings import Settings

LOOP = "symlink loops back to itself: remove it, or point it at a file"
OUTSIDE = "symlink points outside the repository: refused; copy the file in instead"
DANGLING = "symlink points to a file that does not exist: remove it or fix its target"
# Ids whose pages the site generates itself: policies/index.md is the policy register.
RESERVED_POLICY_IDS = ("index",)
LINKED_FOLDER = (
    "the folder is a symlink: refused, since git keeps the link and not the files; "
    "make it a real folder in the repository and move the files into it"
)


def symlink_problem(path: Path, root: Path) -> str | None:
    """Why the symlink at `path` cannot be read as a record (a loop, outside `root`, dangling), or None."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return LOOP
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop, as Python before 3.13 says it
        return LOOP
    if not target.is_relative_to(root):
        return OUTSIDE
    if not target.exists():
        return DANGLING
    return None


def unreadable(rel: str, exc: OSError, what: str = "folder") -> HandbookError:
    """A file or folder the build cannot read (`chmod 000`), located at its first line."""
    reason = exc.strerror or str(exc)
    return HandbookError(rel, 1, f"cannot read the {what} ({reason}): give the user who builds the site read access")


def linked_folder(root: Path, folder: str) -> HandbookError | None:
    """An error naming the first folder from `root` down to `folder` that is a symlink, or None."""
    parts = [part for part in folder.strip("/").split("/") if part]
    for depth in range(1, len(parts) + 1):
        rel = "/".join(parts[:depth])
        if (root / rel).is_symlink():
            return HandbookError(rel, 1, LINKED_FOLDER)
    return None


def list_folder(root: Path, base: Path, errors: list[HandbookError]) -> list[os.DirEntry[str]]:
    """Every file and folder under `base`, without following symlinked folders; a folder that
    cannot be read is an error, not an empty folder."""
    found: list[os.DirEntry[str]] = []
    todo = [str(base)]
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError as exc:
            where = Path(exc.filename) if exc.filename else base
            errors.append(unreadable(where.relative_to(root).as_posix(), exc))
            continue
        found += listed
        todo += [entry.path for entry in listed if entry.is_dir(follow_symlinks=False)]
    return found


def markdown_files(settings: Settings, folder: str, errors: list[HandbookError], *, flat: bool) -> Iterator[str]:
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
    # Strings, not Path objects: on 10,000 files, pathlib's parsing costs half a second.
    top, prefix = str(base), base.relative_to(settings.root).as_posix()
    for entry in sorted(list_folder(settings.root, base, errors), key=lambda e: e.path):
        rel = prefix + entry.path[len(top) :]
        if entry.is_symlink() and (problem := symlink_problem(Path(entry.path), root)) is not None:
            errors.append(HandbookError(rel, 1, problem))
            continue
        if os.path.splitext(entry.name)[1].lower() not in (".md", ".markdown") or not _is_file(entry):
            continue
        if flat and os.path.dirname(entry.path) != top:
            errors.append(HandbookError(rel, 1, f"{folder}/ is flat: move this file directly into {folder}/"))
            continue
        yield rel


DECISION_ASSETS = "assets"


def decision_assets(settings: Settings) -> list[tuple[str, Path]]:
    """The files decisions show (`decisions/assets/diagram.png`, as the decision importer copies
    them): (path under `assets/`, file), sorted; symlinks and hidden files are never published."""
    base = settings.path(settings.decisions_dir) / DECISION_ASSETS
    if not base.is_dir() or base.is_symlink():
        return []
    found = []
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base)
        if any(part.startswith(".") for part in rel.parts) or path.is_symlink() or not path.is_file():
            continue
        if any(parent.is_symlink() for parent in path.parents if parent.is_relative_to(base)):
            continue
        found.append((rel.as_posix(), path))
    return found


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a symlink whose target cannot be read is no file to load
        return False


def file_stem(path: str) -> str:
    # posixpath rather than PurePosixPath: the same answer, several times faster on 10,000 files.
    return posixpath.splitext(posixpath.basename(path))[0]


def as_id(name: str) -> str:
    """The lowercase id a file name was meant to be: 'Refunds And Returns' -> 'refunds-and-returns'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def is_policy_name(path: str) -> bool:
    return path.endswith(".md") and bool(SLUG.match(file_stem(path)))


def check_policy_name(path: str, taken: Mapping[str, str]) -> None:
    stem = file_stem(path)
    if is_policy_name(path):
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
    wanted = as_id(stem)
    other = taken.get(wanted)
    if other is not None:
        raise HandbookError(
            path, 1, f"{problem}, and its id '{wanted}' is already the id of {other}: keep one of the two files"
        )
    raise HandbookError(path, 1, f"{problem}: rename it to '{wanted or 'refunds-and-returns'}.md'")


def decision_name(path: str) -> tuple[int, str] | None:
    """(number, slug) of a well-named decision file, like 0007-use-shared-inbox.md."""
    match = DECISION_NAME.match(file_stem(path))
    if not path.endswith(".md") or not match:
        return None
    return int(match.group(1)), match.group(2)


def check_decision_name(path: str, taken: Mapping[str, tuple[int, str]]) -> tuple[int, str]:
    name = decision_name(path)
    if name is not None:
        return name
    stem = file_stem(path)
    problem = (
        "Markdown files must end in '.md'"
        if not path.endswith(".md")
        else (f"decision file name {stem!r} must be a 4-digit number and a lowercase slug")
    )
    free = max(taken.values(), default=(0, ""))[0] + 1
    parts = re.match(r"^(?:adr)?\D*?(\d{1,4})(?!\d)[-_ ]*(.*)$", stem, re.IGNORECASE)
    number, slug = (int(parts.group(1)), as_id(parts.group(2))) if parts else (free, as_id(stem))
    slug = slug or "title-of-the-decision"
    owner = next((other for other, (n, _) in taken.items() if n == number), None)
    if owner is not None and taken[owner][1] == slug:
        raise HandbookError(path, 1, f"{problem}, and it is the same decision as {owner}: keep one of the two files")
    if owner is not None:
        raise HandbookError(path, 1, f"{problem}: rename it to '{free:04d}-{slug}.md' ({number:04d} is {owner})")
    raise HandbookError(path, 1, f"{problem}: rename it to '{number:04d}-{slug}.md'")
