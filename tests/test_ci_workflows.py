"""The CI workflows in ci/: valid YAML, full history, strict build, publish only a good build of main,
and every command they run exists (handbook subcommands, make targets). They build with `handbook
build`, never `mkdocs build` itself, which would skip its guards."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from typing import Any

import click
import pytest
import yaml

from conftest import ROOT
from handbook.cli.main import main

GITHUB = ROOT / "ci/github-actions.yml"
GITLAB = ROOT / "ci/gitlab-ci.yml"
# Programs the workflows may call besides `handbook` and `make`, which are checked in depth. Not
# `mkdocs`: `handbook build` runs it behind its guards (site folder, lock, full disk).
KNOWN_PROGRAMS = {"python", "rm", "mv", "handbook", "make"}


def load(path: Any) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def github_commands(data: dict[Any, Any]) -> Iterator[str]:
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            yield from _lines(step.get("run", ""))


def gitlab_commands(data: dict[Any, Any]) -> Iterator[str]:
    for job in data.values():
        if isinstance(job, dict) and "script" in job:
            for entry in job["script"]:
                yield from _lines(entry)


def _lines(script: str) -> Iterator[str]:
    for line in script.splitlines():
        for part in re.split(r"\s*(?:&&|\|\||;)\s*", line.strip()):
            if part and not part.startswith("#"):
                yield part


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return {m.group(1) for m in re.finditer(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, re.M)}


def check_command(command: str) -> None:
    words = shlex.split(command)
    program = words[0]
    assert program in KNOWN_PROGRAMS, f"unexpected program in CI: {command}"
    if program == "handbook":
        group: click.Command = main
        ctx = click.Context(main)
        for word in words[1:]:
            if word.startswith("-") or not isinstance(group, click.Group):
                break
            sub = group.get_command(ctx, word)
            assert sub is not None, f"'{command}': 'handbook' has no command '{word}'"
            group = sub
        # The options used exist on that command.
        names = {opt for param in group.params for opt in getattr(param, "opts", [])}
        for word in words[1:]:
            if word.startswith("--"):
                assert word.split("=")[0] in names, f"'{command}': no option {word}"
    if program == "make":
        for target in (w for w in words[1:] if not w.startswith("-") and "=" not in w):
            assert target in makefile_targets(), f"'{command}': no make target '{target}'"
    if program == "python":
        assert words[1:3] == ["-m", "pip"], command


@pytest.mark.parametrize(("path", "commands"), [(GITHUB, github_commands), (GITLAB, gitlab_commands)])
def test_every_command_exists(path: Any, commands: Any) -> None:
    found = list(commands(load(path)))
    assert "handbook check ." in found
    assert any(c.startswith("handbook build . --site-dir ") for c in found)
    for command in found:
        check_command(command)


def test_github_builds_with_full_history_and_publishes_only_main() -> None:
    data = load(GITHUB)
    triggers = data[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" in triggers
    build = data["jobs"]["build"]
    checkout = next(s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    run = [s.get("run", "") for s in build["steps"]]
    assert 'handbook build . --site-dir "$RUNNER_TEMP/site"' in run
    upload = next(s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/upload-pages-artifact@"))
    assert upload["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    # The steps before the build are the checks: a failing step stops the job, so nothing is uploaded.
    names = [s.get("name", s.get("uses")) for s in build["steps"]]
    assert (
        names.index("Check the records")
        < names.index("Build the site (strict) into a fresh directory")
        < names.index("Keep the built site for publishing")
    )
    publish = data["jobs"]["publish"]
    assert publish["needs"] == "build"
    assert publish["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert data["permissions"] == {"contents": "read"}


def test_gitlab_builds_with_full_history_and_publishes_only_main() -> None:
    data = load(GITLAB)
    assert data["variables"]["GIT_DEPTH"] == "0"
    assert data["stages"] == ["check", "build", "publish"]
    assert data["build"]["script"][-1] == "handbook build . --site-dir site"
    assert data["build"]["artifacts"]["paths"] == ["site"]
    pages = data["pages"]
    assert pages["stage"] == "publish"
    assert pages["needs"] == ["check", "build"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert pages["script"] == ["rm -rf public", "mv site public"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert data["default"]["image"] == "python:3.11"  # the slim image has no git


def test_the_checker_catches_a_command_that_does_not_exist() -> None:
    with pytest.raises(AssertionError, match="no command 'publish'"):
        check_command("handbook publish .")
    with pytest.raises(AssertionError, match="no option --frobnicate"):
        check_command("handbook check --frobnicate .")
    with pytest.raises(AssertionError, match="no make target 'deploy'"):
        check_command("make deploy")
    with pytest.raises(AssertionError, match="unexpected program in CI: mkdocs build"):
        check_command("mkdocs build --strict --site-dir site")
    check_command("make build")
