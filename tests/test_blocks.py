"""blocks.py: texts converted block by block give what Python-Markdown gives converting them whole."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from handbook.fast.blocks import BlockConverter, extension_names, split_blocks

ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc"]
CONFIGS = {"toc": {"permalink": True}}


def new_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)


def whole(text: str) -> tuple[str, list[dict[str, object]]]:
    md = new_markdown()
    html = md.convert(text)
    return html, md.toc_tokens  # type: ignore[attr-defined]


def converter() -> BlockConverter[None]:
    return BlockConverter(new_markdown(), lambda: None)


TRICKY = {
    "loose list": "Intro.\n\n- one\n\n- two\n\n    more of two\n\n- three\n\nAfter.\n",
    "ordered": "1. first\n\n2. second\n\nText.\n",
    "quotes": "> a quote\n\n> goes on\n\nText.\n",
    "fence": "Code:\n\n```\nline\n\nnot a block\n# nor a heading\n```\n\nAfter.\n",
    "admonition": "!!! note\n    Inside.\n\n    Still inside.\n\nOutside.\n",
    "table": "| a | b |\n|---|---|\n| 1 | 2 |\n\n| c |\n|---|\n| 3 |\n",
    "headings": "# Title\n\n## Scope\n\nText.\n\n### Detail {#detail .x}\n\nMore *text* and `code`.\n",
    "same heading twice": "## Scope\n\nOne.\n\n## Scope\n\nTwo.\n",
    "suffix-like id": "## Scope\n\n## Scope_1\n\nText.\n",
    "reference links": "See [the rules][r].\n\nMore.\n\n[r]: https://example.org/\n",
    "footnote-like": "Text[^1].\n\n[^1]: A note.\n",
    "raw html": '<div class="x">\n\nInside a div.\n\n</div>\n\nAfter.\n',
    "md in html": '<div markdown="1">\n\n*Inside*.\n\n</div>\n\nAfter.\n',
    "comment": "<!-- a comment\n\nstill -->\n\nText.\n",
    "inline html": "<ins>New</ins> words and <del>old</del> ones.\n\n<strong>Bold</strong>\n",
    "diff": (
        "<del>Old</del><ins>New</ins> words.\n\nSame.\n\n- <ins>added item</ins>\n- kept\n\n"
        "<ins>Added paragraph\n\nnext</ins>\n"
    ),
    "open div": '<div class="a">\n\n*x*\n\n<div class="b">\ny\n</div>\n\n</div>\n\nAfter *z*.\n',
    "indented code": "Text.\n\n    code\n\n    more code\n\nText.\n",
    "setext": "Title\n=====\n\nText.\n",
    "rule": "Text.\n\n* * *\n\n---\n\nText.\n",
    "unclosed fence": "```\ncode\n\nText.\n",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_each_text_converts_as_whole(name: str) -> None:
    text = TRICKY[name]
    done = converter().convert_page("", [text])
    html, tokens = whole(text)
    assert done.texts[0].html == html
    flat = [(t["level"], t["id"], t["name"]) for t in done.texts[0].toc]
    assert flat == [(t["level"], t["id"], t["name"]) for t in _flatten(tokens)]


def _flatten(tokens: list[dict[str, object]]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for token in tokens:
        out.append(token)
        out += _flatten(token.get("children") or [])  # type: ignore[arg-type]
    return out


def test_sample_policies_convert_as_whole_and_share_blocks() -> None:
    texts = [p.read_text(encoding="utf-8").split("\n---\n", 1)[1] for p in sorted((ROOT / "policies").glob("*.md"))]
    made = converter()
    for text in texts:
        assert made.convert_page("", [text]).texts[0].html == whole(text)[0]
    # The same texts again: every block is reused, nothing converted but the empty frames.
    before = made.conversions
    for text in texts:
        assert made.convert_page("", [text]).texts[0].html == whole(text)[0]
    assert made.conversions - before == len(texts)
    assert made.reused > 0


def test_a_page_is_one_conversion_and_blocks_are_shared_within_a_scope() -> None:
    made = converter()
    one = "## Scope\n\nFirst paragraph.\n\nSecond paragraph.\n"
    two = "## Scope\n\nFirst paragraph.\n\nSecond paragraph, changed.\n"
    first = made.convert_page("# Page\n\n## Text {#text}\n", [one], scope="policies/a")
    assert made.conversions == 1
    assert first.frame.html == whole("# Page\n\n## Text {#text}\n")[0]
    second = made.convert_page("# Page\n", [two], scope="policies/a")
    assert second.texts[0].html == whole(two)[0]
    assert made.reused == 2  # the heading and the first paragraph
    made.convert_page("# Page\n", [two], scope="policies/b")
    assert made.reused == 2  # another folder: converted afresh


def test_frame_ids_made_unique_send_the_blocks_apart() -> None:
    made = converter()
    # Together, the toc extension would call the text's heading `text_1`: each is converted alone.
    done = made.convert_page("## Text {#text}\n", ["## Text\n\nBody.\n"])
    assert done.texts[0].html == whole("## Text\n\nBody.\n")[0]
    assert done.frame.ids == {"text"} and done.texts[0].ids == {"text"}


def test_what_the_caller_captures_comes_back_per_conversion() -> None:
    md = new_markdown()
    seen: list[str] = []
    made = BlockConverter(md, lambda: seen.append("x") or len(seen))
    done = made.convert_page("# Frame\n", ["Para one.\n\nPara two.\n"])
    assert done.captured == (1,)
    done = made.convert_page("# Frame\n", ["Para one.\n\nPara two.\n"])
    assert done.captured == (2,)  # the frame alone: both paragraphs reused


def test_split_blocks() -> None:
    def level(tag: str) -> bool:
        return tag in {"div", "p", "table"}

    assert split_blocks("a\n\nb\n\n- c\n\n- d\n\ne", level) == ["a\n", "b\n\n- c\n\n- d\n", "e"]
    # A list item or quote after a blank line may belong to the block before: kept with it.
    assert split_blocks("a\n\n> b\n\n> c\n", level) == ["a\n\n> b\n\n> c\n"]
    assert split_blocks("```\na\n\nb\n```\n\nc", level) == ["```\na\n\nb\n```\n", "c"]
    assert split_blocks("a\n\n    b\n\nc", level) == ["a\n\n    b\n", "c"]
    assert split_blocks("a [b][c]\n\n[c]: /x\n", level) is None
    # A raw HTML block runs on to its closing tag, across blank lines.
    assert split_blocks("<div>\n\na\n\n</div>\n\nb\n", level) == ["<div>\n\na\n\n</div>\n", "b\n"]
    assert split_blocks("<p>one</p>\n\n<div><hr>\n\nb\n", level) == ["<p>one</p>\n", "<div><hr>\n\nb\n"]
    assert split_blocks("<ins>a</ins>\n\nb\n", level) == ["<ins>a</ins>\n", "b\n"]


def test_extension_names() -> None:
    from markdown.extensions.toc import TocExtension

    assert extension_names(["toc", "markdown.extensions.tables", TocExtension(), "pymdownx.tabbed"]) == {
        "toc",
        "tables",
        "pymdownx.tabbed",
    }
