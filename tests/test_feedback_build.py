"""A handbook that keeps customer feedback, built by the engine (`build --strict`): the register in
the navigation, the record pages searched like decisions, the links both ways resolved to pages,
the feeds and the customer page written, and the same bytes with the shortcuts on and off."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import feedparser
import lxml.html
import pytest

from conftest import engine_command, engine_env
from feedbacksite import write_feedback_handbook
from handbook.search.index import indexed_documents
from test_fast_build import differences

pytestmark = pytest.mark.engine
SITE = "https://handbook.example.com/"
PUBLIC = "https://www.example.com/you-said-we-did/"


def build(root: Path, site: str, shortcuts: str = "on") -> None:
    env = engine_env(SOURCE_DATE_EPOCH="1785000000", HANDBOOK_SHORTCUTS=shortcuts)
    done = subprocess.run(
        [*engine_command(), "build", "--strict", "-d", site], cwd=root, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feedback-build") / "handbook"
    root.mkdir()
    write_feedback_handbook(root)
    return root


@pytest.fixture(scope="module")
def built(handbook: Path) -> Path:
    build(handbook, "site")
    return handbook / "site"


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path / "index.html").read_bytes())


def test_the_register_is_in_the_navigation_and_links_every_record(built: Path) -> None:
    register = page(built, "feedback")
    nav = register.xpath("//nav[contains(@class, 'md-nav--primary')]//a[contains(@class, 'md-nav__link--active')]")
    assert [" ".join(a.text_content().split()) for a in nav] == ["You said, we did"]
    links = register.xpath("//table[contains(@class, 'hb-feedback-register')]//td[1]/a/@href")
    assert sorted(links) == [
        "gift-wrap/", "late-couriers/", "price-shown-twice/", "returns-form/", "slow-refunds/",
    ]  # fmt: skip
    # The post is linked at its address on the blog, not at its source file.
    acted = register.xpath("//tr[td/a/@href='returns-form/']/td[6]//a/@href")
    assert acted == [
        "../decisions/0001-put-returns-on-the-home-screen/", "../policies/refunds-and-returns/v1/",
        "../blog/2026/05/20/the-returns-form-moved/",
    ]  # fmt: skip


def test_decision_and_policy_pages_link_back_to_the_feedback(built: Path) -> None:
    for path in ("decisions/0001-put-returns-on-the-home-screen", "policies/refunds-and-returns"):
        tree = page(built, path)
        heading = tree.xpath("//h2[starts-with(normalize-space(), 'Customer feedback behind')]")
        assert len(heading) == 1, path
        assert heading[0].xpath("following-sibling::ul[1]/li/a/@href") == ["../../feedback/returns-form/"]


def test_records_are_searched_like_decisions_and_the_lists_are_not(built: Path) -> None:
    documents = {str(d["url"]): d for d in indexed_documents(built / "pagefind")}
    feedback = sorted(url for url in documents if url.startswith("/feedback/"))
    assert feedback == [
        "/feedback/gift-wrap/", "/feedback/late-couriers/", "/feedback/price-shown-twice/",
        "/feedback/returns-form/", "/feedback/slow-refunds/",
    ]  # fmt: skip
    returns = documents["/feedback/returns-form/"]
    assert returns["filters"] == {
        "kind": ["Feedback"], "status": ["changed"], "theme": ["website"], "owner": ["Customer Experience"],
        "standing": ["archived"],
    }  # fmt: skip
    assert not [url for url in documents if "you-said" in url]


def test_the_feeds_and_the_customer_page_are_written(built: Path) -> None:
    feedback = feedparser.parse((built / "feeds/feedback.xml").read_bytes())
    assert feedback.bozo == 0 and len(feedback.entries) == 5 + 3  # returns-form: planned, changed; gift-wrap: declined
    everything = feedparser.parse((built / "feeds/all.xml").read_bytes())
    assert {e.id for e in feedback.entries} <= {e.id for e in everything.entries}
    customers = feedparser.parse((built / "you-said-we-did/feed.xml").read_bytes())
    assert customers.bozo == 0
    assert [e.link for e in customers.entries] == [PUBLIC + "#returns-form", PUBLIC + "#gift-wrap"]
    feeds_page = page(built, "feeds")
    assert "feedback.xml" in feeds_page.xpath("//table[@class='hb-feeds']//a/@href")
    public = (built / "you-said-we-did/index.html").read_text(encoding="utf-8")
    assert "Customer Experience" not in public and SITE not in public and "price was shown twice" not in public


def test_the_health_page_sums_up_the_funnel(built: Path) -> None:
    health = page(built, "health")
    latest = health.xpath("//p[@class='hb-feedback-latest']")[0]
    assert latest.text_content().startswith("2026 Q3: 2 received, 1 reviewed, 1 acted on")
    assert latest.xpath("a/@href") == ["../feedback/#the-funnel-per-quarter"]


def test_the_site_is_the_same_with_the_shortcuts_off(handbook: Path, built: Path) -> None:
    build(handbook, "plain", shortcuts="off")
    assert differences(built, handbook / "plain") == []


def test_the_same_commit_builds_the_same_feedback_pages_and_feeds(handbook: Path, built: Path) -> None:
    build(handbook, "again")
    same = ["feedback", "you-said-we-did", "feeds", "health"]
    for folder in same:
        assert differences(built / folder, handbook / "again" / folder) == [], folder
    assert os.listdir(built / "feedback") == os.listdir(handbook / "again" / "feedback")
