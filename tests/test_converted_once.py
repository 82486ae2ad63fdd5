"""converted_once: a text converted for many places gives what converting it whole each time gives."""

from __future__ import annotations

from typing import Any

import markdown
from markdown.treeprocessors import Treeprocessor

from handbook.fast import converted_once

EXTENSIONS = ["toc", "tables", "admonition", "attr_list", "md_in_html", "footnotes", "abbr"]
TEXT = """# A post

Text with [a link](../other/page.md), ![an image](img.png), <span>raw HTML</span> and **bold**.

<!-- more -->

## Section {#custom}

<div class="note" markdown="1">
Inside *a block*, [another link](x.md#part).
</div>

| a | b |
|---|---|
| [c](c.md) | d &amp; e |

```
code <kept>
```

[ref]: https://example.org/
A [reference][ref] and an HTML abbreviation.

*[HTML]: Hyper Text Markup Language
"""


class Place(Treeprocessor):
    """Stands in for mkdocs' relative links: every link and image gets the place in front."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.place = ""
        self.runs = 0

    def run(self, root: Any) -> None:
        self.runs += 1
        for element in root.iter():
            key = {"a": "href", "img": "src"}.get(element.tag)
            if key:
                element.set(key, self.place + str(element.get(key)))


def converter() -> tuple[markdown.Markdown, Place]:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"toc": {"permalink": True}})
    place = Place(md)
    md.treeprocessors.register(place, "place", 1)  # after the toc, before unescaping
    return md, place


def test_every_place_gets_the_html_of_a_whole_conversion() -> None:
    whole, whole_place = converter()
    once, once_place = converter()
    installed = converted_once.install(once, "place")
    assert converted_once.install(once, "place") is installed
    for place in ["", "../", "../../", "../", "blog/page/2/"]:
        whole_place.place = once_place.place = place
        assert once.convert(TEXT) == whole.convert(TEXT)
        assert once.toc_tokens == whole.toc_tokens  # type: ignore[attr-defined]
    assert (installed.conversions, installed.reused) == (1, 4)
    assert once_place.runs == 5  # what depends on the place ran every time


def test_another_text_is_converted_again() -> None:
    md, _ = converter()
    installed = converted_once.install(md, "place")
    first, second = md.convert("Text *one*."), md.convert("Text *two*.")
    assert (first, second) == ("<p>Text <em>one</em>.</p>", "<p>Text <em>two</em>.</p>")
    assert md.convert("") == ""
    assert installed.conversions == 2


def test_footnotes_are_converted_whole_every_time_as_before() -> None:
    """Python-Markdown's footnotes number their references anew in each conversion without a
    reset (as Material's excerpts convert): that is kept, not frozen at the first."""
    text = "A claim.[^1] Again.[^1]\n\n[^1]: The source.\n"
    whole, _ = converter()
    once, _ = converter()
    installed = converted_once.install(once, "place")
    assert [once.convert(text) for _ in range(3)] == [whole.convert(text) for _ in range(3)]
    assert installed.conversions == installed.reused == 0
