"""The engine: ProperDocs by default, MkDocs 1.6.1 with HANDBOOK_ENGINE=mkdocs. `handbook build`
runs the one named; both fail a strict build on Material's warnings; their sites differ in the
generator `<meta>` line only; `serve` rebuilds only the pages an edit to the records changes."""

from __future__ import annotations

import difflib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import pytest

from conftest import BLOG_FILES, MKDOCS_YML, ROOT, Writer, engine_command, engine_env, policy
from handbook.site.paths import PUBLIC_PAGE

# `handbook build ...` in a process of its own.
HANDBOOK = [sys.executable, "-c", "from handbook.cli.main import main; main()"]
ENGINE_NAMES = {"mkdocs": f"mkdocs-{version('mkdocs')}", "properdocs": f"mkdocs-ProperDocs {version('properdocs')}"}
# What Material writes in every page's <head>, naming the engine that ran it.
GENERATOR = {engine: f"{name}, mkdocs-material-{version('mkdocs-material')}" for engine, name in ENGINE_NAMES.items()}

# A post whose `links` (Material's blog: related links) names no file: Material's blog plugin
# warns on its `mkdocs.material.blog` logger, and a strict build must fail on it.
BROKEN_LINK_POST = "---\ndate: 2026-02-09\nauthors: [jdoe]\nlinks:\n  - policies/nowhere.md\n---\n# Hello\n\nWelcome.\n"
MATERIAL_WARNING = (
    "Error reading metadata of post 'blog/posts/hello.md' in 'docs':\nCouldn't find file for link 'policies/nowhere.md'"
)


class _Generator(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "generator":
            self.found.append(values.get("content") or "")


def generators(page: str) -> list[str]:
    """The content of each `<meta name="generator">` of an HTML page."""
    parser = _Generator()
    parser.feed(page)
    return parser.found


def handbook_build(root: Path, engine: str | None) -> subprocess.CompletedProcess[str]:
    """`handbook build` with HANDBOOK_ENGINE set to `engine`, or unset."""
    env = {k: v for k, v in os.environ.items() if k != "HANDBOOK_ENGINE"}
    if engine is not None:
        env["HANDBOOK_ENGINE"] = engine
    return subprocess.run([*HANDBOOK, "build", str(root)], capture_output=True, text=True, env=env, check=False)


# -- which engine `handbook build` runs ----------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "engine"), [(None, "properdocs"), ("properdocs", "properdocs"), ("mkdocs", "mkdocs")]
)
def test_handbook_build_runs_the_engine_handbook_engine_names(
    write_handbook: Writer, variable: str | None, engine: str
) -> None:
    root = write_handbook({"policies/refunds.md": policy()})
    done = handbook_build(root, variable)
    assert done.returncode == 0, done.stderr
    for page in ("index.html", "policies/refunds/index.html"):
        assert generators((root / "site" / page).read_text(encoding="utf-8")) == [GENERATOR[engine]]


def test_an_unknown_engine_is_refused_before_anything_is_touched(write_handbook: Writer) -> None:
    root = write_handbook({"policies/refunds.md": policy()})
    done = handbook_build(root, "mkdoc")
    assert done.returncode == 2
    assert done.stderr == (
        "HANDBOOK_ENGINE='mkdoc' names no engine: set it to properdocs (the default) or mkdocs (MkDocs 1.6.1)\n"
    )
    assert sorted(p.name for p in root.iterdir()) == ["docs", "mkdocs.yml", "policies"]


# -- Material's warnings fail a strict build, whatever the engine ----------------------------------


def _blog_with_a_broken_link(write_handbook: Writer) -> Path:
    return write_handbook({**BLOG_FILES, "policies/refunds.md": policy(), "docs/blog/posts/hello.md": BROKEN_LINK_POST})


@pytest.mark.parametrize("engine", ["properdocs", "mkdocs"])
def test_a_material_warning_fails_handbook_build(write_handbook: Writer, engine: str) -> None:
    """ProperDocs counts the warnings of its `properdocs` loggers: Material's, on `mkdocs.*`
    loggers, count only when they are routed under it, as ProperDocs' command line does."""
    root = _blog_with_a_broken_link(write_handbook)
    done = handbook_build(root, engine)
    assert done.returncode == 1, done.stderr
    assert f"WARNING -  {MATERIAL_WARNING}\n" in done.stderr
    assert done.stdout == "\nAborted with 1 warnings in strict mode!\n"
    assert not (root / "site").exists()


@pytest.mark.engine
def test_a_material_warning_fails_a_strict_build_in_this_process(
    write_handbook: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the test process too (HANDBOOK_TEST_ENGINE): conftest starts ProperDocs as
    `adapter.engine.start_engine` does, so in-process builds see Material's warnings."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    root = _blog_with_a_broken_link(write_handbook)
    monkeypatch.chdir(root)
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True)
    with pytest.raises(Abort, match=r"^Aborted with 1 warnings in strict mode!$"):
        build(config)


# -- ProperDocs' site is MkDocs' but for the generator line --------------------------------------


def _sample_site(tmp_path: Path, engine: str) -> Path:
    root = tmp_path / f"handbook-{engine}"
    root.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "policies", "decisions", "feedback", "acknowledgements"):
        shutil.copytree(ROOT / folder, root / folder)
    site = tmp_path / f"site-{engine}"
    command = [sys.executable, "-m", engine, "build", "--strict", "--site-dir", str(site)]
    done = subprocess.run(
        command, cwd=root, capture_output=True, text=True, env=engine_env(SOURCE_DATE_EPOCH="1767225600")
    )
    assert done.returncode == 0, done.stderr
    return site


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_properdocs_and_mkdocs_build_the_sample_alike_but_for_the_generator_line(tmp_path: Path) -> None:
    mkdocs, properdocs = _files(_sample_site(tmp_path, "mkdocs")), _files(_sample_site(tmp_path, "properdocs"))
    assert sorted(mkdocs) == sorted(properdocs)
    differing = sorted(name for name in mkdocs if mkdocs[name] != properdocs[name])
    # Every page names its engine (Material 9.8 writes the line whatever `extra.generator` says),
    # and nothing else: the sitemap, the feeds, the search index and csp.txt are the same bytes.
    # (The customer page is the handbook's own template: it names no engine.)
    assert differing == sorted(name for name in mkdocs if name.endswith(".html") and name != PUBLIC_PAGE)
    assert len(differing) > 50
    for name in differing:
        old, new = mkdocs[name].decode().splitlines(), properdocs[name].decode().splitlines()
        changes = [op for op in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes() if op[0] != "equal"]
        assert len(changes) == 1, name
        kind, start, end, new_start, new_end = changes[0]
        assert (kind, end - start, new_end - new_start) == ("replace", 1, 1), name
        assert generators(old[start]) == [GENERATOR["mkdocs"]], name
        assert generators(new[new_start]) == [GENERATOR["properdocs"]], name
        assert old[start].replace(ENGINE_NAMES["mkdocs"], ENGINE_NAMES["properdocs"]) == new[new_start], name


# -- serve: an edit to a policy rebuilds the pages it changes ------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local test server
            return bytes(response.read()).decode("utf-8")
    except OSError:
        return None


@pytest.mark.engine
def test_serve_rebuilds_only_the_pages_an_edit_to_a_policy_changes(write_handbook: Writer, tmp_path: Path) -> None:
    """`properdocs serve` (`mkdocs serve` in the first run): the plugin's serve-update reaches
    into the live-reload server (its watched paths, its rebuild condition, its builder)."""
    root = write_handbook(
        {
            "mkdocs.yml": MKDOCS_YML.replace("  - search\n", ""),
            "policies/refunds.md": policy(body="## Rules\n\nRefund within 30 days.\n"),
            "policies/gifts.md": policy(title="Gifts", owner="support-ops", body="## Rules\n\nNo gifts.\n"),
            "decisions/0001-use-a-shared-inbox.md": "---\nstatus: accepted\ndate: 2025-03-01\n---\n# Inbox\n",
        }
    )
    port = _free_port()
    log = tmp_path / "serve.log"
    page = f"http://127.0.0.1:{port}/policies/refunds/"
    temporary = tmp_path / "tmp"  # where serve builds its site
    temporary.mkdir()
    with log.open("w") as output:
        server = subprocess.Popen(
            engine_command("serve", "--dev-addr", f"127.0.0.1:{port}"),
            cwd=root, env={**engine_env(), "TMPDIR": str(temporary)}, stdout=output, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        try:

            def wait_for(check: Callable[[], bool], what: str) -> None:
                deadline = time.monotonic() + 90
                while time.monotonic() < deadline:
                    if server.poll() is not None:
                        pytest.fail(f"serve stopped:\n{log.read_text()}")
                    if check():
                        return
                    time.sleep(0.3)
                pytest.fail(f"serve: {what} within 90 s:\n{log.read_text()}")

            wait_for(lambda: "Refund within 30 days." in (_get(page) or ""), "no page")
            refunds = root / "policies/refunds.md"
            refunds.write_text(refunds.read_text().replace("30 days", "45 days"), encoding="utf-8")
            wait_for(lambda: "Refund within 45 days." in (_get(page) or ""), "the edit is not served")
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    said = log.read_text()
    # Terminated, serve stopped as on Ctrl-C and removed its temporary site.
    assert (server.returncode, list(temporary.iterdir())) == (0, []), said
    rebuilt = [line.split("handbook: ", 1)[1] for line in said.splitlines() if "handbook: Rebuilt " in line]
    assert len(rebuilt) == 1, said
    count, total = (int(n) for n in rebuilt[0].split()[1:4:2])
    assert 0 < count < total, rebuilt
    assert "Building the whole site" not in said
    # The serve log names every folder whose edits reload the site, the records' too.
    assert "handbook: Watching the records for changes: 'policies', 'decisions'" in said
