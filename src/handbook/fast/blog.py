"""Material's blog plugin, sooner: its page events see only the pages under its folder, it finds a
post by its file, and it converts each post's excerpt once up to its links, not once per index,
archive and category page that lists it. Reaches into mkdocs' event lists and Material's blog
(its `posts` list, its excerpts' Markdown): verified on the versions in guard.py."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Sequence
from typing import Any

import markdown
from mkdocs.config.defaults import MkDocsConfig

from . import converted_once

BLOG_MODULE = "material.plugins.blog.plugin"
PAGE_EVENTS = ("page_markdown", "page_content", "page_context")


def blogs(config: MkDocsConfig) -> list[Any]:
    return [plugin for plugin in config.plugins.values() if type(plugin).__module__ == BLOG_MODULE]


class Posts(list):  # type: ignore[type-arg]
    """Material's list of blog posts, where `page in posts` compares the page only with the post
    of the same file: the blog plugin asks it of every post, and each comparison works out both
    titles from their Markdown again (time that grows with the square of the posts)."""

    def __init__(self, posts: Sequence[Any]) -> None:
        super().__init__(posts)
        self.indexed = -1
        self.by_file: dict[str, list[Any]] = {}

    def __contains__(self, page: object) -> bool:
        file = getattr(page, "file", None)
        if file is None:
            return super().__contains__(page)
        if self.indexed != len(self):  # (Material adds no post after `on_files`; if it did)
            self.by_file = {}
            for post in self:
                self.by_file.setdefault(post.file.src_uri, []).append(post)
            self.indexed = len(self)
        return any(post is page or post == page for post in self.by_file.get(file.src_uri, ()))


class BlogShortcuts:
    """Each of the three installed and removed here alone."""

    def __init__(self) -> None:
        # (event list, index, Material's own method, the stand-in) of each event handed on.
        self.events: list[tuple[list[Any], int, Any, Any, dict[Any, str]]] = []
        self.posts: list[tuple[Any, list[Any]]] = []  # (the blog, its own list)
        self.excerpts: list[markdown.Markdown] = []

    def events_in_blog_dir(self, config: MkDocsConfig) -> None:
        """Material's blog asks of every page whether it is one of its posts or views with
        `page in posts`, which compares titles, each worked out from the Markdown again: time
        that grows with pages x posts (minutes at 10,000 records). Its page events are handed
        only the pages under its `blog_dir`, where all of its posts and views are."""
        for plugin in blogs(config):
            folder = posixpath.normpath(str(plugin.config.blog_dir).strip("/"))
            if folder in (".", ""):
                continue  # a blog at the site's root: every page may be one of its own
            origins = config.plugins._event_origins  # the plugin's name in mkdocs' logs
            for event in PAGE_EVENTS:
                methods = config.plugins.events[event]
                for index, method in enumerate(methods):
                    if getattr(method, "__self__", None) is plugin:
                        methods[index] = wrapped = _only_under(folder + "/", method)
                        origins[wrapped] = origins.get(method, "material/blog")
                        self.events.append((methods, index, method, wrapped, origins))

    def index_posts(self, config: MkDocsConfig) -> None:
        for plugin in blogs(config):
            blog = getattr(plugin, "blog", None)
            posts = getattr(blog, "posts", None)
            if type(posts) is list:
                blog.posts = Posts(posts)  # type: ignore[union-attr]
                self.posts.append((blog, posts))

    def excerpts_converted_once(self, config: MkDocsConfig) -> None:
        """Material's blog (9.x) converts a post's whole Markdown again for every index, archive
        and category page that lists it, three or four times a post, where only the links, made
        relative to the listing page by its last two tree processors ("relpath", then
        "excerpt"), differ: each excerpt is converted once up to those (converted_once.py)."""
        for plugin in blogs(config):
            for post in getattr(getattr(plugin, "blog", None), "posts", None) or ():
                md = getattr(getattr(post, "excerpt", None), "md", None)
                if isinstance(md, markdown.Markdown) and "relpath" in md.treeprocessors:
                    converted_once.install(md, "relpath")
                    self.excerpts.append(md)

    def uninstall(self) -> None:
        for methods, index, method, wrapped, origins in reversed(self.events):
            if index < len(methods) and methods[index] is wrapped:
                methods[index] = method
            origins.pop(wrapped, None)
        for blog, posts in self.posts:
            if isinstance(blog.posts, Posts):
                posts[:] = list(blog.posts)
                blog.posts = posts
        for md in self.excerpts:
            converted_once.uninstall(md)
        self.events, self.posts, self.excerpts = [], [], []


def _only_under(prefix: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def event(item: Any = None, /, *, page: Any, **kwargs: Any) -> Any:
        return method(item, page=page, **kwargs) if page.file.src_uri.startswith(prefix) else None

    return event
