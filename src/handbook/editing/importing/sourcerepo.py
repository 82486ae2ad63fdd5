"""What the git repository holding an import's source folder says: the day each file was first
committed (a record's date when its text gives none), and the address of each file on its
forge (GitHub, GitLab, Bitbucket, Codeberg), for links to files that were not imported."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ... import git

# `git@github.com:org/repo.git`, `https://github.com/org/repo`, `ssh://git@gitlab.com/group/sub/repo.git`.
_REMOTE = re.compile(r"^(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^:/]+)(?::\d+)?[:/](?P<path>.+?)(?:\.git)?/?$")
# Where a file of a commit is shown, by the forge's host.
_FORGES = {
    "github.com": "https://github.com/{repo}/blob/{commit}/{{path}}",
    "gitlab.com": "https://gitlab.com/{repo}/-/blob/{commit}/{{path}}",
    "bitbucket.org": "https://bitbucket.org/{repo}/src/{commit}/{{path}}",
    "codeberg.org": "https://codeberg.org/{repo}/src/commit/{commit}/{{path}}",
}


@dataclass(frozen=True)
class SourceRepo:
    """The git work tree holding the imported folder."""

    root: Path
    # The imported folder's path from the repository's root, with a trailing slash ('' at the root).
    prefix: str
    # Folder-relative path -> the day (in its author's time zone) of the commit that first added it.
    added: Mapping[str, dt.date] = field(default_factory=dict)
    remote: str | None = None
    commit: str | None = None

    def source_url(self) -> tuple[str | None, str]:
        """A `--source-url` template for the remote's forge, or None, and what to report either way."""
        if self.remote is None:
            return None, "the source repository has no remote 'origin': links to its other files are kept as text"
        m = _REMOTE.match(self.remote.strip())
        host = m.group("host").lower() if m else ""
        template = _FORGES.get(host)
        if m is None or template is None or self.commit is None:
            return None, (
                f"the source repository's remote ({self.remote.strip()}) is not on a forge the importer knows "
                "(GitHub, GitLab, Bitbucket, Codeberg): links to its other files are kept as text; give "
                "--source-url to link them"
            )
        url = template.format(repo=m.group("path"), commit=self.commit)
        return url, f"links to files outside the imported folder point at {url}"


def read_source_repo(folder: Path) -> SourceRepo | None:
    """The repository holding `folder`, with the day each of its files was first committed; None outside git."""
    top = git.git(folder, "rev-parse", "--show-toplevel")
    prefix = git.git(folder, "rev-parse", "--show-prefix")
    if not top or not top.strip() or prefix is None:
        return None
    added: dict[str, dt.date] = {}
    # Newest first: the last add seen of a path is its first.
    log = git.git(
        folder, "-c", "log.showSignature=false", "log", "--diff-filter=A", "--no-renames", "--relative",
        "--format=%x00%as", "--name-only", "-z", "--", ".",
    )  # fmt: skip
    day: dt.date | None = None
    for field_ in (log or "").split("\0"):
        text = field_.strip("\n")
        if not text:
            continue
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = dt.date.fromisoformat(text)
            continue
        for name in text.split("\n"):
            if day is not None and name:
                added[name] = day
    remote = git.git(folder, "config", "--get", "remote.origin.url")
    commit = git.git(folder, "rev-parse", "HEAD")
    return SourceRepo(
        Path(top.strip()),
        prefix.strip(),
        added,
        remote.strip() if remote and remote.strip() else None,
        commit.strip() if commit and commit.strip() else None,
    )
