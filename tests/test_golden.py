"""Golden output: the generated registers and reading list of small fixed handbooks, and pages
and feeds of one built with its git history, compared whole with tests/golden/<case>/.
`pytest --update-golden` rewrites them; review the diff like code."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import MKDOCS_YML, OWNERS, Git, Writer, decision, engine_command, engine_env, policy, settings_for
from handbook.loading import load_corpus
from handbook.site import reading, registers
from handbook.site.context import Context

GOLDEN = Path(__file__).parent / "golden"

# What the site generates, by the path it has on the site.
OUTPUTS: Mapping[str, Callable[[Context], str]] = {
    "policies/index.md": registers.policy_register,
    "decisions/index.md": registers.decision_log,
    "policies/register.json": registers.policy_register_json,
    "decisions/register.json": registers.decision_register_json,
    "start-here.md": reading.start_here,
}

SMALL = {
    "policies/refunds-and-returns.md": policy(
        title="Refunds & returns",
        owner="billing",
        audience="[all-staff, new-hires]",
        effective="2026-03-01",
        reviewed="2026-03-01",
        summary="When customers get their money back, and how fast.",
        changes="Cut the refund target from 7 to 5 working days.",
        version=3,
        extra="tags: [refunds, billing]\npriority: 2\n",
    ),
    "policies/customer-data-access.md": policy(
        title="Customer data access",
        owner="support-ops",
        audience="[all-staff, support]",
        effective="2025-09-01",
        reviewed="2025-09-01",
        summary="Who may see customer data, and through which tools.",
        changes="Tightened identity checks on the phone.",
        version=2,
        extra="review_every: 6\npriority: 1\nacknowledge: true\ntags: [privacy]\n",
    ),
    "policies/complaint-escalation.md": policy(
        title="Complaint escalation",
        owner="support-ops",
        audience="[support, managers]",
        effective="2025-10-06",
        reviewed="2025-10-06",
        summary="When to pass a complaint on, and who owns it then.",
        changes="Escalate by customer impact, with a named owner.",
        extra="supersedes: escalation-matrix\n",
    ),
    "policies/escalation-matrix.md": policy(
        title="Escalation matrix",
        owner="support-ops",
        audience="[support]",
        effective="2024-02-19",
        reviewed="2024-02-19",
        summary="Former severity scores for complaints.",
        changes="First version.",
    ),
    "policies/fax-orders.md": policy(
        title="Fax orders",
        status="retired",
        owner="billing",
        audience="[support]",
        effective="2025-01-31",
        reviewed="2025-01-31",
        summary="Orders by fax, until the fax line closed.",
        changes="Retired, since the fax line is closed.",
        version=4,
    ),
    "policies/goodwill-gestures.md": policy(
        title="Goodwill gestures",
        status="draft",
        owner="billing",
        audience="[all-staff]",
        effective="2026-12-01",
        reviewed="2026-12-01",
        summary="Vouchers or credit when we say sorry.",
        changes="First draft.",
    ),
    "decisions/0001-keep-policies-in-the-handbook.md": decision(
        title="Keep policies in the handbook",
        date="2023-03-06",
        extra="decision-makers: [Jane Doe]\npolicies: [refunds-and-returns]\ntags: [governance]\n",
    ),
    "decisions/0002-route-escalations-by-severity.md": decision(
        title="Route escalations by severity", status="superseded", date="2024-02-19"
    ),
    "decisions/0003-escalate-by-customer-impact.md": decision(
        title="Escalate by customer impact",
        date="2025-09-08",
        extra="supersedes: [2]\npolicies: [complaint-escalation]\n",
    ),
    "decisions/0004-automate-you-said-we-did-updates.md": decision(
        title='Automate "you said, we did" updates', status="proposed", date="2026-10-05"
    ),
    "decisions/0005-offer-round-the-clock-chat.md": decision(
        title="Offer round-the-clock chat", status="rejected", date="2026-01-19"
    ),
    "docs/blog/posts/welcome.md": "---\ndate: 2026-02-09\n---\n# The handbook has a new home\n\nWelcome.\n",
    "docs/blog/posts/peak.md": "---\ndate: 2026-11-16\ndraft: true\n---\n# Planning for the peak\n\nNot yet.\n",
}

CASES = {"small-handbook": SMALL, "empty-handbook": {}}

# The small handbook built with its history: the refunds policy was committed at version 2
# (paid in 7 working days), then at version 3 (the text above) with everything else.
REFUNDS = "policies/refunds-and-returns.md"
REFUNDS_V2 = policy(
    title="Refunds & returns",
    owner="billing",
    audience="[all-staff, new-hires]",
    effective="2025-06-02",
    reviewed="2025-06-02",
    summary="When customers get their money back, and how fast.",
    changes="Refunds are paid in 7 working days.",
    version=2,
    extra="tags: [refunds, billing]\npriority: 2\n",
    body="## Rules\n\nRefund within 30 days.\n\nPay the refund within 7 working days.\n",
)
REFUNDS_V3 = SMALL[REFUNDS].replace(
    "Refund within 30 days.\n", "Refund within 30 days.\n\nPay the refund within 5 working days.\n"
)
# Built pages: their <article> (what the handbook writes, not Material's frame); feeds: whole.
BUILT = (
    "policies/refunds-and-returns/index.html",
    "policies/refunds-and-returns/v3/index.html",
    "policies/refunds-and-returns/history/index.html",
    "health/index.html",
    "feeds/all.xml",
    "feeds/all.json",
)
BUILT_CASE = "small-handbook-built"


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("case", CASES)
def test_generated_output_matches_golden(write_handbook: Writer, update_golden: bool, case: str, output: str) -> None:
    corpus = load_corpus(settings_for(write_handbook(CASES[case])))
    assert corpus.errors == ()
    text = OUTPUTS[output](Context(corpus))
    golden = GOLDEN / case / output
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run `pytest --update-golden` and review it"
    assert text == golden.read_text(encoding="utf-8")


class _Article(HTMLParser):
    """Where a page's first <article> element starts and ends: (line, column) of each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.start: tuple[int, int] | None = None
        self.end: tuple[int, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article" and self.end is None:
            self.start = self.start or self.getpos()
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth and self.end is None:
            self.depth -= 1
            if not self.depth:
                self.end = self.getpos()


def article(page: str) -> str:
    """The page's <article> element as the page has it, byte for byte, on lines of its own."""
    parser = _Article()
    parser.feed(page)
    parser.close()
    assert parser.start is not None and parser.end is not None, "the page has no <article>"
    lines = page.split("\n")  # as the parser counts them

    def offset(position: tuple[int, int]) -> int:
        return sum(len(line) + 1 for line in lines[: position[0] - 1]) + position[1]

    text = page[offset(parser.start) : offset(parser.end)] + "</article>"
    return text + "\n"


@pytest.fixture(scope="module")
def built_small_handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small handbook, in git with two versions of the refunds policy, built: its site."""
    root = tmp_path_factory.mktemp("golden") / "handbook"
    root.mkdir()
    git = Git(root)
    git.commit(
        {REFUNDS: REFUNDS_V2, "policies/owners.yml": OWNERS, "mkdocs.yml": MKDOCS_YML},
        "v2",
        "2025-06-02T09:00:00+00:00",
    )
    files = {**SMALL, REFUNDS: REFUNDS_V3, "docs/index.md": "# Home\n"}
    git.commit(files, "The small handbook", date="2026-03-02T09:00:00+00:00")
    site = root.parent / "site"
    command = engine_command("build", "--strict", "--site-dir", str(site))
    done = subprocess.run(
        command, cwd=root, capture_output=True, text=True, env=engine_env(SOURCE_DATE_EPOCH="1780000000")
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return site


@pytest.mark.parametrize("output", BUILT)
def test_built_output_matches_golden(built_small_handbook: Path, update_golden: bool, output: str) -> None:
    data = (built_small_handbook / output).read_text(encoding="utf-8")
    # No path of the machine that built it in what is compared (there should be none at all).
    data = data.replace(str(built_small_handbook.parent), "<build>")
    text = article(data) if output.endswith(".html") else data
    golden = GOLDEN / BUILT_CASE / output
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run `pytest --update-golden` and review it"
    assert text == golden.read_text(encoding="utf-8")


def test_every_golden_file_is_compared() -> None:
    written = {str(path.relative_to(GOLDEN)) for path in GOLDEN.rglob("*") if path.is_file()}
    generated = {f"{case}/{output}" for case in CASES for output in OUTPUTS}
    assert written == generated | {f"{BUILT_CASE}/{output}" for output in BUILT}
