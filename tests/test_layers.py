"""The house's layers hold: checks/ reaches only the core, no import cycle, no module imports
another's private names, small modules; and `handbook check` reads `git log` once."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MKDOCS_YML, OWNERS, Git, decision, policy
from handbook.cli.main import main

SRC = Path(__file__).resolve().parent.parent / "src" / "handbook"
# What the checks may reach, directly or through what they import: values, readers, git, the cache.
CORE = {
    "handbook", "handbook.errors", "handbook.records", "handbook.settings", "handbook.frontmatter",
    "handbook.lenient", "handbook.schema", "handbook.postschema", "handbook.folders", "handbook.loading",
    "handbook.linking",
    "handbook.git", "handbook.history", "handbook.versioning", "handbook.cache", "handbook.rawhtml",
    "handbook.numbering", "handbook.codeowners", "handbook.acknowledgements", "handbook.feedback",
    "handbook.oldaddress", "handbook.owners", "handbook.oldtexts",
}  # fmt: skip
# (The site's side of issue 19 moved: none is left over.)
OTHERS_CYCLES: set[frozenset[str]] = set()
OTHERS_PRIVATE: set[tuple[str, str, str]] = set()
OTHERS_LARGE: set[str] = set()
MAX_LINES = 400


def _name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _imports(name: str) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it) for every import in `name`, at any depth in the file."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                found.append((submodule, None) if submodule in MODULES else (module, alias.name))
        elif isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
    return [(module, taken) for module, taken in found if module in MODULES and module != name]


GRAPH = {name: sorted({module for module, _ in _imports(name)}) for name in MODULES}


def _reach(start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for module in GRAPH[todo.pop()]:
            if module not in seen:
                seen.add(module)
                todo.append(module)
    return seen


def test_checks_reach_only_the_core() -> None:
    """No page maker, editor command or CLI module, even through a core module."""
    for name in MODULES:
        if name.startswith("handbook.checks"):
            outside = {m for m in _reach(name) if not m.startswith("handbook.checks")} - CORE
            assert not outside, f"{name} reaches {sorted(outside)}"


def test_core_and_checks_import_nothing_from_cli_or_editing() -> None:
    for name, imported in GRAPH.items():
        if not name.startswith(("handbook.cli", "handbook.editing")):
            assert not [m for m in imported if m.startswith(("handbook.cli", "handbook.editing"))], name


def test_no_import_cycle() -> None:
    cycles = [group for group in _strongly_connected(GRAPH) if len(group) > 1]
    assert [sorted(c) for c in cycles if frozenset(c) not in OTHERS_CYCLES] == []


def _strongly_connected(graph: dict[str, list[str]]) -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            groups.append(group)

    for node in graph:
        if node not in index:
            visit(node)
    return groups


def test_no_module_imports_another_modules_private_names() -> None:
    private = {
        (name, module, taken)
        for name in MODULES
        for module, taken in _imports(name)
        if taken is not None and taken.startswith("_") and not taken.startswith("__")
    }
    assert private - OTHERS_PRIVATE == set()


def test_modules_are_small() -> None:
    large = {
        path.relative_to(SRC).as_posix(): n
        for path in SRC.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert {path: n for path, n in large.items() if path not in OTHERS_LARGE} == {}


# -- git, read once -------------------------------------------------------------------------------


@pytest.fixture
def committed(git_repo: Git) -> Path:
    """A handbook with a policy edited within its version (so that HB207 compares texts) and a decision."""
    base = {"mkdocs.yml": MKDOCS_YML, "policies/owners.yml": OWNERS, "docs/index.md": "# Home\n"}
    git_repo.commit(
        base | {"policies/refunds.md": policy(), "decisions/0001-use-a-shared-inbox.md": decision()},
        "first",
        "2026-01-05T09:00:00+00:00",
    )
    git_repo.commit(
        {"policies/refunds.md": policy(body="## Rules\n\nRefund within sixty days, with the receipt.\n")},
        "edit",
        "2026-01-06T09:00:00+00:00",
    )
    return git_repo.root


def test_check_reads_the_git_log_once(committed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """History and the revision checks (HB104, HB207) share one `git log` pass."""
    calls: list[list[str]] = []
    real_popen = subprocess.Popen

    def popen(args: list[str], *a: object, **k: object) -> subprocess.Popen[bytes]:
        calls.append(list(args))  # subprocess.run goes through Popen too
        return real_popen(args, *a, **k)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(subprocess, "Popen", popen)
    result = CliRunner().invoke(main, ["check", str(committed), "--today", "2026-02-01", "--no-cache"])
    assert result.exit_code == 1, result.output
    # The rewrite was found from that one pass: HB207 compares the texts the log named.
    assert "HB207" in result.output
    git = [call for call in calls if call[:1] == ["git"]]
    commands = [next(arg for arg in call[3:] if not arg.startswith("-") and "=" not in arg) for call in git]
    assert commands.count("log") == 1, commands
