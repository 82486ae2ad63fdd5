"""Which folders `handbook build` may replace: never one that is, holds or lies inside the sources."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import git
from .acknowledgements import FOLDER as ACKNOWLEDGEMENTS_FOLDER
from .settings import Settings

FIX = (
    "the build replaces its site folder whole, so it would delete the sources; "
    "give --site-dir a folder of its own, such as"
)


@dataclass(frozen=True)
class Source:
    """A folder the build reads from, by its real path (symlinks resolved)."""

    path: Path
    what: str


def sources(settings: Settings) -> list[Source]:
    """The folders a site folder must keep clear of, besides the handbook's own folder."""
    root = settings.root
    named = [
        (settings.docs_dir, "docs_dir (the site's own pages)"),
        (settings.policies_dir, "policies_dir (the policies)"),
        (settings.decisions_dir, "decisions_dir (the decision records)"),
        (settings.posts_dir, "posts_dir (the blog posts)"),
        (os.path.dirname(settings.owners_file) or ".", "the folder of owners_file (the owners registry)"),
        (ACKNOWLEDGEMENTS_FOLDER, "the acknowledgements folder"),
        (settings.feedback.feedback_dir, "feedback_dir (the feedback records)"),
    ]
    found = [Source((root / relative).resolve(), what) for relative, what in named]
    found += [Source(path, "the git repository's folder") for path in _git_folders(root)]
    unique: dict[Path, Source] = {}
    for source in found:
        # The handbook's folder and those around it are checked on their own: a site may lie inside.
        if not root.resolve().is_relative_to(source.path):
            unique.setdefault(source.path, source)
    return list(unique.values())


def _git_folders(root: Path) -> list[Path]:
    """The `.git` of the checkout holding root, and git's own folders (elsewhere for a worktree)."""
    folders = [folder / ".git" for folder in (root, *root.parents) if (folder / ".git").exists()][:1]
    # Without git, the `.git` found above is all there is to keep clear of.
    found = git.git(root, "rev-parse", "--absolute-git-dir", "--git-common-dir")
    if found is not None:
        folders += [root / line for line in found.splitlines() if line]
    return [folder.resolve() for folder in folders]


def refusal(site: Path, settings: Settings) -> str | None:
    """Why `site` (a real path) must not be the site folder, in one line; None when it may."""
    root = settings.root.resolve()
    suggestion = root / "site"
    if site.exists() and not site.is_dir():
        return f"{site}: --site-dir is a file, not a folder; give it a folder, such as {suggestion}"
    if site == root or root.is_relative_to(site):
        relation = "is" if site == root else f"contains {root},"
        return f"{site}: --site-dir {relation} the handbook's folder (where mkdocs.yml is): {FIX} {suggestion}"
    for source in sources(settings):
        if site == source.path:
            return f"{site}: --site-dir is {source.what}: {FIX} {suggestion}"
        if source.path.is_relative_to(site):
            return f"{site}: --site-dir contains {source.path}, {source.what}: {FIX} {suggestion}"
        if site.is_relative_to(source.path):
            return f"{site}: --site-dir is inside {source.path}, {source.what}: {FIX} {suggestion}"
        if source.path.parent == site.parent and source.path.name.startswith(site.name + "."):
            return (
                f"{site}: {source.path} ({source.what}) is named like the folders the build keeps beside "
                f"its site folder ({site.name}.*), which it replaces: give --site-dir another name"
            )
    return None
