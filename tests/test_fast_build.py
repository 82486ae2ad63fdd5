"""The build's shortcuts (`handbook.fast`) change nothing: with them (the default) and without
(`HANDBOOK_SHORTCUTS=off`, or `shortcuts: false` in mkdocs.yml) the site is the same, file for
file and byte for byte; a shortcut that reaches into a package installed in a version it was not
verified on stays off and says so; and after a build, or a failed one, nothing of mkdocs,
Markdown or Material is left replaced."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import markdown
import pytest
from markdown import blockparser, treeprocessors
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.utils import meta as mkdocs_meta

from conftest import ENGINE_PRELUDE, ROOT, engine_command, engine_env
from handbook.fast import shortcuts
from handbook.fast.blog import PAGE_EVENTS, Posts
from handbook.site import diffing
from test_csp import assert_every_page_carries_the_policy

pytestmark = pytest.mark.engine

# A later version of one policy whose text needs the slow, whole conversion: a heading whose
# id is the frame's own (`text`), a heading twice, a reference link and a raw HTML block.
AWKWARD = """
## Text

A paragraph with [a reference][ref].

## Why this policy exists

Said twice.

<div class="note" markdown="1">

Inside a *block*.

</div>

[ref]: https://example.org/
"""
DATES = {"GIT_AUTHOR_DATE": "2026-08-01T10:00:00+00:00", "GIT_COMMITTER_DATE": "2026-08-01T10:00:00+00:00"}
# The build with Material said to be a version no shortcut was verified on.
UNVERIFIED = (
    ENGINE_PRELUDE
    + """
import runpy, sys
import handbook.fast.guard as guard
installed = guard.installed
guard.installed = lambda package: "9.9.0" if package == guard.MATERIAL else installed(package)
engine = sys.argv.pop(1)
sys.argv[0] = engine
runpy.run_module(engine, run_name="__main__")
"""
)


def git(root: Path, *args: str) -> str:
    env = dict(os.environ, **DATES)
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


def build(root: Path, site: str, *command: str, shortcuts: str = "on") -> str:
    """`mkdocs build --strict --verbose` into root/site: what mkdocs logged."""
    env = engine_env(SOURCE_DATE_EPOCH="1780000000", HANDBOOK_SHORTCUTS=shortcuts)
    command = command or tuple(engine_command())
    done = subprocess.run(
        [*command, "build", "--strict", "--verbose", "-d", site], cwd=root, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def differences(left: Path, right: Path) -> list[str]:
    found: list[str] = []

    def walk(compared: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in compared.left_only + compared.right_only + compared.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(compared.left, compared.right, compared.common_files, shallow=False)
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in compared.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, make_corpus: ModuleType) -> Path:
    """60 generated records with git history, posts among them, and one awkward version."""
    root = tmp_path_factory.mktemp("fast") / "corpus"
    make_corpus.write_corpus(60, root, seed=11)
    assert list((root / "docs" / "blog" / "posts").glob("*.md"))
    policy = sorted((root / "policies").glob("*.md"))[0]
    head, _, _ = policy.read_text(encoding="utf-8").partition("\n---\n")
    version = next(int(line.split(":")[1]) for line in head.splitlines() if line.startswith("version:"))
    head = head.replace(f"version: {version}", f"version: {version + 1}")
    policy.write_text(f"{head}\n---\n{AWKWARD}", encoding="utf-8")
    git(root, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-qam", "An awkward version")
    return root


@pytest.fixture(scope="module")
def fast_log(corpus: Path) -> str:
    """The corpus built with every shortcut, into corpus/fast: mkdocs' log."""
    return build(corpus, "fast")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample handbook, committed to a repository of its own (its history: one version each)."""
    root = tmp_path_factory.mktemp("sample") / "handbook"
    root.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "policies", "decisions", "feedback", "acknowledgements"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, root / folder)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-qm", "The sample")
    return root


def test_the_corpus_is_the_same_with_the_shortcuts_off(corpus: Path, fast_log: str) -> None:
    plain = build(corpus, "plain", shortcuts="off")
    assert differences(corpus / "fast", corpus / "plain") == []
    pages = list((corpus / "fast" / "policies").glob("*/v*/index.html"))
    assert len(pages) > 100
    # The shortcuts did run: pages converted and built alongside, blocks reused, the awkward
    # version converted whole; and none ran with the switch off.
    assert "pages converted alongside" in fast_log and "pages built alongside" in fast_log
    counts = next(line for line in fast_log.splitlines() if "version pages here:" in line)
    assert " 0 blocks reused" not in counts and " 0 converted whole" not in counts
    assert "alongside" not in plain and "version pages here:" not in plain


def test_the_sample_is_the_same_with_shortcuts_false_in_mkdocs_yml(sample: Path) -> None:
    build(sample, "fast")
    config = (sample / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - handbook:\n" in config
    (sample / "mkdocs.yml").write_text(config.replace("  - handbook:\n", "  - handbook:\n      shortcuts: false\n"))
    try:
        build(sample, "plain")
    finally:
        (sample / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert differences(sample / "fast", sample / "plain") == []
    assert len(list((sample / "fast").rglob("*.html"))) > 50


def test_a_package_in_an_unverified_version_turns_its_shortcuts_off(sample: Path) -> None:
    """Material said to be 9.9.0: the shortcuts that reach into it stay off, the build says
    which in one line, and the site is the one the build without shortcuts makes."""
    said = build(sample, "unverified", sys.executable, "-c", UNVERIFIED, engine_command()[-1])
    lines = [line for line in said.splitlines() if "shortcuts off" in line]
    assert lines == [
        "INFO    -  handbook: shortcuts off (partials, blog, search-staging, serve-cache): not verified on "
        "mkdocs-material 9.9.0; the site is the same, built slower"
    ]
    build(sample, "plain-off", shortcuts="off")
    assert differences(sample / "unverified", sample / "plain-off") == []


def test_pages_the_workers_wrote_carry_the_policy_that_allows_their_scripts(corpus: Path, fast_log: str) -> None:
    """The policy is worked out before the workers fork: the pages they write carry it too, and
    it allows every inline script at every depth (version pages are three folders down)."""
    assert "pages built alongside" in fast_log
    _, checked = assert_every_page_carries_the_policy(corpus / "fast")
    assert checked > 300


# -- nothing left behind ---------------------------------------------------------------------


def originals() -> dict[str, Any]:
    """What the shortcuts stand in for, module by module."""
    return {
        "mkdocs get_data": mkdocs_meta.get_data,
        "mkdocs _build_page": mkdocs_build._build_page,
        "Markdown.convert": markdown.Markdown.convert,
        "BlockParser.parseBlocks": blockparser.BlockParser.parseBlocks,
        "InlineProcessor run": treeprocessors.InlineProcessor.run,
        "diff matcher": diffing.MATCHER,
    }


@pytest.fixture
def handbook(sample: Path, tmp_path: Path) -> Path:
    root = tmp_path / "handbook"
    shutil.copytree(sample, root, ignore=shutil.ignore_patterns("fast", "plain*", "unverified", ".cache"))
    return root


def left_behind(config: Any, events: dict[str, list[Any]], before: dict[str, Any]) -> list[str]:
    """What a shortcut replaced and did not put back."""
    found = [name for name, value in originals().items() if value is not before[name]]
    found += [f"{event} events" for event in PAGE_EVENTS if config.plugins.events[event] != events[event]]
    found += ["the partials' templates"] if str(shortcuts.TEMPLATES) in config.theme.dirs else []
    found += [f"the extension {e!r}" for e in config.markdown_extensions if not isinstance(e, str)]
    for plugin in config.plugins.values():
        posts = getattr(getattr(plugin, "blog", None), "posts", None) or []
        found += ["the blog's posts"] if isinstance(posts, Posts) else []
        for post in posts:
            md = getattr(getattr(post, "excerpt", None), "md", None)
            if md is not None and "convert" in vars(md):
                found.append(f"{post.file.src_uri}: its excerpt's convert")
    return found


@pytest.mark.parametrize("broken", [False, True], ids=["built", "failed"])
def test_nothing_is_left_replaced_after_a_build(handbook: Path, monkeypatch: pytest.MonkeyPatch, broken: bool) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    monkeypatch.delenv(shortcuts.SWITCH, raising=False)
    if broken:  # it fails half way: the records are read once the shortcuts are in
        policy = sorted((handbook / "policies").glob("*.md"))[0]
        policy.write_text(policy.read_text(encoding="utf-8").replace("\nversion:", "\nversion: two\nx:", 1))
    before = originals()
    config = load_config(str(handbook / "mkdocs.yml"), site_dir=str(handbook / "site"), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    events = {event: list(config.plugins.events[event]) for event in PAGE_EVENTS}
    if broken:
        with pytest.raises(Exception, match="Aborted"):
            mkdocs_build.build(config)
    else:
        mkdocs_build.build(config)
        assert (handbook / "site" / "blog" / "index.html").is_file()
        blog = next(p for p in config.plugins.values() if getattr(p, "blog", None) is not None)
        assert blog.blog.posts and all(post.excerpt is not None for post in blog.blog.posts)
    assert left_behind(config, events, before) == []
