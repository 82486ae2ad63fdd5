"""Configuration files read by others (mkdocs.yml, the blog's .authors.yml), read first with bounds.

mkdocs and Material load these with PyYAML, which expands every alias: a "billion laughs" file
takes them a minute or all the memory. Here the node graph is composed first, counting aliases
and what they would expand to, and refused past a bound at the alias's line; only then is it
built, with mkdocs' `!ENV` resolved as mkdocs does and its other tags (`!relative`,
`!!python/name:...`) kept as opaque values, never imported or run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mergedeep  # type: ignore[import-untyped]
import yaml
import yaml_env_tag  # type: ignore[import-untyped]
from yaml.events import AliasEvent

from .errors import HandbookError
from .frontmatter import decode, yaml_error

# A configuration file is a page or two; the largest navigation seen is well under this.
MAX_BYTES = 4 * 1024 * 1024
MAX_ALIASES = 1000
# Values that aliases may add to the file's own once expanded (a palette repeated is a few dozen).
MAX_EXPANDED = 100_000
MAX_DEPTH = 64
MAX_INHERIT = 8
CODE = "HB010"

Key = str | int


@dataclass(frozen=True)
class Opaque:
    """A value under a tag that mkdocs or a plugin resolves itself (`!relative`, `!!python/name:x`)."""

    tag: str
    value: str

    def __str__(self) -> str:
        return f"{self.tag} {self.value}".strip()


@dataclass(frozen=True)
class YamlFile:
    """A configuration file's values, with its node graph to say where each one is given."""

    path: str  # as messages name it: relative to the handbook's folder
    data: Any
    node: yaml.Node | None
    text: str
    # The file named by INHERIT, whose values this one's override (mkdocs' own rule).
    parent: YamlFile | None = None

    def locate(self, *keys: Key) -> tuple[str, int]:
        """Where the value at `keys` is given (its key's line, or a list entry's): this file
        first, then the files it inherits; else the deepest part of `keys` found here.

        A str key steps into a mapping, or picks the entry of a list that is that word or a
        mapping with that key (`plugins: [search, {handbook: {...}}]`); an int picks an entry."""
        found, line = _find(self.node, keys, self.text)
        if not found and self.parent is not None and _find(self.parent.node, keys, self.parent.text)[0]:
            return self.parent.locate(*keys)
        return self.path, line

    def error(self, keys: Sequence[Key], message: str) -> HandbookError:
        path, line = self.locate(*keys)
        return HandbookError(path, line, message, CODE)


def read_yaml(root: Path, path: str) -> YamlFile:
    """`root/path` read with bounds (HandbookError at the line of the trouble); INHERIT followed
    as mkdocs follows it."""
    return _read(root, path, chain=())


def _read(root: Path, path: str, chain: tuple[str, ...]) -> YamlFile:
    full = root / path
    try:
        with full.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise HandbookError(path, 1, f"cannot read the file: {exc.strerror or exc}", CODE) from None
    if len(raw) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        raise HandbookError(path, 1, f"file is larger than {limit} MiB: a configuration file is far smaller", CODE)
    try:
        text = decode(path, raw)
    except HandbookError as exc:  # not UTF-8, or a NUL byte: this file's code, not a record's
        raise HandbookError(exc.path, exc.line, exc.message, CODE) from None
    loader = _BoundedLoader(text, path)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        error = yaml_error(path, text, exc, what="the file")
        raise HandbookError(error.path, error.line, error.message, CODE) from None
    except yaml.YAMLError as exc:
        raise HandbookError(path, 1, f"YAML error: {exc}: fix the file", CODE) from None
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        line = _line(text, node.start_mark) if node is not None else 1
        raise HandbookError(path, line, "the file must be 'key: value' lines", CODE)
    parent = None
    if "INHERIT" in data:
        parent = _inherited(root, path, chain, data.pop("INHERIT"), node, text)
        data = mergedeep.merge(parent.data, data)
    return YamlFile(path, data, node, text, parent)


def _inherited(
    root: Path, path: str, chain: tuple[str, ...], relative: Any, node: yaml.Node | None, text: str
) -> YamlFile:
    _, line = _find(node, ("INHERIT",), text)
    if not isinstance(relative, str):
        raise HandbookError(path, line, "'INHERIT' must be the path of a file, relative to this one", CODE)
    target = os.path.normpath(os.path.join(os.path.dirname(path), relative))
    if target in chain + (path,) or len(chain) >= MAX_INHERIT:
        raise HandbookError(path, line, f"'INHERIT' goes round in a circle or deeper than {MAX_INHERIT} files", CODE)
    if not (root / target).is_file():
        raise HandbookError(path, line, f"'INHERIT' names {relative!r}, which does not exist", CODE)
    return _read(root, target, chain + (path,))


def _line(text: str, mark: Any) -> int:
    # As frontmatter counts: YAML also breaks lines at U+2028 and friends, editors do not.
    return text.count("\n", 0, min(int(mark.index), len(text))) + 1 if mark is not None else 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader (pure Python: its composer is what is bounded), with mkdocs' tags."""

    def __init__(self, text: str, path: str) -> None:
        super().__init__(text)
        self.text = text
        self.path = path
        self.depth = 0
        self.aliases = 0
        self.expanded = 0
        self.open_anchors: set[str] = set()
        # Values under each node once its aliases are expanded, by node (nodes live as long as this).
        self.sizes: dict[int, int] = {}

    def refuse(self, mark: Any, message: str) -> HandbookError:
        return HandbookError(self.path, _line(self.text, mark), message, CODE)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]  # the stubs leave it untyped
        if self.depth >= MAX_DEPTH:
            raise self.refuse(event.start_mark, f"values are nested more than {MAX_DEPTH} levels deep: flatten them")
        if isinstance(event, AliasEvent):
            self.aliases += 1
            if event.anchor in self.open_anchors:
                raise self.refuse(
                    event.start_mark, f"alias '*{event.anchor}' is inside the value it repeats: write the value out"
                )
            if self.aliases > MAX_ALIASES:
                raise self.refuse(event.start_mark, f"more than {MAX_ALIASES} YAML aliases ('*'): write the values out")
            target = self.anchors.get(event.anchor)
            if target is not None:
                self.expanded += self._size(target)
                if self.expanded > MAX_EXPANDED:
                    raise self.refuse(
                        event.start_mark,
                        f"YAML aliases ('*') expand to more than {MAX_EXPANDED:,} values: write the values out",
                    )
            return super().compose_node(parent, index)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.open_anchors.add(anchor)
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
            self.open_anchors.discard(anchor or "")
        return node

    def _size(self, root: yaml.Node) -> int:
        """How many values `root` stands for with its aliases expanded (each node counted once here)."""
        sizes = self.sizes
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            if id(node) in sizes:
                continue
            children = _children(node)
            if children_done:
                sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            else:
                stack.append((node, True))
                stack.extend((child, False) for child in children if id(child) not in sizes)
        return sizes[id(root)]


def _opaque(loader: yaml.SafeLoader, suffix_or_node: Any, node: yaml.Node | None = None) -> Opaque:
    """A value under a tag resolved by mkdocs or a plugin: kept, never resolved here."""
    node = node if node is not None else suffix_or_node
    value = node.value if isinstance(node, yaml.ScalarNode) else ""
    return Opaque(node.tag.replace("tag:yaml.org,2002:", "!!"), str(value))


_BoundedLoader.add_constructor("!ENV", yaml_env_tag.construct_env_tag)
_BoundedLoader.add_multi_constructor("tag:yaml.org,2002:python/", _opaque)
_BoundedLoader.add_multi_constructor("!", _opaque)
_BoundedLoader.add_constructor(None, _opaque)


def _find(node: yaml.Node | None, keys: Sequence[Key], text: str) -> tuple[bool, int]:
    """Whether `keys` lead to a value in `node`, and the line of the last step found."""
    line = 1 if node is None else _line(text, node.start_mark)
    for key in keys:
        step = _step(node, key)
        if step is None:
            return False, line
        node, mark = step
        line = _line(text, mark)
    return True, line


def _step(node: yaml.Node | None, key: Key) -> tuple[yaml.Node, Any] | None:
    """The value at `key` in `node`, and the mark that locates it (a key's own, or an entry's)."""
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node, key_node.start_mark
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int):
        return (node.value[key], node.value[key].start_mark) if 0 <= key < len(node.value) else None
    if isinstance(node, yaml.SequenceNode):
        for entry in node.value:
            if isinstance(entry, yaml.ScalarNode) and entry.value == key:
                return entry, entry.start_mark
            inner = _step(entry, key)
            if inner is not None:
                return inner
    return None
