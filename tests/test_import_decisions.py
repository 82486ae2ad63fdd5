"""`handbook import-decisions` into an empty handbook (issue 20): real adr-tools, MADR and log4brains
folders imported with nothing lost or invented, and a handbook that builds `--strict` after it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from conftest import Git, strict_build
from empty_handbook import empty_handbook
from handbook.cli.main import main
from handbook.loading import load_corpus
from handbook.records import DecisionStatus
from handbook.settings import Settings
from importreport import body, details, front, summary

INDENT = " " * 25


def write(folder: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, text in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
    return folder


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--root", str(root)], catch_exceptions=False)
    return result.exit_code, result.stdout


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    return empty_handbook(tmp_path / "handbook")


# -- adr-tools / Nygard ----------------------------------------------------------------------------

ADR_TOOLS = {
    "0001-record-architecture-decisions.md": """\
# 1. Record architecture decisions

Date: 2018-11

## Status

Accepted

## Context

We need to record the architectural decisions made on this project.
""",
    # Item 1: "template" in a record's name does not make it a template.
    "0002-use-mustache-as-template-engine.md": """\
# 2. Use Mustache as template engine

Date: 10/04/18

## Status

Superseded by [3. Use Jinja](0003-use-jinja.md)

## Context

Pages need templates.
""",
    "0003-use-jinja.md": """\
# 3. Use Jinja

Date 09/04/2019

## Status

Accepted

Supersedes [2. Use Mustache as template engine](0002-use-mustache-as-template-engine.md)

## Context

See ADR-0002.
""",
    "0004-keep-a-changelog.md": """\
# 4. Keep a changelog

- Date 2023-09-26

## Status

Accepted
""",
    "0005-use-semver.md": """\
# 5. Use semver

Date: 2018-08-30; Last update: 2019-04-09

## Status

Accepted
""",
    "templates/template.md": "# NUMBER. TITLE\n\nDate: DATE\n\n## Status\n\nSTATUS\n\n## Context\n\n",
    "README.md": "# Decisions\n\nThe records of this project.\n",
}


def test_adr_tools_folder_keeps_every_record_and_date(handbook: Path) -> None:
    source = write(handbook.parent / "adr", ADR_TOOLS)
    code, out = run(handbook, "import-decisions", str(source))
    assert code == 0, out
    assert details(out) == [
        "imported with guesses  adr/0001-record-architecture-decisions.md -> decisions/0001-record-architecture-decisions.md",
        f"{INDENT}guess: date '2018-11' names a month: its first day, 2018-11-01, used",
        "imported with guesses  adr/0002-use-mustache-as-template-engine.md -> decisions/0002-use-mustache-as-template-engine.md",
        f"{INDENT}guess: date '10/04/18' read as 2018-04-10: DD/MM/YYYY assumed (as MM/DD/YYYY it would be 2018-10-04; "
        "--month-first reads it so)",
        "imported with guesses  adr/0003-use-jinja.md -> decisions/0003-use-jinja.md",
        f"{INDENT}guess: date '09/04/2019' read as 2019-04-09: DD/MM/YYYY assumed (as MM/DD/YYYY it would be 2019-09-04; "
        "--month-first reads it so)",
        "imported               adr/0004-keep-a-changelog.md -> decisions/0004-keep-a-changelog.md",
        "imported               adr/0005-use-semver.md -> decisions/0005-use-semver.md",
        f"{INDENT}note: date '2018-08-30; Last update: 2019-04-09' read as its first date, 2018-08-30",
        "skipped                adr/README.md: 'README.md' is the folder's index, not a record",
        "skipped                adr/templates/template.md: 'template.md' is a template, not a record (its name says so)",
        "7 files: 2 imported, 3 imported with guesses, 2 skipped, 0 not imported",
    ]
    corpus = load_corpus(Settings(root=handbook, audiences=("all-staff",)))
    assert corpus.errors == ()
    assert [(n, d.date, d.status) for n, d in corpus.decisions.items()] == [
        (1, dt.date(2018, 11, 1), DecisionStatus.ACCEPTED),
        (2, dt.date(2018, 4, 10), DecisionStatus.SUPERSEDED),
        (3, dt.date(2019, 4, 9), DecisionStatus.ACCEPTED),
        (4, dt.date(2023, 9, 26), DecisionStatus.ACCEPTED),
        (5, dt.date(2018, 8, 30), DecisionStatus.ACCEPTED),
    ]
    assert corpus.decisions[3].supersedes == (2,)


@pytest.mark.engine
def test_adr_tools_import_builds_strict(handbook: Path) -> None:
    source = write(handbook.parent / "adr", ADR_TOOLS)
    assert run(handbook, "import-decisions", str(source))[0] == 0
    built = strict_build(handbook)
    assert built.returncode == 0, built.stderr


# -- templates and placeholders (items 1 and 4) -------------------------------------------------------

MADR_TEMPLATE = """\
---
status: "{proposed | rejected | accepted | deprecated | … | superseded by ADR-0123}"
date: {YYYY-MM-DD when the decision was last updated}
decision-makers: {list everyone involved in the decision}
---
# {short title, representative of solved problem and found solution}

## Context and Problem Statement
"""


def test_only_templates_are_skipped_and_placeholders_are_never_data(handbook: Path) -> None:
    source = write(
        handbook.parent / "madr",
        {
            "adr-template.md": MADR_TEMPLATE,
            "0001-unfilled.md": MADR_TEMPLATE,
            "yyyymmdd-xxx.md": "# [short title of solved problem and solution]\n\n- Status: [draft | proposed]\n",
            "0002-use-templates.md": """\
---
date: 2024-01-02
decision-makers: [list everyone involved in the decision]
consulted: [Jane Doe]
---
# Use templates

* Status: [proposed | rejected | accepted | deprecated]
* Deciders: [list everyone involved in the decision]

## Context and Problem Statement
""",
        },
    )
    code, out = run(handbook, "import-decisions", str(source))
    assert code == 0, out
    assert details(out) == [
        "skipped                madr/0001-unfilled.md: a template, not a record: its title "
        "'{short title, representative of solved problem and found solution}' is an unfilled placeholder",
        "imported with guesses  madr/0002-use-templates.md -> decisions/0002-use-templates.md",
        f"{INDENT}guess: no status found: imported as 'accepted' (--default-status)",
        f"{INDENT}note: unfilled template fields ignored: decision-makers",
        "skipped                madr/adr-template.md: 'adr-template.md' is a template, not a record (its name says so)",
        "skipped                madr/yyyymmdd-xxx.md: 'yyyymmdd-xxx.md' is a template, not a record (its name says so)",
        "4 files: 0 imported, 1 imported with guesses, 3 skipped, 0 not imported",
    ]
    meta = front(handbook, "decisions/0002-use-templates.md")
    assert (meta["status"], meta.get("decision-makers"), meta["consulted"]) == ("accepted", None, ["Jane Doe"])


# -- MADR: no statuses, images, an undated record, numbers from 0000 (items 5, 6, 9, 10, 11) -------------

MADR = {
    "0000-use-madr.md": """\
# Use Markdown Architectural Decision Records

## Context and Problem Statement

We want to record decisions. The [diagram](0000-diagram.jpg?raw=true) says why:

![overview](assets/0040-overview.png)

The code is in [main.py](../../src/main.py); compare [the next one](0001-use-postgres.md#decision-outcome).

```text
[not a link](nowhere.md)
```
""",
    "0001-use-postgres.md": """\
---
date: 2021-03-04
supersedes: [0]
---
# Use Postgres

## Decision Outcome

Chosen: Postgres. It supersedes [0000](0000-use-madr.md).
""",
    "0002-undated.md": "# Keep it undated\n\n## Context and Problem Statement\n\nNobody wrote a date.\n",
    "0000-diagram.jpg": b"\xff\xd8\xff\xe0JPEG",
    "assets/0040-overview.png": b"\x89PNG\r\n\x1a\n",
}


def test_madr_folder_with_images_and_no_statuses(handbook: Path) -> None:
    source = write(handbook.parent / "decisions-src", MADR)
    code, out = run(handbook, "import-decisions", str(source))
    assert code == 0, out
    assert details(out) == [
        "skipped                decisions-src/0000-diagram.jpg: not a record: copied to decisions/assets/0000-diagram.jpg, "
        "which a record shows",
        "imported with guesses  decisions-src/0000-use-madr.md -> decisions/0000-use-madr.md",
        f"{INDENT}guess: no status found: imported as 'accepted' (--default-status)",
        f"{INDENT}guess: no date found: written as 'date: unknown' (`handbook check` warns until it is set)",
        f"{INDENT}note: status 'accepted' set to 'superseded': 0001 supersedes it",
        f"{INDENT}asset: 0000-diagram.jpg -> decisions/assets/0000-diagram.jpg",
        f"{INDENT}link: 0000-diagram.jpg?raw=true -> assets/0000-diagram.jpg",
        f"{INDENT}asset: assets/0040-overview.png -> decisions/assets/0040-overview.png",
        f"{INDENT}link: assets/0040-overview.png -> assets/0040-overview.png",
        f"{INDENT}link left: ../../src/main.py (no such file in the imported folder): kept as text 'main.py'",
        "imported with guesses  decisions-src/0001-use-postgres.md -> decisions/0001-use-postgres.md",
        f"{INDENT}guess: no status found: imported as 'accepted' (--default-status)",
        "imported with guesses  decisions-src/0002-undated.md -> decisions/0002-undated.md",
        f"{INDENT}guess: no status found: imported as 'accepted' (--default-status)",
        f"{INDENT}guess: no date found: written as 'date: unknown' (`handbook check` warns until it is set)",
        "skipped                decisions-src/assets/0040-overview.png: not a record: copied to "
        "decisions/assets/0040-overview.png, which a record shows",
        "5 files: 0 imported, 3 imported with guesses, 2 skipped, 0 not imported",
    ]
    assert summary(out)[:12] == [
        "  imported: 3 (3 with guesses)",
        "  skipped: 2",
        "       2  copied into the handbook (a record shows it)",
        "  not imported: 0",
        "  defaults and guesses: 5",
        "       3  no status: 'accepted'",
        "       2  date unknown",
        "  links rewritten: 2",
        "  assets copied: 2",
        "  links left unresolved: 1",
        "  Liquid tags resolved: 0",
        "  Liquid tags left as HTML comments: 0",
    ]
    assert (handbook / "decisions/assets/0000-diagram.jpg").read_bytes() == MADR["0000-diagram.jpg"]
    text = body(handbook, "decisions/0000-use-madr.md")
    assert "The [diagram](assets/0000-diagram.jpg) says why:" in text
    assert "The code is in main.py; compare [the next one](0001-use-postgres.md#decision-outcome)." in text
    assert "[not a link](nowhere.md)" in text  # code is left alone
    assert front(handbook, "decisions/0002-undated.md")["date"] == "unknown"
    corpus = load_corpus(Settings(root=handbook, audiences=("all-staff",)))
    assert corpus.errors == ()
    # Numbers from 0000 are kept, and 0000 can be superseded.
    assert (corpus.decisions[0].status, corpus.decisions[0].date, corpus.decision_successor) == (
        DecisionStatus.SUPERSEDED,
        None,
        {0: 1},
    )
    # `handbook check`: the unknown dates are warnings at their line, and the check passes.
    result = CliRunner().invoke(main, ["check", str(handbook), "--today", "2026-06-01", "--no-cache"])
    assert result.exit_code == 0, result.stdout
    assert [line for line in result.stdout.splitlines() if "HB107" in line] == [
        "decisions/0000-use-madr.md:4: warning HB107 decision 0000's date is unknown (imported without one): "
        "write the day it was decided",
        "decisions/0002-undated.md:4: warning HB107 decision 0002's date is unknown (imported without one): "
        "write the day it was decided",
    ]


def test_default_status_can_be_chosen(handbook: Path) -> None:
    source = write(handbook.parent / "madr", {"0002-undated.md": MADR["0002-undated.md"]})
    code, out = run(handbook, "import-decisions", str(source), "--default-status", "proposed")
    assert code == 0, out
    assert f"{INDENT}guess: no status found: imported as 'proposed' (--default-status)" in details(out)
    assert front(handbook, "decisions/0002-undated.md")["status"] == "proposed"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


@pytest.mark.engine
def test_madr_import_builds_strict_with_its_images_and_undated_records(handbook: Path) -> None:
    source = write(handbook.parent / "decisions-src", MADR)
    assert run(handbook, "import-decisions", str(source))[0] == 0
    built = strict_build(handbook)
    assert built.returncode == 0, built.stderr
    site = handbook / "site"
    assert (site / "decisions/assets/0040-overview.png").read_bytes() == MADR["assets/0040-overview.png"]
    assert "Decided date unknown" in page_text(site / "decisions/0002-undated/index.html")
    log = page_text(site / "decisions/index.html")
    assert "0002 Keep it undated accepted date unknown" in log
    register = json.loads((site / "decisions/register.json").read_text(encoding="utf-8"))
    assert [(d["number"], d["date"]) for d in register["decisions"]] == [(0, None), (1, "2021-03-04"), (2, None)]
    # The feeds: valid, the dated record first, the undated ones last and without a date.
    feed = feedparser.parse((site / "feeds/decisions.xml").read_bytes())
    assert feed.bozo == 0
    assert [(e.title, e.get("published")) for e in feed.entries] == [
        ("Decision 0001: Use Postgres", "Thu, 04 Mar 2021 00:00:00 +0000"),
        ("Decision 0000: Use Markdown Architectural Decision Records", None),
        ("Decision 0002: Keep it undated", None),
    ]
    items = json.loads((site / "feeds/decisions.json").read_text(encoding="utf-8"))["items"]
    assert ["date_published" in item for item in items] == [True, False, False]


# -- git: dates from the source's history, links to its forge; feeds after the import commit -----------


def git(folder: Path, *args: str, date: str = "2019-05-06T10:00:00+00:00") -> None:
    env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", "-C", str(folder), *args], env=env, check=True, capture_output=True)


def test_dates_from_the_commit_that_added_the_file_and_links_to_the_forge(handbook: Path) -> None:
    repo = write(
        handbook.parent / "widgets",
        {
            "doc/adr/0001-use-madr.md": MADR["0002-undated.md"].replace(
                "Nobody wrote a date.", "See [main.py](../../src/main.py) and [the next](doc/adr/0002-use-rust.md)."
            ),
            "doc/adr/0002-use-rust.md": "# Use Rust\n\n## Context and Problem Statement\n\nSpeed.\n",
            "src/main.py": "print('hi')\n",
        },
    )
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", "git@github.com:acme/widgets.git")
    git(repo, "add", "doc/adr/0001-use-madr.md", "src/main.py")
    git(repo, "-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "-q", "-m", "first")
    git(repo, "add", "-A")
    git(
        repo,
        "-c",
        "user.name=A",
        "-c",
        "user.email=a@example.com",
        "commit",
        "-q",
        "-m",
        "2",
        date="2020-02-03T10:00:00+00:00",
    )
    commit = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    code, out = run(handbook, "import-decisions", str(repo / "doc/adr"))
    assert code == 0, out
    url = f"https://github.com/acme/widgets/blob/{commit}/src/main.py"
    assert details(out)[:5] == [
        "imported with guesses  adr/0001-use-madr.md -> decisions/0001-use-madr.md",
        f"{INDENT}guess: no status found: imported as 'accepted' (--default-status)",
        f"{INDENT}guess: no date found: 2019-05-06, the day the file was first committed",
        f"{INDENT}link: ../../src/main.py -> {url} (in the source repository)",
        f"{INDENT}link: doc/adr/0002-use-rust.md -> 0002-use-rust.md",
    ]
    assert (
        f"  note: links to files outside the imported folder point at https://github.com/acme/widgets/blob/{commit}/{{path}}"
        in summary(out)
    )
    assert front(handbook, "decisions/0002-use-rust.md")["date"] == dt.date(2020, 2, 3)
    assert f"See [main.py]({url}) and [the next](0002-use-rust.md)." in body(handbook, "decisions/0001-use-madr.md")
    # Given by hand, --source-url wins; without a {path} it is refused.
    other = empty_handbook(handbook.parent / "other")
    code, out = run(
        other, "import-decisions", str(repo / "doc/adr"), "--source-url", "https://code.example.com/w/{path}"
    )
    assert (
        f"{INDENT}link: ../../src/main.py -> https://code.example.com/w/src/main.py (in the source repository)"
        in details(out)
    )
    code, out = run(other, "import-decisions", str(repo / "doc/adr"), "--source-url", "https://code.example.com/w/")
    assert code == 2


@pytest.mark.engine
def test_an_import_commit_does_not_flood_the_feeds(git_repo: Git, tmp_path: Path) -> None:
    empty_handbook(git_repo.root)
    git_repo.commit({}, "empty handbook", "2026-05-01T09:00:00+00:00")
    source = write(tmp_path.parent / f"{tmp_path.name}-adr" / "adr", ADR_TOOLS)
    assert run(git_repo.root, "import-decisions", str(source))[0] == 0
    git_repo.commit({}, "import the decision records", "2026-06-01T09:00:00+00:00")
    built = strict_build(git_repo.root)
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((git_repo.root / "site/feeds/decisions.xml").read_bytes())
    assert feed.bozo == 0
    days = sorted(dt.date(*e.published_parsed[:3]).isoformat() for e in feed.entries)
    # One item per record, each on its own date: none on the day of the import.
    assert days == ["2018-04-10", "2018-08-30", "2018-11-01", "2019-04-09", "2023-09-26"]


# -- front matter YAML reads as one string (item 7) -------------------------------------------------------


def test_tags_written_without_a_space_are_kept(handbook: Path) -> None:
    source = write(
        handbook.parent / "adr",
        {
            "0001-use-a-client.md": "---\nstatus:accepted\ntag:Web Client\n---\n# Use a client\n\n## Context\n\nDate: 2020-01-01\n"
        },
    )
    code, out = run(handbook, "import-decisions", str(source))
    assert code == 0, out
    assert f"{INDENT}guess: 'tags: Web Client' taken from the broken front matter" in details(out)
    meta = front(handbook, "decisions/0001-use-a-client.md")
    assert (meta["status"], meta["tags"]) == ("accepted", ["Web Client"])


# -- renumbering (item 11) ----------------------------------------------------------------------------------


def test_renumbering_rewrites_every_reference_to_an_old_number(handbook: Path) -> None:
    write(handbook, {"decisions/0001-ours.md": "---\nstatus: accepted\ndate: 2025-01-01\n---\n# Ours\n"})
    source = write(
        handbook.parent / "adr",
        {
            "001-first.md": "# 001. First\n\nDate: 2019-01-01\n\n## Status\n\nSuperseded by 002\n",
            "002-second.md": """\
# 002. Second

Date: 2019-02-01

## Status

Accepted; supersedes ADR-001

## Context

As [001. First](001-first.md) said, see ADR 1, Decision 001 and RFC-0001; not ADR-9 (not ours).
It replaces 1 old server.

```
ADR-001 in code stays
```
""",
        },
    )
    code, out = run(handbook, "import-decisions", str(source))
    assert code == 0, out
    assert details(out) == [
        "imported               adr/001-first.md -> decisions/0002-first.md",
        f"{INDENT}note: renumbered 0001 -> 0002",
        f"{INDENT}reference: 'Superseded by 002' -> 'Superseded by 003'",
        "imported               adr/002-second.md -> decisions/0003-second.md",
        f"{INDENT}note: renumbered 0002 -> 0003",
        f"{INDENT}reference: 'ADR-001' -> 'ADR-002'",
        f"{INDENT}reference: 'ADR 1' -> 'ADR 2'",
        f"{INDENT}reference: 'Decision 001' -> 'Decision 002'",
        f"{INDENT}reference: 'RFC-0001' -> 'RFC-0002'",
        f"{INDENT}reference: '[001. First]' -> '[002. First]'",
        f"{INDENT}link: 001-first.md -> 0002-first.md",
        "2 files: 2 imported, 0 imported with guesses, 0 skipped, 0 not imported",
    ]
    text = body(handbook, "decisions/0003-second.md")
    assert "Accepted; supersedes ADR-002" in text
    assert "As [002. First](0002-first.md) said, see ADR 2, Decision 002 and RFC-0002; not ADR-9 (not ours)." in text
    assert "ADR-001 in code stays" in text
    assert "It replaces 1 old server." in text  # a number in prose is no reference
    assert "Superseded by 003" in body(handbook, "decisions/0002-first.md")
    corpus = load_corpus(Settings(root=handbook, audiences=("all-staff",)))
    assert corpus.errors == ()
    assert corpus.decision_successor == {2: 3}


# -- log4brains: every package .log4brains.yml names (items 8 and 12) -----------------------------------------

LOG4BRAINS = {
    ".log4brains.yml": """\
project:
  name: shop
  tz: Europe/Paris
  adrFolder: ./docs/adr
  packages:
    - name: backend
      path: ./packages/backend
      adrFolder: ./packages/backend/adr
    - name: frontend
      path: ./packages/frontend
      adrFolder: ./packages/frontend/adr
""",
    "README.md": "# Shop\n",
    "package.json": "{}\n",
    "docs/adr/README.md": "# Architecture knowledge base\n",
    "docs/adr/template.md": "# [short title of solved problem and solution]\n\n- Status: [draft | proposed]\n",
    "docs/adr/20200101-use-log4brains.md": "# Use Log4brains\n\n- Status: accepted\n- Date: 2020-01-01\n",
    "packages/backend/adr/20210101-use-postgres.md": """\
# Use Postgres

- Status: accepted

## Context and Problem Statement

As [Use Log4brains](../../../docs/adr/20200101-use-log4brains.md) says.
""",
    "packages/frontend/adr/20210101-use-postgres.md": """\
# Use Postgres for the front end too

- Status: superseded by [backend's](../../backend/adr/20210101-use-postgres.md)
- Date: 2021-01-01

## Context and Problem Statement

See [Use Log4brains](docs/adr/20200101-use-log4brains.md).
""",
}


def test_log4brains_packages_are_all_imported_with_distinct_ids(handbook: Path) -> None:
    source = write(handbook.parent / "shop", LOG4BRAINS)
    code, out = run(handbook, "import-decisions", str(source))
    assert code == 0, out
    assert (
        "  note: .log4brains.yml: records read from docs/adr/, packages/backend/adr/ (backend), packages/frontend/adr/ (frontend)"
        in summary(out)
    )
    assert details(out) == [
        "skipped                shop/README.md: not in a record folder that .log4brains.yml names",
        "imported               shop/docs/adr/20200101-use-log4brains.md -> decisions/0001-use-log4brains.md",
        f"{INDENT}note: numbered 0001: the source file has no number (numbered by date after the others)",
        "skipped                shop/docs/adr/README.md: 'README.md' is the folder's index, not a record",
        "skipped                shop/docs/adr/template.md: 'template.md' is a template, not a record (its name says so)",
        "imported               shop/packages/backend/adr/20210101-use-postgres.md -> decisions/0002-use-postgres.md",
        f"{INDENT}note: numbered 0002: the source file has no number (numbered by date after the others)",
        f"{INDENT}link: ../../../docs/adr/20200101-use-log4brains.md -> 0001-use-log4brains.md",
        "imported               shop/packages/frontend/adr/20210101-use-postgres.md -> decisions/0003-use-postgres.md",
        f"{INDENT}note: numbered 0003: the source file has no number (numbered by date after the others)",
        f"{INDENT}link: ../../backend/adr/20210101-use-postgres.md -> 0002-use-postgres.md",
        f"{INDENT}link: docs/adr/20200101-use-log4brains.md -> 0001-use-log4brains.md",
        "6 files: 3 imported, 0 imported with guesses, 3 skipped, 0 not imported",
    ]
    corpus = load_corpus(Settings(root=handbook, audiences=("all-staff",)))
    assert corpus.errors == ()
    assert [(d.title, d.tags, d.status) for d in corpus.decisions.values()] == [
        ("Use Log4brains", (), DecisionStatus.ACCEPTED),
        ("Use Postgres", ("backend",), DecisionStatus.ACCEPTED),
        ("Use Postgres for the front end too", ("frontend",), DecisionStatus.SUPERSEDED),
    ]


@pytest.mark.engine
def test_log4brains_repository_import_builds_strict(handbook: Path) -> None:
    source = write(handbook.parent / "shop", LOG4BRAINS)
    assert run(handbook, "import-decisions", str(source))[0] == 0
    built = strict_build(handbook)
    assert built.returncode == 0, built.stderr


# -- every Markdown file is a record or a report line -------------------------------------------------------


@pytest.mark.parametrize("files", [ADR_TOOLS, MADR, LOG4BRAINS], ids=["adr-tools", "madr", "log4brains"])
def test_every_markdown_file_is_a_record_or_a_report_line(handbook: Path, files: Mapping[str, str | bytes]) -> None:
    source = write(handbook.parent / "src", files)
    code, out = run(handbook, "import-decisions", str(source), "--format", "json")
    assert code == 0
    report = json.loads(out)
    markdown = sorted(
        f"src/{p.relative_to(source).as_posix()}" for p in source.rglob("*.md") if not p.name.startswith(".")
    )
    listed = {f["source"]: f for f in report["files"]}
    assert sorted(s for s in listed if s.endswith(".md")) == markdown
    for name in markdown:
        entry = listed[name]
        if entry["target"] is not None:
            assert (handbook / entry["target"]).is_file(), name
        else:
            assert entry["reason"], name
    imported = [f for f in report["files"] if f["target"]]
    assert len(imported) == len(list((handbook / "decisions").glob("*.md")))


def test_date_unknown_has_one_spelling(handbook: Path) -> None:
    write(
        handbook,
        {
            "decisions/0001-undated.md": "---\nstatus: accepted\ndate: unknown\n---\n# Undated\n",
            "decisions/0002-shouted.md": "---\nstatus: accepted\ndate: Unknown\n---\n# Shouted\n",
        },
    )
    corpus = load_corpus(Settings(root=handbook, audiences=("all-staff",)))
    assert corpus.decisions[1].date is None
    assert [str(e) for e in corpus.errors] == [
        "decisions/0002-shouted.md:3: 'date' must be a date (YYYY-MM-DD), got 'Unknown'"
    ]


def test_raw_html_images_and_links_are_followed_too(handbook: Path) -> None:
    source = write(
        handbook.parent / "adr",
        {
            "0001-draw-it.md": '# 1. Draw it\n\nDate: 2020-01-01\n\n<img src="img/flow.svg" alt="flow"> '
            '<a href="0002-ship-it.md#why">next</a> <img src="gone.png">\n',
            "0002-ship-it.md": "# 2. Ship it\n\nDate: 2020-02-01\n\n## Why\n",
            "img/flow.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        },
    )
    code, out = run(handbook, "import-decisions", str(source))
    assert code == 0, out
    assert details(out)[:6] == [
        "imported with guesses  adr/0001-draw-it.md -> decisions/0001-draw-it.md",
        f"{INDENT}guess: no status found: imported as 'accepted' (--default-status)",
        f"{INDENT}asset: img/flow.svg -> decisions/assets/flow.svg",
        f"{INDENT}link: img/flow.svg -> assets/flow.svg",
        f"{INDENT}link left: gone.png (no such file in the imported folder): its address made '#'",
        "imported with guesses  adr/0002-ship-it.md -> decisions/0002-ship-it.md",
    ]
    assert '<img src="assets/flow.svg" alt="flow"> <a href="0002-ship-it.md#why">next</a> <img src="#">' in body(
        handbook, "decisions/0001-draw-it.md"
    )
