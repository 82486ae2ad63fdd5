"""`run_checks` for a date (`handbook check`) and without one (the site's findings, the same on
any day), and with codes left out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import Writer, decision, policy, settings_for
from handbook.checks import DATED, run_checks
from handbook.history import History
from handbook.loading import load_corpus

TEXT = " ".join(f"word{i}" for i in range(80))
TRAVEL = " ".join(f"trip{i}" for i in range(80))
TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def root(write_handbook: Writer) -> Path:
    """An overdue review (HB101), a proposal left open (HB105), a copied text (HB206), and a
    draft that copies another text (HB206 too, unless drafts are left out)."""
    return write_handbook(
        {
            "policies/refunds.md": policy(reviewed="2025-01-05", body=f"{TEXT}\n"),
            "policies/returns.md": policy("Returns", effective="2026-02-01", reviewed="2026-02-01", body=f"{TEXT}\n"),
            "policies/travel.md": policy("Travel", status="draft", effective="2025-06-01", body=f"{TRAVEL}\n"),
            "policies/travel-copy.md": policy("Travel copy", body=f"{TRAVEL}\n"),
            "decisions/0001-use-a-shared-inbox.md": decision(status="proposed", date="2025-01-05"),
        }
    )


def found(root: Path, **options: object) -> list[tuple[str, str]]:
    corpus = load_corpus(settings_for(root))
    findings = run_checks(corpus, History(complete=False), **options)  # type: ignore[arg-type]
    return [(f.code, f.path) for f in findings]


def test_for_a_date_every_check_runs(root: Path) -> None:
    assert found(root, today=TODAY) == [
        ("HB105", "decisions/0001-use-a-shared-inbox.md"),
        ("HB101", "policies/refunds.md"),
        ("HB206", "policies/returns.md"),
        ("HB206", "policies/travel-copy.md"),
    ]


def test_without_a_date_only_what_depends_on_neither_the_date_nor_other_branches(root: Path) -> None:
    """What the site may show: the same findings, less the dated ones, whatever day it is built."""
    dated = found(root, today=TODAY)
    assert found(root, today=None) == [(code, path) for code, path in dated if code not in DATED]
    assert found(root, today=None) == [("HB206", "policies/returns.md"), ("HB206", "policies/travel-copy.md")]


def test_published_only_leaves_drafts_out_of_the_texts_compared(root: Path) -> None:
    """The site never names a draft: a published copy of a draft's text is not a copy there."""
    assert found(root, today=None, published_only=True) == [("HB206", "policies/returns.md")]


def test_codes_left_out_are_not_worked_out(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from handbook.checks import duplicates

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the copied-text comparison ran for codes left out")

    monkeypatch.setattr(duplicates, "copied_texts", refuse)
    assert found(root, today=TODAY, ignore=("HB2",)) == [
        ("HB105", "decisions/0001-use-a-shared-inbox.md"),
        ("HB101", "policies/refunds.md"),
    ]
    assert found(root, today=TODAY, select=("HB101",)) == [("HB101", "policies/refunds.md")]
