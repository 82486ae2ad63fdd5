"""The `handbook` group: every command, each from its own module."""

from __future__ import annotations

import click

from .asof import as_of
from .build import build
from .check import check
from .editor import COMMANDS, new
from .feedback import import_feedback, new_feedback


@click.group()
@click.version_option(package_name="handbook")
def main() -> None:
    """Policies, decisions and posts kept as Markdown in git."""


for command in (check, build, *COMMANDS, import_feedback, as_of):
    main.add_command(command)
new.add_command(new_feedback)
