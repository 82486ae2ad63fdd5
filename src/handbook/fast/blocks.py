"""Markdown converted block by block, each distinct block once: most of a handbook's pages.

A policy's versions share most of their paragraphs, and a version's diff is its text with a few
words marked: converting each page whole converts the same paragraphs again and again. Here a
text is cut at the blank lines where Python-Markdown itself starts a new, independent block;
each block is converted once per scope and its HTML reused. Where a cut could change the output
(reference links, footnotes, a raw HTML element open across a blank line, an extension we do not
know, heading ids that would clash) the text, or that stretch of it, is converted whole.

Free of mkdocs: the adapter hands in a configured `markdown.Markdown` and a `capture` that
collects what its own processors recorded during each conversion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import markdown
from markdown.extensions.toc import nest_toc_tokens

from . import fast_passes

C = TypeVar("C")

# Extensions whose blocks never reach across a blank line to a line at the margin, other than
# as `_CONTINUES` and `_unsafe` cover. With any other extension, texts go whole (`meta`, for
# one, would read the first line of every block as metadata).
SAFE_EXTENSIONS = frozenset(
    {
        "abbr",
        "admonition",
        "attr_list",
        "codehilite",
        "def_list",
        "fenced_code",
        "footnotes",
        "legacy_attrs",
        "legacy_em",
        "md_in_html",
        "nl2br",
        "sane_lists",
        "smarty",
        "tables",
        "toc",
        "wikilinks",
        "pymdownx.betterem",
        "pymdownx.caret",
        "pymdownx.details",
        "pymdownx.emoji",
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.keys",
        "pymdownx.magiclink",
        "pymdownx.mark",
        "pymdownx.smartsymbols",
        "pymdownx.superfences",
        "pymdownx.tabbed",
        "pymdownx.tasklist",
        "pymdownx.tilde",
        "handbook.fast.fast_passes",
    }
)
# Whatever is defined once and used anywhere in a text: such a text is converted whole (`_unsafe`).
# Two searches, not one alternation: each finds its first character fast, where the one
# pattern tried every alternative at every character (half the time of cutting a text).
_UNSAFE_ANYWHERE = re.compile(r"\[(?:\^|TOC\])")  # a footnote; a table of contents
_UNSAFE_LINE = re.compile(
    r"^(?:[ ]{0,3}(?:\[[^\]\n]+\]:"  # a link reference definition (or a footnote's)
    r"|<(?:!--|\?|!\[CDATA\[|![A-Za-z]))"  # an HTML comment or declaration
    r"|\*\[)",  # an abbreviation
    re.M,
)
_HTML_START = re.compile(r"^[ ]{0,3}</?([A-Za-z][A-Za-z0-9-]*)", re.M)
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
# Elements without a closing tag: never left open.
_VOID = frozenset(
    {"hr", "br", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
)
# A margin line after a blank line that still belongs to the block before: a list's next item
# (a loose list), a blockquote's next paragraph, a definition, a tab of the same set.
_CONTINUES = re.compile(r"^(?:[-*+][ \t]|\d{1,9}[.)][ \t]|>|:[ \t]|===|\|)")


def split_blocks(text: str, is_block_level: Callable[[str], bool]) -> list[str] | None:
    """`text` cut where converting the pieces one by one gives what converting it whole does;
    None if it must be converted whole."""
    if _unsafe(text):
        return None
    lines = text.split("\n")
    blocks: list[str] = []
    start, fence = 0, ""
    for i, line in enumerate(lines):
        if fence:
            if line.strip().startswith(fence):
                fence = ""
            continue
        opened = _FENCE.match(line)
        if opened:
            fence = opened.group(1)
        if i > start and line[:1] not in ("", " ", "\t") and not lines[i - 1].strip() and not _CONTINUES.match(line):
            blocks.append("\n".join(lines[start:i]))
            start = i
    if fence:
        return None  # an unclosed fence runs to the end
    blocks.append("\n".join(lines[start:]))
    # A raw HTML block runs on until its element closes, across blank lines: kept whole.
    joined: list[str] = []
    open_html = False
    for block in blocks:
        if open_html:
            joined[-1] += "\n" + block
        else:
            joined.append(block)
        open_html = _runs_on(joined[-1], is_block_level)
    return [block for block in joined if block.strip()]


def _unsafe(text: str) -> bool:
    return bool(_UNSAFE_ANYWHERE.search(text) or _UNSAFE_LINE.search(text))


def _runs_on(block: str, is_block_level: Callable[[str], bool]) -> bool:
    """Whether an HTML element that starts a line of `block` is still open at its end."""
    for match in _HTML_START.finditer(block):
        tag = match.group(1).lower()
        if match.group(0).lstrip().startswith("</") or tag in _VOID or not is_block_level(tag):
            continue
        opened = len(re.findall(rf"<{tag}(?=[\s/>])", block, re.I))
        if opened > len(re.findall(rf"</{tag}\s*>", block, re.I)):
            return True
    return False


@dataclass(frozen=True)
class Converted:
    """HTML converted from Markdown, with its headings (flat toc tokens, in order) and element ids."""

    html: str
    toc: tuple[dict[str, Any], ...]
    ids: frozenset[str]


@dataclass(frozen=True)
class ConvertedPage(Generic[C]):
    """A page's frame and texts converted, and what the caller's processors recorded in each
    conversion it took (the first has the frame at its head)."""

    frame: Converted
    texts: tuple[Converted, ...]
    captured: tuple[C, ...]


# A paragraph between the pieces of one conversion, where its HTML is cut apart again.
_CUT = "hbcut7d3f"
_ID = re.compile(r"""<[A-Za-z][^<>]*?\sid=["']([^"']*)["']""")
# The toc extension makes a heading's id unique with a suffix: `scope`, then `scope_1`.
_SUFFIXED = re.compile(r"^(.*)_\d+$")


def element_ids(html: str) -> list[str]:
    return _ID.findall(html)


def flat_toc(tokens: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for token in tokens:
        out.append({k: v for k, v in token.items() if k != "children"})
        out.extend(flat_toc(token.get("children") or ()))
    return out


def nested_toc(tokens: Sequence[dict[str, Any]]) -> list[Any]:
    """Flat toc tokens nested as the toc extension nests them."""
    flat: list[Any] = [dict(t) for t in tokens]
    return list(nest_toc_tokens(flat)) if flat else []


def extension_names(extensions: Iterable[Any]) -> set[str]:
    """Names as `SAFE_EXTENSIONS` has them: `toc` for `markdown.extensions.toc` or a `TocExtension()`."""
    names = set()
    for ext in extensions:
        # An Extension object by its module: `pymdownx.tabbed` for a `TabbedExtension()`.
        name = ext if isinstance(ext, str) else type(ext).__module__
        names.add(name.split(":", 1)[0].removeprefix("markdown.extensions."))
    return names


class BlockConverter(Generic[C]):
    """Converts pages with one `markdown.Markdown`: each distinct block of a scope once, and all
    of a page's new blocks in one conversion (most of its cost is per conversion, not per word).

    `capture` is called after every conversion and returns (and resets) what the caller's own
    processors recorded in it. Blocks are kept per `scope` (a page's folder: relative links
    resolve alike within it); the memo is emptied when it outgrows `limit` blocks.
    """

    def __init__(
        self, md: markdown.Markdown, capture: Callable[[], C], *, split: bool = True, limit: int = 20_000
    ) -> None:
        self.md, self.capture, self.split, self.limit = md, capture, split, limit
        fast_passes.install(md)  # the same HTML, sooner
        self.memo: dict[tuple[str, str], Converted] = {}
        self.conversions = self.reused = 0

    def convert_one(self, text: str) -> tuple[Converted, C]:
        """`text` converted whole, by itself, as Python-Markdown would."""
        self.md.reset()
        html = self.md.convert(text)
        self.conversions += 1
        toc = tuple(flat_toc(getattr(self.md, "toc_tokens", ())))
        return Converted(html, toc, frozenset(_ID.findall(html))), self.capture()

    def convert_page(self, frame: str, texts: Sequence[str], scope: str = "", *, keep: bool = True) -> ConvertedPage[C]:
        """`frame` (converted, never kept) and each of `texts` (converted block by block); the
        blocks are neither taken from nor kept in the memo without `keep`."""
        captured: list[C] = []
        plans = [self._pieces(text) for text in texts]
        every_piece = [piece for pieces in plans if pieces for piece in pieces]
        memo = self.memo if keep else {}
        known = {piece: memo[(scope, piece)] for piece in every_piece if (scope, piece) in memo}
        self.reused += sum(1 for piece in every_piece if piece in known)
        new = [piece for piece in dict.fromkeys(every_piece) if piece not in known]
        converted = self._cut_apart([frame, *new], captured) if not _unsafe(frame) else None
        if converted is None:
            done, got = self.convert_one(frame)
            captured.append(got)
            converted = [done]
            for piece in new:
                alone = self._cut_apart([piece], captured)
                if alone is None:  # cannot happen for a piece split_blocks made; whole, to be safe
                    done, got = self.convert_one(piece)
                    captured.append(got)
                    alone = [done]
                converted += alone
        if len(memo) + len(new) > self.limit:
            memo.clear()
        for piece, done in zip(new, converted[1:], strict=True):
            known[piece] = memo[(scope, piece)] = done
        results = []
        for text, pieces in zip(texts, plans, strict=True):
            whole = _joined([known[piece] for piece in pieces]) if pieces is not None else None
            if whole is None:  # a text that cannot be cut, or whose blocks' ids clash: by itself
                whole, got = self.convert_one(text)
                captured.append(got)
            results.append(whole)
        return ConvertedPage(converted[0], tuple(results), tuple(captured))

    def _pieces(self, text: str) -> list[str] | None:
        return split_blocks(text, self.md.is_block_level) if self.split else None

    def _cut_apart(self, sources: Sequence[str], captured: list[C]) -> list[Converted] | None:
        """`sources` in one conversion, each followed by a cut, and cut apart again; None where
        that would not give what converting each alone gives (a source ran into the next, or
        the toc extension made an id unique). A raw HTML block keeps the blank line after it
        that Python-Markdown gives it inside a text."""
        source = "".join(f"{text}\n\n{_CUT}\n\n" for text in sources)
        self.md.reset()
        html = self.md.convert(source)
        tokens = flat_toc(getattr(self.md, "toc_tokens", ()))
        got = self.capture()
        self.conversions += 1
        parts = html.split(f"<p>{_CUT}</p>")
        if len(parts) != len(sources) + 1 or parts[-1].strip() or any(_CUT in part for part in parts):
            return None
        parts = [part.removeprefix("\n").removesuffix("\n") for part in parts[:-1]]
        ids = [frozenset(_ID.findall(part)) for part in parts]
        every = frozenset().union(*ids)
        if sum(map(len, ids)) != len(every) or any((m := _SUFFIXED.match(i)) and m.group(1) in every for i in every):
            return None
        owner = {i: n for n, found in enumerate(ids) for i in found}
        captured.append(got)
        return [
            Converted(part, tuple(t for t in tokens if owner.get(t["id"]) == n), ids[n]) for n, part in enumerate(parts)
        ]


def _joined(blocks: Sequence[Converted]) -> Converted | None:
    """The blocks of one text as one; None if two give the same id (the toc extension would have
    made the second unique)."""
    ids: set[str] = set()
    for block in blocks:
        if not ids.isdisjoint(block.ids):
            return None
        ids |= block.ids
    html = "\n".join(b.html for b in blocks if b.html).strip()  # as Python-Markdown ends a text
    return Converted(html, tuple(t for b in blocks for t in b.toc), frozenset(ids))
