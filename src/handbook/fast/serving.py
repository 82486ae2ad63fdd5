"""`mkdocs serve`'s rebuilds, sooner: a page whose Markdown and surroundings are those of the
last rebuild gets its HTML back (`RenderCache`), and its template's output too
(`CachedTemplates`), instead of being converted and rendered again. Reads what Material's
templates read of a page: verified on the versions in guard.py."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .parts import RenderedPage, restore_render


def nav_signature(items: Any) -> str:
    """The navigation's titles and addresses: every page shows them."""
    return repr(
        [(str(i.title), getattr(i, "url", None), nav_signature(getattr(i, "children", None) or [])) for i in items]
    )


class RenderCache:
    """`page.render` under `mkdocs serve`: a page whose Markdown, address, site files and
    Markdown settings are those of the last rebuild gets its HTML, table of contents and
    anchors back instead of being converted again. (Its link warnings were said then.)"""

    def __init__(self) -> None:
        self.rendered: dict[str, RenderedPage] = {}
        self.files_signature: tuple[int, bytes] | None = None

    def forget_files(self) -> None:
        """The site's files changed in place (links now resolve against more files)."""
        self.files_signature = None

    def render(
        self, page: Page, render: Callable[[MkDocsConfig, Files], None], config: MkDocsConfig, files: Files
    ) -> None:
        if self.files_signature is None or self.files_signature[0] != id(files):
            listing = "\n".join(f"{f.src_uri}\t{f.url}" for f in files)
            self.files_signature = (id(files), hashlib.blake2b(listing.encode(), digest_size=16).digest())
        assert page.markdown is not None
        about = (page.markdown, page.file.url, repr(config.markdown_extensions), repr(config.mdx_configs))
        key = hashlib.blake2b("\0".join(about).encode() + self.files_signature[1], digest_size=16).digest()
        hit = self.rendered.get(page.file.src_uri)
        if hit is not None and hit.key == key:
            restore_render(page, hit, files)
            return
        render(config, files)
        self.rendered[page.file.src_uri] = RenderedPage.of(page, key)


class CachedTemplates:
    """Material's templates under `mkdocs serve`: a page whose content, title, metadata,
    neighbours and address are those of the last rebuild, on a site whose navigation and
    settings are too, gets the same HTML back without rendering it again. Blog pages, which
    list other pages, are always rendered."""

    def __init__(self, env: Any, cache: dict[str, tuple[bytes, str]], site: str, blog_dir: str | None) -> None:
        self.env, self.cache, self.site = env, cache, site
        self.blog = posixpath.join(blog_dir, "") if blog_dir else None

    @classmethod
    def around(cls, env: Any, config: MkDocsConfig, cache: dict[str, tuple[bytes, str]], nav: Any) -> CachedTemplates:
        """`env` for this rebuild's site: its theme, settings and navigation."""
        blog = config.plugins.get("material/blog")
        blog_dir = getattr(getattr(blog, "config", None), "blog_dir", None)
        theme = tuple(sorted((key, repr(config.theme[key])) for key in config.theme))
        site = repr((theme, config.site_name, config.site_url, config.site_description, config.repo_url,
                     config.repo_name, config.edit_uri, config.copyright, config.extra, config.extra_css,
                     config.extra_javascript, nav_signature(nav.items)))  # fmt: skip
        return cls(env, cache, site, blog_dir)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.env, name)

    def get_template(self, name: Any, *args: Any, **kwargs: Any) -> Any:
        template = self.env.get_template(name, *args, **kwargs)
        return _CachedTemplate(template, str(name), self)


class _CachedTemplate:
    def __init__(self, template: Any, name: str, templates: CachedTemplates) -> None:
        self.template, self.name, self.templates = template, name, templates

    def __getattr__(self, name: str) -> Any:
        return getattr(self.template, name)

    def render(self, *args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        page = context.get("page")
        uri = getattr(getattr(page, "file", None), "src_uri", None)
        blog = self.templates.blog
        if page is None or uri is None or (blog and uri.startswith(blog)) or hasattr(page, "posts"):
            return str(self.template.render(context))

        def neighbour(other: Any) -> tuple[str, str] | None:
            return None if other is None else (str(other.url), str(other.title))

        about = repr(
            (
                self.name,
                uri,
                page.url,
                page.title,
                page.content,
                page.meta,
                page.edit_url,
                page.canonical_url,
                neighbour(page.previous_page),
                neighbour(page.next_page),
                [str(a.title) for a in page.ancestors],
                self.templates.site,
            )
        )
        key = hashlib.blake2b(about.encode(), digest_size=16).digest()
        hit = self.templates.cache.get(uri)
        if hit is not None and hit[0] == key:
            return hit[1]
        output = str(self.template.render(context))
        self.templates.cache[uri] = (key, output)
        return output
