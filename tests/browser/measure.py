"""Bytes a browser downloads before its first search result, on a built handbook site.

    .venv/bin/python tests/browser/measure.py SITE_DIR QUERY [QUERY ...]

Serves SITE_DIR on 127.0.0.1, opens the home page in Debian's Chromium with an empty cache,
types each query into the header's search box (a fresh browser context for each) and counts
the bytes of every response: those of the page itself, then those the search needed until the
first result showed. The server sends files as they are (no HTTP compression), so these are
the files' sizes; Pagefind's index chunks and wasm are gzip files already.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from browser.site import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402


@dataclass
class Measurement:
    query: str
    page_bytes: int = 0
    search_bytes: int = 0
    results: int = 0
    search_files: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.page_bytes + self.search_bytes


def measure(browser: Any, base_url: str, query: str) -> Measurement:
    """Load the home page, search for `query`, and count what was downloaded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sizes: list[tuple[str, int]] = []

    def finished(request: Any) -> None:
        response = request.response()
        if response is not None:
            # A worker's script reports no body size: the server's Content-Length says it.
            length = response.headers.get("content-length")
            sizes.append(
                (request.url[len(base_url) - 1 :], int(length) if length else int(request.sizes()["responseBodySize"]))
            )

    page.on("requestfinished", finished)
    try:
        page.goto(base_url, wait_until="load")
        page.wait_for_timeout(500)
        result = Measurement(query, page_bytes=sum(size for _, size in sizes))
        before = len(sizes)
        page.keyboard.press("/")
        page.locator("#hb-search-input").fill(query)
        page.locator("#hb-search-status").filter(has_text="result").wait_for(timeout=60_000)
        # The first result is on screen once its fragment has arrived.
        result.results = page.locator("#hb-search-results li").count()
        result.search_files = sizes[before:]
        result.search_bytes = sum(size for _, size in result.search_files)
        return result
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("queries", nargs="+")
    parser.add_argument("--files", action="store_true", help="list each file the search downloaded")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with serve(args.site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for query in args.queries:
                m = measure(browser, base_url, query)
                print(
                    f"{query!r}: {m.results} results shown; page {m.page_bytes:,} B"
                    f" + search {m.search_bytes:,} B = {m.total:,} B before the first result"
                )
                if args.files:
                    for name, size in m.search_files:
                        print(f"    {size:>9,}  {name}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
