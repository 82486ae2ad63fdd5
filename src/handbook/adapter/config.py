"""The `handbook` section of mkdocs.yml, read by the plugin and by the CLI alike.

Part of the mkdocs adapter (it uses mkdocs' config classes), kept apart from plugin.py so that
the CLI reads its settings without importing the whole site machinery. Every option that
becomes a path or a file name is validated here: folders stay inside the handbook's folder
(symlinks resolved), audiences are lowercase ids.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import posixpath
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config, ValidationError

from ..configfile import Key, Opaque, YamlFile, read_yaml
from ..errors import HandbookError
from ..schema import SLUG
from ..settings import DEFAULT_AUDIENCES, MARKDOWN_EXTENSIONS, ConfigValue, Settings
from .feedback_options import FeedbackOption, NestedError
from .inside import escape_message, outside_message

if TYPE_CHECKING:
    from ..loading import Corpus

CONFIG_FILE = "mkdocs.yml"
SECTION: tuple[Key, ...] = ("plugins", "handbook")


class ConfigError(ValueError):
    """mkdocs.yml is missing, unreadable, or its handbook section is invalid; `errors` says where."""

    def __init__(self, message: str, errors: Sequence[HandbookError] = ()) -> None:
        super().__init__(message)
        self.errors = tuple(errors)


class EntryError(ValidationError):
    """A list option's entry is invalid: `index` says which, so that its own line is named."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


class InsideHandbook(c.Type[str]):
    """A path relative to mkdocs.yml's folder that stays inside that folder, symlinks resolved."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)
        self.example = default
        self.config_dir: str | None = None

    def pre_validation(self, config: Config, key_name: str) -> None:
        self.config_dir = os.path.dirname(config.config_file_path) if config.config_file_path else None

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        problem = outside_message(text, "the handbook's folder (where mkdocs.yml is)", self.example)
        if problem is None and self.config_dir:
            root = Path(self.config_dir)
            problem = escape_message(root, text, root / text, self.example)
        if problem:
            raise ValidationError(problem)
        return text


class InsideDocs(c.Type[str]):
    """A path relative to docs_dir that stays inside it (the full check, symlinks resolved, is
    `settings_from`'s: the plugin's options do not know docs_dir)."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)
        self.example = default

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        problem = outside_message(text, "docs_dir", self.example)
        if problem:
            raise ValidationError(problem)
        return text


class Ids(BaseConfigOption[list[str]]):
    """A list of lowercase ids, each once: each names pages and feed files (`feeds/audiences/<id>.xml`)."""

    def __init__(self, default: Sequence[str], example: str) -> None:
        super().__init__()
        self.default = list(default)
        self.example = example

    def run_validation(self, value: object) -> list[str]:
        if not isinstance(value, list):
            raise ValidationError(f"must be a list like [{self.example}, managers], got {type(value).__name__}")
        seen: set[str] = set()
        for index, entry in enumerate(value):
            if not isinstance(entry, str) or not SLUG.match(entry):
                raise EntryError(
                    f"has {entry!r}, which is not a lowercase id like '{self.example}' (letters, digits, hyphens): "
                    "it names pages and feed files",
                    index,
                )
            if entry in seen:
                raise EntryError(f"lists {entry!r} twice: keep one", index)
            seen.add(entry)
        return list(value)


class HandbookConfig(Config):  # type: ignore[no-untyped-call]  # mkdocs leaves __init_subclass__ untyped
    """The `handbook` section of mkdocs.yml; `handbook check` reads the same section."""

    policies_dir = InsideHandbook(default="policies")
    decisions_dir = InsideHandbook(default="decisions")
    owners_file = InsideHandbook(default="policies/owners.yml")
    posts_dir = InsideDocs(default="blog/posts")
    review_every = c.Type(int, default=12)
    audiences = Ids(DEFAULT_AUDIENCES, "all-staff")
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
    # Raw HTML that runs a script in a page (HB309) is then a warning, not an error.
    allow_raw_html = c.Type(bool, default=False)
    # The build's shortcuts (`handbook.fast`): off, the same site, built slower (as HANDBOOK_SHORTCUTS=off).
    shortcuts = c.Type(bool, default=True)
    # Feedback records: their themes, the customer page's address, and how soon each must move on.
    feedback = FeedbackOption()


def settings_from(
    plugin_config: HandbookConfig,
    config_file: str | os.PathLike[str],
    docs_dir: str,
    site_url: str | None,
    *,
    source: YamlFile | None = None,
    markdown: tuple[list[Any], dict[str, dict[str, Any]]] = ([], {}),
) -> Settings:
    """Core settings from the plugin's section; paths are relative to mkdocs.yml's folder.

    `source` (mkdocs.yml as read by `read_config_file`) locates values for messages; `markdown`:
    mkdocs' `markdown_extensions` and `mdx_configs`. Raises ConfigError when posts_dir, joined
    to docs_dir, leads outside the handbook's folder."""
    extensions = [name for name in markdown[0] if isinstance(name, str)]
    root = Path(config_file).resolve().parent
    docs_rel = os.path.relpath(Path(docs_dir).resolve(), root) if Path(docs_dir).is_absolute() else docs_dir
    posts_dir = posixpath.join(Path(docs_rel).as_posix(), plugin_config.posts_dir)
    problem = outside_message(posts_dir, "the handbook's folder", "docs/blog/posts") or escape_message(
        root, posts_dir, root / posts_dir, "blog/posts"
    )
    if problem:
        message = f"'posts_dir' (with docs_dir {docs_rel!r}) {problem}"
        raise ConfigError(message, [source.error((*SECTION, "posts_dir"), message)] if source else [])

    def where(*keys: Key) -> tuple[str, int]:
        return source.locate(*SECTION, *keys) if source else (CONFIG_FILE, 1)

    return Settings(
        root=root,
        policies_dir=plugin_config.policies_dir,
        decisions_dir=plugin_config.decisions_dir,
        owners_file=plugin_config.owners_file,
        posts_dir=posts_dir,
        review_every=plugin_config.review_every,
        audiences=tuple(plugin_config.audiences),
        duplicate_threshold=plugin_config.duplicate_threshold,
        rewrite_threshold=plugin_config.rewrite_threshold,
        due_soon_days=plugin_config.due_soon_days,
        docs_dir=Path(docs_rel).as_posix(),
        site_url=site_url or "",
        reading_order=tuple(
            ConfigValue(policy_id, *where("reading_order", index))
            for index, policy_id in enumerate(plugin_config.reading_order)
        ),
        allow_raw_html=plugin_config.allow_raw_html,
        feedback=plugin_config.feedback,
        markdown_extensions=tuple(dict.fromkeys([*extensions, *MARKDOWN_EXTENSIONS])),
        markdown_configs=dict(markdown[1]),
    )


def read_config_file(config_file: str | os.PathLike[str]) -> YamlFile:
    """mkdocs.yml read with bounds, before mkdocs or anyone else reads it (ConfigError, located)."""
    full = Path(config_file)
    try:
        return read_yaml(full.parent, full.name)
    except HandbookError as exc:
        raise ConfigError(str(exc), [exc]) from None


def handbook_section(source: YamlFile) -> Any:
    """The plugin's options as mkdocs.yml gives them: `plugins` as a list or a mapping."""
    plugins = source.data.get("plugins") or []
    if isinstance(plugins, dict):
        return plugins.get("handbook") or {}
    section: Any = {}
    if isinstance(plugins, list):
        for entry in plugins:
            if isinstance(entry, dict) and "handbook" in entry:
                section = entry["handbook"] or {}
    return section


def settings_of(source: YamlFile, config_file: Path) -> Settings:
    """Settings from mkdocs.yml as read by `read_config_file`; ConfigError listing each problem at its line."""
    section = handbook_section(source)
    if not isinstance(section, dict):
        error = source.error(SECTION, "the handbook plugin's options must be 'key: value' lines, indented under it")
        raise ConfigError(str(error), [error])
    plugin_config = HandbookConfig(config_file_path=str(config_file))
    known = sorted(plugin_config)  # the options' defaults, before mkdocs.yml's values join them
    plugin_config.load_dict(section)
    failed, warnings = plugin_config.validate()
    errors: list[HandbookError] = []
    for key, _ in warnings:
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
        errors.append(source.error((*SECTION, key), f"unknown key '{key}' in the handbook plugin's options: {hint}"))
    for key, err in failed:
        at: tuple[Key, ...] = (key, err.index) if isinstance(err, EntryError) else (key,)
        if isinstance(err, NestedError):
            errors.append(source.error((*SECTION, key, *err.keys), f"'{key}' option {err}"))
            continue
        errors.append(source.error((*SECTION, *at), f"'{key}' {err}"))
    if errors:
        errors.sort(key=HandbookError.sort_key)
        raise ConfigError("\n".join(map(str, errors)), errors)
    docs_dir = source.data.get("docs_dir", "docs")
    site_url = source.data.get("site_url")
    settings = settings_from(
        plugin_config,
        config_file,
        docs_dir if isinstance(docs_dir, str) else "docs",
        site_url if isinstance(site_url, str) else None,
        source=source,
        markdown=_markdown_extensions(config_file, source.data.get("markdown_extensions")),
    )
    directory_urls = source.data.get("use_directory_urls", True)
    return dataclasses.replace(
        settings,
        strict_links=strict_links(source.data.get("validation")),
        use_directory_urls=directory_urls if isinstance(directory_urls, bool) else True,
    )


# mkdocs 1.6's levels for links when mkdocs.yml says nothing: only a missing file is a warning.
_LINK_LEVELS = {"not_found": "warn", "anchors": "info", "absolute_links": "info", "unrecognized_links": "info"}


def strict_links(validation: Any) -> frozenset[str]:
    """The link checks mkdocs.yml's `validation` sets to `warn`: `--strict` fails on each. The
    keys at its top apply to links (and nav); those under `links` override them."""
    levels = dict(_LINK_LEVELS)
    if isinstance(validation, dict):
        for scope in (validation, validation.get("links")):
            if isinstance(scope, dict):
                levels.update((k, str(v)) for k, v in scope.items() if k in levels and isinstance(v, str))
    return frozenset(k for k, v in levels.items() if v == "warn")


def read_settings(root: Path) -> Settings:
    """Settings from the `handbook` section of root/mkdocs.yml, read the way mkdocs reads it
    (`!ENV` tags and `INHERIT` included), with bounds; ConfigError lists each problem at its line."""
    config_file = root / CONFIG_FILE
    if not config_file.is_file():
        raise ConfigError(f"{config_file}: no mkdocs.yml here: run in the handbook's folder or give its path")
    return settings_of(read_config_file(config_file), config_file)


def reading_order_problems(corpus: Corpus) -> list[HandbookError]:
    """reading_order entries that name no policy in force: the site's build warns of each, and
    `--strict` fails on it, so `handbook check` reports each as an error (HB308)."""
    problems = []
    for entry in corpus.settings.reading_order:
        policy = corpus.policies.get(entry.value)
        if policy is None:
            why = "which is not a policy: give a policy's id (its file name without .md), or remove it"
        elif policy.is_draft:
            why = "a draft: drafts are never published; remove it, or publish the policy first"
        elif corpus.is_retired(policy):
            successor = corpus.policy_successor.get(policy.id)
            instead = f"name '{successor}' instead" if successor else "remove it"
            why = f"which is retired: {instead}"
        else:
            continue
        problems.append(HandbookError(entry.path, entry.line, f"reading_order names '{entry.value}', {why}", "HB308"))
    return problems


class _MarkdownConfig(Config):  # type: ignore[no-untyped-call]
    """mkdocs.yml's `markdown_extensions`, read by mkdocs' own option (its built-in extensions too)."""

    markdown_extensions = c.MarkdownExtensions(builtins=["toc", "tables", "fenced_code"], configkey="mdx_configs")
    mdx_configs = c.Private[dict[str, dict[str, Any]]]()


def _markdown_extensions(config_file: Path, value: Any) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    markdown = _MarkdownConfig(config_file_path=str(config_file))
    # An option under a tag the bounded reader keeps opaque (`!!python/name:`, `!relative`) takes the
    # extension's default here: it is never imported or run by `handbook check`.
    markdown.load_dict({"markdown_extensions": _without_opaque(value) if value is not None else []})
    failed, _ = markdown.validate()
    if failed:
        problems = "; ".join(f"'{key}': {err}" for key, err in failed)
        raise ConfigError(f"{config_file}: markdown_extensions is invalid: {problems}")
    return list(markdown.markdown_extensions), dict(markdown.mdx_configs or {})


def _without_opaque(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_opaque(item) for key, item in value.items() if not isinstance(item, Opaque)}
    if isinstance(value, list):
        return [_without_opaque(item) for item in value if not isinstance(item, Opaque)]
    return value
