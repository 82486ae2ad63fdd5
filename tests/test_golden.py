"""Golden output: the generated registers and reading list of small fixed handbooks, compared
whole with tests/golden/<case>/. `pytest --update-golden` rewrites them; review the diff like code."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from conftest import Writer, decision, policy, settings_for
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


def test_every_golden_file_is_compared() -> None:
    written = {str(path.relative_to(GOLDEN)) for path in GOLDEN.rglob("*") if path.is_file()}
    assert written == {f"{case}/{output}" for case in CASES for output in OUTPUTS}
