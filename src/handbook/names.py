"""Names that Material prints into pages as HTML, unescaped: site_name and site_description, the
blog's categories (`categories_allowed`) and its authors' names and descriptions (.authors.yml).

Material writes `{{ config.site_name }}` into text and into `aria-label="..."`, and an author's
name into `alt="..."`: a '<' starts a tag, a '"' ends the attribute. They are reported, not
escaped here: the same names reach pages through Material's own templates.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .configfile import CODE, Key, YamlFile, read_yaml
from .errors import HandbookError

# A tag's or an attribute's end, or a character reference (`&amp;`, `&#60;`): a bare '&' is text.
_MARKUP = re.compile(r"[<>\"]|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
FIX = "write it without '<', '>', '\"' or character references like '&amp;'"
BLOG_PLUGINS = ("blog", "material/blog")


def markup_problems(root: Path, source: YamlFile) -> list[HandbookError]:
    """Every name in mkdocs.yml, and in each blog's .authors.yml, that Material would print as HTML."""
    problems: list[HandbookError] = []
    for key in ("site_name", "site_description"):
        problems += _check(source, (key,), source.data.get(key), key)
    docs_dir = source.data.get("docs_dir", "docs")
    for at, options in _blogs(source.data.get("plugins")):
        allowed = options.get("categories_allowed")
        for index, category in enumerate(allowed if isinstance(allowed, list) else []):
            problems += _check(source, (*at, "categories_allowed", index), category, f"category {category!r}")
        if isinstance(docs_dir, str):
            problems += _authors(root, docs_dir, options)
    return problems


def authors_file(docs_dir: str, options: dict[str, Any]) -> str:
    """Where Material's blog plugin reads its authors, relative to the handbook's folder."""
    blog_dir = options.get("blog_dir", "blog")
    template = options.get("authors_file", "{blog}/.authors.yml")
    if not isinstance(blog_dir, str) or not isinstance(template, str):
        return ""
    return os.path.normpath(os.path.join(docs_dir, template.format(blog=blog_dir))).replace(os.sep, "/")


def _authors(root: Path, docs_dir: str, options: dict[str, Any]) -> list[HandbookError]:
    path = authors_file(docs_dir, options)
    if not path or not (root / path).is_file():
        return []
    try:
        authors_yml = read_yaml(root, path)
    except HandbookError as exc:
        return [exc]
    authors = authors_yml.data.get("authors")
    problems: list[HandbookError] = []
    for author_id, author in (authors if isinstance(authors, dict) else {}).items():
        for field in ("name", "description"):
            value = author.get(field) if isinstance(author, dict) else None
            problems += _check(
                authors_yml, ("authors", author_id, field), value, f"the {field} of author '{author_id}'"
            )
    return problems


def _blogs(plugins: Any) -> list[tuple[tuple[Key, ...], dict[str, Any]]]:
    """Each enabled blog's options, with the keys that lead to them in mkdocs.yml."""
    found: list[tuple[tuple[Key, ...], Any]] = []
    if isinstance(plugins, dict):
        found = [(("plugins", name), options) for name, options in plugins.items() if name in BLOG_PLUGINS]
    elif isinstance(plugins, list):
        for index, entry in enumerate(plugins):
            if isinstance(entry, str) and entry in BLOG_PLUGINS:
                found.append((("plugins", index), {}))
            elif isinstance(entry, dict):
                found += [(("plugins", index, name), entry[name]) for name in entry if name in BLOG_PLUGINS]
    blogs = [(at, options or {}) for at, options in found]
    return [(at, options) for at, options in blogs if isinstance(options, dict) and options.get("enabled") is not False]


def _check(source: YamlFile, keys: tuple[Key, ...], value: Any, what: str) -> list[HandbookError]:
    if not isinstance(value, str):
        return []
    found = _MARKUP.search(value)
    if found is None:
        return []
    path, line = source.locate(*keys)
    message = f"{what} has '{found.group()}', which Material prints as HTML, not as text: {FIX}"
    return [HandbookError(path, line, message, CODE)]
