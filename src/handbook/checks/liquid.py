"""HB314: Liquid (Jekyll's `{% tag %}` and `{{ variable }}`) left in the text of a record or a
post. The site does not run Liquid: it would show the tag as text (`{% alert %}` becomes
`<p _ endalert>`), so `--strict` fails on it too. In code, or inside an HTML comment (where the
importers keep what they could not resolve), it is not Liquid but text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .findings import Finding, finding

if TYPE_CHECKING:
    from ..loading import Corpus

_TAG = re.compile(r"\{%-?\s*(.*?)\s*-?%\}|\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
_SHOWN = 60


def find_liquid(body: str) -> Iterator[tuple[int, str]]:
    """(offset, tag) of each Liquid tag in Markdown `body`, outside code and HTML comments."""
    # Most texts: not masked at all. (A one-character search is memchr, ten times a two-character one.)
    if "{" not in body or ("{%" not in body and "{{" not in body):
        return
    masked = _masked(body)
    for match in _TAG.finditer(masked):
        yield match.start(), body[match.start() : match.end()]


def check(corpus: Corpus) -> list[Finding]:
    """Each Liquid tag left in a published record's or post's text, at its line."""
    from .targets import record_texts

    findings = []
    for text in record_texts(corpus):
        for offset, tag in find_liquid(text.body):
            shown = " ".join(tag.split())
            shown = shown if len(shown) <= _SHOWN else shown[: _SHOWN - 1] + "…"
            findings.append(finding(
                text.path, text.body_line + text.body.count("\n", 0, offset), "HB314",
                f"Liquid tag '{shown}' is left in the text, and the site would show it as it is: replace it with "
                "what it stands for, or put it in an HTML comment (<!-- ... -->) to keep it out of the page",
            ))  # fmt: skip
    return findings


def _masked(body: str) -> str:
    """`body` with fenced code, code spans and HTML comments blanked (same length, same lines)."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    out = _blank_fences(body)
    out = _COMMENT.sub(blank, out)
    return _CODE_SPAN.sub(blank, out)


def _blank_fences(body: str) -> str:
    lines = body.split("\n")
    fence: str | None = None
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)
            lines[index] = " " * len(line)
        elif fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            lines[index] = " " * len(line)
    return "\n".join(lines)
