"""Markdown links in a record's text, with their file lines, and where each one lands on the site."""

from __future__ import annotations

import bisect
import functools
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

# Inline `[text](target "title")` and reference definitions `[label]: target`. The pattern
# starts with a literal so the regex engine can skip ahead; images (`![`) are dropped after.
_INLINE = re.compile(r"\[(?:[^\]\\\n]|\\.)*\]\(\s*(<[^>\n]*>|[^)\s]+)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Link:
    """A relative link to a Markdown page, as written, and the file line it is on."""

    target: str
    line: int

    @property
    def page(self) -> str:
        """The linked file without `#anchor` or `?query`, percent-decoded."""
        return unquote(self.target.split("#", 1)[0].split("?", 1)[0])


def page_links(body: str, body_line: int) -> list[Link]:
    """Relative links to `.md` files in `body`, outside fenced code, in file order."""
    if ".md" not in body:
        return []
    fenced = _fenced_ranges(body) if "```" in body or "~~~" in body else []
    found: list[tuple[int, str]] = []
    patterns = [pattern for pattern, mark in ((_INLINE, "]("), (_REFERENCE, "]:")) if mark in body]
    for pattern in patterns:
        for match in pattern.finditer(body):
            target = match.group(1).strip("<>")
            page = unquote(target.split("#", 1)[0].split("?", 1)[0])
            if not page.endswith(".md") or _SCHEME.match(page) or page.startswith("/"):
                continue
            start = match.start()
            if pattern is _INLINE and start > 0 and body[start - 1] == "!":
                continue  # an image
            position = match.start(1)
            if fenced and _inside(fenced, position):
                continue
            line_start = body.rfind("\n", 0, position) + 1
            # An odd number of backticks before the link on its line: the link is inside `code`.
            if body.count("`", line_start, position) % 2:
                continue
            found.append((position, target))
    found.sort()
    return [Link(target, body_line + body.count("\n", 0, position)) for position, target in found]


def resolve(from_page: str, link: Link) -> str:
    """The site path (like `policies/refunds.md`) that `link` on the page `from_page` points to."""
    return _resolve(from_page.rpartition("/")[0], link.page)


@functools.lru_cache(maxsize=4096)
def _resolve(folder: str, page: str) -> str:
    joined = posixpath.normpath(posixpath.join(folder, page))
    return "" if joined.startswith("../") or joined == ".." else joined


def _fenced_ranges(body: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    opened: tuple[int, str] | None = None
    for match in _FENCE.finditer(body):
        marker = match.group(1)
        if opened is None:
            opened = (match.start(), marker)
        elif marker[0] == opened[1][0] and len(marker) >= len(opened[1]):
            ranges.append((opened[0], match.end()))
            opened = None
    if opened is not None:
        ranges.append((opened[0], len(body)))
    return ranges


def _inside(ranges: list[tuple[int, int]], position: int) -> bool:
    index = bisect.bisect_right(ranges, (position, 1 << 62)) - 1
    return index >= 0 and ranges[index][0] <= position < ranges[index][1]
