"""Pagefind search, Start here and reading lists, and the home page's "What changed recently"."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import Writer, decision, engine_command, engine_env, policy, settings_for
from handbook.adapter.search import mark_searchable
from handbook.history import History
from handbook.loading import load_corpus
from handbook.records import StatusChange, Version
from handbook.search.index import INDEX_DIR, index_site, indexed_documents, indexed_pages
from handbook.site.changes import CHANGES_MARKER, recent_changes
from handbook.site.context import Context
from handbook.site.html import kind_attributes
from handbook.site.reading import reading_list, start_here

MKDOCS_YML = """\
site_name: Search test
site_url: https://handbook.example.com/
theme:
  name: material
  font: false
plugins:
  - blog:
      blog_dir: blog
  - handbook:
      audiences: [all-staff, new-hires, support, managers]
      reading_order: [{first}]
"""


def _handbook(write_handbook: Writer, first: str = "refunds") -> Path:
    return write_handbook(
        {
            "mkdocs.yml": MKDOCS_YML.format(first=first),
            "docs/index.md": f"# Home\n\nWelcome to the handbook.\n\n{CHANGES_MARKER}\n",
            "docs/about.md": "# About\n\nThe handbook explains itself here: ocelotword.\n",
            "docs/hidden.md": "---\nsearch:\n  exclude: true\n---\n# Hidden\n\nNever found: pangolinword.\n",
            "docs/blog/index.md": "# Blog\n",
            "docs/blog/posts/hello.md": "---\ndate: 2026-02-01\n---\n# Hello\n\nA post about capybaraword.\n",
            "policies/refunds.md": policy(
                title="Refunds", audience="[all-staff]", body="## Rules\n\nRefund within 30 days: wombatword.\n"
            ),
            "policies/onboarding.md": policy(
                title="Onboarding",
                owner="support-ops",
                audience="[new-hires]",
                extra="priority: 1\n",
                body="## Rules\n\nRead everything: koalaword.\n",
            ),
            "policies/old-refunds.md": policy(
                title="Old refunds", status="retired", audience="[support]", body="## Rules\n\nGone: wombatword.\n"
            ),
            "policies/vouchers.md": policy(
                title="Vouchers", status="draft", body="## Rules\n\nNot yet: zanzibarquux.\n"
            ),
            "decisions/0001-use-a-shared-inbox.md": decision(status="superseded", extra="policies: [refunds]\n"),
            "decisions/0002-use-the-console.md": decision(
                title="Use the console", date="2026-01-10", extra="supersedes: [1]\npolicies: [refunds]\n"
            ),
        }
    )


def _build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        engine_command("build", "--strict", "--site-dir", str(root / "site")),
        cwd=root,
        env=engine_env(),
        capture_output=True,
        text=True,
    )


@pytest.fixture
def built(write_handbook: Writer) -> Path:
    root = _handbook(write_handbook)
    done = _build(root)
    assert done.returncode == 0, done.stderr
    return root / "site"


def test_mark_searchable_puts_the_body_on_materials_article() -> None:
    page = '<main><article class="md-content__inner md-typeset"><h1>T</h1></article></main>'
    assert mark_searchable(page, " " + kind_attributes("Post")) == (
        '<main><article class="md-content__inner md-typeset" data-pagefind-body'
        ' data-pagefind-filter="kind:Post" data-pagefind-meta="kind:Post"><h1>T</h1></article></main>'
    )
    assert mark_searchable("<main>no article</main>") is None


def test_index_holds_records_posts_and_pages_only(built: Path) -> None:
    documents = {d["url"]: d for d in indexed_documents(built / "pagefind")}
    assert sorted(documents) == [
        "/",
        "/about/",
        "/blog/2026/02/01/hello/",
        "/decisions/0001-use-a-shared-inbox/",
        "/decisions/0002-use-the-console/",
        "/feeds/",
        "/policies/old-refunds/",
        "/policies/onboarding/",
        "/policies/refunds/",
    ]
    assert indexed_pages(built / "pagefind") == len(documents)
    text = " ".join(str(d["content"]) for d in documents.values())
    # Drafts, `search: exclude` pages, registers and reading lists are never indexed.
    assert "zanzibarquux" not in text and "pangolinword" not in text
    # The home page's generated list of changes is not searched as the home page's text.
    assert "Onboarding" not in str(documents["/"]["content"])


def test_records_carry_kind_status_audience_owner_and_standing(built: Path) -> None:
    documents = {d["url"]: d for d in indexed_documents(built / "pagefind")}
    refunds = documents["/policies/refunds/"]
    assert refunds["filters"] == {
        "kind": ["Policy"],
        "status": ["active"],
        "audience": ["all-staff"],
        "owner": ["Billing Team"],
        "standing": ["current"],
    }
    assert refunds["meta"] == {"kind": "Policy", "status": "active", "title": "Refunds"}
    assert documents["/policies/old-refunds/"]["filters"]["standing"] == ["archived"]
    old = documents["/decisions/0001-use-a-shared-inbox/"]
    assert old["filters"]["status"] == ["superseded"] and old["filters"]["standing"] == ["archived"]
    assert old["meta"]["label"] == "0001"
    # A decision is found by the audience and owner of the policies it shaped.
    new = documents["/decisions/0002-use-the-console/"]
    assert new["filters"]["audience"] == ["all-staff"] and new["filters"]["owner"] == ["Billing Team"]
    assert documents["/blog/2026/02/01/hello/"]["filters"] == {"kind": ["Post"]}
    assert documents["/about/"]["filters"] == {"kind": ["Page"]}
    # The header block's labels are not text to find: an excerpt starts with the record itself.
    assert "Next review" not in str(refunds["content"])


def test_the_site_ships_pagefind_and_no_lunr(built: Path) -> None:
    assert (built / "pagefind" / "pagefind.js").is_file()
    assert not (built / "pagefind" / "pagefind-ui.js").exists()
    assert not (built / "search" / "search_index.json").exists()
    home = (built / "index.html").read_text(encoding="utf-8")
    assert "data-hb-search" in home and 'name="search"' not in home and 'data-md-component="search"' not in home
    assert "assets/handbook/search.js" in home


def test_start_here_follows_reading_order_then_priority(write_handbook: Writer) -> None:
    root = _handbook(write_handbook, first="refunds")
    ctx = Context(load_corpus(settings_for(root)))
    start = start_here(ctx, ["refunds"])
    # Named first; then by priority (onboarding has one) then title; never retired or drafts.
    assert start.index("Refunds") < start.index("Onboarding")
    assert "Old refunds" not in start and "Vouchers" not in start
    assert 'data-key="refunds@1"' in start and "min read" in start
    assert reading_list(ctx.corpus, ["new-hires", "all-staff"]) == [
        ctx.corpus.policies["onboarding"],
        ctx.corpus.policies["refunds"],
    ]


def test_unknown_reading_order_id_fails_the_strict_build(write_handbook: Writer) -> None:
    root = _handbook(write_handbook, first="no-such-policy")
    done = _build(root)
    assert done.returncode == 1
    assert "handbook: mkdocs.yml:11: reading_order names 'no-such-policy', which is not a policy: " in done.stderr


def test_reading_lists_per_audience(built: Path) -> None:
    support = (built / "reading" / "support" / "index.html").read_text(encoding="utf-8")
    # Support's list holds what all staff read too; the retired policy is not on it.
    assert "Refunds" in support and "Old refunds" not in support
    assert 'href="../../feeds/audiences/support.xml"' in support
    assert (built / "reading" / "index.html").is_file()
    assert not (built / "reading" / "new-hires").exists()  # that list is Start here


def test_home_page_lists_recent_changes_and_feeds(built: Path) -> None:
    home = (built / "index.html").read_text(encoding="utf-8")
    assert CHANGES_MARKER not in home
    assert "What changed recently" in home and "data-pagefind-ignore" in home
    assert 'href="policies/onboarding/"' in home and 'href="blog/2026/02/01/hello/"' in home
    assert 'href="decisions/0002-use-the-console/"' in home
    assert 'href="feeds/all.xml"' in home


def test_recent_changes_from_history(write_handbook: Writer) -> None:
    root = _handbook(write_handbook)
    ctx = Context(load_corpus(settings_for(root)))
    stamp = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)

    def version(number: int, changes: str, day: int) -> Version:
        return Version(
            "refunds",
            number,
            "Refunds",
            "active",
            dt.date(2026, 1, 5),
            "How refunds work.",
            changes,
            "",
            stamp.replace(day=day),
            "A",
            "c",
            "policies/refunds.md",
        )

    history = History(
        versions={"refunds": (version(1, "First version.", 1), version(2, "Faster refunds.", 20))},
        status_changes={
            1: (
                StatusChange(1, "accepted", stamp.replace(month=1), "A", "c1"),
                StatusChange(1, "superseded", stamp.replace(day=15), "A", "c2"),
            )
        },
    )
    text = recent_changes(
        ctx,
        "index.md",
        history=history,
        version_page=lambda pid, n: f"policies/{pid}/v{n}.md" if n == 2 else None,
        feeds=[("Everything (RSS)", "feeds/all.xml")],
        feeds_page="feeds/index.md",
    )
    policies = text.split("### New policy versions")[1].split("###")[0]
    # Newest first, each with what changed; a version page, when there is one, shows the diff.
    assert policies.index("version 2") < policies.index("version 1")
    assert "Faster refunds. [See what changed](policies/refunds/v2.md)" in policies
    decisions = text.split("### Decisions")[1].split("###")[0]
    assert (
        "[0001 Use a shared inbox](decisions/0001-use-a-shared-inbox.md) is now superseded by [0002 Use the console]"
        in decisions
    )
    assert "It supersedes [0001 Use a shared inbox]" in decisions
    assert '<a href="feeds/all.xml">Everything (RSS)</a>' in text and "(feeds/index.md)" in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local test server
        return bytes(response.read())


@pytest.mark.engine
def test_under_mkdocs_serve_the_index_follows_edits(write_handbook: Writer, tmp_path: Path) -> None:
    root = _handbook(write_handbook)
    port = _free_port()
    temporary = tmp_path / "tmp"  # where serve builds its site, and stages the pages Pagefind reads
    temporary.mkdir()
    server = subprocess.Popen(
        engine_command("serve", "--dev-addr", f"127.0.0.1:{port}"),
        cwd=root,
        env={**engine_env(), "TMPDIR": str(temporary)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    entry = f"http://127.0.0.1:{port}/pagefind/pagefind-entry.json"

    def pages() -> int | None:
        try:
            data = json.loads(_get(entry))
        except OSError:
            return None
        return sum(lang["page_count"] for lang in data["languages"].values())

    def wait_for(check: object, what: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"mkdocs serve stopped: {server.stderr.read() if server.stderr else ''}")
            if check():  # type: ignore[operator]
                return
            time.sleep(0.3)
        pytest.fail(f"mkdocs serve: {what} within 60 s")

    try:
        wait_for(lambda: pages() is not None, "no search index")
        before = pages()
        (root / "policies" / "gifts.md").write_text(
            policy(title="Gifts", body="## Rules\n\nNo gifts: quokkaword.\n"), encoding="utf-8"
        )
        wait_for(lambda: pages() == (before or 0) + 1, "the new policy was not indexed")
        assert b"Gifts" in _get(f"http://127.0.0.1:{port}/policies/gifts/")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()
    # Terminated, serve stopped as on Ctrl-C: its temporary site and search staging are gone.
    assert (server.returncode, list(temporary.iterdir())) == (0, [])


def test_the_same_site_gives_the_same_index_bytes(built: Path) -> None:
    # Pagefind writes filters in hash-map order; the handbook sorts them (see search/canonical.py).
    def snapshot() -> dict[str, bytes]:
        folder = built / "pagefind"
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    first = snapshot()
    for _ in range(3):
        report = index_site(built)
        assert report.pages == 9
        assert snapshot() == first


def test_staging_follows_the_searched_pages(tmp_path: Path) -> None:
    """Kept between `mkdocs serve`'s rebuilds: a page rewritten in place needs nothing, a page
    replaced by a new file is linked again, a page no longer searched leaves."""
    from handbook.search.index import Staging

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    first, second = site / "a" / "index.html", site / "b.html"
    first.write_text("one")
    second.write_text("two")
    staging = Staging(site)
    try:
        folder = staging.update([first, second])
        assert (folder / "a" / "index.html").read_text() == "one"
        first.write_text("one, rewritten in place")
        second.unlink()
        second.write_text("two, a new file")
        assert staging.update([first, second]) == folder
        assert (folder / "a" / "index.html").read_text() == "one, rewritten in place"
        assert (folder / "b.html").read_text() == "two, a new file"
        staging.update([second])
        assert not (folder / "a" / "index.html").exists() and (folder / "b.html").exists()
    finally:
        staging.cleanup()
    assert not folder.exists()


def test_pages_handed_over_as_written_are_staged_without_reading_them_back(tmp_path: Path) -> None:
    """`mkdocs build` hands each searched page over as it writes it: staged cut from what it
    handed over, and found up to date afterwards; what does not match the file is read from it."""
    from handbook.search.index import Staging, searched_part

    page = (
        b'<!doctype html><html lang="en"><head><title>A</title></head><body><nav>menu</nav>'
        b'<article class="md-content__inner md-typeset" data-pagefind-body><h1>A</h1><p>Text</p></article>'
        b"<footer>f</footer></body></html>\n"
    )
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    written, other = site / "a" / "index.html", site / "b.html"
    written.write_bytes(page)
    other.write_bytes(page)
    staging = Staging(site, reduce=True)
    try:
        staging.stage(written, page)
        staging.stage(other, page + b"changed by a later plugin")  # not what the file holds
        assert (staging.folder / "a" / "index.html").read_bytes() == searched_part(page)
        assert (staging.folder / "b.html").read_bytes() == searched_part(page)
        before = (staging.folder / "a" / "index.html").stat().st_mtime_ns
        assert staging.update([written, other]) == staging.folder
        assert (staging.folder / "a" / "index.html").stat().st_mtime_ns == before  # up to date
    finally:
        staging.cleanup()


def test_reduced_pages_give_pagefind_the_same_index(built_sample_site: Path, tmp_path: Path) -> None:
    """Under `mkdocs serve`, Pagefind reads each searched page cut to what it indexes
    (`searched_part`): the index is byte for byte the one whole pages give."""
    from handbook.search.index import Indexing, Staging, searched_part

    site = tmp_path / "site"
    shutil.copytree(built_sample_site, site, ignore=shutil.ignore_patterns(INDEX_DIR))
    pages = sorted(p for p in site.rglob("*.html") if b"data-pagefind-body" in p.read_bytes())
    assert len(pages) > 20
    for page in pages:
        part = searched_part(page.read_bytes())
        assert part is not None and len(part) < page.stat().st_size / 2, page
    indexes = []
    for reduce in (False, True):
        staging = Staging(site, reduce=reduce)
        try:
            Indexing(site, output=f"index-{reduce}", pages=pages, staging=staging).finish()
        finally:
            staging.cleanup()
        indexes.append(site / f"index-{reduce}")
    whole, reduced = indexes
    files = sorted(p.relative_to(whole) for p in whole.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(reduced) for p in reduced.rglob("*") if p.is_file())
    assert all((whole / f).read_bytes() == (reduced / f).read_bytes() for f in files)


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><article data-pagefind-body><article>nested</article></article></body></html>",
        "<html><body><article data-pagefind-body>a</article><!-- </ARTICLE> --></body></html>",
        "<html><body><nav data-pagefind-filter='x:y'></nav><article data-pagefind-body>a</article></body></html>",
        "<html><body><article data-pagefind-body><h1>T</h1></article><img src=a.png></body></html>",
        "<html><body><h1>Outside</h1><article data-pagefind-body>a</article></body></html>",
        "<html><body><article class=md-content__inner>no mark</article></body></html>",
    ],
)
def test_pages_that_cannot_be_cut_are_staged_whole(page: str) -> None:
    from handbook.search.index import searched_part

    assert searched_part(page.encode()) is None


def test_searched_part_keeps_the_head_and_the_article() -> None:
    from handbook.search.index import searched_part

    page = (
        b'<!doctype html><html lang="fr"><head><title>T</title></head><body dir="ltr"><header>logo</header>'
        b"<main><article data-pagefind-body><h1>T</h1><p>x</p></article></main><footer>f</footer></body></html>"
    )
    assert searched_part(page) == (
        b'<!doctype html><html lang="fr"><head><title>T</title></head><body dir="ltr">'
        b"<article data-pagefind-body><h1>T</h1><p>x</p></article></body></html>\n"
    )


def test_the_index_does_not_depend_on_the_order_pagefind_found_the_pages(
    built_sample_site: Path, tmp_path: Path
) -> None:
    """Pagefind numbers pages in the order the file system lists their files, which differs
    between machines: the same pages numbered otherwise give the very same index."""
    from handbook.search import canonical, index

    site = tmp_path / "site"
    shutil.copytree(built_sample_site, site, ignore=shutil.ignore_patterns(INDEX_DIR))
    pages = sorted(p for p in site.rglob("*.html") if b"data-pagefind-body" in p.read_bytes())
    staging = index.Staging(site)
    try:
        source = staging.update(pages)
        found, scrambled = tmp_path / "found", tmp_path / "scrambled"
        command = [str(index.pagefind_binary()), "--site", str(source), "--output-path", str(found), "--silent"]
        subprocess.run(command, check=True)
    finally:
        staging.cleanup()
    shutil.copytree(found, scrambled)
    # As if the file system had listed the pages the other way round.
    canonical.rewrite_index(scrambled, lambda listed: list(reversed(range(len(listed)))))
    assert _files(found) != _files(scrambled)
    canonical.canonicalise(found)
    canonical.canonicalise(scrambled)
    assert _files(found) == _files(scrambled)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
