"""Readable diffs of Markdown: the new text with word-level `<ins>`/`<del>` marks, still Markdown.

Lines are matched with difflib, then words within the lines that changed, so the result renders
like the page itself: headings, lists and tables keep their shape, and only the words that
changed are marked. Markdown syntax that spans words (links, emphasis, code) is one token, so a
mark never cuts it in half.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

# How lines and words are matched: difflib's, or a shortcut's (`handbook.fast` puts in cydifflib,
# CPython's difflib compiled: the very same matches, six times sooner).
MATCHER: type[SequenceMatcher[Any]] = SequenceMatcher

INS, DEL = "ins", "del"
# Below this share of common words, a changed line reads better as removed and added whole.
PAIR_CUTOFF = 0.4
# Pairing lines costs a comparison per pair: beyond this, a changed block is shown removed then added.
MAX_PAIRING = 2500

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_RULE = re.compile(r"^[ \t]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+")
# Closing hashes and an attribute list `{#id .class}` end a heading line; not shown in a diff.
_HEADING_END = re.compile(r"(?:[ \t]+#+)?[ \t]*(?:\{[^{}\n]*\})?[ \t]*$")
# Blockquote markers, list markers and task boxes: kept in front of the marks.
_PREFIX = re.compile(r"^[ \t]*(?:(?:>[ \t]?)|(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)*")
# A token carries the spaces after it: they are compared as nothing, and shown as they are.
_TOKEN = re.compile(
    r"""
    (?:
      !?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\](?:\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)|\[[^\]\n]*\])?  # link, image
      | `+[^`\n]*?`+                      # code span
      | \*\*[^*\n]+?\*\* | __[^_\n]+?__   # strong
      | \*[^*\s][^*\n]*?\* | _[^_\s][^_\n]*?_  # emphasis
      | <[^<>\n]+>                        # inline HTML tag or autolink
      | &\#?\w+;                          # entity
      | \\.                               # escaped character
      | \w+(?:['’]\w+)*                   # word
      | [^ \t]                            # anything else: punctuation, one at a time
    )[ \t]*
    | [ \t]+                              # spaces that start the text
    """,
    re.X,
)
Opcode = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class _Unit:
    """A line of Markdown, or a whole fenced code or HTML block, as one thing to compare."""

    kind: str  # "blank", "fence", "html", "rule", "line"
    text: str
    table: bool = False  # a row of a table: marks must not cross its `|`


@functools.lru_cache(maxsize=4)  # a version's text is the new one of a diff, then the old one of the next
def _units(text: str) -> tuple[_Unit, ...]:
    lines = text.strip("\n").split("\n")
    units: list[_Unit] = []
    tables = _table_lines(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            end = next(
                (j for j in range(i + 1, len(lines)) if lines[j].strip().startswith(fence.group(1))), len(lines) - 1
            )
            units.append(_Unit("fence", "\n".join(lines[i : end + 1])))
            i = end + 1
            continue
        if not line.strip():
            units.append(_Unit("blank", ""))
        elif line.lstrip().startswith("<") and not line.lstrip().startswith("<http") and i not in tables:
            # A raw HTML block runs to the next blank line, as in Markdown.
            end = next((j for j in range(i + 1, len(lines)) if not lines[j].strip()), len(lines))
            units.append(_Unit("html", "\n".join(lines[i:end])))
            i = end
            continue
        elif _TABLE_RULE.match(line) and i in tables or _RULE.match(line):
            units.append(_Unit("rule", line))
        else:
            units.append(_Unit("line", line, table=i in tables))
        i += 1
    return tuple(units)


def _table_lines(lines: Sequence[str]) -> set[int]:
    """Indexes of the lines that belong to a table: a block with a `|---|` rule under its head."""
    rows: set[int] = set()
    start = 0
    for end in [i for i, line in enumerate(lines) if not line.strip()] + [len(lines)]:
        block = range(start, end)
        if any(
            _TABLE_RULE.match(lines[i]) and "-" in lines[i] and ("|" in lines[i] or "|" in lines[max(i - 1, 0)])
            for i in block
            if i > start
        ):
            rows.update(block)
        start = end + 1
    return rows


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _mark(tag: str, tokens: Sequence[str], table: bool) -> str:
    """`tokens` wrapped in `<tag>`, spaces and table cell borders left outside the marks."""
    pieces: list[list[str]] = [[]]
    for token in tokens:
        if table and token.strip() == "|":
            pieces += [[token], []]
        else:
            pieces[-1].append(token)
    out = []
    for piece in pieces:
        text = "".join(piece)
        if not text.strip() or (table and text.strip() == "|"):
            out.append(text)
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        out.append(f"{lead}<{tag}>{text.strip()}</{tag}>{trail}")
    return "".join(out)


@dataclass(frozen=True)
class _Words:
    """Two texts split into words, and how alike they are."""

    a: list[str]
    b: list[str]
    keys: tuple[list[str], list[str]]  # the words without their spaces: what is compared
    matcher: SequenceMatcher[str]
    ratio: float

    def opcodes(self) -> list[Opcode]:
        return _cleanup(self.matcher.get_opcodes(), *self.keys)


@functools.lru_cache(maxsize=1024)
def _compare(old: str, new: str) -> _Words:
    """Pairing lines asks this, and rendering a pair asks again: compared once."""
    a, b = _tokens(old), _tokens(new)
    # Default autojunk: in a long paragraph the commonest words ("the", ",") anchor nothing.
    keys = [t.rstrip() for t in a], [t.rstrip() for t in b]
    matcher = MATCHER(None, *keys)
    if matcher.real_quick_ratio() < PAIR_CUTOFF or matcher.quick_ratio() < PAIR_CUTOFF:
        return _Words(a, b, keys, matcher, 0.0)
    return _Words(a, b, keys, matcher, matcher.ratio())


def _cleanup(opcodes: Sequence[Opcode], a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """Short equalities between two larger edits folded into them, as diff-match-patch's semantic cleanup.

    Without it a rewritten sentence reads as confetti: `<del>Staff</del><ins>All</ins> may <del>...`.
    """
    ops = list(opcodes)

    def size(op: Opcode) -> int:
        _, i1, i2, j1, j2 = op
        return max(sum(map(len, a[i1:i2])), sum(map(len, b[j1:j2])))

    k = 1
    while k < len(ops) - 1:
        before, here, after = ops[k - 1], ops[k], ops[k + 1]
        between = here[0] == "equal" and before[0] != "equal" and after[0] != "equal"
        if between and size(here) <= size(before) and size(here) <= size(after):
            ops[k - 1 : k + 2] = [("replace", before[1], after[2], before[3], after[4])]
            k = max(k - 1, 1)
            continue
        k += 1
    return ops


def diff_words(old: str, new: str, *, table: bool = False) -> str:
    """`new` with the words removed from `old` in `<del>` and the words added in `<ins>`."""
    words = _compare(old, new)
    a, b = words.a, words.b
    out: list[str] = []
    for op, i1, i2, j1, j2 in words.opcodes():
        if op == "equal":
            out.append("".join(b[j1:j2]))
            continue
        removed = _mark(DEL, a[i1:i2], table) if i2 > i1 else ""
        # Replaced words read `<del>30</del><ins>45</ins> days`: the new words bring their own space.
        out.append(removed.rstrip(" \t") if j2 > j1 else removed)
        if j2 > j1:
            out.append(_mark(INS, b[j1:j2], table))
    return "".join(out)


def similarity(old: str, new: str) -> float:
    """How alike two lines are, by their words (0 to 1); below PAIR_CUTOFF counts as 0."""
    return _compare(old, new).ratio


def _split_prefix(line: str) -> tuple[str, str, bool]:
    """The line's start (indent, quote, list or heading marker), its text, and whether it is a heading."""
    heading = _HEADING.match(line)
    if heading:
        return line[: heading.end()], _HEADING_END.sub("", line[heading.end() :]), True
    prefix = _PREFIX.match(line)
    end = prefix.end() if prefix else 0
    return line[:end], line[end:], False


class _Renderer:
    """Writes the merged text: unchanged lines as they are, changes marked."""

    def __init__(self) -> None:
        self.out: list[str] = []

    def line(self, unit: _Unit, tag: str | None) -> None:
        if unit.kind == "blank":
            self.out.append("")
        elif unit.kind == "rule":
            # A table rule or a horizontal rule is structure: shown plain, removed or not.
            self.out.append(unit.text)
        elif unit.kind in ("fence", "html"):
            if tag is None:
                self.out.append(unit.text)
            else:
                self.out += ["", f'<div class="hb-diff-{tag}" markdown="1">', "", unit.text, "", "</div>", ""]
        else:
            prefix, text, heading = _split_prefix(unit.text)
            body = _mark(tag, _tokens(text), unit.table) if tag else text
            self.out += ["", _heading(body), ""] if heading else [prefix + body]

    def pair(self, old: _Unit, new: _Unit) -> None:
        old_prefix, old_text, old_heading = _split_prefix(old.text)
        new_prefix, new_text, new_heading = _split_prefix(new.text)
        if old_prefix.strip() != new_prefix.strip():
            self.line(old, DEL)
            self.line(new, INS)
            return
        body = diff_words(old_text, new_text, table=new.table)
        self.out += ["", _heading(body), ""] if new_heading else [new_prefix + body]


def _heading(body: str) -> str:
    # Headings in a diff are shown bold, not as headings: the page's own outline stays clean.
    return f'<strong class="hb-diff-heading">{body}</strong>'


def diff_markdown(old: str, new: str) -> str:
    """Markdown of `new` with the changes from `old` marked word by word, for reading."""
    a, b = _units(old), _units(new)
    matcher = MATCHER(None, [(u.kind, u.text) for u in a], [(u.kind, u.text) for u in b], autojunk=False)
    render = _Renderer()
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for unit in b[j1:j2]:
                render.line(unit, None)
        elif op == "delete":
            for unit in a[i1:i2]:
                render.line(unit, DEL)
        elif op == "insert":
            for unit in b[j1:j2]:
                render.line(unit, INS)
        else:
            _replace(render, a[i1:i2], b[j1:j2])
    lines = [line for i, line in enumerate(render.out) if line or (i and render.out[i - 1])]
    return "\n".join(lines).strip("\n") + "\n"


def _replace(render: _Renderer, old: Sequence[_Unit], new: Sequence[_Unit]) -> None:
    """Pair the most similar lines of a changed block (like difflib.Differ), the rest removed or added."""
    best, best_i, best_j = PAIR_CUTOFF, -1, -1
    if len(old) * len(new) <= MAX_PAIRING:
        for i, o in enumerate(old):
            if o.kind not in ("line", "rule"):
                continue
            for j, n in enumerate(new):
                if n.kind != o.kind or n.table != o.table:
                    continue
                # Compared without their list or heading markers, as the pair is then rendered.
                score = 1.0 if o.kind == "rule" else similarity(_split_prefix(o.text)[1], _split_prefix(n.text)[1])
                if score > best:
                    best, best_i, best_j = score, i, j
    if best_i < 0:
        for unit in old:
            if unit.kind == "rule" and any(n.kind == "rule" for n in new):
                continue  # the new rule stands in for it
            render.line(unit, DEL)
        for unit in new:
            render.line(unit, INS)
        return
    _replace(render, old[:best_i], new[:best_j])
    if old[best_i].kind == "rule":
        render.line(new[best_j], None)
    else:
        render.pair(old[best_i], new[best_j])
    _replace(render, old[best_i + 1 :], new[best_j + 1 :])
