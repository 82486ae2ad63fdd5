"""Reading what an importer printed and wrote: its report's parts, an imported file's front matter and body."""

from __future__ import annotations

from pathlib import Path

from handbook.frontmatter import parse_document


def details(out: str) -> list[str]:
    """The report's lines after its summary: one line per file, its guesses and notes, the count."""
    lines = out.splitlines()
    assert lines[0] == "Summary", out
    return lines[lines.index("Details") + 1 :]


def summary(out: str) -> list[str]:
    lines = out.splitlines()
    return lines[1 : lines.index("Details")]


def front(root: Path, path: str) -> dict[str, object]:
    return dict(parse_document(path, (root / path).read_text(encoding="utf-8")).meta)


def body(root: Path, path: str) -> str:
    return parse_document(path, (root / path).read_text(encoding="utf-8")).body
