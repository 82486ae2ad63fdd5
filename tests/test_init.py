"""`handbook init`: an empty handbook that builds `--strict` under the engine under test and passes
`handbook check`; a folder that is not empty is refused, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import strict_build
from handbook.cli.main import main

FILES = [
    ".gitignore",
    "decisions/.gitkeep",
    "docs/assets/avatars/editor.svg",
    "docs/blog/.authors.yml",
    "docs/blog/index.md",
    "docs/blog/posts/.gitkeep",
    "docs/index.md",
    "mkdocs.yml",
    "policies/owners.yml",
]


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_writes_an_empty_handbook_that_passes_check(tmp_path: Path) -> None:
    root = tmp_path / "hb"
    result = CliRunner().invoke(main, ["init", str(root), "--name", "Acme handbook"])
    assert result.exit_code == 0, result.output
    assert files_under(root) == FILES
    printed = [
        (Path.cwd() / line).resolve().relative_to(root.resolve()).as_posix() for line in result.stdout.splitlines()
    ]
    assert printed == FILES
    assert "site_name: Acme handbook\n" in (root / "mkdocs.yml").read_text()
    assert (root / "docs/index.md").read_text().startswith("# Acme handbook\n")
    checked = CliRunner().invoke(main, ["check", str(root), "--today", "2026-11-25"])
    assert (checked.exit_code, checked.stdout) == (
        0,
        "0 error(s), 0 warning(s) in 0 policies, 0 decisions and 0 posts\n",
    )


@pytest.mark.engine
def test_init_builds_strict(tmp_path: Path) -> None:
    root = tmp_path / "hb"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    result = strict_build(root)
    assert result.returncode == 0, result.stderr
    assert (root / "site/policies/index.html").is_file()
    assert (root / "site/feeds/all.xml").is_file()


@pytest.mark.engine
def test_handbook_build_of_an_initialised_handbook(tmp_path: Path) -> None:
    root = tmp_path / "hb"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "site/index.html").is_file()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert (
        result.stderr == f"Error: {tmp_path} is not empty: give a new or empty folder, so that no file is overwritten\n"
    )
    assert files_under(tmp_path) == ["notes.txt"]


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "hb").write_text("")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "hb")])
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {tmp_path / 'hb'} is a file: give a folder, new or empty\n",
    )


def test_init_into_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert files_under(tmp_path) == FILES
    assert result.stdout.splitlines()[0] == ".gitignore"
