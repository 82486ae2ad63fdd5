"""The sample handbook built with `mkdocs build --strict` and read back with an HTML parser:
registers, banners, drafts, hosts and links; and builds that must fail, or must escape."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
import yaml

from conftest import MKDOCS_YML, OWNERS, ROOT, Writer, decision, engine_command, engine_env, policy
from handbook.cli.common import load_settings
from handbook.loading import Corpus, load_corpus

pytestmark = pytest.mark.engine

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
DRAFT_MARKERS = (b"zanzibarquux", b"quokkafrobnicate")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()

    def find_all(self, tag: str, css_class: str | None = None) -> list[Element]:
        return [e for e in self.walk() if e.tag == tag and (css_class is None or css_class in e.classes)]

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)


class TreeBuilder(HTMLParser):
    """A page as a tree of Elements: enough to ask what a table lists or where a link goes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {})
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)
        if self.current.tag == "style":
            self.styles.append(data)


def parse(path: Path) -> TreeBuilder:
    builder = TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder


def resolve(site: Path, page: Path, href: str) -> Path:
    """The file in site/ that a link on `page` opens (directory URLs end in index.html)."""
    path = unquote(urlsplit(href).path)
    if not path:
        return page
    target = site / path.lstrip("/") if path.startswith("/") else page.parent / path
    target = Path(os.path.normpath(target))
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def every_file(site: Path) -> Iterator[tuple[Path, bytes]]:
    """Each file of the site with its bytes, unzipped when gzip'd (sitemap.xml.gz, search fragments)."""
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            yield path, gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


@pytest.fixture(scope="module")
def sample() -> Corpus:
    return load_corpus(load_settings(ROOT))


@pytest.fixture(scope="module")
def hosts() -> dict[str, str]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.SafeLoader)
    return {"site": urlsplit(config["site_url"]).netloc, "repo": urlsplit(config["repo_url"]).netloc}


# -- the sample handbook ----------------------------------------------------------------------------


def test_build_prints_no_warning_and_no_traceback(built_sample_site: Path) -> None:
    log = (built_sample_site.parent / "build.log").read_text()
    assert "Traceback" not in log
    assert [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))] == []


def test_generated_pages_are_not_reported_missing_from_the_nav(built_sample_site: Path) -> None:
    log = (built_sample_site.parent / "build.log").read_text()
    assert "not included in the" not in log, log


def where(page: Path) -> tuple[list[str], list[str], list[str]]:
    """A page's tabs, its active tab(s) and its breadcrumbs, as their texts."""
    root = parse(page).root
    tabs = root.find_all("li", "md-tabs__item")
    trail = [" ".join(a.text.split()) for nav in root.find_all("nav", "md-path") for a in nav.find_all("a")]
    active = [" ".join(t.text.split()) for t in tabs if "md-tabs__item--active" in t.classes]
    return [" ".join(t.text.split()) for t in tabs], active, trail


@pytest.mark.parametrize(
    ("path", "tab", "trail"),
    [
        ("policies/index.html", "Policies", []),
        ("policies/complaint-escalation/index.html", "Policies", ["Home", "Policies"]),
        ("decisions/0003-set-refund-limits-by-role/index.html", "Decisions", ["Home", "Decisions"]),
        ("health/index.html", "Health", []),
        ("owners/index.html", "Health", ["Home", "Health"]),
        ("owners/billing/index.html", "Health", ["Home", "Health", "Owners"]),
        ("reading/support/index.html", "Start here", ["Home", "Start here", "Reading lists"]),
        ("feeds/index.html", "Feeds", []),
        ("feedback/refund-took-over-a-week/index.html", "You said, we did", ["Home", "You said, we did"]),
    ],
)
def test_every_generated_page_shows_where_it_sits(
    built_sample_site: Path, path: str, tab: str, trail: list[str]
) -> None:
    """Health and Feeds in the navigation; every page below it with its breadcrumbs and its section's tab."""
    tabs, active, found = where(built_sample_site / path)
    assert tabs == ["Home", "Start here", "Policies", "Decisions", "You said, we did", "Blog", "Health", "Feeds"]
    assert active == [tab]
    assert found == trail


def test_a_nav_that_lists_the_health_page_keeps_it_where_it_is(write_handbook: Writer) -> None:
    nav = "  - Decisions: decisions/index.md\n"
    root = write_handbook({
        "mkdocs.yml": MKDOCS_YML.replace(nav, nav + "  - Reviews due: health.md\n").replace(
            "  font: false\n", "  font: false\n  features: [navigation.tabs]\n"
        ),
        "policies/refunds.md": policy(),
    })  # fmt: skip
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    tabs, active, trail = where(root / "site" / "owners" / "index.html")
    assert tabs == ["Home", "Start here", "Policies", "Decisions", "Reviews due", "Feeds"]
    assert active == ["Reviews due"] and trail == ["Home", "Reviews due"]
    assert "not included in the" not in done.stdout + done.stderr


def register_links(site: Path, page: Path, table_class: str) -> dict[str, Path]:
    """Title -> target file of every link in the register's tables."""
    links = {}
    for table in parse(page).root.find_all("table", table_class):
        for a in table.find_all("a"):
            links[a.text] = resolve(site, page, a.attrs["href"])
    return links


def heading(page: Path) -> str:
    return parse(page).root.find_all("h1")[0].text.replace("¶", "").strip()


def test_policy_register_lists_every_published_policy_with_a_working_link(
    built_sample_site: Path, sample: Corpus
) -> None:
    links = register_links(built_sample_site, built_sample_site / "policies/index.html", "hb-policy-register")
    assert sorted(links) == sorted(p.title for p in sample.published_policies)
    assert len(links) == 10 and "Goodwill gestures" not in links
    for title, target in links.items():
        assert target.is_file(), title
        assert heading(target) == title


def test_decision_log_lists_every_decision_with_a_working_link(built_sample_site: Path, sample: Corpus) -> None:
    page = built_sample_site / "decisions/index.html"
    links = register_links(built_sample_site, page, "hb-decision-log")
    assert sorted(links) == sorted(d.title for d in sample.decisions.values())
    assert len(links) == 9
    for title, target in links.items():
        assert target.is_file(), title
        assert heading(target) == title
    # Grouped by status, in force first: each group's heading over its own table.
    groups = [h.text.replace("¶", "").strip() for h in parse(page).root.find_all("h2")]
    assert groups == ["Accepted", "Proposed", "Superseded", "Rejected"]


def banners(site: Path, src: str) -> list[tuple[set[str], str, list[Path]]]:
    """(classes, text, link targets) of each banner on the page built from `src`."""
    page = site / src / "index.html"
    return [
        (
            div.classes - {"admonition", "hb-banner"},
            " ".join(div.text.split()),
            [resolve(site, page, a.attrs["href"]) for a in div.find_all("a")],
        )
        for div in parse(page).root.find_all("div", "hb-banner")
    ]


def test_banners_where_they_should_be_and_nowhere_else(built_sample_site: Path, sample: Corpus) -> None:
    site = built_sample_site
    assert banners(site, "policies/escalation-matrix") == [
        (
            {"danger", "hb-superseded"},
            "Superseded: no longer in force "
            "This policy was replaced by Complaint escalation. Follow that policy instead.",
            [site / "policies/complaint-escalation/index.html"],
        ),
    ]
    for number, successor in ((2, 4), (4, 6)):
        new = sample.decisions[successor]
        ((classes, text, targets),) = banners(site, f"decisions/{sample.decisions[number].id}")
        assert classes == {"warning", "hb-superseded"}
        assert text == f"Superseded This decision was superseded by {new.label} {new.title}."
        assert targets == [site / f"decisions/{new.id}/index.html"]
    assert banners(site, "decisions/0008-automate-you-said-we-did-updates") == [
        (
            {"info", "hb-proposed"},
            "Proposal This decision is proposed and not yet accepted: it is open for comment.",
            [],
        ),
    ]
    assert [b[0] for b in banners(site, "decisions/0007-offer-round-the-clock-live-chat")] == [
        {"warning", "hb-rejected"}
    ]
    in_force = [f"policies/{p.id}" for p in sample.published_policies if not sample.is_retired(p)]
    in_force += [
        f"decisions/{d.id}" for d in sample.decisions.values() if sample.decision_status(d).value == "accepted"
    ]
    assert len(in_force) == 14
    assert {src: banners(site, src) for src in in_force} == {src: [] for src in in_force}


def test_drafts_leave_no_trace_in_any_file(built_sample_site: Path) -> None:
    checked = set()
    search_index = b""
    for path, data in every_file(built_sample_site):
        lowered = data.lower()
        for marker in DRAFT_MARKERS + (b"goodwill-gestures", b"planning for the holiday peak"):
            assert marker not in lowered, f"{marker!r} in {path.relative_to(built_sample_site)}"
        checked.add(path.suffix)
        if {"search", "pagefind"} & set(path.relative_to(built_sample_site).parts):
            search_index += lowered
    # The search index, sitemap, feeds and 404 page are among the files read, and read as text:
    # a published policy's words are found in the index where a draft's are not.
    assert {".html", ".json", ".xml", ".gz"} <= checked
    assert b"refunds and returns" in search_index
    assert (built_sample_site / "404.html").is_file()
    assert not (built_sample_site / "policies/goodwill-gestures").exists()


def urls_in_css(css: str) -> list[str]:
    """The targets of `url(...)` and `@import "..."` in a style sheet."""
    found = []
    for piece in css.split("url(")[1:]:
        found.append(piece.split(")", 1)[0].strip().strip("'\""))
    for piece in css.split("@import")[1:]:
        found.append(piece.strip().split(";", 1)[0].strip().strip("'\""))
    return found


def host(url: str) -> str | None:
    """The host a URL leaves for: None for relative, site-absolute and data: URLs."""
    parts = urlsplit(url.strip())
    if parts.scheme in ("data", "mailto", "javascript", "tel", "blob", "about"):
        return None
    return parts.netloc or None


def test_nothing_is_loaded_from_another_host(built_sample_site: Path, hosts: dict[str, str]) -> None:
    foreign = []
    for page in html_pages(built_sample_site):
        tree = parse(page)
        for element in tree.root.walk():
            resources = [element.attrs[a] for a in ("src", "data", "poster") if a in element.attrs]
            resources += [c.strip().split(" ")[0] for c in element.attrs.get("srcset", "").split(",") if c.strip()]
            if element.tag == "link" and "href" in element.attrs:
                resources.append(element.attrs["href"])
            resources += urls_in_css(element.attrs.get("style", ""))
            foreign += [(page, url) for url in resources if host(url) not in (None, hosts["site"])]
        foreign += [(page, url) for css in tree.styles for url in urls_in_css(css) if host(url) is not None]
    for sheet in built_sample_site.rglob("*.css"):
        foreign += [(sheet, url) for url in urls_in_css(sheet.read_text()) if host(url) is not None]
    assert foreign == []


def test_links_to_other_hosts_are_edit_links_only(built_sample_site: Path, hosts: dict[str, str]) -> None:
    outside = set()
    edit_links = 0
    for page in html_pages(built_sample_site):
        for a in parse(page).root.find_all("a"):
            href = a.attrs.get("href", "")
            if host(href) not in (None, hosts["site"]):
                outside.add(host(href))
                edit_links += href.startswith(f"https://{hosts['repo']}/support/handbook/-/edit/main/")
    assert outside == {hosts["repo"]}
    assert edit_links > 20


def test_every_internal_link_resolves_to_a_file(built_sample_site: Path, hosts: dict[str, str]) -> None:
    broken = []
    checked = 0
    for page in html_pages(built_sample_site):
        for a in parse(page).root.find_all("a"):
            href = a.attrs.get("href")
            if href is None or host(href) not in (None, hosts["site"]) or href.startswith(("mailto:", "javascript:")):
                continue
            checked += 1
            if not resolve(built_sample_site, page, href).is_file():
                broken.append((str(page.relative_to(built_sample_site)), href))
    assert broken == []
    assert checked > 500


def test_record_edit_links_open_the_record_in_the_repository(built_sample_site: Path, hosts: dict[str, str]) -> None:
    page = built_sample_site / "policies/refunds-and-returns/index.html"
    edits = [a.attrs["href"] for a in parse(page).root.find_all("a") if "edit" in a.attrs.get("title", "").lower()]
    assert edits == [f"https://{hosts['repo']}/support/handbook/-/edit/main/policies/refunds-and-returns.md"]


# -- builds that fail, and builds that must escape -------------------------------------------------


def mkdocs_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        engine_command("build", "--strict", "-d", str(root / "site")),
        cwd=root,
        capture_output=True,
        text=True,
        env=engine_env(),
    )


def test_broken_build_fails_listing_every_error_without_a_traceback(tmp_path: Path) -> None:
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    for folder in ("docs", "policies", "decisions"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    refunds = tmp_path / "policies/refunds-and-returns.md"
    refunds.write_text(refunds.read_text().replace("version: 4\n", "version: two\n"))
    (tmp_path / "policies/gift-cards.md").write_text(policy(title="Gift cards", owner="billing", effective="soon"))
    done = mkdocs_build(tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 1
    assert "Traceback" not in output
    ours = [
        line.split("handbook: ", 1)[1]
        for line in output.splitlines()
        if line.startswith("ERROR") and "handbook: " in line
    ]
    assert ours == [
        "policies/gift-cards.md:6: 'effective' must be a date (YYYY-MM-DD), got 'soon'",
        "policies/refunds-and-returns.md:3: 'version' must be a whole number, got 'two'",
    ]
    assert "2 errors in the handbook's records: fix them and build again" in output
    assert not (tmp_path / "site/index.html").exists()


HOSTILE = 'Fish & <chips> </title><script>alert("x")</script>'


def test_hostile_titles_are_escaped_in_every_page_register_and_feed(tmp_path: Path) -> None:
    quoted = '"' + HOSTILE.replace('"', '\\"') + '"'
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML.replace("  - search\n", "  - search\n  - blog\n"))
    files = {
        "policies/owners.yml": OWNERS,
        "policies/fish.md": policy(title=quoted, summary='"Summary & <i>more</i>"', audience="[all-staff]"),
        "decisions/0001-fish.md": decision(title=HOSTILE, extra="policies: [fish]\n"),
        "docs/index.md": "# Home\n",
        "docs/blog/index.md": "# Blog\n",
        "docs/blog/posts/fish.md": f"---\ndate: 2026-01-05\ntitle: {quoted}\n---\nA post.\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    done = mkdocs_build(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    site = tmp_path / "site"
    readers = {".html": 0, ".json": 0, ".xml": 0}
    for path, data in every_file(site):
        if path.suffix == ".html":
            assert b"<script>alert" not in data and b"<chips>" not in data, path
            # Escaped once, not twice: the reader sees the title as written.
            assert b"&amp;lt;" not in data and b"&amp;amp;" not in data, path
            readers[".html"] += b"alert(" in data
        elif path.suffix == ".json":
            strings = json.dumps(json.loads(data), ensure_ascii=False)
            readers[".json"] += "alert(" in strings
        elif path.suffix == ".xml":
            texts = [e.text or "" for e in ET.fromstring(data).iter()]
            assert not [t for t in texts if "alert(" in t and HOSTILE not in t], path
            readers[".xml"] += any(HOSTILE in t for t in texts)
    assert readers[".json"] >= 2 and readers[".xml"] >= 1 and readers[".html"] >= 5
    (post,) = (site / "blog/2026/01/05").rglob("index.html")
    for page in (site / "policies/fish/index.html", site / "decisions/0001-fish/index.html", post):
        assert parse(page).root.find_all("title")[0].text.startswith(HOSTILE), page
        assert heading(page) == HOSTILE, page
    for register, table in (("policies/index.html", "hb-policy-register"), ("decisions/index.html", "hb-decision-log")):
        assert list(register_links(site, site / register, table)) == [HOSTILE]
    policies = json.loads((site / "policies/register.json").read_text())["policies"]
    assert (policies[0]["title"], policies[0]["summary"]) == (HOSTILE, "Summary & <i>more</i>")
    assert json.loads((site / "decisions/register.json").read_text())["decisions"][0]["title"] == HOSTILE


def test_records_dated_at_the_ends_of_the_calendar_build(tmp_path: Path) -> None:
    """1900-01-01 to 9999-12-31 are dates a record may carry: without git, the build is dated from
    the newest of them, within what the sitemap's gzip header holds (it crashed at 9999-12-31)."""
    files = {
        "mkdocs.yml": MKDOCS_YML,
        "policies/owners.yml": OWNERS,
        "docs/index.md": "# Home\n",
        "docs/start-here.md": "# Start here\n",
        "policies/late.md": policy(
            title="Late", effective="9999-12-31", reviewed="9999-11-30", extra="review_every: 1\n"
        ),
        "policies/early.md": policy(title="Early", effective="1900-01-01", reviewed="1900-01-01"),
        "policies/far.md": policy(title="Far", reviewed="9989-12-31", extra="review_every: 120\n"),
        "decisions/0001-late.md": decision(title="Late", date="9999-12-31"),
        "decisions/0002-early.md": decision(title="Early", date="1900-01-01"),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    done = mkdocs_build(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    with gzip.open(tmp_path / "site/sitemap.xml.gz") as sitemap:
        assert b"policies/late/" in sitemap.read()
    feed = feedparser.parse((tmp_path / "site/feeds/all.xml").read_bytes())
    assert feed.bozo == 0
    years = sorted(entry.published_parsed.tm_year for entry in feed.entries)
    assert years[0] == 1900 and years[-1] == 9999, years
