"""What the site makes of customer feedback: the "You said, we did" register, a page per record
with its journey, the links both ways, the funnel per quarter, the feeds, and the customer page
with its own feed (which must hold nothing internal). Pages are made from Feedback values and
parsed as HTML (Python-Markdown, as the site converts them, then lxml); feeds with feedparser."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import feedparser
import lxml.html
import markdown
import pytest

from conftest import OWNERS, Writer, decision, policy
from handbook.cli.common import load_settings
from handbook.history import History
from handbook.loading import Corpus, load_corpus
from handbook.records import Feedback, FeedbackChange, FeedbackStatus, PolicyRef, Told
from handbook.settings import FeedbackSettings
from handbook.site.build import SiteSettings, make_site
from handbook.site.context import Context
from handbook.site.feedback import feedback_page
from handbook.site.feedback_register import feedback_register
from handbook.site.feeds.feedback import feedback_items
from handbook.site.feeds.formats import build_feeds
from handbook.site.feeds.public import public_feed
from handbook.site.journey import funnel, journey
from handbook.site.paths import PUBLIC_PAGE
from handbook.site.public import public_page
from handbook.site.records import decision_page, policy_page

SITE = "https://handbook.example.com/"
PUBLIC = "https://www.example.com/you-said-we-did/"
THEMES = ("delivery", "website", "product quality")
# Words that only staff may read: if any is on the customer page or in its feed, something leaked.
INTERNAL = ("Billing Team", "billing@example.com", "support-ops", "Support Operations", "handbook.example.com",
            "SECRET-BODY", "Raised", "raised", "owner", "channels", "chat", "e-mail from", "140")  # fmt: skip


def moment(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def record(fid: str, status: str = "received", **more: object) -> Feedback:
    fields: dict[str, object] = {
        "id": fid, "path": f"feedback/{fid}.md", "title": f"Title of {fid}", "theme": "website",
        "owner": "billing", "received": dt.date(2026, 4, 10), "raised": 3, "channels": ("chat",),
        "status": FeedbackStatus(status), "outcome": "", "body": "SECRET-BODY of the discussion.\n", "body_line": 12,
    }  # fmt: skip
    fields.update(more)
    return Feedback(**fields)  # type: ignore[arg-type]


def change(fid: str, status: str, day: str, commit: str) -> FeedbackChange:
    return FeedbackChange(fid, status, moment(day), "Jane Doe <jane@example.com>", commit)


# A theme received in Q2, reviewed, planned, changed, then reopened and changed again (two
# `changed` commits), its customers told; one declined and public; one public but still planned;
# one changed and public but `public: false`; one received in Q3 and still waiting.
RETURNS = record(
    "returns-form", "changed", title="Could not find the returns form on the app", theme="website",
    received=dt.date(2026, 4, 2), raised=140, channels=("chat", "e-mail"),
    outcome="The form is now on the home screen.",
    decisions=(1,), policies=(PolicyRef("refunds", 1),), posts=("returns-form.md",),
    told=Told(dt.date(2026, 6, 20), 140, "e-mail from Customer Experience"), public=True,
)  # fmt: skip
DECLINED = record(
    "gift-wrap", "declined", title="Offer gift wrapping", theme="delivery", received=dt.date(2026, 5, 1),
    outcome="Wrapping would delay every order by a day.", public=True,
)  # fmt: skip
PLANNED = record("late-couriers", "planned", title="Couriers come late", theme="delivery", public=True,
                 outcome="A second courier from July.")  # fmt: skip
PRIVATE = record("price-typo", "changed", title="Wrong price on the site", outcome="Fixed the price.", public=False,
                 received=dt.date(2026, 5, 20))  # fmt: skip
WAITING = record("slow-refunds", "received", title="Refunds take too long", theme="product quality",
                 received=dt.date(2026, 7, 15))  # fmt: skip
CHANGES = {
    "returns-form": (
        change("returns-form", "received", "2026-04-03", "a" * 40),
        change("returns-form", "reviewing", "2026-04-20", "b" * 40),
        change("returns-form", "planned", "2026-05-01", "c" * 40),
        change("returns-form", "changed", "2026-05-22", "d" * 40),
        change("returns-form", "reviewing", "2026-06-01", "e" * 40),
        change("returns-form", "changed", "2026-06-10", "f" * 40),
    ),
    "gift-wrap": (
        change("gift-wrap", "received", "2026-05-02", "1" * 40),
        change("gift-wrap", "declined", "2026-05-30", "2" * 40),
    ),
    "late-couriers": (change("late-couriers", "planned", "2026-04-12", "3" * 40),),
    "price-typo": (
        change("price-typo", "received", "2026-05-21", "4" * 40),
        change("price-typo", "changed", "2026-05-25", "5" * 40),
    ),
    "slow-refunds": (change("slow-refunds", "received", "2026-07-16", "6" * 40),),
}  # fmt: skip
FEEDBACK = (RETURNS, DECLINED, PLANNED, PRIVATE, WAITING)


@pytest.fixture
def corpus(write_handbook: Writer) -> Corpus:
    root = write_handbook(
        {
            "policies/owners.yml": OWNERS,
            "policies/refunds.md": policy(effective="2026-05-20", reviewed="2026-05-20"),
            "decisions/0001-returns-on-the-home-screen.md": decision(title="Put returns on the home screen"),
            "docs/blog/posts/returns-form.md": "---\ndate: 2026-06-01\n---\n# The returns form moved\n\nText.\n",
        }
    )
    return with_feedback(load_corpus(load_settings(root)), FEEDBACK)


def with_feedback(corpus: Corpus, records: tuple[Feedback, ...], **settings: object) -> Corpus:
    feedback = FeedbackSettings(themes=THEMES, public_url=PUBLIC, **settings)  # type: ignore[arg-type]
    return dataclasses.replace(
        corpus,
        settings=dataclasses.replace(corpus.settings, feedback=feedback),
        feedback={f.id: f for f in sorted(records, key=lambda f: f.id)},
    )


HISTORY = History(feedback_changes=CHANGES)


def html_of(page: str) -> lxml.html.HtmlElement:
    """A page's Markdown as the site converts it (front matter dropped), as an HTML tree."""
    if page.startswith("---\n"):
        page = page.split("\n---\n", 1)[1]
    converted = markdown.markdown(page, extensions=["attr_list", "md_in_html", "admonition", "tables", "toc"])
    return lxml.html.fromstring(f"<div>{converted}</div>")


def texts(tree: lxml.html.HtmlElement, path: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(path)]


def hrefs(tree: lxml.html.HtmlElement) -> list[str]:
    return [str(a.get("href")) for a in tree.xpath("//a[@href]")]


# -- the register -----------------------------------------------------------------------------


def test_the_register_groups_by_status_with_owner_names_counts_and_links(corpus: Corpus) -> None:
    tree = html_of(feedback_register(Context(corpus, history=HISTORY)))
    assert texts(tree, "//h1") == ["You said, we did"]
    assert texts(tree, "//h2") == [
        "The funnel, per quarter", "Received, not yet reviewed (1)", "Change planned (1)", "Changed (2)",
        "Declined (1)", "By theme",
    ]  # fmt: skip
    rows = tree.xpath("//table[contains(@class, 'hb-feedback-register')]/tbody/tr")
    by_id = {row.xpath("string(td[1]/a/@href)"): row for row in rows}
    returns = by_id["returns-form/"]
    cells = [" ".join(td.text_content().split()) for td in returns.xpath("td")]
    assert cells[:5] == ["Could not find the returns form on the app", "website", "Billing Team", "140", "2026-04-02"]
    assert cells[6] == "2026-06-20140 customers"
    # What acted on it: the decision, the policy (version 1 has no version page without git) and the post.
    assert returns.xpath("td[6]//a/@href") == [
        "../decisions/0001-returns-on-the-home-screen.md", "../policies/refunds.md", "../blog/posts/returns-form.md",
    ]  # fmt: skip
    assert returns.get("data-theme") == "website" and returns.get("data-owner") == "billing"
    # The age is worked out in the reader's browser, from the date the build writes.
    assert returns.xpath("td[5]/span[@class='hb-age']/@data-since") == ["2026-04-02"]
    # Waiting for a review: the browser marks it late after review_within_days (45).
    assert by_id["slow-refunds/"].get("data-feedback-due") == "2026-08-29"
    themes = tree.xpath("//table[contains(@class, 'hb-feedback-themes')]/tbody/tr")
    assert [" ".join(td.text_content() for td in row.xpath("td")) for row in themes] == [
        "delivery 0 0 1 0 1 6", "website 0 0 0 2 0 143", "product quality 1 0 0 0 0 3",
    ]  # fmt: skip
    assert "../you-said-we-did/" in hrefs(tree)
    assert "../feeds/feedback.xml" in hrefs(tree)


def test_the_register_is_not_searched_but_a_record_page_is(corpus: Corpus) -> None:
    assert feedback_register(Context(corpus, history=HISTORY)).startswith("---\nsearch:\n  exclude: true\n---\n")
    page = feedback_page(Context(corpus, history=HISTORY), RETURNS).markdown()
    tree = html_of(page)
    header = tree.xpath("//div[contains(@class, 'hb-feedback')]")[0]
    assert header.get("data-pagefind-filter") == "kind:Feedback"
    assert tree.xpath("//*[@data-pagefind-filter='theme']/text()") == ["website"]
    assert tree.xpath("//*[@data-pagefind-filter='status']/text()") == ["changed"]


# -- a record's page --------------------------------------------------------------------------


def test_a_record_page_shows_its_journey_from_git_and_what_acted_on_it(corpus: Corpus) -> None:
    tree = html_of(feedback_page(Context(corpus, history=HISTORY), RETURNS).markdown())
    assert texts(tree, "//h1") == ["Could not find the returns form on the app"]
    assert texts(tree, "//ol[@class='hb-journey']/li") == [
        "Received 2026-04-02", "Reviewing 2026-04-20", "Planned 2026-05-01", "Changed 2026-05-20",
        "Customers told 2026-06-20",
    ]  # fmt: skip
    # Every status change, a status reached twice included.
    assert texts(tree, "//ol[@class='hb-timeline']/li") == [
        "2026-04-03 received by Jane Doe <jane@example.com>", "2026-04-20 reviewing by Jane Doe <jane@example.com>",
        "2026-05-01 planned by Jane Doe <jane@example.com>", "2026-05-22 changed by Jane Doe <jane@example.com>",
        "2026-06-01 reviewing by Jane Doe <jane@example.com>", "2026-06-10 changed by Jane Doe <jane@example.com>",
    ]  # fmt: skip
    assert texts(tree, "//p[@class='hb-outcome']") == ["What we changed: The form is now on the home screen."]
    assert texts(tree, "//h2") == ["What acted on it"]
    assert texts(tree, "//h2[1]/preceding-sibling::p[1]") == ["SECRET-BODY of the discussion."]
    assert texts(tree, "//h2[1]/following-sibling::ul[1]/li") == [
        "Decision 0001: Put returns on the home screen", "Policy: Refunds, version 1", "Post: The returns form moved",
    ]  # fmt: skip
    facts = dict(zip(texts(tree, "//dl/div/dt"), texts(tree, "//dl/div/dd"), strict=True))
    assert facts["Owner"] == "Billing Team" and facts["Raised by"] == "140 customers"
    assert facts["Customer page"] == "shown"


def test_a_declined_record_goes_straight_from_review_to_declined(corpus: Corpus) -> None:
    tree = html_of(feedback_page(Context(corpus, history=HISTORY), DECLINED).markdown())
    assert texts(tree, "//ol[@class='hb-journey']/li") == [
        "Received 2026-05-01", "Reviewing skipped", "Declined 2026-05-30", "Customers told not yet",
    ]  # fmt: skip
    assert texts(tree, "//p[@class='admonition-title']") == ["Declined"]
    assert texts(tree, "//p[@class='hb-outcome']") == ["Why not: Wrapping would delay every order by a day."]


def test_a_changed_record_whose_customers_are_not_told_says_by_when(corpus: Corpus) -> None:
    tree = html_of(feedback_page(Context(corpus, history=HISTORY), PRIVATE).markdown())
    header = tree.xpath("//div[contains(@class, 'hb-feedback')]")[0]
    # Changed on 2026-05-25, tell_within_days 30: the browser shows the banner after that day.
    assert (header.get("data-feedback-due"), header.get("data-feedback-due-what")) == ("2026-06-24", "tell")


def test_decision_and_policy_pages_list_the_feedback_behind_them(corpus: Corpus) -> None:
    ctx = Context(corpus, history=HISTORY)
    policy_tree = html_of(policy_page(ctx, corpus.policies["refunds"]).body())
    assert texts(policy_tree, "//h2[last()]") == ["Customer feedback behind this policy"]
    assert policy_tree.xpath("//h2[last()]/following-sibling::ul[1]/li/a/@href") == ["../feedback/returns-form.md"]
    decision_tree = html_of(decision_page(ctx, corpus.decisions[1]).body())
    assert texts(decision_tree, "//h2[last()]/following-sibling::ul[1]/li") == [
        "Could not find the returns form on the app (changed, raised by 140)"
    ]


def with_settings(corpus: Corpus, feedback: FeedbackSettings) -> Corpus:
    return dataclasses.replace(corpus, settings=dataclasses.replace(corpus.settings, feedback=feedback))


def without_feedback(corpus: Corpus) -> Corpus:
    return dataclasses.replace(with_settings(corpus, FeedbackSettings()), feedback={})


def test_without_feedback_policy_and_decision_pages_are_as_they_were(corpus: Corpus) -> None:
    bare = without_feedback(corpus)
    ctx = Context(bare, history=HISTORY)
    assert "feedback" not in policy_page(ctx, bare.policies["refunds"]).body().lower()
    assert "feedback" not in decision_page(ctx, bare.decisions[1]).body().lower()
    files = make_site(bare, History(), list, SiteSettings("Test handbook")).files
    assert not [src for src in files if "feedback" in src or "you-said" in src]


# -- the funnel -------------------------------------------------------------------------------


def test_the_funnel_per_quarter(corpus: Corpus) -> None:
    figures = {q.label: q for q in funnel(corpus, HISTORY)}
    assert list(figures) == ["2026 Q2", "2026 Q3"]
    q2 = figures["2026 Q2"]
    # returns-form, gift-wrap, late-couriers (planned), price-typo: all reviewed; two changed.
    assert (q2.received, q2.reviewed, q2.acted_on, q2.told, q2.customers_told) == (4, 4, 2, 1, 140)
    # As `handbook check` reckons a change: returns-form 2026-04-02 -> 2026-05-20, when the policy
    # version it names took effect (before git saw it changed) (48 days); price-typo 05-20 -> 05-25 (5).
    assert q2.days_to_change == 26.5
    # returns-form: changed 2026-05-20 -> told 2026-06-20.
    assert q2.days_to_tell == 31
    q3 = figures["2026 Q3"]
    assert (q3.received, q3.reviewed, q3.acted_on, q3.told, q3.days_to_change) == (1, 0, 0, 0, None)


def test_the_funnel_is_drawn_on_the_register_and_summed_up_on_the_health_page(corpus: Corpus) -> None:
    tree = html_of(feedback_register(Context(corpus, history=HISTORY)))
    q2 = tree.xpath("//figure[contains(@class, 'hb-funnel-quarter')]")[1]
    assert texts(q2, "figcaption") == ["2026 Q2: 4 themes received"]
    bars = [(b.xpath("string(span[1])"), b.xpath("string(span[2]/span/@style)"), b.xpath("string(span[3])"))
            for b in q2.xpath("div[@class='hb-bar']")]  # fmt: skip
    assert bars == [
        ("Received", "width: 100%", "4"), ("Reviewed", "width: 100%", "4"), ("Acted on", "width: 50%", "2"),
        ("Customers told", "width: 25%", "1"),
    ]  # fmt: skip
    assert texts(q2, "p") == ["Median 26.5 days from received to changed, 31 days from changed to told."]
    site = make_site(corpus, HISTORY, list, SiteSettings("Test handbook"))
    health = html_of(site.files["health.md"].content or "")
    assert texts(health, "//p[@class='hb-feedback-latest']") == [
        "2026 Q3: 1 received, 0 reviewed, 0 acted on, customers told for 0; median – from received to changed "
        "and – from changed to told. Every quarter."
    ]
    waiting = health.xpath("//table[contains(@class, 'hb-feedback-due')]/tbody/tr")
    assert [(r.get("data-feedback-due"), r.xpath("string(td[1])"), r.xpath("string(td[3])")) for r in waiting] == [
        ("2026-06-24", "Wrong price on the site", "Tell the customers"),
        ("2026-08-29", "Refunds take too long", "Review it"),
    ]


# -- the feeds --------------------------------------------------------------------------------


def feeds(corpus: Corpus, history: History = HISTORY) -> Mapping[str, bytes]:
    return build_feeds(corpus, history, site_url=SITE, site_name="Test handbook",
                       build_date=moment("2026-08-01"), posts={})  # fmt: skip


def test_the_feedback_feed_has_an_item_per_theme_and_per_status_change(corpus: Corpus) -> None:
    made = feeds(corpus)
    parsed = feedparser.parse(made["feeds/feedback.xml"])
    assert parsed.bozo == 0
    guids = [e.id for e in parsed.entries]
    assert len(guids) == len(set(guids)) == 5 + 5 + 1 + 1
    returns = [e for e in parsed.entries if e.link == SITE + "feedback/returns-form/"]
    # `changed` reached twice: two items, each with its own commit in its GUID.
    assert sorted(e.id for e in returns if "#status-changed-" in e.id) == [
        SITE + "feedback/returns-form/#status-changed-dddddddddddd",
        SITE + "feedback/returns-form/#status-changed-ffffffffffff",
    ]
    assert [e.title for e in returns if e.id == SITE + "feedback/returns-form/"] == [
        "Feedback: Could not find the returns form on the app"
    ]
    everything = feedparser.parse(made["feeds/all.xml"])
    assert set(guids) <= {e.id for e in everything.entries}
    assert "change to customer feedback" in everything.feed.description
    assert (
        b'"id":"https://handbook.example.com/feedback/returns-form/#status-changed-ffffffffffff"'
        in made["feeds/feedback.json"]
    )


def test_the_same_history_makes_the_same_feed_bytes(corpus: Corpus) -> None:
    assert feeds(corpus) == feeds(corpus)


def test_a_handbook_without_feedback_has_no_feedback_feed(corpus: Corpus) -> None:
    bare = without_feedback(corpus)
    made = feeds(bare)
    assert "feeds/feedback.xml" not in made
    assert "customer feedback" not in feedparser.parse(made["feeds/all.xml"]).feed.description
    assert not list(feedback_items(bare, HISTORY, site_url=SITE))


# -- the customer page ------------------------------------------------------------------------


def test_the_customer_page_shows_only_public_final_records_and_only_what_they_may_see(corpus: Corpus) -> None:
    page = public_page(corpus, HISTORY)
    tree = lxml.html.document_fromstring(page)
    # Only records with `public: true` that are changed or declined; newest first by when they got there.
    assert texts(tree, "//h2") == ["Offer gift wrapping", "Could not find the returns form on the app"]
    assert [li.get("id") for li in tree.xpath("//li")] == ["gift-wrap", "returns-form"]
    assert texts(tree, "//article/p[1]") == [
        "Why we did not change it: Wrapping would delay every order by a day.",
        "What we changed: The form is now on the home screen.",
    ]
    # When: declined as git says; changed as on the record's page (the policy version took effect).
    assert tree.xpath("//article//time/@datetime") == ["2026-05-30", "2026-05-20"]
    for other in ("Couriers come late", "Wrong price on the site", "Refunds take too long"):
        assert other not in page
    for word in INTERNAL:
        assert word not in page, word
    # Its own small template: no script, no style sheet or link from elsewhere, no Material.
    assert tree.xpath("//script") == [] and tree.xpath("//link[@rel='stylesheet']") == []
    assert hrefs(tree) == ["feed.xml"]
    assert tree.xpath("//link/@href") == ["feed.xml"]
    assert "md-" not in page and "pagefind" not in page


def test_the_customer_feed_links_to_the_public_address_and_says_nothing_internal(corpus: Corpus) -> None:
    xml = public_feed(corpus, HISTORY, address=PUBLIC, build_date=moment("2026-08-01"))
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0
    assert parsed.feed.link == PUBLIC
    assert [(e.title, e.link) for e in parsed.entries] == [
        ("Offer gift wrapping", PUBLIC + "#gift-wrap"),
        ("Could not find the returns form on the app", PUBLIC + "#returns-form"),
    ]
    assert len({e.id for e in parsed.entries}) == 2
    text = xml.decode()
    for word in (*INTERNAL, "Couriers come late", "Wrong price", "Refunds take too long", "feedback/"):
        assert word not in text, word


def test_a_record_made_private_leaves_the_customer_page_and_its_feed(corpus: Corpus) -> None:
    records = tuple(dataclasses.replace(f, public=False) if f is RETURNS else f for f in FEEDBACK)
    private = with_feedback(corpus, records)
    page = public_page(private, HISTORY)
    xml = public_feed(private, HISTORY, address=PUBLIC, build_date=moment("2026-08-01")).decode()
    for made in (page, xml):
        assert "returns" not in made.lower()
        assert "Offer gift wrapping" in made


def test_the_customer_page_is_a_file_of_the_site_and_its_feed_one_of_the_feeds(corpus: Corpus) -> None:
    site = make_site(corpus, HISTORY, list, SiteSettings("Test handbook"))
    made = site.files[PUBLIC_PAGE]
    assert made.hidden and made.content == public_page(corpus, HISTORY)
    assert "feedback/index.md" in site.files and not site.files["feedback/index.md"].hidden
    assert site.records["feedback/returns-form.md"] is RETURNS
    written = site.feeds({}, site_url=SITE, language="en", build_date=moment("2026-08-01"))
    assert feedparser.parse(written["you-said-we-did/feed.xml"]).feed.link == PUBLIC


def test_without_a_public_url_the_customer_feed_links_to_the_copy_in_the_site(corpus: Corpus) -> None:
    bare = with_settings(corpus, FeedbackSettings(themes=THEMES))
    site = make_site(bare, HISTORY, list, SiteSettings("Test handbook"))
    written = site.feeds({}, site_url=SITE, language="en", build_date=moment("2026-08-01"))
    assert feedparser.parse(written["you-said-we-did/feed.xml"]).feed.link == SITE + "you-said-we-did/"


def test_without_git_a_record_is_dated_when_it_was_received(corpus: Corpus) -> None:
    tree = html_of(feedback_page(Context(corpus, history=History()), DECLINED).markdown())
    assert texts(tree, "//ol[@class='hb-timeline']/li") == ["2026-05-01 declined"]
    assert journey(corpus, DECLINED, None).reached("declined") == dt.date(2026, 5, 1)


def test_pages_carry_record_text_as_text(corpus: Corpus) -> None:
    evil = record("evil", "changed", title="<script>alert(1)</script> & [link](javascript:x)", public=True,
                  outcome="<img src=x onerror=alert(1)>")  # fmt: skip
    hostile = with_feedback(corpus, (evil,))
    for page in (feedback_page(Context(hostile), evil).markdown(), feedback_register(Context(hostile))):
        tree = html_of(page)
        assert tree.xpath("//script | //img") == []
        assert "javascript:" not in hrefs(tree)
    public = lxml.html.document_fromstring(public_page(hostile, None))
    assert public.xpath("//script | //img") == []
    assert texts(public, "//h2") == ["<script>alert(1)</script> & [link](javascript:x)"]


def test_git_dates_outside_received_and_told_are_kept_between_them(corpus: Corpus) -> None:
    """A record committed with its status already final, after its customers were told (or
    written up before the day it says it was received): no negative days, no 'when' after told."""
    imported = record("imported", "changed", received=dt.date(2026, 4, 1), outcome="Done.", public=True,
                      told=Told(dt.date(2026, 4, 20), 5, ""))  # fmt: skip
    early = record("early", "declined", received=dt.date(2026, 4, 10), outcome="No.", public=True)
    history = History(
        feedback_changes={
            "imported": (change("imported", "changed", "2026-09-01", "7" * 40),),
            "early": (
                change("early", "received", "2026-01-02", "8" * 40),
                change("early", "declined", "2026-01-03", "9" * 40),
            ),
        }
    )
    both = with_feedback(corpus, (imported, early))
    stages = [(s.name, s.date, s.passed) for s in journey(both, imported, history).stages]
    assert stages == [
        ("received", dt.date(2026, 4, 1), False), ("reviewing", None, True), ("planned", None, True),
        ("changed", dt.date(2026, 4, 20), False), ("told", dt.date(2026, 4, 20), False),
    ]  # fmt: skip
    assert journey(both, early, history).reached("declined") == dt.date(2026, 4, 10)
    (quarter,) = funnel(both, history)
    assert (quarter.days_to_change, quarter.days_to_tell) == (19, 0)
    tree = lxml.html.document_fromstring(public_page(both, history))
    assert tree.xpath("//time/@datetime") == ["2026-04-20", "2026-04-10"]
