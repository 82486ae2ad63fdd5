"""mkdocs.yml and the blog's .authors.yml as `handbook check` and `handbook build` read them,
before anything else: with bounds, the handbook's section validated, the blog's settings the
handbook refuses and names Material would print as HTML reported, each at its line."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from ..configfile import YamlFile
from ..errors import HandbookError
from ..names import markup_problems
from ..settings import Settings
from .blog_settings import BLOG_PLUGIN_NAMES, BlogSettingError, blogs_in_file, templates_in_file, with_blog
from .config import CONFIG_FILE, ConfigError, read_config_file, settings_of


@dataclass(frozen=True)
class SiteConfig:
    """What `handbook check` and `handbook build` read before anything else: the settings (None
    when they cannot be made) and every problem in mkdocs.yml and the blog's .authors.yml."""

    settings: Settings | None
    errors: tuple[HandbookError, ...]


def read_site_config(root: Path) -> SiteConfig:
    """mkdocs.yml and .authors.yml read with bounds; the handbook section validated; names that
    Material prints as HTML reported (`names.markup_problems`)."""
    config_file = root / CONFIG_FILE
    if not config_file.is_file():
        raise ConfigError(f"{config_file}: no mkdocs.yml here: run in the handbook's folder or give its path")
    try:
        source = read_config_file(config_file)
    except ConfigError as exc:
        return SiteConfig(None, exc.errors)
    errors: list[HandbookError] = []
    settings: Settings | None = None
    try:
        settings = settings_of(source, config_file)
        settings = dataclasses.replace(settings, templates=templates_in_file(source.data, root))
        settings = with_blog(settings, blogs_in_file(source.data, str(config_file)), str(config_file))
    except BlogSettingError as exc:
        errors.append(_blog_error(source, exc))
    except ConfigError as exc:
        errors += exc.errors or [HandbookError(CONFIG_FILE, 1, str(exc).removeprefix(f"{config_file}: "), "HB010")]
    errors += markup_problems(root, source)
    unique = {str(error): error for error in errors}  # (.authors.yml's own errors: read twice)
    return SiteConfig(settings, tuple(sorted(unique.values(), key=HandbookError.sort_key)))


def _blog_error(source: YamlFile, exc: BlogSettingError) -> HandbookError:
    """The refused blog setting at its own line, under whichever name mkdocs.yml gives the blog."""
    lines = [source.locate("plugins", name, exc.key) for name in BLOG_PLUGIN_NAMES]
    path, line = max(lines, key=lambda found: found[1])
    return HandbookError(path, line, exc.message, "HB010")
