"""What `mkdocs serve` keeps from one rebuild to the next, for the next rebuild or update to reuse."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..fast.shortcuts import ServeCaches
from ..history import GitMemo
from ..site.build import SiteMemo

if TYPE_CHECKING:
    from .search import Search
    from .serve import ServeBuild, Watcher


@dataclass
class ServeState:
    # Git's answers, and the pages and feeds made from them, by what they are made from.
    git: GitMemo = field(default_factory=GitMemo)
    site: SiteMemo = field(default_factory=SiteMemo)
    caches: ServeCaches = field(default_factory=ServeCaches)
    written_feeds: dict[str, bytes] = field(default_factory=dict)
    # The searched pages' copies for Pagefind, brought up to date rather than made again.
    search: Search | None = None
    # Why history is missing (no git, a shallow clone) is said once, not on every rebuild.
    history_noted: bool = False
    # The last complete build (None while a build runs, or after one failed): what an update starts from.
    built: ServeBuild | None = None
    watcher: Watcher | None = None
