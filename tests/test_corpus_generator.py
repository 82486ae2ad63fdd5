"""scripts/make_corpus.py: a realistic generated handbook, the same for the same seed."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

from click.testing import CliRunner

from conftest import ROOT
from handbook.cli.common import load_settings
from handbook.cli.main import main
from handbook.history import read_history
from handbook.loading import load_corpus


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout.strip()


def test_same_seed_same_corpus_and_commit_hashes(make_corpus: ModuleType, tmp_path: Path) -> None:
    first = make_corpus.write_corpus(30, tmp_path / "a", seed=7)
    make_corpus.write_corpus(30, tmp_path / "b", seed=7)
    make_corpus.write_corpus(30, tmp_path / "c", seed=8)
    assert git(tmp_path / "a", "rev-parse", "HEAD") == git(tmp_path / "b", "rev-parse", "HEAD")
    assert git(tmp_path / "a", "rev-parse", "HEAD") != git(tmp_path / "c", "rev-parse", "HEAD")
    assert git(tmp_path / "a", "status", "--porcelain") == ""
    assert first["records"] == 30 and first["commits"] == int(git(tmp_path / "a", "rev-list", "--count", "HEAD"))


def test_corpus_loads_with_no_error_and_has_history(make_corpus: ModuleType, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    counts = make_corpus.write_corpus(30, root, seed=3)
    corpus = load_corpus(load_settings(root))
    assert corpus.errors == ()
    # About 10% feedback; of the rest, 60% policies, 25% decisions, 15% posts.
    assert (
        (len(corpus.policies), len(corpus.decisions), len(corpus.posts), len(corpus.feedback))
        == (16, 7, 4, 3)
        == (counts["policies"], counts["decisions"], counts["posts"], counts["feedback"])
    )
    statuses = read_history(corpus).feedback_changes
    assert sorted(statuses) == sorted(corpus.feedback)
    assert all(changes[0].status == "received" for changes in statuses.values())
    history = read_history(corpus)
    assert history.complete and history.warnings == ()
    versions = Counter(len(history.versions_of(p.id)) for p in corpus.published_policies)
    assert sum(n * k for n, k in versions.items()) / sum(versions.values()) >= 3
    assert any(d.supersedes for d in corpus.decisions.values())
    for policy in corpus.policies.values():
        assert 600 <= len(policy.body.split()) <= 900, policy.path
    result = CliRunner().invoke(main, ["check", str(root), "--today", "2026-11-25"])
    assert result.exit_code in (0, 1), result.output
    assert " HB0" not in result.output and " HB3" not in result.output


def test_planted_near_copies_are_found(make_corpus: ModuleType, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    make_corpus.write_corpus(40, root, seed=2, near_duplicates=2)
    result = CliRunner().invoke(main, ["check", str(root), "--today", "2026-11-25", "--select", "HB2"])
    assert [line.split(" ")[2] for line in result.stdout.splitlines()[:-1]] == ["HB205", "HB205"]


def test_command_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "12", str(tmp_path / "c"), "--seed", "4"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.startswith("12 records, 7 policies, 3 decisions, 1 posts, 1 feedback, ")
    refused = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "12", str(tmp_path / "c")],
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "not empty" in refused.stderr
