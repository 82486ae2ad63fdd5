"""A text Python-Markdown converts again and again for different places, converted once.

Material's blog converts a post's whole Markdown again for every index, archive and category
page that lists it, with the same `markdown.Markdown`; only its last tree processors depend on
the listing page (the links, made relative to it). `ConvertedOnce` stands in for that
instance's `convert`: it runs the preprocessors, the block parser and the tree processors
before the first that depends on the place once per text, keeps that tree, and for each call
runs the rest on a copy, then serialises and post-processes as Python-Markdown does. Where a
conversion leaves state behind that changes the next one (footnotes number their references
anew; an extension we do not know might), the text is converted whole every time, as before.

Free of mkdocs.
"""

from __future__ import annotations

import copy
from typing import Any

import markdown

from . import blocks


class ConvertedOnce:
    """`md.convert`, where the tree processors from `placed` on are all that depend on the call."""

    def __init__(self, md: markdown.Markdown, placed: str) -> None:
        self.md, self.placed = md, placed
        self.convert = md.convert  # (the instance's own, before this one stands in for it)
        self.source: str | None = None
        self.tree: Any = None
        self.state: tuple[Any, ...] = ()
        self.conversions = self.reused = 0

    def __call__(self, source: str) -> str:
        md = self.md
        if not source.strip() or "[^" in source or not self._known() or self.placed not in md.treeprocessors:
            return self.convert(source)
        processors = list(md.treeprocessors)
        first = md.treeprocessors.get_index_for_name(self.placed)
        if source != self.source:
            self._prepare(source, processors[:first])
        else:
            self.reused += 1
        stash = md.htmlStash
        stash.rawHtmlBlocks, stash.html_counter, stash.tag_data, stash.tag_counter, toc = self.state
        stash.rawHtmlBlocks, stash.tag_data = list(stash.rawHtmlBlocks), list(stash.tag_data)
        if toc is not None:
            md.toc_tokens, md.toc = toc  # type: ignore[attr-defined]
        # As `Markdown.convert` goes on from its tree processors (Python-Markdown 3).
        root = copy.deepcopy(self.tree)
        for processor in processors[first:]:
            done = processor.run(root)
            if done is not None:
                root = done
        output = md.serializer(root)
        if md.stripTopLevelTags:
            opening = f"<{md.doc_tag}>"
            if opening in output:
                start = output.index(opening) + len(opening)
                output = output[start : output.rindex(f"</{md.doc_tag}>")].strip()
            elif output.strip().endswith(f"<{md.doc_tag} />"):
                output = ""
        for postprocessor in md.postprocessors:
            output = postprocessor.run(output)
        return output.strip()

    def _known(self) -> bool:
        return blocks.extension_names(self.md.registeredExtensions) <= blocks.SAFE_EXTENSIONS

    def _prepare(self, source: str, before: list[Any]) -> None:
        """The tree of `source` up to the tree processors that depend on the place, and what the
        rest of the conversion reads from `md`."""
        md = self.md
        self.conversions += 1
        lines = source.split("\n")
        for preprocessor in md.preprocessors:
            lines = preprocessor.run(lines)
        md.lines = lines  # type: ignore[attr-defined]  # (as Python-Markdown keeps them)
        root = md.parser.parseDocument(lines).getroot()
        for processor in before:
            done = processor.run(root)
            if done is not None:
                root = done
        stash = md.htmlStash
        toc = (getattr(md, "toc_tokens", None), getattr(md, "toc", None)) if hasattr(md, "toc_tokens") else None
        self.source, self.tree = source, root
        self.state = (list(stash.rawHtmlBlocks), stash.html_counter, list(stash.tag_data), stash.tag_counter, toc)


def install(md: markdown.Markdown, placed: str) -> ConvertedOnce:
    """`md.convert` replaced by a `ConvertedOnce` (once: a second call hands back the first)."""
    current = md.convert
    if isinstance(current, ConvertedOnce):
        return current
    once = ConvertedOnce(md, placed)
    md.convert = once  # type: ignore[method-assign]
    return once


def uninstall(md: markdown.Markdown) -> None:
    """`md.convert` as it was before `install`."""
    current = md.__dict__.get("convert")
    if isinstance(current, ConvertedOnce):
        if current.convert == type(md).convert.__get__(md):
            del md.__dict__["convert"]  # (the class's own, as before)
        else:
            md.convert = current.convert  # type: ignore[method-assign]
