"""Plain text for feed items: a page's HTML as text, and a decision's outcome in a paragraph."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ...records import Decision

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|\*|`)")


class _TextOf(HTMLParser):
    """The text a reader sees in an HTML fragment, minus level-one headings (a post repeats its title)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "script", "style"):
            self.skip += 1
        elif tag in ("p", "br", "li", "div", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def plain_text(fragment: str) -> str:
    """An HTML fragment as plain text: tags dropped, entities decoded, whitespace folded."""
    parser = _TextOf()
    parser.feed(fragment)
    parser.close()
    paragraphs = (" ".join(p.split()) for p in "".join(parser.parts).split("\n"))
    return "\n\n".join(p for p in paragraphs if p)


def decision_outcome(decision: Decision) -> str:
    """The first paragraph of the decision's outcome, else of its text: what a subscriber reads first."""
    sections: dict[str, list[str]] = {}
    heading = ""
    fenced = False
    for line in decision.body.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced and line.startswith("#"):
            heading = line.lstrip("#").strip().lower()
            continue
        if not fenced:
            sections.setdefault(heading, []).append(line)
    for wanted in ("decision outcome", *sections):
        paragraph = _first_paragraph(sections.get(wanted, []))
        if paragraph:
            return paragraph
    return ""


def _first_paragraph(lines: list[str]) -> str:
    block: list[str] = []
    for line in lines:
        if line.strip():
            block.append(line.strip())
        elif block:
            break
    text = " ".join(block)
    return _MD_MARKS.sub("", _MD_LINK.sub(r"\1", text)).strip()
