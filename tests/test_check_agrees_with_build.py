"""`handbook check` and `build --strict` agree: each problem of a record or a post that fails the
strict build (a dead link or image, a missing section, an absolute link, a post's `links:` to
nowhere, Liquid left in the text) is an error finding at its `path:line`, and the same handbook
fails the engine's `build --strict`; a handbook without it passes both."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import BLOG_FILES, OWNERS, Writer, decision, policy, strict_build
from handbook.cli.main import main

P = "policies/refunds.md"
D = "decisions/0001-use-a-shared-inbox.md"
POST = "docs/blog/posts/hello.md"
VALIDATION = "validation:\n  links:\n    anchors: warn\n    absolute_links: warn\n"


def post(body: str = "Text.\n", extra: str = "") -> str:
    return f"---\ndate: 2026-01-02\nauthors: [jdoe]\n{extra}---\n# Hello\n\n{body}"


def files(**changed: str) -> dict[str, str]:
    """A small handbook with a blog, link checks as the sample's, and one of each kind of page."""
    base = {
        **BLOG_FILES,
        "mkdocs.yml": BLOG_FILES["mkdocs.yml"] + VALIDATION,
        "policies/owners.yml": OWNERS,
        "docs/index.md": "# Home\n",
        "docs/guide.md": "# Guide\n\n## How to ask\n\nText.\n",
        "docs/files/a.pdf": "%PDF-1.4\n",
        "policies/other.md": policy(title="Other", body="## Scope\n\nText.\n"),
        P: policy(body="## Rules\n\n[A](other.md#scope), [B](../guide.md#how-to-ask), [C](../files/a.pdf).\n"),
        D: decision(),
        POST: post(),
    }
    base.update({key.replace("__", "/").replace("_md", ".md"): value for key, value in changed.items()})
    return base


def check(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", str(root), "--today", "2026-02-01"])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout.splitlines()[:-1]


CASES = {
    "link to a missing page under docs/": (
        {P: policy(body="## Rules\n\nSee [the form](../forms.md).\n")},
        f"{P}:14: error HB310 link '../forms.md' points to no file: there is no 'forms.md' on the site; fix the link "
        "or remove it",
    ),
    "link to a missing file": (
        {D: decision(body="See [the form](../files/missing.pdf).\n")},
        f"{D}:7: error HB310 link '../files/missing.pdf' points to no file: there is no 'files/missing.pdf' on the "
        "site; fix the link or remove it",
    ),
    "missing image": (
        {P: policy(body="## Rules\n\nText.\n\n![Flow](img/flow.png)\n")},
        f"{P}:16: error HB310 image 'img/flow.png' is missing: there is no 'policies/img/flow.png' on the site; add "
        "it or fix the path",
    ),
    "section missing in another record": (
        {P: policy(body="## Rules\n\nSee [other](other.md#nowhere).\n")},
        f"{P}:14: error HB311 link 'other.md#nowhere' points to no section of 'policies/other.md': it has no heading "
        "or id 'nowhere'; link to one of its sections, or drop the '#' part",
    ),
    "section missing in a docs page": (
        {P: policy(body="## Rules\n\nSee [guide](../guide.md#nowhere).\n")},
        f"{P}:14: error HB311 link '../guide.md#nowhere' points to no section of 'guide.md': it has no heading or id "
        "'nowhere'; link to one of its sections, or drop the '#' part",
    ),
    "section missing in the same page": (
        {P: policy(body="## Rules\n\nSee [below](#nowhere).\n")},
        f"{P}:14: error HB311 link '#nowhere' points to no section of 'policies/refunds.md': it has no heading or id "
        "'nowhere'; link to one of its sections, or drop the '#' part",
    ),
    "section missing in a generated page": (
        {P: policy(body="## Rules\n\nSee [all policies](index.md#nowhere).\n")},
        f"{P}:14: error HB311 link 'index.md#nowhere' points to no section of 'policies/index.md': it has no heading "
        "or id 'nowhere'; link to one of its sections, or drop the '#' part",
    ),
    "absolute link": (
        {P: policy(body="## Rules\n\nSee [old site](/old-section/refunds/).\n")},
        f"{P}:14: error HB312 link '/old-section/refunds/' starts with '/': the site may be served under a path; "
        "write it relative to this file, like '../policies/refunds-and-returns.md'",
    ),
    "dead link in a post": (
        {POST: post("See [the guide](../../guides.md).\n")},
        f"{POST}:7: error HB310 link '../../guides.md' points to no file: there is no 'guides.md' on the site; fix "
        "the link or remove it",
    ),
    "post links: naming a missing file": (
        {POST: post(extra="links:\n  - guide.md\n  - Forms: missing-post.md\n")},
        f"{POST}:6: error HB313 'links' names 'missing-post.md', which is no file of the site: give the path of a "
        "page or file from docs/ (or a record's, like 'policies/refunds-and-returns.md'), or remove it",
    ),
    "post links: naming a missing section": (
        {POST: post(extra="links:\n  - guide.md#nowhere\n")},
        f"{POST}:5: error HB313 'links' names 'guide.md#nowhere', but 'guide.md' has no heading 'nowhere': name one "
        "of its headings after the '#', or drop the '#' part",
    ),
    "Liquid tag in a policy": (
        {P: policy(body="## Rules\n\nText.\n\n{% include refunds-table.html %}\n")},
        f"{P}:16: error HB314 Liquid tag '{{% include refunds-table.html %}}' is left in the text, and the site would "
        "show it as it is: replace it with what it stands for, or put it in an HTML comment (<!-- ... -->) to keep "
        "it out of the page",
    ),
    "Liquid variable in a post": (
        {POST: post("See {{ site.baseurl }}/refunds.\n")},
        f"{POST}:7: error HB314 Liquid tag '{{{{ site.baseurl }}}}' is left in the text, and the site would show it "
        "as it is: replace it with what it stands for, or put it in an HTML comment (<!-- ... -->) to keep it out "
        "of the page",
    ),
}


@pytest.mark.engine
@pytest.mark.parametrize("case", list(CASES))
def test_check_reports_what_fails_the_strict_build(write_handbook: Writer, case: str) -> None:
    changed, expected = CASES[case]
    root = write_handbook({**files(), **changed}, defaults=False)
    assert check(root) == (1, [expected])
    built = strict_build(root)
    assert built.returncode != 0, built.stderr


@pytest.mark.engine
def test_without_those_problems_both_pass(write_handbook: Writer) -> None:
    # Liquid in an HTML comment or in code is text, not Liquid; a post's links to pages that exist.
    root = write_handbook({
        **files(),
        P: policy(body=(
            "## Rules\n\nSee [other](other.md#scope) and [guide](../guide.md#how-to-ask), [here](#rules).\n\n"
            "<!-- {% comment %}internal note{% endcomment %} -->\n\n`{{ site.baseurl }}`\n\n"
            "```\n{% include x.html %}\n```\n"
        )),
        POST: post(extra="links:\n  - guide.md#how-to-ask\n  - Refunds: policies/refunds.md\n"),
    }, defaults=False)  # fmt: skip
    assert check(root) == (0, [])
    built = strict_build(root)
    assert built.returncode == 0, built.stderr
