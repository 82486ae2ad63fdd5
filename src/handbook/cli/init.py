"""`handbook init [DIR]`: an empty handbook that builds and passes `handbook check` as it is."""

from __future__ import annotations

from pathlib import Path

import click

from ..editing import Refused
from ..editing.init import Site
from ..editing.init import init as write_handbook
from .common import Refusal, shown


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path), default=Path("."))
@click.option("--name", default="Handbook", show_default=True, help="The site's name (mkdocs.yml's site_name).")
@click.option(
    "--site-url",
    default="https://handbook.example.com/",
    show_default=True,
    help="The address the site is published at (feeds need it); change it in mkdocs.yml later.",
)
def init(directory: Path, name: str, site_url: str) -> None:
    """Create an empty handbook in DIRECTORY (default: here), which must be new or empty.

    It holds mkdocs.yml, the owners registry with one example owner, a home page, empty
    policies/, decisions/ and blog folders; it builds with `handbook build` and passes
    `handbook check` as it is. Then add records with `handbook new` or bring them in with
    `handbook import-decisions` and `handbook import-policies`.
    """
    try:
        written = write_handbook(directory, Site(name, site_url))
    except (Refused, OSError) as exc:
        raise Refusal(str(exc)) from None
    for path in written:
        click.echo(shown(path))
