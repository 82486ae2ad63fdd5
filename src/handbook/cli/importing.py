"""`handbook import-decisions`, and what both importers' commands share: the folder they read
and the report they print (a summary, then each file; or JSON), which owns their exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import printable
from ..records import DecisionStatus
from .common import EXIT_FINDINGS, EXIT_OK, ROOT, Refusal, load_settings


# -- importing --------------------------------------------------------------------------
def print_report(report: Any, output_format: str) -> None:
    """The import's report, summary first (or as JSON); exit 1 when a record could not be imported."""
    if output_format == "json":
        click.echo(report.as_json())
    else:
        for line in report.lines():
            click.echo(printable(line))  # the imported folder's file names, a newline in one included
    sys.exit(EXIT_FINDINGS if report.failed else EXIT_OK)


REPORT_FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="The report as text (a summary, then each file) or as JSON for tools.",
)


def source_folder(folder: Path) -> Path:
    from ..editing.importing.sources import source_files

    if not any(p.suffix.lower() in (".md", ".markdown") for p in source_files(folder)):
        raise Refusal(f"{folder}: no Markdown files in it")
    return folder


@click.command("import-decisions")
@click.argument("folder", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the report; write nothing.")
@click.option(
    "--month-first", is_flag=True, help="Read ambiguous dates like 03/04/2021 as MM/DD/YYYY (default DD/MM/YYYY)."
)
@click.option(
    "--default-status",
    type=click.Choice([s.value for s in DecisionStatus]),
    default=DecisionStatus.ACCEPTED.value,
    show_default=True,
    help="Status of a record that states none (each one is listed in the report).",
)
@click.option(
    "--source-url",
    metavar="TEMPLATE",
    help="Address of a file in the source repository, with {path} in it, for links to files that are not "
    "imported (default: from the repository's GitHub, GitLab, Bitbucket or Codeberg remote).",
)
@REPORT_FORMAT
@ROOT
def import_decisions(
    folder: Path,
    dry_run: bool,
    month_first: bool,
    default_status: str,
    source_url: str | None,
    output_format: str,
    root: Path,
) -> None:
    """Import the decision records in DIR (adr-tools, MADR 2-4, log4brains) as decisions/NNNN-slug.md.

    Prints a summary, then every file: imported, imported with guesses (listed), skipped or not
    imported (why). Exit 0 when every record was imported, 1 when one could not be.
    """
    from ..editing.importing.decisions import DecisionImport
    from ..editing.importing.decisions import import_decisions as run

    if source_url is not None and "{path}" not in source_url:
        raise Refusal(
            f"--source-url '{source_url}' has no {{path}} in it: e.g. https://github.com/org/repo/blob/main/{{path}}"
        )
    settings = load_settings(root)
    options = DecisionImport(dry_run, month_first, DecisionStatus(default_status), source_url)
    report = run(settings, source_folder(folder), options)
    print_report(report, output_format)
