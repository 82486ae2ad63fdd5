"""`handbook as-of`: which version of each policy was in force on a date."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from ..errors import printable
from ..history import UnknownPolicy, in_force_on, read_history
from .common import EXIT_UNLOADABLE, load


# -- as-of: which version was in force on a date ---------------------------------------------
def _as_of_day(ctx: click.Context, param: click.Parameter, value: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.datetime.strptime(value, "%Y-%m-%d").date()  # exactly YYYY-MM-DD, nothing looser
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: give it as YYYY-MM-DD, like 2026-03-01") from None


@click.command("as-of")
@click.argument("day", metavar="DATE", callback=_as_of_day)
@click.argument("policy_ids", metavar="[POLICY_ID]...", nargs=-1)
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option(
    "--path",
    "root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The handbook's root, where mkdocs.yml is.",
)
def as_of(day: dt.date, policy_ids: tuple[str, ...], output_format: str, root: Path) -> None:
    """Which version of each policy was in force on DATE (YYYY-MM-DD), by its effective date.

    Every published policy by default, or the POLICY_IDs given (an old id of a renamed policy
    works too), each with the permanent URL of that version. Exit 0 with an answer for each;
    2 for a bad date, an unknown policy, or records that cannot be loaded.
    """
    from ..site.paths import Urls, version_src

    corpus = load(root)
    if corpus.load_errors:
        for error in corpus.load_errors:
            click.echo(printable(f"{error.path}:{error.line}: error {error.code} {error.message}"), err=True)
        click.echo("Fix the files that cannot be loaded, then ask again.", err=True)
        sys.exit(EXIT_UNLOADABLE)
    history = read_history(corpus)
    try:
        answers = in_force_on(corpus, history, day, policy_ids)
    except UnknownPolicy as exc:
        message = f"no policy '{exc}': give a policy's id, its file name without .md"
        raise click.BadParameter(message, param_hint="POLICY_ID") from None
    urls, site = Urls(corpus.settings.use_directory_urls), corpus.settings.site_url
    # Each version's permanent address, on the site when its URL is known.
    pages = {a.policy_id: urls.page(version_src(a.policy_id, a.version.number)) for a in answers if a.version}
    address = {pid: f"{site.rstrip('/')}/{page}" if site else page for pid, page in pages.items()}
    if output_format == "json":
        click.echo(json.dumps({
            "date": day.isoformat(),
            "complete": history.complete,
            "note": history.note,
            "policies": [{
                "id": a.policy_id,
                "title": a.title,
                "state": a.state,
                "message": a.message,
                "version": a.version.number if a.version else None,
                "effective": a.version.effective.isoformat() if a.version and a.version.effective else None,
                "url": address.get(a.policy_id),
                "superseded_by": a.successor,
            } for a in answers],
        }, indent=2, ensure_ascii=False))  # fmt: skip
        return
    if history.note:
        click.echo(f"note: {history.note}", err=True)
    if not answers:
        click.echo(f"No policy has been published as of {day.isoformat()}.")
    for answer in answers:
        url = address.get(answer.policy_id)
        click.echo(f"{answer.policy_id}: {answer.message}" + (f"  {url}" if url else ""))
