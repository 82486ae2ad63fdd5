"""What history reads from the old texts of record files, kept by blob id (a blob never changes):
in memory for one process (`mkdocs serve` reads history again and again), and in the handbook's
cache between runs (`Cache`), so that git is asked only for the texts a run still needs.

Two things are kept: what history counts from each text (its version, status and the line of
`version`), which every commit of every record needs; and the fields of each text that becomes a
published version, whose body is cut from the text again rather than stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .lenient import decode_text, old_version, peek
from .records import Version

if TYPE_CHECKING:
    from . import git
    from .cache import Cache

# (version number, status in lowercase, line of `version`); None where the text does not say.
Peek = tuple[int | None, str | None, int]


@dataclass
class Texts:
    """What was read from git's blobs, by blob id: kept for one run, or between runs by a caller
    that reads history again and again (`mkdocs serve`)."""

    blobs: dict[str, bytes | None] = field(default_factory=dict)
    peeks: dict[tuple[str, str, bool], Peek] = field(default_factory=dict)
    versions: dict[tuple[str, int, str, str, str], Version] = field(default_factory=dict)


class OldTexts:
    """`Texts`, backed by the handbook's cache (sections "peeks" and "versions") when given one."""

    def __init__(self, texts: Texts, cache: Cache | None = None) -> None:
        self.texts = texts
        self.cache = cache

    def known_peek(self, path: str, blob: str, *, want_version: bool) -> Peek | None:
        """What an earlier read of this text found, or None: then git must give the text."""
        key = (path, blob, want_version)
        found = self.texts.peeks.get(key)
        if found is None and self.cache is not None:
            kept = self.cache.get("peeks", _peek_key(*key))
            if _is_peek(kept):
                found = self.texts.peeks[key] = (kept[0], kept[1], kept[2])
        return found

    def peek(self, path: str, blob: str, raw: bytes, *, want_version: bool) -> Peek:
        """What history counts from the text `raw`, read now and kept (`known_peek` said None)."""
        key = (path, blob, want_version)
        found = self.texts.peeks[key] = peek(path, raw, want_version=want_version)
        if self.cache is not None:
            self.cache.put("peeks", _peek_key(*key), list(found))
        return found

    def version(self, policy_id: str, number: int, blob: str, path: str, first: git.Commit, raw: bytes) -> Version:
        """Version `number` of a policy: the text `raw` (blob `blob` at `path`), published by `first`."""
        key = (policy_id, number, blob, path, first.sha)
        made = self.texts.versions.get(key)
        if made is None:
            made = self.texts.versions[key] = self._version(policy_id, number, blob, path, first, raw)
        return made

    def known_version(self, policy_id: str, number: int, blob: str, path: str, first: git.Commit) -> Version | None:
        return self.texts.versions.get((policy_id, number, blob, path, first.sha))

    def _version(self, policy_id: str, number: int, blob: str, path: str, first: git.Commit, raw: bytes) -> Version:
        text = decode_text(raw)
        key = f"{blob} {path}"
        kept = self.cache.get("versions", key) if self.cache is not None else None
        fields = _fields(kept, text)
        if fields is None:
            old = old_version(path, text)
            cut = len(text) - len(old.body)
            fields = (old.title, old.status, old.effective, old.summary, old.changes, cut)
            # The body is cut from the text again next time: kept only where it is the text's end.
            if self.cache is not None and text.endswith(old.body):
                day = old.effective.isoformat() if old.effective else None
                self.cache.put("versions", key, [old.title, old.status, day, old.summary, old.changes, cut])
            body = old.body
        else:
            body = text[fields[5] :]
        title, status, effective, summary, changes, _ = fields
        return Version(
            policy_id=policy_id,
            number=number,
            title=title or policy_id,
            status=status,
            effective=effective,
            summary=summary,
            changes=changes,
            body=body,
            published=first.date,
            author=first.author,
            commit=first.sha,
            path=path,
        )


def _peek_key(path: str, blob: str, want_version: bool) -> str:
    return f"{blob} {int(want_version)} {path}"


def _is_peek(kept: Any) -> bool:
    return (
        isinstance(kept, list)
        and len(kept) == 3
        and (kept[0] is None or type(kept[0]) is int)
        and (kept[1] is None or isinstance(kept[1], str))
        and type(kept[2]) is int
    )


def _fields(kept: Any, text: str) -> tuple[str, str, dt.date | None, str, str, int] | None:
    """A cached entry of "versions" as fields, or None when it is not one (then the text is read)."""
    if not isinstance(kept, list) or len(kept) != 6:
        return None
    title, status, effective, summary, changes, cut = kept
    if not all(isinstance(v, str) for v in (title, status, summary, changes)):
        return None
    if type(cut) is not int or not 0 <= cut <= len(text) or not (effective is None or isinstance(effective, str)):
        return None
    try:
        day = dt.date.fromisoformat(effective) if effective is not None else None
    except ValueError:
        return None
    return title, status, day, summary, changes, cut
