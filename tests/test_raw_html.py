"""Raw HTML that would run a script (HB309): found where the site's Python-Markdown passes it
through, in records, posts and pages, at the line it starts on, by `handbook check` and the strict
build alike; taken out by the importers; shown as text on the pages of old versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MKDOCS_YML, OWNERS, Git, Writer, decision, policy, strict_build
from handbook.cli.main import main
from handbook.rawhtml import escape_unsafe, find_unsafe
from handbook.settings import Settings
from handbook.site.csp import inline_scripts, script_hash
from test_versions import parse

# A policy's text: its body starts on line 12 of the file (policy()'s front matter is 11 lines).
BODY = """\
## Rules

Refund within <b onclick="steal()">30 days</b>.

```html
<script>shown as code</script>
```

Write `<script>` in code, or indent it:

    <script>indented code</script>

<div class="note"
     onmouseover="steal()">Hover</div>

[Pay here](javascript:steal()), ![logo](data:image/png;base64,AAAA)
or [there](&#106;avascript:steal()).

<script>
steal();
</script>
"""
P = "policies/refunds.md"
EXPECTED = [
    ("decisions/0001-use-a-shared-inbox.md", 9, "a data: URL in 'src' on <iframe>"),
    ("docs/about.md", 5, "a javascript: URL in 'href' on <a>"),
    ("docs/blog/posts/hello.md", 6, "an event handler attribute 'onload' on <svg>"),
    (P, 14, "an event handler attribute 'onclick' on <b>"),
    (P, 25, "an event handler attribute 'onmouseover' on <div>"),
    (P, 27, "a javascript: URL in 'href' on <a>"),
    (P, 28, "a javascript: URL in 'href' on <a>"),
    (P, 30, "a <script> element"),
]
MESSAGE = ": raw HTML that runs a script is not allowed in a page"
ALLOWED = " (allowed by 'allow_raw_html'; the site's Content-Security-Policy blocks it)"


def handbook(write_handbook: Writer, *, allow: bool = False) -> Path:
    setting = "      allow_raw_html: true\n" if allow else ""
    return write_handbook({
        "mkdocs.yml": MKDOCS_YML.replace("  - search\n", "  - search\n  - blog\n") + setting,
        P: policy(body=BODY),
        # The title is shown as text: `<script>` in it is not raw HTML.
        "decisions/0001-use-a-shared-inbox.md": decision(
            title="Use <script>x</script> in the title",
            body="## Context and Problem Statement\n\n<iframe src=\"data:text/html,<b>hi</b>\"></iframe>\n",
        ),
        "docs/about.md": "---\ntitle: About\n---\n# About\n[Home](JavaScript:go())\n",
        "docs/blog/index.md": "# Blog\n",
        "docs/blog/posts/hello.md": "---\ndate: 2026-01-05\n---\n# Hello\n\n<svg onload=\"steal()\"></svg>\n",
    })  # fmt: skip


def check_json(root: Path) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(
        main, ["check", str(root), "--today", "2026-02-01", "--format", "json", "--select", "HB3"]
    )
    return result.exit_code, json.loads(result.stdout)


def test_check_reports_each_script_at_its_line_and_nothing_in_code(write_handbook: Writer) -> None:
    code, found = check_json(handbook(write_handbook))
    assert code == 1
    assert [(f["path"], f["line"], f["severity"], f["code"], f["message"]) for f in found] == [
        (path, line, "error", "HB309", what + MESSAGE) for path, line, what in EXPECTED
    ]
    assert found[3]["fix"].startswith(
        "Remove it: a script the site needs goes in a file listed under 'extra_javascript'"
    )


def test_check_text_output_names_file_and_line(write_handbook: Writer) -> None:
    result = CliRunner().invoke(
        main, ["check", str(handbook(write_handbook)), "--today", "2026-02-01", "--select", "HB309"]
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines()[3] == f"{P}:14: error HB309 an event handler attribute 'onclick' on <b>{MESSAGE}"


def test_allow_raw_html_lowers_it_to_a_warning(write_handbook: Writer) -> None:
    code, found = check_json(handbook(write_handbook, allow=True))
    assert code == 0
    assert [(f["line"], f["severity"], f["message"]) for f in found][3:4] == [
        (14, "warning", "an event handler attribute 'onclick' on <b>" + MESSAGE + ALLOWED)
    ]
    assert len(found) == len(EXPECTED)


def test_strict_build_fails_on_each_as_check_does(write_handbook: Writer) -> None:
    done = strict_build(handbook(write_handbook))
    assert done.returncode == 1
    ours = [
        line.split("handbook: ", 1)[1]
        for line in done.stderr.splitlines()
        if line.startswith("ERROR") and "HB309" in line
    ]
    assert [line.split(" (HB309)", 1)[0] for line in ours] == [
        f"{path}:{line}: {what}{MESSAGE}" for path, line, what in EXPECTED
    ]
    assert ours[3].endswith(
        "(HB309): remove it: a script the site needs goes in a file listed under 'extra_javascript' "
        "in mkdocs.yml. Or set 'allow_raw_html: true' under the handbook plugin in mkdocs.yml; the "
        "site's Content-Security-Policy still blocks it."
    )


def test_allowed_raw_html_builds_and_the_policy_does_not_run_it(write_handbook: Writer) -> None:
    root = handbook(write_handbook, allow=True)
    done = strict_build(root)
    assert done.returncode == 0, done.stdout + done.stderr
    page = (root / "site/policies/refunds/index.html").read_text(encoding="utf-8")
    assert "\nsteal();\n" in inline_scripts(page)
    policy_text = (root / "site/csp.txt").read_text(encoding="utf-8")
    assert f"'{script_hash(chr(10) + 'steal();' + chr(10))}'" not in policy_text
    assert "'unsafe-inline'" not in policy_text.split("script-src", 1)[1].split(";", 1)[0]


def test_a_script_in_an_old_version_is_shown_as_text(git_repo: Git) -> None:
    """The check reads today's files; an old version's text from git reaches its version page and
    the next version's diff, where it is written out as text, never run."""
    old = "## Rules\n\n<script>alert('v1')</script>\n\nPay [here](javascript:alert('v1')).\n"
    git_repo.commit({
        "mkdocs.yml": MKDOCS_YML, "policies/owners.yml": OWNERS, "docs/index.md": "# Home\n",
        P: policy(body=old),
    }, "v1", "2026-01-05T10:00:00+00:00")  # fmt: skip
    git_repo.commit(
        {P: policy(version=2, changes="No script.", body="## Rules\n\nPay by card.\n")},
        "v2",
        "2026-02-05T10:00:00+00:00",
    )
    done = strict_build(git_repo.root)
    assert done.returncode == 0, done.stdout + done.stderr
    site = git_repo.root / "site"
    for page in ("policies/refunds/v1/index.html", "policies/refunds/v2/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert not [s for s in inline_scripts(html) if "alert" in s], page
        assert not [a for a in parse(site / page).find_all("a") if "javascript" in a.attrs.get("href", "").lower()], (
            page
        )
    text = " ".join(parse(site / "policies/refunds/v1/index.html").find("article").text.split())
    assert "<script>alert('v1')</script>" in text and "[here](javascript:alert('v1'))" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("`<script>x</script>` in a code span", []),
        ("```\n<script>x</script>\n```", []),
        ("Code:\n\n    <script>x</script>", []),
        ("<!-- <script>x</script> -->", []),
        ("&lt;script&gt;x&lt;/script&gt;", []),
        ('![logo](data:image/png;base64,AAAA) and <img src="data:image/png;base64,AAAA">', []),
        ("Not escaped by Markdown:\n\\<script>x</script>", [(2, "a <script> element")]),
        # (`/onerror=...` after an unquoted value is part of the value, for a browser too.)
        ("<img/src=x/onerror=steal()>", []),
        ("<img/src=x onerror=steal()>", [(1, "an event handler attribute 'onerror' on <img>")]),
        ("<a/href=javascript:steal()>x</a>", [(1, "a javascript: URL in 'href' on <a>")]),
        ("Line one\n<br/>\n<span\n  onclick=steal()>x</span>", [(4, "an event handler attribute 'onclick' on <span>")]),
        ('# Title {: onclick="steal()" }', [(1, "an event handler attribute 'onclick' on <h1>")]),
        ("[x](data:text/html,hi)", [(1, "a data: URL in 'href' on <a>")]),
        ("[x][r]\n\n[r]: <JaVaScRiPt:steal()>", [(3, "a javascript: URL in 'href' on <a>")]),
        ('<a href="java&#x09;script:steal()">x</a>', [(1, "a javascript: URL in 'href' on <a>")]),
        ('<iframe srcdoc="<p>hi</p>"></iframe>', [(1, "an HTML document in 'srcdoc' on <iframe>")]),
    ],
)
def test_what_python_markdown_passes_through_is_found_and_nothing_else(
    text: str, expected: list[tuple[int, str]]
) -> None:
    found = find_unsafe(text, 1, Settings(root=Path(".")))
    assert [(u.line, u.what) for u in found] == expected


def test_an_old_text_is_shown_as_written_without_running() -> None:
    settings = Settings(root=Path("."))
    old = 'Pay <b onclick="x()">now</b> [here](javascript:x()).\n\n<script>\nx();\n</script>\n\n# Fees {: onclick=x }\n'
    shown = escape_unsafe(old, settings)
    assert find_unsafe(shown, 1, settings) == []
    assert shown == (
        'Pay &lt;b onclick="x()">now</b> \\[here](javascript:x()).\n\n&lt;script>\nx();\n&lt;/script>\n\n'
        "# Fees \\{: onclick=x }\n"
    )
