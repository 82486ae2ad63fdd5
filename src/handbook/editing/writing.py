"""Front matter written as the loader reads it back: one-line values, new blocks, and edits in
place that keep every other byte."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from .. import schema as s
from ..errors import HandbookError
from ..frontmatter import Document, parse_document
from ..schema import PAGE_KEYS


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


def check_loads(path: str, text: str, fields: Iterable[s.Field], *, passthrough: Iterable[str] = PAGE_KEYS) -> Document:
    """The record exactly as the loader would read it; ValueError (or HandbookError) when it would not load."""
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
