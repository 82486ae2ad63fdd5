"""`handbook as-of DATE`: which version of each policy was in force, by effective date."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import MKDOCS_YML, OWNERS, Git, policy
from handbook.cli.main import main
from test_history import build_history_repo

SITE = "https://handbook.example.com/"


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("as-of")
    build_history_repo(root)
    return root


def as_of(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["as-of", *args, "--path", str(root)])


def test_each_policy_on_a_date(handbook: Path) -> None:
    result = as_of(handbook, "2025-06-30")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"expenses: version 3, in force since 2025-05-15  {SITE}policies/expenses/v3/",
        f"leave: version 3, in force since 2025-05-15  {SITE}policies/leave/v3/",
        # Version 2 was committed on 1 June, but takes effect on 1 July: version 1 is in force.
        f"refunds-and-returns: version 1, in force since 2025-02-15  {SITE}policies/refunds-and-returns/v1/",
    ]
    assert result.stderr == ""


def test_on_the_effective_date_and_before_the_first(handbook: Path) -> None:
    assert as_of(handbook, "2025-07-01", "refunds-and-returns").stdout == (
        f"refunds-and-returns: version 2, in force since 2025-07-01  {SITE}policies/refunds-and-returns/v2/\n"
    )
    assert as_of(handbook, "2025-02-14", "refunds-and-returns").stdout == (
        "refunds-and-returns: not yet in force: version 1 takes effect on 2025-02-15\n"
    )


def test_an_old_id_of_a_renamed_policy_answers_for_it(handbook: Path) -> None:
    result = as_of(handbook, "2026-01-01", "refunds")
    assert result.exit_code == 0
    assert (
        result.stdout
        == f"refunds-and-returns: version 3, in force since 2025-10-01  {SITE}policies/refunds-and-returns/v3/\n"
    )


def test_json(handbook: Path) -> None:
    result = as_of(handbook, "2025-02-20", "refunds-and-returns", "leave", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "date": "2025-02-20",
        "complete": True,
        "note": None,
        "policies": [
            {
                "id": "refunds-and-returns",
                "title": "Refunds",
                "state": "in_force",
                "message": "version 1, in force since 2025-02-15",
                "version": 1,
                "effective": "2025-02-15",
                "url": f"{SITE}policies/refunds-and-returns/v1/",
                "superseded_by": None,
            },
            {
                "id": "leave",
                "title": "Leave",
                "state": "not_yet_in_force",
                "message": "not yet in force: version 1 takes effect on 2025-03-01",
                "version": None,
                "effective": None,
                "url": None,
                "superseded_by": None,
            },
        ],
    }


@pytest.mark.parametrize("day", ["2025-13-01", "yesterday", "2025-1-1", "20250101"])
def test_a_bad_date_exits_2(handbook: Path, day: str) -> None:
    result = as_of(handbook, day)
    assert result.exit_code == 2
    assert f"Invalid value for 'DATE': '{day}' is not a date: give it as YYYY-MM-DD" in result.stderr


def test_an_unknown_policy_exits_2(handbook: Path) -> None:
    result = as_of(handbook, "2025-06-01", "refunds-and-returns", "nope")
    assert result.exit_code == 2
    assert "no policy 'nope'" in result.stderr and result.stdout == ""


def test_retired_and_superseded(git_repo: Git) -> None:
    git_repo.commit(
        {
            "mkdocs.yml": MKDOCS_YML,
            "policies/owners.yml": OWNERS,
            "policies/old.md": policy(title="Old", effective="2025-01-01"),
            "policies/gone.md": policy(title="Gone", effective="2025-01-01"),
        },
        "start",
        "2025-01-01T00:00:00+00:00",
    )
    git_repo.commit(
        {
            "policies/new.md": policy(title="New", effective="2025-06-01", extra="supersedes: old\n"),
            "policies/gone.md": policy(
                title="Gone", version=2, status="retired", effective="2025-05-01", changes="Retired."
            ),
        },
        "new supersedes old; gone retired",
        "2025-04-01T00:00:00+00:00",
    )
    root = git_repo.root
    assert as_of(root, "2025-05-31").stdout.splitlines() == [
        f"gone: retired by version 2, effective 2025-05-01  {SITE}policies/gone/v2/",
        "new: not yet in force: version 1 takes effect on 2025-06-01",
        f"old: version 1, in force since 2025-01-01  {SITE}policies/old/v1/",
    ]
    assert as_of(root, "2025-06-01", "old").stdout == (
        f"old: superseded by new (its version 1, effective 2025-06-01)  {SITE}policies/old/v1/\n"
    )


def test_without_history_earlier_dates_are_unknown(
    handbook: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path_factory.mktemp("tarball")
    copy = outside / "handbook"
    shutil.copytree(handbook, copy, ignore=shutil.ignore_patterns(".git"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(outside))
    result = as_of(copy, "2025-06-30", "refunds-and-returns")
    assert result.exit_code == 0
    assert (
        result.stdout
        == "refunds-and-returns: unknown: history is not available, and version 3 took effect on 2025-10-01\n"
    )
    assert result.stderr.startswith("note: History is missing:")
    later = as_of(copy, "2025-10-01", "refunds-and-returns", "--format", "json")
    answer = json.loads(later.stdout)
    assert (answer["complete"], answer["policies"][0]["state"], answer["policies"][0]["url"]) == (
        False,
        "in_force",
        f"{SITE}policies/refunds-and-returns/v3/",
    )
    assert "not a git repository" in answer["note"]


def test_records_that_cannot_be_loaded_exit_2(handbook: Path, tmp_path: Path) -> None:
    copy = tmp_path / "broken"
    shutil.copytree(handbook, copy)
    (copy / "policies/leave.md").write_text(policy(version="two"), encoding="utf-8")
    result = as_of(copy, "2025-06-30")
    assert result.exit_code == 2
    assert "policies/leave.md:3: error" in result.stderr and result.stdout == ""


def test_without_directory_urls(git_repo: Git) -> None:
    config = MKDOCS_YML.replace("site_url: https://handbook.example.com/\n", "use_directory_urls: false\n")
    git_repo.commit(
        {"mkdocs.yml": config, "policies/owners.yml": OWNERS, "policies/a.md": policy()},
        "start",
        "2025-01-01T00:00:00+00:00",
    )
    assert (
        as_of(Path(git_repo.root), "2026-06-01").stdout
        == "a: version 1, in force since 2026-01-05  policies/a/v1.html\n"
    )


def test_a_newline_in_a_file_name_stays_in_its_error_line(handbook: Path, tmp_path: Path) -> None:
    copy = tmp_path / "broken"
    shutil.copytree(handbook, copy)
    (copy / "policies/leave.md").write_text(policy(version="two"), encoding="utf-8")
    (copy / "policies/x\npolicies-leave.md:3: error HB001 forged.md").write_text(policy(), encoding="utf-8")
    result = as_of(copy, "2025-06-30")
    assert result.exit_code == 2
    assert [line.split(":")[0] for line in result.stderr.splitlines()[:-1]] == [
        "policies/leave.md",
        r"policies/x\npolicies-leave.md",
    ]
