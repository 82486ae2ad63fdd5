"""Versions and status changes read from git in one pass: folding, drafts, renames, fallbacks."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from conftest import OWNERS, Git, decision, policy, settings_for
from handbook.errors import HandbookError
from handbook.history import History, read_history
from handbook.lenient import lenient_document
from handbook.loading import Corpus, load_corpus
from handbook.records import StatusChange

UTC = dt.UTC
ALICE = "Alice Able <alice@example.com>"
BOB = "Bob Baker <bob@example.com>"
CAROL = "Carol Clark <carol@example.com>"
DANA = "Dana Draft <dana@example.com>"

# The test site: strict link and anchor checks like the sample's, no Pagefind index (slow, and not
# what these tests are about), Material's search kept to show version pages stay out of it.
SITE_YML = """\
site_name: Test handbook
site_url: https://handbook.example.com/
nav:
  - Home: index.md
  - Start here: start-here.md
  - Policies: policies/index.md
  - Decisions: decisions/index.md
theme:
  name: material
  font: false
plugins:
  - search
  - handbook:
      search_index: false
      audiences: [all-staff, new-hires, support, managers]
validation:
  links:
    absolute_links: warn
    unrecognized_links: warn
    anchors: warn
"""

V1_DRAFT = policy(
    title="Refunds",
    status="draft",
    effective="2025-02-15",
    reviewed="2025-01-10",
    changes="First version.",
    body="## Rules\n\nRefund within 14 dayz.\n",
)
V1 = policy(
    title="Refunds",
    effective="2025-02-15",
    reviewed="2025-02-01",
    changes="First version.",
    # An owner today's schema does not know, and a key it refuses: old history must still read.
    extra="approver: Jane Doe\n",
    body="## Rules\n\nRefund within 30 dayz of delivery.\n",
)
# The editorial edit: a typo fixed, same version; its front matter is not even valid YAML.
V1_FIXED = (
    V1.replace("approver: Jane Doe\n", "tags: [billing\n")
    .replace("changes: First version.", "changes: >-\n  First\n  version.")
    .replace("dayz", "days")
)
V2 = policy(
    title="Refunds",
    version=2,
    effective="2025-07-01",
    reviewed="2025-06-01",
    changes="Longer window; see the inbox decision.",
    summary="How refunds work, with a longer window.",
    body=(
        "## Rules\n\nRefund within 45 days of delivery.\n\n"
        "Ask [the shared inbox](../decisions/0001-use-a-shared-inbox.md#decision) or read [travel](travel.md).\n"
    ),
)
V3 = policy(
    title="Refunds and returns",
    version=3,
    effective="2025-10-01",
    reviewed="2025-09-01",
    changes="Pay refunds within 5 working days.",
    summary="How refunds and returns work.",
    body=(
        "## Rules\n\nRefund within 45 days of delivery.\n\n"
        "Pay the refund within 5 working days.\n\n"
        "Ask [the shared inbox](../decisions/0002-use-a-ticket-queue.md).\n"
    ),
)


def build_history_repo(root: Path) -> dict[str, str]:
    """A handbook with git history; returns each commit's sha by name.

    refunds: a draft, v1, an editorial fix, v2, renamed to refunds-and-returns, v3.
    expenses: v1, v2, back to v1's text (HB203), v3. leave: v1, v2, v1 with other text (HB202), v3.
    Decision 0001: proposed, accepted, superseded by 0002. travel: published, later removed.
    """
    git = Git(root)
    sha = {}
    sha["start"] = git.commit(
        {
            "mkdocs.yml": SITE_YML,
            "policies/owners.yml": OWNERS,
            "docs/index.md": "# Home\n",
            "decisions/0001-use-a-shared-inbox.md": decision(status="proposed", date="2025-01-02"),
            "policies/travel.md": policy(title="Travel", effective="2025-01-06", reviewed="2025-01-06"),
            "policies/expenses.md": policy(title="Expenses", effective="2025-03-01", body="Claim within a month.\n"),
            "policies/leave.md": policy(title="Leave", effective="2025-03-01", body="Book leave early.\n"),
        },
        "Start the handbook",
        "2025-01-02T09:00:00+00:00",
        ALICE,
    )
    sha["draft"] = git.commit({"policies/refunds.md": V1_DRAFT}, "Draft refunds", "2025-01-10T09:00:00+00:00", DANA)
    sha["v1"] = git.commit({"policies/refunds.md": V1}, "Publish refunds", "2025-02-01T10:00:00+01:00", ALICE)
    sha["fix"] = git.commit(
        {
            "policies/refunds.md": V1_FIXED,
            "decisions/0001-use-a-shared-inbox.md": decision(status="accepted", date="2025-01-02"),
        },
        "Fix a typo; accept 0001",
        "2025-02-10T09:00:00+00:00",
        BOB,
    )
    sha["expenses-v2"] = git.commit(
        {
            "policies/expenses.md": policy(
                title="Expenses",
                version=2,
                effective="2025-04-01",
                body="Claim within two months.\n",
                changes="Longer.",
            ),
            "policies/leave.md": policy(
                title="Leave", version=2, effective="2025-04-01", body="Book leave a month ahead.\n", changes="Earlier."
            ),
        },
        "Expenses and leave v2",
        "2025-04-01T09:00:00+00:00",
        CAROL,
    )
    sha["backwards"] = git.commit(
        {
            "policies/expenses.md": policy(title="Expenses", effective="2025-03-01", body="Claim within a month.\n"),
            "policies/leave.md": policy(title="Leave", effective="2025-03-01", body="Book leave whenever.\n"),
        },
        "Revert expenses, rewrite leave",
        "2025-05-01T09:00:00+00:00",
        CAROL,
    )
    sha["expenses-v3"] = git.commit(
        {
            "policies/expenses.md": policy(
                title="Expenses",
                version=3,
                effective="2025-05-15",
                body="Claim within six weeks.\n",
                changes="Six weeks.",
            ),
            "policies/leave.md": policy(
                title="Leave",
                version=3,
                effective="2025-05-15",
                body="Book leave three weeks ahead.\n",
                changes="Three weeks.",
            ),
        },
        "Expenses and leave v3",
        "2025-05-15T09:00:00+00:00",
        CAROL,
    )
    sha["v2"] = git.commit({"policies/refunds.md": V2}, "Refunds v2", "2025-06-01T09:00:00+00:00", CAROL)
    git.run("mv", "policies/refunds.md", "policies/refunds-and-returns.md")
    sha["rename"] = git.commit({}, "Rename refunds", "2025-08-01T09:00:00+00:00", CAROL)
    sha["v3"] = git.commit(
        {
            "policies/refunds-and-returns.md": V3,
            "decisions/0002-use-a-ticket-queue.md": decision(
                title="Use a ticket queue", date="2025-09-01", extra="supersedes: [1]\n"
            ),
            "decisions/0001-use-a-shared-inbox.md": decision(status="superseded", date="2025-01-02"),
        },
        "Refunds v3; a ticket queue supersedes the inbox",
        "2025-09-01T09:00:00+00:00",
        ALICE,
    )
    (root / "policies/travel.md").unlink()
    sha["travel-gone"] = git.commit({}, "Remove travel", "2025-10-15T09:00:00+00:00", BOB)
    return sha


def corpus_at(root: Path) -> Corpus:
    corpus = load_corpus(settings_for(root))
    assert not corpus.errors, corpus.errors
    return corpus


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    return tmp_path, build_history_repo(tmp_path)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_versions_dates_authors_and_folded_text(repo: tuple[Path, dict[str, str]]) -> None:
    root, sha = repo
    history = read_history(corpus_at(root))
    assert history.complete and history.note is None
    v1, v2, v3 = history.versions["refunds-and-returns"]
    # v1: published by the first non-draft commit (Alice), with the text of the editorial fix (Bob).
    assert (v1.number, v1.published, v1.author, v1.commit) == (
        1,
        at("2025-02-01T10:00:00+01:00"),
        "Alice Able",
        sha["v1"],
    )
    assert v1.body == "## Rules\n\nRefund within 30 days of delivery.\n"
    assert (v1.title, v1.status, v1.effective, v1.changes, v1.path) == (
        "Refunds",
        "active",
        dt.date(2025, 2, 15),
        "First version.",
        "policies/refunds.md",
    )
    assert (v2.number, v2.published, v2.author, v2.commit, v2.effective) == (
        2,
        at("2025-06-01T09:00:00+00:00"),
        "Carol Clark",
        sha["v2"],
        dt.date(2025, 7, 1),
    )
    assert v2.summary == "How refunds work, with a longer window."
    assert (v3.number, v3.published, v3.author, v3.commit, v3.title) == (
        3,
        at("2025-09-01T09:00:00+00:00"),
        "Alice Able",
        sha["v3"],
        "Refunds and returns",
    )
    assert v3.path == "policies/refunds-and-returns.md" and v3.changes == "Pay refunds within 5 working days."
    assert all(v.policy_id == "refunds-and-returns" for v in (v1, v2, v3))


def test_draft_commits_never_count(repo: tuple[Path, dict[str, str]]) -> None:
    root, sha = repo
    history = read_history(corpus_at(root))
    commits = {v.commit for versions in history.versions.values() for v in versions}
    assert sha["draft"] not in commits
    assert all(v.author != "Dana Draft" for v in history.versions["refunds-and-returns"])


def test_rename_keeps_history_and_is_recorded(repo: tuple[Path, dict[str, str]]) -> None:
    root, _ = repo
    history = read_history(corpus_at(root))
    assert history.renames == {"refunds": "refunds-and-returns"}
    assert "refunds" not in history.versions
    assert history.versions_of("refunds") == history.versions["refunds-and-returns"]


def test_backwards_and_reused_numbers_are_warnings(repo: tuple[Path, dict[str, str]]) -> None:
    root, sha = repo
    history = read_history(corpus_at(root))
    assert [(w.path, w.line, w.code, w.message) for w in history.warnings] == [
        (
            "policies/expenses.md",
            3,
            "HB203",
            f"commit {sha['backwards'][:7]} (2025-05-01) goes back to version 1 (the text of that version as "
            f"published): version 2 was published in commit {sha['expenses-v2'][:7]} (2025-04-01); "
            "number the next version 3",
        ),
        (
            "policies/leave.md",
            3,
            "HB202",
            f"commit {sha['backwards'][:7]} (2025-05-01) reuses version 1 for a different text than the version 1 "
            f"published in commit {sha['start'][:7]} (2025-01-02): version 2 was published in commit "
            f"{sha['expenses-v2'][:7]} (2025-04-01); number the next version 3",
        ),
    ]
    assert all(isinstance(w, HandbookError) for w in history.warnings)
    # The published record stands: the backwards commits made no version and changed none.
    expenses = history.versions["expenses"]
    assert [(v.number, v.commit) for v in expenses] == [
        (1, sha["start"]),
        (2, sha["expenses-v2"]),
        (3, sha["expenses-v3"]),
    ]
    assert history.versions["leave"][0].body == "Book leave early.\n"


def test_a_number_lower_than_ever_published_goes_backwards(git_repo: Git) -> None:
    root = git_repo.root
    git_repo.commit({"policies/owners.yml": OWNERS, "policies/a.md": policy()}, "v1", "2025-01-01T00:00:00+00:00")
    git_repo.commit({"policies/a.md": policy(version=3, body="Three.\n")}, "v3", "2025-02-01T00:00:00+00:00")
    two = git_repo.commit({"policies/a.md": policy(version=2, body="Two.\n")}, "v2", "2025-03-01T00:00:00+00:00")
    git_repo.commit(
        {"policies/a.md": policy(version=2, body="Two, edited.\n")}, "v2 again", "2025-03-02T00:00:00+00:00"
    )
    history = read_history(corpus_at(root))
    three = history.versions["a"][-1].commit
    # One warning for the run of commits with the lower number, not one per commit.
    assert [(w.path, w.code, w.message) for w in history.warnings] == [
        (
            "policies/a.md",
            "HB203",
            f"commit {two[:7]} (2025-03-01) goes backwards from version 3: "
            f"version 3 was published in commit {three[:7]} (2025-02-01); number the next version 4",
        ),
    ]
    assert [v.number for v in history.versions["a"]] == [1, 3]


def test_uncommitted_lower_number_is_a_warning(git_repo: Git) -> None:
    git_repo.commit({"policies/owners.yml": OWNERS, "policies/a.md": policy()}, "v1", "2025-01-01T00:00:00+00:00")
    three = git_repo.commit({"policies/a.md": policy(version=3, body="Three.\n")}, "v3", "2025-02-01T00:00:00+00:00")
    (git_repo.root / "policies/a.md").write_text(policy(version=2, body="Two.\n"), encoding="utf-8")
    history = read_history(corpus_at(git_repo.root))
    assert [(w.path, w.line, w.code, w.message) for w in history.warnings] == [
        (
            "policies/a.md",
            3,
            "HB203",
            f"the working copy has version 2, but version 3 was published in commit {three[:7]} (2025-02-01); "
            "number the next version 4",
        ),
    ]
    assert [v.number for v in history.versions["a"]] == [1, 3]


def test_decision_status_timeline(repo: tuple[Path, dict[str, str]]) -> None:
    root, sha = repo
    history = read_history(corpus_at(root))
    assert history.status_changes[1] == (
        StatusChange(1, "proposed", at("2025-01-02T09:00:00+00:00"), "Alice Able", sha["start"]),
        StatusChange(1, "accepted", at("2025-02-10T09:00:00+00:00"), "Bob Baker", sha["fix"]),
        StatusChange(1, "superseded", at("2025-09-01T09:00:00+00:00"), "Alice Able", sha["v3"]),
    )
    assert history.status_changes[2] == (
        StatusChange(2, "accepted", at("2025-09-01T09:00:00+00:00"), "Alice Able", sha["v3"]),
    )


def test_deleted_records_have_no_history(repo: tuple[Path, dict[str, str]]) -> None:
    root, _ = repo
    history = read_history(corpus_at(root))
    assert sorted(history.versions) == ["expenses", "leave", "refunds-and-returns"]


def test_in_force_on_is_by_effective_date(repo: tuple[Path, dict[str, str]]) -> None:
    root, _ = repo
    history = read_history(corpus_at(root))
    assert history.in_force_on("refunds-and-returns", dt.date(2025, 2, 14)) is None
    assert history.in_force_on("refunds-and-returns", dt.date(2025, 2, 15)).number == 1  # type: ignore[union-attr]
    # v2 was committed on 1 June but took effect on 1 July.
    assert history.in_force_on("refunds-and-returns", dt.date(2025, 6, 30)).number == 1  # type: ignore[union-attr]
    assert history.in_force_on("refunds", dt.date(2025, 7, 1)).number == 2  # type: ignore[union-attr]
    assert history.in_force_on("refunds-and-returns", dt.date(2030, 1, 1)).number == 3  # type: ignore[union-attr]


def test_uncommitted_edit_is_the_current_versions_text(repo: tuple[Path, dict[str, str]]) -> None:
    root, sha = repo
    (root / "policies/refunds-and-returns.md").write_text(
        V3.replace("5 working days", "3 working days"), encoding="utf-8"
    )
    history = read_history(corpus_at(root))
    v3 = history.versions["refunds-and-returns"][-1]
    assert (v3.number, v3.commit, v3.author, v3.published) == (
        3,
        sha["v3"],
        "Alice Able",
        at("2025-09-01T09:00:00+00:00"),
    )
    assert "3 working days" in v3.body


def test_uncommitted_new_version_is_dated_at_head_by_its_owner(repo: tuple[Path, dict[str, str]]) -> None:
    root, _ = repo
    text = V3.replace("version: 3", "version: 4").replace("2025-10-01", "2025-12-01")
    (root / "policies/refunds-and-returns.md").write_text(text, encoding="utf-8")
    history = read_history(corpus_at(root))
    v4 = history.versions["refunds-and-returns"][-1]
    # HEAD's commit date, not the build clock: the same checkout builds the same pages.
    assert (v4.number, v4.commit, v4.author, v4.published, v4.effective) == (
        4,
        "",
        "Billing Team",
        at("2025-10-15T09:00:00+00:00"),
        dt.date(2025, 12, 1),
    )
    assert [v.number for v in history.versions["refunds-and-returns"]] == [1, 2, 3, 4]


def test_uncommitted_new_file_and_status(repo: tuple[Path, dict[str, str]]) -> None:
    root, _ = repo
    (root / "policies/new.md").write_text(policy(title="New", effective="2026-01-01"), encoding="utf-8")
    (root / "decisions/0002-use-a-ticket-queue.md").write_text(
        decision(title="Use a ticket queue", status="deprecated", date="2025-09-01", extra="supersedes: [1]\n"),
        encoding="utf-8",
    )
    history = read_history(corpus_at(root))
    (new,) = history.versions["new"]
    assert (new.number, new.commit, new.published) == (1, "", at("2025-10-15T09:00:00+00:00"))
    assert [c.status for c in history.status_changes[2]] == ["accepted", "deprecated"]
    assert history.status_changes[2][-1].commit == ""


def _copy_without_git(root: Path, target: Path) -> Path:
    shutil.copytree(root, target, ignore=shutil.ignore_patterns(".git"))
    return target


def test_without_git_only_current_versions_and_a_note(
    repo: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = repo
    outside = tmp_path_factory.mktemp("tarball")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(outside))  # never find a repository above the copy
    copy = _copy_without_git(root, outside / "handbook")
    history = read_history(corpus_at(copy))
    assert not history.complete
    assert history.note is not None and "not a git repository" in history.note and "fetch-depth: 0" in history.note
    (v3,) = history.versions["refunds-and-returns"]
    assert (v3.number, v3.published, v3.author, v3.commit) == (
        3,
        dt.datetime(2025, 10, 1, tzinfo=UTC),
        "Billing Team",
        "",
    )
    assert v3.body == corpus_at(copy).policies["refunds-and-returns"].body
    assert history.status_changes[1] == (StatusChange(1, "superseded", dt.datetime(2025, 1, 2, tzinfo=UTC), "", ""),)
    assert history.renames == {} and history.warnings == ()


def test_shallow_clone_is_detected(repo: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> None:
    root, _ = repo
    clone = tmp_path_factory.mktemp("shallow") / "handbook"
    subprocess.run(["git", "clone", "-q", "--depth", "1", root.as_uri(), str(clone)], check=True, capture_output=True)
    history = read_history(corpus_at(clone))
    assert not history.complete
    assert history.note is not None and "shallow clone" in history.note
    assert "git fetch --unshallow" in history.note and "fetch-depth: 0" in history.note
    assert [v.number for v in history.versions["refunds-and-returns"]] == [3]


def test_git_not_installed(repo: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = repo
    corpus = corpus_at(root)
    monkeypatch.setenv("PATH", str(root / "no-such-bin"))
    history = read_history(corpus)
    assert not history.complete and history.note is not None and "git is not installed" in history.note


def test_repository_without_commits(git_repo: Git) -> None:
    root = git_repo.root
    (root / "policies").mkdir()
    (root / "policies/owners.yml").write_text(OWNERS, encoding="utf-8")
    (root / "policies/a.md").write_text(policy(), encoding="utf-8")
    history = read_history(corpus_at(root))
    assert not history.complete and history.note is not None and "no commit yet" in history.note
    assert [v.number for v in history.versions["a"]] == [1]


def test_handbook_in_a_subfolder_of_the_repository(git_repo: Git) -> None:
    git_repo.commit(
        {"handbook/policies/owners.yml": OWNERS, "handbook/policies/a.md": policy()}, "v1", "2025-01-01T00:00:00+00:00"
    )
    git_repo.run("mv", "handbook/policies/a.md", "handbook/policies/b.md")
    git_repo.commit({"handbook/policies/b.md": policy(version=2, body="Changed.\n")}, "v2", "2025-02-01T00:00:00+00:00")
    history = read_history(corpus_at(git_repo.root / "handbook"))
    assert history.complete
    assert [(v.number, v.path) for v in history.versions["b"]] == [(1, "policies/a.md"), (2, "policies/b.md")]
    assert history.renames == {"a": "b"}


def test_merged_branch_publishes_when_it_lands(git_repo: Git) -> None:
    git_repo.commit({"policies/owners.yml": OWNERS, "policies/a.md": policy()}, "v1", "2025-01-01T00:00:00+00:00")
    git_repo.run("checkout", "-q", "-b", "edit")
    git_repo.commit(
        {"policies/a.md": policy(version=2, body="Two.\n")}, "v2 on a branch", "2025-02-01T00:00:00+00:00", BOB
    )
    git_repo.run("checkout", "-q", "main")
    git_repo.commit({"docs/index.md": "# Home\n"}, "unrelated", "2025-02-05T00:00:00+00:00")
    git_repo.run("merge", "-q", "--no-ff", "-m", "Merge edit", "edit", date="2025-03-01T00:00:00+00:00")
    merge = git_repo.run("rev-parse", "HEAD").strip()
    (v1, v2) = read_history(corpus_at(git_repo.root)).versions["a"]
    assert (v2.number, v2.commit, v2.published) == (2, merge, at("2025-03-01T00:00:00+00:00"))


def test_lenient_document_never_raises() -> None:
    assert lenient_document("p.md", "---\ntitle: A\nversion: [\n---\nBody\n") == (
        {"title": "A", "version": "["},
        "Body\n",
    )
    assert lenient_document("p.md", "no front matter") == ({}, "no front matter")
    # Each key as YAML reads its lines alone; the alias alone means nothing, and stays text.
    assert lenient_document("p.md", "---\na: &x 1\nb: *x\n---\nText") == ({"a": 1, "b": "*x"}, "Text")
    assert lenient_document("p.md", "") == ({}, "")


def test_history_is_one_git_log_and_one_cat_file(
    repo: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = repo
    corpus = corpus_at(root)
    calls: list[list[str]] = []
    real_popen = subprocess.Popen

    def popen(args: list[str], *a: object, **k: object) -> subprocess.Popen[bytes]:
        calls.append(args)  # subprocess.run goes through Popen too
        return real_popen(args, *a, **k)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(subprocess, "Popen", popen)
    read_history(corpus)
    commands = [next(arg for arg in call[3:] if not arg.startswith("-") and "=" not in arg) for call in calls]
    # A fixed handful of processes, whatever the number of files and commits.
    assert commands == ["rev-parse", "config", "show", "log", "cat-file"], commands


def _as_read(history: History) -> tuple[History, list[tuple[str, int, str, str]]]:
    """`history` as values: its warnings are errors, which compare by identity."""
    import dataclasses

    warnings = [(w.path, w.line, w.message, w.code) for w in history.warnings]
    return dataclasses.replace(history, warnings=()), warnings


def _asked_of_git(monkeypatch: pytest.MonkeyPatch, *, lose_first: bool = False) -> list[list[str]]:
    """Each list of blobs history asks `git cat-file` for; with `lose_first`, the first blob of the
    first non-empty list comes back missing, as from a clone that no longer has it."""
    from handbook import git

    asked: list[list[str]] = []
    real = git.blobs

    def blobs(root: Path, shas: Sequence[str]) -> Iterator[bytes | None]:
        asked.append(list(shas))
        for index, found in enumerate(real(root, shas)):
            yield None if lose_first and index == 0 and len([a for a in asked if a]) == 1 else found

    monkeypatch.setattr(git, "blobs", blobs)
    return asked


def _read_with_cache(corpus: Corpus) -> History:
    """History read with the handbook's cache, which is then saved as a run saves it."""
    from handbook.cache import Cache

    cache = Cache.for_handbook(corpus.settings)
    history = read_history(corpus, cache=cache)
    cache.save()
    return history


def test_what_history_reads_of_each_text_is_kept_by_blob(
    repo: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = corpus_at(repo[0])
    plain = read_history(corpus)
    asked = _asked_of_git(monkeypatch)
    assert _as_read(_read_with_cache(corpus)) == _as_read(plain)
    every_text = sorted(sha for shas in asked for sha in shas)
    assert {p.name for p in (repo[0] / ".cache/handbook").iterdir()} >= {"peeks.json", "versions.json"}
    asked.clear()
    assert _as_read(_read_with_cache(corpus)) == _as_read(plain)
    # The next run asks git only for the texts of the versions: what each commit says is kept.
    versions = [v for found in plain.versions.values() for v in found]
    assert [len(shas) for shas in asked] == [len(versions)] and len(versions) < len(every_text)
    assert set(asked[0]) < set(every_text)


def test_a_kept_text_git_no_longer_has_is_read_as_never_read(
    repo: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = corpus_at(repo[0])
    plain = _read_with_cache(corpus)
    versions = [v for found in plain.versions.values() for v in found]
    asked = _asked_of_git(monkeypatch, lose_first=True)
    # The first text of a version comes back missing: every text is then read from git again.
    assert _as_read(_read_with_cache(corpus)) == _as_read(plain)
    assert [len(shas) for shas in asked[:1]] == [len(versions)] and len(asked[1]) > len(versions)


def test_empty_history_type_defaults() -> None:
    history = History()
    assert history.complete and history.versions_of("x") == () and history.current_version("x") is None
