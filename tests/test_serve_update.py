"""Under `mkdocs serve`, an edit to the records rebuilds only what it changes (`update_site`),
and the site it leaves is the very site a whole build of the edited handbook gives: every page,
feed and search index file byte for byte. Edits it cannot follow rebuild the whole site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ENGINE_PRELUDE, TEST_ENGINE
from test_fast_build import differences

pytestmark = pytest.mark.engine

SERVE_URL = "http://127.0.0.1:8000/"

# `mkdocs serve` without its web server: the first build, the plugin's `on_serve`, then one
# rebuild per edit read from stdin (Python run in the handbook's folder); after each it prints
# what the build logged and waits for the test to compare the site.
DRIVER = f"""
import json, logging, os, sys, threading
from mkdocs.config import load_config
from mkdocs.commands.build import build

site = sys.argv[1]
said = []
class Said(logging.Handler):
    def emit(self, record):
        said.append(record.getMessage())
logging.getLogger("{TEST_ENGINE}").addHandler(Said())
logging.getLogger("{TEST_ENGINE}").setLevel(logging.INFO)

def builder(config=None):
    if config is None:
        config = load_config("mkdocs.yml", site_dir=site)
        config.site_url = "{SERVE_URL}"
    build(config, serve_url="{SERVE_URL}")

config = load_config("mkdocs.yml", site_dir=site)
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = "{SERVE_URL}"
builder(config)

class Server:  # what a plugin's on_serve uses of mkdocs' LiveReloadServer
    def __init__(self):
        self._watched_paths, self.builder = {{}}, builder
        self._rebuild_cond, self._want_rebuild = threading.Condition(), False
    def watch(self, path):
        self._watched_paths[os.path.abspath(path)] = 1

server = Server()
server.watch(config.docs_dir)
server.watch(config.config_file_path)
server = config.plugins.on_serve(server, config=config, builder=builder)
print("ready", flush=True)
for line in sys.stdin:
    exec(json.loads(line))
    said.clear()
    try:
        server.builder()
        outcome = "built"
    except BaseException as exc:
        outcome = f"failed: {{exc}}"
    # Whether the plugin's watcher asked for this rebuild (it watches the records alone).
    seen, server._want_rebuild = server._want_rebuild, False
    print(json.dumps({{"outcome": outcome, "said": said, "seen": seen}}), flush=True)
"""

# The same handbook built whole, as `mkdocs serve` builds it, in a process of its own.
REFERENCE = f"""
import sys
from mkdocs.config import load_config
from mkdocs.commands.build import build
config = load_config("mkdocs.yml", site_dir=sys.argv[1])
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = "{SERVE_URL}"
build(config, serve_url="{SERVE_URL}")
"""

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1780000000")


def edit(name: str, old: str, new: str, *, count: int = 1, folder: str = "policies") -> str:
    """Python for the driver: replace `old` by `new` in `folder`/`name`."""
    return (
        f"from pathlib import Path\np = Path({folder!r}) / {name!r}\n"
        f"text = p.read_text()\nassert {old!r} in text\np.write_text(text.replace({old!r}, {new!r}, {count}))\n"
    )


@pytest.fixture
def handbook(tmp_path: Path, make_corpus: ModuleType) -> Path:
    root = tmp_path / "handbook"
    make_corpus.write_corpus(24, root, seed=5)  # a git repository, policies with several versions
    return root


def front(root: Path, name: str, key: str) -> str:
    """The front matter line of `key` in policies/`name`."""
    text = (root / "policies" / name).read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith(f"{key}:"))


def test_an_edit_to_the_records_rebuilds_only_what_it_changes(handbook: Path, tmp_path: Path) -> None:
    names = sorted(p.name for p in (handbook / "policies").glob("*.md"))
    first, second, third, fourth, fifth = names[:5]
    decision = sorted(p.name for p in (handbook / "decisions").glob("*.md"))[0]
    version = front(handbook, third, "version")
    number = int(version.split(":")[1])
    new_policy = (handbook / "policies" / fourth).read_text(encoding="utf-8")
    added = "policies/a-policy-added-while-serving.md"
    retitled = 'title: "A title changed while serving"'
    steps = [
        # (what the edit is, its Python, how the site is rebuilt: "pages" or "whole")
        ("a paragraph added", edit(first, "\n## ", "\nA paragraph added while serving.\n\n## "), "pages"),
        ("a new title", edit(second, front(handbook, second, "title"), retitled), "pages"),
        ("a new version, not committed", edit(third, version, f"version: {number + 1}"), "pages"),
        (
            "a new policy",
            f"from pathlib import Path\nPath({added!r}).write_text({new_policy!r})\n",
            "pages",
        ),
        ("a decision edited", edit(decision, "\n## ", "\nA new paragraph.\n\n## ", folder="decisions"), "pages"),
        # Drafts show under `mkdocs serve`, but never in search: the index loses the page.
        ("a policy made a draft", edit(fifth, front(handbook, fifth, "status"), "status: draft"), "pages"),
        ("a record broken", edit(first, "status:", "status: [broken"), "failed"),
        ("the record mended", edit(first, "status: [broken", "status:"), "whole"),
        ("a policy deleted", f"from pathlib import Path\nPath({added!r}).unlink()\n", "whole"),
        (
            "a page in docs/ edited",
            "from pathlib import Path\np = Path('docs/index.md')\np.write_text(p.read_text() + '\\nEdited.\\n')\n",
            "whole",
        ),
    ]
    site, reference, logged = tmp_path / "site", tmp_path / "reference", tmp_path / "driver.log"
    with logged.open("w") as log, subprocess.Popen(
        [sys.executable, "-c", ENGINE_PRELUDE + DRIVER, str(site)], cwd=handbook, env=ENV, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
    ) as driver:  # fmt: skip
        assert driver.stdin is not None and driver.stdout is not None
        assert driver.stdout.readline().strip() == "ready", logged.read_text()
        for what, python, expected in steps:
            driver.stdin.write(json.dumps(python) + "\n")
            driver.stdin.flush()
            answer = driver.stdout.readline()
            assert answer, f"{what}: the driver stopped:\n{logged.read_text()}"
            done = json.loads(answer)
            assert done["seen"] == ("docs/" not in what), f"{what}: the records' watcher got it wrong"
            said = "\n".join(done["said"])
            rebuilt = [line for line in done["said"] if line.startswith("handbook: Rebuilt ")]
            if expected == "failed":
                assert done["outcome"].startswith("failed"), f"{what}: {done}"
                assert "Building the whole site: a record has errors" in said, said
                assert said.count(f"policies/{first}:") == 1, said  # the file and line, said once
                continue
            assert done["outcome"] == "built", f"{what}: {done}"
            if expected == "pages":
                assert rebuilt, f"{what}: the whole site was built:\n{said}"
                count, total = (int(n) for n in rebuilt[0].split()[2:5:2])
                assert 0 < count < total // 4, rebuilt
            else:
                assert not rebuilt, f"{what}: only pages were rebuilt:\n{said}"
            build = [sys.executable, "-c", ENGINE_PRELUDE + REFERENCE, str(reference)]
            subprocess.run(build, cwd=handbook, env=ENV, check=True, capture_output=True)
            assert differences(site, reference) == [], what
        driver.stdin.close()
