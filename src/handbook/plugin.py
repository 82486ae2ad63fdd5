"""The mkdocs adapter: the only module that imports mkdocs. It turns the core's pages into files."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import compile as pages
from .builddate import build_epoch
from .loading import Corpus, load_corpus
from .settings import DEFAULT_AUDIENCES, Settings
from .urls import Urls

log = get_plugin_logger(__name__)
ASSETS = Path(__file__).parent / "assets"
ASSET_URIS = {"css": "assets/handbook/handbook.css", "js": "assets/handbook/handbook.js"}
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "admonition", "tables", "toc")


class HandbookConfig(Config):
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


def settings_from(plugin_config: HandbookConfig, config_file: str | os.PathLike[str], docs_dir: str, site_url: str | None) -> Settings:
    """Core settings from the plugin's section; paths are relative to mkdocs.yml's folder."""
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
    )


class HandbookPlugin(BasePlugin[HandbookConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.settings: Settings | None = None
        self.corpus: Corpus | None = None
        self.compiler: pages.Compiler | None = None
        self.record_pages: dict[str, Any] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        assert config.config_file_path
        self.settings = settings_from(self.config, config.config_file_path, config.docs_dir, config.site_url)
        for name in REQUIRED_EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        config.extra_css.append(ASSET_URIS["css"])
        config.extra_javascript.append(ASSET_URIS["js"])  # type: ignore[arg-type]
        return config

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer | None:
        assert self.settings is not None
        for folder in (self.settings.policies_dir, self.settings.decisions_dir):
            path = self.settings.path(folder)
            if path.is_dir():
                server.watch(str(path))
        return server

    @event_priority(50)
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        assert self.settings is not None
        corpus = load_corpus(self.settings)
        if corpus.errors:
            for error in corpus.errors:
                log.error(str(error))
            count = len(corpus.errors)
            raise PluginError(f"{count} error{'s' if count != 1 else ''} in the handbook's records: fix them and build again")
        self.corpus = corpus
        # Same commit, same bytes: mkdocs dates the sitemap from SOURCE_DATE_EPOCH, never the clock.
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(build_epoch(corpus)))
        show_drafts = self.serving and self.config.draft_on_serve
        self.compiler = compiler = pages.Compiler(corpus, Urls(config.use_directory_urls), show_drafts=show_drafts)
        self.record_pages = {}
        for policy in compiler.policies_on_site():
            self._add_record(files, config, compiler.policy_src(policy), policy.path, policy)
        for decision in corpus.decisions.values():
            self._add_record(files, config, compiler.decision_src(decision), decision.path, decision)
        generated = {
            pages.POLICY_REGISTER: compiler.policy_register,
            pages.DECISION_LOG: compiler.decision_log,
            pages.START_HERE: compiler.start_here,
            pages.POLICY_REGISTER_JSON: compiler.policy_register_json,
            pages.DECISION_REGISTER_JSON: compiler.decision_register_json,
        }
        for src_uri, make in generated.items():
            # An author's own page at the same path wins over the generated one.
            if files.get_file_from_path(src_uri) is None:
                files.append(File.generated(config, src_uri, content=make()))
        for kind, src_uri in ASSET_URIS.items():
            files.append(File.generated(config, src_uri, abs_src_path=str(ASSETS / posixpath.basename(src_uri))))
        return files

    def _add_record(self, files: Files, config: MkDocsConfig, src_uri: str, repo_path: str, record: Any) -> None:
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            raise PluginError(f"{existing.src_uri}: a page in {config.docs_dir} has the same path as the record {repo_path}: rename one of them")
        assert self.settings is not None
        # A real source file, so that plugins reading `abs_src_path` (the RSS plugin) work.
        file = File.generated(config, src_uri, abs_src_path=str(self.settings.path(repo_path)), inclusion=InclusionLevel.NOT_IN_NAV)
        # The edit link names the file in the repository, not a path under docs/.
        file.edit_uri = posixpath.relpath(repo_path, self.settings.docs_dir)
        files.append(file)
        self.record_pages[src_uri] = record

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        record = self.record_pages.get(page.file.src_uri)
        if record is None or self.compiler is None:
            return None
        if page.file.src_uri.startswith("policies/"):
            if record.is_draft:
                page.meta["search"] = {"exclude": True}
            return self.compiler.policy_page(record)
        return self.compiler.decision_page(record)
