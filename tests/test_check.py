"""`handbook check`: one test per finding code on handbooks written into tmp_path, asserting the
exact finding and the exit code, and the sample handbook's planted findings."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import MKDOCS_YML, ROOT, Git, Writer, decision, policy
from handbook.cli.main import main

TODAY = "2026-11-25"
P = "policies/refunds.md"
D1 = "decisions/0001-use-a-shared-inbox.md"
D2 = "decisions/0002-use-a-ticket-queue.md"
Row = tuple[str, int, str, str]


def check(root: Path, *args: str, today: str | None = TODAY) -> Result:
    extra = ["--today", today] if today else []
    return CliRunner().invoke(main, ["check", str(root), *extra, *args])


def findings(root: Path, *args: str) -> tuple[int, list[Row]]:
    """The exit code and (path, line, code, message) of each finding, from the JSON output."""
    result = check(root, "--format", "json", *args)
    assert "Traceback" not in result.output, result.output
    return result.exit_code, [(f["path"], f["line"], f["code"], f["message"]) for f in json.loads(result.stdout)]


def words(count: int, start: int = 0, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in range(start, start + count))


# -- the sample handbook ---------------------------------------------------------------------------


def test_sample_handbook_has_exactly_the_planted_findings(sample_repo: Path) -> None:
    result = check(sample_repo)
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "feedback/refund-took-over-a-week.md:8: error HB120 customers not told: the change was made on 2026-03-01 "
        "(refunds-and-returns@3 took effect), and the customers who asked to hear back were due to be told by "
        "2026-03-31, 239 days ago (within 30 days): tell them, then set 'told' to when and how",
        "feedback/safe-place-ignored.md:8: warning HB121 not reviewed: received on 2026-09-15, 71 days ago, and "
        "still 'received' (a first review is due within 45 days): review it with its owner (Support Operations) "
        "and set 'status'",
        "policies/out-of-hours-cover.md:7: error HB101 review overdue: it was due on 2026-05-15, 194 days ago "
        "(reviewed 2025-05-15, every 12 months): review it with its owner (Support Operations) and set 'reviewed' "
        "to the date of the review",
        "policies/response-time-targets.md:7: warning HB102 review due on 2026-12-10, in 15 days "
        "(reviewed 2025-12-10, every 12 months): plan the review with its owner (Support Operations)",
        "2 error(s), 2 warning(s) in 11 policies, 9 decisions, 8 posts and 9 feedback records",
    ]


def test_sample_handbook_as_json_has_exactly_the_keys(sample_repo: Path) -> None:
    result = check(sample_repo, "--format", "json")
    data = json.loads(result.stdout)
    assert [set(item) for item in data] == [{"path", "line", "severity", "code", "message", "fix"}] * 4
    assert [(i["code"], i["severity"]) for i in data] == [
        ("HB120", "error"),
        ("HB121", "warning"),
        ("HB101", "error"),
        ("HB102", "warning"),
    ]
    assert data[0]["fix"] == "Tell the customers who asked to hear back what changed, and set 'told' to when and how."
    assert data[2]["fix"] == (
        "Review the policy with Support Operations and set 'reviewed' to the date of the review, or publish a new "
        "version."
    )


# -- HB0xx: files that cannot be loaded --------------------------------------------------------------


def test_hb001_a_file_that_cannot_be_loaded_exits_2(write_handbook: Writer) -> None:
    root = write_handbook(
        {P: policy(version="two"), "policies/returns.md": policy(title="Returns", reviewed="2020-01-01")}
    )
    code, found = findings(root)
    # Only the loader's findings: the stale 'returns' waits until every file loads.
    assert (code, found) == (2, [(P, 3, "HB001", "'version' must be a whole number, got 'two'")])
    result = check(root)
    assert result.stdout.splitlines()[-1] == (
        "1 error(s), 0 warning(s) in 1 policies, 0 decisions and 0 posts: "
        "fix the files that cannot be loaded, then check again for everything else"
    )


def test_load_error_fix_comes_from_the_message(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(extra="titel: x\n")})
    data = json.loads(check(root, "--format", "json").stdout)
    assert data[0]["code"] == "HB001" and data[0]["line"] == 11
    assert data[0]["fix"] == "Fix the file as the message says, so that it loads as a record."
    root = write_handbook({P: policy(owner="Billing Team")})
    data = json.loads(check(root, "--format", "json").stdout)
    assert [(f["line"], f["code"], f["message"], f["fix"]) for f in data] == [(
        5, "HB001",
        "'owner' must be a lowercase id like 'support-ops', got 'Billing Team'",
        "Fix the file as the message says, so that it loads as a record.",
    )]  # fmt: skip


# -- HB1xx: stale ------------------------------------------------------------------------------------


def test_hb101_review_overdue_is_an_error(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(reviewed="2025-01-10")})
    assert findings(root) == (1, [(
        P, 7, "HB101",
        "review overdue: it was due on 2026-01-10, 319 days ago (reviewed 2025-01-10, every 12 months): "
        "review it with its owner (Billing Team) and set 'reviewed' to the date of the review",
    )])  # fmt: skip


def test_hb101_uses_review_every(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(reviewed="2026-05-01", extra="review_every: 6\n")})
    code, found = findings(root)
    assert code == 1 and [(f[0], f[1], f[2]) for f in found] == [(P, 7, "HB101")]
    assert "it was due on 2026-11-01, 24 days ago (reviewed 2026-05-01, every 6 months)" in found[0][3]


def test_hb101_defaults_to_todays_real_date(write_handbook: Writer) -> None:
    today = dt.date.today()
    reviewed = dt.date(today.year - 1, today.month, min(today.day, 28)) - dt.timedelta(days=3)
    root = write_handbook({P: policy(reviewed=reviewed.isoformat())})
    result = check(root, today=None)
    assert result.exit_code == 1
    assert " error HB101 review overdue" in result.stdout


def test_hb102_review_due_soon_is_a_warning_and_exits_0(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(reviewed="2025-12-10")})
    assert findings(root) == (0, [(
        P, 7, "HB102",
        "review due on 2026-12-10, in 15 days (reviewed 2025-12-10, every 12 months): plan the review with its owner "
        "(Billing Team)",
    )])  # fmt: skip


def test_retired_and_draft_policies_are_not_due(write_handbook: Writer) -> None:
    root = write_handbook({
        P: policy(reviewed="2020-01-01", status="retired"),
        "policies/returns.md": policy(title="Returns", reviewed="2020-01-01", status="draft"),
    })  # fmt: skip
    os.utime(root / "policies/returns.md", (dt.datetime(2026, 11, 1).timestamp(),) * 2)
    assert findings(root) == (0, [])


def test_hb103_owner_missing_from_the_registry(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(owner="nobody")})
    assert findings(root) == (1, [(
        P, 5, "HB103",
        "owner 'nobody' is not in the owners registry: add it to policies/owners.yml or pick an owner listed there",
    )])  # fmt: skip


def test_hb104_draft_untouched_dated_by_its_last_commit(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(status="draft")})
    Git(root).commit({}, "Draft refunds", date="2026-01-01T12:00:00+00:00")
    assert findings(root) == (0, [(
        P, 4, "HB104",
        "draft untouched for 328 days (last changed 2026-01-01): publish it, or delete it if it has been abandoned",
    )])  # fmt: skip


def test_hb104_without_git_dates_a_draft_by_its_file(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(status="draft")})
    os.utime(root / P, (dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC).timestamp(),) * 2)
    assert findings(root) == (0, [(
        P, 4, "HB104",
        "draft untouched for 85 days (last changed 2026-09-01): publish it, or delete it if it has been abandoned",
    )])  # fmt: skip
    os.utime(root / P, (dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC).timestamp(),) * 2)
    assert findings(root) == (0, [])


def test_hb105_decision_proposed_for_too_long(write_handbook: Writer) -> None:
    root = write_handbook({D1: decision(status="proposed", date="2026-05-01")})
    assert findings(root) == (0, [(
        D1, 2, "HB105", "proposed for 208 days (since 2026-05-01): decide it, and set 'status' to accepted or rejected",
    )])  # fmt: skip


def test_hb106_link_to_a_retired_policy(write_handbook: Writer) -> None:
    root = write_handbook({
        P: policy(body="## Rules\n\nSee [the old rules](old-refunds.md).\n"),
        "policies/old-refunds.md": policy(title="Old refunds", status="retired"),
    })  # fmt: skip
    assert findings(root) == (0, [(
        P, 14, "HB106",
        "links to the retired policy 'old-refunds', which is no longer in force: link to the policy that now covers "
        "it, or drop the link",
    )])  # fmt: skip


def test_hb106_link_to_a_superseded_policy_names_its_successor(write_handbook: Writer) -> None:
    root = write_handbook({
        "policies/returns.md": policy(
            title="Returns", body="## Rules\n\nRefunds follow [the old rules](old-refunds.md).\n"
        ),
        "policies/old-refunds.md": policy(title="Old refunds", status="retired"),
        # The successor may say what it replaced.
        P: policy(
            extra="supersedes: old-refunds\n", body="## Rules\n\nThis replaces [the old rules](old-refunds.md).\n"
        ),
    })  # fmt: skip
    exit_code, found = findings(root)
    assert (exit_code, found) == (0, [(
        "policies/returns.md", 14, "HB106",
        "links to the policy 'old-refunds', superseded by 'refunds', which is no longer in force: link to 'refunds' "
        "instead",
    )])  # fmt: skip
    data = json.loads(check(root, "--format", "json").stdout)
    assert data[0]["fix"] == "Link to 'refunds.md' instead, or drop the link."


def test_hb106_decision_in_force_naming_a_retired_policy(write_handbook: Writer) -> None:
    root = write_handbook({
        P: policy(status="retired"),
        D1: decision(extra="policies: [refunds]\n"),
    })  # fmt: skip
    assert findings(root) == (0, [(
        D1, 4, "HB106",
        "'policies' names the retired policy 'refunds', which is no longer in force: list the policies in force that "
        "this decision shapes",
    )])  # fmt: skip


def test_hb106_policy_shaped_by_a_superseded_decision(write_handbook: Writer) -> None:
    root = write_handbook({
        P: policy(),
        D1: decision(status="superseded", extra="policies: [refunds]\n"),
        D2: decision(title="Use a ticket queue", extra="supersedes: [1]\n"),
    })  # fmt: skip
    assert findings(root) == (0, [(
        P, 1, "HB106",
        "is shaped by decision 0001, superseded by 0002 ('Use a ticket queue'), which does not name this policy: "
        "review the policy against 0002, and add 'refunds' to its 'policies' if it still applies",
    )])  # fmt: skip
    # Once the successor names the policy, the reasons behind it are current again.
    root = write_handbook({D2: decision(title="Use a ticket queue", extra="supersedes: [1]\npolicies: [refunds]\n")})
    assert findings(root) == (0, [])


def test_hb106_link_to_a_superseded_decision(write_handbook: Writer) -> None:
    root = write_handbook({
        P: policy(body="## Rules\n\nAs decided in [ADR 1](../decisions/0001-use-a-shared-inbox.md).\n"),
        D1: decision(status="superseded"),
        D2: decision(title="Use a ticket queue", extra="supersedes: [1]\n"),
    })  # fmt: skip
    assert findings(root) == (0, [(
        P, 14, "HB106", "links to decision 0001, superseded by 0002, which is no longer in force: link to 0002 instead",
    )])  # fmt: skip


# -- HB2xx: duplicates -----------------------------------------------------------------------------


def test_hb201_two_files_claim_the_same_policy(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(), "policies/refunds-final.md": policy(title="Refunds (final)")})
    assert findings(root) == (1, [(
        "policies/refunds-final.md", 2, "HB201",
        "'refunds-final' and 'refunds' (policies/refunds.md) are one policy under two file names, both in force: "
        "keep one file, and retire the other or give the new one 'supersedes: refunds'",
    )])  # fmt: skip


def test_hb201_superseded_policy_still_active(write_handbook: Writer) -> None:
    root = write_handbook({
        "policies/old-refunds.md": policy(title="Old refunds"),
        P: policy(extra="supersedes: old-refunds\n"),
    })  # fmt: skip
    assert findings(root) == (1, [(
        "policies/old-refunds.md", 4, "HB201",
        "superseded by 'refunds' (policies/refunds.md) but still 'status: active': both claim to be in force; set "
        "'status: retired' here",
    )])  # fmt: skip


def test_hb202_version_number_reused_for_another_text(write_handbook: Writer) -> None:
    root = write_handbook({})
    git = Git(root)
    first = git.commit({P: policy(body="## Rules\n\nRefund within 30 days.\n")}, "v1", date="2026-01-01T12:00:00+00:00")
    second = git.commit(
        {P: policy(version=2, body="## Rules\n\nRefund within 20 days.\n")}, "v2", date="2026-02-01T12:00:00+00:00"
    )
    third = git.commit(
        {P: policy(body="## Rules\n\nRefund within 10 days.\n")}, "v1 again", date="2026-03-01T12:00:00+00:00"
    )
    assert findings(root) == (0, [(
        P, 3, "HB202",
        f"commit {third[:7]} (2026-03-01) reuses version 1 for a different text than the version 1 published in commit "
        f"{first[:7]} (2026-01-01): version 2 was published in commit {second[:7]} (2026-02-01); number the next "
        "version 3",
    )])  # fmt: skip


def test_hb203_version_number_going_backwards(write_handbook: Writer) -> None:
    root = write_handbook({})
    git = Git(root)
    git.commit({P: policy()}, "v1", date="2026-01-01T12:00:00+00:00")
    third = git.commit({P: policy(version=3)}, "v3", date="2026-02-01T12:00:00+00:00")
    second = git.commit({P: policy(version=2)}, "v2", date="2026-03-01T12:00:00+00:00")
    assert findings(root) == (0, [(
        P, 3, "HB203",
        f"commit {second[:7]} (2026-03-01) goes backwards from version 3: version 3 was published in commit "
        f"{third[:7]} (2026-02-01); number the next version 4",
    )])  # fmt: skip


def test_hb204_two_decisions_with_the_same_number(write_handbook: Writer) -> None:
    other = "decisions/0001-use-a-ticket-queue.md"
    root = write_handbook({D1: decision(), other: decision(title="Use a ticket queue")})
    message = (
        f"decision number 0001 is used by 2 files ({D1}, {other}): keep it on one and renumber the others from 0002"
    )
    assert findings(root) == (1, [(D1, 1, "HB204", message), (other, 1, "HB204", message)])


def test_hb205_near_duplicate_text_reports_its_similarity(write_handbook: Writer) -> None:
    text = words(120)
    copy = text.replace(" w60 ", " changed ")
    root = write_handbook({
        P: policy(body=f"## Rules\n\n{text}\n"),
        "policies/refunds-scotland.md": policy(
            title="Refunds in Scotland", effective="2026-02-01", body=f"## Rules\n\n{copy}\n"
        ),
    })  # fmt: skip
    # 117 five-word phrases each, 5 changed: 112 shared of 122 -> 0.92.
    assert findings(root) == (0, [(
        "policies/refunds-scotland.md", 12, "HB205",
        "near-copy of policies/refunds.md: similarity 0.92 (shared 5-word phrases; threshold 0.80); "
        "merge them, or keep in the copy only what differs",
    )])  # fmt: skip


def test_hb205_threshold_comes_from_mkdocs_yml(write_handbook: Writer) -> None:
    text = words(120)
    root = write_handbook({
        P: policy(body=f"## Rules\n\n{text}\n"),
        "policies/refunds-scotland.md": policy(
            title="Refunds in Scotland",
            effective="2026-02-01",
            body=f"## Rules\n\n{text.replace(' w60 ', ' changed ')}\n",
        ),
        "mkdocs.yml": MKDOCS_YML + "      duplicate_threshold: 0.95\n",
    })  # fmt: skip
    assert findings(root) == (0, [])


def test_hb205_short_texts_and_supersede_chains_are_not_copies(write_handbook: Writer) -> None:
    text = words(120)
    root = write_handbook({
        # Stubs alike are not copies.
        P: policy(),
        "policies/returns.md": policy(title="Returns"),
        # A successor is meant to resemble what it replaced.
        "policies/old-leave.md": policy(title="Old leave", status="retired", body=f"## Rules\n\n{text}\n"),
        "policies/leave.md": policy(title="Leave", extra="supersedes: old-leave\n", body=f"## Rules\n\n{text} more\n"),
    })  # fmt: skip
    assert findings(root) == (0, [])


def test_hb206_exact_duplicate_text(write_handbook: Writer) -> None:
    body = f"## Rules\n\n{words(80)}\n"
    root = write_handbook({
        P: policy(body=body),
        "policies/returns.md": policy(title="Returns", effective="2026-03-01", body=body),
        "policies/exchanges.md": policy(title="Exchanges", effective="2026-04-01", body=body.replace("\n\n", "\n\n\n")),
    })  # fmt: skip
    message = (
        f"exact copy of {P}: the text is the same word for word; "
        f"delete this file (the copy), or retire it and give {P} 'supersedes'"
    )
    assert findings(root) == (1, [
        ("policies/exchanges.md", 12, "HB206", message),
        ("policies/returns.md", 12, "HB206", message),
    ])  # fmt: skip


def _rewrite_history(root: Path) -> tuple[Git, str]:
    git = Git(root)
    git.commit({P: policy()}, "v1", date="2026-01-01T12:00:00+00:00")
    git.commit({P: policy(version=2, body=f"## Rules\n\n{words(100)}\n")}, "v2", date="2026-02-01T12:00:00+00:00")
    # A small fix keeps its number rightly.
    fixed = words(100).replace(" w10 ", " w10a ")
    git.commit({P: policy(version=2, body=f"## Rules\n\n{fixed}\n")}, "typo", date="2026-02-10T12:00:00+00:00")
    return git, fixed


def test_hb207_rewrite_without_a_new_version(write_handbook: Writer) -> None:
    root = write_handbook({})
    git, fixed = _rewrite_history(root)
    rewritten = fixed.replace(words(50, 50), words(50, 50, prefix="x"))
    sha = git.commit(
        {P: policy(version=2, body=f"## Rules\n\n{rewritten}\n")}, "rewrite", date="2026-03-01T12:00:00+00:00"
    )
    # 102 words (with '##' and 'Rules'), 52 kept: 49% changed.
    assert findings(root) == (1, [(
        P, 3, "HB207",
        f"commit {sha[:7]} (2026-03-01) rewrote 49% of the words of version 2 and kept its number "
        "(more than 20% is a new version): raise 'version' to 3 and say what changed in 'changes'",
    )])  # fmt: skip


def test_hb207_uncommitted_rewrite_is_found_before_the_commit(write_handbook: Writer) -> None:
    root = write_handbook({})
    _, fixed = _rewrite_history(root)
    (root / P).write_text(
        policy(version=2, body=f"## Rules\n\n{words(60, 200, prefix='y')} {words(40, 60)}\n"), encoding="utf-8"
    )
    assert findings(root) == (1, [(
        P, 3, "HB207",
        "uncommitted changes rewrite 59% of the words of version 2 and kept its number "
        "(more than 20% is a new version): raise 'version' to 3 and say what changed in 'changes'",
    )])  # fmt: skip
    # The same rewrite as version 3 is what a rewrite should be.
    (root / P).write_text(
        policy(version=3, body=f"## Rules\n\n{words(60, 200, prefix='y')} {words(40, 60)}\n"), encoding="utf-8"
    )
    assert findings(root) == (0, [])


# -- HB3xx: integrity ------------------------------------------------------------------------------


def test_hb301_supersedes_pointing_nowhere(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(extra="supersedes: old-refunds\n")})
    assert findings(root) == (1, [(
        P, 11, "HB301",
        "'supersedes' names policy 'old-refunds', which does not exist: give the id (file name without .md) of an "
        "existing policy",
    )])  # fmt: skip
    data = json.loads(check(root, "--format", "json").stdout)
    assert data[0]["fix"] == "Give the id (file name without .md) of an existing policy."


def test_hb302_supersede_cycle(write_handbook: Writer) -> None:
    root = write_handbook({
        "policies/a.md": policy(title="A", extra="supersedes: b\n"),
        "policies/b.md": policy(title="B", extra="supersedes: a\n"),
    })  # fmt: skip
    code, found = findings(root)
    assert code == 1
    assert (
        "policies/a.md",
        11,
        "HB302",
        "supersede cycle: a -> b -> a: a policy cannot (even indirectly) supersede itself",
    ) in found
    data = json.loads(check(root, "--format", "json", "--select", "HB302").stdout)
    assert data[0]["fix"] == "Break the cycle: only the newer record names the older one in 'supersedes'."


def test_hb307_link_to_a_record_that_does_not_exist(write_handbook: Writer) -> None:
    root = write_handbook({
        P: policy(
            body="## Rules\n\nSee [returns](returns-and-exchange.md) and [ADR 9](../decisions/0009-nothing.md).\n"
        ),
        "policies/returns-and-exchanges.md": policy(title="Returns and exchanges"),
        D1: decision(body="## Context\n\nSee [the rules](../policies/refund.md) and [the log](index.md).\n"),
    })  # fmt: skip
    assert findings(root) == (1, [
        (D1, 9, "HB307", "link '../policies/refund.md' points to no policy: there is no file for 'policies/refund.md' "
         "(did you mean '../policies/refunds.md'?)"),
        (P, 14, "HB307", "link '../decisions/0009-nothing.md' points to no decision: "
         "there is no file for 'decisions/0009-nothing.md'; fix the link or remove it"),
        (P, 14, "HB307", "link 'returns-and-exchange.md' points to no policy: "
         "there is no file for 'policies/returns-and-exchange.md' (did you mean 'returns-and-exchanges.md'?)"),
    ])  # fmt: skip


def test_hb307_link_to_a_draft_from_a_published_page(write_handbook: Writer) -> None:
    root = write_handbook({
        P: policy(body="## Rules\n\nSoon: [vouchers](vouchers.md).\n\n```\n[not a link](missing.md)\n```\n"),
        "policies/vouchers.md": policy(title="Vouchers", status="draft"),
    })  # fmt: skip
    os.utime(root / "policies/vouchers.md", (dt.datetime(2026, 11, 20).timestamp(),) * 2)
    assert findings(root) == (1, [(
        P, 14, "HB307",
        "link 'vouchers.md' goes to the draft 'vouchers', which is not on the built site: "
        "link to it once it is published",
    )])  # fmt: skip


# -- the command -----------------------------------------------------------------------------------


def test_text_output_is_grouped_by_file_with_a_summary(write_handbook: Writer) -> None:
    root = write_handbook({
        "policies/b.md": policy(title="B", reviewed="2025-01-10"),
        "policies/a.md": policy(title="A", reviewed="2025-12-01", owner="nobody"),
    })  # fmt: skip
    result = check(root)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == ["policies/a.md:5", "policies/a.md:7", "policies/b.md:7"]
    assert [line.split(" ")[1:3] for line in lines[:-1]] == [
        ["error", "HB103"],
        ["warning", "HB102"],
        ["error", "HB101"],
    ]
    assert lines[-1] == "2 error(s), 1 warning(s) in 2 policies, 0 decisions and 0 posts"


def test_github_format_writes_workflow_annotations(write_handbook: Writer) -> None:
    root = write_handbook(
        {P: policy(reviewed="2025-01-10"), "policies/returns.md": policy(title="Returns", reviewed="2025-12-10")}
    )
    result = check(root, "--format", "github")
    assert result.exit_code == 1
    first, second, summary = result.stdout.splitlines()
    assert first.startswith(f"::error file={P},line=7,title=HB101::review overdue: it was due on 2026-01-10")
    assert "%0AReview the policy with Billing Team" in first
    assert second.startswith("::warning file=policies/returns.md,line=7,title=HB102::review due on 2026-12-10")
    assert summary.startswith("1 error(s), 1 warning(s)")


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_control_characters_in_a_file_name_are_escaped_in_every_format(write_handbook: Writer, fmt: str) -> None:
    """A newline, a carriage return or a terminal escape in a file name cannot make up or hide a line."""
    root = write_handbook({P: policy(), "decisions/0001-\x1b[2K\r\u202ex\nfake.md": decision()})
    result = check(root, "--format", fmt)
    assert result.exit_code == 2
    finding, summary = result.stdout.splitlines()
    assert all(c.isprintable() for c in finding), finding
    assert r"0001-\x1b[2K\r\u202ex\nfake" in finding and summary.startswith("1 error(s)")


def test_select_and_ignore_take_codes_and_prefixes(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            P: policy(reviewed="2025-01-10", owner="nobody"),
            "policies/returns.md": policy(title="Returns", reviewed="2025-12-10", owner="billing"),
        }
    )
    codes = lambda *args: [f[2] for f in findings(root, *args)[1]]  # noqa: E731
    assert codes() == ["HB103", "HB101", "HB102"]
    assert codes("--select", "HB1") == ["HB103", "HB101", "HB102"]
    assert codes("--select", "HB101,HB102") == ["HB101", "HB102"]
    assert codes("--select", "HB1", "--ignore", "hb101") == ["HB103", "HB102"]
    assert codes("--ignore", "HB10") == []
    assert findings(root, "--select", "HB102") == (0, [("policies/returns.md", 7, "HB102", findings(root)[1][2][3])])


def test_bad_usage_exits_2(write_handbook: Writer) -> None:
    root = write_handbook({P: policy()})
    assert check(root, "--select", "X1").exit_code == 2
    assert check(root, "--format", "xml").exit_code == 2
    assert check(root, today="25/11/2026").exit_code == 2
    assert CliRunner().invoke(main, ["check", str(root / "missing")]).exit_code == 2


def test_warnings_alone_exit_0_and_a_clean_handbook_says_so(write_handbook: Writer) -> None:
    root = write_handbook({P: policy()})
    result = check(root)
    assert (result.exit_code, result.stdout) == (0, "0 error(s), 0 warning(s) in 1 policies, 0 decisions and 0 posts\n")


def test_the_cache_gives_the_same_findings_and_follows_edits(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(reviewed="2025-12-10"), D1: decision()})
    first = findings(root)
    assert (root / ".cache/handbook/records.json").is_file()
    assert (root / ".cache/handbook/.gitignore").read_text().splitlines()[-1] == "*"
    assert findings(root) == first
    (root / P).write_text(policy(reviewed="2025-01-10"), encoding="utf-8")
    assert [f[2] for f in findings(root)[1]] == ["HB101"]
    (root / ".cache/handbook/records.json").write_text("{not json", encoding="utf-8")
    assert [f[2] for f in findings(root)[1]] == ["HB101"]
    assert [f[2] for f in findings(root, "--no-cache")[1]] == ["HB101"]


def test_a_run_of_some_checks_keeps_the_entries_it_did_not_use(tmp_path: Path) -> None:
    from handbook.cache import Cache

    salts = {"targets": "s"}
    first = Cache(tmp_path, salts)
    first.put("targets", "a", 1)
    first.put("targets", "b", 2)
    first.save()
    # `check --select ...` asks for some entries: the others stay for the next whole check.
    some = Cache(tmp_path, salts, prune=False)
    assert (some.get("targets", "a"), some.changed) == (1, False)
    some.put("targets", "c", 3)
    some.save()
    whole = Cache(tmp_path, salts)
    assert [whole.get("targets", k) for k in "abc"] == [1, 2, 3]
    # A whole run drops what it did not use.
    whole.save()
    assert [Cache(tmp_path, salts).get("targets", k) for k in "abc"] == [1, 2, 3]
    pruning = Cache(tmp_path, salts)
    pruning.get("targets", "a")
    pruning.save()
    assert [Cache(tmp_path, salts).get("targets", k) for k in "abc"] == [1, None, None]


def test_an_entry_kept_by_text_is_reused_and_one_of_another_shape_made_again(tmp_path: Path) -> None:
    from handbook.cache import Cache, entries, kept_by_text

    made: list[str] = []

    def lines(text: str, cache: Cache | None) -> list[int]:
        def make() -> list[int]:
            made.append(text)
            return [len(text)]

        return kept_by_text(
            cache, "targets", text, make, encode=list, decode=lambda kept: [int(n) for n in entries(kept)]
        )

    cache = Cache(tmp_path, {"targets": "s"})
    assert [lines("abc", cache), lines("abc", cache), lines("abc", None)] == [[3], [3], [3]]
    assert made == ["abc", "abc"]  # (without a cache, made every time)
    cache.save()
    data = json.loads((tmp_path / "targets.json").read_text())
    (key,) = data["entries"]
    for other in ({"not": "a list"}, ["x"]):
        data["entries"][key] = other
        (tmp_path / "targets.json").write_text(json.dumps(data), encoding="utf-8")
        assert lines("abc", Cache(tmp_path, {"targets": "s"})) == [3]
    assert made == ["abc"] * 4


def test_saving_removes_the_files_of_sections_the_code_no_longer_has(tmp_path: Path) -> None:
    from handbook.cache import Cache

    for old in ("cache.json", "posts.json"):  # format 1's one file; a section since retired
        (tmp_path / old).write_text("{}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    cache = Cache(tmp_path, {"targets": "s"})
    cache.put("targets", "a", 1)
    cache.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore", "notes.txt", "targets.json"]


def test_the_check_collects_garbage_less_often_and_puts_the_thresholds_back(
    write_handbook: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from handbook.checks import run_checks as real

    root = write_handbook({P: policy()})
    seen = []

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("handbook.cli.check.run_checks", spy)
    before = gc.get_threshold()
    assert check(root).exit_code == 0
    assert seen == [(50_000, 20, 100)] != [before]
    assert gc.get_threshold() == before  # (the tests run in the same process)


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_every_format_exits_the_same(write_handbook: Writer, fmt: str) -> None:
    root = write_handbook({P: policy(version="x")})
    assert check(root, "--format", fmt).exit_code == 2


def test_pre_commit_hook_checks_the_whole_handbook() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "handbook-check")
    assert (hook["entry"], hook["language"], hook["pass_filenames"]) == ("handbook check", "python", False)


def test_records_from_the_cache_equal_records_parsed(write_handbook: Writer) -> None:
    from handbook.cache import Cache
    from handbook.cli.common import load_settings
    from handbook.loading import load_corpus

    root = write_handbook({
        P: policy(extra="tags: [money]\n", body="## Rules\n\nSee [returns](returns.md).\n"),
        "policies/returns.md": policy(title="Returns", status="draft"),
        D1: decision(extra="policies: [refunds]\nsupersedes: [2]\n"),
        "decisions/0002-use-a-ticket-queue.md": decision(title="Use a ticket queue", status="superseded"),
        "docs/blog/posts/hello.md": "---\ndate: 2026-01-02\nauthors: [jdoe]\nlinks:\n  - policies/refunds.md\n"
        "  - Setup:\n    - Returns: policies/returns.md#rules\n---\n# Hello\n\nText.\n",
    })  # fmt: skip
    settings = load_settings(root)
    fresh = load_corpus(settings)
    cache = Cache.for_handbook(settings)
    load_corpus(settings, cache=cache)
    cache.save()
    again = Cache.for_handbook(settings)
    cached = load_corpus(settings, cache=again)
    assert len(again.digests) == 5 and again.changed is False
    assert cached == fresh
    assert [p.lines for p in cached.policies.values()] == [p.lines for p in fresh.policies.values()]
    assert [p.body for p in cached.policies.values()] == [p.body for p in fresh.policies.values()]
    # A post's text and related links, which equality leaves out, come back too.
    post = [(p.body, p.body_line, p.links, p.line_of("links")) for p in cached.posts]
    assert post == [(p.body, p.body_line, p.links, p.line_of("links")) for p in fresh.posts]
    assert post == [("# Hello\n\nText.\n", 9, ("policies/refunds.md", "policies/returns.md#rules"), 4)]


# -- the editors' workflow: CODEOWNERS and acknowledgements ------------------------------------------


def test_hb208_a_stale_codeowners_fails_the_check(write_handbook: Writer) -> None:
    root = write_handbook({P: policy()})
    written = CliRunner().invoke(main, ["codeowners", "--root", str(root)], catch_exceptions=False)
    assert written.exit_code == 0, written.output
    assert findings(root) == (0, [])
    (root / P).write_text(policy(owner="support-ops"), encoding="utf-8")
    code, found = findings(root)
    assert code == 1
    assert [(path, c) for path, _, c, _ in found] == [("CODEOWNERS", "HB208")]


def test_hb402_an_acknowledgement_of_no_such_policy(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            P: policy(),
            "acknowledgements/sam.yml": "name: Sam\nacknowledged:\n- {policy: gone, version: 1, date: 2026-01-01}\n",
        }
    )
    code, found = findings(root)
    assert code == 1
    assert [(path, line, c) for path, line, c, _ in found] == [("acknowledgements/sam.yml", 3, "HB402")]
