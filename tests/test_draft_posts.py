"""Draft posts reach no file of a built site, whatever the blog's settings (or without a blog):
no page, search entry, sitemap line, feed item or blog listing. `mkdocs serve` previews them
only with the handbook's `draft_on_serve`, and never in search."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import BLOG_FILES, BLOG_MKDOCS_YML, Writer

PUBLISHED = "docs/blog/posts/hello.md"
DRAFT = "docs/blog/posts/zanzibar.md"
POSTS = {
    PUBLISHED: "---\ndate: 2026-01-05\nauthors: [jdoe]\ncategories: [News]\n---\n# Hello\n\nQuokkas published.\n",
    DRAFT: (
        "---\ndate: 2026-01-06\nauthors: [jdoe]\ncategories: [News]\ndraft: true\n---\n"
        "# Zanzibar plans\n\nFrobnicate the draft.\n"
    ),
}
# Words only the draft has: its title (and so its address) and its text.
DRAFT_MARKERS = (b"zanzibar", b"frobnicate")
SEARCHED = BLOG_MKDOCS_YML.replace("search_index: false", "search_index: true")
BLOG_SECTION = "  - blog:\n      categories_allowed: [News, How-to]\n"
SETTINGS = {
    "the blog as the sample sets it up": SEARCHED,
    "the blog told to publish drafts": SEARCHED.replace("  - blog:\n", "  - blog:\n      draft: true\n"),
    "the blog turned off": SEARCHED.replace("  - blog:\n", "  - blog:\n      enabled: false\n"),
    "no blog plugin": SEARCHED.replace(BLOG_SECTION, ""),
}
SERVE_URL = "http://127.0.0.1:8000/"


def every_file(site: Path) -> Iterator[tuple[Path, bytes]]:
    """Each file of the site with its bytes, unzipped when gzip'd (sitemap.xml.gz, search fragments)."""
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            yield path, gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def search_index(site: Path) -> bytes:
    return b"".join(data.lower() for path, data in every_file(site / "pagefind"))


def post_titles(site: Path) -> set[str]:
    feed = feedparser.parse((site / "feeds" / "posts.xml").read_bytes())
    assert feed.bozo == 0
    return {entry.title for entry in feed.entries}


# `mkdocs serve`'s build, in a process of its own: mkdocs keeps one instance of each plugin per
# process, and one that has started for `serve` stays so.
SERVE = f"""
import sys
from mkdocs.config import load_config
from mkdocs.commands.build import build
config = load_config("mkdocs.yml", site_dir=sys.argv[1])
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = "{SERVE_URL}"
build(config, serve_url="{SERVE_URL}")
config.plugins.on_shutdown()
"""


def make_site(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`mkdocs build --strict`, as mkdocs' command runs it."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    site = root / "site"
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return site


def serve_site(root: Path) -> Path:
    site = root / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1780000000")
    done = subprocess.run([sys.executable, "-c", SERVE, str(site)], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return site


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=list(SETTINGS))
def test_a_draft_post_reaches_no_file_of_the_site(
    write_handbook: Writer, monkeypatch: pytest.MonkeyPatch, settings: str
) -> None:
    root = write_handbook({**BLOG_FILES, "mkdocs.yml": settings, **POSTS})
    site = make_site(root, monkeypatch)
    for path, data in every_file(site):
        for marker in DRAFT_MARKERS:
            assert marker not in data.lower(), f"{marker!r} in {path.relative_to(site)}"
    # The published post is everywhere the draft is not: the files above were the right ones.
    assert b"quokkas published" in search_index(site)
    assert b"hello" in (site / "sitemap.xml").read_bytes()
    assert post_titles(site) == {"Hello"}


@pytest.mark.parametrize("draft_on_serve", [True, False])
def test_serve_previews_a_draft_post_only_with_draft_on_serve(write_handbook: Writer, draft_on_serve: bool) -> None:
    option = f"search_index: true\n      draft_on_serve: {str(draft_on_serve).lower()}"
    root = write_handbook({**BLOG_FILES, "mkdocs.yml": SEARCHED.replace("search_index: true", option), **POSTS})
    site = serve_site(root)
    previews = [path for path, data in every_file(site) if path.suffix == ".html" and b"frobnicate" in data.lower()]
    assert bool(previews) == draft_on_serve, previews
    # Never in search or the feeds, even in the preview.
    assert b"frobnicate" not in search_index(site)
    assert b"quokkas published" in search_index(site)
    assert post_titles(site) == {"Hello"}
