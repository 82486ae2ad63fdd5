"""The sample handbook in a real browser (Debian's Chromium, driven by Playwright): search,
the Start here checklist, superseded records, version diffs, requests, accessibility, phones."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from browser.site import AXE, build_site, copy_handbook, serve
from conftest import OLD_POLICY, ROOT, TEST_ENGINE, Git, older_refunds
from handbook.search.index import indexed_documents

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# One page of each kind in the sample handbook (paths from the site's root).
HOME = ""
START_HERE = "start-here/"
POLICY_REGISTER = "policies/"
DECISION_LOG = "decisions/"
POLICY = "policies/complaint-escalation/"
RETIRED_POLICY = "policies/escalation-matrix/"
DECISION = "decisions/0006-escalate-complaints-by-customer-impact-with-a-named-owner/"
SUPERSEDED_DECISION = "decisions/0002-route-escalations-through-a-shared-team-leads-inbox/"
SUCCESSOR_DECISION = "decisions/0004-route-escalations-with-a-severity-matrix/"
BLOG = "blog/"
POST = "blog/2026/04/20/how-to-escalate-a-complaint-without-making-the-customer-start-again/"
READING_LIST = "reading/support/"
FEEDS = "feeds/"
DRAFT_WORD = "zanzibarquux"


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample handbook, as committed in two steps (version 2, then 3, of one policy), built."""
    root = copy_handbook(ROOT, tmp_path_factory.mktemp("browser") / "handbook")
    current = (root / OLD_POLICY).read_text(encoding="utf-8")
    git = Git(root)
    # An earlier version of one policy, so that the site has a version page with a diff.
    git.commit(
        {OLD_POLICY: older_refunds(current)}, "The handbook, refunds at version 2", date="2026-01-05T09:00:00+00:00"
    )
    git.commit({OLD_POLICY: current}, "Refunds and returns, version 3", date="2026-03-02T09:00:00+00:00")
    site = root.parent / "site"
    build_site(root, site, TEST_ENGINE)
    return site


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], f"JavaScript errors: {errors}"


def _screenshot(page: Any, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def _search(page: Any, term: str) -> list[dict[str, str]]:
    """Type `term` into the header's search box (opened with "/") and return the results shown."""
    page.keyboard.press("/")
    box = page.locator("#hb-search-input")
    assert box.evaluate("el => el === document.activeElement"), "'/' did not focus the search box"
    box.fill(term)
    status = page.locator("#hb-search-status")
    status.filter(has_text=re.compile(r"result")).wait_for()
    return page.eval_on_selector_all(
        "#hb-search-results a.md-search-result__link",
        """links => links.map(a => ({
            href: a.getAttribute('href'),
            title: a.querySelector('h1').textContent,
            kind: a.querySelector('.hb-result__kind').textContent,
            status: (a.querySelector('.hb-status') || {}).textContent || '',
        }))""",
    )


def _path(href: str) -> str:
    return urlsplit(href).path.lstrip("/")


# -- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [("bereavement", POLICY), ("furniture", "policies/refunds-and-returns/")],
)
def test_a_policys_distinctive_word_finds_that_policy_first(page: Any, base_url: str, word: str, expected: str) -> None:
    page.goto(base_url)
    results = _search(page, word)
    assert results, f"no result for {word!r}"
    assert _path(results[0]["href"]) == expected
    assert results[0]["kind"] == "Policy" and results[0]["status"] == "active"


def test_a_drafts_word_finds_nothing(page: Any, base_url: str, site_dir: Path) -> None:
    page.goto(base_url + POLICY)
    assert _search(page, DRAFT_WORD) == []
    assert page.locator("#hb-search-status").text_content() == f"No results for \u201c{DRAFT_WORD}\u201d"
    assert not (site_dir / "policies" / "goodwill-gestures").exists()


def test_records_no_longer_in_force_rank_below_current_ones(page: Any, base_url: str) -> None:
    page.goto(base_url)
    results = _search(page, "escalation matrix")
    paths = [_path(r["href"]) for r in results]
    # The retired policy's title matches both words, yet what is in force comes first.
    assert RETIRED_POLICY in paths and POLICY in paths
    assert paths.index(POLICY) < paths.index(RETIRED_POLICY)
    archived = [i for i, r in enumerate(results) if r["status"] in ("retired", "superseded", "rejected", "deprecated")]
    current = [i for i, r in enumerate(results) if r["status"] in ("active", "accepted", "proposed")]
    assert archived and current and max(current) < min(archived), results
    _screenshot(page, "search-results", full_page=False)


def test_version_history_registers_and_drafts_are_never_indexed(site_dir: Path) -> None:
    assert (site_dir / "policies" / "refunds-and-returns" / "v3" / "index.html").is_file()
    urls = [str(d["url"]) for d in indexed_documents(site_dir / "pagefind")]
    assert "/policies/refunds-and-returns/" in urls
    never = re.compile(r"/v\d+/$|/history/$|^/(policies|decisions|reading|start-here)/$|goodwill")
    unwanted = [u for u in urls if never.search(u)]
    assert unwanted == []


def test_search_filters_by_kind_and_status(page: Any, base_url: str) -> None:
    page.goto(base_url)
    _search(page, "escalation")
    page.locator(".hb-search-filters > summary").click()
    kind = page.locator(".hb-search-filters select[name=kind]")
    kind.wait_for()
    assert set(page.locator(".hb-search-filters select").evaluate_all("els => els.map(e => e.name)")) == {
        "kind",
        "status",
        "audience",
        "owner",
    }
    kind.select_option("Decision")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#hb-search-results .hb-result__kind')]"
        ".every(k => k.textContent === 'Decision')"
    )
    page.locator(".hb-search-filters select[name=status]").select_option("superseded")
    page.wait_for_function(
        "() => { const s = [...document.querySelectorAll('#hb-search-results .hb-status')];"
        " return s.length > 0 && s.every(k => k.textContent === 'superseded'); }"
    )
    hrefs = page.eval_on_selector_all("#hb-search-results a", "as => as.map(a => a.getAttribute('href'))")
    assert {_path(h) for h in hrefs} == {SUPERSEDED_DECISION, SUCCESSOR_DECISION}


@pytest.mark.engine
def test_search_result_opens_with_the_keyboard(page: Any, base_url: str) -> None:
    page.goto(base_url + DECISION_LOG)
    _search(page, "bereavement")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(base_url + POLICY)
    page.keyboard.press("/")
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()


def test_no_page_loads_the_lunr_search(page: Any, base_url: str, site_dir: Path) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(base_url)
    _search(page, "refund")
    assert not [url for url in requested if "search_index" in url or "/workers/search" in url or "lunr" in url]
    assert not (site_dir / "search" / "search_index.json").exists()


# -- reading ---------------------------------------------------------------------------------


def test_start_here_checklist_keeps_a_tick_across_a_reload(page: Any, base_url: str) -> None:
    page.goto(base_url + START_HERE)
    boxes = page.locator(".hb-checklist input.hb-check")
    total = boxes.count()
    assert total >= 3
    progress = page.locator(".hb-checklist__progress")
    assert progress.text_content() == f"0 of {total} read."
    boxes.nth(1).check()
    assert progress.text_content() == f"1 of {total} read."
    page.reload()
    boxes = page.locator(".hb-checklist input.hb-check")
    assert boxes.nth(1).is_checked() and not boxes.nth(0).is_checked()
    assert page.locator(".hb-checklist__progress").text_content() == f"1 of {total} read."
    _screenshot(page, "start-here")
    # The same policy's tick shows on a role's reading list too; "Clear my ticks" clears it.
    key = boxes.nth(1).get_attribute("data-key")
    page.goto(base_url + READING_LIST)
    assert page.locator(f'input.hb-check[data-key="{key}"]').is_checked()
    page.locator("[data-hb-clear]").click()
    page.reload()
    assert not page.locator(f'input.hb-check[data-key="{key}"]').is_checked()


@pytest.mark.engine
def test_home_page_shows_what_changed_and_how_to_subscribe(page: Any, base_url: str) -> None:
    page.goto(base_url)
    changes = page.locator(".hb-changes")
    for heading in ("What changed recently", "New policy versions", "Decisions", "Posts"):
        assert changes.get_by_role("heading", name=heading).is_visible()
    assert changes.locator("a[href='feeds/all.xml']").is_visible()
    first_policy = changes.locator("ul").first.locator("li").first
    first_policy.locator("a").first.click()
    # is_visible() does not wait: the click's page load may not have come yet.
    page.locator(".hb-record.hb-policy").wait_for(state="visible")
    page.go_back()
    _screenshot(page, "home")


# -- records ---------------------------------------------------------------------------------


def test_superseded_decision_shows_its_banner_and_links_to_its_successor(page: Any, base_url: str) -> None:
    page.goto(base_url + SUPERSEDED_DECISION)
    banner = page.locator(".hb-banner.hb-superseded")
    assert banner.is_visible()
    assert "superseded" in banner.text_content().lower()
    _screenshot(page, "decision-superseded")
    banner.locator("a").click()
    page.wait_for_url(base_url + SUCCESSOR_DECISION)
    assert page.locator("h1").first.text_content().startswith("Route escalations with a severity matrix")


@pytest.mark.engine
def test_policy_version_page_shows_the_diff(page: Any, base_url: str, site_dir: Path) -> None:
    path = "policies/refunds-and-returns/v3/"
    assert (site_dir / path / "index.html").is_file(), f"no version page {path} in the built site"
    response = page.goto(base_url + path)
    assert response is not None and response.status == 200
    diff = page.locator(".hb-diff")
    assert "7" in " ".join(diff.locator("del").all_text_contents())
    assert "5" in " ".join(diff.locator("ins").all_text_contents())
    for tag in ("ins", "del"):
        element = diff.locator(tag).first
        assert element.is_visible(), f"<{tag}> is not visible on {path}"
        style = element.evaluate(
            "e => { const s = getComputedStyle(e); return [s.textDecorationLine, s.backgroundColor]; }"
        )
        assert style[0] != "none" or style[1] not in ("rgba(0, 0, 0, 0)", "transparent"), (
            f"<{tag}> looks like plain text on {path}"
        )
    _screenshot(page, "policy-version-diff")


def test_pages_request_nothing_from_any_other_host(page: Any, base_url: str, site_dir: Path) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    paths = [
        HOME,
        START_HERE,
        READING_LIST,
        POLICY_REGISTER,
        POLICY,
        RETIRED_POLICY,
        DECISION_LOG,
        DECISION,
        SUPERSEDED_DECISION,
        BLOG,
        POST,
        FEEDS,
        "404.html",
    ]
    paths += [
        p.parent.relative_to(site_dir).as_posix() + "/"
        for p in sorted(site_dir.glob("policies/*/v[0-9]*/index.html"))[:1]
    ]
    paths += [
        p.parent.relative_to(site_dir).as_posix() + "/"
        for p in sorted(site_dir.glob("policies/*/history/index.html"))[:1]
    ]
    for path in paths:
        page.goto(base_url + path)
        # Scripts request things after load too (Material reads sitemaps, for one): let them.
        page.wait_for_timeout(300)
    page.goto(base_url)
    _search(page, "refund")
    page.wait_for_timeout(300)
    local = urlsplit(base_url).netloc
    elsewhere = sorted(
        {
            url
            for url in requested
            if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != local
        }
    )
    assert elsewhere == [], f"requests to other hosts: {elsewhere}"


# -- Content-Security-Policy -----------------------------------------------------------------

# Every violation a page reports, kept where the test can read it (an init script: no CSP applies).
_RECORD_VIOLATIONS = """
window.__hbViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var where = (e.sourceFile || "") + ":" + e.lineNumber;
  window.__hbViolations.push(e.violatedDirective + " " + e.blockedURI + " " + where);
});
"""


def _every_kind_of_page(site_dir: Path) -> list[str]:
    first = lambda pattern: next(  # noqa: E731 - a one-line helper for the list below
        p.parent.relative_to(site_dir).as_posix() + "/" for p in sorted(site_dir.glob(pattern))
    )
    return [
        HOME, START_HERE, POLICY_REGISTER, POLICY, RETIRED_POLICY, first("policies/*/v[0-9]*/index.html"),
        first("policies/*/history/index.html"), DECISION_LOG, DECISION, SUPERSEDED_DECISION, "health/",
        "owners/", first("owners/*/index.html"), READING_LIST, FEEDS, BLOG, POST, "404.html",
    ]  # fmt: skip


@pytest.mark.parametrize("delivery", ["meta tag", "header"])
def test_no_page_breaks_its_content_security_policy(browser: Any, site_dir: Path, delivery: str) -> None:
    """Every kind of page, and a search, under the site's policy: as the pages' own meta tag,
    and also as the header a server that can sets (then Pagefind's worker is under it too)."""
    policy = (site_dir / "csp.txt").read_text(encoding="utf-8").strip()
    headers = {"Content-Security-Policy": f"{policy}; frame-ancestors 'self'"} if delivery == "header" else {}
    refused: list[str] = []
    errors: list[str] = []
    seen: dict[str, list[str]] = {}

    def heard(message: Any) -> None:
        text = message.text.lower()
        if "content security policy" in text or "refused to" in text or "falling back" in text:
            refused.append(message.text)

    with serve(site_dir, headers=headers) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            context.add_init_script(_RECORD_VIOLATIONS)
            context.on("console", heard)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("worker", lambda worker: worker.on("console", heard))
            for path in _every_kind_of_page(site_dir):
                page.goto(url + path)
                page.wait_for_timeout(200)  # what scripts do after load (Material reads sitemaps)
                seen[path] = page.evaluate("window.__hbViolations")
            page.goto(url + POLICY)
            assert _search(page, "refund"), "the search found nothing under the policy"
            seen["search"] = page.evaluate("window.__hbViolations")
            # The policy is in force: an inline script of another's is refused.
            with pytest.raises(Exception, match="Content Security Policy"):
                page.add_script_tag(content="window.__hbInjected = true;")
            assert page.evaluate("window.__hbInjected === undefined")
        finally:
            context.close()
    assert {path: found for path, found in seen.items() if found} == {}
    # What the console said of the policy: the refused injection (once for each policy in
    # force: the header's and the meta tag's), and nothing else.
    assert len(refused) == len(headers) + 1 and all("inline script violates" in m for m in refused), refused
    assert errors == [], errors


# -- accessibility ---------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [HOME, POLICY_REGISTER, POLICY, DECISION, POST, START_HERE])
def test_no_serious_accessibility_violations(browser: Any, base_url: str, path: str, scheme: str) -> None:
    # axe-core goes in as an inline script: the site's Content-Security-Policy would refuse it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(base_url + path)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))"
        )
        assert violations == [], f"axe-core on /{path} ({scheme}): {violations}"
        name = {
            HOME: "home",
            POLICY_REGISTER: "policy-register",
            POLICY: "policy",
            DECISION: "decision",
            POST: "post",
            START_HERE: "start-here",
        }[path]
        if scheme == "dark":
            _screenshot(page, f"{name}-dark")
        elif path in (POLICY_REGISTER, POLICY, POST):
            _screenshot(page, name)
    finally:
        context.close()


def test_search_results_have_no_serious_accessibility_violations(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light", bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(base_url)
        _search(page, "refund")
        page.locator(".hb-search-filters > summary").click()
        page.locator(".hb-search-filters select[name=kind]").wait_for()
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run('.hb-search', {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary)"
            ".join('; '))"
        )
    finally:
        context.close()
    assert violations == [], "\n".join(violations)


# -- phones ----------------------------------------------------------------------------------


def test_a_phone_reaches_a_policy_from_the_home_page(browser: Any, base_url: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    try:
        page = context.new_page()
        page.goto(base_url)
        _screenshot(page, "home-phone", full_page=False)
        # Through the menu: the drawer, then the policy register, then a policy.
        page.locator("label.md-header__button[for='__drawer']").tap()
        drawer = page.locator("nav.md-nav--primary")
        drawer.get_by_role("link", name="Policies", exact=True).first.tap()
        page.wait_for_url(base_url + POLICY_REGISTER)
        page.locator("table.hb-policy-register a", has_text="Complaint escalation").tap()
        page.wait_for_url(base_url + POLICY)
        assert page.locator(".hb-record.hb-policy").is_visible()
        _screenshot(page, "policy-phone", full_page=False)
        # Through search: the header's search button opens the box full screen.
        page.goto(base_url)
        page.locator("label.md-header__button[for='__search']").tap()
        box = page.locator("#hb-search-input")
        box.wait_for(state="visible")
        box.fill("bereavement")
        first = page.locator("#hb-search-results a.md-search-result__link").first
        first.wait_for()
        _screenshot(page, "search-phone", full_page=False)
        first.tap()
        page.wait_for_url(base_url + POLICY)
    finally:
        context.close()
