"""Where each imported page lived on the source site, and links rewritten to the imported pages:
`/hr/leave/`, `/hr/leave.html`, `{{ site.baseurl }}/hr/leave` and `../hr/leave.md` all name
`hr/leave.md`, whose policy is `policies/<id>.md`."""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from dataclasses import dataclass, field

# Marks a link target already made for an imported policy (by the Liquid step): left as it is.
MADE = "\x02"
_PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)
# `[text](target "title")`, `![alt](target)`, `[id]: target` and `href="target"`.
_INLINE = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]\n]*)\]\(\s*(?P<target><[^>\n]*>|[^)\s]+)(?P<rest>[^)\n]*)\)")
_DEFINITION = re.compile(r"^(?P<head> {0,3}\[[^\]\n]+\]:\s*)(?P<target>\S+)(?P<rest>.*)$", re.M)
_HREF = re.compile(r"""(?P<head>\bhref\s*=\s*["'])(?P<target>/[^"']*)(?P<rest>["'])""", re.I)
_CODE = re.compile(r"(```|~~~).*?(?:\1|\Z)|`[^`\n]*`", re.S)


def page_key(path: str) -> str:
    """`/hr/leave/`, `hr/leave.html`, `hr/leave.md`, `hr/leave/index.md` -> `hr/leave`."""
    path = urllib.parse.unquote(path).strip().strip("/").lower()
    for suffix in _PAGE_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    parts = [p for p in path.split("/") if p]
    if parts and parts[-1] in ("index", "readme"):
        parts.pop()
    return "/".join(parts)


def old_url(rel: str) -> str:
    """The address Jekyll gives a page without a permalink: `hr/leave.md` -> `/hr/leave.html`,
    `hr/index.md` -> `/hr/`."""
    key = page_key(rel)
    stem = posixpath.splitext(posixpath.basename(rel))[0].lower()
    if stem in ("index", "readme"):
        return f"/{key}/" if key else "/"
    return f"/{posixpath.splitext(rel)[0]}.html"


@dataclass
class Addresses:
    """Source pages by every address they had; `site_prefix` is the path the source site lived under."""

    site_prefix: str = "/"
    ids: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    def add(self, address: str, policy_id: str, title: str) -> None:
        key = page_key(self._unprefixed(address) if address.startswith("/") else address)
        self.ids.setdefault(key, policy_id)
        self.titles.setdefault(key, title)

    def site_path(self, address: str) -> str:
        """An absolute address of the source site as a path of this one: the site prefix taken off."""
        return self._unprefixed(address) if address.startswith("/") else address

    def _unprefixed(self, path: str) -> str:
        prefix = "/" + self.site_prefix.strip("/") + "/" if self.site_prefix.strip("/") else "/"
        return "/" + path[len(prefix) :] if path.startswith(prefix) else path

    def find(self, target: str, *, from_rel: str | None = None) -> tuple[str, str] | None:
        """(policy id, #fragment) of the page a link names, or None."""
        path, hash_, fragment = target.partition("#")
        path = path.split("?", 1)[0]
        if not path:
            return None
        if path.startswith("/"):
            keys = [page_key(self._unprefixed(path))]
        else:
            base = posixpath.dirname(from_rel or "")
            keys = [page_key(posixpath.normpath(posixpath.join(base, path)))]
            # A link relative to the page's pretty address (`/hr/leave/` -> `../benefits/`).
            keys.append(page_key(posixpath.normpath(posixpath.join(base, posixpath.basename(from_rel or ""), path))))
        for key in keys:
            if key in self.ids and not key.startswith(".."):
                return self.ids[key], hash_ + fragment
        return None

    def link(self, target: str, *, from_rel: str | None = None) -> str | None:
        """The Markdown link from one imported policy to the page `target` names."""
        found = self.find(target, from_rel=from_rel)
        return f"{found[0]}.md{found[1]}" if found else None

    def title(self, target: str) -> str | None:
        found = self.find(target)
        if found is None:
            return None
        return next(self.titles[k] for k, v in self.ids.items() if v == found[0])


class Locator:
    """The source line of each piece of text, found in the original text in order."""

    def __init__(self, text: str, label: str, first_line: int) -> None:
        self.text, self.label, self.first_line = text, label, first_line
        self.cursor: dict[str, int] = {}

    def __call__(self, piece: str) -> str:
        start = self.text.find(piece, self.cursor.get(piece, 0))
        if start < 0:
            return f"{self.label} (from an include)"
        self.cursor[piece] = start + len(piece)
        return f"{self.label}:{self.first_line + self.text.count(chr(10), 0, start)}"


@dataclass
class Relinked:
    text: str
    rewritten: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


def relink(text: str, addresses: Addresses, *, rel: str, where: Locator) -> Relinked:
    """Links in `text` (outside code) to the source site's pages rewritten to the imported policies;
    a link to a page of the source that was not imported keeps its text, and is reported; `where`
    finds each link's line in the source."""
    out = Relinked(text)
    pieces: list[str] = []
    last = 0
    for code in _CODE.finditer(text):
        pieces.append(_relink_part(text[last : code.start()], addresses, rel, where, out))
        pieces.append(code.group(0))
        last = code.end()
    pieces.append(_relink_part(text[last:], addresses, rel, where, out))
    out.text = "".join(pieces)
    return out


def _relink_part(part: str, addresses: Addresses, rel: str, where: Locator, out: Relinked) -> str:
    def line_of(m: re.Match[str]) -> str:
        return where(m.group("target"))

    def inline(m: re.Match[str]) -> str:
        if m.group("target").startswith("<!--"):
            # A Liquid tag kept as a comment (already reported): the text stays, with the comment.
            return m.group("text") + m.group("target")
        target = m.group("target").strip("<>")
        if _EXTERNAL.match(target) or target.startswith(("#", MADE)):
            return m.group(0)
        new = addresses.link(target, from_rel=rel)
        if new is not None:
            out.rewritten.append(f"{line_of(m)}: link {target} -> {new}")
            return f"{m.group('bang')}[{m.group('text')}]({new}{m.group('rest')})"
        if m.group("bang"):
            out.left.append(f"{line_of(m)}: image {target} not imported: its alt text kept; copy the file by hand")
        else:
            out.left.append(f"{line_of(m)}: link {target}: no imported page there; its text kept")
        return m.group("text")

    def other(m: re.Match[str]) -> str:
        target = m.group("target")
        if _EXTERNAL.match(target) or target.startswith(("#", MADE)):
            return m.group(0)
        new = addresses.link(target, from_rel=rel)
        if new is None:
            out.left.append(f"{line_of(m)}: link {target}: no imported page there; left as it is")
            return m.group(0)
        out.rewritten.append(f"{line_of(m)}: link {target} -> {new}")
        return m.group("head") + new + m.group("rest")

    part = _INLINE.sub(inline, part)
    part = _DEFINITION.sub(other, part)
    return _HREF.sub(other, part)
