"""The reader's pages in a real browser (Debian's Chromium, driven by Playwright): a comparison
opened by its address, the register's review marks and filters, Start here's acknowledgements,
and search ranking by title. Screenshots go to test-artifacts/screenshots/reader-*.png."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from browser.site import build_site, copy_handbook, serve
from conftest import OLD_POLICY, ROOT, TEST_ENGINE, Git, older_refunds

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
HISTORY = "policies/refunds-and-returns/history/"
REGISTER = "policies/"
START_HERE = "start-here/"
POLICY = "policies/complaint-escalation/"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# For each policy in force in the sample handbook, a word of its title that no other policy's
# title has: typed into the search box, it must find that policy first (above decisions and posts
# whose titles have the word too, such as "Offer round-the-clock live chat" or "Set refund limits").
DISTINCTIVE = {
    "closing-the-feedback-loop": "feedback",
    "commitments-and-authority-limits": "commitments",
    "complaint-escalation": "complaint",
    "customer-data-access": "data",
    "handling-abusive-customers": "abusive",
    "out-of-hours-cover": "cover",
    "policies-live-in-the-handbook": "live",
    "refunds-and-returns": "refunds",
    "response-time-targets": "targets",
}


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample handbook, the refunds policy committed at version 3 then 4, built."""
    root = copy_handbook(ROOT, tmp_path_factory.mktemp("reader") / "handbook")
    current = (root / OLD_POLICY).read_text(encoding="utf-8")
    git = Git(root)
    git.commit({OLD_POLICY: older_refunds(current)}, "Refunds at version 3", date="2026-01-05T09:00:00+00:00")
    git.commit({OLD_POLICY: current}, "Refunds and returns, version 4", date="2026-03-02T09:00:00+00:00")
    site = root.parent / "site"
    build_site(root, site, TEST_ENGINE)
    return site


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def _screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"reader-{name}.png"), full_page=True)


def _query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


# -- 4. compare two versions, by address ---------------------------------------------------


@pytest.mark.engine
def test_a_comparison_opened_by_its_address_shows_rendered_text(page: Any, base_url: str) -> None:
    page.goto(base_url + HISTORY + "?compare=3..4")
    result = page.locator(".hb-compare-result .hb-compare-rendered")
    result.wait_for()
    assert page.locator("form.hb-compare select[name=from]").input_value() == "3"
    assert page.locator("form.hb-compare select[name=to]").input_value() == "4"
    text = result.inner_text()
    # Rendered, not Markdown: no heading marks or emphasis stars; headings shown bold, lists as lists.
    assert "## " not in text and "**" not in text
    headings = result.locator("strong.hb-diff-heading").all_inner_texts()
    assert "Purpose" in headings
    assert result.locator("li").count() > 0
    # Version 3 paid refunds in **7 working days**, version 4 in **5**: marked word by word, still bold.
    assert "7" in result.locator("strong del").all_inner_texts()
    assert "5" in result.locator("strong ins").all_inner_texts()
    heading = page.locator(".hb-compare-heading").inner_text()
    assert heading.startswith("Version 3 to version 4: ")
    # Links in the texts still lead where they led on the version's page.
    hrefs = result.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
    assert hrefs and all(h.startswith(base_url) for h in hrefs)
    assert any(h.endswith("/policies/commitments-and-authority-limits/") for h in hrefs)
    _screenshot(page, "history-compare")


def test_comparing_puts_the_two_versions_in_the_address(page: Any, base_url: str) -> None:
    page.goto(base_url + HISTORY)
    page.locator("form.hb-compare select[name=from]").select_option("4")
    page.locator("form.hb-compare select[name=to]").select_option("3")
    page.locator("form.hb-compare button[type=submit]").click()
    page.locator(".hb-compare-rendered").wait_for()
    assert _query(page) == {"compare": ["3..4"]}
    shown = page.locator(".hb-compare-result").inner_text()
    # The same address opened afresh shows the same comparison.
    page.goto(page.url)
    page.locator(".hb-compare-rendered").wait_for()
    assert page.locator(".hb-compare-result").inner_text() == shown


# -- 5. the register -----------------------------------------------------------------------


def _in_force(site_dir: Path) -> list[dict[str, Any]]:
    data = json.loads((site_dir / "policies" / "register.json").read_text(encoding="utf-8"))
    return [p for p in data["policies"] if p["status"] == "active"]


def test_the_register_marks_reviews_overdue_and_due_soon_on_the_readers_day(
    browser: Any, base_url: str, site_dir: Path
) -> None:
    policies = _in_force(site_dir)
    first_due = min(dt.date.fromisoformat(p["review_due"]) for p in policies)
    today = first_due + dt.timedelta(days=1)
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime.combine(today, dt.time(12, 0)))
    page.goto(base_url + REGISTER)
    page.locator(".hb-register-due:not([hidden])").wait_for()
    marks = page.eval_on_selector_all(
        "table.hb-policy-register tbody tr[data-review-due]",
        "rows => rows.map(r => [r.querySelector('a').getAttribute('href'), r.dataset.review || ''])",
    )
    expected = []
    for p in sorted(policies, key=lambda p: p["title"].lower()):
        left = (dt.date.fromisoformat(p["review_due"]) - today).days
        expected.append([f"{p['id']}/", "overdue" if left < 0 else "due-soon" if left <= 30 else ""])
    assert sorted(marks) == sorted(expected)
    assert any(state == "overdue" for _, state in marks)
    overdue_row = page.locator("table.hb-policy-register tr.hb-row--overdue").first
    assert re.fullmatch(r"overdue by \d+ days?", overdue_row.locator(".hb-review-state").inner_text())
    summary = page.locator(".hb-register-due").inner_text()
    assert summary.startswith(f"Today ({today.isoformat()}): ")
    context.close()


def test_register_filters_show_names_and_live_in_the_address(page: Any, base_url: str, site_dir: Path) -> None:
    policies = _in_force(site_dir)
    owner = sorted(policies, key=lambda p: p["owner"])[0]
    page.goto(base_url + REGISTER)
    owners = page.locator(".hb-filters select[data-field=owner] option").evaluate_all(
        "os => os.map(o => [o.value, o.textContent])"
    )
    names = {p["owner"]: p["owner_name"] for p in policies}
    assert {value: text for value, text in owners if value} == names
    audiences = page.locator(".hb-filters select[data-field=audience] option").all_inner_texts()
    assert "Support leads" in audiences and "support-leads" not in audiences
    page.locator(".hb-filters select[data-field=owner]").select_option(owner["owner"])
    assert _query(page) == {"owner": [owner["owner"]]}
    visible = page.eval_on_selector_all(
        "table.hb-policy-register tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.owner)"
    )
    assert visible and set(visible) == {owner["owner"]}
    # The filtered register's address opens filtered.
    page.goto(page.url)
    assert page.locator(".hb-filters select[data-field=owner]").input_value() == owner["owner"]
    hidden = page.eval_on_selector_all("table.hb-policy-register tbody tr", "rows => rows.map(r => r.hidden)")
    assert sum(not h for h in hidden) == len(visible)
    _screenshot(page, "register-filtered")


# -- 7. confirm you have read it -----------------------------------------------------------


@pytest.mark.engine
def test_start_here_shows_the_readers_acknowledgements_and_the_commands_to_add(
    page: Any, base_url: str, site_dir: Path
) -> None:
    acks = json.loads((site_dir / "acknowledgements" / "acknowledged.json").read_text(encoding="utf-8"))
    person = "spatel"
    page.goto(base_url + START_HERE)
    box = page.locator(".hb-acks")
    box.wait_for()
    assert "handbook ack" in page.locator(".hb-acks__about").inner_text()
    page.locator("#hb-acks-who").fill(person)
    page.locator("#hb-acks-who").dispatch_event("change")
    marks = page.eval_on_selector_all(
        ".hb-checklist[data-checklist=start-here] .hb-ack[data-ack]",
        "ms => ms.map(m => [m.dataset.ack, m.textContent])",
    )
    assert marks
    missing = []
    for policy_id, text in marks:
        done = acks["people"][person]["acknowledged"].get(policy_id)
        wanted = acks["policies"][policy_id]["version"]
        if done is not None and done >= wanted:
            assert text == f"confirmed (version {done})"
        else:
            missing.append(policy_id)
            assert text in ("not confirmed yet", f"version {done} confirmed: please confirm version {wanted}")
    assert missing, "spatel has not confirmed every policy of the sample"
    commands = page.locator(".hb-acks__commands").inner_text().strip().split("\n")
    assert commands == [f"handbook ack {policy_id} --as {person}" for policy_id in missing]
    _screenshot(page, "start-here-acks")
    # The id is kept in this browser: the next visit shows the same.
    page.reload()
    page.locator(".hb-acks:not([hidden])").wait_for()
    assert page.locator("#hb-acks-who").input_value() == person
    assert page.locator(".hb-acks__commands").inner_text().strip().split("\n") == commands


# -- 9. search ranking -------------------------------------------------------------------


def _search(page: Any, term: str) -> list[str]:
    page.keyboard.press("/")
    page.locator("#hb-search-input").fill(term)
    page.locator("#hb-search-status").filter(has_text=re.compile(r"result")).wait_for()
    return page.eval_on_selector_all(
        "#hb-search-results a.md-search-result__link", "as => as.map(a => new URL(a.href).pathname)"
    )


def test_every_distinctive_title_word_is_the_only_one_among_policy_titles(site_dir: Path) -> None:
    titles = {p["id"]: p["title"].lower() for p in _in_force(site_dir)}
    retired = json.loads((site_dir / "policies" / "register.json").read_text(encoding="utf-8"))["policies"]
    everyone = {p["id"]: p["title"].lower() for p in retired}
    assert set(DISTINCTIVE) == set(titles), "the table must hold every policy in force"
    for policy_id, word in DISTINCTIVE.items():
        holders = [i for i, t in everyone.items() if re.search(rf"\b{word}", t)]
        assert holders == [policy_id], (word, holders)


@pytest.mark.parametrize(("policy_id", "word"), sorted(DISTINCTIVE.items()))
def test_a_policys_distinctive_title_word_finds_it_first(page: Any, base_url: str, policy_id: str, word: str) -> None:
    page.goto(base_url)
    found = _search(page, word)
    assert found and found[0] == f"/policies/{policy_id}/", found[:5]


# -- 6, 8: the policy page, and screenshots of what changed -------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots_of_the_readers_pages(browser: Any, base_url: str, scheme: str, size: str) -> None:
    viewport = DESKTOP if size == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, color_scheme=scheme, is_mobile=size == "phone")
    page = context.new_page()
    for name, path, ready in (
        ("policy", POLICY, ".hb-watch"),
        ("history", HISTORY + "?compare=3..4", ".hb-compare-rendered"),
        ("register", REGISTER, ".hb-register-due:not([hidden])"),
        ("start-here", START_HERE, ".hb-acks:not([hidden])"),
    ):
        page.goto(base_url + path)
        page.locator(ready).first.wait_for()
        _screenshot(page, f"{name}-{scheme}-{size}")
    watch = page.goto(base_url + POLICY)
    assert watch is not None
    link = page.get_by_role("link", name="Watch this policy")
    assert link.is_visible()
    context.close()
