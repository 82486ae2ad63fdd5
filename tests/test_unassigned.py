"""The placeholder owner `unassigned`: known to every handbook without a registry entry, it builds
`--strict` and shows as "Unassigned" with no owner page or feed, and `handbook check` warns (HB108)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from conftest import OWNERS, Writer, policy, strict_build
from handbook.cli.main import main

P = "policies/refunds.md"


def check(root: Path) -> tuple[int, list[tuple[str, int, str, str, str]]]:
    result = CliRunner().invoke(main, ["check", str(root), "--today", "2026-02-01", "--format", "json"])
    assert "Traceback" not in result.output, result.output
    found = [(f["path"], f["line"], f["severity"], f["code"], f["message"]) for f in json.loads(result.stdout)]
    return result.exit_code, found


class Facts(HTMLParser):
    """The `<dt>`/`<dd>` pairs of a page's facts list, as text, and every link's href."""

    def __init__(self) -> None:
        super().__init__()
        self.facts: dict[str, str] = {}
        self.hrefs: list[str] = []
        self._in: str | None = None
        self._key = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "dt":
            self._in, self._key = "dt", ""
        elif tag == "dd":
            self._in = "dd"
            self.facts[self._key] = ""
        elif tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "dt":
            self._key += data
        elif self._in == "dd":
            self.facts[self._key] += data


def facts_of(html: str) -> Facts:
    parser = Facts()
    parser.feed(html)
    return parser


def test_unassigned_owner_is_a_warning_at_the_owner_line(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(owner="unassigned")})
    assert check(root) == (0, [(
        P, 5, "warning", "HB108",
        "owner 'unassigned' is a placeholder: ask who owns this policy, add them to policies/owners.yml if they are "
        "not there, and put their id here",
    )])  # fmt: skip


def test_any_other_unknown_owner_stays_an_error(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(owner="unassigned-team")})
    assert check(root) == (1, [(
        P, 5, "error", "HB103",
        "owner 'unassigned-team' is not in the owners registry: add it to policies/owners.yml or pick an owner "
        "listed there",
    )])  # fmt: skip


def test_a_registry_that_names_unassigned_makes_it_a_real_owner(write_handbook: Writer) -> None:
    registry = OWNERS + 'unassigned:\n  name: Nobody yet\n  email: nobody@example.com\n  handle: "@acme/nobody"\n'
    root = write_handbook({P: policy(owner="unassigned"), "policies/owners.yml": registry})
    assert check(root) == (0, [])


@pytest.mark.engine
def test_a_policy_owned_by_unassigned_builds_strict_and_shows_unassigned(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(owner="unassigned"), "policies/other.md": policy(title="Other")})
    result = strict_build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    page = facts_of((site / "policies/refunds/index.html").read_text(encoding="utf-8"))
    assert page.facts["Owner"] == "Unassigned"
    # No owner page or feed for the placeholder, and nothing links to one.
    assert not (site / "owners/unassigned").exists()
    assert sorted(p.name for p in (site / "feeds/owners").iterdir()) == [
        "billing.json", "billing.xml", "support-ops.json", "support-ops.xml",
    ]  # fmt: skip
    for html in site.rglob("*.html"):
        hrefs = facts_of(html.read_text(encoding="utf-8")).hrefs
        assert not [h for h in hrefs if "owners/unassigned" in h], html
    register = (site / "policies/index.html").read_text(encoding="utf-8")
    assert "Unassigned" in register
    # Subscribers see the same name as readers.
    feed = feedparser.parse((site / "feeds/policies.xml").read_bytes())
    assert feed.bozo == 0
    assert [(e.title, e.author) for e in feed.entries if "Refunds" in e.title] == [("Refunds: version 1", "Unassigned")]
