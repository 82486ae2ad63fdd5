"""The seam between what the site is and how it is built: only adapter/ talks to the engine (and
fast/, where a shortcut names what it stands in for); site/ and search/ reach neither, nor the
shortcuts; the shortcuts reach no engine event code of ours."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "handbook"
ENGINE = ("mkdocs", "properdocs", "material", "mkdocs_rss_plugin")


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at any depth, with relative imports made absolute."""
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    package = parts[:-1]  # (the package a module is in, or the package of an __init__)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found |= {module} | {f"{module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def reaching(folders: tuple[str, ...], prefixes: tuple[str, ...]) -> dict[str, list[str]]:
    """The modules under `folders` (all when empty) that import a module under one of `prefixes`."""
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        where = path.relative_to(SRC).as_posix()
        if folders and not where.startswith(folders):
            continue
        hits = sorted(m for m in imports(path) if m.split(".")[0] in prefixes or m.startswith(prefixes))
        if hits:
            found[where] = hits
    return found


def test_only_the_adapter_and_the_shortcuts_import_the_engine() -> None:
    outside = {
        where: hits
        for where, hits in reaching((), ENGINE).items()
        if not where.startswith(("adapter/", "fast/"))
    }
    assert outside == {}


def test_the_site_and_search_reach_neither_the_engine_side_nor_the_shortcuts() -> None:
    assert reaching(("site/", "search/"), ("handbook.adapter", "handbook.fast", "handbook.cli")) == {}
    assert reaching(("search/",), ("handbook.site",)) == {}


def test_the_shortcuts_reach_no_engine_events_of_ours() -> None:
    assert reaching(("fast/",), ("handbook.adapter",)) == {}
