"""`handbook init`: an empty handbook written from the templates in `templates/init/` (package
data), one file each, that builds `--strict` and passes `handbook check` as it is."""

from __future__ import annotations

import string
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from . import Refused

# Package data cannot hold dot files reliably: `dot-authors.yml` is written as `.authors.yml`.
_DOT = "dot-"
# Only these are filled in; anything else with a `$` is written as it is.
_FILLED = (".yml", ".md")


@dataclass(frozen=True)
class Site:
    """What the templates are filled in with."""

    name: str
    url: str


def init(target: Path, site: Site) -> list[Path]:
    """Write an empty handbook into `target` (created if missing); every file written, in order.
    Refused when `target` is a file or a folder that is not empty: nothing is overwritten."""
    if target.exists() and not target.is_dir():
        raise Refused(f"{target} is a file: give a folder, new or empty")
    if target.is_dir() and any(target.iterdir()):
        raise Refused(f"{target} is not empty: give a new or empty folder, so that no file is overwritten")
    written: list[Path] = []
    for relative, template in sorted(_templates(resources.files(__package__).joinpath("templates", "init"), ())):
        path = target.joinpath(*relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = template.read_text(encoding="utf-8")
        if path.suffix in _FILLED:
            text = string.Template(text).safe_substitute(site_name=site.name, site_url=site.url)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _templates(folder: Traversable, parts: tuple[str, ...]) -> list[tuple[tuple[str, ...], Traversable]]:
    found: list[tuple[tuple[str, ...], Traversable]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        name = "." + entry.name[len(_DOT) :] if entry.name.startswith(_DOT) else entry.name
        if entry.is_dir():
            found += _templates(entry, (*parts, name))
        else:
            found.append(((*parts, name), entry))
    return found
