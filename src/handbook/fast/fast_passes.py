"""Python-Markdown's inline and block passes, with each pattern skipped where its text cannot match.

Python-Markdown tries each of its inline patterns (code, links, HTML, emphasis, ...) on every
run of text, and each of its block processors (headings, rules, quotes, references, ...) on
every block, a regular-expression search each. Most runs and blocks hold none of the
characters a pattern needs (no `[`, no `<`, no `#`): those searches were about a third of a
handbook's conversion time. `FastInline` and `FastBlockParser` first ask whether the text
holds a literal that every match of the pattern must contain; where it holds none, the pattern
could not match, and it is passed over as Python-Markdown passes over one that finds no match.
Patterns are known by class and regular expression: any other is always tried, so the HTML is
the same.

Free of mkdocs, like blocks.py, whose converter installs them; the adapter adds the extension
to the site's Markdown settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import markdown
from markdown import blockparser, treeprocessors, util
from markdown.extensions import Extension

# Python-Markdown 3's inline patterns, by class and regular expression, and the literals a
# match needs (any one of them): the text holds none of them, the pattern cannot match.
_INLINE_NEEDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("BacktickInlineProcessor", r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)"): ("`",),
    ("EscapeInlineProcessor", r"\\(.)"): ("\\",),
    ("ReferenceInlineProcessor", r"(?<!\!)\["): ("[",),
    ("LinkInlineProcessor", r"(?<!\!)\["): ("[",),
    ("ShortReferenceInlineProcessor", r"(?<!\!)\["): ("[",),
    ("ImageInlineProcessor", r"\!\["): ("![",),
    ("ImageReferenceInlineProcessor", r"\!\["): ("![",),
    ("ShortImageReferenceInlineProcessor", r"\!\["): ("![",),
    ("AutolinkInlineProcessor", r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>"): ("<",),
    ("AutomailInlineProcessor", r"<([^<> !]+@[^@<> ]+)>"): ("<",),
    ("SubstituteTagInlineProcessor", r"  \n"): ("  \n",),
    (
        "HtmlInlineProcessor",
        r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?"""
        r"""|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)""",
    ): ("<",),
    ("HtmlInlineProcessor", r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)"): ("&",),
    ("DelimiterProcessor", r"\*|_"): ("*", "_"),
}
# Python-Markdown 3's block processors whose test is a search for their regular expression
# (the reference processor's run is: its test says yes to every block), and what a match needs.
_BLOCK_NEEDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("HashHeaderProcessor", r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)"): ("#",),
    ("SetextHeaderProcessor", r"^.*?\n(?:=+|-+)[ ]*(\n|$)"): ("\n=", "\n-"),
    (
        "HRProcessor",
        r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))(?P=atomicgroup)[ ]*$",
    ): ("-", "_", "*"),
    ("BlockQuoteProcessor", r"(^|\n)[ ]{0,3}>[ ]?(.*)"): (">",),
    (
        "ReferenceProcessor",
        r"""^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$""",
    ): ("[",),
}


def needed(pattern: Any) -> tuple[str, ...] | None:
    """The literals one of which every match of an inline `pattern` contains; None if not known."""
    return _INLINE_NEEDS.get((type(pattern).__name__, str(getattr(pattern, "pattern", ""))))


def block_needed(processor: Any) -> tuple[str, ...] | None:
    """The literals one of which a block must contain for `processor` to take it; None if not known."""
    found = getattr(processor, "RE", None)
    return _BLOCK_NEEDS.get((type(processor).__name__, str(getattr(found, "pattern", found))))


class _Plan:
    """Patterns in their order, each with what it needs, and every literal any of them needs."""

    def __init__(self, patterns: Iterable[Any], needs: Any) -> None:
        self.steps = [(pattern, needs(pattern)) for pattern in patterns]
        self.literals = {literal for _, wanted in self.steps for literal in wanted or ()}

    def absent(self, text: str) -> set[str]:
        return {literal for literal in self.literals if literal not in text}


class FastInline(treeprocessors.InlineProcessor):
    """Python-Markdown's `InlineProcessor`, trying a pattern only where the text holds what
    it needs. Matching only ever takes text out (into placeholders), never puts these
    literals in: a pattern without them at the start of a run has none to match later."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        self._plan = _Plan(self.inlinePatterns, needed)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        # (Python-Markdown's own method, by its mangled name: its pattern steps call it back.)
        if isinstance(data, util.AtomicString):
            return data
        steps, apply = self._plan.steps, self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        absent = self._plan.absent(data)
        start, count = 0, len(steps)
        while patternIndex < count:
            pattern, needs = steps[patternIndex]
            if needs is not None and absent.issuperset(needs):
                patternIndex, start = patternIndex + 1, 0  # as a pattern that found no match
                continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class FastBlockParser(blockparser.BlockParser):
    """Python-Markdown's `BlockParser`, asking a processor whether it takes a block only where
    the block holds what the processor needs (`parseBlocks` as Python-Markdown's own)."""

    def parseDocument(self, lines: Iterable[str]) -> Any:  # noqa: N802 (Python-Markdown's name)
        self._plan = _Plan(self.blockprocessors, block_needed)
        return super().parseDocument(lines)

    def parseBlocks(self, parent: Any, blocks: list[str]) -> None:  # noqa: N802
        plan = self._plan
        while blocks:
            block = blocks[0]
            absent = plan.absent(block)
            for processor, needs in plan.steps:
                if blocks[0] is not block:  # a processor that declined put back another block
                    block = blocks[0]
                    absent = plan.absent(block)
                if needs is not None and absent.issuperset(needs):
                    continue
                if processor.test(parent, block) and processor.run(parent, blocks) is not False:
                    break


def install(md: markdown.Markdown) -> None:
    """`md`'s inline pass and block parser made the fast ones, at the same places (unless an
    extension replaced Python-Markdown's own)."""
    if "inline" in md.treeprocessors and type(md.treeprocessors["inline"]) is treeprocessors.InlineProcessor:
        # (Python-Markdown's registry keeps its priorities to itself.)
        priority = next(item.priority for item in md.treeprocessors._priority if item.name == "inline")  # type: ignore[attr-defined]
        md.treeprocessors.register(FastInline(md), "inline", priority)
    if type(md.parser) is blockparser.BlockParser:
        md.parser.__class__ = FastBlockParser  # its processors hold the parser: the same object


class FastPassesExtension(Extension):
    """`install` as a Markdown extension, for the conversions a site generator makes itself
    (pages, blog excerpts): the same HTML, sooner."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        install(md)

    def __repr__(self) -> str:  # the same in every build: configurations are compared by repr
        return f"{type(self).__name__}()"
