"""The site's Content-Security-Policy: what it allows, the hashes of the inline scripts the
theme writes, and the `<meta http-equiv>` tag that carries it in every page (hosts such as
GitHub or GitLab Pages cannot set a header; `csp.txt` holds it for servers that can).

Scripts come from the site itself, and inline ones only by their hash: a script written into a
page's Markdown never runs, whatever the checks let through.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable
from html.parser import HTMLParser

FILE = "csp.txt"
# Types that make a <script> run (an empty one included); others (application/json) are data.
_SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript"})
_META_CHARSET = '<meta charset="utf-8">'
_SCRIPT_SRC = "script-src 'self' 'wasm-unsafe-eval'"


def policy(script_hashes: Iterable[str]) -> str:
    """The policy: everything from the site itself; inline scripts by hash; WebAssembly for
    Pagefind; inline styles (Material writes `<style>` for custom icons and fonts) and `data:`
    images (Material's icons in its style sheets)."""
    hashes = "".join(f" '{h}'" for h in sorted(set(script_hashes)))
    return (
        "default-src 'self'; "
        f"{_SCRIPT_SRC}{hashes}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; "
        "worker-src 'self'; "
        "object-src 'none'; "
        "base-uri 'self'; "
        "form-action 'self'"
    )


def script_hash(body: str) -> str:
    """A CSP source for an inline script's text, as a browser hashes it."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def meta_tag(value: str) -> str:
    # Only what a double-quoted attribute needs escaped: the sources' single quotes stay.
    content = html.escape(value, quote=False).replace('"', "&quot;")
    return f'<meta http-equiv="Content-Security-Policy" content="{content}">'


def with_meta(page: str, value: str) -> str | None:
    """`page` with the policy's tag first in its <head> (after `<meta charset>`, before any
    script), or None for a page without a <head>; a page that has a policy's tag keeps its own."""
    head = page.find("<head>")
    if head < 0:
        return None
    if 'http-equiv="Content-Security-Policy"' in page[head : page.find("</head>", head)]:
        return page  # a page with a policy of its own (the customer page, published apart) keeps it
    charset = page.find(_META_CHARSET, head, head + 300)
    if charset < 0:
        at = head + len("<head>")
        return page[:at] + "\n" + meta_tag(value) + page[at:]
    line = page[page.rfind("\n", 0, charset) + 1 : charset]
    indent = line if not line.strip() else ""
    at = charset + len(_META_CHARSET)
    return page[:at] + "\n" + indent + meta_tag(value) + page[at:]


def with_added_script_allowed(page: bytes, served: bytes) -> bytes:
    """`served` (`page` with one inline script added by a server, mkdocs' live reload) with
    that script's hash added to the policy in its tag."""
    added = inline_scripts(served.decode("utf-8", "replace"))
    for body in inline_scripts(page.decode("utf-8", "replace")):
        if body in added:
            added.remove(body)
    allowed = _SCRIPT_SRC.encode() + b"".join(f" '{script_hash(body)}'".encode() for body in added)
    return served.replace(_SCRIPT_SRC.encode(), allowed, 1) if added else served


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bodies: list[str] = []
        self.open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and "src" not in found and (found.get("type") or "").strip().lower() in _SCRIPT_TYPES:
            self.open = []

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            self.open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.open is not None:
            self.bodies.append("".join(self.open))
            self.open = None


def inline_scripts(page: str) -> list[str]:
    """The text of each inline script in `page` that a browser would run."""
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    return parser.bodies


def uncovered(page: str, hashes: frozenset[str], *, skip: tuple[int, int] = (0, 0)) -> list[str]:
    """The inline scripts of `page`, outside the span `skip` (the page's own content, reported
    by the checks), whose hash the policy lacks: scripts a browser would refuse to run."""
    missing, at = [], page.find("<script")
    while at >= 0:
        if skip[0] <= at < skip[1]:
            at = page.find("<script", skip[1])
            continue
        tag_end = page.find(">", at)
        close = page.find("</script", tag_end)
        if tag_end < 0 or close < 0:
            break
        tag = page[at : tag_end + 1]
        # Most are plain: a file's (`src`), or the theme's own; only a typed one needs parsing.
        if "src=" not in tag or "type=" in tag:
            bodies = inline_scripts(page[at : close + len("</script>")]) if "=" in tag else [page[tag_end + 1 : close]]
            missing += [body for body in bodies if script_hash(body) not in hashes]
        at = page.find("<script", close)
    return missing
