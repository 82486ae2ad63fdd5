"""Links in an old text, re-pointed from the page it was written for to the page it is shown on."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")
_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"
    r"\([ \t]*(?P<target><[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
    r"(?P<title>(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?)[ \t]*\)"
)
_REFERENCE = re.compile(r"^(?P<head>[ ]{0,3}\[[^\]\n]+\]:[ \t]*)(?P<target><[^<>\n]*>|\S+)(?P<rest>.*)$")


@dataclass(frozen=True)
class LinkTarget:
    """Where links in an old text may point: the site's files, and policies' renames."""

    known: frozenset[str]
    renames: dict[str, str] = field(default_factory=dict)
    # The same links recur in every version of a policy: each is resolved once.
    _memo: dict[tuple[str, str, str, bool], str | None] = field(default_factory=dict, compare=False, repr=False)

    def resolve(self, target: str, from_src: str, to_src: str, *, keep_self: bool) -> str | None:
        # Only the folders matter: every version page of a policy shares its folder and its links.
        key = (target, posixpath.dirname(from_src), posixpath.dirname(to_src), keep_self)
        if key not in self._memo:
            self._memo[key] = self._resolve(target, from_src, to_src, keep_self=keep_self)
        return self._memo[key]

    def _resolve(self, target: str, from_src: str, to_src: str, *, keep_self: bool) -> str | None:
        """`target`, written in `from_src`, as a link from `to_src`; None if it leads nowhere now.

        A link to another page loses its `#section`: that section may be gone from the page now,
        and the strict build checks anchors.
        """
        raw = target[1:-1] if target.startswith("<") and target.endswith(">") else target
        parts = urlsplit(raw)
        if parts.scheme or parts.netloc or raw.startswith(("/", "\\")):
            return target
        if not parts.path:
            return target if keep_self and parts.fragment else None
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(from_src), unquote(parts.path)))
        if resolved.startswith("../") or resolved in ("..", "."):
            return None
        folder, _, name = resolved.rpartition("/")
        if folder == "policies" and name.endswith(".md") and name[:-3] in self.renames:
            resolved = f"policies/{self.renames[name[:-3]]}.md"
        candidates = [resolved]
        if not posixpath.splitext(resolved)[1]:
            candidates += [f"{resolved}/index.md", f"{resolved}/README.md", f"{resolved}.md"]
        found = next((c for c in candidates if c in self.known), None)
        if found is None:
            return None
        link = posixpath.relpath(found, posixpath.dirname(to_src) or ".")
        return link + (f"?{parts.query}" if parts.query else "")


def rewrite_links(text: str, from_src: str, to_src: str, targets: LinkTarget, *, keep_self: bool = True) -> str:
    """Markdown `text` moved from `from_src` to `to_src`: links re-pointed, dead ones made plain text."""

    def inline(match: re.Match[str]) -> str:
        link = targets.resolve(match.group("target"), from_src, to_src, keep_self=keep_self)
        if link is None:
            return match.group("text")
        return f"{match.group('bang')}[{match.group('text')}]({link}{match.group('title')})"

    if "](" not in text and "]:" not in text:
        return text  # no link at all: most texts of most versions
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        if fence is None and "](" not in line and "]:" not in line and "`" not in line and "~~~" not in line:
            out.append(line)
            continue
        opened = _FENCE.match(line)
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            out.append(line)
            continue
        if opened:
            fence = opened.group(1)
            out.append(line)
            continue
        reference = _REFERENCE.match(line)
        if reference:
            link = targets.resolve(reference.group("target"), from_src, to_src, keep_self=keep_self)
            if link is not None:
                out.append(f"{reference.group('head')}{link}{reference.group('rest')}")
            continue  # a reference to nowhere: its uses then read as plain text
        # Code spans are left as they are: a link written inside one is text.
        pieces, last = [], 0
        for code in _CODE_SPAN.finditer(line):
            pieces.append(_LINK.sub(inline, line[last : code.start()]))
            pieces.append(code.group(0))
            last = code.end()
        pieces.append(_LINK.sub(inline, line[last:]))
        out.append("".join(pieces))
    return "\n".join(out)
