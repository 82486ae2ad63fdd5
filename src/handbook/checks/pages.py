"""Records as pages of the site, and the links between them, worked out once per check run."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..frontmatter import markdown_body
from .links import Link, page_links, resolve

if TYPE_CHECKING:
    from ..cache import Cache
    from ..loading import Corpus


@dataclass(frozen=True)
class Page:
    """A record as a page of the site: where it lands and whether a built site has it."""

    src: str  # the site path, like policies/refunds.md
    path: str  # the file in the repository
    kind: str  # policy, decision or post
    name: str  # the policy id, the decision's file stem, or the post's file
    published: bool


def record_pages(corpus: Corpus) -> Iterator[Page]:
    """Every record as the site shows it (drafts too: they exist, only not on a built site)."""
    docs = corpus.settings.docs_dir.rstrip("/") + "/"
    for policy in corpus.policies.values():
        yield Page(f"policies/{policy.id}.md", policy.path, "policy", policy.id, not policy.is_draft)
    for decision in corpus.decisions.values():
        yield Page(f"decisions/{decision.id}.md", decision.path, "decision", decision.id, True)
    for post in corpus.posts:
        src = post.path[len(docs) :] if post.path.startswith(docs) else post.path
        yield Page(src, post.path, "post", posixpath.basename(post.path), not post.draft)


def page_body(corpus: Corpus, page: Page) -> tuple[str, int] | None:
    """A record page's Markdown text and the file line it starts on (None for an unreadable post)."""
    if page.kind == "policy":
        policy = corpus.policies[page.name]
        return policy.body, policy.body_line
    if page.kind == "decision":
        decision = next(d for d in corpus.decisions.values() if d.path == page.path)
        return decision.body, decision.body_line
    # Posts keep no body in memory; their text is read here, and only when its links are not cached.
    try:
        text = (corpus.settings.root / page.path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return markdown_body(text)


@dataclass(frozen=True)
class Site:
    """Every record page by site path, and each record's links with the site path they land on."""

    pages: dict[str, Page]
    links: dict[str, list[tuple[Link, str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, corpus: Corpus, cache: Cache | None = None) -> Site:
        """Record pages and links; a file's links come from `cache` while its bytes are unchanged."""
        pages = {page.src: page for page in record_pages(corpus)}
        decisions = {d.path: d for d in corpus.decisions.values()}
        links = {}
        for page in pages.values():
            digest = cache.digests.get(page.path) if cache is not None else None
            cached = cache.get("links", digest) if cache is not None and digest is not None else None
            if cached is not None:
                found = [Link(target, line) for line, target in cached]
            else:
                if page.kind == "decision":
                    decision = decisions[page.path]
                    text: tuple[str, int] | None = (decision.body, decision.body_line)
                else:
                    text = page_body(corpus, page)
                found = page_links(*text) if text is not None else []
                if cache is not None and digest is not None and text is not None:
                    cache.put("links", digest, [[link.line, link.target] for link in found])
            links[page.path] = [(link, resolve(page.src, link)) for link in found]
        return cls(pages, links)
