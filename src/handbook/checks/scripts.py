"""HB309: raw HTML that would run a script (a `<script>`, an `on...=` handler, a `javascript:` or
`data:` link) in a record, a post or one of the site's own pages. A script on a policy page would
run with the origin of the whole handbook, single sign-on included."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..cache import entries, kept_by_text
from ..frontmatter import Document, markdown_body
from ..loading import first_heading
from ..rawhtml import Unsafe, find_unsafe
from .findings import Finding, Severity, finding

if TYPE_CHECKING:
    from ..cache import Cache
    from ..loading import Corpus
    from ..records import Decision
    from ..settings import Settings

MESSAGE = "{what}: raw HTML that runs a script is not allowed in a page"
ALLOWED = " (allowed by 'allow_raw_html'; the site's Content-Security-Policy blocks it)"


def check(corpus: Corpus, cache: Cache | None = None) -> list[Finding]:
    """Each thing that would run a script, at its line, sorted as `run_checks` sorts: an error,
    or a warning where mkdocs.yml sets `allow_raw_html: true` under the handbook plugin. Each
    text's answer is kept in `cache` by its content (converting every text takes seconds)."""
    settings = corpus.settings
    findings = []
    for path, body, first_line in _texts(corpus):
        for unsafe in _unsafe(body, first_line, settings, cache):
            message = MESSAGE.format(what=unsafe.what)
            found = finding(path, unsafe.line, "HB309", message + (ALLOWED if settings.allow_raw_html else ""))
            if settings.allow_raw_html:
                found = Finding(found.path, found.line, Severity.WARNING, found.code, found.message, found.fix)
            findings.append(found)
    return sorted(set(findings), key=Finding.sort_key)


def _unsafe(body: str, first_line: int, settings: Settings, cache: Cache | None) -> list[Unsafe]:
    return kept_by_text(
        cache, "scripts", f"{first_line}\0{body}", lambda: find_unsafe(body, first_line, settings),
        encode=lambda found: [[unsafe.line, unsafe.what] for unsafe in found],
        decode=lambda kept: [Unsafe(line, what) for line, what in entries(kept)],
    )  # fmt: skip


def _texts(corpus: Corpus) -> Iterator[tuple[str, str, int]]:
    """(path, Markdown, the file line it starts on) of every record, post and page under docs/,
    drafts included: a draft is published one day."""
    for policy in corpus.policies.values():
        yield policy.path, policy.body, policy.body_line
    for decision in corpus.decisions.values():
        yield decision.path, _without_title(decision), decision.body_line
    settings = corpus.settings
    docs = settings.path(settings.docs_dir)
    if not docs.is_dir():
        return
    for file in sorted(docs.rglob("*.md")):
        relative = file.relative_to(docs)
        # What mkdocs leaves out of a site by default: dot files and a top-level templates/.
        if any(part.startswith(".") for part in relative.parts) or relative.parts[0] == "templates":
            continue
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # (a post that cannot be read is reported by the loader)
        yield (posixpath.join(settings.docs_dir, relative.as_posix()), *markdown_body(text))


def _without_title(decision: Decision) -> str:
    """The decision's text with its `# Title` line left blank: the page shows the title as text."""
    title, line = first_heading(Document(decision.path, {}, decision.body, decision.body_line))
    if title is None:
        return decision.body
    lines = decision.body.split("\n")
    lines[line - decision.body_line] = ""
    return "\n".join(lines)
