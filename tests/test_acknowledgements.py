"""Acknowledgements in git: `handbook ack`, what a new version asks again, the site page."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, Writer, policy, settings_for
from handbook import acknowledgements as acks
from handbook.cli.common import load_settings
from handbook.cli.main import main
from handbook.loading import load_corpus
from handbook.site.acks import acknowledgements_page

ACK = "acknowledge: true\n"
FILES = {
    "policies/data-access.md": policy("Data access", version=2, extra=ACK),
    "policies/conduct.md": policy("Conduct", extra=ACK),
    "policies/refunds.md": policy(),
    "policies/draft.md": policy("Draft", status="draft", extra=ACK),
}


def ack(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["ack", "--root", str(root), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_ack_creates_then_appends_one_line_per_version(write_handbook: Writer) -> None:
    root = write_handbook(FILES)
    assert ack(root, "data-access", "--as", "jdoe", "--name", "Jane Doe", "--date", "2026-02-01") == (
        0,
        "acknowledgements/jdoe.yml: acknowledged 'data-access' version 2\n",
        "",
    )
    assert ack(root, "policies/conduct.md", "--as", "jdoe", "--date", "2026-02-02")[0] == 0
    assert ack(root, "data-access", "--as", "jdoe", "--date", "2026-02-03") == (
        0,
        "acknowledgements/jdoe.yml: 'data-access' version 2 is already acknowledged; nothing added\n",
        "",
    )
    assert (root / "acknowledgements/jdoe.yml").read_text() == (
        "# Policies Jane Doe has read and accepted, one line per version; `handbook ack POLICY --as jdoe` adds a line.\n"
        "name: Jane Doe\n"
        "acknowledged:\n"
        "- {policy: data-access, version: 2, date: 2026-02-01}\n"
        "- {policy: conduct, version: 1, date: 2026-02-02}\n"
    )
    people, problems = acks.load_acknowledgements(settings_for(root))
    assert problems == []
    assert people["jdoe"].name == "Jane Doe"
    assert [(a.policy, a.version, a.line) for a in people["jdoe"].acknowledged] == [
        ("data-access", 2, 4),
        ("conduct", 1, 5),
    ]


def test_a_new_version_asks_again_an_editorial_edit_does_not(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            **FILES,
            "acknowledgements/sam.yml": "acknowledged:\n  - {policy: data-access, version: 2, date: 2026-01-10}\n",
        }
    )
    settings = settings_for(root)

    def state() -> str:
        corpus = load_corpus(settings)
        people, _ = acks.load_acknowledgements(settings)
        latest = people["sam"].latest("data-access")
        assert latest is not None
        return "current" if latest.version >= corpus.policies["data-access"].version else "asked again"

    assert state() == "current"
    # An editorial edit keeps the version: nothing to acknowledge again.
    (root / "policies/data-access.md").write_text(
        policy("Data access", version=2, extra=ACK, body="## Rules\n\nFixed a typo.\n")
    )
    assert state() == "current"
    assert ack(root, "data-access", "--as", "sam")[1].endswith("is already acknowledged; nothing added\n")
    (root / "policies/data-access.md").write_text(
        policy("Data access", version=3, extra=ACK, changes="Stricter rules.")
    )
    assert state() == "asked again"
    assert (
        ack(root, "data-access", "--as", "sam", "--date", "2026-03-01")[1]
        == "acknowledgements/sam.yml: acknowledged 'data-access' version 3\n"
    )
    # The new line follows the file's own indentation.
    assert (
        (root / "acknowledgements/sam.yml")
        .read_text()
        .endswith(
            "  - {policy: data-access, version: 2, date: 2026-01-10}\n  - {policy: data-access, version: 3, date: 2026-03-01}\n"
        )
    )
    assert state() == "current"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("refunds", "--as", "jdoe"), "policy 'refunds' does not ask for acknowledgement"),
        (("draft", "--as", "jdoe"), "policy 'draft' is a draft"),
        (("nope", "--as", "jdoe"), "no policy 'nope'"),
        (("conduct", "--as", "Jane Doe"), "person 'Jane Doe' is not a lowercase id"),
    ],
)
def test_ack_refusals(write_handbook: Writer, args: tuple[str, ...], message: str) -> None:
    root = write_handbook(FILES)
    code, _, err = ack(root, *args)
    assert code == 2
    assert message in err
    assert not (root / "acknowledgements").exists()


def test_ack_refuses_a_file_it_cannot_append_to(write_handbook: Writer) -> None:
    text = "acknowledged:\n- {policy: conduct, version: 1, date: 2026-01-01}\nname: Sam\n"
    root = write_handbook({**FILES, "acknowledgements/sam.yml": text})
    code, _, err = ack(root, "data-access", "--as", "sam")
    assert code == 2
    assert "cannot add a line at its end: keep 'acknowledged:' last" in err
    assert (root / "acknowledgements/sam.yml").read_text() == text


def test_problems_carry_file_and_line(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            **FILES,
            "acknowledgements/sam.yml": (
                "name: Sam\nacknowledged:\n"
                "- {policy: conduct, version: 1, date: 2026-01-01}\n"
                "- {policy: gone, version: 1, date: 2026-01-01}\n"
                "- {policy: conduct, version: 7, date: 2026-01-01}\n"
            ),
            "acknowledgements/bad.yml": "acknowledged:\n- {policy: conduct, version: two, date: 2026-01-01}\n- just text\n",
            "acknowledgements/notes.txt": "hello\n",
        }
    )
    problems = acks.acknowledgement_problems(load_corpus(settings_for(root)))
    assert [(str(p), p.code) for p in problems] == [
        ("acknowledgements/bad.yml:2: 'version' must be a whole number, got 'two'", "HB401"),
        ("acknowledgements/bad.yml:3: each entry must be '{policy: ..., version: ..., date: ...}'", "HB401"),
        (
            "acknowledgements/notes.txt:1: acknowledgements/ holds one '<person>.yml' file per person: move this file out",
            "HB401",
        ),
        (
            "acknowledgements/sam.yml:4: policy 'gone' does not exist: give the id (file name without .md) of a policy",
            "HB402",
        ),
        ("acknowledgements/sam.yml:5: 'conduct' has no version 7 yet (it is at version 1)", "HB402"),
    ]


def test_an_impossible_date_is_a_finding_at_its_line(write_handbook: Writer) -> None:
    """Read as front matter is read: `2026-02-30` is reported, never a traceback from `handbook check`."""
    root = write_handbook(
        {
            **FILES,
            "acknowledgements/sam.yml": (
                "name: Sam\nacknowledged:\n"
                "- {policy: conduct, version: 1, date: 2026-01-01}\n"
                "- {policy: conduct, version: 1, date: 2026-02-30}\n"
            ),
        }
    )
    problems = acks.acknowledgement_problems(load_corpus(settings_for(root)))
    assert [(str(p), p.code) for p in problems] == [
        (
            "acknowledgements/sam.yml:4: 'date' has '2026-02-30', which is not a real date (day is out of range for "
            "month): write it as YYYY-MM-DD",
            "HB401",
        )
    ]
    result = CliRunner().invoke(main, ["check", str(root), "--select", "HB4"])
    assert (result.exit_code, result.output.splitlines()[0]) == (
        1,
        "acknowledgements/sam.yml:4: error HB401 'date' has '2026-02-30', which is not a real date (day is out of "
        "range for month): write it as YYYY-MM-DD",
    )


class Cells(HTMLParser):
    """Every table row's cell texts, by table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def test_page_shows_who_acknowledged_the_current_version(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            **FILES,
            "acknowledgements/jdoe.yml": "name: Jane Doe\nacknowledged:\n- {policy: data-access, version: 2, date: 2026-02-01}\n- {policy: conduct, version: 1, date: 2026-02-02}\n",
            "acknowledgements/sam.yml": "name: Sam <Ops>\nacknowledged:\n- {policy: data-access, version: 1, date: 2025-06-01}\n",
        }
    )
    corpus = load_corpus(settings_for(root))
    people, _ = acks.load_acknowledgements(corpus.settings)
    page = acknowledgements_page(corpus, people)
    parser = Cells()
    parser.feed(page.split("---\n", 2)[2])
    conduct, data_access, by_person = parser.tables
    assert conduct[1:] == [["Jane Doe", "version 1", "2026-02-02"], ["Sam <Ops>", "not yet", ""]]
    assert data_access[1:] == [
        ["Jane Doe", "version 2", "2026-02-01"],
        ["Sam <Ops>", "version 1 only: asked again", "2025-06-01"],
    ]
    assert by_person == [
        ["Person", "Conduct (v1)", "Data access (v2)"],
        ["Jane Doe (2/2)", "yes, 2026-02-02", "yes, 2026-02-01"],
        ["Sam <Ops> (0/2)", "not yet", "version 1 only"],
    ]
    assert '<a href="../policies/data-access/">Data access</a>' in page
    assert "1 of 2 people have acknowledged version 2." in page


def test_the_sample_handbook_acknowledgements_are_valid() -> None:
    corpus = load_corpus(load_settings(ROOT))
    assert acks.acknowledgement_problems(corpus) == []
    people, _ = acks.load_acknowledgements(corpus.settings)
    assert sorted(people) == ["jdoe", "praman", "spatel", "tokafor"]
    assert {p.id for p in acks.requiring(corpus)} == {
        "customer-data-access",
        "handling-abusive-customers",
        "policies-live-in-the-handbook",
    }
    # Someone who read an older version is asked again by the current one.
    spatel = people["spatel"].latest("customer-data-access")
    assert spatel is not None and spatel.version < corpus.policies["customer-data-access"].version
    assert people["jdoe"].latest("customer-data-access") is not None
    assert dt.date(2026, 1, 1) < people["tokafor"].acknowledged[0].date


def test_the_site_publishes_the_page(write_handbook: Writer, tmp_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = write_handbook(
        {
            **FILES,
            "acknowledgements/jdoe.yml": "name: Jane Doe\nacknowledged:\n- {policy: conduct, version: 1, date: 2026-02-02}\n",
        }
    )
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    build(config)
    html = (tmp_path / "site/acknowledgements/index.html").read_text()
    parser = Cells()
    parser.feed(html)
    assert ["Jane Doe", "version 1", "2026-02-02"] in parser.tables[0]
