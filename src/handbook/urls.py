"""Where each record lands on the site, and relative links between pages, free of mkdocs."""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class Urls:
    """Maps a page's source path (as mkdocs sees it) to its URL, like mkdocs' `File.url`."""

    use_directory_urls: bool = True

    def page(self, src_uri: str) -> str:
        """`policies/refunds.md` -> `policies/refunds/`; `policies/index.md` -> `policies/`."""
        stem, _ = posixpath.splitext(src_uri)
        parent, name = posixpath.split(stem)
        if not self.use_directory_urls:
            return (
                f"{parent}/index.html"
                if name == "README" and parent
                else ("index.html" if name == "README" else f"{stem}.html")
            )
        if name in ("index", "README"):
            return f"{parent}/" if parent else "./"
        return f"{stem}/"

    def relative(self, from_src: str, to_url: str) -> str:
        """The link from the page built from `from_src` to the site path `to_url`."""
        here = self.page(from_src)
        base = here if here.endswith("/") else posixpath.dirname(here) + "/"
        if base == "./":
            base = ""
        return _relative(to_url, base)

    def link(self, from_src: str, to_src: str) -> str:
        return self.relative(from_src, self.page(to_src))


# The same links recur on every page of a folder, and on every rebuild under `mkdocs serve`.
@functools.lru_cache(maxsize=1 << 16)
def _relative(to_url: str, base: str) -> str:
    rel = posixpath.relpath(to_url or ".", base or ".")
    if to_url.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel
