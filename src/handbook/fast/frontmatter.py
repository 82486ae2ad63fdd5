"""Front matter parsed once per text, not once per page: most of a handbook's pages are generated
with the same few lines (`search: {exclude: true}`), parsed 40,000 times at 10,000 records.
mkdocs' own `get_data` (`mkdocs.utils.meta`) is stood in for during a build: every page gets a
copy of what it gave, so a page that changes its metadata changes its own. Verified on the
versions in guard.py."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

from mkdocs.utils import meta as mkdocs_meta

GetData = Callable[[str], tuple[str, dict[str, Any]]]


def read_once(get_data: GetData) -> GetData:
    """`get_data`, each front matter parsed once."""

    @functools.lru_cache(maxsize=64)  # (a record's front matter is its own: parsed, then dropped)
    def parsed(front_matter: str) -> tuple[bool, Any]:
        document = f"---\n{front_matter}---\n"
        rest, data = get_data(document)
        return rest != document, data  # (what it gives for YAML that is no mapping, or no YAML)

    @functools.wraps(get_data)
    def stand_in(doc: str) -> tuple[str, dict[str, Any]]:
        found = mkdocs_meta.YAML_RE.match(doc)
        if found is None:
            return get_data(doc)
        stripped, data = parsed(found.group(1))
        return doc[found.end() :].lstrip("\n") if stripped else doc, copy.deepcopy(data)

    return stand_in


class FrontMatterOnce:
    """The stand-in for `mkdocs.utils.meta.get_data`, installed and removed here alone."""

    def __init__(self) -> None:
        self.original: GetData | None = None

    def install(self) -> None:
        if self.original is None:
            self.original = mkdocs_meta.get_data
            mkdocs_meta.get_data = read_once(self.original)  # type: ignore[assignment]

    def uninstall(self) -> None:
        if self.original is not None:
            mkdocs_meta.get_data = self.original  # type: ignore[assignment]
            self.original = None
