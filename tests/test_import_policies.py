"""`handbook import-policies` on policy handbooks as they are found: Jekyll sites with Liquid,
sub-folder index pages, same-named pages, redirect-only pages, `redirect_from`, dates in the
text or only in git, nested folders; and the imported handbook builds `--strict`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import handbook.cli.editor as cli_editor
from conftest import Git, Writer, policy, settings_for, strict_build
from empty_handbook import empty_handbook
from handbook.cli.main import main
from handbook.editing.importing import liquid
from handbook.editing.importing.addresses import Addresses, Locator, relink
from handbook.history import read_history
from handbook.loading import load_corpus
from handbook.records import PolicyStatus
from handbook.site.context import Context
from handbook.site.paths import Urls
from handbook.site.versions import VersionPages, redirect_html
from importreport import body, details, front, summary

# A Jekyll policy handbook: a home page, Jekyll's own folders, sub-folder index pages with real
# content, two `leave.md` in different folders, a redirect-only page, Liquid of every kind.
JEKYLL = {
    "_config.yml": "title: Old handbook\nbaseurl: /handbook\n",
    "index.md": "---\ntitle: Home\n---\nWelcome to the handbook.\n",
    "_includes/contact.md": "Ask [HR]({{ site.baseurl }}/hr/) at hr@example.com.\n",
    "_layouts/page.html": "<main>{{ content }}</main>\n",
    "hr/index.md": """\
---
title: Human resources
---
Everything about working here: hiring, pay and time off.

{% include contact.md %}
""",
    "hr/leave.md": """\
---
title: Annual leave
permalink: /hr/leave/
redirect_from:
  - /leave-policy/
  - /old/holidays.html
---
Effective date: November 16, 2020

Staff get 25 days of leave a year.{% comment %}check with legal{% endcomment %}

{% alert warning %}
Book leave two weeks ahead.
{% endalert %}

{% data variables.product.name %} staff in [IT]({% link it/leave.md %}) see {% page "/it/security/" %}.
See [expenses]({{ site.baseurl }}/finance/expenses.html) and [the old wiki](/wiki/leave/).
""",
    "it/leave.md": """\
---
title: On-call leave
---
**Version Effective Date:** 2021-01-01

On-call staff take a day off after a night on call. See [annual leave](../hr/leave.md).
""",
    "it/security/index.md": "---\ntitle: Security\n---\nHow we keep systems safe.\n",
    "it/security/passwords.md": """\
# Passwords

Last reviewed: 5 March 2022

Use the password manager. Never reuse one.

```
{{ not.resolved }}
```
""",
    "old-leave.md": "---\nredirect_to: /hr/leave/\n---\n",
    "finance/expenses.md": "---\ntitle: Expenses\n---\nClaim within a month of paying.\n",
}

PROSE = {"hr": "hr.md", "hr-leave": "hr-leave.md"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_editor, "today", lambda: dt.date(2026, 6, 1))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty handbook (tests/empty_handbook.py, until `handbook init` makes one) to import into."""
    return empty_handbook(tmp_path / "handbook")


def write_source(root: Path, files: Mapping[str, str], name: str = "site") -> Path:
    source = root.parent / f"{root.name}-source" / name
    source.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text(text, encoding="utf-8")
    return source


def run_import(root: Path, source: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["import-policies", str(source), "--root", str(root), *args], catch_exceptions=False
    )
    return result.exit_code, result.stdout


NO_OWNER = "guess: no owner: 'unassigned' written; fill in an owner id (`handbook check` reports it until then)"
UNKNOWN = (
    "guess: effective and reviewed unknown (not in the text, the file not in git): the import day 2026-06-01 "
    "written; fill in the real date"
)
AUDIENCE = "guess: no audience: 'all-staff' written"
SUMMARY = "guess: summary taken from the first paragraph"
PAD = " " * 25
NOT_MARKDOWN = "not a Markdown file (copy it yourself if a policy links to it)"


def test_a_jekyll_handbook_every_file_accounted_for(root: Path) -> None:
    code, out = run_import(root, write_source(root, JEKYLL))
    assert code == 0, out
    assert details(out) == [
        f"skipped                site/_config.yml: {NOT_MARKDOWN}",
        "skipped                site/_includes/contact.md: a Jekyll include: its text goes into the pages that "
        "include it",
        f"skipped                site/_layouts/page.html: {NOT_MARKDOWN}",
        "imported with guesses  site/finance/expenses.md -> policies/expenses.md",
        PAD + NO_OWNER,
        PAD + UNKNOWN,
        PAD + AUDIENCE,
        PAD + SUMMARY,
        "imported with guesses  site/hr/index.md -> policies/hr.md",
        PAD + NO_OWNER,
        PAD + UNKNOWN,
        PAD + AUDIENCE,
        PAD + SUMMARY,
        PAD + "liquid: site/hr/index.md:6: {% include contact.md %} replaced by the included file's text",
        PAD
        + "liquid: site/hr/index.md:6 -> contact.md:1: {{ site.baseurl }} removed (links start at the handbook's root)",
        PAD + "link: site/hr/index.md (from an include): link /hr/ -> hr.md",
        "imported with guesses  site/hr/leave.md -> policies/hr-leave.md",
        PAD + NO_OWNER,
        PAD + "guess: no review date: the effective date 2020-11-16 used",
        PAD + AUDIENCE,
        PAD + SUMMARY,
        PAD + "note: another page is also named 'leave.md': id 'hr-leave' from its folders",
        PAD + "note: old addresses /leave-policy/, /old/holidays.html redirect here",
        PAD + "liquid: site/hr/leave.md:10: {% comment %} removed",
        PAD + "liquid: site/hr/leave.md:12: {% alert %} block as a '!!! warning' admonition",
        PAD + "liquid: site/hr/leave.md:16: {% link it/leave.md %} as a link to it-leave.md",
        PAD + 'liquid: site/hr/leave.md:16: {% page "/it/security/" %} as a link to security.md',
        PAD + "liquid: site/hr/leave.md:17: {{ site.baseurl }} removed (links start at the handbook's root)",
        PAD + "liquid left: site/hr/leave.md:16: {% data variables.product.name %} kept as an HTML comment "
        "(no handbook equivalent): rewrite it by hand",
        PAD + "link: site/hr/leave.md:17: link /finance/expenses.html -> expenses.md",
        PAD + "link left: site/hr/leave.md:17: link /wiki/leave/: no imported page there; its text kept",
        "skipped                site/index.md: 'index.md' is the source site's home page, not a policy: "
        "copy what it says into docs/index.md",
        "imported with guesses  site/it/leave.md -> policies/it-leave.md",
        PAD + NO_OWNER,
        PAD + "guess: no review date: the effective date 2021-01-01 used",
        PAD + AUDIENCE,
        PAD + SUMMARY,
        PAD + "note: another page is also named 'leave.md': id 'it-leave' from its folders",
        PAD + "link: site/it/leave.md:6: link ../hr/leave.md -> hr-leave.md",
        "imported with guesses  site/it/security/index.md -> policies/security.md",
        PAD + NO_OWNER,
        PAD + UNKNOWN,
        PAD + AUDIENCE,
        PAD + SUMMARY,
        "imported with guesses  site/it/security/passwords.md -> policies/passwords.md",
        PAD + NO_OWNER,
        PAD + "guess: no effective date: the review date 2022-03-05 used",
        PAD + AUDIENCE,
        PAD + SUMMARY,
        PAD + "note: liquid: site/it/security/passwords.md:8: {{ not.resolved }} left as it is in a code block",
        "skipped                site/old-leave.md: a page that only redirects: /old-leave.html, /old-leave/ "
        "now redirect to hr-leave",
        "11 files: 0 imported, 6 imported with guesses, 5 skipped, 0 not imported",
    ]
    assert summary(out) == [
        "  imported: 6 (6 with guesses)",
        "  skipped: 5",
        "       2  not a Markdown file",
        "       1  a redirect-only page, now a redirect to the imported page",
        "       1  in one of Jekyll's own folders",
        "       1  the source site's home page",
        "  not imported: 0",
        "  defaults and guesses: 24",
        "       6  no audience",
        "       6  no owner",
        "       6  summary from the first paragraph",
        "       3  date unknown",
        "       2  review date from the effective date",
        "       1  effective date from the review date",
        "  links rewritten: 3",
        "  assets copied: 0",
        "  links left unresolved: 1",
        "  Liquid tags resolved: 7",
        "  Liquid tags left as HTML comments: 1",
        "  references to old numbers rewritten: 0",
        "  note: 4 old addresses of the source site now redirect to the imported policies (their 'redirect_from')",
    ]


def test_the_imported_policies(root: Path) -> None:
    run_import(root, write_source(root, JEKYLL))
    corpus = load_corpus(settings_for(root))
    assert corpus.load_errors == ()
    assert sorted(corpus.policies) == ["expenses", "hr", "hr-leave", "it-leave", "passwords", "security"]
    got = {
        p.id: (p.title, p.status, p.owner, p.tags, p.effective, p.reviewed, p.redirect_from)
        for p in corpus.policies.values()
    }
    today = dt.date(2026, 6, 1)
    assert got == {
        "expenses": ("Expenses", PolicyStatus.ACTIVE, "unassigned", ("finance",), today, today, ()),
        # A sub-folder's index page: named for its folder, tagged with it.
        "hr": ("Human resources", PolicyStatus.ACTIVE, "unassigned", ("hr",), today, today, ()),
        "hr-leave": (
            "Annual leave", PolicyStatus.ACTIVE, "unassigned", ("hr",), dt.date(2020, 11, 16), dt.date(2020, 11, 16),
            ("/leave-policy/", "/old/holidays.html", "/old-leave.html", "/old-leave/"),
        ),
        "it-leave": (
            "On-call leave", PolicyStatus.ACTIVE, "unassigned", ("it",), dt.date(2021, 1, 1), dt.date(2021, 1, 1), (),
        ),
        "passwords": (
            "Passwords", PolicyStatus.ACTIVE, "unassigned", ("it", "security"),
            dt.date(2022, 3, 5), dt.date(2022, 3, 5), (),
        ),
        "security": ("Security", PolicyStatus.ACTIVE, "unassigned", ("it", "security"), today, today, ()),
    }  # fmt: skip
    assert body(root, "policies/hr-leave.md") == (
        "Effective date: November 16, 2020\n\n"
        "Staff get 25 days of leave a year.\n\n"
        "!!! warning\n\n"
        "    Book leave two weeks ahead.\n\n"
        "<!-- liquid: {% data variables.product.name %} --> staff in [IT](it-leave.md) see [Security](security.md).\n"
        "See [expenses](expenses.md) and the old wiki.\n"
    )
    assert body(root, "policies/hr.md") == (
        "Everything about working here: hiring, pay and time off.\n\nAsk [HR](hr.md) at hr@example.com.\n"
    )
    assert "{{ not.resolved }}" in body(root, "policies/passwords.md")
    # Unknown dates say so in the file as well as in the report.
    assert (
        "# effective and reviewed: unknown in the source; the import day written: fill in the real date\n"
        in (root / "policies/expenses.md").read_text()
    )


def test_every_markdown_file_is_a_record_or_a_report_line(root: Path) -> None:
    source = write_source(root, JEKYLL)
    _, out = run_import(root, source, "--format", "json")
    files = {f["source"]: f for f in json.loads(out)["files"]}
    markdown = sorted(f"site/{p.relative_to(source).as_posix()}" for p in source.rglob("*.md"))
    assert len(markdown) == 9
    for label in markdown:
        entry = files[label]
        if entry["target"]:
            assert f"# Imported by `handbook import-policies` from {label}\n" in (root / entry["target"]).read_text()
        else:
            assert entry["verdict"] == "skipped" and entry["reason"], entry
    imported = [f for f in files.values() if f["target"]]
    assert len(imported) == len(list((root / "policies").glob("*.md"))) == 6


class Page(HTMLParser):
    """What a test needs of a built page: its refresh target, admonitions and visible text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.refresh: str | None = None
        self.classes: list[str] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("http-equiv") == "refresh":
            self.refresh = values.get("content")
        self.classes += (values.get("class") or "").split()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def built(site: Path, rel: str) -> Page:
    return Page((site / rel).read_text(encoding="utf-8"))


@pytest.mark.engine
def test_imported_with_an_owner_builds_strict_with_redirects(root: Path) -> None:
    code, out = run_import(root, write_source(root, JEKYLL), "--owner", "people-ops")
    assert code == 0, out
    done = strict_build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    for address in ("leave-policy/index.html", "old/holidays.html", "old-leave.html", "old-leave/index.html"):
        page = built(site, address)
        depth = address.count("/")
        assert page.refresh == f"0; url={'../' * depth}policies/hr-leave/", address
    leave = built(site, "policies/hr-leave/index.html")
    assert "admonition" in leave.classes and "warning" in leave.classes
    text = "".join(leave.text)
    assert "Book leave two weeks ahead." in text
    assert "{%" not in text and "{{" not in text and "check with legal" not in text


@pytest.mark.engine
def test_a_default_import_into_an_empty_handbook_builds_strict_and_shows_the_policies(root: Path) -> None:
    code, out = run_import(root, write_source(root, JEKYLL))
    assert code == 0, out
    done = strict_build(root)
    assert done.returncode == 0, done.stderr
    assert (root / "site/policies/hr-leave/index.html").is_file()
    assert (root / "site/policies/security/index.html").is_file()


def test_draft_holds_every_policy_back(root: Path) -> None:
    files = {**JEKYLL, "ours.md": policy("Already ours", owner="people-ops")}
    code, out = run_import(root, write_source(root, files), "--draft")
    assert code == 0, out
    corpus = load_corpus(settings_for(root))
    assert corpus.policies and {p.status for p in corpus.policies.values()} == {PolicyStatus.DRAFT}


def test_an_owner_given_is_written_and_the_policies_stay_published(root: Path) -> None:
    run_import(root, write_source(root, JEKYLL), "--owner", "people-ops")
    corpus = load_corpus(settings_for(root))
    assert {(p.owner, p.status) for p in corpus.policies.values()} == {("people-ops", PolicyStatus.ACTIVE)}
    assert corpus.errors == ()


def test_jekyll_published_false_stays_a_draft(root: Path) -> None:
    files = {"a/gone.md": "---\ntitle: Gone\npublished: false\n---\nOld text.\n", "a/kept.md": "# Kept\n\nText.\n"}
    run_import(root, write_source(root, files))
    corpus = load_corpus(settings_for(root))
    assert (corpus.policies["gone"].status, corpus.policies["kept"].status) == (PolicyStatus.DRAFT, PolicyStatus.ACTIVE)


def test_site_prefix_links_and_old_addresses(root: Path) -> None:
    files = {
        "hr/leave.md": (
            "---\ntitle: Leave\nredirect_from: /old-section/holidays/\n---\nSee [pay](/old-section/hr/pay/#when).\n"
        ),
        "hr/pay.md": "---\ntitle: Pay\n---\nPaid monthly. [Leave](/old-section/hr/leave.html) and [x](/elsewhere/).\n",
    }
    code, out = run_import(root, write_source(root, files), "--site-prefix", "/old-section/")
    assert code == 0, out
    assert body(root, "policies/leave.md") == "See [pay](pay.md#when).\n"
    assert body(root, "policies/pay.md") == "Paid monthly. [Leave](leave.md) and x.\n"
    assert front(root, "policies/leave.md")["redirect_from"] == ["/holidays/"]
    code, out = run_import(root, write_source(root, files), "--site-prefix", "old-section")
    assert (code, out) == (2, "")


def test_same_named_pages_both_kept_and_nested_folders_as_tags(root: Path) -> None:
    files = {
        "people/benefits/index.md": "# Benefits\n\nWhat staff get.\n",
        "people/benefits/leave.md": "# Leave\n\nTime off.\n",
        "contractors/leave.md": "# Contractor leave\n\nUnpaid.\n",
        "contractors/index.md": "# Contractors\n\nWho they are.\n",
    }
    code, _ = run_import(root, write_source(root, files))
    assert code == 0
    corpus = load_corpus(settings_for(root))
    assert {p.id: p.tags for p in corpus.policies.values()} == {
        "benefits": ("people", "benefits"),
        "people-benefits-leave": ("people", "benefits"),
        "contractors-leave": ("contractors",),
        "contractors": ("contractors",),
    }


def test_a_redirect_to_no_imported_page_is_reported(root: Path) -> None:
    files = {
        "moved.md": '<meta http-equiv="refresh" content="0; url=https://example.com/new/">\n',
        "a.md": "# A\n\nText.\n",
    }
    code, out = run_import(root, write_source(root, files))
    assert code == 0
    assert (
        "skipped                site/moved.md: a page that only redirects to https://example.com/new/, which is no "
        "imported page: not imported"
    ) in details(out)


def test_dates_from_the_last_commit_that_changed_the_file(root: Path) -> None:
    source = write_source(root, {}, name="repo")
    repo = Git(source)
    repo.commit({"a.md": "# A\n\nFirst.\n", "b.md": "# B\n\nFirst.\n"}, "add", "2023-04-05T10:00:00+00:00")
    repo.commit({"b.md": "# B\n\nSecond.\n"}, "edit b", "2024-07-08T10:00:00+00:00")
    repo.commit({"c.md": "# C\n\nEffective: 2 January 2020\n\nText.\n"}, "add c", "2025-01-01T10:00:00+00:00")
    code, out = run_import(root, source)
    assert code == 0, out
    corpus = load_corpus(settings_for(root))
    assert {p.id: (p.effective, p.reviewed) for p in corpus.policies.values()} == {
        "a": (dt.date(2023, 4, 5), dt.date(2023, 4, 5)),
        "b": (dt.date(2024, 7, 8), dt.date(2024, 7, 8)),
        "c": (dt.date(2020, 1, 2), dt.date(2020, 1, 2)),
    }
    assert (
        PAD + "guess: no effective date in the text: 2023-04-05, the last commit that changed the file, written"
    ) in details(out)


@pytest.mark.parametrize(
    ("line", "effective", "reviewed"),
    [
        ("Effective date: November 16, 2020", dt.date(2020, 11, 16), dt.date(2020, 11, 16)),
        ("**Version Effective Date:** 2021-01-01", dt.date(2021, 1, 1), dt.date(2021, 1, 1)),
        ("| Effective | 3 March 2021 |", dt.date(2021, 3, 3), dt.date(2021, 3, 3)),
        ("Effective from: 2019-02-01\nLast reviewed on: 2023-02-01", dt.date(2019, 2, 1), dt.date(2023, 2, 1)),
        ("_Last updated: 2022-05-06_", dt.date(2022, 5, 6), dt.date(2022, 5, 6)),
    ],
)
def test_dates_from_the_text(root: Path, line: str, effective: dt.date, reviewed: dt.date) -> None:
    run_import(root, write_source(root, {"p.md": f"# P\n\nText.\n\n## Status\n\n{line}\n"}))
    p = load_corpus(settings_for(root)).policies["p"]
    assert (p.effective, p.reviewed) == (effective, reviewed)


def test_a_bad_old_address_is_refused_at_its_line(write_handbook: Writer) -> None:
    root = write_handbook({"policies/a.md": policy("A", extra="redirect_from: [/ok/, ../../etc/x]\n")})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        "policies/a.md:11: error HB001 'redirect_from' has an entry that must be a path on this site like "
        "'/hr/old-leave/', got '../../etc/x'"
    )


# -- Liquid, tag by tag --------------------------------------------------------------------------
def convert(text: str, includes: Mapping[str, str] | None = None) -> liquid.Converted:
    pages = {"/hr/leave/": "hr-leave.md", "hr/leave.md": "hr-leave.md"}
    resolvers = liquid.Resolvers(
        link=lambda target: pages.get(target),
        title=lambda target: "Annual leave" if target in pages else None,
        include=lambda name, relative: (includes or {}).get(("./" if relative else "") + name),
        page_title="This page",
    )
    return liquid.convert(text, resolvers, label="p.md", first_line=5)


@pytest.mark.parametrize(
    ("text", "converted", "resolved", "left"),
    [
        ("a {% comment %}x\ny{% endcomment %}b\n", "a b\n", ["p.md:5: {% comment %} removed"], []),
        # Liquid shown as text: `{` as `&#123;` in prose (it reads the same), as it is in code.
        ("{% raw %}{{ x }}{% endraw %}\n", "&#123;{ x }}\n", ["p.md:5: {% raw %} block kept as text"], []),
        (
            "```\n{% raw %}{% x %}{% endraw %}\n```\n",
            "```\n{% x %}\n```\n",
            ["p.md:6: {% raw %} block kept as text"],
            [],
        ),
        ("Use `{{ x }}` here.\n", "Use `{{ x }}` here.\n", [], ["p.md:5: {{ x }} left as it is in a code block"]),
        (
            "Text.\n\n{% note %}\nRead this.\n{% endnote %}\n\nMore.\n",
            "Text.\n\n!!! note\n\n    Read this.\n\nMore.\n",
            ["p.md:7: {% note %} block as a '!!! note' admonition"],
            [],
        ),
        (
            "{% alert danger %}\n{% tip %}Inner.{% endtip %}\n{% endalert %}\n",
            "\n\n!!! danger\n\n    !!! tip\n\n        Inner.\n\n",
            [
                "p.md:6: {% tip %} block as a '!!! tip' admonition",
                "p.md:5: {% alert %} block as a '!!! danger' admonition",
            ],
            [],
        ),
        (
            'See {% page "/hr/leave/" %}.\n',
            "See [Annual leave](hr-leave.md).\n",
            ['p.md:5: {% page "/hr/leave/" %} as a link to hr-leave.md'],
            [],
        ),
        (
            "[L]({% link hr/leave.md %})\n",
            "[L](hr-leave.md)\n",
            ["p.md:5: {% link hr/leave.md %} as a link to hr-leave.md"],
            [],
        ),
        ("# {{ page.title }}\n", "# This page\n", ["p.md:5: {{ page.title }} as the page's title"], []),
        (
            '[a]({{ "/x/" | relative_url }})\n',
            "[a](/x/)\n",
            ["p.md:5: {{ \"/x/\" | relative_url }} as '/x/'"],
            [],
        ),
        (
            "{% include x.md %}\n",
            "Hello [home](/).\n",
            [
                "p.md:5: {% include x.md %} replaced by the included file's text",
                "p.md:5 -> x.md:1: {{ site.url }} removed (links start at the handbook's root)",
            ],
            [],
        ),
        (
            "{% include_relative y.md %}\n",
            "Near.\n",
            ["p.md:5: {% include_relative y.md %} replaced by the included file's text"],
            [],
        ),
        (
            "{% include missing.html %}\n",
            "<!-- liquid: {% include missing.html %} -->\n",
            [],
            [
                "p.md:5: {% include missing.html %} kept as an HTML comment (no such file in the source's _includes): "
                "rewrite it by hand"
            ],
        ),
        (
            "{% if user %}Hi{% endif %} {{ site.title | upcase }}\n",
            "<!-- liquid: {% if user %} -->Hi<!-- liquid: {% endif %} --> <!-- liquid: {{ site.title | upcase }} -->\n",
            [],
            [
                "p.md:5: {% if user %} kept as an HTML comment (no handbook equivalent): rewrite it by hand",
                "p.md:5: {% endif %} kept as an HTML comment (no handbook equivalent): rewrite it by hand",
                "p.md:5: {{ site.title | upcase }} kept as an HTML comment (no handbook equivalent): "
                "rewrite it by hand",
            ],
        ),
        (
            "{% page /nowhere/ %}\n",
            "<!-- liquid: {% page /nowhere/ %} -->\n",
            [],
            [
                "p.md:5: {% page /nowhere/ %} kept as an HTML comment (no imported page at that address): "
                "rewrite it by hand"
            ],
        ),
        ("~~~\n{% x %}\n~~~\n", "~~~\n{% x %}\n~~~\n", [], ["p.md:6: {% x %} left as it is in a code block"]),
        ("{% include loop.md %}\n", None, None, None),
    ],
)
def test_liquid(text: str, converted: str | None, resolved: list[str] | None, left: list[str] | None) -> None:
    includes = {"x.md": "Hello [home]({{ site.url }}/).\n", "./y.md": "Near.\n", "loop.md": "{% include loop.md %}"}
    out = convert(text, includes)
    if converted is None:  # an include that includes itself stops, reported
        assert out.text.count("<!-- liquid: {% include loop.md %} -->") == 1
        assert out.left[-1].endswith("kept as an HTML comment (includes nested too deep): rewrite it by hand")
        return
    assert (out.text, out.resolved, out.left + out.in_code) == (converted, resolved, left)


# -- the site: redirects from old addresses ------------------------------------------------------
@pytest.mark.parametrize("directory_urls", [True, False])
def test_old_addresses_redirect_and_never_replace_a_page(write_handbook: Writer, directory_urls: bool) -> None:
    root = write_handbook(
        {
            "policies/leave.md": policy("Leave", extra="redirect_from: [/hr/leave/, /policies/, /policies/pay/]\n"),
            "policies/pay.md": policy("Pay", extra="redirect_from: [/hr/leave/, /old/pay.html, /old/wages]\n"),
        }
    )
    corpus = load_corpus(settings_for(root))
    made = VersionPages(Context(corpus, Urls(use_directory_urls=directory_urls)), read_history(corpus))
    redirects = dict(made.redirects())
    page = "leave/" if directory_urls else "leave.html"
    pay = "pay/" if directory_urls else "pay.html"
    # `/policies/` is the policy register's address, and `/policies/pay/` the pay policy's when
    # addresses are folders: the site keeps its pages.
    expected = {
        "hr/leave/index.html": redirect_html(f"../../policies/{page}", "../../assets/handbook/redirect.js"),
        "old/pay.html": redirect_html(f"../policies/{pay}", "../assets/handbook/redirect.js"),
        "old/wages/index.html": redirect_html(f"../../policies/{pay}", "../../assets/handbook/redirect.js"),
    }
    if not directory_urls:
        expected["policies/pay/index.html"] = redirect_html("../leave.html", "../../assets/handbook/redirect.js")
    assert redirects == expected


def test_check_warns_of_each_old_address_the_site_will_not_redirect(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            "policies/leave.md": policy("Leave", extra="redirect_from: [/hr/leave/, /policies/, /policies/pay/]\n"),
            "policies/pay.md": policy("Pay", extra="redirect_from: [/hr/leave/, /old/pay.html]\n"),
        }
    )
    result = CliRunner().invoke(main, ["check", str(root), "--today", "2026-02-01", "--format", "json"])
    found = [
        (f["path"], f["line"], f["severity"], f["message"]) for f in json.loads(result.stdout) if f["code"] == "HB315"
    ]
    line = 11  # the 'redirect_from' line of each
    keep = "this policy gets no redirect from it; remove it here"
    assert found == [
        ("policies/leave.md", line, "warning", f"redirect_from '/policies/' is where the site serves policies/index.md, which it keeps: {keep}"),
        ("policies/leave.md", line, "warning", f"redirect_from '/policies/pay/' is where the site serves policies/pay.md, which it keeps: {keep}"),
        ("policies/pay.md", line, "warning", f"redirect_from '/hr/leave/' is listed by 'leave' too, which keeps it (the first by id): {keep}"),
    ]  # fmt: skip
    assert result.exit_code == 0, result.output  # warnings: the build still passes


def test_links_to_the_source_site_in_every_form() -> None:
    addresses = Addresses("/old/")
    addresses.add("hr/leave.md", "hr-leave", "Leave")
    addresses.add("/hr/leave.html", "hr-leave", "Leave")
    addresses.add("it/index.md", "it", "IT")
    text = (
        "[a](/old/hr/leave/#days) [b](../hr/leave.md) [c](https://example.com/hr/leave/) [d](#top)\n"
        '<a href="/old/it/">IT</a> <a href="/old/gone/">gone</a> `[e](/old/hr/leave/)` ![img](/old/logo.png)\n'
        "[ref]: /old/it/index.html\n"
    )
    out = relink(text, addresses, rel="it/pay.md", where=Locator(text, "site/it/pay.md", 4))
    assert out.text == (
        "[a](hr-leave.md#days) [b](hr-leave.md) [c](https://example.com/hr/leave/) [d](#top)\n"
        '<a href="it.md">IT</a> <a href="/old/gone/">gone</a> `[e](/old/hr/leave/)` img\n'
        "[ref]: it.md\n"
    )
    assert out.rewritten == [
        "site/it/pay.md:4: link /old/hr/leave/#days -> hr-leave.md#days",
        "site/it/pay.md:4: link ../hr/leave.md -> hr-leave.md",
        "site/it/pay.md:5: link /old/it/ -> it.md",
        "site/it/pay.md:6: link /old/it/index.html -> it.md",
    ]
    assert out.left == [
        "site/it/pay.md:5: link /old/gone/: no imported page there; left as it is",
        "site/it/pay.md:5: image /old/logo.png not imported: its alt text kept; copy the file by hand",
    ]
