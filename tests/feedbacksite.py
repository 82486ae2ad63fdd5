"""A small handbook that keeps customer feedback, committed step by step so that each record has a
journey in git: for the built site's tests and the browser's."""

from __future__ import annotations

from pathlib import Path

from conftest import Git, decision, policy
from feedbackdata import OWNERS_WITH_CX, feedback

MKDOCS_YML = """\
site_name: Northwind Support Handbook
site_url: https://handbook.example.com/
nav:
  - Home: index.md
  - Policies: policies/index.md
  - Decisions: decisions/index.md
  - You said, we did: feedback/index.md
  - Blog:
      - blog/index.md
theme:
  name: material
  font: false
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      accent: indigo
      toggle: {icon: material/weather-night, name: Switch to dark mode}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      accent: indigo
      toggle: {icon: material/weather-sunny, name: Switch to light mode}
plugins:
  - blog:
      categories_allowed: [News, How-to]
  - handbook:
      audiences: [all-staff, new-hires, support, managers]
      feedback:
        themes: [delivery, website, product quality, billing]
        public_url: https://www.example.com/you-said-we-did/
extra:
  generator: false
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
"""
POST = "docs/blog/posts/returns-form.md"
REGISTER = "feedback/"
RECORD = "feedback/returns-form/"
PUBLIC = "you-said-we-did/"

RETURNS = dict(
    title="Could not find the returns form on the app",
    theme="website",
    received="2026-03-02",
    raised=140,
    extra="channels: [chat, e-mail, review]\n",
    body="Customers looked for the returns form under Account, where the website has it.\n\n"
    "## Discussion\n\nSupport leads agreed to move it; the app team shipped it in May.\n",
)
RETURNS_DONE = (
    "channels: [chat, e-mail, review]\n"
    "outcome: The returns form is now on the app's home screen, one tap from every order.\n"
    "decisions: [1]\npolicies: ['refunds-and-returns@1']\nposts: [returns-form.md]\npublic: true\n"
)


def files_at_start() -> dict[str, str]:
    return {
        "mkdocs.yml": MKDOCS_YML,
        "policies/owners.yml": OWNERS_WITH_CX,
        "policies/refunds-and-returns.md": policy(
            title="Refunds and returns", owner="customer-experience", effective="2026-05-15", reviewed="2026-05-15"
        ),
        "decisions/0001-put-returns-on-the-home-screen.md": decision(
            title="Put returns on the app's home screen", date="2026-04-14"
        ),
        "docs/index.md": "# Northwind Support Handbook\n\nPolicies, decisions and news.\n",
        "docs/blog/index.md": "# Blog\n",
        "docs/blog/.authors.yml": "authors:\n  jdoe: {name: Jane Doe, description: Head of Support, avatar: a.svg}\n",
        POST: "---\ndate: 2026-05-20\nauthors: [jdoe]\ncategories: [News]\n---\n# The returns form moved\n\n"
        "You can now start a return from the app's home screen.\n",
        "feedback/returns-form.md": feedback(**RETURNS),  # type: ignore[arg-type]
        "feedback/late-couriers.md": feedback(
            title="The courier came after the promised slot",
            theme="delivery",
            received="2026-03-20",
            raised=57,
            status="reviewing",
            extra="channels: [phone, survey]\n",
        ),  # fmt: skip
        "feedback/gift-wrap.md": feedback(
            title="Please offer gift wrapping",
            theme="delivery",
            received="2026-04-03",
            raised=9,
        ),  # fmt: skip
    }


def write_feedback_handbook(root: Path) -> Git:
    """The handbook in `root`, committed in five steps from March to August 2026."""
    git = Git(root)
    git.commit(files_at_start(), "The handbook, with the first feedback", date="2026-03-03T09:00:00+00:00")
    git.commit(
        {
            "feedback/returns-form.md": feedback(**{**RETURNS, "status": "planned"}),  # type: ignore[arg-type]
            "feedback/gift-wrap.md": feedback(
                title="Please offer gift wrapping",
                theme="delivery",
                received="2026-04-03",
                raised=9,
                status="declined",
                extra="outcome: Wrapping would hold every order back by a day.\npublic: true\n",
            ),  # fmt: skip
        },
        "Monthly review: returns planned, gift wrapping declined",
        date="2026-04-15T09:00:00+00:00",
    )
    git.commit(
        {"feedback/returns-form.md": feedback(**{**RETURNS, "status": "changed", "extra": RETURNS_DONE})},  # type: ignore[arg-type]
        "The returns form is on the home screen",
        date="2026-05-21T09:00:00+00:00",
    )
    told = RETURNS_DONE + "told: {date: 2026-06-10, customers: 131, how: e-mail from Customer Experience}\n"
    git.commit(
        {
            "feedback/returns-form.md": feedback(**{**RETURNS, "status": "changed", "extra": told}),  # type: ignore[arg-type]
            "feedback/price-shown-twice.md": feedback(
                title="The price was shown twice at checkout",
                theme="billing",
                received="2026-07-01",
                raised=4,
                status="changed",
                extra="channels: [e-mail]\noutcome: Checkout shows one price, with tax.\n",
            ),  # fmt: skip
            "feedback/slow-refunds.md": feedback(
                title="Refunds take too long to arrive",
                theme="billing",
                received="2026-07-20",
                raised=23,
                extra="channels: [chat]\n",
            ),  # fmt: skip
        },
        "Customers told of the returns form; new feedback",
        date="2026-07-22T09:00:00+00:00",
    )
    return git
