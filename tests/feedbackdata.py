"""Feedback records for tests: mkdocs.yml with feedback themes, and the text of a valid record."""

from __future__ import annotations

from conftest import MKDOCS_YML

FEEDBACK_MKDOCS_YML = MKDOCS_YML + (
    "      feedback:\n"
    "        themes: [delivery, website, billing]\n"
    "        public_url: https://example.com/you-said-we-did/\n"
)
OWNERS_WITH_CX = """\
billing:
  name: Billing Team
  email: billing@example.com
  handle: "@acme/billing"
customer-experience:
  name: Customer Experience
  email: cx@example.com
  handle: "@acme/cx"
"""


def feedback(
    title: str = "Could not find the returns form on the app",
    theme: str = "website",
    owner: str = "customer-experience",
    received: str = "2026-04-02",
    raised: int | str = 12,
    status: str = "received",
    extra: str = "",
    body: str = "Customers looked for the returns form under Account.\n",
) -> str:
    """The text of a valid feedback file (line 2 is `title`, line 7 `status`, `extra` from line 8)."""
    return (
        "---\n"
        f"title: {title}\ntheme: {theme}\nowner: {owner}\nreceived: {received}\nraised: {raised}\n"
        f"status: {status}\n{extra}"
        "---\n"
        f"{body}"
    )


def handbook_files(**records: str) -> dict[str, str]:
    """mkdocs.yml with feedback themes, owners with customer-experience, and `feedback/<id>.md` files."""
    files = {"mkdocs.yml": FEEDBACK_MKDOCS_YML, "policies/owners.yml": OWNERS_WITH_CX}
    files.update({f"feedback/{name.replace('_', '-')}.md": text for name, text in records.items()})
    return files
