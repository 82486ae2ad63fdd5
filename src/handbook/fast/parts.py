"""Pages made of parts (version, history and record pages) converted as mkdocs would, with its own
link and title processors, but their texts block by block (blocks.py): a policy's versions and
their diffs share most paragraphs, and each is converted once. Our own HTML parts are placed
as they are. Reaches into mkdocs' page internals: verified on the versions in guard.py."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page, _ExtractTitleTreeprocessor, _RelativePathTreeprocessor
from mkdocs.structure.toc import get_toc

from ..site.pageparts import PageParts, part_placeholder
from . import blocks

Captured = tuple[str | None, dict[str, dict[str, str]]]
_A_NAME = re.compile(r"""<a\s[^<>]*?\bname=["']([^"']*)["']""")


class Rendered(Protocol):
    """What `Page.render` sets on a page, as kept by a shortcut."""

    @property
    def content(self) -> str: ...
    @property
    def toc(self) -> Any: ...
    @property
    def title(self) -> str | None: ...
    @property
    def anchors(self) -> frozenset[str]: ...
    @property
    def links_to_anchors(self) -> dict[str, dict[str, str]] | None: ...


@dataclass(frozen=True)
class RenderedPage:
    """What `Page.render` made of a page's Markdown; `key` says from what."""

    key: bytes
    content: str
    toc: Any
    title: str | None
    anchors: frozenset[str]
    links_to_anchors: dict[str, dict[str, str]] | None

    @classmethod
    def of(cls, page: Page, key: bytes = b"") -> RenderedPage:
        links = page.links_to_anchors
        return cls(
            key, page.content or "", page.toc, page._title_from_render, frozenset(page.present_anchor_ids or ()),
            None if links is None else {target.src_uri: dict(anchors) for target, anchors in links.items()},
        )  # fmt: skip


def restore_render(page: Page, rendered: Rendered, files: Files) -> None:
    """Give `page` the HTML, table of contents, title and anchors of an earlier conversion, as
    `page.render` would have set them."""
    page.content, page.toc, page._title_from_render = rendered.content, rendered.toc, rendered.title
    page.present_anchor_ids = set(rendered.anchors)
    if rendered.links_to_anchors is not None:
        page.links_to_anchors = {
            target: dict(links)
            for uri, links in rendered.links_to_anchors.items()
            if (target := files.get_file_from_path(uri)) is not None
        }


class PartsRenderer:
    """Converts pages made of parts for one build (`render`), block by block."""

    def __init__(self, config: MkDocsConfig, files: Files) -> None:
        md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {})
        self.links = _RelativePathTreeprocessor(None, files, config)  # type: ignore[arg-type]  # set per page
        self.links._register(md)
        self.title = _ExtractTitleTreeprocessor()
        self.title._register(md)
        split = blocks.extension_names(config.markdown_extensions) <= blocks.SAFE_EXTENSIONS
        self.converter = blocks.BlockConverter(md, self._capture, split=split)
        self.whole = 0  # pages left to mkdocs to convert whole

    def _capture(self) -> Captured:
        """What mkdocs' processors recorded in one conversion; they start afresh for the next."""
        links = {target.src_uri: dict(anchors) for target, anchors in self.links.links_to_anchors.items()}
        captured = (self.title.title, links)
        self.title.title, self.links.links_to_anchors = None, {}
        return captured

    def render(self, page: Page, parts: PageParts) -> RenderedPage | None:
        """What `page.render` would set, or None where only converting the page whole is right
        (a heading id of a text clashes with the frame's)."""
        self.links.file = page.file
        # Links resolve alike from every page of a folder: blocks are shared within it.
        # Our own HTML goes into the page as it is (`PageParts.html`): it is not converted.
        texts = ["" if part.raw else part.markdown for part in parts.parts]
        done = self.converter.convert_page(parts.frame, texts, posixpath.dirname(page.file.src_uri), keep=parts.shared)
        ids = set(done.frame.ids)
        for part, text in zip(parts.parts, done.texts, strict=True):
            text_ids = frozenset(blocks.element_ids(part.markdown)) if part.raw else text.ids
            if not ids.isdisjoint(text_ids):
                self.whole += 1
                return None
            ids |= text_ids
        html = parts.html(done.frame.html, [text.html for text in done.texts])
        if html is None:
            self.whole += 1
            return None
        # Links from blocks converted for an earlier page of the folder were checked then.
        links: dict[str, dict[str, str]] = {}
        for _, found in done.captured:
            for uri, targets in found.items():
                links.setdefault(uri, {}).update(targets)
        toc = get_toc(blocks.nested_toc(_toc_in_order(done.frame, done.texts)))
        anchors = frozenset(blocks.element_ids(html)) | frozenset(_A_NAME.findall(html))
        return RenderedPage(b"", html, toc, done.captured[0][0], anchors, links)

    def said(self) -> str:
        made = self.converter
        return f"{made.conversions} conversions, {made.reused} blocks reused, {self.whole} converted whole"


def _toc_in_order(frame: blocks.Converted, texts: Sequence[blocks.Converted]) -> list[dict[str, Any]]:
    """The frame's headings and each text's, in the order they stand in the page."""
    placed = [((frame.html.find(f'id="{token["id"]}"'), 0, i), token) for i, token in enumerate(frame.toc)]
    for index, text in enumerate(texts):
        where = frame.html.find(f"<p>{part_placeholder(index)}</p>")
        placed += [((where, 1, i), token) for i, token in enumerate(text.toc)]
    return [token for _, token in sorted(placed, key=lambda item: item[0])]
