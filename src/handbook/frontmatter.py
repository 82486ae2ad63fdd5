"""Split a Markdown file into YAML front matter and body, keeping the line of every key."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .errors import HandbookError

# PyYAML's C parser is about ten times faster; the pure-Python one is the fallback.
_Base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Front matter is a few lines; a larger block is refused rather than parsed.
MAX_FRONT_MATTER_BYTES = 64 * 1024
# Records need a list in a mapping at most; deeper nesting is refused before it is built.
MAX_DEPTH = 8
FENCE = "---"
# A key's place in the tree: ('owner',) at the top, ('jdoe', 'email') one level down.
KeyPath = tuple[str, ...]

_INT = "tag:yaml.org,2002:int"
_DECIMAL = re.compile(r"^[-+]?[0-9][0-9_]*$")
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
# A tag that names a kind of node must sit on that kind: `!!map x` is refused, `!!str [1]` too.
_KIND_TAGS: dict[str, type[yaml.Node]] = {
    "tag:yaml.org,2002:seq": yaml.SequenceNode,
    "tag:yaml.org,2002:map": yaml.MappingNode,
}
_KIND_TAGS.update({tag: yaml.ScalarNode for tag in _PLAIN_TAGS if tag not in _KIND_TAGS})


class Loader(_Base):  # type: ignore[misc]
    """YAML as PyYAML reads it, except that `0010` is ten, as an editor means, and not octal eight."""


# PyYAML reads `0008` as text and `0010` as 8; both are decimal numbers here.
Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?0[0-9_]+$"), list("-+0"))


@dataclass(frozen=True)
class Document:
    """A Markdown file's front matter (with key lines) and body."""

    path: str
    meta: Mapping[str, Any]
    body: str
    body_line: int
    key_lines: Mapping[str, int] = field(default_factory=dict)
    has_front_matter: bool = True
    # Where a missing key is reported: the opening '---', or an owner's own line.
    first_line: int = 1

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.first_line)


def decode(path: str, raw: bytes) -> str:
    """UTF-8 text with `\\n` line ends; a BOM is dropped, anything else not UTF-8 is an error."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise HandbookError(path, line, "file contains a NUL byte: it is not a text file; save it as plain UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # exc.start counts from after a BOM, if there was one.
        start = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw[:start].count(b"\n") + 1
        raise HandbookError(
            path,
            line,
            f"file is not UTF-8 (byte 0x{raw[start]:02x}): save it as UTF-8",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_document(root: Path, path: str, *, require_front_matter: bool = True) -> Document:
    """Read `root/path` into a Document, or raise HandbookError naming the file and line."""
    try:
        raw = (root / path).read_bytes()
    except OSError as exc:
        raise HandbookError(path, 1, f"cannot read the file: {exc.strerror or exc}") from None
    return parse_document(path, decode(path, raw), require_front_matter=require_front_matter)


def parse_document(path: str, text: str, *, require_front_matter: bool = True) -> Document:
    if not text.strip():
        raise HandbookError(path, 1, "file is empty: start it with front matter between '---' lines")
    split = split_front_matter(text)
    if split is None:
        if text.split("\n", 1)[0].rstrip() == FENCE:
            raise HandbookError(path, 1, "front matter opened at line 1 is never closed: add a '---' line after it")
        if not require_front_matter:
            return Document(path, {}, text, 1, {}, has_front_matter=False)
        raise HandbookError(
            path, 1, "no front matter: the file must start with a '---' line, then 'key: value' lines, then '---'"
        )
    block, body, body_line = split
    if len(block.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise HandbookError(
            path,
            1,
            f"front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB: move long text into the body",
        )
    meta, key_lines = parse_mapping(path, block, first_line=2)
    return Document(path, meta, body, body_line, key_lines)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """The front matter between the '---' lines, the body, and the body's first line; None when
    the text does not start with a '---' line or never closes it. Every reader splits here."""
    first = text.find("\n")
    if first < 0 or text[:first].rstrip() != FENCE:
        return None
    # Searched for, not split into lines: history reads thousands of texts, and needs the top only.
    at = first
    while True:
        dashes = text.find("\n---", at)
        dots = text.find("\n...", at, dashes if dashes >= 0 else len(text))
        found = dots if dots >= 0 else dashes
        if found < 0:
            return None
        end = text.find("\n", found + 1)
        if text[found + 1 : end if end >= 0 else None].rstrip() in (FENCE, "..."):
            return text[first + 1 : found], text[end + 1 :] if end >= 0 else "", text.count("\n", 0, found + 1) + 2
        at = found + 1


def markdown_body(text: str) -> tuple[str, int]:
    """A Markdown file's text after its front matter (all of it without one), and its first line."""
    text = text.replace("\r\n", "\n")
    split = split_front_matter(text)
    return (split[1], split[2]) if split is not None else (text, 1)


def parse_mapping(
    path: str, text: str, *, first_line: int = 1, what: str = "front matter"
) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse YAML that must be a mapping; return it with each top-level key's file line."""
    data, lines = parse_tree(path, text, first_line=first_line, what=what)
    return data, {keys[0]: line for keys, line in lines.items() if len(keys) == 1}


def parse_tree(
    path: str, text: str, *, first_line: int = 1, what: str = "front matter"
) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """Parse YAML that must be a mapping; return it with the file line of every key at any depth."""
    node = compose(path, text, first_line=first_line, what=what)
    if node is None:
        return {}, {}
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        hint = ""
        if isinstance(node, yaml.ScalarNode) and ":" in str(node.value):
            hint = " (put a space after the colon)"
        raise HandbookError(
            path, _file_line(text, node.start_mark, first_line), f"{what} must be 'key: value' lines, got {kind}{hint}"
        )
    lines: dict[KeyPath, int] = {}
    data = _Builder(path, text, first_line, what, lines).mapping(node, ())
    return data, lines


def compose(path: str, text: str, *, first_line: int = 1, what: str = "front matter") -> yaml.Node | None:
    """The YAML node tree, refusing aliases and duplicate keys, with errors at file lines."""
    loader = Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, text, exc, first_line, what) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(path, text, exc, first_line, what) from None
    except yaml.YAMLError as exc:
        raise HandbookError(path, first_line, f"YAML error: {exc}: fix {_the(what)}") from None
    finally:
        loader.dispose()
    if node is not None:
        _check_tree(path, text, node, first_line, what)
    return node


def build(path: str, text: str, node: yaml.Node, *, first_line: int = 1, what: str = "front matter") -> Any:
    """The values of a node from `compose`, built as front matter is: a value YAML cannot build is
    an error at its line."""
    return _Builder(path, text, first_line, what, {}).value(node, ())


def node_line(text: str, node: yaml.Node, first_line: int = 1) -> int:
    """The file line a node from `compose` starts on."""
    return _file_line(text, node.start_mark, first_line)


def _syntax_error(path: str, text: str, exc: yaml.MarkedYAMLError, first_line: int, what: str) -> HandbookError:
    """The YAML error at the line where the trouble starts, in words an editor can act on."""
    lines = text.split("\n")

    def line_of(mark: Any) -> int:
        return _file_line(text, mark, first_line)

    context, problem = exc.context or "", exc.problem or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    bad_line = lines[line_of(mark) - first_line] if mark else ""
    bad_char = text[mark.index : mark.index + 1] if mark else ""
    if "quoted scalar" in context and any(word in problem for word in ("escape", "hexdecimal", "hexadecimal")):
        # `"C:\Users"`: the mark is on the backslash, or on the digits `\x`, `\u` or `\U` wants after it.
        start = text.rfind("\\", 0, mark.index + 1) if mark else -1
        wants = {"x": 2, "u": 4, "U": 8}.get(text[start + 1 : start + 2], 0) if start >= 0 else 0
        escape = text[start : start + 2 + wants].split("\n")[0].split('"')[0] if start >= 0 else "\\"
        return HandbookError(
            path,
            line_of(mark),
            f"a backslash in double quotes starts an escape, and '{escape}' is not a valid one: "
            "put the value in single quotes, or write each backslash as '\\\\'",
        )
    if "quoted scalar" in context:
        return HandbookError(
            path, line_of(exc.context_mark), "a quoted value starts here and is never closed: add the closing quote"
        )
    if "flow sequence" in context:
        return HandbookError(
            path, line_of(exc.context_mark), "a list opened with '[' here is never closed: add the ']'"
        )
    if "flow mapping" in context:
        return HandbookError(
            path, line_of(exc.context_mark), "a mapping opened with '{' here is never closed: add the '}'"
        )
    if "tab" in problem or "\t" in bad_line:
        return HandbookError(
            path, line_of(mark), f"a tab character in YAML (YAML indents with spaces only): use spaces in {_the(what)}"
        )
    if bad_char in ("@", "`", "%"):
        return HandbookError(
            path, line_of(mark), f"a YAML value cannot start with '{bad_char}': put the value in quotes"
        )
    if "mapping values are not allowed" in problem:
        return HandbookError(path, line_of(mark), "a value contains ': ': put the value in quotes")
    if "expected key" in problem:
        problem += " (check this line's indentation and quotes)"
    return HandbookError(path, line_of(mark), f"YAML syntax error: {problem}: fix {_the(what)}")


def yaml_error(path: str, text: str, exc: yaml.MarkedYAMLError, *, what: str) -> HandbookError:
    """A YAML error in a whole YAML file (not front matter), worded as for front matter."""
    return _syntax_error(path, text, exc, 1, what)


def _reader_error(path: str, text: str, exc: yaml.reader.ReaderError, first_line: int, what: str) -> HandbookError:
    """A character YAML does not read (a control character, U+FFFE), at its own line."""
    line = text.count("\n", 0, min(int(exc.position), len(text))) + first_line
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    kind = "a control character" if unicodedata.category(chr(code)) == "Cc" else "the character"
    return HandbookError(path, line, f"{kind} (U+{code:04X}) is not allowed in YAML: delete it from {_the(what)}")


def _file_line(text: str, mark: Any, first_line: int) -> int:
    """The file line of a YAML mark. YAML also breaks lines at U+0085, U+2028 and U+2029, and
    puts "end of stream" past the last line: count the newlines before the mark's character instead."""
    if mark is None:
        return first_line
    return text.count("\n", 0, min(int(mark.index), len(text))) + first_line


def _the(what: str) -> str:
    return what if what.startswith("the ") else f"the {what}"


def _check_tree(path: str, text: str, root: yaml.Node, first_line: int, what: str) -> None:
    """Refuse aliases, merge keys, duplicate keys, odd tags and deep nesting, in document order."""
    scheduled = {id(root)}
    # (node, depth); children are pushed in reverse so that the first problem in the file is found first.
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        line = _file_line(text, node.start_mark, first_line)
        if depth > MAX_DEPTH:
            raise HandbookError(
                path, line, f"{what} is nested more than {MAX_DEPTH} levels deep: use plain values and lists"
            )
        if node.tag not in _PLAIN_TAGS or node.tag in _KIND_TAGS and not isinstance(node, _KIND_TAGS[node.tag]):
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise HandbookError(
                path, line, f"YAML tag '{tag}' is not allowed in {what}: remove it and write a plain value"
            )
        children: list[tuple[yaml.Node, int]] = []
        if isinstance(node, yaml.MappingNode):
            keys: dict[object, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
                key_line = _file_line(text, key_node.start_mark, first_line)
                if key == "<<":
                    raise HandbookError(
                        path, key_line, f"YAML merge keys ('<<') are not allowed in {what}: write the keys out"
                    )
                if key in keys:
                    raise HandbookError(
                        path, key_line, f"duplicate key '{key}' (first given at line {keys[key]}): keep one"
                    )
                keys[key] = key_line
                children += [(key_node, key_line), (value_node, key_line)]
        elif isinstance(node, yaml.SequenceNode):
            children = [(child, line) for child in node.value]
        for child, child_line in children:
            # An alias repeats a node: refused, since aliases can expand into a huge document.
            if id(child) in scheduled:
                raise HandbookError(
                    path,
                    child_line,
                    f"YAML anchors and aliases ('&', '*') are not allowed in {what}: write the value out",
                )
            scheduled.add(id(child))
        stack.extend((child, depth + 1) for child, _ in reversed(children))


class _Builder:
    """Python values from a checked node tree; a value YAML cannot build is an error at its line."""

    def __init__(self, path: str, text: str, first_line: int, what: str, lines: dict[KeyPath, int]) -> None:
        self.path = path
        self.text = text
        self.first_line = first_line
        self.what = what
        self.lines = lines

    def line(self, node: yaml.Node) -> int:
        return _file_line(self.text, node.start_mark, self.first_line)

    def value(self, node: yaml.Node, keys: KeyPath) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, keys)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(child, keys) for child in node.value]
        return self.scalar(node, keys)

    def mapping(self, node: yaml.MappingNode, keys: KeyPath) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a list or mapping"
                raise HandbookError(
                    self.path, self.line(key_node), f"{self.what} keys must be words like 'title', got {shown}"
                )
            key = str(key_node.value)
            self.lines[keys + (key,)] = self.line(key_node)
            data[key] = self.value(value_node, keys + (key,))
        return data

    def scalar(self, node: yaml.Node, keys: KeyPath) -> Any:
        text = str(node.value)
        kind = {
            "tag:yaml.org,2002:str": "text",
            _INT: "a whole number",
            "tag:yaml.org,2002:float": "a number",
            "tag:yaml.org,2002:bool": "true or false",
            "tag:yaml.org,2002:null": "nothing",
            "tag:yaml.org,2002:timestamp": "a real date",
        }[node.tag]
        try:
            return build_scalar(node)
        except (ValueError, KeyError, AttributeError, TypeError, OverflowError) as exc:
            where = f"'{keys[0]}' has {text!r}, which" if keys else repr(text)
            reason = f" ({exc})" if isinstance(exc, ValueError) and kind == "a real date" else ""
            fix = ": write it as YYYY-MM-DD" if kind == "a real date" else ": write a plain value"
            raise HandbookError(self.path, self.line(node), f"{where} is not {kind}{reason}{fix}") from None


_SCALARS = SafeConstructor()
_BUILD: dict[str, Any] = {
    _INT: _SCALARS.construct_yaml_int,
    "tag:yaml.org,2002:float": _SCALARS.construct_yaml_float,
    "tag:yaml.org,2002:bool": _SCALARS.construct_yaml_bool,
    "tag:yaml.org,2002:null": _SCALARS.construct_yaml_null,
    "tag:yaml.org,2002:timestamp": _SCALARS.construct_yaml_timestamp,
}


def build_scalar(node: yaml.Node) -> Any:
    """The value of a scalar node as the loader builds it: `0010` is ten; raises where YAML cannot
    build it (`2026-02-30`)."""
    text = str(node.value)
    if node.tag == "tag:yaml.org,2002:str":
        return text
    if node.tag == _INT and _DECIMAL.match(text):
        return int(text.replace("_", ""), 10)
    return _BUILD[node.tag](node)
