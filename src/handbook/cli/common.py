"""What every command shares: the report that prints findings and owns the exit code, the exit
codes, reading a handbook's settings, and the options and types several commands take."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import posixpath
import sys
from pathlib import Path
from typing import Any

import click

from ..checks.findings import Finding
from ..errors import HandbookError, printable
from ..loading import Corpus, load_corpus
from ..settings import Settings

# 0: no error finding; 1: error findings; 2: input that cannot be loaded, bad usage, or a refusal.
EXIT_OK, EXIT_FINDINGS, EXIT_UNLOADABLE = 0, 1, 2
EXIT_USAGE = EXIT_UNLOADABLE


FORMATS = ("text", "json", "github")


class Report:
    """Prints findings in one format (text, json or github) and owns the exit code.

    Text is `path:line: severity code message`, one line each, grouped by file, then a summary
    line; json is one list of {path, line, severity, code, message, fix}; github is workflow
    annotations. Exit 2 when a reported finding is a file that could not be loaded (HB0xx),
    else 1 when any is an error, else 0: warnings alone pass.
    """

    def __init__(self, output_format: str = "text", *, path_prefix: str = "") -> None:
        self.format = output_format
        # GitHub wants paths from the repository's root; findings are relative to the handbook's.
        self.path_prefix = path_prefix
        self.errors = 0
        self.warnings = 0
        self.unloadable = False
        self.findings: list[Finding] = []

    def problem(self, error: HandbookError, *, severity: str = "error") -> None:
        """Count and print one problem now, as text (for commands that report as they go)."""
        if severity == "error":
            self.errors += 1
        else:
            self.warnings += 1
        click.echo(printable(f"{error.path}:{error.line}: {severity} {error.code} {error.message}"))

    def add(self, finding: Finding) -> None:
        """Keep a finding to print with the others in `finish`."""
        if finding.is_error:
            self.errors += 1
        else:
            self.warnings += 1
        if finding.is_load_error:
            self.unloadable = True
        self.findings.append(finding)

    def finish(self, summary: str) -> None:
        findings = sorted(self.findings, key=lambda f: f.sort_key())
        if self.format == "json":
            click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
            click.echo(summary, err=True)
            return
        for f in findings:
            if self.format == "github":
                click.echo(_annotation(f, posixpath.normpath(posixpath.join(self.path_prefix, f.path))))
            else:
                # A file name with a newline must not print a second, made-up finding.
                click.echo(printable(f"{f.path}:{f.line}: {f.severity} {f.code} {f.message}"))
        click.echo(summary)

    @property
    def exit_code(self) -> int:
        if self.unloadable:
            return EXIT_UNLOADABLE
        return EXIT_FINDINGS if self.errors else EXIT_OK


def _annotation(finding: Finding, path: str) -> str:
    """A GitHub Actions workflow command: `::error file=...,line=...,title=HB101::message`."""

    def data(text: str) -> str:
        return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    level = "error" if finding.is_error else "warning"
    where = f"file={prop(path)},line={finding.line},title={prop(finding.code)}"
    return f"::{level} {where}::{data(finding.message)}%0A{data(finding.fix)}"


def load_settings(root: Path) -> Settings:
    """Settings from the `handbook` section of root/mkdocs.yml; a bad file is bad usage (exit 2)."""
    from ..adapter.blog_settings import with_blog_from_file
    from ..adapter.config import ConfigError, read_settings

    try:
        return with_blog_from_file(read_settings(root), root / "mkdocs.yml")
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def load(root: Path) -> Corpus:
    return load_corpus(load_settings(root))


def site_settings(root: Path, output_format: str, *, then: str) -> Settings:
    """Settings after mkdocs.yml and .authors.yml are read with bounds and checked, as `check`
    and `build` read them before anything else; each problem is printed and exits 2 (HB010)."""
    from ..adapter.config import ConfigError
    from ..adapter.siteconfig import read_site_config
    from ..checks import from_error

    try:
        site = read_site_config(root)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    if site.errors or site.settings is None:
        report = Report(output_format, path_prefix=path_prefix(root))
        for error in site.errors:
            report.add(from_error(error))
        report.finish(f"{report.errors} error(s) in the site's configuration: fix them, then {then} again")
        sys.exit(EXIT_UNLOADABLE)
    return site.settings


def fewer_collections() -> None:
    """For the rest of this command: a command that loads the whole handbook keeps millions of
    objects to its end and makes little cyclic garbage, and the collector's default thresholds
    walk them all again and again (a tenth of `check` at 10,000 records). Undone when it ends."""
    previous = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    click.get_current_context().call_on_close(lambda: gc.set_threshold(*previous))


def path_prefix(root: Path) -> str:
    """The handbook's folder from the current directory, when it is inside it."""
    try:
        relative = os.path.relpath(root.resolve(), Path.cwd())
    except ValueError:
        return ""
    return "" if relative.startswith("..") else Path(relative).as_posix()


class Refusal(click.ClickException):
    """Printed as `Error: ...` on stderr; exit 2, like any bad usage."""

    exit_code = EXIT_USAGE


class DateType(click.ParamType[dt.date]):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"expected a date like 2026-03-01, got {value!r}", param, ctx)


DATE = DateType()


ROOT = click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The handbook's folder (where mkdocs.yml is).",
)


def shown(path: Path) -> str:
    """A path as the user can type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
