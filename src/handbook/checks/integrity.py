"""Integrity: the loader's own findings (HB0xx, HB103, HB204, HB3xx) and links between records
that do not resolve (HB307)."""

from __future__ import annotations

import difflib
import os
import posixpath
from typing import TYPE_CHECKING

from .findings import Finding, finding, from_error
from .links import Link
from .pages import Page, Site

if TYPE_CHECKING:
    from ..history import History
    from ..loading import Corpus


def loader_findings(corpus: Corpus) -> list[Finding]:
    """Files that could not become records, and records that disagree with each other."""
    return [from_error(error) for error in corpus.load_errors + corpus.integrity_errors]


def check(corpus: Corpus, history: History, site: Site) -> list[Finding]:
    """HB307: links from records to policies, decisions or posts that no file answers."""
    pages = site.pages
    # Files that exist but are not records (a second decision with a taken number) still resolve.
    present = set(pages) | _files_in(corpus, corpus.settings.decisions_dir, "decisions")
    posts_site = _posts_site_dir(corpus)
    policy_ids = sorted(p.id for p in corpus.policies.values())
    findings: list[Finding] = []
    for page in pages.values():
        for link, target in site.links[page.path]:
            kind = _kind_of(target, posts_site)
            if kind is None or target in ("policies/index.md", "decisions/index.md"):
                continue
            found = pages.get(target)
            if found is not None:
                if page.published and not found.published:
                    findings.append(finding(
                        page.path, link.line, "HB307",
                        f"link '{link.target}' goes to the draft '{found.name}', which is not on the built site: "
                        f"link to it once it is published",
                        "Remove the link until the draft is published, or link to a record in force.",
                    ))  # fmt: skip
                continue
            if target in present:
                continue
            findings.append(_unresolved(page, link, target, kind, policy_ids, history))
    return findings


def _unresolved(page: Page, link: Link, target: str, kind: str, policy_ids: list[str], history: History) -> Finding:
    name = posixpath.splitext(posixpath.basename(target))[0]
    renamed = history.renames.get(name) if kind == "policy" else None
    close = (
        [renamed]
        if renamed
        else difflib.get_close_matches(name, policy_ids, n=1, cutoff=0.75)
        if kind == "policy"
        else []
    )
    if not close:
        message = (
            f"link '{link.target}' points to no {kind}: there is no file for '{target}'; fix the link or remove it"
        )
        return finding(page.path, link.line, "HB307", message)
    relative = posixpath.relpath(f"policies/{close[0]}.md", posixpath.dirname(page.src))
    why = f"it was renamed to '{relative}'" if renamed else f"did you mean '{relative}'?"
    message = f"link '{link.target}' points to no {kind}: there is no file for '{target}' ({why})"
    return finding(page.path, link.line, "HB307", message, f"Link to '{relative}' instead.")


def _kind_of(target: str, posts_site: str) -> str | None:
    folder, _, name = target.rpartition("/")
    if not name.endswith(".md"):
        return None
    if folder == "policies":
        return "policy"
    if folder == "decisions":
        return "decision"
    if posts_site and (folder == posts_site or folder.startswith(posts_site + "/")):
        return "post"
    return None


def _posts_site_dir(corpus: Corpus) -> str:
    docs = corpus.settings.docs_dir.rstrip("/") + "/"
    posts = corpus.settings.posts_dir.rstrip("/")
    return posts[len(docs) :] if posts.startswith(docs) else ""


def _files_in(corpus: Corpus, folder: str, site_folder: str) -> set[str]:
    try:
        names = os.listdir(corpus.settings.path(folder))
    except OSError:
        return set()
    return {f"{site_folder}/{name}" for name in names if name.endswith(".md")}
