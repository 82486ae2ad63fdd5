"""Front matter of old files as history reads them: the YAML as the loader reads it, key by key
when the whole does not parse, and plain front matter quickly, with the same answer; and what
history takes from an old text (its version and status, or the whole version).

A front matter is *plain* when every line at the left margin is a blank, a comment or a
`key: value` whose value opens nothing that could run past its line (no block scalar, tag,
anchor or alias, and quotes and lists closed on the line), and every indented line below a key
opens nothing either (no quote, bracket, brace, block scalar, tag, anchor or alias). Each key's
lines then hold its whole value and nothing else: YAML reads a key's lines alone exactly as it
reads them in the whole, so a few keys are read by parsing their lines only. Anything else goes
to the full parse.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from .frontmatter import (
    MAX_FRONT_MATTER_BYTES,
    Loader,
    build_scalar,
    parse_document,
    parse_mapping,
    split_front_matter,
)

# A key at the margin as the line reader sees it (`key:value` too, as old files have it).
_LOOSE_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*(?:[ \t]#.*)?")
# A plain front matter, line by line: blanks and comments, then keys, each followed by blanks,
# comments and indented lines. A key's value is empty, quoted or a list closed on its line, or a
# plain scalar whose first character opens nothing (a quote, bracket, block scalar, tag, anchor,
# alias, ...); an indented line holds none of those characters at all. Each kind of line starts
# with its own kind of character, so that a line matches one way only (no backtracking).
_CLOSED = r"""(?:"[^"\\\n]*"|'(?:[^'\n]|'')*'|\[[^][{}"'#&*!|>%@`\n]*\])(?: +#.*| *)"""
_PLAIN = r"""[^\s\-?:,#[\]{}&*!|>'"%@`]"""
_KEY = rf"[A-Za-z_][A-Za-z0-9_-]* *:(?: *| +#.*| +{_CLOSED}| +{_PLAIN}.*)"
_HEAD = r"(?: *|#.*)"
_INDENTED = r""" +[^\s"'[\]{}|>&*!%@`][^\n"'[\]{}|>&*!%@`]*"""
_PLAIN_BLOCK = re.compile(rf"(?:{_HEAD}\n)*(?:{_HEAD}|{_KEY}(?:\n(?:{_KEY}|{_HEAD}|{_INDENTED}))*)")
_COLON = re.compile(" *:")
_NEXT_KEY = re.compile(r"\n(?=[A-Za-z_])")
_KEY_START = re.compile("[A-Za-z_]")
# A value that is quoted text without escapes, or a plain scalar on one line (no `: `, no
# comment, no trailing colon): the value is the text itself, resolved as YAML resolves it.
_VALUE = rf"""(?:"([^"\\\n]*)"|'((?:[^'\n]|'')*)'|({_PLAIN}(?:[^#:\n]|:(?=[^ \n]))*?))"""
_SIMPLE = re.compile(rf"[A-Za-z_][A-Za-z0-9_-]* *: +{_VALUE} *")
# The loader's own resolver (`0010` is ten), to tell text from numbers, dates and yes/no.
_RESOLVE = Loader("").resolve


@dataclass(frozen=True)
class KeyLines:
    """A top-level key, the file line it is on, and its lines (the key's and the ones below it)."""

    key: str
    line: int
    lines: tuple[str, ...]

    def read(self, path: str) -> tuple[bool, Any]:
        """(True, the value) as YAML reads these lines alone, or (False, None) when it cannot."""
        if len(self.lines) == 1:
            ok, value = _one_line_value(self.lines[0])
            if ok:
                return ok, value
        try:
            meta, _ = parse_mapping(path, "\n".join(self.lines), first_line=self.line)
        except Exception:  # deliberately broad: old text must never break history
            return False, None
        return (True, meta[self.key]) if list(meta) == [self.key] else (False, None)

    def text(self) -> str:
        """The value as written, for lines YAML cannot read: quotes dropped, continued lines joined."""
        match = _LOOSE_KEY.fullmatch(self.lines[0])
        value = match.group(2) if match else ""
        # A block scalar's indicator (`>-`, `|`) is not its value: its lines follow.
        if re.fullmatch(r"[>|][-+0-9]*", value):
            value = ""
        elif len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        more = [line.strip() for line in self.lines[1:] if line[:1] in (" ", "\t") and line.strip()]
        return " ".join([value, *more]).strip()


def key_lines(block: str, *, first_line: int = 2) -> list[KeyLines]:
    """The front matter's keys with their lines, in order (a key given twice, twice), as a line
    reader makes them out in any text: a line at the margin that is not a key, a blank or a
    comment ends the key before it, and is dropped."""
    found: list[KeyLines] = []
    key: str | None = None
    start = 0
    current: list[str] = []
    for index, line in enumerate(block.split("\n")):
        if not line.strip() or line[:1] in (" ", "\t") or line.lstrip().startswith("#"):
            if key is not None:
                current.append(line)
            continue
        if key is not None:
            found.append(KeyLines(key, first_line + start, tuple(current)))
        match = _LOOSE_KEY.fullmatch(line)
        key, start, current = (match.group(1), index, [line]) if match else (None, 0, [])
    if key is not None:
        found.append(KeyLines(key, first_line + start, tuple(current)))
    return found


def quick_values(path: str, text: str, keys: Iterable[str]) -> tuple[dict[str, Any], dict[str, int], str] | None:
    """The values of `keys` (those present), their lines and the body, when the front matter is
    plain and each key's lines parse; else None. The values `read_leniently` gives, sooner."""
    split = split_front_matter(text)
    if split is None:
        return None
    block, body, _ = split
    # Printable: no tab, no control character, no character YAML breaks lines at. A block of
    # more than a quarter of the limit in characters may be over it in bytes: the parser decides.
    if len(block) > MAX_FRONT_MATTER_BYTES // 4 or not block.replace("\n", "").isprintable():
        return None
    if _PLAIN_BLOCK.fullmatch(block) is None:
        return None
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    margin = "\n" + block
    for key in keys:
        # The last time the key is given at the margin, as the line reader takes it (twice is a
        # YAML error); a longer key that starts with it (`status-note`) is another key.
        at = len(margin)
        while (at := margin.rfind("\n" + key, 0, at)) >= 0 and not _COLON.match(margin, at + 1 + len(key)):
            pass
        if at < 0:
            continue
        # `at` is where the key's line starts in `block`; its lines end where the next key starts.
        lines[key] = block.count("\n", 0, at) + 2
        end = block.find("\n", at)
        if end < 0 or _KEY_START.match(block, end + 1):
            ok, values[key] = _one_line_value(block[at : end if end >= 0 else None])
            if ok:
                continue
        after = _NEXT_KEY.search(block, at)
        found = KeyLines(key, lines[key], tuple(block[at : after.start() if after else None].split("\n")))
        ok, values[key] = found.read(path)
        if not ok:
            return None
    return values, lines, body


def _one_line_value(line: str) -> tuple[bool, Any]:
    """The value of a one-line key that needs no parser (`_SIMPLE`), or (False, None)."""
    word = _SIMPLE.fullmatch(line) if line.isprintable() else None
    if word is None:
        return False, None
    double, single, plain = word.group(1, 2, 3)
    if double is not None:
        return True, double
    if single is not None:
        return True, single.replace("''", "'")
    return _plain_value(plain)


@functools.lru_cache(maxsize=4096)
def _plain_value(plain: str) -> tuple[bool, Any]:
    """A one-line plain scalar as the loader builds it, or (False, None); remembered, since old
    versions repeat their statuses, numbers and dates thousands of times."""
    try:
        return True, build_scalar(yaml.ScalarNode(_RESOLVE(yaml.ScalarNode, plain, (True, False)), plain))
    except Exception:  # deliberately broad: what the loader cannot build, the parser reports
        return False, None


@dataclass(frozen=True)
class Lenient:
    """An old file's front matter: each key's value, its line, and the keys read as text only."""

    meta: Mapping[str, Any]
    lines: Mapping[str, int]
    body: str
    # False when the YAML as a whole did not parse and the keys were read one by one.
    whole: bool = True
    # Keys whose lines YAML cannot read even alone: their value is the text as written.
    unread: frozenset[str] = frozenset()


def read_leniently(path: str, text: str) -> Lenient:
    """Front matter and body of an old file; never raises, whatever the file holds.

    Today's parser first; if it refuses the file (a YAML error, an alias, a duplicate key), each
    key's lines are read alone: with YAML where it can read them, else as text. A key given
    twice counts as given last.
    """
    try:
        doc = parse_document(path, text)
    except Exception:  # deliberately broad: old text must never break history
        pass
    else:
        return Lenient(dict(doc.meta), dict(doc.key_lines), doc.body)
    split = split_front_matter(text)
    if split is None:
        return Lenient({}, {}, text, whole=False)
    block, body, _ = split
    if len(block.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        return Lenient({}, {}, body, whole=False)
    meta: dict[str, Any] = {}
    lines: dict[str, int] = {}
    unread: set[str] = set()
    for found in key_lines(block):
        ok, value = found.read(path)
        meta[found.key], lines[found.key] = (value if ok else found.text()), found.line
        (unread.discard if ok else unread.add)(found.key)
    return Lenient(meta, lines, body, whole=False, unread=frozenset(unread))


def lenient_document(path: str, text: str) -> tuple[dict[str, Any], str]:
    """Front matter and body of an old file, read as `read_leniently` reads it."""
    read = read_leniently(path, text)
    return dict(read.meta), read.body


# -- what history takes from an old text ---------------------------------------------------------

_BOM = b"\xef\xbb\xbf"
# The front matter is at the top: a file's first bytes tell its version and status.
_HEAD_BYTES = 4096
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")


def decode_text(raw: bytes) -> str:
    """Any bytes as text with `\\n` line ends: history shows old files even if they were not UTF-8."""
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    return raw.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")


def peek(path: str, raw: bytes, *, want_version: bool = True) -> tuple[int | None, str | None, int]:
    """A file's `version`, its `status` in lowercase, and the line of `version`, as history counts them.

    The status is the one the loader reads (`status: !!str draft` is a draft), or None when the
    front matter does not parse and its `status` line cannot be read even alone: such a commit
    publishes nothing. A plain front matter is read from its `version` and `status` lines only
    (`quick_values`, the same answer); anything else is parsed whole.
    """
    # Only the first lines are decoded. Where the front matter runs past them, there is no
    # closing '---' in them, and the full parse decides.
    cut = raw.rfind(b"\n", 0, _HEAD_BYTES) + 1 if len(raw) > _HEAD_BYTES else len(raw)
    keys = ("version", "status") if want_version else ("status",)
    quick = quick_values(path, decode_text(raw[:cut]), keys) if cut else None
    meta: Mapping[str, Any]
    lines: Mapping[str, int]
    if quick is not None and "status" in quick[0]:
        meta, lines, _ = quick
        status: str | None = word(meta["status"]).lower()
    else:
        read = read_leniently(path, decode_text(raw))
        meta, lines = read.meta, read.lines
        unread = not read.whole and ("status" not in meta or "status" in read.unread)
        status = None if unread else word(meta.get("status")).lower()
    if not want_version:
        return None, status, 1
    return number(meta.get("version")), status, lines.get("version", 1)


VERSION_KEYS = ("title", "status", "effective", "summary", "changes")


@dataclass(frozen=True)
class OldVersion:
    """What an old text says of its version: its fields as text, its effective date, its body."""

    title: str
    status: str
    effective: dt.date | None
    summary: str
    changes: str
    body: str


def old_version(path: str, text: str) -> OldVersion:
    """An old text's version fields, read as leniently as history reads them."""
    quick = quick_values(path, text, VERSION_KEYS)
    meta, body = (quick[0], quick[2]) if quick is not None else lenient_document(path, text)
    return OldVersion(
        title=word(meta.get("title")),
        status=word(meta.get("status")).lower(),
        effective=date(meta.get("effective")),
        summary=word(meta.get("summary")),
        changes=word(meta.get("changes")),
        body=body,
    )


def number(value: Any) -> int | None:
    """A version number from whatever old YAML gave: a whole number from 1, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 1 else None
    # ASCII digits only: `int()` refuses some characters `isdigit()` accepts, like '¹'.
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        found = int(value.strip())
        return found if found >= 1 else None
    return None


def word(value: Any) -> str:
    """A front-matter value as text, whatever type old YAML gave it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (list, tuple)):
        return ", ".join(word(v) for v in value)
    return str(value).strip()


def date(value: Any) -> dt.date | None:
    """A date from whatever old YAML gave, or None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and (m := _DAY.match(value.strip())):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None
