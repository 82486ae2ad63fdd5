"""`handbook digest`: a feed (RSS or Atom, made here with feedgen) becomes a text or Markdown digest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from feedgen.feed import FeedGenerator

import handbook.cli.editor as cli_editor
from handbook.cli.digest import parse_since
from handbook.cli.main import main

SITE = "https://handbook.example.com/"
ENTRIES = [
    (
        "Refunds and returns: version 3",
        "policies/refunds-and-returns/v3/",
        "2026-04-14T09:00:00+00:00",
        "<p>Version 3, effective 2026-04-14. What changed: customers now get <strong>30 days</strong>.</p>",
        ["refunds"],
    ),
    (
        "Decision 0008: Automate &quot;you said, we did&quot; updates",
        "decisions/0008-automate/",
        "2026-04-10T00:00:00+00:00",
        "<p>Status: accepted, dated 2026-04-10.</p>",
        [],
    ),
    (
        "How to escalate a complaint",
        "blog/2026/04/20/how-to-escalate/",
        "2026-04-20T08:30:00+00:00",
        "<p>Three steps.</p>",
        ["How-to"],
    ),
    (
        "Out-of-hours cover: version 3",
        "policies/out-of-hours-cover/v3/",
        "2026-03-31T23:59:00+00:00",
        "<p>Older.</p>",
        [],
    ),
]


def write_feed(path: Path, *, atom: bool = False) -> Path:
    feed = FeedGenerator()
    feed.id(SITE)
    feed.title("Northwind handbook: everything")
    feed.link(href=SITE, rel="alternate")
    feed.description("Every new policy version, decision and post.")
    feed.updated(dt.datetime(2026, 4, 21, tzinfo=dt.UTC))
    for title, rel, when, summary, tags in ENTRIES:
        entry = feed.add_entry(order="append")
        entry.id(SITE + rel)
        entry.title(title.replace("&quot;", '"'))
        entry.link(href=SITE + rel)
        entry.description(summary) if not atom else entry.summary(summary, type="html")
        entry.published(dt.datetime.fromisoformat(when))
        entry.updated(dt.datetime.fromisoformat(when))
        for tag in tags:
            entry.category(term=tag)
    path.parent.mkdir(parents=True, exist_ok=True)
    (feed.atom_file if atom else feed.rss_file)(str(path))
    assert feedparser.parse(str(path)).bozo == 0
    return path


def digest(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["digest", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


TEXT = """\
Northwind handbook: everything: what changed since 2026-04-01
=============================================================

Policies: new versions (1)
--------------------------

* Refunds and returns: version 3 (2026-04-14)
  Version 3, effective 2026-04-14. What changed: customers now get 30 days.
  https://handbook.example.com/policies/refunds-and-returns/v3/

Decisions (1)
-------------

* Decision 0008: Automate "you said, we did" updates (2026-04-10)
  Status: accepted, dated 2026-04-10.
  https://handbook.example.com/decisions/0008-automate/

Posts (1)
---------

* How to escalate a complaint (2026-04-20)
  Three steps.
  https://handbook.example.com/blog/2026/04/20/how-to-escalate/
"""

MARKDOWN = """\
# Northwind handbook: everything: what changed since 2026-04-01

## Policies: new versions (1)

- **[Refunds and returns: version 3](https://handbook.example.com/policies/refunds-and-returns/v3/)** (2026-04-14)  
  Version 3, effective 2026-04-14. What changed: customers now get 30 days.

## Decisions (1)

- **[Decision 0008: Automate "you said, we did" updates](https://handbook.example.com/decisions/0008-automate/)** (2026-04-10)  
  Status: accepted, dated 2026-04-10.

## Posts (1)

- **[How to escalate a complaint](https://handbook.example.com/blog/2026/04/20/how-to-escalate/)** (2026-04-20)  
  Three steps.
"""


@pytest.mark.parametrize("atom", [False, True])
def test_text_digest_of_the_default_feed(tmp_path: Path, atom: bool) -> None:
    write_feed(tmp_path / "site/feeds/all.xml", atom=atom)
    assert digest("--since", "2026-04-01", "--root", str(tmp_path)) == (0, TEXT, "")


def test_markdown_digest_from_a_given_feed(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "elsewhere.xml")
    assert digest("--since", "2026-04-01", "--feed", str(feed), "--format", "markdown") == (0, MARKDOWN, "")


def test_nothing_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feed = write_feed(tmp_path / "all.xml")
    monkeypatch.setattr(cli_editor, "today", lambda: dt.date(2026, 6, 1))
    code, out, _ = digest("--since", "7d", "--feed", str(feed))
    assert (code, out) == (
        0,
        "Northwind handbook: everything: what changed since 2026-05-25\n\nNothing new since 2026-05-25.\n",
    )


def test_missing_or_broken_feed_is_bad_usage(tmp_path: Path) -> None:
    code, _, err = digest("--since", "2026-04-01", "--root", str(tmp_path))
    assert code == 2
    assert f"no feed at {tmp_path}/site/feeds/all.xml (build the site first: make build)" in err
    (tmp_path / "page.html").write_text("<html><body>Not a feed</body></html>")
    code, _, err = digest("--since", "2026-04-01", "--feed", str(tmp_path / "page.html"))
    assert code == 2
    assert "not an RSS or Atom feed" in err or "not a readable RSS or Atom feed" in err
    code, _, err = digest("--since", "last week", "--feed", str(tmp_path / "page.html"))
    assert code == 2
    assert "must be a date (YYYY-MM-DD) or a span back from today like 7d or 2w" in err


@pytest.mark.parametrize(
    ("text", "day"), [("2026-04-01", dt.date(2026, 4, 1)), ("7d", dt.date(2026, 5, 25)), ("2w", dt.date(2026, 5, 18))]
)
def test_parse_since(text: str, day: dt.date) -> None:
    assert parse_since(text, today=dt.date(2026, 6, 1)) == day


def test_feedback_items_have_their_own_section(tmp_path: Path) -> None:
    generator = FeedGenerator()
    generator.title("Northwind handbook: everything")
    generator.link(href=SITE, rel="alternate")
    generator.description("Everything.")
    entry = generator.add_entry()
    entry.guid(SITE + "feedback/returns-form/#status-changed-0123456789ab", permalink=False)
    entry.title("Feedback is now changed: Could not find the returns form")
    entry.link(href=SITE + "feedback/returns-form/")
    entry.description("<p>Changed from planned to changed on 2026-04-18.</p>")
    entry.category(term="website")
    entry.pubDate(dt.datetime(2026, 4, 18, 9, tzinfo=dt.UTC))
    generator.rss_file(str(tmp_path / "feedback.xml"))
    code, out, _ = digest("--since", "2026-04-01", "--feed", str(tmp_path / "feedback.xml"))
    assert code == 0
    assert out.splitlines()[3:8] == [
        "Customer feedback: new themes and changes (1)",
        "---------------------------------------------",
        "",
        "* Feedback is now changed: Could not find the returns form (2026-04-18)",
        "  Changed from planned to changed on 2026-04-18.",
    ]
