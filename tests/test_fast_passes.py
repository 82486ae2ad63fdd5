"""fast_passes: the HTML of Python-Markdown's own inline and block passes, with hopeless patterns skipped."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import blockparser, treeprocessors

from handbook.fast import fast_passes

# The handbook's extensions, and two whose inline patterns FastInline does not know.
EXTENSIONS = ["toc", "tables", "admonition", "attr_list", "md_in_html", "footnotes", "abbr"]
CONFIGS = {"toc": {"permalink": True}}

# fmt: off
PIECES = [
    "word", "two words", " ", "  \n", "\n", "\n\n", "*", "**", "_", "__", "*em*", "**strong**", "_u_",
    "`", "``", "`code`", "``a ` b``", "\\", "\\*", "\\[", "[", "]", "(", ")", "[link](a/b.md)",
    "[ref]", "[ref][]", "[text][ref]", "![img](i.png)", "![alt][ref]", "<", ">", "<ins>", "</ins>",
    "<del>x</del>", "<span class=\"a\">", "<!-- c -->", "<http://example.org/x>", "<a@example.org>",
    "&", "&amp;", "&#42;", "&copy;", "# Heading", "## Two {#id}", "- item", "1. one", "> quote",
    "| a | b |\n|---|---|\n| 1 | 2 |", "[ref]: https://example.org/", "[^1]", "[^1]: Note.",
    "*[HTML]: Hyper Text", "HTML", "{: .class }", "!!! note\n    Inside.", "Title\n=====", "Sub\n---",
    "***", "- - -", "___", "    indented code", "> > nested", "\n> quote\n", "#hash", "####### seven",
    "[a]: /url \"Title\"", "  [b]:\n  /url", "* list\n\n    more", "1) paren", "<div markdown=\"1\">\n\n*x*\n\n</div>",
]
# fmt: on


def converters() -> tuple[markdown.Markdown, markdown.Markdown]:
    plain = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    fast = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    fast_passes.install(fast)
    assert type(fast.treeprocessors["inline"]) is fast_passes.FastInline
    assert type(fast.parser) is fast_passes.FastBlockParser
    return plain, fast


PLAIN, FAST = converters()


def html(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return md.convert(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_the_same_html_as_python_markdown(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert html(FAST, text) == html(PLAIN, text)


@pytest.mark.parametrize(
    "text",
    [
        "Plain words only, no marks at all.",
        "A *b* and **c** and _d_ with `e` and [f](g.md) and <ins>h</ins> &amp; i\\*.",
        "Nested: **bold with [a link](x.md) and `code`** then *em <del>gone</del>*.",
        "A line break  \nafter two spaces, and <http://example.org> and <me@example.org>.",
        "Text in a table:\n\n| *a* | [b](c) |\n|---|---|\n| `d` | e |",
        "# A *heading* {#custom}\n\nA footnote[^1] and HTML.\n\n[^1]: The *note*.\n\n*[HTML]: Markup",
    ],
)
def test_the_same_html_on_texts_with_every_mark(text: str) -> None:
    assert html(FAST, text) == html(PLAIN, text)


def test_every_pattern_python_markdown_has_is_known() -> None:
    """A Python-Markdown that changes a pattern fails here, not in the HTML: the fast passes
    would try the changed pattern everywhere (still right, but slower)."""
    md = markdown.Markdown(extensions=["toc", "tables", "admonition", "attr_list", "md_in_html"])
    unknown = [type(p).__name__ for p in md.inlinePatterns if fast_passes.needed(p) is None]
    assert unknown == []
    known = {type(p).__name__ for p in md.parser.blockprocessors if fast_passes.block_needed(p) is not None}
    searched = {"HashHeaderProcessor", "SetextHeaderProcessor", "HRProcessor", "BlockQuoteProcessor"}
    assert known == searched | {"ReferenceProcessor"}


def test_passes_another_extension_replaced_are_left_alone() -> None:
    class Other(treeprocessors.InlineProcessor):
        pass

    class OtherParser(blockparser.BlockParser):
        pass

    md = markdown.Markdown()
    md.treeprocessors.register(Other(md), "inline", 20)
    md.parser.__class__ = OtherParser
    fast_passes.install(md)
    assert type(md.treeprocessors["inline"]) is Other
    assert type(md.parser) is OtherParser


def test_the_extension_installs_it_once_and_reads_the_same_in_every_build() -> None:
    md = markdown.Markdown(extensions=[fast_passes.FastPassesExtension(), fast_passes.FastPassesExtension()])
    assert type(md.treeprocessors["inline"]) is fast_passes.FastInline
    assert type(md.parser) is fast_passes.FastBlockParser
    assert [item.name for item in md.treeprocessors._priority].count("inline") == 1
    assert repr(fast_passes.FastPassesExtension()) == repr(fast_passes.FastPassesExtension())
