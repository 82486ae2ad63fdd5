"""Every kind of page the handbook makes, in a real browser (Debian's Chromium, driven by
Playwright), in both colour schemes, on a desktop and on a phone: no serious accessibility
finding, no table that breaks a word, breadcrumbs or an active tab, and a screenshot of each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from browser.site import AXE, build_site, copy_handbook, serve
from conftest import OLD_POLICY, ROOT, TEST_ENGINE, Git, older_refunds

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
SCHEMES = {"light": "light", "dark": "dark"}
POLICY = "policies/refunds-and-returns/"
# One page of each kind the handbook makes (paths from the site's root; `None`: found in the site).
PAGES: dict[str, str | None] = {
    "home": "",
    "start-here": "start-here/",
    "register": "policies/",
    "policy": POLICY,
    "version": POLICY + "v3/",
    "history": POLICY + "history/",
    "decision-log": "decisions/",
    "decision": "decisions/0006-escalate-complaints-by-customer-impact-with-a-named-owner/",
    "health": "health/",
    "owners": "owners/",
    "owner": None,
    "feeds": "feeds/",
    "blog": "blog/",
    "post": "blog/2026/04/20/how-to-escalate-a-complaint-without-making-the-customer-start-again/",
}
# The pages the navigation lists: their tab is marked; every other page shows its breadcrumbs.
IN_NAV = {"home", "start-here", "register", "decision-log", "blog", "health", "feeds"}
# What each page's breadcrumbs end with, below the home page (its own title is the page's h1).
TRAIL = {
    "policy": ["Policies"],
    "version": ["Policies", "Refunds and returns"],
    "history": ["Policies", "Refunds and returns"],
    "decision": ["Decisions"],
    "owners": ["Health"],
    "owner": ["Health", "Owners"],
}
# Material's blog post shows no breadcrumbs (its template has none): a link back to the blog.
BACK_LINK = {"post": "blog/"}
# The tab each page's section has.
TAB = {
    "home": "Home", "start-here": "Start here", "register": "Policies", "policy": "Policies",
    "version": "Policies", "history": "Policies", "decision-log": "Decisions", "decision": "Decisions",
    "health": "Health", "owners": "Health", "owner": "Health", "feeds": "Feeds", "blog": "Blog", "post": "Blog",
}  # fmt: skip

# Each word of every table cell whose characters lie on more than one line: a word the table
# broke to fit. A line may end after a hyphen ("round-the-|clock"), never inside a date.
BROKEN_WORDS = r"""
() => {
  const broken = [];
  for (const cell of document.querySelectorAll('.md-content table td, .md-content table th')) {
    if (!cell.getClientRects().length) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\d{4}-\d\d-\d\d|[^\s-]+-?/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}
"""


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample handbook with the refunds policy committed at version 3 (in force from June
    2025), then at version 4 (from December 2026), built."""
    root = copy_handbook(ROOT, tmp_path_factory.mktemp("browser-pages") / "handbook")
    current = (root / OLD_POLICY).read_text(encoding="utf-8")
    older = older_refunds(current).replace("effective: 2026-03-01", "effective: 2025-06-01", 1)
    assert older != older_refunds(current), f"{OLD_POLICY} is no longer effective on 2026-03-01"
    git = Git(root)
    git.commit({OLD_POLICY: older}, "Refunds at version 3", date="2025-05-20T09:00:00+00:00")
    git.commit({OLD_POLICY: current}, "Refunds at version 4", date="2026-11-02T09:00:00+00:00")
    site = root.parent / "site"
    build_site(root, site, TEST_ENGINE)
    return site


@pytest.fixture(scope="module")
def pages(site_dir: Path) -> dict[str, str]:
    owner = sorted(site_dir.glob("owners/*/index.html"))[0]
    found = {name: path for name, path in PAGES.items() if path is not None}
    found["owner"] = owner.parent.relative_to(site_dir).as_posix() + "/"
    for name, path in found.items():
        assert (site_dir / path / "index.html").is_file(), f"no {name} page at /{path}"
    return found


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


def _context(browser: Any, size: str, scheme: str) -> Any:
    width, height = SIZES[size]
    phone = {"is_mobile": True, "has_touch": True} if size == "phone" else {}
    # axe-core goes in as an inline script: the site's Content-Security-Policy would refuse it.
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=SCHEMES[scheme], bypass_csp=True, **phone
    )
    context.set_default_timeout(10_000)
    return context


def _texts(page: Any, selector: str) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(selector).all_text_contents()]


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("name", list(PAGES))
def test_every_kind_of_page_looks_finished(
    browser: Any, base_url: str, pages: dict[str, str], name: str, scheme: str, size: str
) -> None:
    context = _context(browser, size, scheme)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base_url + pages[name])
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # Material's header and tabs settle (they fade in) before the screenshot
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{scheme}-{size}.png"), full_page=True)
        # Where the page sits: its section's tab marked (shown on a desktop), and below the
        # top of the navigation its breadcrumbs (Material's, `navigation.path`).
        assert _texts(page, ".md-tabs__item--active .md-tabs__link") == [TAB[name]]
        if size == "desktop":
            assert page.locator(".md-tabs__item--active").is_visible()
        trail = _texts(page, "nav.md-path .md-path__link")
        if name in BACK_LINK:
            assert trail == []
            back = page.locator(".md-post__back a").first.get_attribute("href")
            assert back is not None and urljoin(page.url, back) == base_url + BACK_LINK[name]
        elif name in IN_NAV:
            assert trail == [], f"/{pages[name]} is in the navigation: no breadcrumbs"
        else:
            assert trail == ["Home", *TRAIL[name]]
            assert page.locator("nav.md-path").is_visible()
        # Tables scroll sideways rather than break a word, and the page itself never does.
        assert page.evaluate(BROKEN_WORDS) == [], f"words broken in a table on /{pages[name]} ({size})"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))"
        )
        assert violations == [], f"axe-core on /{pages[name]} ({scheme}, {size}): {violations}"
    finally:
        context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def _axe(page: Any) -> list[Any]:
    page.add_script_tag(path=str(AXE))
    found: list[Any] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => ({id: v.id, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))"
    )
    return found


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_the_history_pages_compare_button_passes_contrast_when_focused(
    browser: Any, base_url: str, scheme: str
) -> None:
    context = _context(browser, "desktop", scheme)
    try:
        page = context.new_page()
        page.goto(base_url + POLICY + "history/")
        button = page.locator("form.hb-compare button[type=submit]")
        button.focus()  # as after a click: Material gives it the accent colour
        assert _axe(page) == []
    finally:
        context.close()


@pytest.mark.parametrize(
    ("day", "banner"),
    [
        (
            dt.datetime(2026, 11, 15, 12),
            "Version 4 comes into force on 2026-12-01. Until then, version 3 (effective 2025-06-01) is in force.",
        ),
        (dt.datetime(2026, 12, 1, 12), None),
    ],
)
@pytest.mark.parametrize("path", [POLICY, POLICY + "v4/"])
def test_a_version_still_to_come_names_the_version_in_force(
    browser: Any, base_url: str, path: str, day: dt.datetime, banner: str | None
) -> None:
    """Decided in the reader's browser, against the reader's day, like the overdue banners."""
    context = _context(browser, "desktop", "light")
    try:
        page = context.new_page()
        page.clock.set_fixed_time(day)
        page.goto(base_url + path)
        shown = page.locator(".hb-coming-banner")
        if banner is None:
            assert shown.count() == 0
            return
        assert " ".join(shown.locator("p").last.text_content().split()) == banner
        assert shown.locator(".admonition-title").text_content() == "Coming into force on 2026-12-01"
        shown.get_by_role("link", name="version 3").click()
        page.wait_for_url(base_url + POLICY + "v3/")
    finally:
        context.close()


def test_a_printed_policy_shows_its_address_version_and_the_day(browser: Any, base_url: str) -> None:
    context = _context(browser, "desktop", "light")
    try:
        page = context.new_page()
        page.clock.set_fixed_time(dt.datetime(2026, 12, 3, 9))
        page.goto(base_url + POLICY)
        line = page.locator(".hb-print-info")
        assert not line.is_visible()  # on screen, the page says it already
        page.emulate_media(media="print")
        assert line.is_visible()
        assert line.text_content() == f"Printed on 2026-12-03 from {base_url}{POLICY} (version 4)."
        assert not page.locator(".md-header").is_visible()
        page.pdf(path=str(SCREENSHOTS / "policy-printed.pdf"))
    finally:
        context.close()


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_a_missing_page_offers_search_and_the_registers(
    browser: Any, base_url: str, site_dir: Path, scheme: str
) -> None:
    context = _context(browser, "phone" if scheme == "dark" else "desktop", scheme)
    try:
        page = context.new_page()
        missing = base_url + "policies/refunds-and-returnz/"
        # As a web server answers an address the site lacks: its 404.html, status 404.
        page.route(missing, lambda route: route.fulfill(status=404, path=str(site_dir / "404.html")))
        response = page.goto(missing)
        assert response is not None and response.status == 404
        assert page.locator("h1").first.text_content() == "Page not found"
        links = page.locator(".hb-not-found__links a")
        hrefs = [urljoin(missing, h) for h in links.evaluate_all("as => as.map(a => a.getAttribute('href'))")]
        assert hrefs == [base_url + p for p in ("policies/", "decisions/", "start-here/", "feeds/", "")]
        box = page.locator("#hb-not-found-query")
        assert box.input_value() == "refunds and returnz"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"not-found-{scheme}.png"), full_page=True)
        assert _axe(page) == []
        box.fill("refunds")
        box.press("Enter")
        results = page.locator("#hb-search-results a.md-search-result__link")
        results.first.wait_for()
        hrefs = results.evaluate_all("as => as.map(a => a.href)")
        assert base_url + POLICY in hrefs
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "table", "column", "cell"),
    [
        ("decisions/", "table.hb-decision-log", "Date", "td:nth-child(4) time"),
        ("policies/", "table.hb-policy-register", "Next review", "td:nth-child(6) time"),
        ("policies/", "table.hb-policy-register", "Policy", "td:nth-child(1)"),
    ],
)
def test_register_columns_sort_both_ways(
    browser: Any, base_url: str, path: str, table: str, column: str, cell: str
) -> None:
    context = _context(browser, "desktop", "light")
    try:
        page = context.new_page()
        page.goto(base_url + path)
        first = page.locator(table).first
        header = first.locator("th", has_text=column)
        button = header.get_by_role("button", name=column)
        values = lambda: [  # noqa: E731 - read again after each sort
            " ".join(t.split()) for t in first.locator(f"tbody tr {cell}").all_text_contents()
        ]
        before = values()
        assert len(before) > 2 and header.get_attribute("aria-sort") == "none"
        button.click()
        assert header.get_attribute("aria-sort") == "ascending"
        ascending = sorted(before, key=str.lower)
        assert values() == ascending
        button.focus()
        page.keyboard.press("Enter")
        assert header.get_attribute("aria-sort") == "descending"
        assert values() == ascending[::-1]
    finally:
        context.close()
