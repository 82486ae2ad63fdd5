"""The owners registry (`policies/owners.yml`): who owns policies, decisions and feedback."""

from __future__ import annotations

import posixpath

from . import schema as s
from .errors import HandbookError
from .folders import as_id, linked_folder, symlink_problem, unreadable
from .frontmatter import Document, decode, parse_tree
from .records import Owner
from .settings import Settings


def load_owners(settings: Settings) -> dict[str, Owner]:
    """The owners registry, or LoadErrors naming every broken entry; no file means no owners."""
    errors: list[HandbookError] = []
    owners, _ = read_owners(settings, errors)
    if errors:
        raise s.LoadErrors(errors)
    return owners


def read_owners(settings: Settings, errors: list[HandbookError]) -> tuple[dict[str, Owner], set[str] | None]:
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
                    f"rename it to '{as_id(owner_id) or 'support-ops'}'",
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
            values = s.validate(doc, s.OWNER_FIELDS)
        except s.LoadErrors as exc:
            errors.extend(exc.errors)
            continue
        owners[owner_id] = Owner(id=owner_id, line=line, **values)
    return owners, set(meta)
