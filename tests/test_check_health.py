"""The site's health page and owners' pages (health.py, assets/handbook.js), and the scaling of
near-duplicate detection (checks/minhash.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, Writer, decision, policy, settings_for
from handbook.checks import minhash
from handbook.history import History
from handbook.loading import load_corpus
from handbook.site.health import HealthPages, duplicates


class Rows(HTMLParser):
    """The data attributes of every `<tr>` with data-review-due, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr" and any(name == "data-review-due" for name, _ in attrs):
            self.rows.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markdown: str) -> Rows:
    parser = Rows()
    parser.feed(markdown)
    return parser


def words(count: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(f"word{rng.randrange(100_000)}" for _ in range(count))


@pytest.fixture
def handbook(write_handbook: Writer) -> Path:
    text = words(120, 1)
    return write_handbook({
        "policies/refunds.md": policy(reviewed="2025-06-01", body=f"## Rules\n\n{text}\n"),
        "policies/returns.md": policy(title="Returns", owner="support-ops", reviewed="2026-03-01"),
        "policies/refunds-uk.md": policy(
            title="Refunds (UK)", effective="2026-02-01", body=f"## Rules\n\n{text} and more\n"
        ),
        "policies/old-returns.md": policy(title="Old returns", status="retired", reviewed="2020-01-01"),
        "policies/secret-plans.md": policy(
            title="Secret voucher plans", status="draft", body=f"## Rules\n\n{text} draft\n"
        ),
        "decisions/0001-use-a-shared-inbox.md": decision(),
    })  # fmt: skip


def test_health_page_carries_every_review_date_and_no_draft(handbook: Path) -> None:
    corpus, history = load_corpus(settings_for(handbook)), History(complete=False)
    pages = dict(HealthPages(corpus, history, findings=duplicates(corpus, history)).files())
    assert list(pages) == ["health.md", "owners/index.md", "owners/billing.md", "owners/support-ops.md"]
    page = parse(pages["health.md"])
    # In force only, soonest review first; nothing decided against a date at build time.
    assert [(r["data-review-due"], r["data-owner"]) for r in page.rows] == [
        ("2026-06-01", "billing"), ("2027-01-05", "billing"), ("2027-03-01", "support-ops"),
    ]  # fmt: skip
    assert 'class="hb-health" data-due-soon-days="30" data-horizon-days="90" hidden' in pages["health.md"]
    text = " ".join(page.text)
    assert "1 draft is being written and not yet published." in text
    assert "Secret voucher plans" not in pages["health.md"] and "secret-plans" not in pages["health.md"]
    assert "Old returns" not in text
    assert "HB205" in text and "near-copy of policies/refunds.md: similarity" in text
    owner = parse(pages["owners/support-ops.md"])
    assert [r["data-review-due"] for r in owner.rows] == ["2027-03-01"]
    assert "Owner of 1 policy in force." in " ".join(owner.text)


def test_health_pages_are_the_same_every_build(handbook: Path) -> None:
    corpus, history = load_corpus(settings_for(handbook)), History(complete=False)
    assert dict(HealthPages(corpus, history, findings=duplicates(corpus, history)).files()) == dict(
        HealthPages(corpus, history, findings=duplicates(corpus, history)).files()
    )


def test_near_duplicates_compare_candidates_only(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [(i, words(300, i)) for i in range(400)]
    texts.append((400, texts[7][1].replace(texts[7][1].split()[150], "changed")))
    texts.append((401, texts[99][1] + " " + words(20, 1000)))
    compared: list[int] = []
    real = minhash.jaccard

    def counting(a: set[int], b: set[int]) -> float:
        compared.append(1)
        return real(a, b)

    monkeypatch.setattr(minhash, "jaccard", counting)
    found = minhash.near_duplicates(texts, 0.8)
    assert [(p.first, p.second) for p in found] == [(7, 400), (99, 401)]
    assert [round(p.similarity, 3) for p in found] == [round(291 / 301, 3), round(296 / 316, 3)]
    # 402 texts make 80,601 pairs; only LSH candidates are compared exactly.
    assert len(compared) < 20


def test_band_shape_finds_pairs_at_the_threshold() -> None:
    for threshold in (0.5, 0.7, 0.8, 0.9):
        bands, rows = minhash.band_shape(threshold)
        assert bands * rows <= minhash.BINS
        assert 1 - (1 - threshold**rows) ** bands >= minhash.RECALL_AT_THRESHOLD
        assert 1 - (1 - threshold ** (rows + 1)) ** (minhash.BINS // (rows + 1)) < minhash.RECALL_AT_THRESHOLD
    assert minhash.band_shape(0.8) == (21, 6)


def test_shingles_are_stable_across_processes() -> None:
    import subprocess
    import sys

    code = (
        "from handbook.checks.minhash import band_keys; print(band_keys(' '.join(f'w{i}' for i in range(80)), 0.8)[:3])"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONHASHSEED": seed}
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1 and runs != {""}


# -- in a real browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from browser.site import build_site, copy_handbook, serve

    root = copy_handbook(ROOT, tmp_path_factory.mktemp("health") / "handbook")
    site = root.parent / "site"
    build_site(root, site)
    with serve(site) as url:
        yield url


# Playwright's sync API allows one instance per process, and the browser tests hold theirs for
# the whole session: this test drives its browser from a process of its own.
READER = """
import json, sys
from playwright.sync_api import sync_playwright
base, chromium, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
seen = {}
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=chromium, args=args)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.clock.set_fixed_time("2026-11-25T10:00:00")
    page.goto(base + "health/")
    seen["overdue"] = page.inner_text(".hb-health-overdue")
    seen["months"] = page.locator('.hb-chart[data-chart="month"] .hb-bar-label').all_inner_texts()
    seen["owners"] = page.locator('.hb-chart[data-chart="owner"] .hb-bar-value').all_inner_texts()
    seen["due_soon"] = page.locator("tr.hb-row--due-soon .hb-review-state").all_inner_texts()
    page.goto(base + "policies/out-of-hours-cover/")
    seen["banner"] = page.inner_text(".hb-overdue")
    page.goto(base + "policies/response-time-targets/")
    seen["banners_before"] = page.locator(".hb-overdue").count()
    page.clock.set_fixed_time("2026-12-25T10:00:00")
    page.goto(base + "policies/response-time-targets/")
    seen["banner_after"] = page.inner_text(".hb-overdue")
    page.goto(base + "owners/support-ops/")
    seen["owner"] = page.inner_text(".hb-owner-due")
    seen["errors"] = errors
    browser.close()
print(json.dumps(seen))
"""


def test_browser_decides_what_is_overdue_on_the_readers_day(sample_site: str) -> None:
    import json
    import subprocess
    import sys

    from browser.site import CHROMIUM, CHROMIUM_ARGS

    pytest.importorskip("playwright")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (Debian package chromium)")
    done = subprocess.run(
        [sys.executable, "-c", READER, sample_site, str(CHROMIUM), json.dumps(CHROMIUM_ARGS)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["overdue"].splitlines()[0] == "1 review overdue:"
    assert "Out-of-hours cover: due 2026-05-15, 194 days ago (Support Operations)" in seen["overdue"]
    assert seen["months"] == ["Dec 2026", "Feb 2027"]
    assert seen["owners"] == ["1", "1"]
    assert seen["due_soon"] == ["due in 15 days"]
    assert "was due for review on 2026-05-15, 194 days ago" in seen["banner"]
    assert seen["banners_before"] == 0
    # A month later, the same build says otherwise: nothing about the day is built in.
    assert "due for review on 2026-12-10, 15 days ago" in seen["banner_after"]
    assert seen["owner"] == "2 reviews overdue; 0 reviews due in the next 30 days."
    assert seen["errors"] == []
