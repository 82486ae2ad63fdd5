"""A built handbook served on 127.0.0.1, and Debian's Chromium to look at it."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download does not work here: Debian's chromium, headless and quiet
# (no first-run, sync, component or background requests of its own).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).with_name("axe.min.js")


def build_site(root: Path, site_dir: Path, engine: str = "mkdocs") -> None:
    """`<engine> build --strict` of the handbook in `root` into `site_dir`; fails with the engine's output."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        [sys.executable, "-m", engine, "build", "--strict", "--site-dir", str(site_dir)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise AssertionError(f"{engine} build --strict failed:\n{done.stdout}\n{done.stderr}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm"}

    extra_headers: dict[str, str] = {}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()


@contextmanager
def serve(site_dir: Path, headers: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve `site_dir` on 127.0.0.1 on a free port, sending `headers` with every response;
    yields the base URL, stops on exit."""
    handler_class = type("_Handler", (_QuietHandler,), {"extra_headers": dict(headers or {})})
    handler = functools.partial(handler_class, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# What a copy of the handbook leaves out: the code, the tests, and anything built or installed.
_NOT_HANDBOOK = {
    ".git",
    ".venv",
    "site",
    "src",
    "tests",
    "test-artifacts",
    "build",
    "node_modules",
    ".pytest_cache",
    "__pycache__",
}


def copy_handbook(root: Path, target: Path) -> Path:
    """The handbook's own files (mkdocs.yml, docs/, policies/, decisions/, ...) copied to `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted(root.iterdir()):
        if source.name in _NOT_HANDBOOK or source.name.startswith("site.") or source.name.endswith(".egg-info"):
            continue
        if source.is_dir():
            shutil.copytree(source, target / source.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / source.name)
    return target
