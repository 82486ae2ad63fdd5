"""A feed per policy: `feeds/policies/<id>.xml` and `.json`, an item per published version, never a
draft, announced in the policy page's head and by a visible "Watch this policy" link."""

from __future__ import annotations

import json
import posixpath
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from conftest import MKDOCS_YML, OWNERS, Git, policy, strict_build

SITE = "https://handbook.example.com/"
DRAFT_WORD = "zanzibarquux"


class Links(HTMLParser):
    """The `<link>` tags of a page and its `<a>` tags with their text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link":
            self.links.append(dict(attrs))
        elif tag == "a":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.anchors.append((self._open, "".join(self._text).strip()))
            self._open = None


def parse(page: Path) -> Links:
    found = Links()
    found.feed(page.read_text(encoding="utf-8"))
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Refunds at versions 1 and 2 (a draft of version 2 committed between them), and a draft policy."""
    root = tmp_path_factory.mktemp("policy-feeds")
    git = Git(root)
    base = {"policies/owners.yml": OWNERS, "mkdocs.yml": MKDOCS_YML, "docs/index.md": "# Home\n"}
    git.commit({**base, "policies/refunds.md": policy()}, "Refunds, version 1", date="2026-01-05T09:00:00+00:00")
    draft = policy(version=2, status="draft", changes="Draft.", body=f"## Rules\n\n{DRAFT_WORD} within 45 days.\n")
    git.commit({"policies/refunds.md": draft}, "Refunds, a draft of version 2", date="2026-02-02T09:00:00+00:00")
    second = policy(version=2, effective="2026-03-01", changes="Refund within 45 days.", body="## Rules\n\n45 days.\n")
    git.commit(
        {"policies/refunds.md": second, "policies/travel.md": policy(title="Travel", status="draft")},
        "Refunds, version 2; travel drafted",
        date="2026-03-02T09:00:00+00:00",
    )
    done = strict_build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


def test_a_policy_feed_has_an_item_per_published_version_and_no_draft(site: Path) -> None:
    xml = (site / "feeds/policies/refunds.xml").read_bytes()
    feed = feedparser.parse(xml)
    assert feed.bozo == 0
    assert feed.feed.title == "Test handbook: Refunds"
    assert feed.feed.link == SITE + "policies/refunds/"
    assert [e.title for e in feed.entries] == ["Refunds: version 2", "Refunds: version 1"]
    guids = [e.id for e in feed.entries]
    assert guids == [SITE + "policies/refunds/v2/", SITE + "policies/refunds/v1/"]
    assert len(set(guids)) == len(guids)
    assert DRAFT_WORD.encode() not in xml and b"Draft." not in xml
    document = json.loads((site / "feeds/policies/refunds.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in document["items"]] == guids
    assert document["feed_url"] == SITE + "feeds/policies/refunds.json"


def test_a_draft_policy_has_no_feed(site: Path) -> None:
    assert sorted(p.name for p in (site / "feeds/policies").iterdir()) == ["refunds.json", "refunds.xml", "sitemap.xml"]
    everything = b"".join(p.read_bytes() for p in (site / "feeds").rglob("*") if p.is_file())
    assert b"Travel" not in everything


@pytest.mark.engine
def test_the_policy_page_announces_its_feed_in_its_head_and_in_a_visible_link(site: Path) -> None:
    page = site / "policies/refunds/index.html"
    found = parse(page)
    alternates = [(link["type"], link["href"]) for link in found.links if link.get("rel") == "alternate"]
    assert alternates[:2] == [
        ("application/rss+xml", "/feeds/policies/refunds.xml"),
        ("application/feed+json", "/feeds/policies/refunds.json"),
    ]
    watch = [attrs for attrs, text in found.anchors if text == "Watch this policy"]
    assert len(watch) == 1
    target = posixpath.normpath(posixpath.join("policies/refunds/", str(watch[0]["href"])))
    assert target == "feeds/policies/refunds.xml" and (site / target).is_file()
    # Other pages announce the site's feeds only.
    home = [link["href"] for link in parse(site / "index.html").links if link.get("rel") == "alternate"]
    assert not any("feeds/policies/" in str(href) for href in home)


def test_materials_sitemap_probe_is_answered_beside_the_policy_feeds(site: Path) -> None:
    sitemap = (site / "feeds/policies/sitemap.xml").read_text(encoding="utf-8")
    assert "<urlset" in sitemap and "<url>" not in sitemap
