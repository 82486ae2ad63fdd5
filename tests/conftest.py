"""Fixtures that write small handbooks into tmp_path, with or without git history; the engine under test."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from handbook.build_runner import ENGINES, start_engine
from handbook.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

# The engine under test: `make test` runs the whole suite under MkDocs 1.6.1, then again, in a
# second process, the tests marked `engine` under ProperDocs (HANDBOOK_TEST_ENGINE=properdocs),
# since ProperDocs takes mkdocs' place in sys.modules for the whole process. It must do so
# before any test module imports mkdocs; subprocesses (`handbook build` too) run the same engine.
TEST_ENGINE = os.environ.get("HANDBOOK_TEST_ENGINE", "").strip() or "mkdocs"
if TEST_ENGINE not in ENGINES:
    raise pytest.UsageError(f"HANDBOOK_TEST_ENGINE={TEST_ENGINE!r}: set it to one of {', '.join(ENGINES)}")
if TEST_ENGINE != "mkdocs":
    start_engine(TEST_ENGINE)
os.environ["HANDBOOK_ENGINE"] = TEST_ENGINE
# Python for `python -c` scripts that build in their own process: the engine, started first.
ENGINE_PRELUDE = f"from handbook.build_runner import start_engine\nstart_engine({TEST_ENGINE!r})\n"


def engine_command(*args: str) -> list[str]:
    """The engine under test's command line, as a process of its own: `[python, -m, mkdocs, *args]`."""
    return [sys.executable, "-m", TEST_ENGINE, *args]


def engine_env(**extra: str) -> dict[str, str]:
    """The environment to run the engine in: no banner about MkDocs 2.0 (run as `mkdocs`, Material prints one)."""
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", **extra)


def pytest_report_header() -> str:
    return f"engine under test: {TEST_ENGINE} (HANDBOOK_TEST_ENGINE)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under the second engine, only the tests marked `engine`: the rest do not touch the engine."""
    if TEST_ENGINE == "mkdocs":
        return
    kept = [item for item in items if item.get_closest_marker("engine")]
    config.hook.pytest_deselected(items=[item for item in items if not item.get_closest_marker("engine")])
    items[:] = kept


AUDIENCES = ("all-staff", "new-hires", "support", "managers")

OWNERS = """\
support-ops:
  name: Support Operations
  email: support-ops@example.com
  handle: "@acme/support-ops"
billing:
  name: Billing Team
  email: billing@example.com
  handle: "@acme/billing"
"""

MKDOCS_YML = """\
site_name: Test handbook
site_url: https://handbook.example.com/
nav:
  - Home: index.md
  - Start here: start-here.md
  - Policies: policies/index.md
  - Decisions: decisions/index.md
theme:
  name: material
  font: false
plugins:
  - search
  - handbook:
      audiences: [all-staff, new-hires, support, managers]
"""

# MKDOCS_YML with Material's blog and mkdocs-rss-plugin set up as the sample handbook's are
# (without a Pagefind index: tests that read the search index turn it on).
BLOG_MKDOCS_YML = """\
site_name: Test handbook
site_url: https://handbook.example.com/
site_description: A handbook for tests.
nav:
  - Home: index.md
  - Blog:
      - blog/index.md
theme:
  name: material
  font: false
plugins:
  - blog:
      categories_allowed: [News, How-to]
  - rss:
      match_path: blog/posts/.*
      use_git: false
      date_from_meta: {as_creation: date, as_update: date, default_timezone: UTC}
      use_material_blog: false
      use_material_social_cards: false
      json_feed_enabled: false
      stylesheet: ""
  - handbook:
      audiences: [all-staff, new-hires, support, managers]
      search_index: false
"""
BLOG_AUTHORS_FILE = "docs/blog/.authors.yml"
BLOG_FILES = {
    "mkdocs.yml": BLOG_MKDOCS_YML,
    "docs/blog/index.md": "# Blog\n",
    BLOG_AUTHORS_FILE: (
        "authors:\n"
        "  jdoe: {name: Jane Doe, description: Head of Support, avatar: jdoe.svg}\n"
        "  spatel: {name: Sam Patel, description: Support Operations, avatar: spatel.svg}\n"
    ),
}


def policy(
    title: str = "Refunds",
    version: int | str = 1,
    status: str = "active",
    owner: str = "billing",
    effective: str = "2026-01-05",
    reviewed: str = "2026-01-05",
    audience: str = "[all-staff]",
    summary: str = "How refunds work.",
    changes: str = "First version.",
    extra: str = "",
    body: str = "## Rules\n\nRefund within 30 days.\n",
) -> str:
    """The text of a valid policy file, with any field replaced."""
    return (
        "---\n"
        f"title: {title}\nversion: {version}\nstatus: {status}\nowner: {owner}\n"
        f"effective: {effective}\nreviewed: {reviewed}\naudience: {audience}\n"
        f"summary: {summary}\nchanges: {changes}\n{extra}"
        "---\n"
        f"{body}"
    )


def decision(
    title: str = "Use a shared inbox",
    status: str = "accepted",
    date: str = "2025-03-01",
    extra: str = "",
    body: str = "## Context and Problem Statement\n\nWe need one.\n",
) -> str:
    return f"---\nstatus: {status}\ndate: {date}\n{extra}---\n# {title}\n\n{body}"


Writer = Callable[[Mapping[str, str | bytes]], Path]


@pytest.fixture
def write_handbook(tmp_path: Path) -> Writer:
    """Write `{path: text}` under tmp_path (plus owners.yml and mkdocs.yml unless given)."""

    def write(files: Mapping[str, str | bytes], *, defaults: bool = True) -> Path:
        everything: dict[str, str | bytes] = {}
        if defaults:
            everything = {"policies/owners.yml": OWNERS, "mkdocs.yml": MKDOCS_YML, "docs/index.md": "# Home\n"}
        everything.update(files)
        for rel, content in everything.items():
            target = tmp_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return tmp_path

    return write


def strict_build(root: Path) -> subprocess.CompletedProcess[str]:
    """The engine under test's `build --strict` of the handbook at `root` into root/site, as a process of its own."""
    return subprocess.run(
        engine_command("build", "--strict", "-d", str(root / "site")),
        cwd=root, capture_output=True, text=True, env=engine_env(),
    )  # fmt: skip


def faketime() -> str:
    """The faketime command, which runs a process with its clock moved: skip without it, but fail in CI."""
    path = shutil.which("faketime")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("faketime is missing: `make test` installs it (Debian package faketime)")
        pytest.skip("faketime is not installed (Debian package faketime)")
    return path


def settings_for(root: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"root": root, "audiences": AUDIENCES}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


class Git:
    """A git repository in tmp_path whose commits have fixed dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.run("init", "-q", "-b", "main")
        self.run("config", "user.name", "Test Author")
        self.run("config", "user.email", "author@example.com")

    def run(self, *args: str, date: str = "2026-01-01T12:00:00+00:00") -> str:
        env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        done = subprocess.run(["git", "-C", str(self.root), *args], env=env, check=True, capture_output=True, text=True)
        return done.stdout

    def commit(self, files: Mapping[str, str], message: str, date: str, author: str | None = None) -> str:
        for rel, text in files.items():
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        self.run("add", "-A")
        args = ["commit", "-q", "-m", message]
        if author:
            args += ["--author", author]
        self.run(*args, date=date)
        return self.run("rev-parse", "HEAD").strip()


@pytest.fixture
def git_repo(tmp_path: Path) -> Git:
    return Git(tmp_path)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True under `pytest --update-golden`: golden tests then write what they compare."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def built_sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample handbook built once with the engine under test's `build --strict`: its site/ (build.log beside it)."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "policies", "decisions"):
        shutil.copytree(ROOT / folder, root / folder)
    done = subprocess.run(
        engine_command("build", "--strict", "-d", str(root / "site")),
        cwd=root, capture_output=True, text=True, env=engine_env(),
    )  # fmt: skip
    (root / "build.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


# The sample handbook's own files (ROOT's, without the code), and one policy's earlier version:
# version 2 paid refunds in 7 working days, version 3 (the file as it is) in 5.
SAMPLE = ("mkdocs.yml", "docs", "policies", "decisions", "acknowledgements")
OLD_POLICY = "policies/refunds-and-returns.md"


def older_refunds(text: str) -> str:
    """The sample's refunds policy, version 3, as version 2 said it."""
    older = text.replace("version: 3", "version: 2", 1).replace("**5 working days**", "**7 working days**", 1)
    assert older != text, f"{OLD_POLICY} no longer says 'version: 3' and '**5 working days**': update older_refunds()"
    return re.sub(r"(?m)^changes: .*$", "changes: Set the refund payment target to 7 working days.", older, count=1)


@pytest.fixture(scope="session")
def sample_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample handbook in a git repository of its own, never the project's: committed with
    the refunds policy at version 2, then at version 3, in November 2026."""
    root = tmp_path_factory.mktemp("sample-repo") / "handbook"
    root.mkdir()
    for name in SAMPLE:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, root / name)
        else:
            shutil.copy2(ROOT / name, root / name)
    current = (root / OLD_POLICY).read_text(encoding="utf-8")
    git = Git(root)
    git.commit(
        {OLD_POLICY: older_refunds(current)}, "The handbook, refunds at version 2", date="2026-11-02T09:00:00+00:00"
    )
    git.commit({OLD_POLICY: current}, "Refunds and returns, version 3", date="2026-11-20T09:00:00+00:00")
    return root


@pytest.fixture(scope="session")
def make_corpus() -> ModuleType:
    """scripts/make_corpus.py, the generator of realistic handbooks (not a package: loaded by path)."""
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "scripts" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


# -- the browser -------------------------------------------------------------------------------


def _unavailable(reason: str) -> None:
    # In CI a missing browser is a broken set-up, not a reason to pass quietly.
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: `make test` installs it (make browser-deps)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, one for every browser test of the session: Playwright's
    sync API refuses to start while another instance of it runs."""
    from browser.site import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (Debian package chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
