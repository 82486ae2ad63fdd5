"""Bytes a browser downloads before its first search result, and how long that first search takes.

    .venv/bin/python tests/browser/measure.py SITE_DIR QUERY [QUERY ...] [--repeat N]

Serves SITE_DIR on 127.0.0.1, opens the home page in Debian's Chromium with an empty cache,
types each query into the header's search box (a fresh browser context for each) and counts
the bytes of every response: those of the page itself, then those the search needed until the
first result showed. The server sends files as they are (no HTTP compression), so these are
the files' sizes; Pagefind's index chunks and wasm are gzip files already.

It also times, in this process, the milliseconds from typing the query (just before it is
filled in) to the first result `#hb-search-results li` being visible. That is a cold first
search: a fresh context has yet to download Pagefind's wasm and index, and the time includes
the search box's debounce. Each query is measured in --repeat fresh contexts (default 3): the
median time is printed, with the bytes of the first run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from browser.site import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

FIRST_RESULT = "#hb-search-results li"
# Checked in the page on every animation frame. Playwright's own wait_for polls from outside,
# 500 ms apart once the first ~300 ms have gone by: far too coarse for this.
FIRST_RESULT_SHOWN = f"""() => {{
    const item = document.querySelector({FIRST_RESULT!r});
    if (!item) return false;
    const box = item.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && item.checkVisibility({{visibilityProperty: true}});
}}"""


@dataclass
class Measurement:
    query: str
    page_bytes: int = 0
    search_bytes: int = 0
    results: int = 0
    first_result_ms: float = 0.0
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
        started = time.perf_counter()
        page.locator("#hb-search-input").fill(query)
        page.wait_for_function(FIRST_RESULT_SHOWN, polling="raf", timeout=60_000)
        result.first_result_ms = (time.perf_counter() - started) * 1000
        page.locator(FIRST_RESULT).first.wait_for(state="visible", timeout=5_000)  # Playwright agrees
        page.locator("#hb-search-status").filter(has_text="result").wait_for(timeout=60_000)
        # The first result is on screen once its fragment has arrived.
        result.results = page.locator(FIRST_RESULT).count()
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
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help="fresh browser contexts per query; the median time is printed (default 3)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    from playwright.sync_api import sync_playwright

    with serve(args.site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for query in args.queries:
                runs = [measure(browser, base_url, query) for _ in range(args.repeat)]
                m = runs[0]
                ms = statistics.median(run.first_result_ms for run in runs)
                print(
                    f"{query!r}: {m.results} results shown; page {m.page_bytes:,} B"
                    f" + search {m.search_bytes:,} B = {m.total:,} B before the first result,"
                    f" first result in {ms:.0f} ms"
                    f" (median of {len(runs)}: {', '.join(f'{run.first_result_ms:.0f}' for run in runs)} ms)"
                )
                if args.files:
                    for name, size in m.search_files:
                        print(f"    {size:>9,}  {name}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
