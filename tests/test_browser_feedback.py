"""Customer feedback in a real browser (Debian's Chromium, driven by Playwright, as
test_browser.py): the "You said, we did" register, a record's page and the customer page, in
both colour schemes, on a desktop and a phone; ages and late tellings worked out for the
reader's day; no serious or critical accessibility violation (axe-core, local copy). The
browser is conftest's, shared with test_browser.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.site import AXE, build_site, serve
from conftest import ROOT, TEST_ENGINE
from feedbacksite import PUBLIC, RECORD, REGISTER, write_feedback_handbook

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = {REGISTER: "register", RECORD: "record", PUBLIC: "customer-page"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feedback-browser") / "handbook"
    root.mkdir()
    write_feedback_handbook(root)
    site = root.parent / "site"
    build_site(root, site, TEST_ENGINE)
    return site


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


def _screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"feedback-{name}.png"), full_page=True)


def _open(browser: Any, url: str, *, scheme: str, phone: bool, today: str = "2026-09-01") -> tuple[Any, Any, list[str]]:
    """A page at `url` on the reader's day `today` (the browser's clock), with its script errors."""
    size = PHONE if phone else DESKTOP
    more = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if phone else {}
    # axe-core goes in as an inline script: the Content-Security-Policy would refuse it.
    context = browser.new_context(viewport=size, color_scheme=scheme, bypass_csp=True, **more)
    page = context.new_page()
    page.clock.set_fixed_time(f"{today}T12:00:00")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return context, page, errors


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", list(PAGES))
def test_no_serious_accessibility_violations(browser: Any, base_url: str, path: str, scheme: str, phone: bool) -> None:
    context, page, errors = _open(browser, base_url + path, scheme=scheme, phone=phone)
    try:
        _screenshot(page, f"{PAGES[path]}-{scheme}{'-phone' if phone else ''}")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))"
        )
        assert violations == [], f"axe-core on /{path} ({scheme}, {'phone' if phone else 'desktop'}): {violations}"
        # Nothing wider than the screen: a phone scrolls down, never sideways (tables scroll in their box).
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"/{path} is {overflow}px wider than the screen"
        assert errors == []
    finally:
        context.close()


def test_the_register_works_out_ages_and_late_tellings_for_the_readers_day(browser: Any, base_url: str) -> None:
    context, page, errors = _open(browser, base_url + REGISTER, scheme="light", phone=False)
    try:
        row = page.locator("table.hb-feedback-register tr", has_text="The price was shown twice")
        # Changed on 2026-07-22, customers to be told within 30 days: late on 2026-09-01.
        assert row.locator(".hb-feedback-state").text_content() == "11 days late"
        assert "hb-row--overdue" in (row.get_attribute("class") or "")
        slow = page.locator("table.hb-feedback-register tr", has_text="Refunds take too long")
        assert slow.locator(".hb-age").text_content() == "(43 days ago)"
        # The theme filter keeps a theme of two words whole.
        theme = page.locator(".hb-filters select[data-field=theme]")
        assert theme.locator("option").all_text_contents() == ["All", "billing", "delivery", "website"]
        theme.select_option("delivery")
        shown = page.locator("table.hb-feedback-register tbody tr:not([hidden])")
        assert sorted(shown.locator("td:first-child").all_text_contents()) == [
            "Please offer gift wrapping",
            "The courier came after the promised slot",
        ]
        assert errors == []
    finally:
        context.close()


def test_a_record_page_shows_the_late_telling_as_a_banner(browser: Any, base_url: str) -> None:
    context, page, errors = _open(browser, base_url + "feedback/price-shown-twice/", scheme="light", phone=False)
    try:
        banner = page.locator(".hb-overdue")
        assert banner.locator(".admonition-title").text_content() == "Customers not told"
        assert "by 2026-08-21, 11 days ago" in (banner.text_content() or "")
        assert errors == []
    finally:
        context.close()
    context, page, errors = _open(
        browser, base_url + "feedback/price-shown-twice/", scheme="light", phone=False, today="2026-08-01"
    )
    try:
        assert page.locator(".hb-overdue").count() == 0
    finally:
        context.close()


def test_the_customer_page_requests_nothing_but_itself(browser: Any, base_url: str) -> None:
    requested: list[str] = []
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.goto(base_url + PUBLIC)
        assert requested == [base_url + PUBLIC]
        assert page.locator("h2").all_text_contents() == [
            "Could not find the returns form on the app",
            "Please offer gift wrapping",
        ]
    finally:
        context.close()
