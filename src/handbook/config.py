"""The `handbook` section of mkdocs.yml, read by the plugin and by the CLI alike.

Part of the mkdocs adapter (it uses mkdocs' config classes), kept apart from plugin.py so that
the CLI reads its settings without importing the whole site machinery.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from .settings import DEFAULT_AUDIENCES, MARKDOWN_EXTENSIONS, Settings


class ConfigError(ValueError):
    """mkdocs.yml is missing, unreadable, or its handbook section is invalid."""


class HandbookConfig(Config):  # type: ignore[no-untyped-call]  # mkdocs leaves __init_subclass__ untyped
    """The `handbook` section of mkdocs.yml; `handbook check` reads the same section."""

    policies_dir = c.Type(str, default="policies")
    decisions_dir = c.Type(str, default="decisions")
    owners_file = c.Type(str, default="policies/owners.yml")
    posts_dir = c.Type(str, default="blog/posts")
    review_every = c.Type(int, default=12)
    audiences = c.ListOfItems(c.Type(str), default=list(DEFAULT_AUDIENCES))
    duplicate_threshold = c.Type(float, default=0.8)
    rewrite_threshold = c.Type(float, default=0.2)
    due_soon_days = c.Type(int, default=30)
    draft_on_serve = c.Type(bool, default=True)
    # Policy ids read first on Start here (and first on each reading list they belong to).
    reading_order = c.ListOfItems(c.Type(str), default=[])
    # How many lines each kind gets in the home page's "What changed recently".
    recent_changes = c.Type(int, default=5)
    # Index the built site with Pagefind; off only for builds that nobody searches.
    search_index = c.Type(bool, default=True)
    # Raw HTML that runs a script in a page (HB308) is then a warning, not an error.
    allow_raw_html = c.Type(bool, default=False)


def settings_from(
    plugin_config: HandbookConfig,
    config_file: str | os.PathLike[str],
    docs_dir: str,
    site_url: str | None,
    markdown: tuple[list[Any], dict[str, dict[str, Any]]] = ([], {}),
) -> Settings:
    """Core settings from the plugin's section; paths are relative to mkdocs.yml's folder.
    `markdown`: mkdocs' `markdown_extensions` and `mdx_configs`."""
    extensions = [name for name in markdown[0] if isinstance(name, str)]
    root = Path(config_file).resolve().parent
    docs_rel = os.path.relpath(Path(docs_dir).resolve(), root) if Path(docs_dir).is_absolute() else docs_dir
    return Settings(
        root=root,
        policies_dir=plugin_config.policies_dir,
        decisions_dir=plugin_config.decisions_dir,
        owners_file=plugin_config.owners_file,
        posts_dir=posixpath.join(Path(docs_rel).as_posix(), plugin_config.posts_dir),
        review_every=plugin_config.review_every,
        audiences=tuple(plugin_config.audiences),
        duplicate_threshold=plugin_config.duplicate_threshold,
        rewrite_threshold=plugin_config.rewrite_threshold,
        due_soon_days=plugin_config.due_soon_days,
        docs_dir=Path(docs_rel).as_posix(),
        site_url=site_url or "",
        allow_raw_html=plugin_config.allow_raw_html,
        markdown_extensions=tuple(dict.fromkeys([*extensions, *MARKDOWN_EXTENSIONS])),
        markdown_configs=dict(markdown[1]),
    )



def read_settings(root: Path) -> Settings:
    """Settings from the `handbook` section of root/mkdocs.yml, read the way mkdocs reads it
    (`!ENV` tags and `INHERIT` included)."""
    from mkdocs.utils.yaml import yaml_load

    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise ConfigError(f"{config_file}: no mkdocs.yml here: run in the handbook's folder or give its path")
    try:
        with config_file.open("rb") as f:
            data: Any = yaml_load(f) or {}
    except Exception as exc:  # mkdocs wraps YAML and !ENV errors in several types
        raise ConfigError(f"{config_file}: cannot read it: {exc}") from None
    section: Any = {}
    plugins = data.get("plugins") or []
    if isinstance(plugins, dict):
        section = plugins.get("handbook") or {}
    else:
        for entry in plugins:
            if isinstance(entry, dict) and "handbook" in entry:
                section = entry["handbook"] or {}
    plugin_config = HandbookConfig(config_file_path=str(config_file))
    plugin_config.load_dict(section)
    failed, _ = plugin_config.validate()
    if failed:
        problems = "; ".join(f"'{key}': {err}" for key, err in failed)
        raise ConfigError(f"{config_file}: the handbook section is invalid: {problems}")
    markdown = _markdown_extensions(config_file, data.get("markdown_extensions"))
    return settings_from(plugin_config, config_file, str(data.get("docs_dir", "docs")), data.get("site_url"), markdown)


class _MarkdownConfig(Config):  # type: ignore[no-untyped-call]
    """mkdocs.yml's `markdown_extensions`, read by mkdocs' own option (its built-in extensions too)."""

    markdown_extensions = c.MarkdownExtensions(builtins=["toc", "tables", "fenced_code"], configkey="mdx_configs")
    mdx_configs = c.Private[dict[str, dict[str, Any]]]()


def _markdown_extensions(config_file: Path, value: Any) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    markdown = _MarkdownConfig(config_file_path=str(config_file))
    markdown.load_dict({"markdown_extensions": value if value is not None else []})
    failed, _ = markdown.validate()
    if failed:
        problems = "; ".join(f"'{key}': {err}" for key, err in failed)
        raise ConfigError(f"{config_file}: markdown_extensions is invalid: {problems}")
    return list(markdown.markdown_extensions), dict(markdown.mdx_configs or {})
