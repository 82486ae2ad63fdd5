"""Version pages, diffs, history pages and redirects: built by mkdocs from a git history, and as units."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import OWNERS, Git, engine_command, engine_env, policy
from handbook.history import read_history
from handbook.site.context import Context
from handbook.site.diffing import diff_markdown, diff_words
from handbook.site.links import LinkTarget, rewrite_links
from handbook.site.paths import Urls
from handbook.site.versions import VersionPages, redirect_html
from test_csp import assert_every_page_carries_the_policy
from test_history import build_history_repo, corpus_at

# -- reading built HTML with the standard library's parser ----------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        return [n for n in self.iter() if n.tag == tag and (cls is None or cls in n.attrs.get("class", "").split())]

    def find(self, tag: str, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls}>"
        return found[0]

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def by_id(self, ident: str) -> Node:
        return next(n for n in self.iter() if n.attrs.get("id") == ident)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(path: Path) -> Node:
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


def article(path: Path) -> Node:
    return parse(path).find("article")


def squash(text: str) -> str:
    return " ".join(text.split())


# -- the site built from git history --------------------------------------------------------


def mkdocs_build(root: Path, site: Path, **env: str) -> str:
    done = subprocess.run(
        engine_command("build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site)),
        capture_output=True,
        text=True,
        env=engine_env(**env),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@dataclass(frozen=True)
class Built:
    root: Path
    site: Path
    log: str
    sha: dict[str, str]

    def page(self, url: str) -> Node:
        return article(self.site / url / "index.html")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("history") / "handbook"
    root.mkdir()
    sha = build_history_repo(root)
    site = root.parent / "site"
    return Built(root, site, mkdocs_build(root, site), sha)


POLICY = "policies/refunds-and-returns"


def test_every_version_has_a_permanent_page(built: Built) -> None:
    for number in (1, 2, 3):
        assert (built.site / POLICY / f"v{number}/index.html").is_file()
    assert (built.site / POLICY / "history/index.html").is_file()
    assert not (built.site / POLICY / "v4").exists()
    # History was complete: no note about it.
    assert "History is missing" not in built.log and "shallow" not in built.log


def test_old_version_says_superseded_and_links_the_current_page(built: Built) -> None:
    page = built.page(f"{POLICY}/v1")
    assert page.find("h1").text.startswith("Refunds: version 1")
    banner = page.find("div", "hb-version-superseded")
    assert squash(banner.find("p", "admonition-title").text) == "Superseded by version 3"
    assert [a.attrs["href"] for a in banner.find_all("a")] == ["../"]
    assert squash(banner.text).endswith("It is no longer the latest: read version 3.")
    assert not page.find_all("div", "hb-version-current")


def test_current_version_page_says_it_is_the_latest(built: Built) -> None:
    page = built.page(f"{POLICY}/v3")
    assert not page.find_all("div", "hb-version-superseded")
    assert (
        squash(page.find("div", "hb-version-current").find("p", "admonition-title").text) == "Version 3 is the latest"
    )


def test_version_page_facts_summary_and_navigation(built: Built) -> None:
    page = built.page(f"{POLICY}/v2")
    facts = {squash(d.find("dt").text): squash(d.find("dd").text) for d in page.find("dl", "hb-facts").find_all("div")}
    assert facts == {
        "Version": "2",
        "Status": "active",
        "Effective": "2025-07-01",
        "Published": "2025-06-01 by Carol Clark",
        "Commit": built.sha["v2"][:10],
    }
    assert (
        squash(page.find("p", "hb-changes").text) == "What changed in version 2: Longer window; see the inbox decision."
    )
    nav = page.find("p", "hb-version-nav")
    assert [(squash(a.text), a.attrs["href"]) for a in nav.find_all("a")] == [
        ("← Version 1", "../v1/"),
        ("All versions", "../history/"),
        ("Version 3 →", "../v3/"),
    ]


def test_diff_marks_words_inside_paragraphs_with_the_summary_on_top(built: Built) -> None:
    page = built.page(f"{POLICY}/v2")
    heading = page.by_id("changes")
    assert squash(heading.text).startswith("Changes from version 1")
    fields = [squash(li.text) for li in page.find("ul", "hb-field-changes").find_all("li")]
    assert fields == [
        "Effective: 2025-02-15 2025-07-01",
        "Summary: How refunds work. How refunds work, with a longer window.",
    ]
    diff = page.find("div", "hb-diff")
    paragraph = next(p for p in diff.find_all("p") if "Refund within" in p.text)
    assert [(n.tag, n.text) for n in paragraph.iter() if n.tag in ("ins", "del")] == [("del", "30"), ("ins", "45")]
    assert squash(paragraph.text) == "Refund within 3045 days of delivery."
    # The heading that did not change is shown, bold rather than as a heading.
    assert squash(diff.find("strong", "hb-diff-heading").text) == "Rules"
    added = [squash(n.text) for n in diff.find_all("ins")]
    assert "Ask the shared inbox or read travel." in added


def test_v3_diff_shows_the_new_paragraph_and_the_changed_link(built: Built) -> None:
    diff = built.page(f"{POLICY}/v3").find("div", "hb-diff")
    assert "Pay the refund within 5 working days." in [squash(n.text) for n in diff.find_all("ins")]
    assert any("or read travel" in n.text for n in diff.find_all("del"))


def test_old_links_are_kept_or_made_plain_text(built: Built) -> None:
    text = built.page(f"{POLICY}/v2")
    paragraph = next(p for p in text.find_all("p") if p.text.startswith("Ask ") and not p.find_all("ins"))
    # The decision still exists (its section may not: the anchor is dropped); travel was removed.
    assert [(a.text, a.attrs["href"]) for a in paragraph.find_all("a")] == [
        ("the shared inbox", "../../../decisions/0001-use-a-shared-inbox/")
    ]
    assert squash(paragraph.text) == "Ask the shared inbox or read travel."


def test_the_text_of_each_version_is_as_it_was(built: Built) -> None:
    page = built.page(f"{POLICY}/v1")
    assert squash(page.by_id("text").text).startswith("Text of version 1")
    texts = [squash(p.text) for p in page.find_all("p")]
    # The editorial fix folded in: "days", not "dayz".
    assert "Refund within 30 days of delivery." in texts


def test_history_page_lists_every_version(built: Built) -> None:
    page = built.page(f"{POLICY}/history")
    rows = page.find("table", "hb-history").find("tbody").find_all("tr")
    cells = [[squash(td.text) for td in row.find_all("td")] for row in rows]
    assert cells == [
        ["Version 3 latest", "2025-10-01", "2025-09-01", "Alice Able", "Pay refunds within 5 working days.", "Changes"],
        ["Version 2", "2025-07-01", "2025-06-01", "Carol Clark", "Longer window; see the inbox decision.", "Changes"],
        ["Version 1", "2025-02-15", "2025-02-01", "Alice Able", "First version.", ""],
    ]
    links = [[a.attrs["href"] for a in row.find_all("a")] for row in rows]
    assert links == [["../v3/", "../v3/#changes"], ["../v2/", "../v2/#changes"], ["../v1/"]]


def test_history_page_compares_any_two_versions_in_the_browser(built: Built) -> None:
    page = built.page(f"{POLICY}/history")
    form = page.find("form", "hb-compare")
    assert (form.attrs["data-versions"], form.attrs["data-from"], form.attrs["data-to"]) == (
        "../versions.json",
        "2",
        "3",
    )
    assert [o.attrs["value"] for o in form.find_all("select")[0].find_all("option")] == ["1", "2", "3"]
    scripts = [s.attrs["src"] for s in page.find_all("script") if "src" in s.attrs]
    assert scripts == ["../../../assets/handbook/diff.min.js", "../../../assets/handbook/compare.js"]
    for src in scripts:
        assert (built.site / POLICY / "history" / src).resolve().is_file()
    assert (built.site / "assets/handbook/diff.LICENSE.txt").read_text().startswith("BSD 3-Clause License")
    data = json.loads((built.site / POLICY / "versions.json").read_text(encoding="utf-8"))
    assert [(v["number"], v["effective"], v["author"]) for v in data["versions"]] == [
        (1, "2025-02-15", "Alice Able"),
        (2, "2025-07-01", "Carol Clark"),
        (3, "2025-10-01", "Alice Able"),
    ]
    assert data["versions"][0]["text"] == "## Rules\n\nRefund within 30 days of delivery.\n"


def test_version_and_history_pages_stay_out_of_search(built: Built) -> None:
    index = json.loads((built.site / "search/search_index.json").read_text(encoding="utf-8"))
    pages = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert f"{POLICY}/" in pages
    assert not [p for p in pages if p.startswith(f"{POLICY}/v") or p.startswith(f"{POLICY}/history")]


def test_current_page_shows_version_effective_change_and_history_link(built: Built) -> None:
    changes = built.page(POLICY).find("p", "hb-changes")
    assert (
        squash(changes.text)
        == "Version 3, effective 2025-10-01. What changed: Pay refunds within 5 working days. Version history"
    )
    assert [(squash(a.text), a.attrs["href"]) for a in changes.find_all("a")] == [
        ("Version 3", "v3/"),
        ("Version history", "history/"),
    ]


def test_decision_page_shows_a_dated_status_timeline(built: Built) -> None:
    timeline = built.page("decisions/0001-use-a-shared-inbox").find("ol", "hb-timeline")
    assert [squash(li.text) for li in timeline.find_all("li")] == [
        "proposed: recorded by Alice Able in a commit dated 2025-01-02",
        "accepted: recorded by Bob Baker in a commit dated 2025-02-10",
        "superseded: recorded by Alice Able in a commit dated 2025-09-01",
    ]


def test_renamed_policy_old_urls_redirect(built: Built) -> None:
    for old, new in (
        ("policies/refunds/", "../refunds-and-returns/"),
        ("policies/refunds/v1/", "../../refunds-and-returns/v1/"),
        ("policies/refunds/history/", "../../refunds-and-returns/history/"),
    ):
        page = parse(built.site / old / "index.html")
        refresh = next(m for m in page.find_all("meta") if m.attrs.get("http-equiv") == "refresh")
        assert refresh.attrs["content"] == f"0; url={new}"
        assert page.find("link").attrs == {"rel": "canonical", "href": new}
        assert (built.site / old / new / "index.html").resolve().is_file()


def test_every_page_and_redirect_carries_the_policy_and_no_inline_script_of_its_own(built: Built) -> None:
    assert_every_page_carries_the_policy(built.site)
    page = parse(built.site / "policies/refunds/v1/index.html")
    scripts = [(script.attrs.get("src"), script.text) for script in page.find_all("script")]
    assert scripts == [("../../../assets/handbook/redirect.js", "")]
    assert (built.site / "assets/handbook/redirect.js").is_file()


def test_a_copy_without_git_builds_strict_and_says_why_history_is_missing(
    built: Built, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("tarball")
    copy = outside / "handbook"
    shutil.copytree(built.root, copy, ignore=shutil.ignore_patterns(".git"))
    log = mkdocs_build(copy, outside / "site", GIT_CEILING_DIRECTORIES=str(outside))
    notes = [line for line in log.splitlines() if "History is missing" in line]
    assert len(notes) == 1 and notes[0].startswith("INFO") and "fetch-depth: 0" in notes[0]
    site = outside / "site"
    assert (site / POLICY / "v3/index.html").is_file() and not (site / POLICY / "v1").exists()
    history = article(site / POLICY / "history/index.html")
    assert squash(history.find("div", "hb-history-incomplete").text).startswith("History not available")
    assert not history.find_all("form", "hb-compare")


_COMPARE_IN_CHROMIUM = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from browser.site import CHROMIUM, CHROMIUM_ARGS, serve
from playwright.sync_api import sync_playwright
with serve(Path(sys.argv[1])) as base, sync_playwright() as p:
    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(lambda url: not url.startswith(base), lambda route: route.abort())  # the test site's own only
    page.goto(base + "policies/refunds-and-returns/history/")
    page.select_option("select[name=from]", "1")
    page.select_option("select[name=to]", "3")
    page.click("form.hb-compare button")
    page.wait_for_selector(".hb-compare-result .hb-compare-rendered", timeout=10000)
    result = page.locator(".hb-compare-result")
    seen = {
        "heading": result.locator(".hb-compare-heading").inner_text(),
        "fields": result.locator(".hb-field-changes li").all_inner_texts(),
        "ins": result.locator(".hb-compare-rendered :is(ins, .hb-diff-ins)").all_inner_texts(),
        "del": result.locator(".hb-compare-rendered :is(del, .hb-diff-del)").all_inner_texts(),
        "links": [h[len(base):] for h in result.locator(".hb-compare-rendered a").evaluate_all(
            "as => as.map(a => a.href)")],
        "address": page.url[len(base):],
    }
    # A renamed policy's old address sends the reader on (redirect.js: no inline script), #section kept.
    page.goto(base + "policies/refunds/v1/#text")
    page.wait_for_url(base + "policies/refunds-and-returns/v1/#text", timeout=10000)
    print(json.dumps({**seen, "redirected": page.url[len(base):],

        "errors": errors,
    }))
    browser.close()
"""


def test_compare_any_two_versions_in_a_browser(built: Built, tmp_path: Path) -> None:
    """The history page's form, in Chromium, with the diff library served by the site.

    Its own process: Playwright's sync API refuses to start inside another test's event loop.
    """
    pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").is_file():
        pytest.skip("no Chromium at /usr/bin/chromium")
    script = tmp_path / "compare.py"
    script.write_text(_COMPARE_IN_CHROMIUM, encoding="utf-8")
    tests = Path(__file__).parent
    done = subprocess.run(
        [sys.executable, str(script), str(built.site), str(tests)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen == {
        "heading": "Version 1 to version 3: 3 insertion(s), 1 deletion(s) in the text.",
        "fields": [
            "Title: Refunds Refunds and returns",
            "Effective: 2025-02-15 2025-10-01",
            "Summary: How refunds work. How refunds and returns work.",
        ],
        # Rendered, as the version pages show changes: a changed word marked in its paragraph,
        # new paragraphs marked whole, the link a link to where it leads from the version's page.
        "ins": ["45", "Pay the refund within 5 working days.", "Ask the shared inbox."],
        "del": ["30"],
        "links": ["decisions/0002-use-a-ticket-queue/"],
        "address": "policies/refunds-and-returns/history/?compare=1..3#compare",
        "redirected": "policies/refunds-and-returns/v1/#text",
        "errors": [],
    }


# -- units ------------------------------------------------------------------------------


def test_diff_words() -> None:
    assert (
        diff_words("Refund within 30 days.", "Refund within 45 days.")
        == "Refund within <del>30</del><ins>45</ins> days."
    )
    assert diff_words("a b c", "a x y c") == "a <del>b</del><ins>x y</ins> c"
    # Markdown that spans words is one token: a mark never cuts it in half.
    assert (
        diff_words("within **30 days** of", "within **31 days** of")
        == "within <del>**30 days**</del><ins>**31 days**</ins> of"
    )
    assert diff_words("see [a b](x.md)", "see [a c](x.md)") == "see <del>[a b](x.md)</del><ins>[a c](x.md)</ins>"


def test_diff_markdown_keeps_lists_tables_and_headings_in_shape() -> None:
    old = "## Scope\n\n- one\n- two\n\n| A | B |\n|---|---|\n| x | y |\n| gone | row |\n\nLast.\n"
    new = "## Scope of it\n\n- one\n- two\n- three\n\n| A | B |\n|---|---|\n| x | z |\n\nLast.\n"
    assert diff_markdown(old, new) == (
        '<strong class="hb-diff-heading">Scope <ins>of it</ins></strong>\n\n'
        "- one\n- two\n- <ins>three</ins>\n\n"
        "| A | B |\n|---|---|\n| x | <del>y</del><ins>z</ins> |\n| <del>gone</del> | <del>row</del> |\n\n"
        "Last.\n"
    )


def test_diff_markdown_whole_blocks() -> None:
    old = "Intro.\n\n```\ncode one\n```\n"
    new = "Intro.\n\n```\ncode two\n```\n\nA new closing paragraph.\n"
    assert diff_markdown(old, new) == (
        "Intro.\n\n"
        '<div class="hb-diff-del" markdown="1">\n\n```\ncode one\n```\n\n</div>\n\n'
        '<div class="hb-diff-ins" markdown="1">\n\n```\ncode two\n```\n\n</div>\n\n'
        "<ins>A new closing paragraph.</ins>\n"
    )


def test_unrelated_lines_are_removed_and_added_whole() -> None:
    assert diff_markdown("Alpha beta gamma.\n", "Completely different words here.\n") == (
        "<del>Alpha beta gamma.</del>\n<ins>Completely different words here.</ins>\n"
    )


def test_rewrite_links() -> None:
    targets = LinkTarget(frozenset({"policies/b.md", "decisions/0001-x.md", "assets/logo.png"}), {"old-b": "b"})
    text = (
        "[b](b.md#rules) [renamed](old-b.md) [gone](gone.md) ![logo](../assets/logo.png) ![lost](lost.png)\n"
        "[web](https://example.com/x.md) [self](#top) `[code](gone.md)` [dec](../decisions/0001-x.md)\n"
        "```\n[fenced](gone.md)\n```\n"
        "[ref]: gone.md\n[ok]: b.md\n"
    )
    assert rewrite_links(text, "policies/a.md", "policies/a/v2.md", targets) == (
        "[b](../b.md) [renamed](../b.md) gone ![logo](../../assets/logo.png) lost\n"
        "[web](https://example.com/x.md) [self](#top) `[code](gone.md)` [dec](../../decisions/0001-x.md)\n"
        "```\n[fenced](gone.md)\n```\n"
        "[ok]: ../b.md\n"
    )
    assert rewrite_links("[self](#top)", "policies/a.md", "policies/a/v2.md", targets, keep_self=False) == "self"


def test_redirects_without_directory_urls(git_repo: Git) -> None:
    git_repo.commit({"policies/owners.yml": OWNERS, "policies/a.md": policy()}, "v1", "2025-01-01T00:00:00+00:00")
    git_repo.run("mv", "policies/a.md", "policies/b.md")
    git_repo.commit({}, "rename", "2025-02-01T00:00:00+00:00")
    corpus = corpus_at(git_repo.root)
    made = VersionPages(Context(corpus, Urls(use_directory_urls=False)), read_history(corpus))
    assert [path for path, _ in made.redirects()] == [
        "policies/a.html",
        "policies/a/history.html",
        "policies/a/v1.html",
    ]
    assert dict(made.redirects())["policies/a/v1.html"] == redirect_html(
        "../b/v1.html", "../../assets/handbook/redirect.js"
    )
    assert [path for path, _ in made.files()] == [
        "policies/b/v1.md",
        "policies/b/history.md",
        "policies/b/versions.json",
    ]


def test_redirect_html_escapes_its_target() -> None:
    page = redirect_html('../x/"><script>/', "../assets/handbook/redirect.js")
    assert '"><script>' not in page and "&quot;&gt;&lt;script&gt;" in page
