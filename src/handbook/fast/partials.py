"""Material's navigation partials rendered once for all the pages they look the same on.

Most of a handbook's pages (records, versions, histories) are outside the navigation: for such
a page, Material's sidebar navigation and tabs mark nothing active and differ from one page to
the next only in their relative links. A link from a page's folder to an address depends only
on the folders they share: two pages at the same depth whose folders part below the deepest
folder that holds a linked address get the same links. `Shared` keeps the HTML of each
partial by that folder and depth; the templates in templates/partials/ ask it first and
include Material's own partial (through `NEXT`) only when it has none.

Free of mkdocs: pages and navigation are read by the attributes Material's templates read.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import jinja2
import jinja2.runtime

# Templates under this prefix are the theme's own: the next directory's after ours.
NEXT = "hb-next/"


def next_loader(loader: jinja2.BaseLoader, dirs_after: Sequence[str]) -> jinja2.BaseLoader:
    """`loader`, and the same names under `NEXT` from `dirs_after` (Material's, mkdocs')."""
    return jinja2.ChoiceLoader(
        [loader, jinja2.PrefixLoader({NEXT.rstrip("/"): jinja2.FileSystemLoader(list(dirs_after))})]
    )


class Shared:
    """The HTML of each partial by the folder it was rendered for (`key`), for one build."""

    def __init__(self, nav: Any, targets: Iterable[str] = (), placed: Iterable[str] = ()) -> None:
        # The pages outside the navigation placed under another page: the navigation marks
        # that page's place in it active, the same for every page placed under the same one.
        self.placed = frozenset(placed)
        # The pages in the navigation (or in a blog index's pages): their partials are their own.
        self.in_nav: set[str] = set()
        # Every address the partials link to.
        urls = [str(url) for url in targets if url is not None]
        self._walk(getattr(nav, "items", None) or [], urls)
        homepage = getattr(nav, "homepage", None)
        if homepage is not None:
            urls.append(str(homepage.url))
        # Every folder that holds a linked address (mkdocs' `get_relative_url` counts a final
        # name as a folder): links from below one of them differ by the way down.
        self.holding: set[str] = {""}
        for url in urls:
            parts = _parts(url.split("#", 1)[0].split("?", 1)[0])
            self.holding.update("/".join(parts[:end]) for end in range(1, len(parts) + 1))
        self.html: dict[tuple[str, str, int, str | None], str] = {}

    def _walk(self, items: Iterable[Any], urls: list[str]) -> None:
        for item in items:
            url = getattr(item, "url", None)
            if url is not None:
                urls.append(str(url))
            file = getattr(item, "file", None)
            if file is not None:
                self.in_nav.add(file.src_uri)
            for page in getattr(item, "pages", None) or ():
                if getattr(page, "file", None) is not None:
                    self.in_nav.add(page.file.src_uri)
            self._walk(getattr(item, "children", None) or (), urls)

    def key(self, page: Any, name: str) -> tuple[str, str, int, str | None] | None:
        """Where `name` rendered for `page` is the same as for every other page of this key;
        None for a page whose partial is its own (in the navigation or under a section)."""
        file = getattr(page, "file", None)
        if file is None or file.src_uri in self.in_nav:
            return None
        section = self._section(page) if file.src_uri in self.placed else None
        if getattr(page, "parent", None) is not None and section is None:
            return None
        url = str(page.url)
        if url.startswith("/") or "://" in url:
            return None
        # The page's folder, as `get_relative_url` takes it: the last name goes if it has a dot.
        head, _, last = url.rpartition("/")
        folder = _parts(head if "." in last else url)
        deepest = max(end for end in range(len(folder) + 1) if "/".join(folder[:end]) in self.holding)
        return name, "/".join(folder[:deepest]), len(folder), section

    def _section(self, page: Any) -> str | None:
        """The source path of the nearest page above `page` that the navigation lists, through
        pages placed under another; None if there is none."""
        above = getattr(page, "parent", None)
        while above is not None:
            file = getattr(above, "file", None)
            if file is None:
                return None
            if file.src_uri in self.in_nav:
                return str(file.src_uri)
            if file.src_uri not in self.placed:
                return None
            above = getattr(above, "parent", None)
        return None

    @jinja2.pass_context
    def __call__(self, context: jinja2.runtime.Context, name: str, *, caller: Callable[[], str]) -> str:
        """`{% call hb_shared(name) %}...{% endcall %}`: the block's HTML for this page, rendered
        once per key."""
        key = self.key(context.get("page"), name)
        if key is None:
            return caller()
        html = self.html.get(key)
        if html is None:
            html = self.html[key] = caller()
        return html


def _parts(path: str) -> list[str]:
    """`path`'s names, normalised as mkdocs' `get_relative_url` does."""
    normal = posixpath.normpath("/" + path)[1:]
    return normal.split("/") if normal else []


class Translations:
    """Material's `lang.t(key)` (its partials/language.html, through `NEXT`), worked out once
    per language and key. Material's base.html imports that partial with the page's context,
    so on every page Jinja makes the module again and re-imports the language's strings, whose
    `t` builds a dictionary of every string on every call: a tenth of a page's rendering."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self.modules: dict[Any, Any] = {}
        self.done: dict[tuple[Any, str], Any] = {}

    @jinja2.pass_context
    def __call__(self, context: jinja2.runtime.Context, key: str) -> Any:
        config = context.get("config")
        language = self.env.getattr(self.env.getattr(config, "theme"), "language")  # (as the partial reads it)
        found = self.done.get((language, key))
        if found is None:
            module: Any = self.modules.get(language)
            if module is None:  # (the partial reads nothing else from the page's context)
                template = self.env.get_template(NEXT + "partials/language.html")
                module = self.modules[language] = template.make_module({"config": config})
            found = self.done[(language, key)] = module.t(key)
        return found


class Once:
    """`{% call hb_once(name, key, ...) %}...{% endcall %}`: the block's HTML rendered once per
    `key` (and whatever follows it) the template gives; every time where `key` is None."""

    def __init__(self) -> None:
        self.html: dict[tuple[Any, ...], str] = {}

    def __call__(self, name: str, key: Any, *more: Any, caller: Callable[[], str]) -> str:
        if key is None:
            return caller()
        html = self.html.get((name, key, *more))
        if html is None:
            html = self.html[(name, key, *more)] = caller()
        return html


def toc_key(toc: Any) -> tuple[Any, ...] | None:
    """All that Material's table of contents partials read of `toc` (each entry's level, link,
    title and entries), or None where an entry has more (a `typeset` title)."""
    key = []
    for item in toc or ():
        if getattr(item, "typeset", None) is not None:
            return None
        children = toc_key(getattr(item, "children", None))
        if children is None:
            return None
        key.append((item.level, str(item.url), str(item.title), children))
    return tuple(key)
