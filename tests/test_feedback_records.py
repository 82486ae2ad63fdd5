"""Feedback records: the loader and its schema, what they name, mkdocs.yml's feedback options, and
their statuses from git."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MKDOCS_YML, Git, Writer, decision, policy
from feedbackdata import FEEDBACK_MKDOCS_YML, OWNERS_WITH_CX, feedback, handbook_files
from handbook.adapter.config import ConfigError, read_settings
from handbook.cache import Cache
from handbook.cli.main import main as cli
from handbook.history import read_history
from handbook.loading import Corpus, load_corpus
from handbook.records import FeedbackStatus, PolicyRef, Told
from handbook.settings import FeedbackSettings


def corpus_of(root: Path) -> Corpus:
    return load_corpus(read_settings(root))


def messages(corpus: Corpus) -> list[str]:
    return [f"{e.path}:{e.line}: {e.code} {e.message}" for e in corpus.errors]


def test_a_feedback_record_loads_with_every_field(write_handbook: Writer) -> None:
    extra = (
        "channels: [chat, phone]\n"
        "outcome: We moved the returns form to the order page.\n"
        "decisions: [1]\n"
        "policies: [refunds@1, refunds]\n"
        "told: {date: 2026-08-20, customers: 140, how: e-mail from Customer Experience}\n"
        "public: true\n"
    )
    root = write_handbook(
        {
            **handbook_files(returns_form=feedback(status="changed", extra=extra)),
            "policies/refunds.md": policy(owner="billing"),
            "decisions/0001-use-a-shared-inbox.md": decision(),
        }
    )
    corpus = corpus_of(root)
    assert messages(corpus) == []
    record = corpus.feedback["returns-form"]
    assert (record.path, record.title, record.theme, record.owner) == (
        "feedback/returns-form.md",
        "Could not find the returns form on the app",
        "website",
        "customer-experience",
    )
    assert (record.received, record.raised, record.channels) == (dt.date(2026, 4, 2), 12, ("chat", "phone"))
    assert record.status is FeedbackStatus.CHANGED
    assert record.decisions == (1,)
    assert record.policies == (PolicyRef("refunds", 1), PolicyRef("refunds", None))
    assert record.told == Told(dt.date(2026, 8, 20), 140, "e-mail from Customer Experience")
    assert record.public is True
    assert record.line_of("told") == 12
    assert record.body_line == 15
    assert corpus.settings.feedback == FeedbackSettings(
        themes=("delivery", "website", "billing"), public_url="https://example.com/you-said-we-did/"
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("chanels: [chat]\n", "feedback/f.md:8: HB001 unknown key 'chanels': did you mean 'channels'?"),
        ("told: 2026-08-20\n", "feedback/f.md:8: HB001 'told' must be a mapping like {date: 2026-08-20, customers: "
         "140, how: e-mail from Customer Experience}"),
        ("told: {date: 2026-08-20, count: 3}\n", "feedback/f.md:8: HB001 'told' has unknown key 'count': use date, "
         "customers, how"),
        ("told: {customers: 3}\n", "feedback/f.md:8: HB001 'told' needs a 'date': when the customers were told, "
         "as YYYY-MM-DD"),
        ("told: {date: soon}\n", "feedback/f.md:8: HB001 'told' 'date' must be a date (YYYY-MM-DD), got 'soon'"),
        ("policies: [Refunds@2]\n", "feedback/f.md:8: HB001 'policies' has an entry that must be a policy id, "
         "optionally with the version the change produced, like 'refunds-and-returns@3', got 'Refunds@2'"),
        ("posts: [../secret.md]\n", "feedback/f.md:8: HB001 'posts' has an entry that must be a post's file under "
         "the blog's posts folder, like 'the-returns-form-you-could-not-find.md', got '../secret.md'"),
        ("public: yes please\n", "feedback/f.md:8: HB001 'public' must be true or false, got 'yes please'"),
    ],
)  # fmt: skip
def test_bad_front_matter_is_reported_at_its_line(write_handbook: Writer, extra: str, expected: str) -> None:
    root = write_handbook(handbook_files(f=feedback(extra=extra)))
    assert messages(corpus_of(root)) == [expected]


def test_missing_and_bad_required_fields(write_handbook: Writer) -> None:
    text = "---\ntitle: Late parcels\nreceived: April\nraised: two\nstatus: Received\n---\nText.\n"
    root = write_handbook(handbook_files(late=text))
    assert messages(corpus_of(root)) == [
        "feedback/late.md:1: HB001 missing 'theme' and 'owner': add a line 'key: ...' for each",
        "feedback/late.md:3: HB001 'received' must be a date (YYYY-MM-DD), got 'April'",
        "feedback/late.md:4: HB001 'raised' must be a whole number, got 'two'",
        "feedback/late.md:5: HB001 'status' has unknown value 'Received' (did you mean 'received'? it is lowercase): "
        "use one of received, reviewing, planned, changed, declined",
    ]


def test_changed_or_declined_needs_an_outcome(write_handbook: Writer) -> None:
    root = write_handbook(handbook_files(f=feedback(status="declined")))
    assert messages(corpus_of(root)) == [
        "feedback/f.md:7: HB001 status 'declined' needs an 'outcome': say why it was declined in a sentence or two"
    ]


def test_every_markdown_file_under_feedback_is_a_record_or_an_error(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            **handbook_files(index=feedback()),
            "feedback/Late Parcels.md": feedback(),
            "feedback/notes.markdown": feedback(),
            "feedback/old/late.md": feedback(),
            "feedback/README.txt": "not a record\n",
        }
    )
    assert messages(corpus_of(root)) == [
        "feedback/Late Parcels.md:1: HB001 file name 'Late Parcels' is not a lowercase id (letters, digits, "
        "hyphens): rename it to 'late-parcels.md'",
        "feedback/index.md:1: HB001 'index' is the feedback register's own page: rename the file after what "
        "customers said",
        "feedback/notes.markdown:1: HB001 Markdown files must end in '.md': rename it to 'notes.md'",
        "feedback/old/late.md:1: HB001 feedback/ is flat: move this file directly into feedback/",
    ]


def test_symlinks_are_refused_as_in_the_other_record_folders(write_handbook: Writer, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside.md"
    outside.write_text(feedback(), encoding="utf-8")
    root = write_handbook(handbook_files(real=feedback()))
    os.symlink(outside, root / "feedback" / "linked.md")
    assert messages(corpus_of(root)) == [
        "feedback/linked.md:1: HB001 symlink points outside the repository: refused; copy the file in instead"
    ]


def test_a_symlinked_feedback_folder_is_refused(write_handbook: Writer, tmp_path: Path) -> None:
    elsewhere = tmp_path.parent / f"{tmp_path.name}-folder"
    elsewhere.mkdir()
    (elsewhere / "f.md").write_text(feedback(), encoding="utf-8")
    root = write_handbook(handbook_files())
    os.symlink(elsewhere, root / "feedback")
    assert [m.split(" refused")[0] for m in messages(corpus_of(root))] == ["feedback:1: HB001 the folder is a symlink:"]


def test_what_a_record_names_must_exist(write_handbook: Writer) -> None:
    extra = (
        "decisions: [1, 9]\n"
        "policies: [refunds@2, draft-policy, nowhere]\n"
        "posts: [no-such-post.md]\n"
        "told: {date: 2026-05-01}\n"
    )
    root = write_handbook(
        {
            **handbook_files(f=feedback(theme="Delivery", owner="nobody", extra=extra)),
            "policies/refunds.md": policy(),
            "policies/draft-policy.md": policy(status="draft"),
            "decisions/0001-use-a-shared-inbox.md": decision(),
        }
    )
    assert messages(corpus_of(root)) == [
        "feedback/f.md:3: HB310 theme 'Delivery' is not one of the feedback themes in mkdocs.yml (delivery, website, "
        "billing): use one of them, or add it under 'feedback: themes:' in the handbook plugin's options",
        "feedback/f.md:4: HB103 owner 'nobody' is not in the owners registry: add it to policies/owners.yml or pick "
        "an owner listed there",
        "feedback/f.md:8: HB310 decision 0009 does not exist: give the number of a decision record",
        "feedback/f.md:9: HB310 policy 'draft-policy' is a draft: name it once it is published",
        "feedback/f.md:9: HB310 policy 'nowhere' does not exist: give a policy's id (its file name without .md)",
        "feedback/f.md:9: HB310 policy 'refunds@2' names version 2, but 'refunds' is at version 1: give a version "
        "it has had",
        "feedback/f.md:10: HB310 post 'no-such-post.md' is not a post: there is no docs/blog/posts/no-such-post.md; "
        "fix the name",
        "feedback/f.md:11: HB311 'told' is set but the status is 'received': customers are told once it is "
        "'changed' or 'declined'; set the status, or remove 'told'",
    ]


def test_a_record_naming_a_file_that_failed_to_load_is_not_reported_twice(write_handbook: Writer) -> None:
    root = write_handbook({**handbook_files(f=feedback(extra="policies: [refunds]\n")), "policies/refunds.md": "x"})
    assert [m.split(":")[0] for m in messages(corpus_of(root))] == ["policies/refunds.md"]


def test_check_reports_feedback_problems_and_exits_1(write_handbook: Writer) -> None:
    root = write_handbook(handbook_files(f=feedback(theme="weather")))
    result = CliRunner().invoke(cli, ["check", str(root), "--today", "2026-04-03"])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0] == (
        "feedback/f.md:3: error HB310 theme 'weather' is not one of the feedback themes in mkdocs.yml (delivery, "
        "website, billing): use one of them, or add it under 'feedback: themes:' in the handbook plugin's options"
    )


def test_a_cached_feedback_record_is_the_record(write_handbook: Writer) -> None:
    extra = "outcome: Moved.\npolicies: [refunds@1, refunds]\ntold: {date: 2026-08-20, how: e-mail}\n"
    root = write_handbook(
        {**handbook_files(f=feedback(status="changed", extra=extra)), "policies/refunds.md": policy()}
    )
    settings = read_settings(root)
    first = Cache.for_handbook(settings)
    fresh = load_corpus(settings, cache=first)
    first.save()
    again = Cache.for_handbook(settings)
    cached = load_corpus(settings, cache=again)
    assert again.get("records", "feedback/f.md")["kind"] == "feedback"
    assert cached.feedback == fresh.feedback
    assert cached.feedback["f"].told == Told(dt.date(2026, 8, 20), None, "e-mail")
    assert (
        cached.feedback["f"].body
        == fresh.feedback["f"].body
        == "Customers looked for the returns form under Account.\n"
    )


# -- mkdocs.yml's feedback options ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("      feedback:\n        themse: [a]\n",
         "mkdocs.yml:16: 'feedback' option has unknown key 'themse': did you mean 'themes'?"),
        ("      feedback:\n        themes: [a, b, a]\n",
         "mkdocs.yml:16: 'feedback' option 'themes' lists 'a' twice: keep one"),
        ("      feedback:\n        themes:\n          - a\n          - 3\n",
         "mkdocs.yml:18: 'feedback' option 'themes' has 3, which is not a theme's name: write it as text"),
        ("      feedback:\n        tell_within_days: soon\n",
         "mkdocs.yml:16: 'feedback' option 'tell_within_days' must be a whole number of days from 1, got 'soon'"),
        ("      feedback:\n        review_within_days: 0\n",
         "mkdocs.yml:16: 'feedback' option 'review_within_days' must be a whole number of days from 1, got 0"),
        ("      feedback:\n        public_url: you-said-we-did\n",
         "mkdocs.yml:16: 'feedback' option 'public_url' must be the web address the customer page is published at, "
         "like 'https://example.com/you-said-we-did/', got 'you-said-we-did'"),
        ("      feedback:\n        feedback_dir: ../elsewhere\n",
         "mkdocs.yml:16: 'feedback' option 'feedback_dir' must be a path inside the handbook's folder (where "
         "mkdocs.yml is), like 'feedback', got '../elsewhere'"),
        ("      feedback: [a, b]\n",
         "mkdocs.yml:15: 'feedback' must be 'key: value' lines indented under it, like 'themes: [delivery, website]'"),
    ],
)  # fmt: skip
def test_bad_feedback_options_are_refused_at_their_line(write_handbook: Writer, section: str, expected: str) -> None:
    root = write_handbook({"mkdocs.yml": MKDOCS_YML + section})
    with pytest.raises(ConfigError) as raised:
        read_settings(root)
    assert [str(e) for e in raised.value.errors] == [expected]


def test_feedback_options_are_read_and_default(write_handbook: Writer) -> None:
    root = write_handbook({})
    assert read_settings(root).feedback == FeedbackSettings()
    section = (
        "      feedback:\n        themes: [product quality, delivery]\n        public_url: https://example.com/ysd\n"
        "        tell_within_days: 14\n        review_within_days: 31\n        feedback_dir: voice\n"
    )
    root = write_handbook({"mkdocs.yml": MKDOCS_YML + section})
    assert read_settings(root).feedback == FeedbackSettings(
        feedback_dir="voice",
        themes=("product quality", "delivery"),
        public_url="https://example.com/ysd/",
        tell_within_days=14,
        review_within_days=31,
    )


def test_check_refuses_bad_feedback_options_with_exit_2(write_handbook: Writer) -> None:
    root = write_handbook({"mkdocs.yml": MKDOCS_YML + "      feedback:\n        tell_within_days: -3\n"})
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 2
    assert result.stdout.splitlines()[0] == (
        "mkdocs.yml:16: error HB010 'feedback' option 'tell_within_days' must be a whole number of days from 1, got -3"
    )


# -- statuses from git ---------------------------------------------------------------------------


def test_feedback_changes_come_from_one_git_log(tmp_path: Path) -> None:
    git = Git(tmp_path)
    base = {"mkdocs.yml": FEEDBACK_MKDOCS_YML, "policies/owners.yml": OWNERS_WITH_CX, "docs/index.md": "# Home\n"}
    first = git.commit({**base, "feedback/late.md": feedback()}, "Late parcels", date="2026-04-02T09:00:00+00:00")
    git.commit({"feedback/late.md": feedback(raised=20)}, "More", date="2026-04-10T09:00:00+00:00")
    second = git.commit({"feedback/late.md": feedback(status="reviewing")}, "Review", date="2026-05-01T09:00:00+00:00")
    changed = feedback(status="changed", extra="outcome: We moved it.\n")
    third = git.commit({"feedback/late.md": changed}, "Changed", date="2026-07-21T09:00:00+00:00")
    corpus = corpus_of(tmp_path)
    changes = read_history(corpus).feedback_changes["late"]
    assert [(c.status, c.date.date().isoformat(), c.commit, c.author) for c in changes] == [
        ("received", "2026-04-02", first, "Test Author"),
        ("reviewing", "2026-05-01", second, "Test Author"),
        ("changed", "2026-07-21", third, "Test Author"),
    ]
    # An uncommitted status: dated at HEAD, by the record's owner.
    declined = feedback(status="declined", extra="outcome: Not now.\n")
    (tmp_path / "feedback" / "late.md").write_text(declined, encoding="utf-8")
    changes = read_history(corpus_of(tmp_path)).feedback_changes["late"]
    assert [(c.status, c.date.date().isoformat(), c.commit, c.author) for c in changes][-1] == (
        "declined",
        "2026-07-21",
        "",
        "Customer Experience",
    )


def test_without_git_a_record_has_one_status_dated_received(write_handbook: Writer) -> None:
    root = write_handbook(handbook_files(late=feedback(status="planned")))
    history = read_history(corpus_of(root))
    assert [(c.feedback_id, c.status, c.date, c.author, c.commit) for c in history.feedback_changes["late"]] == [
        ("late", "planned", dt.datetime(2026, 4, 2, tzinfo=dt.UTC), "Customer Experience", "")
    ]
