"""The editor's feedback commands: `handbook new feedback` and `handbook import-feedback`, each
writing records the loader reads back, with exact reports and exit codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import Writer
from feedbackdata import feedback, handbook_files
from handbook.adapter.config import read_settings
from handbook.cli import editor
from handbook.cli.main import main
from handbook.loading import load_corpus
from handbook.records import FeedbackStatus


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(editor, "today", lambda: dt.date(2026, 9, 1))


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(root)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# -- new feedback ----------------------------------------------------------------------------------


def test_new_feedback_writes_a_received_record_that_loads(
    write_handbook: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_handbook(handbook_files())
    monkeypatch.chdir(root)
    code, out, _ = run(
        root, "new", "feedback", "Parcels left in the rain", "--theme", "delivery", "--owner", "customer-experience"
    )
    assert (code, out) == (0, "feedback/parcels-left-in-the-rain.md\n")
    text = (root / "feedback/parcels-left-in-the-rain.md").read_text(encoding="utf-8")
    assert text.startswith(
        "---\ntitle: Parcels left in the rain\ntheme: delivery\nowner: customer-experience\nreceived: 2026-09-01\n"
        "raised: 1\nstatus: received\npublic: false\n---\n## What customers told us\n"
    )
    corpus = load_corpus(read_settings(root))
    assert corpus.errors == ()
    assert corpus.feedback["parcels-left-in-the-rain"].status is FeedbackStatus.RECEIVED
    # Never overwritten.
    code, _, err = run(root, "new", "feedback", "Parcels left in the rain", "--theme", "delivery", "--owner",
                       "customer-experience")  # fmt: skip
    assert code == 2
    assert "feedback/parcels-left-in-the-rain.md already exists: not overwritten" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--theme", "weather", "--owner", "customer-experience"],
         "Error: theme 'weather' is not one of delivery, website, billing (from mkdocs.yml)"),
        (["--theme", "delivery", "--owner", "nobody"],
         "Error: owner 'nobody' is not in policies/owners.yml: use one of billing, customer-experience"),
        (["--theme", "delivery", "--owner", "billing", "--id", "index"],
         "Error: cannot make a file name from the title 'Late': give one with --id, like 'returns-form-hard-to-find'"),
    ],
)  # fmt: skip
def test_new_feedback_refuses_what_would_not_load(write_handbook: Writer, args: list[str], message: str) -> None:
    root = write_handbook(handbook_files())
    code, _, err = run(root, "new", "feedback", "Late", *args)
    assert (code, err.strip()) == (2, message)
    assert not (root / "feedback").exists()


# -- import-feedback -------------------------------------------------------------------------------

EXPORT = """\
Ticket,Created at,Tags,Channel,Requester,Description
101,2026-08-03 10:31:00,"website, vip",Email,Jane Roe <jane@example.com>,Cannot find the returns form
102,2026-07-30,Website,Chat,John Roe,Where is the form? Call me on 020 7946 0958
103,2026-08-04,delivery,Phone,A Person,Parcel left in the rain
104,2026-08-05,vip,Email,B Person,Something else
105,someday,billing,Chat,C Person,Charged twice
106,2026-08-06,billing,jane@example.com,D Person,Charged twice
"""


def write_export(root: Path, text: str = EXPORT) -> Path:
    path = root / "export.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_feedback_adds_up_tickets_per_theme(write_handbook: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    open_record = feedback(received="2026-08-01", raised=12, extra="channels: [chat]\n")
    closed = feedback(title="Old delivery trouble", theme="delivery", status="declined", extra="outcome: No.\n")
    root = write_handbook(handbook_files(returns_form=open_record, old_delivery=closed))
    monkeypatch.chdir(root)
    write_export(root)
    before = (root / "feedback/returns-form.md").read_text(encoding="utf-8")
    args = ["import-feedback", "export.csv", "--theme-column", "Tags", "--date-column", "Created at",
            "--channel-column", "Channel", "--owner", "billing"]  # fmt: skip
    code, out, _ = run(root, *args, "--dry-run")
    assert code == 1
    assert (root / "feedback/returns-form.md").read_text(encoding="utf-8") == before
    assert not (root / "feedback/billing.md").exists()
    assert out.splitlines()[-1] == "dry run: nothing written"
    code, out, _ = run(root, *args)
    assert code == 1
    assert out.splitlines() == [
        "feedback/billing.md: created for theme 'billing': 1 ticket(s) from 2026-08-06; write its title in the "
        "customers' words",
        "feedback/delivery.md: created for theme 'delivery': 1 ticket(s) from 2026-08-04 (phone); write its title "
        "in the customers' words",
        "feedback/returns-form.md: added 2 ticket(s) of theme 'website' (raised 12 -> 14; received 2026-08-01 -> "
        "2026-07-30; channels + e-mail)",
        "export.csv:5: not counted: column 'Tags' names no feedback theme: tag the ticket with one of delivery, "
        "website, billing (mkdocs.yml), or add the theme there",
        "export.csv:6: not counted: column 'Created at' holds no date: give dates like 2026-04-02",
        "export.csv:7: note: the channel was left out: it does not look like a channel's name (chat, e-mail, phone), "
        "and a ticket's other details are not copied",
        "6 ticket(s) read: 4 counted into 3 feedback record(s), 2 not counted (above)",
    ]
    corpus = load_corpus(read_settings(root))
    assert corpus.errors == ()
    form = corpus.feedback["returns-form"]
    assert (form.raised, form.received, form.channels) == (14, dt.date(2026, 7, 30), ("chat", "e-mail"))
    assert (root / "feedback/returns-form.md").read_text(encoding="utf-8") == before.replace(
        "received: 2026-08-01\nraised: 12\n", "received: 2026-07-30\nraised: 14\n"
    ).replace("channels: [chat]\n", "channels: [chat, e-mail]\n")
    billing = corpus.feedback["billing"]
    assert (billing.owner, billing.received, billing.raised, billing.channels) == (
        "billing",
        dt.date(2026, 8, 6),
        1,
        (),
    )
    # No ticket text, requester or contact detail is copied anywhere.
    written = "".join(p.read_text(encoding="utf-8") for p in (root / "feedback").glob("*.md"))
    for detail in ("Jane Roe", "jane@example.com", "020 7946 0958", "John Roe", "Cannot find", "rain", "vip"):
        assert detail not in written


def test_import_feedback_refuses_an_export_without_the_columns(write_handbook: Writer) -> None:
    root = write_handbook(handbook_files())
    write_export(root)
    code, _, err = run(root, "import-feedback", str(root / "export.csv"), "--theme-column", "Category",
                       "--date-column", "Created at")  # fmt: skip
    assert code == 2
    assert err.strip().endswith(
        "export.csv: no column 'Category' in its first line (its columns: 'Ticket', 'Created at', 'Tags', 'Channel', "
        "'Requester', 'Description')"
    )


def test_import_feedback_needs_an_owner_for_a_new_record(write_handbook: Writer) -> None:
    root = write_handbook(handbook_files())
    write_export(root, "Tags,Created at\ndelivery,2026-08-04\n")
    code, _, err = run(root, "import-feedback", str(root / "export.csv"), "--theme-column", "Tags", "--date-column",
                       "Created at")  # fmt: skip
    assert (code, err.strip()) == (
        2,
        "Error: theme 'delivery' has no open feedback record, so one is created: give its owner with --owner",
    )
    assert not (root / "feedback").exists()


def test_import_feedback_reports_a_theme_with_two_open_records(write_handbook: Writer) -> None:
    root = write_handbook(handbook_files(a=feedback(), b=feedback(title="Checkout button hidden")))
    write_export(root, "Tags,Created at\nwebsite,2026-08-04\n")
    code, out, _ = run(root, "import-feedback", str(root / "export.csv"), "--theme-column", "Tags", "--date-column",
                       "Created at")  # fmt: skip
    assert code == 1
    assert out.splitlines() == [
        "theme 'website': 1 ticket(s) not counted: feedback/a.md, feedback/b.md are all open with this theme; merge "
        "them or close all but one, then import again",
        "1 ticket(s) read: 0 counted into 0 feedback record(s), 1 not counted (above)",
    ]


def test_import_feedback_refuses_an_export_that_is_not_utf8(write_handbook: Writer) -> None:
    root = write_handbook(handbook_files())
    (root / "export.csv").write_bytes("Tags,Created at\nwebsite,2026-08-04 caf\xe9\n".encode("latin-1"))
    code, _, err = run(root, "import-feedback", str(root / "export.csv"), "--theme-column", "Tags", "--date-column",
                       "Created at")  # fmt: skip
    assert code == 2
    assert err.strip().endswith("export.csv: not UTF-8 text: export the CSV as UTF-8")
