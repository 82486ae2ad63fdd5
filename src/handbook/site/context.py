"""What every page maker reads: the records, their history, where pages land, and whether drafts show."""

from __future__ import annotations

from dataclasses import dataclass

from ..history import History
from ..loading import Corpus
from ..records import Policy
from .html import link
from .paths import Urls


@dataclass(frozen=True)
class Context:
    corpus: Corpus
    urls: Urls = Urls()
    # Drafts are shown only in an editor's local preview (`mkdocs serve`), never on a built site.
    show_drafts: bool = False
    # Versions from git: policy pages link their history, decision pages show their timeline.
    history: History | None = None

    def policies_on_site(self) -> list[Policy]:
        return [p for p in self.corpus.policies.values() if self.show_drafts or not p.is_draft]

    def link(self, from_src: str, to_src: str, text: str) -> str:
        return link(self.urls, from_src, to_src, text)
