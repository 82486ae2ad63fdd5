"""The `handbook` command: click commands over the same loading and checks as the site."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .errors import HandbookError
from .loading import Corpus, load_corpus
from .settings import Settings

EXIT_OK, EXIT_FINDINGS, EXIT_UNLOADABLE = 0, 1, 2


class Report:
    """Prints problems as `path:line: severity code message` and owns the exit code."""

    def __init__(self) -> None:
        self.errors = 0
        self.warnings = 0
        self.unloadable = False

    def problem(self, error: HandbookError, *, severity: str = "error") -> None:
        if severity == "error":
            self.errors += 1
        else:
            self.warnings += 1
        click.echo(f"{error.path}:{error.line}: {severity} {error.code} {error.message}")

    @property
    def exit_code(self) -> int:
        if self.unloadable:
            return EXIT_UNLOADABLE
        return EXIT_FINDINGS if self.errors else EXIT_OK


def load_settings(root: Path) -> Settings:
    """Settings from the `handbook` section of root/mkdocs.yml, read the way mkdocs reads it."""
    from mkdocs.utils import yaml_load

    from .plugin import HandbookConfig, settings_from

    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise click.UsageError(f"{config_file}: no mkdocs.yml here: run in the handbook's folder or give its path")
    try:
        with config_file.open("rb") as f:
            data: Any = yaml_load(f) or {}
    except Exception as exc:  # mkdocs wraps YAML and !ENV errors in several types
        raise click.UsageError(f"{config_file}: cannot read it: {exc}") from None
    section: Any = {}
    for entry in data.get("plugins") or []:
        if isinstance(entry, dict) and "handbook" in entry:
            section = entry["handbook"] or {}
    if isinstance(data.get("plugins"), dict):
        section = data["plugins"].get("handbook") or {}
    plugin_config = HandbookConfig(config_file_path=str(config_file))
    plugin_config.load_dict(section)
    failed, _ = plugin_config.validate()
    if failed:
        problems = "; ".join(f"'{key}': {err}" for key, err in failed)
        raise click.UsageError(f"{config_file}: the handbook section is invalid: {problems}")
    return settings_from(plugin_config, config_file, str(data.get("docs_dir", "docs")), data.get("site_url"))


def load(root: Path) -> Corpus:
    return load_corpus(load_settings(root))


@click.group()
@click.version_option(package_name="handbook")
def main() -> None:
    """Policies, decisions and posts kept as Markdown in git."""


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
def check(path: Path) -> None:
    """Check the handbook at PATH (default: here); exit 0 clean, 1 findings, 2 unloadable."""
    corpus = load(path)
    report = Report()
    for error in corpus.load_errors:
        report.problem(error)
    report.unloadable = bool(corpus.load_errors)
    for error in corpus.integrity_errors:
        report.problem(error)
    click.echo(f"{report.errors} error(s), {report.warnings} warning(s) in {len(corpus.policies)} policies and {len(corpus.decisions)} decisions")
    sys.exit(report.exit_code)


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option("--site-dir", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
def build(path: Path, site_dir: Path) -> None:
    """Build the site with --strict; replace SITE_DIR only when the whole build succeeded."""
    from .publish import build_and_swap

    sys.exit(build_and_swap(path.resolve(), site_dir))
