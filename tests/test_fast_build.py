"""The build's shortcuts change nothing: version pages converted block by block (blocks.py),
pages converted and built by forked workers, Material's partials rendered once per folder
(partials.py) with Material's strings and each table of contents worked out once, Markdown
patterns skipped where they cannot match (fast_passes.py), front matter parsed once and blog
excerpts converted once (converted_once.py) give the very bytes of mkdocs converting and building every page whole,
in one process."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ENGINE_PRELUDE, engine_command
from test_csp import assert_every_page_carries_the_policy

pytestmark = pytest.mark.engine

# The reference build: every shortcut switched off.
PLAIN = """
import sys
import jinja2
import handbook.plugin as plugin
plugin._PartsRenderer.render = lambda self, page, parts: None
plugin.Prerender.start = classmethod(lambda cls, *args: None)
plugin.Prebuild.start = classmethod(lambda cls, *args: None)
plugin.partials.Shared.key = lambda self, page, name: None
plugin.fast_passes.install = lambda md: None
plugin._front_matter_read_once = lambda: None
plugin._excerpts_converted_once = lambda config: None
plugin.partials.Once.__call__ = lambda self, name, key, *more, caller: caller()
plugin.partials.Translations.__call__ = jinja2.pass_context(  # Material's module, made for each string
    lambda self, context, key: self.env.get_template("hb-next/partials/language.html")
    .make_module({"config": context.get("config")})
    .t(key)
)
from mkdocs.__main__ import cli
sys.argv[0] = "mkdocs"
cli()
"""

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


def git(root: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE="2026-08-01T10:00:00+00:00", GIT_COMMITTER_DATE="2026-08-01T10:00:00+00:00")
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, make_corpus: ModuleType) -> Path:
    root = tmp_path_factory.mktemp("fast") / "corpus"
    make_corpus.write_corpus(60, root, seed=11)
    policy = sorted((root / "policies").glob("*.md"))[0]
    head, _, _ = policy.read_text(encoding="utf-8").partition("\n---\n")
    version = next(int(line.split(":")[1]) for line in head.splitlines() if line.startswith("version:"))
    head = head.replace(f"version: {version}", f"version: {version + 1}")
    policy.write_text(f"{head}\n---\n{AWKWARD}", encoding="utf-8")
    git(root, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-qam", "An awkward version")
    return root


def build(root: Path, site: str, *command: str) -> str:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1780000000")
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
def fast_log(corpus: Path) -> str:
    """The corpus built with every shortcut, into corpus/fast: mkdocs' log."""
    return build(corpus, "fast", *engine_command())


def test_shortcuts_build_the_same_bytes(corpus: Path, fast_log: str) -> None:
    log = fast_log
    build(corpus, "plain", sys.executable, "-c", ENGINE_PRELUDE + PLAIN)
    assert differences(corpus / "fast", corpus / "plain") == []
    pages = list((corpus / "fast" / "policies").glob("*/v*/index.html"))
    assert len(pages) > 100
    # The shortcuts did run: pages converted and built alongside, blocks reused, the awkward
    # version converted whole.
    assert "pages converted alongside" in log and "pages built alongside" in log
    counts = next(line for line in log.splitlines() if "version pages here:" in line)
    assert " 0 blocks reused" not in counts and " 0 converted whole" not in counts


def test_pages_the_workers_wrote_carry_the_policy_that_allows_their_scripts(corpus: Path, fast_log: str) -> None:
    """The policy is worked out before the workers fork: the pages they write carry it too, and
    it allows every inline script at every depth (version pages are three folders down)."""
    assert "pages built alongside" in fast_log
    _, checked = assert_every_page_carries_the_policy(corpus / "fast")
    assert checked > 300
