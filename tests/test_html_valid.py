"""Every HTML page of the sample handbook passes the Nu HTML Checker (vnu), but for the errors
tests/vnu-allowlist.txt accepts, each with its reason."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import NoReturn

import pytest

from browser.site import build_site, copy_handbook
from conftest import ROOT, Git

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ALLOWLIST = Path(__file__).with_name("vnu-allowlist.txt")
# JSON on stdout; the exit code says nothing we need (errors are in the JSON); .html files only.
VNU_OPTIONS = ("--format", "json", "--stdout", "--exit-zero-always", "--skip-non-html")
REFUNDS = "policies/refunds-and-returns.md"
# Version 5's summary of changes: markup and an ampersand, which every page must escape.
NEW_CHANGES = "Refunds & returns go to <returns@northwind.example> in 3 days."
# One page of each kind the handbook generates, besides Material's own (paths from the site's root).
PAGES_OF_EACH_KIND = (
    "404.html",
    "index.html",
    "start-here/index.html",
    "policies/index.html",
    "policies/refunds-and-returns/index.html",
    "policies/refunds-and-returns/history/index.html",
    "policies/refunds-and-returns/v4/index.html",
    "policies/refunds-and-returns/v5/index.html",
    "decisions/index.html",
    "decisions/0008-automate-you-said-we-did-updates/index.html",
    "feedback/index.html",
    "feedback/returns-form-hard-to-find/index.html",
    "you-said-we-did/index.html",
    "health/index.html",
    "owners/index.html",
    "owners/billing/index.html",
    "feeds/index.html",
    "acknowledgements/index.html",
    "reading/index.html",
    "reading/support/index.html",
    "blog/index.html",
)


@dataclass(frozen=True)
class Allowed:
    pattern: re.Pattern[str]
    why: str


def read_allowlist(path: Path = ALLOWLIST) -> list[Allowed]:
    """`<regex> || <why>` a line; blank lines and `#` comments skipped; a reason is required."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        pattern, separator, why = line.partition(" || ")
        assert separator and pattern.strip() and why.strip(), f"{path.name}:{number}: expected '<regex> || <why>'"
        entries.append(Allowed(re.compile(pattern.strip()), why.strip()))
    return entries


def _unavailable(reason: str) -> NoReturn:
    # In CI a missing checker is a broken set-up, not a reason to pass quietly.
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: `make test` installs it (make node-deps)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample handbook committed, then a fourth version of refunds committed on top (its
    `changes` with markup and an ampersand), built: a version page with a diff exists."""
    root = copy_handbook(ROOT, tmp_path_factory.mktemp("vnu") / "handbook")
    git = Git(root)
    git.commit({}, "The sample handbook", date="2026-03-02T09:00:00+00:00")
    text = (root / REFUNDS).read_text(encoding="utf-8")
    newer = text.replace("version: 4\n", "version: 5\n", 1).replace("**5 working days**", "**3 working days**", 1)
    assert newer.count("version: 5\n") == 1 and "**3 working days**" in newer, f"update {__name__} for {REFUNDS}"
    newer = re.sub(r"(?m)^changes: .*$", f"changes: {NEW_CHANGES}", newer)
    git.commit({REFUNDS: newer}, "Refunds and returns, version 5", date="2026-06-01T09:00:00+00:00")
    site = root.parent / "site"
    build_site(root, site)
    return site


@pytest.fixture(scope="module")
def vnu_messages(site: Path) -> list[dict[str, object]]:
    """vnu's messages for every HTML page of the site, from one run of the checker."""
    java = shutil.which("java")
    if java is None:
        _unavailable("no `java` on PATH to run the Nu HTML Checker")
    if not VNU_JAR.is_file():
        _unavailable(f"no {VNU_JAR.relative_to(ROOT)}: run `make node-deps`")
    command = [java, "-jar", str(VNU_JAR), *VNU_OPTIONS, str(site)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    messages: list[dict[str, object]] = json.loads(done.stdout)["messages"]
    return messages


class _Page(HTMLParser):
    """The elements a page uses and its text."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _markup(message: dict[str, object]) -> str:
    """The start tag vnu points at, from its extract."""
    extract, start, length = str(message.get("extract", "")), message.get("hiliteStart"), message.get("hiliteLength")
    markup = extract[start : start + length] if isinstance(start, int) and isinstance(length, int) else extract
    return " ".join(markup.split())


def _describe(message: dict[str, object], site: Path) -> str:
    where = str(message.get("url", "")).removeprefix("file:").removeprefix(str(site) + "/")
    return f"{where}:{message.get('lastLine', '?')}: {message['message']}\n    {_markup(message)}"


def test_the_site_has_a_page_of_each_kind(site: Path) -> None:
    missing = [page for page in PAGES_OF_EACH_KIND if not (site / page).is_file()]
    assert not missing, f"the sample site lacks {missing}: the HTML check would not see those pages"
    assert {"ins", "del"} <= _Page(site / "policies/refunds-and-returns/v5/index.html").tags
    history = _Page(site / "policies/refunds-and-returns/history/index.html")
    assert "time" in history.tags
    assert NEW_CHANGES in " ".join("".join(history.text).split())


def test_every_page_passes_the_nu_html_checker(site: Path, vnu_messages: list[dict[str, object]]) -> None:
    allowlist = read_allowlist()
    used: set[int] = set()
    errors = []
    for message in vnu_messages:
        # "non-document-error": vnu could not read or parse a page; "info" includes its warnings.
        if message["type"] not in ("error", "non-document-error"):
            continue
        text = f"{message['message']} {_markup(message)}"
        matched = [i for i, entry in enumerate(allowlist) if entry.pattern.search(text)]
        used.update(matched)
        if not matched:
            errors.append(_describe(message, site))
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors[:40])
    stale = [allowlist[i].pattern.pattern for i in range(len(allowlist)) if i not in used]
    assert not stale, f"allowlist entries that match nothing any more, delete them from {ALLOWLIST.name}: {stale}"


def test_every_allowlist_entry_has_a_reason() -> None:
    entries = read_allowlist()
    assert 0 < len(entries) <= 5, "the allowlist is for what cannot be fixed here: keep it short"
    assert all(len(entry.why) > 20 for entry in entries)
