"""Work already done on unchanged files, kept between runs in the handbook's `.cache/handbook/`.

Entries are keyed by content (a file's bytes, a text's hash, two blob ids), so an edit can never
be answered from the cache; anything else that could change an answer (the code that computes
it, the Python version, the handbook's settings) is part of its section's salt, and a different
salt starts that section empty. Each section is a JSON file, never pickle: a cache that someone else
wrote can at worst be wrong, not run code. Its folder carries a `.gitignore` of its own so it is never
committed; `handbook check --no-cache` ignores it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from .errors import HandbookError
from .frontmatter import decode
from .records import Decision, DecisionStatus, Feedback, FeedbackStatus, Policy, PolicyRef, PolicyStatus, Post, Told
from .settings import Settings

CACHE_DIR = ".cache/handbook"
FORMAT = 2
_PACKAGE = Path(__file__).parent
_KINDS: dict[str, tuple[type[Any], type[Enum] | None]] = {
    "policy": (Policy, PolicyStatus),
    "decision": (Decision, DecisionStatus),
    "post": (Post, None),
    "feedback": (Feedback, FeedbackStatus),
}
_KIND_OF = {cls: kind for kind, (cls, _) in _KINDS.items()}
R = TypeVar("R")


# What each section's answers depend on besides their keys: the code that computes them. A
# section whose code changed starts empty; the others are kept.
SECTIONS: dict[str, tuple[str, ...]] = {
    "records": (
        "cache.py",
        "errors.py",
        "folders.py",
        "frontmatter.py",
        "linking.py",
        "loading.py",
        "owners.py",
        "postschema.py",
        "records.py",
        "schema.py",
        "settings.py",
    ),  # fmt: skip
    "bands": ("checks/minhash.py",),
    "words": ("checks/minhash.py",),
    "links": ("checks/links.py", "frontmatter.py", "loading.py"),
    "edits": ("checks/revisions.py", "git.py", "frontmatter.py", "lenient.py"),
    "effective": ("checks/revisions.py", "lenient.py"),
    "scripts": ("rawhtml.py", "checks/scripts.py", "frontmatter.py"),
    "personal": ("checks/personal.py",),
    "targets": ("checks/targets.py",),
    "peeks": ("oldtexts.py", "lenient.py", "frontmatter.py"),
    "versions": ("oldtexts.py", "lenient.py", "frontmatter.py"),
}


def section_salts(settings: Settings | None = None) -> dict[str, str]:
    """Each section's salt: the format, the Python version, its code, and (for records) the settings."""
    salts = {}
    for name, sources in SECTIONS.items():
        digest = hashlib.blake2b(f"{FORMAT}:{sys.version_info[:3]}".encode(), digest_size=16)
        for source in sources:
            digest.update(source.encode())
            digest.update((_PACKAGE / source).read_bytes())
        if name == "records" and settings is not None:
            digest.update(repr(settings).encode())
        if name in ("scripts", "targets") and settings is not None:  # found as the site's Markdown converts
            digest.update(repr((settings.markdown_extensions, settings.markdown_configs)).encode())
        salts[name] = digest.hexdigest()
    return salts


class Cache:
    """Named sections of `key -> value`, one JSON file each, read when a run first asks for the
    section (a check that reads no git never parses the history's); entries not used in a run
    are dropped when it saves."""

    def __init__(self, folder: Path | None, salts: Mapping[str, str], *, prune: bool = True) -> None:
        self.folder = folder
        self.salts = dict(salts)
        # False for a run that does part of the work (`check --select`): it keeps what it did not use.
        self.prune = prune
        self._old: dict[str, dict[str, Any]] = {}
        self._used: dict[str, dict[str, Any]] = {}
        self._changed: set[str] = set()
        # The content hash of each file read through `record`: other work on it is keyed by it.
        self.digests: dict[str, str] = {}

    @classmethod
    def for_handbook(cls, settings: Settings, *, prune: bool = True) -> Cache:
        return cls(settings.root / CACHE_DIR, section_salts(settings), prune=prune)

    @classmethod
    def disabled(cls) -> Cache:
        return cls(None, {})

    def get(self, section: str, key: str) -> Any:
        used = self._used.setdefault(section, {})
        if key in used:
            return used[key]
        value = self._section(section).get(key)
        if value is not None:
            used[key] = value
        return value

    def put(self, section: str, key: str, value: Any) -> None:
        if section in self.salts:
            self._used.setdefault(section, {})[key] = value
            self._changed.add(section)

    def _section(self, name: str) -> dict[str, Any]:
        if name not in self._old:
            self._old[name] = self._read(name)
        return self._old[name]

    def _read(self, name: str) -> dict[str, Any]:
        if self.folder is None or name not in self.salts:
            return {}
        try:
            data = json.loads((self.folder / f"{name}.json").read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("salt") != self.salts[name]:
            return {}  # another format or code: the section starts empty
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    @property
    def changed(self) -> bool:
        """Whether `save` would write: entries added, or some not used (dropped)."""
        return bool(self._due())

    def _due(self) -> list[str]:
        # Sections this run never asked for are not here: their files are kept as they are.
        return [
            name
            for name, used in self._used.items()
            if name in self.salts and (name in self._changed or (self.prune and len(used) != len(self._section(name))))
        ]

    def save(self) -> None:
        """Write the sections whose entries changed; quietly does nothing where the folder is read-only."""
        due = self._due()
        if self.folder is None or not due:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Written by handbook: a local cache, never committed.\n*\n", encoding="utf-8")
            # Format 1's one file of every section, and the files of sections this code no longer has.
            for file in self.folder.glob("*.json"):
                if file.stem not in SECTIONS:
                    file.unlink(missing_ok=True)
            for name in due:
                entries = self._used[name] if self.prune else {**self._section(name), **self._used[name]}
                data = {"format": FORMAT, "salt": self.salts[name], "entries": entries}
                with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".cache-", delete=False) as out:
                    out.write(json.dumps(data, separators=(",", ":")).encode())
                os.replace(out.name, self.folder / f"{name}.json")
                self._old[name] = entries
                self._changed.discard(name)
        except OSError:
            return

    # -- records ------------------------------------------------------------------------------
    def record(
        self, root: Path, path: str, load: Callable[[], tuple[R, list[HandbookError]]]
    ) -> tuple[R, list[HandbookError]]:
        """`load()`'s record and the problems in its text, reused while the file's bytes are the same.

        Only records that loaded are kept: a file that fails is read again, so its errors are
        always today's.
        """
        try:
            with open(os.path.join(root, path), "rb") as file:
                raw = file.read()
        except OSError:
            return load()
        digest = hashlib.blake2b(raw, digest_size=20).hexdigest()
        self.digests[path] = digest
        entry = self.get("records", path)
        if isinstance(entry, dict) and entry.get("hash") == digest:
            try:
                return _decode_record(path, raw, entry)
            except (KeyError, TypeError, ValueError, HandbookError):
                pass
        record, problems = load()
        # A record this cache cannot store is simply loaded every time.
        with contextlib.suppress(TypeError):
            self.put("records", path, _encode_record(record, problems, digest))
        return record, problems


def kept_by_text(
    cache: Cache | None,
    section: str,
    text: str,
    make: Callable[[], R],
    *,
    encode: Callable[[R], Any],
    decode: Callable[[Any], R],
) -> R:
    """`make()`, kept in `cache`'s `section` by `text` (its hash), whatever it was made from: the
    same text is never worked on twice. An entry `decode` refuses (a TypeError, ValueError or
    KeyError: not the shape it reads) is made again."""
    if cache is None:
        return make()
    key = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    kept = cache.get(section, key)
    if kept is not None:
        with contextlib.suppress(TypeError, ValueError, KeyError):
            return decode(kept)
    made = make()
    cache.put(section, key, encode(made))
    return made


def entries(kept: Any) -> list[Any]:
    """A cached list, for a `decode`: TypeError where the entry is something else."""
    if not isinstance(kept, list):
        raise TypeError(f"expected a list, got {type(kept).__name__}")
    return kept


def _shapes(cls: type[Any]) -> dict[str, str]:
    """The fields of a record class that JSON cannot carry as they are: date, tuple, mapping, status."""
    shapes = {}
    for name, spec in cls.__dataclass_fields__.items():
        kind = str(spec.type)
        if name == "body":
            continue
        if "PolicyRef" in kind or "Told" in kind:
            shapes[name] = "refs" if "PolicyRef" in kind else "told"
        elif name == "status" and "Status" in kind:
            shapes[name] = "status"
        elif "date" in kind:
            shapes[name] = "date"
        elif kind.startswith("tuple"):
            shapes[name] = "tuple"
        elif kind.startswith("Mapping") or kind.startswith("dict"):
            shapes[name] = "mapping"
        elif not any(t in kind for t in ("str", "int", "bool", "float")):
            shapes[name] = "unknown"
    return shapes


_SHAPES = {kind: _shapes(cls) for kind, (cls, _) in _KINDS.items()}
_FIELDS = {kind: set(cls.__dataclass_fields__) for kind, (cls, _) in _KINDS.items()}
_SCALARS = (str, int, float, bool, type(None))


def _encode_record(record: Any, problems: list[HandbookError], digest: str) -> dict[str, Any]:
    kind = _KIND_OF[type(record)]
    shapes = _SHAPES[kind]
    fields: dict[str, Any] = {}
    for name in record.__dataclass_fields__:
        if name == "body":
            continue
        value = getattr(record, name)
        shape = shapes.get(name)
        if value is None or shape is None:
            if not isinstance(value, _SCALARS):
                raise TypeError(f"cannot cache {type(value).__name__}")
            fields[name] = value
        elif shape == "status":
            fields[name] = value.value
        elif shape == "refs":
            fields[name] = [[ref.id, ref.version] for ref in value]
        elif shape == "told":
            fields[name] = [value.date.isoformat(), value.customers, value.how]
        elif shape == "date" and type(value) is dt.date:
            fields[name] = value.isoformat()
        elif shape == "tuple" and all(isinstance(v, _SCALARS) for v in value):
            fields[name] = list(value)
        elif shape == "mapping" and all(isinstance(v, _SCALARS) for v in value.values()):
            fields[name] = dict(value)
        else:
            raise TypeError(f"cannot cache {name}={value!r}")
    return {
        "hash": digest,
        "kind": kind,
        "fields": fields,
        "problems": [[p.path, p.line, p.message, p.code] for p in problems],
    }


def _decode_record(path: str, raw: bytes, entry: Mapping[str, Any]) -> tuple[Any, list[HandbookError]]:
    kind = entry["kind"]
    cls, status = _KINDS[kind]
    values = dict(entry["fields"])
    for name, shape in _SHAPES[kind].items():
        value = values[name]
        if value is None:
            continue
        if shape == "status":
            assert status is not None
            values[name] = status(value)
        elif shape == "date":
            values[name] = dt.date.fromisoformat(value)
        elif shape == "tuple":
            values[name] = tuple(value)
        elif shape == "refs":
            values[name] = tuple(PolicyRef(ref_id, version) for ref_id, version in value)
        elif shape == "told":
            values[name] = Told(dt.date.fromisoformat(value[0]), value[1], value[2])
    if "body" in cls.__dataclass_fields__:
        # The body is the file's text after the front matter: cut again rather than stored twice.
        line = values["body_line"]
        pieces = decode(path, raw).split("\n", line - 1)
        values["body"] = pieces[line - 1] if len(pieces) >= line else ""
    problems = [HandbookError(p, n, m, c) for p, n, m, c in entry["problems"]]
    if set(values) != _FIELDS[kind]:
        raise KeyError("the cached fields are not the record's")
    # The values were checked when the record was made; a frozen dataclass's __init__ would
    # set each through object.__setattr__, a tenth of the load time on 10,000 records.
    if hasattr(cls, "__post_init__") or "__slots__" in cls.__dict__:
        return cls(**values), problems
    record = object.__new__(cls)
    record.__dict__.update(values)
    return record, problems
