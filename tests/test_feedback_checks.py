"""`handbook check` on feedback: customers not told (HB120), feedback not reviewed (HB121) and
personal data (HB322), each with its exact finding; what depends on today stays out of builds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import Git, Writer, policy
from feedbackdata import FEEDBACK_MKDOCS_YML, OWNERS_WITH_CX, feedback, handbook_files
from handbook.adapter.config import read_settings
from handbook.checks import run_checks
from handbook.checks.personal import luhn
from handbook.cli.main import main
from handbook.history import read_history
from handbook.loading import load_corpus

Row = tuple[str, int, str, str, str]
CHANGED = "outcome: We moved the returns form to the order page.\n"


def findings(root: Path, today: str | None, *args: str) -> tuple[int, list[Row]]:
    """The exit code and (path, line, severity, code, message) of each finding."""
    extra = ["--today", today] if today else []
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json", *extra, *args])
    assert "Traceback" not in result.output, result.output
    rows = [(f["path"], f["line"], f["severity"], f["code"], f["message"]) for f in json.loads(result.stdout)]
    return result.exit_code, rows


def not_told(day: str, why: str, due: str, late: str) -> str:
    return (
        f"customers not told: the change was made on {day} ({why}), and the customers who asked to hear back were "
        f"due to be told by {due}, {late} ago (within 30 days): tell them, then set 'told' to when and how"
    )


# -- HB120 -----------------------------------------------------------------------------------------


def test_hb107_counts_from_the_commit_that_made_it_changed(tmp_path: Path) -> None:
    git = Git(tmp_path)
    base = {"mkdocs.yml": FEEDBACK_MKDOCS_YML, "policies/owners.yml": OWNERS_WITH_CX, "docs/index.md": "# Home\n"}
    git.commit({**base, "feedback/form.md": feedback()}, "Received", date="2026-04-02T09:00:00+00:00")
    git.commit({"feedback/form.md": feedback(status="changed", extra=CHANGED)}, "Done", date="2026-07-21T09:00:00Z")
    assert findings(tmp_path, "2026-08-20") == (0, [])
    why = "its status became 'changed'"
    assert findings(tmp_path, "2026-08-22") == (
        1,
        [("feedback/form.md", 7, "error", "HB120", not_told("2026-07-21", why, "2026-08-20", "2 days"))],
    )
    told = CHANGED + "told: {date: 2026-09-01, customers: 140}\n"
    git.commit({"feedback/form.md": feedback(status="changed", extra=told)}, "Told", date="2026-09-01T09:00:00Z")
    assert findings(tmp_path, "2026-12-01") == (0, [])


def test_hb107_counts_from_the_policy_version_or_post_that_made_the_change(write_handbook: Writer) -> None:
    extra = CHANGED + "policies: [refunds@2]\n"
    root = write_handbook(
        {
            **handbook_files(form=feedback(received="2026-02-01", status="changed", extra=extra)),
            "policies/refunds.md": policy(version=2, effective="2026-03-01", reviewed="2026-03-01"),
        }
    )
    # Without git: the day it was received, or the day the policy version took effect if that is earlier.
    assert findings(root, "2026-03-04")[1] == [
        (
            "feedback/form.md",
            7,
            "error",
            "HB120",
            not_told("2026-02-01", "it was received, and git does not say when it changed", "2026-03-03", "1 day"),
        )
    ]
    (root / "feedback/form.md").write_text(
        feedback(received="2026-05-01", status="changed", extra=extra), encoding="utf-8"
    )
    assert findings(root, "2026-04-02")[1] == [
        (
            "feedback/form.md",
            7,
            "error",
            "HB120",
            not_told("2026-03-01", "refunds@2 took effect", "2026-03-31", "2 days"),
        )
    ]


def test_hb107_and_hb108_stay_out_of_a_run_without_today(write_handbook: Writer) -> None:
    root = write_handbook(
        handbook_files(
            form=feedback(received="2025-01-01", status="changed", extra=CHANGED), late=feedback(received="2025-01-01")
        )
    )
    corpus = load_corpus(read_settings(root))
    history = read_history(corpus)
    dated = run_checks(corpus, history, today=dt.date(2026, 1, 1))
    assert sorted(f.code for f in dated) == ["HB120", "HB121"]
    assert run_checks(corpus, history, today=None) == []


# -- HB121 -----------------------------------------------------------------------------------------


def test_hb108_feedback_still_received_after_review_within_days(write_handbook: Writer) -> None:
    root = write_handbook(handbook_files(late=feedback(received="2026-04-02"), seen=feedback(status="reviewing")))
    assert findings(root, "2026-05-17") == (0, [])
    assert findings(root, "2026-05-18") == (
        0,
        [
            (
                "feedback/late.md",
                7,
                "warning",
                "HB121",
                "not reviewed: received on 2026-04-02, 46 days ago, and still 'received' (a first review is due within "
                "45 days): review it with its owner (Customer Experience) and set 'status'",
            )
        ],
    )


# -- HB322 -----------------------------------------------------------------------------------------

PERSONAL = """\
Mr Adeyemi phoned from 020 7946 0958 and wrote from adeyemi@example.com.
His card 4111 1111 1111 1111 was charged twice.
He lives at 12 Acacia Avenue, London SW1A 1AA.
Ticket 4111 1111 1111 1111 is a test card <!-- handbook: not-personal-data -->
Refunds took 5 working days on 2026-08-20 140 times; order 12345678.
"""


def test_hb312_personal_data_at_its_line_and_column(write_handbook: Writer) -> None:
    extra = "channels: [phone]  # handbook: not-personal-data 07700 900123\noutcome: Called +44 7700 900123.\n"
    root = write_handbook(handbook_files(form=feedback(status="changed", extra=extra, body=PERSONAL)))
    code, rows = findings(root, "2026-04-03", "--select", "HB322")
    keep = "keep customers' details in the support tool, not in the handbook; remove it"
    assert (code, rows) == (
        1,
        [
            ("feedback/form.md", 9, "error", "HB322", f"personal data: a phone number (column 17): {keep}"),
            ("feedback/form.md", 11, "error", "HB322", f"personal data: a phone number (column 24): {keep}"),
            ("feedback/form.md", 11, "error", "HB322", f"personal data: an e-mail address (column 53): {keep}"),
            ("feedback/form.md", 12, "error", "HB322", f"personal data: a card number (column 10): {keep}"),
            ("feedback/form.md", 13, "error", "HB322", f"personal data: a postcode (column 38): {keep}"),
            ("feedback/form.md", 13, "error", "HB322", f"personal data: a street address (column 13): {keep}"),
        ],
    )


def test_hb312_findings_are_cached_by_content(write_handbook: Writer) -> None:
    root = write_handbook(handbook_files(form=feedback(body="Call 020 7946 0958.\n")))
    first = findings(root, "2026-04-03", "--select", "HB322")
    assert first == findings(root, "2026-04-03", "--select", "HB322")
    assert len(first[1]) == 1
    cache = json.loads((root / ".cache/handbook/personal.json").read_text(encoding="utf-8"))
    assert list(cache["entries"].values()) == [[[9, 6, "a phone number"]]]


@pytest.mark.parametrize(
    ("digits", "valid"), [("4111111111111111", True), ("4111111111111112", False), ("79927398713", True)]
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn(digits) is valid
