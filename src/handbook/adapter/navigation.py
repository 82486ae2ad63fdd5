"""Where the generated pages sit in the engine's navigation: Health and Feeds listed in it, and
every other generated page placed under the page it belongs to, so that Material shows its
breadcrumbs (`navigation.path`) and marks its section's tab."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

from ..site.paths import IN_NAVIGATION, parent_page


def with_listed_pages(nav: Any) -> Any:
    """An author's `nav` (a list, or None for mkdocs' own) with the handbook's pages that
    belong in it appended, unless the author lists them already (where they please)."""
    if not isinstance(nav, list):
        return nav
    listed = set(_paths(nav))
    return [*nav, *({title: src} for src, title in IN_NAVIGATION if src not in listed)]


def _paths(items: Iterable[Any]) -> Iterable[str]:
    for item in items:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for value in item.values():
                if isinstance(value, str):
                    yield value
                elif isinstance(value, list):
                    yield from _paths(value)


def place_pages(nav: Navigation, files: Files, uris: Iterable[str]) -> frozenset[str]:
    """Each of the generated pages `uris` that the navigation does not list made a child of the
    page it sits under (`parent_page`), where both are pages of the site. Returns those placed."""
    listed = {id(page) for page in nav.pages}
    placed = []
    for uri in uris:
        above = parent_page(uri)
        if above is None:
            continue
        file, parent = files.get_file_from_path(uri), files.get_file_from_path(above)
        page = file.page if file is not None else None
        if page is None or parent is None or parent.page is None or id(page) in listed:
            continue
        page.parent = parent.page  # type: ignore[assignment]  # (breadcrumbs read a title and URL)
        placed.append(uri)
    return frozenset(placed)
