"""`handbook build` (and `make build`): a failed build leaves the last good site in place."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import Writer, policy
from handbook.cli import main


def _build(root: Path) -> int:
    return CliRunner().invoke(main, ["build", str(root), "--site-dir", "site"]).exit_code


def test_a_failed_build_keeps_the_last_good_site(write_handbook: Writer) -> None:
    root = write_handbook({"policies/refunds.md": policy(body="## Rules\n\nRefund within 30 days.\n")})
    assert _build(root) == 0
    page = root / "site/policies/refunds/index.html"
    assert "Refund within 30 days." in page.read_text(encoding="utf-8")

    # A broken file: the build fails as a whole and the published site is untouched.
    (root / "policies/refunds.md").write_text(policy(version="two", body="Refund within 99 days.\n"), encoding="utf-8")
    assert _build(root) == 1
    assert "Refund within 30 days." in page.read_text(encoding="utf-8")
    assert not (root / "site.new").exists() and not (root / "site.old").exists()

    # The next good build replaces it whole.
    (root / "policies/refunds.md").write_text(policy(body="Refund within 14 days.\n"), encoding="utf-8")
    assert _build(root) == 0
    assert "Refund within 14 days." in page.read_text(encoding="utf-8")
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("site")) == ["site"]
