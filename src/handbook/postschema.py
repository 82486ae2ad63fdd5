"""The front-matter schema of a blog post: what Material's blog reads, checked as the handbook's
records are (`schema`), with the theme's templates and the blog's authors and categories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from .schema import SEGMENT, Convert, Field, boolean, date, one_of, path_segment, text, whole, words
from .settings import BlogSettings, Settings


def template_name(value: Any) -> str:
    """A theme template's file name, like `blog-post.html`, in a folder of the theme or not."""
    text(value)
    parts = value.split("/")
    if not value.endswith(".html") or not all(SEGMENT.fullmatch(part) for part in parts):
        raise ValueError(f"must be the file name of one of the theme's templates, like 'blog-post.html', got {value!r}")
    return str(value)


# RSS dates need a four-digit year (RFC 5322: from 1900 on); an earlier one is a typing slip.
EARLIEST_POST = dt.date(1900, 1, 1)


def _post_date(value: Any) -> Any:
    # Material accepts `date: 2024-01-31` or `date: {created: ..., updated: ...}`.
    if isinstance(value, dict):
        if "created" not in value:
            raise ValueError("must be a date, or a mapping with 'created'")
        day = date(value["created"])
    else:
        day = date(value)
    if day < EARLIEST_POST:
        raise ValueError(
            f"is {day.isoformat()}, before {EARLIEST_POST.year}: give the day the post is published, as YYYY-MM-DD"
        )
    return day


POST_FIELDS = (
    Field("date", _post_date, required=True),
    Field("authors", words(), default=()),
    Field("categories", words(), default=()),
    Field("draft", boolean, default=False),
    # Material makes the post's address of it: one safe part, never '../' out of the site.
    Field("slug", path_segment("holiday-cover")),
    Field("title", text),
    Field("template", template_name),
    Field("pin", boolean, default=False),
    Field("readtime", whole(0)),
)
# Keys Material's blog reads that the Post record does not keep.
POST_KEYS_FOR_MATERIAL = ("template", "pin", "readtime")
# Material's other post keys, checked by Material itself.
POST_PASSTHROUGH = (
    "description",
    "links",
    "hide",
    "search",
    "tags",
    "comments",
    "status",
    "icon",
    "subtitle",
)


def related_links(value: object) -> Iterator[str]:
    """The paths in Material's `links:`: `- path`, `- Title: path`, `- Section: [...]`."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from related_links(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from related_links(item)


def post_fields(settings: Settings) -> tuple[Field, ...]:
    """POST_FIELDS, with the theme's templates and the authors and categories Material's blog allows."""
    blog = settings.blog
    checked: dict[str, Convert] = {}
    if settings.templates is not None:
        checked["template"] = _theme_template(settings.templates)
    if blog is not None and blog.authors is not None:
        where = f"the authors in {blog.authors_file}"
        known = one_of(blog.authors, "author", listed=where) if blog.authors else _no_author(blog)
        checked["authors"] = words(known)
    if blog is not None and blog.categories_allowed:
        where = "the blog's categories_allowed in mkdocs.yml"
        checked["categories"] = words(one_of(blog.categories_allowed, "category", listed=where))
    return tuple(replace(f, convert=checked.get(f.name, f.convert)) for f in POST_FIELDS)


def _theme_template(templates: tuple[str, ...]) -> Convert:
    def convert(value: Any) -> str:
        name = template_name(value)
        if name not in templates:
            raise ValueError(
                f"names no template of the theme ({name!r}): use 'blog-post.html', or add {name} to the "
                "theme's custom_dir in mkdocs.yml"
            )
        return name

    return convert


def _no_author(blog: BlogSettings) -> Convert:
    def convert(value: Any) -> str:
        word = text(value)
        raise ValueError(f"has unknown value {word!r}: {blog.authors_file} lists no author; add '{word}' there")

    return convert
