"""Material's blog settings as the handbook needs them: what the blog requires of a post.

Part of the mkdocs adapter (it uses Material's own config classes, so that a setting means here
what it means to the blog): the plugin reads them from mkdocs' loaded configuration, the CLI
from mkdocs.yml, so that `handbook check` and the build refuse the same posts.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import material  # type: ignore[import-untyped]
from material.plugins.blog.author import Authors  # type: ignore[import-untyped]
from material.plugins.blog.config import BlogConfig  # type: ignore[import-untyped]

from ..configfile import read_yaml
from ..errors import HandbookError
from ..settings import BlogSettings, Settings
from .config import ConfigError

# The names mkdocs.yml may give Material's blog plugin.
BLOG_PLUGIN_NAMES = ("blog", "material/blog")


class BlogSettingError(ConfigError):
    """A blog setting the handbook refuses: `key` names it, so that its line can be found."""

    def __init__(self, text: str, *, key: str, message: str) -> None:
        super().__init__(text)
        self.key, self.message = key, message


def with_blog(settings: Settings, blogs: Iterable[BlogConfig], config_file: str) -> Settings:
    """`settings` with the blog whose posts are the handbook's posts (none: `blog` stays None).

    Raises ConfigError for a blog setting the handbook refuses, or an authors file it cannot read.
    """
    posts = posixpath.normpath(_docs_relative(settings.posts_dir, settings.docs_dir))
    for blog in blogs:
        if not blog.enabled or _post_dir(blog) != posts:
            continue
        if blog.draft_if_future_date:
            # Material compares a post's date with the clock: the same commit would build another site tomorrow.
            message = (
                "the blog's 'draft_if_future_date' publishes a post when the machine that builds the site reaches "
                "its date, so the same commit builds different sites: remove it, and keep a post off the site "
                "with 'draft: true' until its day"
            )
            raise BlogSettingError(f"{config_file}: {message}", key="draft_if_future_date", message=message)
        authors_file = posixpath.join(
            settings.docs_dir, posixpath.normpath(blog.authors_file.format(blog=blog.blog_dir))
        )
        return dataclasses.replace(
            settings,
            blog=BlogSettings(
                authors_file=authors_file,
                authors=author_ids(settings.root, authors_file) if blog.authors else None,
                categories_allowed=tuple(blog.categories_allowed) if blog.categories else (),
            ),
        )
    return settings


def with_blog_from_file(settings: Settings, config_file: Path) -> Settings:
    """`with_blog` for mkdocs.yml as it is on disk, read with bounds (`config.read_config_file`)."""
    from .config import read_config_file

    data = read_config_file(config_file).data
    if not isinstance(data, dict):
        return settings
    settings = dataclasses.replace(settings, templates=templates_in_file(data, config_file.parent))
    return with_blog(settings, blogs_in_file(data, str(config_file)), str(config_file))


def theme_templates(folders: Iterable[Path]) -> tuple[str, ...]:
    """Every HTML template in the theme's folders, by the name a page's `template:` gives it."""
    names: set[str] = set()
    # os.walk, not rglob: Material's folder holds 14,000 icons, and `check` reads it on every run.
    for folder in folders:
        for here, _, files in os.walk(folder):
            base = Path(here).relative_to(folder).as_posix()
            names.update(name if base == "." else f"{base}/{name}" for name in files if name.endswith(".html"))
    return tuple(sorted(names))


def templates_in_file(data: Mapping[str, Any], root: Path) -> tuple[str, ...] | None:
    """`theme_templates` of Material and mkdocs.yml's `custom_dir`; None for another theme."""
    theme = data.get("theme")
    section = theme if isinstance(theme, dict) else {"name": theme}
    if section.get("name") != "material":
        return None
    custom = section.get("custom_dir")
    folders = [root / custom] if isinstance(custom, str) else []
    return theme_templates([*folders, Path(material.__file__).parent / "templates"])


def author_ids(root: Path, authors_file: str) -> tuple[str, ...]:
    """The ids in Material's authors file (none without the file), read as Material reads them."""
    path = root / authors_file
    if not path.is_file():
        return ()
    try:  # with bounds: Material reads it with none (`configfile`)
        data = read_yaml(root, authors_file).data
    except HandbookError as exc:
        raise ConfigError(str(exc), [exc]) from None
    except OSError as exc:
        raise ConfigError(f"{authors_file}: cannot read it: {exc.strerror or exc}") from None
    authors = Authors(config_file_path=str(path))
    authors.load_dict(data)
    failed, _ = authors.validate()
    if failed:
        problems = "; ".join(f"'{key}': {error}" for key, error in failed)
        raise ConfigError(f"{authors_file}: Material's blog cannot read it: {problems}")
    return tuple(authors.authors)


def blogs_in_file(data: Mapping[str, Any], config_file: str) -> Iterator[BlogConfig]:
    """The blog plugins that mkdocs.yml's `plugins` (as loaded by mkdocs' YAML loader) sets up."""
    plugins = data.get("plugins") or []
    entries: Iterable[Any] = plugins.items() if isinstance(plugins, dict) else plugins
    for entry in entries:
        if isinstance(entry, str):
            name, section = entry, {}
        elif isinstance(entry, tuple):
            name, section = entry
        elif isinstance(entry, dict) and len(entry) == 1:
            name, section = next(iter(entry.items()))
        else:
            continue
        if name not in BLOG_PLUGIN_NAMES:
            continue
        blog = BlogConfig(config_file_path=config_file)
        blog.load_dict(section or {})
        failed, _ = blog.validate()
        if failed:
            problems = "; ".join(f"'{key}': {error}" for key, error in failed)
            raise ConfigError(f"{config_file}: the blog's settings are invalid: {problems}")
        yield blog


def _post_dir(blog: BlogConfig) -> str:
    # As Material works it out: its posts are the pages under this folder of docs_dir.
    return posixpath.normpath(str(blog.post_dir).format(blog=posixpath.normpath(blog.blog_dir)))


def _docs_relative(path: str, docs_dir: str) -> str:
    prefix = docs_dir.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else path
