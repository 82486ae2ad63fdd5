"""partials.py: a partial is shared only between pages whose every link comes out the same;
Material's strings and tables of contents are worked out once and read the same."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import material
import pytest
from mkdocs.utils import get_relative_url

import handbook
from handbook.fast.partials import Once, Shared, Translations, next_loader, toc_key


@dataclass
class File:
    src_uri: str


@dataclass
class Item:
    url: str | None
    file: File | None = None
    children: list[Any] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)


@dataclass
class Page:
    url: str
    file: File
    parent: Any = None


@dataclass
class Nav:
    items: list[Item]
    homepage: Item | None = None


def page(url: str, src_uri: str | None = None) -> Page:
    return Page(url, File(src_uri or (url.rstrip("/") or "index") + ".md"))


NAV_URLS = ["", "start-here/", "policies/", "decisions/", "blog/", "policies/refunds/v2/"]


def nav() -> Nav:
    items = [Item(url, File((url.rstrip("/") or "index") + ".md")) for url in NAV_URLS]
    section = Item(None, children=[Item("blog/archive/2026/", File("blog/archive/2026.md"))])
    home = items[0]
    return Nav([*items, section], homepage=home)


PAGES = [
    "policies/refunds/",
    "policies/returns/",
    "policies/returns/v1/",
    "policies/returns/v2/",
    "policies/refunds/v1/",
    "policies/refunds/history/",
    "decisions/0001-use-git/",
    "decisions/0002-feeds/",
    "owners/billing/",
    "blog/2026/01/02/post/",
    "policies/refunds/v1.html",
    "policies/returns/v1.html",
    "reading/support.html",
]


def assert_sharing_pages_link_alike(keys: dict[str, Any], targets: list[str]) -> None:
    """Any two pages (by URL) with the same key link to every target alike."""
    for first, second in itertools.combinations(keys, 2):
        if keys[first] == keys[second]:
            links = [get_relative_url(t, first) for t in targets], [get_relative_url(t, second) for t in targets]
            assert links[0] == links[1], (first, second)


def test_pages_sharing_a_key_have_the_same_links() -> None:
    shared = Shared(nav(), ["assets/logo.png"])
    targets = [*NAV_URLS, "blog/archive/2026/", "assets/logo.png", "assets/stylesheets/main.css"]
    keys = {url: shared.key(page(url), "nav") for url in PAGES}
    assert all(key is not None for key in keys.values())
    assert_sharing_pages_link_alike(keys, targets)
    # Version pages of different policies share one rendering; record pages another.
    assert keys["policies/returns/v1/"] == keys["policies/returns/v2/"]
    assert keys["policies/returns/v1/"] != keys["policies/returns/"]
    assert keys["policies/returns/"] != keys["decisions/0001-use-git/"]  # one depth, other links
    assert keys["decisions/0001-use-git/"] == keys["decisions/0002-feeds/"]
    # A page whose folder holds a linked page (refunds/v2 is in the nav) has links of its own.
    assert keys["policies/refunds/v1/"] != keys["policies/returns/v1/"]


def test_pages_placed_under_a_page_share_only_with_those_under_the_same_section() -> None:
    """A page placed under another (its breadcrumbs) marks that page's place in the navigation
    active: shared with the pages of its folder placed in the same section, no other."""
    the_nav = nav()
    policies, decisions = the_nav.items[2], the_nav.items[3]
    refunds = Page("policies/rules/", File("policies/rules.md"), parent=policies)
    returns = Page("policies/returns/", File("policies/returns.md"), parent=policies)
    versions = [Page(f"policies/returns/v{n}/", File(f"policies/returns/v{n}.md"), parent=returns) for n in (1, 2)]
    elsewhere = Page("policies/other/", File("policies/other.md"), parent=decisions)
    unplaced = Page("policies/lost/", File("policies/lost.md"), parent=policies)
    placed = [p.file.src_uri for p in (refunds, returns, *versions, elsewhere)]
    shared = Shared(the_nav, placed=placed)
    assert shared.key(refunds, "tabs") == shared.key(returns, "tabs") == ("tabs", "policies", 2, "policies.md")
    assert shared.key(versions[0], "nav") == shared.key(versions[1], "nav") != shared.key(returns, "nav")
    assert shared.key(versions[0], "nav") == ("nav", "policies", 3, "policies.md")
    assert shared.key(elsewhere, "tabs") == ("tabs", "policies", 2, "decisions.md")
    # A page with a parent the handbook did not give it (a blog post's) renders its own.
    assert shared.key(unplaced, "tabs") is None


def test_pages_in_the_navigation_render_their_own() -> None:
    the_nav = nav()
    shared = Shared(the_nav)
    assert shared.key(page("policies/", "policies.md"), "nav") is None
    assert shared.key(page("blog/archive/2026/", "blog/archive/2026.md"), "nav") is None
    post = Page("blog/2026/01/02/post/", File("blog/posts/post.md"), parent=the_nav.items[4])
    assert shared.key(post, "nav") is None
    listed = Item("blog/", File("blog/index.md"), pages=[page("blog/page/2/", "blog/page/2.md")])
    assert Shared(Nav([listed])).key(page("blog/page/2/", "blog/page/2.md"), "nav") is None


def test_a_call_renders_once_per_key_and_the_theme_partial_stays_reachable(tmp_path: Any) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    (ours / "partials").mkdir(parents=True)
    (theirs / "partials").mkdir(parents=True)
    (theirs / "partials" / "nav.html").write_text("<nav>{{ counter.bump() }}</nav>")
    (ours / "partials" / "nav.html").write_text(
        '{% call hb_shared("nav") %}{% include "hb-next/partials/nav.html" %}{% endcall %}'
    )
    loader = jinja2.FileSystemLoader([str(ours), str(theirs)])
    env = jinja2.Environment(loader=next_loader(loader, [str(theirs)]))

    class Counter:
        count = 0

        def bump(self) -> int:
            self.count += 1
            return self.count

    counter = Counter()
    env.globals.update(hb_shared=Shared(nav()), counter=counter)
    template = env.get_template("partials/nav.html")
    outputs = [template.render(page=page(url)) for url in ("policies/a/v1/", "policies/b/v3/", "policies/")]
    assert outputs == ["<nav>1</nav>", "<nav>1</nav>", "<nav>2</nav>"]
    assert template.render(page=page("policies/", "policies.md")) == "<nav>3</nav>"  # in the nav


def test_pages_among_materials_own_files_render_their_own() -> None:
    """The shared style sheet, script and settings blocks link into Material's asset folders:
    a page in one of them (a docs page under assets/) gets links, and a rendering, of its own."""
    from handbook.fast.shortcuts import MATERIAL_ASSET_DIRS

    shared = Shared(nav(), MATERIAL_ASSET_DIRS)
    assets = ["assets/stylesheets/main.1234.min.css", "assets/javascripts/bundle.5678.min.js"]
    assets += ["assets/javascripts/workers/search.9abc.min.js", "assets/images/favicon.png"]
    pages = ["assets/stylesheets/extra/", "assets/javascripts/extra/", "other/stylesheets/extra/", "owners/a/b/"]
    keys = {url: shared.key(page(url), "styles") for url in pages}
    assert_sharing_pages_link_alike(keys, assets)
    assert keys["other/stylesheets/extra/"] == keys["owners/a/b/"]
    assert keys["assets/stylesheets/extra/"] != keys["other/stylesheets/extra/"]


MATERIAL = str(Path(material.__file__).parent / "templates")
OURS = str(Path(handbook.__file__).parent / "fast" / "templates")
STRINGS = '{% import "partials/language.html" as lang with context %}'
STRINGS += '{{ lang.t("toc") }}|{{ lang.t("action.skip") }}|{{ lang.t("no.such.key") }}|{{ lang.t("direction") }}'


@pytest.mark.parametrize("language", ["en", "de", "fr", "ja"])
def test_materials_strings_are_looked_up_once_and_read_the_same(language: str) -> None:
    """Our partials/language.html gives each key what Material's own gives, and makes
    Material's module once per language, not once per page."""
    config = {"theme": {"language": language}}
    theirs = jinja2.Environment(loader=jinja2.FileSystemLoader([MATERIAL]))
    env = jinja2.Environment(loader=next_loader(jinja2.FileSystemLoader([OURS, MATERIAL]), [MATERIAL]))
    translations = Translations(env)
    env.globals["hb_t"] = translations
    expected = theirs.from_string(STRINGS).render(config=config)
    made = []
    real = jinja2.Template.make_module

    def counted(template: jinja2.Template, *args: Any, **kwargs: Any) -> Any:
        made.append(template.name)
        return real(template, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jinja2.Template, "make_module", counted)
        pages = [env.from_string(STRINGS).render(config=config) for _ in range(3)]
    assert pages == [expected] * 3
    assert expected.split("|")[2] == "no.such.key" and expected.split("|")[3] == "ltr"
    # The language's strings and the English fallback, imported once for the three pages.
    imported = [name for name in made if name.startswith("partials/languages/")]
    assert imported == list(dict.fromkeys([f"partials/languages/{language}.html", "partials/languages/en.html"]))
    # Without the build's lookup (Material's blog renders the partial in an environment of its
    # own), the same partial reads Material's strings itself.
    bare = jinja2.Environment(loader=jinja2.FileSystemLoader([OURS, MATERIAL]))
    assert bare.from_string(STRINGS).render(config=config) == expected


@dataclass
class Anchor:
    id: str
    title: str
    level: int
    children: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return "#" + self.id


def test_a_table_of_contents_is_shared_only_with_one_that_reads_the_same() -> None:
    def toc(title: str = "Scope", level: int = 2) -> list[Anchor]:
        return [Anchor("purpose", "Purpose", 1, [Anchor("scope", title, level)])]

    assert toc_key(toc()) == toc_key(toc()) is not None
    assert toc_key(toc()) != toc_key(toc("Scope and reach"))
    assert toc_key(toc()) != toc_key(toc(level=3))
    assert toc_key([]) == ()
    typeset = toc()
    typeset[0].children[0].typeset = {"title": "<code>Scope</code>"}  # type: ignore[attr-defined]
    assert toc_key(typeset) is None

    once, calls = Once(), []

    def caller() -> str:
        calls.append(1)
        return f"<nav>{len(calls)}</nav>"

    assert once("toc", toc_key(toc()), False, caller=caller) == "<nav>1</nav>"
    assert once("toc", toc_key(toc()), False, caller=caller) == "<nav>1</nav>"
    assert once("toc", toc_key(toc()), True, caller=caller) == "<nav>2</nav>"  # a page in the nav
    assert once("toc", None, False, caller=caller) == "<nav>3</nav>"
    assert once("toc", None, False, caller=caller) == "<nav>4</nav>"
