"""Python-Markdown's inline pass, with each pattern skipped where its text cannot match.

Python-Markdown tries each of its inline patterns (code, links, HTML, emphasis, ...) on every
run of text, a regular-expression search each; most runs hold none of the characters a
pattern needs (no `[`, no `<`, no `*`), and those searches are about a third of a handbook's
conversion time. `FastInline` first asks whether the text holds the literal every match of
the pattern must contain: where it does not, the pattern could not match, and is skipped as
Python-Markdown passes over a pattern that does not match. Patterns it does not know
exactly (by class and regular expression) are always tried, so the HTML is the same.

Free of mkdocs, like blocks.py, whose converter installs it; the adapter adds the extension
to the site's Markdown settings.
"""

from __future__ import annotations

from typing import Any

import markdown
from markdown import treeprocessors, util
from markdown.extensions import Extension

# Python-Markdown 3's inline patterns, by class and regular expression, and the literals a
# match needs (any one of them): the text holds none of them, the pattern cannot match.
_NEEDS: dict[tuple[str, str], tuple[str, ...]] = {
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


def needed(pattern: Any) -> tuple[str, ...] | None:
    """The literals one of which every match of `pattern` contains; None if it is not known."""
    return _NEEDS.get((type(pattern).__name__, str(getattr(pattern, "pattern", ""))))


class FastInline(treeprocessors.InlineProcessor):
    """Python-Markdown's `InlineProcessor`, trying a pattern only where the text holds what
    it needs. Matching only ever takes text out (into placeholders), never puts these
    literals in: a pattern without them at the start of a run has none to match later."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        self._plan = [(pattern, needed(pattern)) for pattern in self.inlinePatterns]
        self._literals = {literal for _, needs in self._plan for literal in needs or ()}
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        # (Python-Markdown's own method, by its mangled name: its pattern steps call it back.)
        if isinstance(data, util.AtomicString):
            return data
        plan, apply = self._plan, self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        absent = {literal for literal in self._literals if literal not in data}
        start, count = 0, len(plan)
        while patternIndex < count:
            pattern, needs = plan[patternIndex]
            if needs is not None and absent.issuperset(needs):
                patternIndex, start = patternIndex + 1, 0  # as a pattern that found no match
                continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def install(md: markdown.Markdown) -> None:
    """`md`'s inline pass replaced by `FastInline`, at the same place among its tree processors
    (unless another extension replaced Python-Markdown's own)."""
    if "inline" in md.treeprocessors and type(md.treeprocessors["inline"]) is treeprocessors.InlineProcessor:
        # (Python-Markdown's registry keeps its priorities to itself.)
        priority = next(item.priority for item in md.treeprocessors._priority if item.name == "inline")  # type: ignore[attr-defined]
        md.treeprocessors.register(FastInline(md), "inline", priority)


class FastInlineExtension(Extension):
    """`install` as a Markdown extension, for the conversions a site generator makes itself
    (pages, blog excerpts): the same HTML, sooner."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        install(md)

    def __repr__(self) -> str:  # the same in every build: configurations are compared by repr
        return f"{type(self).__name__}()"
