"""Split a Markdown file into YAML front matter and body, keeping the line of every key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import HandbookError

# PyYAML's C parser is about ten times faster; the pure-Python one is the fallback.
_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Front matter is a few lines; a larger block is refused rather than parsed.
MAX_FRONT_MATTER_BYTES = 64 * 1024
FENCE = "---"


@dataclass(frozen=True)
class Document:
    """A Markdown file's front matter (with key lines) and body."""

    path: str
    meta: Mapping[str, Any]
    body: str
    body_line: int
    key_lines: Mapping[str, int] = field(default_factory=dict)
    has_front_matter: bool = True

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def decode(path: str, raw: bytes) -> str:
    """UTF-8 text with `\\n` line ends; a BOM is dropped, anything else not UTF-8 is an error."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise HandbookError(path, line, "file contains a NUL byte: it is not a text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise HandbookError(
            path,
            line,
            f"file is not UTF-8 (byte 0x{raw[exc.start]:02x}): save it as UTF-8",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_document(root: Path, path: str, *, require_front_matter: bool = True) -> Document:
    """Read `root/path` into a Document, or raise HandbookError naming the file and line."""
    raw = (root / path).read_bytes()
    return parse_document(path, decode(path, raw), require_front_matter=require_front_matter)


def parse_document(path: str, text: str, *, require_front_matter: bool = True) -> Document:
    if not text.strip():
        raise HandbookError(path, 1, "file is empty: start it with front matter between '---' lines")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        if not require_front_matter:
            return Document(path, {}, text, 1, {}, has_front_matter=False)
        raise HandbookError(
            path, 1, "no front matter: the file must start with a '---' line, then 'key: value' lines, then '---'"
        )
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
        raise HandbookError(path, 1, "front matter opened at line 1 is never closed: add a '---' line after it")
    block = "\n".join(lines[1:end])
    if len(block.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise HandbookError(
            path,
            1,
            f"front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB: move long text into the body",
        )
    meta, key_lines = parse_mapping(path, block, first_line=2)
    body = "\n".join(lines[end + 1 :])
    return Document(path, meta, body, end + 2, key_lines)


def parse_mapping(path: str, text: str, *, first_line: int = 1) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse YAML that must be a mapping; return it with each top-level key's file line."""
    node = compose(path, text, first_line=first_line)
    if node is None:
        return {}, {}
    if not isinstance(node, yaml.MappingNode):
        kind = {yaml.ScalarNode: "a single value", yaml.SequenceNode: "a list"}[type(node)]
        raise HandbookError(
            path,
            node.start_mark.line + first_line,
            f"front matter must be 'key: value' lines, got {kind}"
            + (" (put a space after the colon)" if isinstance(node, yaml.ScalarNode) and ":" in str(node.value) else ""),
        )
    key_lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key = key_node.value
        if not isinstance(key_node, yaml.ScalarNode) or not isinstance(key, str):
            raise HandbookError(path, key_node.start_mark.line + first_line, "front matter keys must be words")
        key_lines[key] = key_node.start_mark.line + first_line
    data = yaml.constructor.SafeConstructor().construct_document(node)
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise HandbookError(path, first_line, "front matter keys must be words")
    return data, key_lines


def compose(path: str, text: str, *, first_line: int = 1) -> yaml.Node | None:
    """The YAML node tree, refusing aliases and duplicate keys, with errors at file lines."""
    loader = _Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        problem = exc.problem or "invalid YAML"
        if "\t" in problem or "'\\t'" in problem:
            problem = "a tab character (YAML indents with spaces only)"
        raise HandbookError(path, line, f"YAML syntax error: {problem}: fix the front matter") from None
    except yaml.YAMLError as exc:
        raise HandbookError(path, first_line, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    if node is not None:
        _check_tree(path, node, first_line)
    return node


def _check_tree(path: str, root: yaml.Node, first_line: int) -> None:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            # An alias repeats a node: refused, since aliases can expand into a huge document.
            raise HandbookError(
                path, node.start_mark.line + first_line, "YAML anchors and aliases ('&', '*') are not allowed in front matter"
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[object, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
                line = key_node.start_mark.line + first_line
                if key == "<<":
                    raise HandbookError(path, line, "YAML merge keys ('<<') are not allowed in front matter")
                if key in keys:
                    raise HandbookError(path, line, f"duplicate key '{key}' (first given at line {keys[key]}): keep one")
                keys[key] = line
                stack.extend((key_node, value_node))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
