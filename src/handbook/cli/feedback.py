"""The editor's feedback commands: `handbook new feedback` and `handbook import-feedback`.

Exit codes as the other editor's commands: 0 done, 1 tickets that could not be counted, 2 bad
usage or a refusal (a file that would be overwritten, an export that cannot be read).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..editing import Refused, scaffold
from ..errors import HandbookError, printable
from . import editor
from .common import DATE, EXIT_FINDINGS, EXIT_OK, ROOT, Refusal, Report, load, load_settings, shown


@click.command("feedback")
@click.argument("title")
@click.option("--theme", required=True, help="A feedback theme from mkdocs.yml (feedback: themes).")
@click.option("--owner", required=True, help="Owner id from the owners registry: who sees it through.")
@click.option("--id", "feedback_id", help="File name without .md (default: made from the title).")
@click.option("--raised", type=click.IntRange(1), default=1, show_default=True, help="How many customers raised it.")
@click.option("--channel", "channels", multiple=True, help="Where it came from (chat, e-mail, phone, ...); repeat.")
@click.option("--date", "day", type=DATE, help="When it was first raised (default: today).")
@ROOT
def new_feedback(
    title: str,
    theme: str,
    owner: str,
    feedback_id: str | None,
    raised: int,
    channels: Sequence[str],
    day: dt.date | None,
    root: Path,
) -> None:
    """Feedback as customers said it, status received: feedback/<id>.md.

    Write TITLE in the customers' words. No names or contact details: those stay in the support tool.
    """
    settings = load_settings(root)
    try:
        record = scaffold.new_feedback(
            settings,
            title,
            theme=theme,
            owner=owner,
            today=day or editor.today(),
            feedback_id=feedback_id,
            raised=raised,
            channels=channels,
        )
        target = scaffold.write_new(settings, record)
    except (ValueError, HandbookError, Refused) as exc:
        raise Refusal(str(exc)) from None
    click.echo(shown(target))


@click.command("import-feedback")
@click.argument("export", metavar="EXPORT.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--theme-column", required=True, help="The column holding each ticket's tags or category.")
@click.option("--date-column", required=True, help="The column holding the date each ticket was created.")
@click.option("--channel-column", help="The column naming where each ticket came from (chat, e-mail, phone).")
@click.option("--owner", help="Owner id for a record created for a theme that has no open record.")
@click.option("--dry-run", is_flag=True, help="Print the report; write nothing.")
@click.option(
    "--month-first", is_flag=True, help="Read ambiguous dates like 03/04/2026 as MM/DD/YYYY (default DD/MM/YYYY)."
)
@ROOT
def import_feedback(
    export: Path,
    theme_column: str,
    date_column: str,
    channel_column: str | None,
    owner: str | None,
    dry_run: bool,
    month_first: bool,
    root: Path,
) -> None:
    """Add up the tickets of a support tool's CSV export per feedback theme.

    Each theme's tickets go into its one open feedback record (received, reviewing or planned):
    `raised` grows by their number, `received` goes back to the earliest, new channels are added.
    A theme without an open record gets a new one (give --owner). Only counts, dates and channel
    names are read: no ticket text, name or contact detail is copied. Every ticket that cannot be
    counted is listed with its line. Exit 0 when every ticket was counted, 1 when one was not.
    """
    from ..editing.importing import feedback as importing

    corpus = load(root)
    if corpus.load_errors:
        report = Report()
        for error in corpus.load_errors:
            report.problem(error)
        raise Refusal("some records cannot be loaded (above): fix them first, so that tickets go to the right record")
    columns = importing.Columns(theme_column, date_column, channel_column)
    try:
        tallies, imported = importing.read_tickets(corpus, export, shown(export), columns, month_first=month_first)
        writes = importing.plan(corpus, tallies, imported, owner=owner, today=editor.today())
        if not dry_run:
            importing.apply(corpus, writes)
    except (Refused, ValueError, HandbookError) as exc:
        raise Refusal(str(exc)) from None
    imported.written = [w.line for w in writes]
    for line in imported.lines():
        click.echo(printable(line))
    if dry_run:
        click.echo("dry run: nothing written")
    sys.exit(EXIT_FINDINGS if imported.not_counted else EXIT_OK)
