"""`handbook new` and `handbook supersede`: valid files, free numbers across branches, byte-exact edits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import BLOG_FILES, Git, Writer, decision, policy, settings_for
from handbook import numbering
from handbook.cli.main import main
from handbook.editing import scaffold, writing
from handbook.errors import HandbookError
from handbook.loading import load_corpus, load_decision, load_policy, load_post
from handbook.records import DecisionStatus, PolicyStatus

AUTHORS = """\
authors:
  jdoe:
    name: Jane Doe
    description: Head of Support
"""


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(root)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# -- new ----------------------------------------------------------------------------------------


def test_new_policy_writes_a_draft_that_loads(write_handbook: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook({})
    monkeypatch.chdir(root)
    code, out, _ = run(
        root,
        "new",
        "policy",
        "Refunds & Returns (UK)",
        "--owner",
        "billing",
        "--date",
        "2026-03-02",
        "--audience",
        "support",
    )
    assert (code, out) == (0, "policies/refunds-returns-uk.md\n")
    text = (root / "policies/refunds-returns-uk.md").read_text()
    assert text.startswith(
        "---\ntitle: Refunds & Returns (UK)\nversion: 1\nstatus: draft\nowner: billing\n"
        "effective: 2026-03-02\nreviewed: 2026-03-02\naudience: [support]\n"
        "summary: 'TODO: one sentence saying what this policy is for.'\nchanges: First version.\n---\n## Purpose\n"
    )
    corpus = load_corpus(settings_for(root))
    assert corpus.errors == ()
    loaded = corpus.policies["refunds-returns-uk"]
    assert (loaded.status, loaded.version, loaded.owner, loaded.effective) == (
        PolicyStatus.DRAFT,
        1,
        "billing",
        dt.date(2026, 3, 2),
    )


def test_new_policy_refuses_to_overwrite(write_handbook: Writer) -> None:
    root = write_handbook({"policies/refunds.md": policy()})
    before = (root / "policies/refunds.md").read_bytes()
    code, out, err = run(root, "new", "policy", "Refunds", "--owner", "billing")
    assert code == 2
    assert out == ""
    assert "policies/refunds.md already exists: not overwritten" in err
    assert (root / "policies/refunds.md").read_bytes() == before


def test_new_policy_needs_a_known_owner(write_handbook: Writer) -> None:
    root = write_handbook({})
    code, _, err = run(root, "new", "policy", "Refunds")
    assert code == 2
    assert "give the policy's owner with --owner: one of billing, support-ops" in err
    code, _, err = run(root, "new", "policy", "Refunds", "--owner", "finance")
    assert code == 2
    assert "owner 'finance' is not in policies/owners.yml: use one of billing, support-ops" in err
    assert not (root / "policies").exists() or not any((root / "policies").glob("*.md"))


def test_new_policy_takes_the_placeholder_owner(write_handbook: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook({})
    monkeypatch.chdir(root)
    code, out, _ = run(root, "new", "policy", "Refunds", "--owner", "unassigned", "--date", "2026-03-02")
    assert (code, out) == (0, "policies/refunds.md\n")
    corpus = load_corpus(settings_for(root))
    assert (corpus.errors, corpus.policies["refunds"].owner) == ((), "unassigned")


def test_new_policy_from_a_title_without_letters_needs_an_id(write_handbook: Writer) -> None:
    root = write_handbook({})
    code, _, err = run(root, "new", "policy", "★★★", "--owner", "billing")
    assert code == 2
    assert "give one with --id" in err
    code, out, _ = run(root, "new", "policy", "★★★", "--owner", "billing", "--id", "stars")
    assert code == 0 and out.strip().endswith("policies/stars.md")


def test_new_decision_is_proposed_numbered_and_loads(write_handbook: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook(
        {"decisions/0001-use-a-shared-inbox.md": decision(), "decisions/0007-later.md": decision("Later")}
    )
    monkeypatch.chdir(root)
    code, out, _ = run(
        root,
        "new",
        "decision",
        "Route refunds through a queue",
        "--author",
        "Jane Doe",
        "--decision-maker",
        "Tom Okafor",
        "--date",
        "2026-05-01",
    )
    assert (code, out) == (0, "decisions/0008-route-refunds-through-a-queue.md\n")
    record = load_decision(settings_for(root), "decisions/0008-route-refunds-through-a-queue.md")
    assert record.status is DecisionStatus.PROPOSED
    assert record.title == "Route refunds through a queue"
    assert record.decision_makers == ("Jane Doe", "Tom Okafor")
    assert record.date == dt.date(2026, 5, 1)
    assert "## Considered Options" in record.body
    assert load_corpus(settings_for(root)).errors == ()


def test_next_decision_number_skips_numbers_used_on_other_branches(
    git_repo: Git, write_handbook: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_handbook({"decisions/0001-first.md": decision("First")})
    git_repo.commit({}, "first", "2026-01-01T10:00:00+00:00")
    git_repo.run("checkout", "-q", "-b", "feature-a")
    git_repo.commit({"decisions/0002-from-a.md": decision("From A")}, "a", "2026-01-02T10:00:00+00:00")
    git_repo.run("checkout", "-q", "-b", "feature-b", "main")
    git_repo.commit({"decisions/0003-from-b.md": decision("From B")}, "b", "2026-01-03T10:00:00+00:00")
    git_repo.run("checkout", "-q", "main")
    git_repo.run("branch", "same-as-b", "feature-b")
    # What another clone pushed: a remote-tracking branch counts too.
    git_repo.run(
        "update-ref",
        "refs/remotes/origin/feature-c",
        git_repo.commit({"decisions/0004-from-c.md": decision("From C")}, "c", "2026-01-04T10:00:00+00:00"),
    )
    git_repo.run("reset", "-q", "--hard", "HEAD~1")
    assert sorted(p.name for p in (root / "decisions").iterdir()) == ["0001-first.md"]

    calls: list[tuple[str, ...]] = []
    real_git = numbering.git

    def counting_git(where: Path, *args: str) -> str | None:
        calls.append(args)
        return real_git(where, *args)

    monkeypatch.setattr(numbering, "git", counting_git)
    settings = settings_for(root)
    assert numbering.decision_numbers_on_branches(settings) == {
        1: {"0001-first.md"},
        2: {"0002-from-a.md"},
        3: {"0003-from-b.md"},
        4: {"0004-from-c.md"},
    }
    # One for-each-ref, then one ls-tree per distinct commit (same-as-b shares feature-b's).
    assert [c[0] for c in calls] == ["for-each-ref", "ls-tree", "ls-tree", "ls-tree", "ls-tree"]
    assert numbering.next_decision_number(settings) == 5
    monkeypatch.chdir(root)
    code, out, _ = run(root, "new", "decision", "Fifth")
    assert (code, out) == (0, "decisions/0005-fifth.md\n")
    code, _, err = run(root, "new", "decision", "Taken", "--number", "3")
    assert code == 2
    assert "decision number 0003 is already used here or on another branch" in err


def test_decision_number_clash_with_an_unmerged_branch_is_reported(git_repo: Git, write_handbook: Writer) -> None:
    write_handbook({"decisions/0001-first.md": decision("First")})
    git_repo.commit({}, "first", "2026-01-01T10:00:00+00:00")
    git_repo.run("checkout", "-q", "-b", "other-request")
    git_repo.commit({"decisions/0002-theirs.md": decision("Theirs")}, "theirs", "2026-01-02T10:00:00+00:00")
    git_repo.run("checkout", "-q", "-b", "my-request", "main")
    git_repo.commit({"decisions/0002-mine.md": decision("Mine")}, "mine", "2026-01-03T10:00:00+00:00")
    problems = numbering.decision_number_clashes(settings_for(git_repo.root))
    assert [(p.path, p.line, p.code) for p in problems] == [("decisions/0002-mine.md", 1, "HB209")]
    assert "0002 is also taken by 0002-theirs.md on branch other-request" in problems[0].message
    # Once theirs is merged, the clash is a duplicate number in the tree (HB204), not a branch clash.
    git_repo.run("merge", "-q", "--no-edit", "other-request")
    assert numbering.decision_number_clashes(settings_for(git_repo.root)) == []
    assert [e.code for e in load_corpus(settings_for(git_repo.root)).integrity_errors] == ["HB204", "HB204"]


def test_no_git_means_no_branch_numbers(write_handbook: Writer) -> None:
    root = write_handbook({"decisions/0004-x.md": decision()})
    settings = settings_for(root)
    assert numbering.decision_numbers_on_branches(settings) == {}
    assert numbering.decision_number_clashes(settings) == []
    assert numbering.next_decision_number(settings) == 5


def test_new_post_is_a_draft_with_known_authors(write_handbook: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_handbook({"docs/blog/.authors.yml": AUTHORS})
    monkeypatch.chdir(root)
    code, out, _ = run(
        root, "new", "post", "Holiday hours", "--author", "jdoe", "--category", "Announcements", "--date", "2026-12-01"
    )
    assert (code, out) == (0, "docs/blog/posts/holiday-hours.md\n")
    post = load_post(settings_for(root), "docs/blog/posts/holiday-hours.md")
    assert (post.title, post.date, post.authors, post.categories, post.draft) == (
        "Holiday hours",
        dt.date(2026, 12, 1),
        ("jdoe",),
        ("Announcements",),
        True,
    )
    code, _, err = run(root, "new", "post", "Another", "--author", "nobody")
    assert code == 2
    assert "author 'nobody' is not in docs/blog/.authors.yml: use one of jdoe" in err


def test_new_post_takes_only_a_category_the_blog_allows(write_handbook: Writer) -> None:
    root = write_handbook(BLOG_FILES)
    code, _, err = run(root, "new", "post", "Gossip corner", "--author", "jdoe", "--category", "Gossip")
    assert code == 2
    assert err == (
        "Error: 'categories' has unknown value 'Gossip': use one of News, How-to "
        "(the blog's categories_allowed in mkdocs.yml)\n"
    )
    assert not (root / "docs/blog/posts/gossip-corner.md").exists()


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Use a shared inbox", "use-a-shared-inbox"),
        ("Réunions & Café — 2026!", "reunions-cafe-2026"),
        ("  --Lots   of   spaces--  ", "lots-of-spaces"),
        ("x" * 70, "x" * 60),
        ("word " * 20, "-".join(["word"] * 12)),
        ("日本語", ""),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert scaffold.slugify(title) == slug


# -- editing front matter ----------------------------------------------------------------------


def test_front_matter_edit_keeps_every_other_byte() -> None:
    raw = (
        "\ufeff---\r\n"
        "# Owner approved this on 3 May.\r\n"
        "status: accepted   # was proposed\r\n"
        "date: 2025-03-01\r\n"
        "supersedes:\r\n"
        "  - 2\r\n"
        "\r\n"
        "  - 3\r\n"
        "tags: [a,   b]\r\n"
        "---\r\n"
        "# Title\r\n\r\nBody with status: accepted in it.\r\n"
    ).encode("utf-8")
    edited = writing.edit_front_matter(
        "d.md", raw, {"status": "superseded", "supersedes": [2, 3, 5], "informed": ["All staff"]}
    )
    assert edited.decode("utf-8") == (
        "\ufeff---\r\n"
        "# Owner approved this on 3 May.\r\n"
        "status: superseded   # was proposed\r\n"
        "date: 2025-03-01\r\n"
        "supersedes: [2, 3, 5]\r\n"
        "tags: [a,   b]\r\n"
        "informed: [All staff]\r\n"
        "---\r\n"
        "# Title\r\n\r\nBody with status: accepted in it.\r\n"
    )


def test_front_matter_edit_quotes_what_yaml_needs() -> None:
    raw = b"---\nchanges: Old.\nversion: 2\n---\nbody\n"
    edited = writing.edit_front_matter("p.md", raw, {"changes": "Retired: replaced by X (x).", "version": 3})
    assert edited == b"---\nchanges: 'Retired: replaced by X (x).'\nversion: 3\n---\nbody\n"


def test_front_matter_edit_needs_front_matter() -> None:
    with pytest.raises(HandbookError, match="no front matter to edit"):
        writing.edit_front_matter("p.md", b"# Title\n", {"status": "retired"})


# -- supersede ---------------------------------------------------------------------------------

OLD_DECISION = """\
---
status: accepted   # agreed at the March review
date: 2025-03-01
decision-makers:
  - Jane Doe
---
# Use a shared inbox

## Context and Problem Statement

status: accepted appears in the text too.
"""


def test_supersede_decisions_edits_both_front_matters_only(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            "decisions/0004-use-a-shared-inbox.md": OLD_DECISION,
            "decisions/0006-use-queues.md": decision("Use queues", extra="supersedes: [2]\n"),
            "decisions/0002-older.md": decision("Older", status="superseded"),
        }
    )
    code, out, _ = run(root, "supersede", "0004-use-a-shared-inbox", "6")
    assert code == 0
    assert (
        out
        == "decisions/0006-use-queues.md: supersedes: [2, 4]\ndecisions/0004-use-a-shared-inbox.md: status: accepted -> superseded\n"
    )
    assert (root / "decisions/0004-use-a-shared-inbox.md").read_text() == OLD_DECISION.replace(
        "status: accepted   # agreed", "status: superseded   # agreed", 1
    )
    assert (root / "decisions/0006-use-queues.md").read_text() == decision("Use queues", extra="supersedes: [2, 4]\n")
    corpus = load_corpus(settings_for(root))
    assert corpus.errors == ()
    assert corpus.decision_successor == {2: 6, 4: 6}
    # Already recorded: nothing to do, still a success.
    code, out, _ = run(root, "supersede", "4", "decisions/0006-use-queues.md")
    assert (code, out) == (0, "already recorded: decisions/0006-use-queues.md supersedes 4; nothing changed\n")


def test_supersede_policy_retires_the_old_one_with_a_version(write_handbook: Writer) -> None:
    old_text = policy("Escalation matrix", version=3, extra="# kept comment\ntags: [escalation]\n")
    root = write_handbook(
        {
            "policies/escalation-matrix.md": old_text,
            "policies/complaint-escalation.md": policy(
                "Complaint escalation", effective="2026-04-14", reviewed="2026-04-14"
            ),
        }
    )
    code, out, _ = run(root, "supersede", "escalation-matrix", "complaint-escalation")
    assert code == 0
    assert out == (
        "policies/complaint-escalation.md: supersedes: escalation-matrix\n"
        "policies/escalation-matrix.md: retired with version 4, effective 2026-04-14\n"
    )
    assert (root / "policies/escalation-matrix.md").read_text() == (
        old_text.replace("version: 3", "version: 4")
        .replace("status: active", "status: retired")
        .replace("effective: 2026-01-05", "effective: 2026-04-14")
        .replace(
            "changes: First version.", "changes: 'Retired: replaced by Complaint escalation (complaint-escalation).'"
        )
    )
    corpus = load_corpus(settings_for(root))
    assert corpus.errors == ()
    assert corpus.policy_successor == {"escalation-matrix": "complaint-escalation"}
    assert corpus.policies["escalation-matrix"].status is PolicyStatus.RETIRED


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({}, ("9", "1"), "no decision or policy '9'"),
        ({}, ("1", "refunds"), "are not the same kind of record"),
        (
            {"decisions/0003-x.md": decision("X", extra="supersedes: [2]\n")},
            ("2", "1"),
            "decision 0002 is already superseded by 0003",
        ),
        (
            {"decisions/0005-r.md": decision("R", status="rejected")},
            ("5", "1"),
            "decision 0005 is rejected: it was never in force",
        ),
        (
            {"decisions/0005-r.md": decision("R", status="rejected")},
            ("2", "5"),
            "decision 0005 is rejected: a rejected decision cannot supersede",
        ),
        ({}, ("1", "1"), "cannot supersede itself"),
        ({"policies/draft.md": policy("Draft", status="draft")}, ("draft", "refunds"), "'draft' is a draft"),
        (
            {"policies/other.md": policy("Other", extra="supersedes: refunds\n")},
            ("refunds", "new"),
            "'refunds' is already superseded by 'other'",
        ),
    ],
)
def test_supersede_refuses_what_would_break_the_handbook(
    write_handbook: Writer, files: dict[str, str], args: tuple[str, str], message: str
) -> None:
    everything = {
        "decisions/0001-a.md": decision("A"),
        "decisions/0002-b.md": decision("B"),
        "policies/refunds.md": policy(),
        "policies/new.md": policy("New"),
        **files,
    }
    root = write_handbook(everything)
    before = {p: (root / p).read_bytes() for p in everything}
    code, _, err = run(root, "supersede", *args)
    assert code == 2
    assert message in err
    assert {p: (root / p).read_bytes() for p in everything} == before


def test_supersede_with_a_draft_successor_warns(write_handbook: Writer) -> None:
    root = write_handbook(
        {"policies/refunds.md": policy(), "policies/refunds-v2.md": policy("Refunds 2", status="draft")}
    )
    code, _, err = run(root, "supersede", "refunds", "refunds-v2")
    assert code == 0
    assert "note: 'refunds-v2' is still a draft: set its status to active in the same merge request" in err
    assert load_policy(settings_for(root), "policies/refunds.md").status is PolicyStatus.RETIRED
