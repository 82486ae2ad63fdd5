"""Where the links and images of records and posts land on the site, as `mkdocs build --strict`
checks them: a file that is not there (HB310), a section a page does not have (HB311), an
absolute link (HB312), and a post's `links:` naming no file (HB313). Which of these fail the
build is mkdocs.yml's `validation` (`Settings.strict_links`); only those are reported.

The text is converted as the site converts it (its Markdown extensions), and the links and ids
read from the converted tree, as mkdocs reads them: a link in code or in raw HTML is not one.
"""

from __future__ import annotations

import os
import posixpath
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..cache import entries, kept_by_text
from ..errors import HandbookError
from ..frontmatter import parse_document
from ..settings import MARKDOWN_EXTENSIONS, Settings
from .findings import Finding, finding

if TYPE_CHECKING:
    from ..cache import Cache
    from ..loading import Corpus


@dataclass(frozen=True)
class Text:
    """A page of the site made from a file: where it lands, the file, its Markdown and first line."""

    src: str
    path: str
    body: str
    body_line: int


@dataclass(frozen=True)
class GeneratedPages:
    """The pages and files the records make, by source path, and the Markdown of those whose
    sections are checked (None for the others)."""

    sources: frozenset[str]
    markdown: Callable[[str], str | None]
    # HB315: old addresses in `redirect_from` that the site will not redirect.
    redirect_problems: tuple[HandbookError, ...] = ()


@dataclass(frozen=True)
class Converted:
    """What mkdocs reads from a converted page: its links and images in order, and its ids."""

    links: tuple[tuple[str, str], ...]  # (tag, url): ("a", href) or ("img", src)
    ids: frozenset[str]


class _Collect(Treeprocessor):
    """Runs after `toc` (priority 5) has given the headings their ids, as mkdocs' own does."""

    def run(self, root: etree.Element) -> None:
        links: list[tuple[str, str]] = []
        ids: set[str] = set()
        for element in root.iter():
            if anchor := element.get("id"):
                ids.add(anchor)
            if element.tag == "a":
                if anchor := element.get("name"):
                    ids.add(anchor)
                if (href := element.get("href")) is not None:
                    links.append(("a", href))
            elif element.tag == "img" and (src := element.get("src")) is not None:
                links.append(("img", src))
        # A link to a section this page has cannot fail: most are the headings' own permalinks.
        links = [link for link in links if not (link[1][:1] == "#" and unquote(link[1][1:]) in ids)]
        self.md.hb_found = Converted(tuple(links), frozenset(ids))  # type: ignore[attr-defined]


class _CollectExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_Collect(md), "hb_collect", 4)


_CONVERTERS: dict[str, markdown.Markdown] = {}


def convert(text: str, settings: Settings) -> Converted:
    """`text`'s links and ids, converted with the site's Markdown extensions (the handbook's own
    if the site's will not load: mkdocs reports that itself)."""
    key = repr((settings.markdown_extensions, settings.markdown_configs))
    md = _CONVERTERS.get(key)
    if md is None:
        try:
            md = markdown.Markdown(
                extensions=[*settings.markdown_extensions, _CollectExtension()],
                extension_configs=settings.markdown_configs,
            )
        except Exception:
            md = markdown.Markdown(extensions=[*MARKDOWN_EXTENSIONS, _CollectExtension()])
        _CONVERTERS[key] = md
    md.reset()
    md.hb_found = Converted((), frozenset())  # type: ignore[attr-defined]
    try:
        md.convert(text)
    except Exception:  # an extension that fails on this text: mkdocs says so when it builds
        return Converted((), frozenset())
    found: Converted = md.hb_found  # type: ignore[attr-defined]
    return found


def _cached(text: str, settings: Settings, cache: Cache | None) -> Converted:
    return kept_by_text(
        cache, "targets", text, lambda: convert(text, settings),
        encode=lambda found: [[list(link) for link in found.links], sorted(found.ids)],
        decode=_converted,
    )  # fmt: skip


def _converted(kept: Any) -> Converted:
    links, ids = entries(kept)
    return Converted(tuple(map(tuple, links)), frozenset(ids))


def site_files(settings: Settings) -> frozenset[str]:
    """Every file under docs/ as the site names it (what mkdocs leaves out by default aside:
    dot files and a top-level templates/)."""
    docs = settings.path(settings.docs_dir)
    found: set[str] = set()
    for folder, dirs, files in os.walk(docs):
        relative = os.path.relpath(folder, docs)
        parts = [] if relative == "." else relative.split(os.sep)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (not parts and d == "templates"))
        found.update("/".join([*parts, name]) for name in files if not name.startswith("."))
    return frozenset(found)


def record_texts(corpus: Corpus) -> Iterator[Text]:
    """The published records and posts, as the site shows them: what `--strict` checks."""
    for policy in corpus.published_policies:
        # The page's title is a heading of its own, with its id.
        yield Text(f"policies/{policy.id}.md", policy.path, f"# {policy.title}\n\n{policy.body}", policy.body_line - 2)
    for decision in corpus.decisions.values():
        yield Text(f"decisions/{decision.id}.md", decision.path, decision.body, decision.body_line)
    docs = corpus.settings.docs_dir.rstrip("/") + "/"
    for post in corpus.published_posts:
        yield Text(post.path.removeprefix(docs), post.path, post.body, post.body_line)


def check(corpus: Corpus, generated: GeneratedPages, cache: Cache | None = None) -> list[Finding]:
    """HB310-HB313 for every published record and post; `generated`: the pages and files the
    records make (`site.sources.generated_pages`). Each text's links and ids are kept in `cache`
    by its content (converting every text takes seconds)."""
    settings = corpus.settings
    texts = list(record_texts(corpus))
    by_src = {text.src: text for text in texts}
    files = site_files(settings)
    known = files | generated.sources | by_src.keys()
    # Links to a record's own .md file are HB307's (a missing or draft policy, decision or post).
    posts = _posts_site_dir(settings)
    # The records' folders, then the blog's (None without a blog under docs/).
    record_folders = ("policies", "decisions", posts, posixpath.dirname(posts) if posts else "")
    converted: dict[str, Converted] = {}

    def page(src: str) -> Converted | None:
        if src not in converted:
            text = by_src.get(src)
            if text is None and src in files and src.endswith(".md"):
                try:
                    raw = settings.path(posixpath.join(settings.docs_dir, src)).read_text(encoding="utf-8-sig")
                    text = Text(src, src, parse_document(src, raw, require_front_matter=False).body, 1)
                except Exception:  # a page mkdocs cannot read: it says so itself
                    return None
            if text is None and src in generated.sources and src not in files:
                made = generated.markdown(src)
                text = Text(src, src, made, 1) if made is not None else None
            if text is None:
                return None  # a page whose sections are not known before it is made
            converted[src] = _cached(text.body, settings, cache)
        return converted[src]

    findings: list[Finding] = []
    # What a link from one folder comes to: records link to the same pages again and again. (A
    # link to a section of its own page, '#id' or '', depends on the page.)
    seen: dict[tuple[str, str, str], tuple[str, str] | None] = {}
    for text in texts:
        found = page(text.src)
        if found is None:
            continue
        lines = _Lines(text)
        folder = posixpath.dirname(text.src)
        for tag, url in found.links:
            key = (folder, tag, url)
            if key in seen:
                problem = seen[key]
            else:
                problem = _problem(text.src, tag, url, known, record_folders, settings, page)
                if url[:1] not in ("", "#", "?"):
                    seen[key] = problem
            if problem is not None:
                code, message = problem
                findings.append(finding(text.path, lines.of(url), code, message))
    findings += _post_links(corpus, known, page)
    return findings


def _problem(
    src: str,
    tag: str,
    url: str,
    known: frozenset[str],
    record_folders: tuple[str, ...],
    settings: Settings,
    page: Any,
) -> tuple[str, str] | None:
    parts = urlsplit(url)
    what = "image" if tag == "img" else "link"
    if parts.scheme or parts.netloc:
        return None
    if url.startswith(("/", "\\")):
        if "absolute_links" not in settings.strict_links:
            return None
        return "HB312", (
            f"{what} '{url}' starts with '/': the site may be served under a path; "
            "write it relative to this file, like '../policies/refunds-and-returns.md'"
        )
    if not parts.path:
        target = src
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src), unquote(parts.path)))
        if target not in known:
            folder = posixpath.dirname(target)
            if tag == "a" and target.endswith(".md") and any(_within(folder, f) for f in record_folders[:3]):
                return None  # HB307
            if target.endswith(".md") and _within(folder, record_folders[3]):
                return None  # the blog's archive and category pages, which Material makes
            if not posixpath.splitext(parts.path)[1]:
                if "unrecognized_links" not in settings.strict_links:
                    return None
                return "HB310", (
                    f"{what} '{url}' points to no file ('{target}' is a folder or has no extension): "
                    "link to the page's .md file"
                )
            if "not_found" not in settings.strict_links:
                return None
            if tag == "img":
                return "HB310", f"image '{url}' is missing: there is no '{target}' on the site; add it or fix the path"
            return (
                "HB310",
                f"link '{url}' points to no file: there is no '{target}' on the site; fix the link or remove it",
            )
    if not parts.fragment or "anchors" not in settings.strict_links or not target.endswith(".md"):
        return None
    converted = page(target)
    anchor = unquote(parts.fragment)
    if converted is None or anchor in converted.ids:
        return None
    return "HB311", (
        f"link '{url}' points to no section of '{target}': it has no heading or id '{anchor}'; "
        "link to one of its sections, or drop the '#' part"
    )


def _post_links(corpus: Corpus, known: frozenset[str], page: Callable[[str], Converted | None]) -> list[Finding]:
    """HB313: a post's `links:` (Material's related links) naming a file the site does not have,
    or a section its page does not have; Material resolves each from docs/, and always warns."""
    findings = []
    for post in corpus.published_posts:
        for target in post.links:
            parts = urlsplit(target)
            path = posixpath.normpath(unquote(parts.path)) if parts.path else ""
            if parts.scheme:
                continue
            if path not in known:
                problem = (
                    f"'links' names '{target}', which is no file of the site: give the path of a page or file "
                    "from docs/ (or a record's, like 'policies/refunds-and-returns.md'), or remove it"
                )
            elif parts.fragment and (converted := page(path)) is not None and parts.fragment not in converted.ids:
                problem = (
                    f"'links' names '{target}', but '{path}' has no heading '{parts.fragment}': name one of its "
                    "headings after the '#', or drop the '#' part"
                )
            else:
                continue
            line = _line_in(corpus.settings.path(post.path), target, post.line_of("links"))
            findings.append(finding(post.path, line, "HB313", problem))
    return findings


def _line_in(file: Path, needle: str, default: int) -> int:
    """The first line from `default` on that holds `needle` (the record keeps only its keys' lines)."""
    try:
        lines = file.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError):
        return default
    for number, line in enumerate(lines, start=1):
        if number >= default and needle in line:
            return number
    return default


def _within(folder: str, parent: str) -> bool:
    return bool(parent) and (folder == parent or folder.startswith(parent + "/"))


def _posts_site_dir(settings: Settings) -> str:
    docs = settings.docs_dir.rstrip("/") + "/"
    posts = settings.posts_dir.rstrip("/")
    return posts[len(docs) :] if posts.startswith(docs) else ""


class _Lines:
    """The file line of each link, found in the text in order (the tree keeps no lines)."""

    def __init__(self, text: Text) -> None:
        self.text = text
        self.cursor = 0

    def of(self, url: str) -> int:
        body = self.text.body
        at = body.find(url, self.cursor)
        if at < 0:
            at = body.find(url)
        if at < 0:
            at = self.cursor
        else:
            self.cursor = at + len(url)
        return self.text.body_line + body.count("\n", 0, at)
