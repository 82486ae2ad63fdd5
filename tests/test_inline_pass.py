"""inline_pass.FastInline: the HTML of Python-Markdown's own inline pass, with hopeless patterns skipped."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import treeprocessors

from handbook import inline_pass

# The handbook's extensions, and two whose inline patterns FastInline does not know.
EXTENSIONS = ["toc", "tables", "admonition", "attr_list", "md_in_html", "footnotes", "abbr"]
CONFIGS = {"toc": {"permalink": True}}

PIECES = [
    "word", "two words", " ", "  \n", "\n", "\n\n", "*", "**", "_", "__", "*em*", "**strong**", "_u_",
    "`", "``", "`code`", "``a ` b``", "\\", "\\*", "\\[", "[", "]", "(", ")", "[link](a/b.md)",
    "[ref]", "[ref][]", "[text][ref]", "![img](i.png)", "![alt][ref]", "<", ">", "<ins>", "</ins>",
    "<del>x</del>", "<span class=\"a\">", "<!-- c -->", "<http://example.org/x>", "<a@example.org>",
    "&", "&amp;", "&#42;", "&copy;", "# Heading", "## Two {#id}", "- item", "1. one", "> quote",
    "| a | b |\n|---|---|\n| 1 | 2 |", "[ref]: https://example.org/", "[^1]", "[^1]: Note.",
    "*[HTML]: Hyper Text", "HTML", "{: .class }", "!!! note\n    Inside.",
]


def converters() -> tuple[markdown.Markdown, markdown.Markdown]:
    plain = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    fast = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    inline_pass.install(fast)
    assert type(fast.treeprocessors["inline"]) is inline_pass.FastInline
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
    """A Python-Markdown that changes an inline pattern fails here, not in the HTML: FastInline
    would try the changed pattern everywhere (still right, but slower)."""
    md = markdown.Markdown(extensions=["toc", "tables", "admonition", "attr_list", "md_in_html"])
    unknown = [type(p).__name__ for p in md.inlinePatterns if inline_pass.needed(p) is None]
    assert unknown == []


def test_an_inline_pass_another_extension_replaced_is_left_alone() -> None:
    class Other(treeprocessors.InlineProcessor):
        pass

    md = markdown.Markdown()
    md.treeprocessors.register(Other(md), "inline", 20)
    inline_pass.install(md)
    assert type(md.treeprocessors["inline"]) is Other


def test_the_extension_installs_it_once_and_reads_the_same_in_every_build() -> None:
    md = markdown.Markdown(extensions=[inline_pass.FastInlineExtension(), inline_pass.FastInlineExtension()])
    assert type(md.treeprocessors["inline"]) is inline_pass.FastInline
    assert [item.name for item in md.treeprocessors._priority].count("inline") == 1
    assert repr(inline_pass.FastInlineExtension()) == repr(inline_pass.FastInlineExtension())
