"""Record headers a reader can trust: a policy's last review, tags and audiences by name; a
decision's own date told apart from the dates of the commits that changed its status; and the
published acknowledgements Start here reads, which never name a draft."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import MKDOCS_YML, OWNERS, Git, Writer, decision, policy, settings_for, strict_build
from handbook.acknowledgements import load_acknowledgements
from handbook.loading import load_corpus
from handbook.site.acks import acknowledged_json

DECISION = "decisions/0001-use-a-shared-inbox"


class Facts(HTMLParser):
    """A page's `<dl class="hb-facts">` as (label, text) pairs, and the items of its status history."""

    def __init__(self) -> None:
        super().__init__()
        self.facts: list[tuple[str, str]] = []
        self.timeline: list[str] = []
        self.timeline_title = ""
        self._in: str | None = None
        self._text: list[str] = []
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("dt", "dd") or (tag == "li" and self._in == "ol") or "hb-timeline-title" in classes:
            self._in, self._text = ("title" if "hb-timeline-title" in classes else tag), []
        elif tag == "ol" and "hb-timeline" in classes:
            self._in = "ol"

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text).split())
        if tag == "dt" and self._in == "dt":
            self._label, self._in = text, None
        elif tag == "dd" and self._in == "dd":
            self.facts.append((self._label, text))
            self._in = None
        elif tag == "li" and self._in == "li":
            self.timeline.append(text)
            self._in = "ol"
        elif tag == "p" and self._in == "title":
            self.timeline_title, self._in = text, None
        elif tag == "ol" and self._in == "ol":
            self._in = None


def facts(page: Path) -> Facts:
    found = Facts()
    found.feed(page.read_text(encoding="utf-8"))
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("headers")
    git = Git(root)
    refunds = policy(reviewed="2026-02-20", audience="[all-staff, new-hires]", extra="tags: [refunds, money]\n")
    git.commit(
        {
            "policies/owners.yml": OWNERS,
            "mkdocs.yml": MKDOCS_YML,
            "docs/index.md": "# Home\n",
            "policies/refunds.md": refunds,
            f"{DECISION}.md": decision(status="proposed", date="2023-05-01"),
        },
        "Start",
        date="2026-01-05T09:00:00+00:00",
    )
    git.commit(
        {f"{DECISION}.md": decision(status="accepted", date="2023-05-01")}, "Accept", "2026-11-25T09:00:00+00:00"
    )
    done = strict_build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


def test_a_policy_header_shows_its_last_review_tags_and_audiences_by_name(site: Path) -> None:
    found = dict(facts(site / "policies/refunds/index.html").facts)
    assert found["Last reviewed"] == "2026-02-20"
    assert found["Next review"] == "2027-02-20"
    assert found["Tags"] == "refunds, money"
    assert found["Audience"] == "All staff, New hires"


def test_a_decision_page_says_which_date_is_the_decisions_and_which_the_commits(site: Path) -> None:
    page = facts(site / DECISION / "index.html")
    assert dict(page.facts)["Decided"] == "2023-05-01 (the decision's own date)"
    assert page.timeline_title == (
        "Status history (each date is the commit that recorded the status, not the decision's date)"
    )
    assert page.timeline == [
        "proposed: recorded by Test Author in a commit dated 2026-01-05",
        "accepted: recorded by Test Author in a commit dated 2026-11-25",
    ]


def test_the_published_acknowledgements_name_no_draft(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            "policies/conduct.md": policy(title="Conduct", version=2, extra="acknowledge: true\n"),
            "policies/secret.md": policy(title="Secret", status="draft", extra="acknowledge: true\n"),
            "acknowledgements/jdoe.yml": (
                "name: Jane Doe\nacknowledged:\n"
                "- {policy: conduct, version: 1, date: 2026-01-06}\n"
                "- {policy: secret, version: 1, date: 2026-01-07}\n"
            ),
        }
    )
    settings = settings_for(root)
    people, problems = load_acknowledgements(settings)
    assert problems == []
    data = json.loads(acknowledged_json(load_corpus(settings), people))
    assert data == {
        "people": {"jdoe": {"name": "Jane Doe", "acknowledged": {"conduct": 1}}},
        "policies": {"conduct": {"title": "Conduct", "version": 2}},
    }
