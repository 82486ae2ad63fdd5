"""Generated pages as a frame of Markdown and the parts placed in it: the long texts, which an
adapter may convert apart (blocks.py), and our own HTML, which goes into the page as it is.

Free of mkdocs, like the compiler that makes these pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

_PLACEHOLDER = "hbpart{}x7d3f"


def part_placeholder(index: int) -> str:
    """A paragraph of its own in a frame, where part `index` goes."""
    return _PLACEHOLDER.format(index)


@dataclass(frozen=True)
class Part:
    """A long text in a generated page: Markdown, and the class of the `<div>` around it (if any)."""

    markdown: str
    wrapper: str = ""
    raw: bool = False  # HTML that goes into the page as it is


@dataclass(frozen=True)
class PageParts:
    """A generated page as front matter, a short frame of Markdown, and the long texts that go
    where the frame has their placeholders. `markdown()` is the page; an adapter may instead
    convert the frame and each text apart (blocks.py), which reuses what the texts share.
    `shared`: whether pages of the same folder may share the texts' converted blocks (not
    for record pages: each reports its own broken links)."""

    front_matter: str
    frame: str
    parts: tuple[Part, ...]
    shared: bool = True

    def body(self) -> str:
        text = self.frame
        for index, part in enumerate(self.parts):
            body = part.markdown
            if part.wrapper:
                body = f'<div class="{part.wrapper}" markdown="1">\n\n{body}\n</div>'
            text = text.replace(part_placeholder(index), body, 1)
        return text

    def markdown(self) -> str:
        return self._markdown

    @cached_property
    def _markdown(self) -> str:  # the same parts, kept under `mkdocs serve`, are asked again
        return self.front_matter + self.body()

    def html(self, frame_html: str, parts_html: Sequence[str]) -> str | None:
        """The page's HTML from the frame's and each text's, or None if the frame lost a placeholder."""
        for index, (part, html) in enumerate(zip(self.parts, parts_html, strict=True)):
            placeholder = f"<p>{part_placeholder(index)}</p>"
            if frame_html.count(placeholder) != 1:
                return None
            if part.raw:
                html = part.markdown.strip("\n") + "\n"  # as Python-Markdown hands back a raw block
            elif part.wrapper:
                html = f'<div class="{part.wrapper}">\n{html}\n</div>'
            frame_html = frame_html.replace(placeholder, html, 1)
        return frame_html.strip()  # as Python-Markdown ends a page


@dataclass
class Placed:
    """The texts a frame has placeholders for, in order: `place` adds one and gives its placeholder."""

    parts: list[Part] = field(default_factory=list)

    def place(self, part: Part) -> str:
        self.parts.append(part)
        return part_placeholder(len(self.parts) - 1)

    def raw(self, html: str) -> str:
        """Our own HTML block, which goes into the page as it is: converting it would only hand it back."""
        return self.place(Part(html.strip("\n"), raw=True))
