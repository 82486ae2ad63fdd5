"""`handbook build`: the site built with --strict, swapped in only when the whole build succeeded."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import EXIT_UNLOADABLE, site_settings


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Where the site goes (relative to PATH); never a folder that holds or lies inside the sources.",
)
@click.option("--no-wait", is_flag=True, help="While another build of this site runs, exit 2 at once, not waiting.")
def build(path: Path, site_dir: Path, no_wait: bool) -> None:
    """Build the site with --strict; replace SITE_DIR only when the whole build succeeded.

    mkdocs.yml and the blog's .authors.yml are read first, with bounds (mkdocs and Material read
    them without any), and checked as `handbook check` checks them. One build of a site runs at
    a time (a lock in SITE_DIR.lock); a build that was killed is recovered from by the next.
    Exit 1 when the strict build fails, 2 when the configuration is bad, the site folder
    overlaps the sources, another build runs (--no-wait) or the site cannot be written.
    """
    from ..publish import PublishError, build_and_swap

    site_settings(path, "text", then="build")
    try:
        code = build_and_swap(path.resolve(), site_dir, wait=not no_wait)
    except PublishError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_UNLOADABLE)
    sys.exit(code)
