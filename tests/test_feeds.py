"""Feeds: one item per policy version, decision and status change, and post; valid, escaped, reproducible."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from conftest import ROOT, Git, Writer, decision, engine_command, engine_env, faketime, policy, settings_for
from handbook.adapter.rssfeed import repair_rss_plugin_feed
from handbook.history import History
from handbook.loading import Corpus, load_corpus
from handbook.records import StatusChange, Version
from handbook.site.feeds.formats import build_feeds
from handbook.site.feeds.items import Person, PostPage
from handbook.site.feeds.names import discovery_tags
from handbook.site.feeds.text import plain_text
from handbook.site.feeds.validation import FeedError, rss_problems

SITE = "https://handbook.example.com/"
BUILD_DATE = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
FEED_FILES = sorted(
    f"feeds/{name}.{ext}" for name in ("all", "policies", "decisions", "posts") for ext in ("xml", "json")
)
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT)$"
)


# -- a strict RSS 2.0 check, independent of the code under test -------------------


def assert_strict_rss(xml: bytes) -> ET.Element:
    """Well-formed; channel title/link/description; atom:link rel=self; RFC 822 dates; a GUID
    per item; authors as `email (Name)`; nothing a template left as 'None'. Returns the channel."""
    root = ET.fromstring(xml)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    for tag in ("title", "link", "description"):
        assert (channel.findtext(tag) or "").strip(), f"channel has no <{tag}>"
    assert channel.findtext("link", "").startswith("https://")
    selves = [a for a in channel.findall(f"{ATOM}link") if a.get("rel") == "self"]
    assert len(selves) == 1 and (selves[0].get("href") or "").startswith("https://")
    for tag in ("pubDate", "lastBuildDate"):
        if channel.find(tag) is not None:
            _assert_rfc822(channel.findtext(tag, ""))
    assert all((e.text or "").strip() != "None" for e in root.iter())
    guids = []
    for item in channel.findall("item"):
        assert (item.findtext("title") or item.findtext("description") or "").strip()
        guid = item.find("guid")
        assert guid is not None and (guid.text or "").strip()
        if guid.get("isPermaLink", "true") == "true":
            assert (guid.text or "").startswith("https://")
        guids.append(guid.text)
        _assert_rfc822(item.findtext("pubDate", ""))
        for author in item.findall("author"):
            assert re.fullmatch(r"\S+@\S+ \(.+\)", author.text or ""), author.text
    assert len(guids) == len(set(guids)), "GUIDs repeat"
    return channel


def _assert_rfc822(text: str) -> None:
    assert RFC822.match(text), text
    assert email.utils.parsedate_to_datetime(text).tzinfo is not None


def assert_json_feed(data: bytes) -> dict[str, object]:
    document = json.loads(data)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"]
    assert str(document["feed_url"]).startswith("https://")
    ids = []
    for item in document["items"]:
        assert item["id"] and item["url"].startswith("https://")
        assert item.get("content_html") or item.get("content_text")
        dt.datetime.fromisoformat(item["date_published"])
        ids.append(item["id"])
    assert len(ids) == len(set(ids))
    return document


def parsed(xml: bytes) -> feedparser.FeedParserDict:
    result = feedparser.parse(xml)
    assert result.bozo == 0, result.get("bozo_exception")
    return result


# -- a small handbook and its history, by hand ------------------------------------

POST = "---\ndate: {date}\nauthors: [jdoe]\ncategories: [{categories}]\n{extra}---\n# {title}\n\nText.\n"


def _corpus(write: Writer, files: Mapping[str, str]) -> Corpus:
    root = write(files)
    corpus = load_corpus(settings_for(root))
    assert corpus.errors == ()
    return corpus


def _version(policy_id: str, number: int, published: str, *, title: str = "Refunds", status: str = "active") -> Version:
    return Version(
        policy_id=policy_id,
        number=number,
        title=title,
        status=status,
        effective=dt.datetime.fromisoformat(published).date(),
        summary="How refunds work.",
        changes=f"Change {number}.",
        body="Text.",
        published=dt.datetime.fromisoformat(published),
        author="Test Author",
        commit=f"{number:040x}",
        path=f"policies/{policy_id}.md",
    )


def _change(number: int, status: str, when: str, commit: str) -> StatusChange:
    return StatusChange(number, status, dt.datetime.fromisoformat(when), "Test Author", commit)


@pytest.fixture
def handbook(write_handbook: Writer) -> Corpus:
    return _corpus(
        write_handbook,
        {
            "policies/refunds.md": policy(title="Refunds", version=3, extra="tags: [billing & refunds, returns]\n"),
            "policies/gifts.md": policy(title="Gifts", owner="support-ops", effective="2026-02-01"),
            "policies/secret-plan.md": policy(title="Quokkamarker plan", status="draft", summary="Quokkamarker."),
            "decisions/0001-use-a-shared-inbox.md": decision(extra="decision-makers: [Jane Doe]\ntags: [inbox]\n"),
            "decisions/0002-drop-the-inbox.md": decision(title="Drop the inbox", status="proposed", date="2026-03-01"),
            "docs/blog/posts/hello.md": POST.format(
                date="2026-04-02", categories="News & <views>", extra="", title="Hello"
            ),
            "docs/blog/posts/draft.md": POST.format(
                date="2026-05-01", categories="News", extra="draft: true\n", title="Quokkamarker news"
            ),
        },
    )


HISTORY = History(
    versions={
        "refunds": (
            _version("refunds", 1, "2026-01-05T09:00:00+01:00"),
            _version("refunds", 2, "2026-02-05T09:00:00+00:00"),
            _version("refunds", 3, "2026-03-05T09:00:00+00:00"),
        ),
        "gifts": (_version("gifts", 1, "2026-02-01T10:00:00+00:00", title="Gifts"),),
    },
    status_changes={
        1: (
            _change(1, "proposed", "2025-02-01T10:00:00+00:00", "a" * 40),
            _change(1, "accepted", "2025-03-01T10:00:00+00:00", "b" * 40),
        ),
        2: (_change(2, "proposed", "2026-03-01T10:00:00+00:00", "c" * 40),),
    },
)
POSTS = {
    "docs/blog/posts/hello.md": PostPage("blog/2026/04/02/hello/", "Text & more.", ("Jane Doe",)),
    "docs/blog/posts/draft.md": PostPage("blog/2026/05/01/quokkamarker-news/", "Quokkamarker."),
}


def _build(
    corpus: Corpus,
    history: History = HISTORY,
    posts: Mapping[str, PostPage] = POSTS,
    build_date: dt.datetime = BUILD_DATE,
) -> dict[str, bytes]:
    return build_feeds(corpus, history, site_url=SITE, site_name="Test handbook", build_date=build_date, posts=posts)


# -- unit tests ------------------------------------------------------------------


def test_every_feed_is_written_in_both_formats_and_validates(handbook: Corpus) -> None:
    files = _build(handbook)
    extra = [f"feeds/audiences/{a}" for a in ("all-staff", "managers", "new-hires", "support")]
    extra += [f"feeds/owners/{o}" for o in ("billing", "support-ops")]
    extra += [f"feeds/policies/{p.id}" for p in handbook.published_policies]  # a feed per policy
    assert sorted(files) == sorted(FEED_FILES + [f"{name}.{ext}" for name in extra for ext in ("xml", "json")])
    for path, data in files.items():
        if path.endswith(".xml"):
            assert_strict_rss(data)
            parsed(data)
            assert rss_problems(data) == []
        else:
            assert_json_feed(data)


def test_one_item_per_published_version_linking_to_the_version_page(handbook: Corpus) -> None:
    channel = assert_strict_rss(_build(handbook)["feeds/policies.xml"])
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [
        "Refunds: version 3",
        "Refunds: version 2",
        "Gifts: version 1",
        "Refunds: version 1",
    ]
    assert [i.findtext("link") for i in items][:2] == [f"{SITE}policies/refunds/v3/", f"{SITE}policies/refunds/v2/"]
    assert [i.findtext("guid") for i in items] == [i.findtext("link") for i in items]
    # The owner is the author, as RSS wants it; the date is the version's publishing commit's, in UTC.
    assert items[0].findtext("author") == "billing@example.com (Billing Team)"
    assert items[-1].findtext("pubDate") == "Mon, 05 Jan 2026 08:00:00 +0000"
    assert "What changed: Change 3." in items[0].findtext("description", "")
    assert "How refunds work." in items[0].findtext("description", "")


def test_decisions_have_an_item_each_and_one_per_status_change(handbook: Corpus) -> None:
    result = parsed(_build(handbook)["feeds/decisions.xml"])
    titles = [e.title for e in result.entries]
    assert titles == [
        "Decision 0002: Drop the inbox",
        "Decision 0001 is now accepted: Use a shared inbox",
        "Decision 0001: Use a shared inbox",
    ]
    assert len({e.id for e in result.entries}) == 3
    change = result.entries[1]
    assert change.id == f"{SITE}decisions/0001-use-a-shared-inbox/#status-accepted-{'b' * 12}"
    assert change.link == f"{SITE}decisions/0001-use-a-shared-inbox/"
    assert result.entries[2].author == "Jane Doe"  # dc:creator: no e-mail is known


def test_a_new_version_is_a_new_guid_and_old_guids_do_not_change(handbook: Corpus) -> None:
    before = HISTORY
    after = History(
        versions={
            **before.versions,
            "refunds": (*before.versions["refunds"], _version("refunds", 4, "2026-04-05T09:00:00+00:00")),
        },
        status_changes=before.status_changes,
    )
    old = {e.id for e in parsed(_build(handbook, before)["feeds/all.xml"]).entries}
    new = {e.id for e in parsed(_build(handbook, after)["feeds/all.xml"]).entries}
    assert new - old == {f"{SITE}policies/refunds/v4/"}
    assert old <= new


def test_all_carries_every_item_newest_first(handbook: Corpus) -> None:
    files = _build(handbook)
    counts = {
        name: len(parsed(files[f"feeds/{name}.xml"]).entries) for name in ("all", "policies", "decisions", "posts")
    }
    assert counts == {"all": 8, "policies": 4, "decisions": 3, "posts": 1}
    dates = [email.utils.parsedate_to_datetime(e.published) for e in parsed(files["feeds/all.xml"]).entries]
    assert dates == sorted(dates, reverse=True)


def test_no_item_cap_on_policy_feeds(write_handbook: Writer) -> None:
    corpus = _corpus(write_handbook, {"policies/refunds.md": policy(version=60)})
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    versions = tuple(_version("refunds", n, (start + dt.timedelta(days=n)).isoformat()) for n in range(1, 61))
    files = _build(corpus, History(versions={"refunds": versions}), posts={})
    assert len(parsed(files["feeds/policies.xml"]).entries) == 60
    assert len(json.loads(files["feeds/policies.json"])["items"]) == 60


def test_each_reading_list_has_a_feed_of_its_policies_versions(write_handbook: Writer) -> None:
    corpus = _corpus(
        write_handbook,
        {
            "policies/refunds.md": policy(title="Refunds", version=3, audience="[support]"),
            "policies/gifts.md": policy(title="Gifts", owner="support-ops", audience="[all-staff]"),
            "policies/rota.md": policy(title="Rota", audience="[managers]"),
            "policies/secret-plan.md": policy(title="Quokkamarker", status="draft", audience="[support]"),
        },
    )
    files = _build(corpus)
    support = parsed(files["feeds/audiences/support.xml"])
    # Support's list holds its own policies and those for all staff: every version of each.
    assert sorted(e.title for e in support.entries) == [
        "Gifts: version 1",
        "Refunds: version 1",
        "Refunds: version 2",
        "Refunds: version 3",
    ]
    assert support.feed.link == f"{SITE}reading/support/"
    managers = parsed(files["feeds/audiences/managers.xml"])
    assert sorted(e.title for e in managers.entries) == ["Gifts: version 1", "Rota: version 1"]
    assert b"Quokkamarker" not in b"".join(files.values())


def test_each_owner_has_a_feed_of_reviews_falling_due(handbook: Corpus) -> None:
    files = _build(handbook)
    billing = parsed(files["feeds/owners/billing.xml"])
    assert [(e.title, e.published, e.id) for e in billing.entries] == [
        (
            "Review due 2027-01-05: Refunds",
            # Listed when `handbook check` starts to warn: 30 days before the review is due.
            "Sun, 06 Dec 2026 00:00:00 +0000",
            f"{SITE}policies/refunds/#review-2027-01-05",
        )
    ]
    assert billing.entries[0].guidislink is False
    assert billing.feed.link == f"{SITE}owners/billing/"
    support_ops = parsed(files["feeds/owners/support-ops.xml"])
    assert [e.title for e in support_ops.entries] == ["Review due 2027-01-05: Gifts"]
    assert_json_feed(files["feeds/owners/billing.json"])


def test_drafts_never_appear(handbook: Corpus) -> None:
    # The draft post even has a page (mkdocs serve shows drafts); it stays out all the same.
    history = History(
        versions={
            **HISTORY.versions,
            "secret-plan": (_version("secret-plan", 1, "2026-01-01T00:00:00+00:00", title="Quokkamarker plan"),),
        }
    )
    for path, data in _build(handbook, history).items():
        assert b"quokkamarker" not in data.lower(), path


def test_draft_versions_in_history_are_not_items(handbook: Corpus) -> None:
    drafted = (*HISTORY.versions["refunds"], _version("refunds", 4, "2026-04-05T09:00:00+00:00", status="draft"))
    files = _build(handbook, History(versions={**HISTORY.versions, "refunds": drafted}))
    assert b"/v4/" not in files["feeds/policies.xml"]


def test_markup_and_ampersands_are_escaped_and_survive(write_handbook: Writer) -> None:
    corpus = _corpus(
        write_handbook,
        {
            "policies/refunds.md": policy(
                title='"<script>alert(1)</script> & refunds"', extra="tags: [billing & refunds, a<b]\n"
            ),
            "docs/blog/posts/hello.md": POST.format(
                date="2026-04-02", categories="News & <views>", extra="", title="Tom & <Jerry>"
            ),
        },
    )
    posts = {"docs/blog/posts/hello.md": PostPage("blog/hello/", "<b>bold</b> & plain", ("Ann & <Bo>",))}
    files = _build(corpus, History(), posts=posts)
    xml = files["feeds/all.xml"]
    assert b"<script>" not in xml and b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; refunds" in xml
    channel = assert_strict_rss(xml)
    titles = {i.findtext("title") for i in channel.findall("item")}
    assert titles == {"<script>alert(1)</script> & refunds: version 1", "Tom & <Jerry>"}
    categories = {c.text for c in channel.iter("category")}
    assert categories == {"billing & refunds", "a<b", "News & <views>"}
    assert {c.text for c in channel.iter(f"{DC}creator")} == {"Ann & <Bo>"}
    # Descriptions are HTML: text in them is escaped once more, so that readers show it as text.
    post = next(i for i in channel.findall("item") if i.findtext("title") == "Tom & <Jerry>")
    assert post.findtext("description") == "<p>&lt;b&gt;bold&lt;/b&gt; &amp; plain</p>"
    result = parsed(xml)
    assert {t.term for e in result.entries for t in e.tags} == categories
    document = assert_json_feed(files["feeds/all.json"])
    assert {i["title"] for i in document["items"]} == titles  # type: ignore[attr-defined]


def test_text_that_xml_cannot_carry_is_dropped(handbook: Corpus) -> None:
    posts = {"docs/blog/posts/hello.md": PostPage("blog/hello/", "bell\x07 form feed\x0c", ("Jane",))}
    xml = _build(handbook, posts=posts)["feeds/posts.xml"]
    assert_strict_rss(xml)
    assert b"bell form feed" in xml


def test_the_same_input_gives_the_same_bytes_whatever_the_build_date(handbook: Corpus) -> None:
    first = _build(handbook, build_date=BUILD_DATE)
    second = _build(handbook, build_date=BUILD_DATE + dt.timedelta(days=400))
    assert first == second
    channel = assert_strict_rss(first["feeds/all.xml"])
    newest = max(email.utils.parsedate_to_datetime(i.findtext("pubDate", "")) for i in channel.findall("item"))
    assert email.utils.parsedate_to_datetime(channel.findtext("lastBuildDate", "")) == newest
    assert email.utils.parsedate_to_datetime(channel.findtext("pubDate", "")) == newest


def test_a_feed_without_items_is_dated_by_the_build_date(handbook: Corpus) -> None:
    files = _build(handbook, posts={})
    channel = assert_strict_rss(files["feeds/posts.xml"])
    assert channel.findall("item") == []
    assert channel.findtext("lastBuildDate") == "Tue, 01 Jan 2030 12:00:00 +0000"
    assert json.loads(files["feeds/posts.json"])["items"] == []


def test_without_history_each_policy_is_its_current_version(handbook: Corpus) -> None:
    result = parsed(_build(handbook, History())["feeds/policies.xml"])
    assert [(e.title, e.published) for e in result.entries] == [
        ("Gifts: version 1", "Sun, 01 Feb 2026 00:00:00 +0000"),
        ("Refunds: version 3", "Mon, 05 Jan 2026 00:00:00 +0000"),
    ]


def test_json_feed_follows_version_1_1(handbook: Corpus) -> None:
    document = assert_json_feed(_build(handbook)["feeds/policies.json"])
    assert document["home_page_url"] == f"{SITE}policies/"
    assert document["feed_url"] == f"{SITE}feeds/policies.json"
    first = document["items"][0]  # type: ignore[index]
    assert first["id"] == first["url"] == f"{SITE}policies/refunds/v3/"
    assert first["title"] == "Refunds: version 3"
    assert first["date_published"] == "2026-03-05T09:00:00+00:00"
    assert first["authors"] == [{"name": "Billing Team", "url": "mailto:billing@example.com"}]
    assert first["tags"] == ["billing & refunds", "returns"]


def test_a_post_the_site_did_not_build_has_no_item(handbook: Corpus) -> None:
    assert parsed(_build(handbook, posts={})["feeds/posts.xml"]).entries == []
    entry = parsed(_build(handbook)["feeds/posts.xml"]).entries[0]
    assert (entry.link, entry.author, entry.published) == (
        f"{SITE}blog/2026/04/02/hello/",
        "Jane Doe",
        "Thu, 02 Apr 2026 00:00:00 +0000",
    )


def test_feeds_need_an_absolute_site_url(handbook: Corpus) -> None:
    with pytest.raises(FeedError, match="site_url"):
        build_feeds(handbook, HISTORY, site_url="", site_name="x", build_date=BUILD_DATE, posts={})


def test_discovery_tags_name_every_feed_and_escape_the_site_name() -> None:
    tags = discovery_tags('A & "B"', lambda path: SITE + path)
    links = _alternate_links(f"<html><head>{tags}</head></html>")
    assert sorted(href for _, href, _ in links) == sorted(SITE + f for f in FEED_FILES)
    assert {kind for kind, _, _ in links} == {"application/rss+xml", "application/feed+json"}
    assert all(title.startswith('A & "B": ') for _, _, title in links)


def test_person_from_git() -> None:
    assert Person.from_git("Jane Doe") == Person("Jane Doe")
    assert Person.from_git("Jane Doe <jane@example.com>") == Person("Jane Doe", "jane@example.com")


def test_plain_text_of_an_excerpt() -> None:
    assert plain_text("<h1>Title</h1>\n<p>One &amp; <a href='x'>two</a>.</p><p>Three</p>") == "One & two.\n\nThree"


# -- mkdocs-rss-plugin 1.19's output ----------------------------------------------

# What 1.19 writes for a post without git (abridged): an image of None, clock dates, a bare name.
RSS_PLUGIN_FEED = b"""<?xml version="1.0" encoding="UTF-8" ?> <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
 xmlns:dc="http://purl.org/dc/elements/1.1/"> <channel> <title>Test handbook</title><description>All</description>
<link>https://handbook.example.com/</link><atom:link href="https://handbook.example.com/feed_rss_created.xml" rel="self"
 type="application/rss+xml" /> <pubDate>Wed, 25 Nov 2026 02:06:28 -0000</pubDate>
<lastBuildDate>Wed, 25 Nov 2026 02:06:28 -0000</lastBuildDate> <ttl>1440</ttl> <image> <url>None</url>
<title>Test handbook</title> </image> <item> <title>Hello</title> <author>jdoe</author>
<description>&lt;p&gt;Text.&lt;/p&gt;</description> <link>https://handbook.example.com/blog/2026/04/02/hello/</link>
<pubDate>Wed, 25 Nov 2026 02:06:28 +0000</pubDate>
<guid isPermaLink="true">https://handbook.example.com/blog/2026/04/02/hello/</guid> </item> </channel> </rss>"""


def test_the_checker_catches_what_rss_plugin_1_19_gets_wrong() -> None:
    problems = rss_problems(RSS_PLUGIN_FEED)
    assert "<url> says 'None'" in problems
    assert (
        "channel <pubDate> is not an RFC 822 date: 'Wed, 25 Nov 2026 02:06:28 -0000'" not in problems
    )  # -0000 is RFC 822
    assert "item 1 <author> must be 'email (Name)', got 'jdoe'" in problems
    assert rss_problems(b"<rss><channel><category>Q&A</category></channel></rss>")[0].startswith("not well-formed XML")


def test_rss_plugin_feed_repaired_valid_and_dated_by_its_posts(handbook: Corpus) -> None:
    repaired = repair_rss_plugin_feed(RSS_PLUGIN_FEED, handbook, POSTS, site_url=SITE, build_date=BUILD_DATE)
    assert rss_problems(repaired) == []
    channel = assert_strict_rss(repaired)
    parsed(repaired)
    assert channel.find("image") is None
    assert channel.findtext("lastBuildDate") == channel.findtext("pubDate") == "Thu, 02 Apr 2026 00:00:00 +0000"
    item = channel.findall("item")[0]
    assert item.findtext("pubDate") == "Thu, 02 Apr 2026 00:00:00 +0000"
    assert [c.text for c in item.findall(f"{DC}creator")] == ["Jane Doe"]
    assert [c.text for c in item.findall("category")] == ["News & <views>"]
    assert item.find("author") is None
    # Repairing twice changes nothing: the build can run it on its own output.
    assert repair_rss_plugin_feed(repaired, handbook, POSTS, site_url=SITE, build_date=BUILD_DATE) == repaired


def test_rss_plugin_feed_that_is_not_xml_is_refused_with_the_reason(handbook: Corpus) -> None:
    broken = RSS_PLUGIN_FEED.replace(b"<author>jdoe</author>", b"<category>Q&A</category>")
    with pytest.raises(FeedError, match="does not escape '&' or '<'"):
        repair_rss_plugin_feed(broken, handbook, POSTS, site_url=SITE, build_date=BUILD_DATE)


# -- the sample handbook, built by mkdocs -------------------------------------------

SAMPLE = ("mkdocs.yml", "docs", "policies", "decisions", "feedback")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "alternate":
            self.links.append((found.get("type") or "", found.get("href") or "", found.get("title") or ""))


def _alternate_links(page: str) -> list[tuple[str, str, str]]:
    parser = _Links()
    parser.feed(page)
    return parser.links


def _sample(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in SAMPLE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def _mkdocs_build(root: Path, site: Path, clock: str | None = None) -> None:
    """The engine's strict build, dated by the records and git; with `clock`, at that time (faketime)."""
    env = {k: v for k, v in engine_env().items() if k != "SOURCE_DATE_EPOCH"}
    command = engine_command("build", "--strict", "--site-dir", str(site))
    if clock is not None:
        command = [faketime(), "-f", clock, *command]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def _feed_bytes(site: Path) -> dict[str, bytes]:
    # feeds/sitemap.xml is not a feed: it answers Material's probe beside each alternate link.
    found = sorted(
        [*site.glob("feeds/*.xml"), *site.glob("feeds/*.json"), *site.glob("feed_*"), *site.glob("you-said-we-did/*.xml")]
    )
    found = [p for p in found if p.name != "sitemap.xml"]
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in found}


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample handbook in git, with a fifth version of a policy and an accepted proposal
    committed after it, and its site, built at the machine's time."""
    root = _sample(tmp_path_factory.mktemp("sample") / "handbook")
    repo = Git(root)
    repo.commit({}, "Sample handbook", date="2026-11-20T09:30:00+00:00")
    refunds = root / "policies/refunds-and-returns.md"
    text = refunds.read_text(encoding="utf-8").replace("version: 4\n", "version: 5\n", 1)
    text = re.sub(
        r"(?m)^changes: .*$", "changes: Refunds & returns by post now go to <returns@northwind.example>.", text
    )
    proposal = next((root / "decisions").glob("0008-*.md"))
    decided = proposal.read_text(encoding="utf-8").replace("status: proposed\n", "status: accepted\n", 1)
    repo.commit(
        {"policies/refunds-and-returns.md": text, f"decisions/{proposal.name}": decided},
        "Refunds v5; accept 0008",
        date="2026-11-21T15:00:00+01:00",
    )
    site = root.parent / "site1"
    _mkdocs_build(root, site)
    return root, site


@pytest.mark.engine
def test_sample_builds_all_eight_feeds_valid(built_sample: tuple[Path, Path]) -> None:
    _, site = built_sample
    for name in FEED_FILES:
        data = (site / name).read_bytes()
        if name.endswith(".xml"):
            assert_strict_rss(data)
            parsed(data)
        else:
            assert_json_feed(data)
    assert (site / "feeds/index.html").is_file()


@pytest.mark.engine
def test_sample_feeds_carry_git_history(built_sample: tuple[Path, Path]) -> None:
    root, site = built_sample
    published = len(
        [p for p in (root / "policies").glob("*.md") if "status: draft" not in p.read_text(encoding="utf-8")]
    )
    policies = parsed((site / "feeds/policies.xml").read_bytes())
    # Every published policy once, and the refunds policy twice: version 4, then version 5.
    assert len(policies.entries) == published + 1
    newest = policies.entries[0]
    assert (newest.title, newest.id) == (
        "Refunds and returns: version 5",
        "https://handbook.northwind.example/policies/refunds-and-returns/v5/",
    )
    assert newest.published == "Sat, 21 Nov 2026 14:00:00 +0000"
    assert "Refunds &amp; returns by post now go to &lt;returns@northwind.example&gt;." in newest.summary
    decisions = parsed((site / "feeds/decisions.xml").read_bytes())
    accepted = [e for e in decisions.entries if e.title.startswith("Decision 0008 is now accepted: ")]
    assert [e.published for e in accepted] == ["Sat, 21 Nov 2026 14:00:00 +0000"]
    assert len(decisions.entries) == len(list((root / "decisions").glob("*.md"))) + 1


@pytest.mark.engine
def test_sample_feeds_are_identical_with_the_clock_moved(built_sample: tuple[Path, Path], tmp_path: Path) -> None:
    root, first = built_sample
    second = tmp_path / "site2"
    _mkdocs_build(root, second, clock="@2031-06-01 23:59:00")  # without faketime: skipped, or failed in CI
    one, two = _feed_bytes(first), _feed_bytes(second)
    # The sample keeps customer feedback: its feed, and the customer page's.
    feedback = ["feeds/feedback.json", "feeds/feedback.xml", "you-said-we-did/feed.xml"]
    assert sorted(one) == sorted([*FEED_FILES, *feedback, "feed_rss_created.xml", "feed_rss_updated.xml"])
    assert one == two


@pytest.mark.engine
def test_sample_rss_plugin_feed_is_valid_and_dated_by_posts(built_sample: tuple[Path, Path]) -> None:
    root, site = built_sample
    posts = [p for p in (root / "docs/blog/posts").glob("*.md") if "draft: true" not in p.read_text(encoding="utf-8")]
    for name in ("feed_rss_created.xml", "feed_rss_updated.xml"):
        data = (site / name).read_bytes()
        assert b"None" not in data and b"quokkafrobnicate" not in data
        channel = assert_strict_rss(data)
        assert len(parsed(data).entries) == len(posts)
        # No item dated by the build's clock: every date is a post's date, at midnight.
        dates = [channel.findtext("lastBuildDate", "")] + [i.findtext("pubDate", "") for i in channel.findall("item")]
        assert all(d.endswith(" 00:00:00 +0000") for d in dates), dates


@pytest.mark.engine
def test_sample_pages_announce_every_feed(built_sample: tuple[Path, Path]) -> None:
    _, site = built_sample
    # Root-relative, so that Material's probe of each alternate link stays on the site's host.
    wanted = sorted(f"/{name}" for name in FEED_FILES)
    for page in ("index.html", "policies/refunds-and-returns/index.html", "feeds/index.html", "404.html"):
        links = _alternate_links((site / page).read_text(encoding="utf-8"))
        # (a policy's page announces its own feed too: tests/test_policy_feeds.py)
        ours = sorted(href for _, href, _ in links if "/feeds/" in href and "/feeds/policies/" not in href)
        assert ours == wanted, page
        # Not Material's links to mkdocs-rss-plugin's feeds at the root: Material's script would
        # fetch the whole sitemap.xml beside them on every page; feeds/posts.* carry the posts.
        assert not any("feed_rss_" in href for _, href, _ in links), page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="feeds/all.xml"' in home and 'href="feeds/posts.json"' in home


@pytest.mark.engine
def test_rss_plugin_does_not_repeat_posts_on_serve_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdocs serve` reuses plugin instances across rebuilds: 1.19 kept adding every post again."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = _sample(tmp_path / "handbook")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    site = tmp_path / "site"
    counts = []
    for rebuild in range(2):
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site))
        if rebuild == 0:
            config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        data = (site / "feed_rss_created.xml").read_bytes()
        assert_strict_rss(data)
        counts.append(len(parsed(data).entries))
        # Under serve, drafts get pages; they still never reach a feed.
        for path, feed in _feed_bytes(site).items():
            assert b"quokkafrobnicate" not in feed, path
    posts = [p for p in (root / "docs/blog/posts").glob("*.md") if "draft: true" not in p.read_text(encoding="utf-8")]
    assert counts == [len(posts), len(posts)]
