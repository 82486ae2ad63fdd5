"""Where every page lands: source paths (as the site generator names them) and their URLs."""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass

HOME = "index.md"
POLICY_REGISTER = "policies/index.md"
DECISION_LOG = "decisions/index.md"
POLICY_REGISTER_JSON = "policies/register.json"
DECISION_REGISTER_JSON = "decisions/register.json"
START_HERE = "start-here.md"
READING_DIR = "reading"
READING_INDEX = "reading/index.md"
HEALTH_PAGE = "health.md"
OWNERS_INDEX = "owners/index.md"
FEEDS_PAGE = "feeds/index.md"
ACKNOWLEDGEMENTS_PAGE = "acknowledgements/index.md"
# Who acknowledged which version of the policies that ask for it, for Start here's script.
ACKNOWLEDGED_JSON = "acknowledgements/acknowledged.json"
# The files the handbook ships (style sheets, scripts, the diff library), served from the site.
ASSET_DIR = "assets/handbook"
VERSIONS_CSS = f"{ASSET_DIR}/versions.css"
# The style sheets and scripts every page links (in this order), and the version pages' own.
PAGE_ASSETS = (
    "handbook.css", "handbook.js", "reader.css", "search.js", "versions.css",
    "tables.css", "tables.js", "today.js", "notfound.js",
)  # fmt: skip
VERSION_ASSETS = ("diff.min.js", "diff.LICENSE.txt", "compare.js", "redirect.js")


def policy_src(policy_id: str) -> str:
    return f"policies/{policy_id}.md"


def decision_src(decision_id: str) -> str:
    return f"decisions/{decision_id}.md"


def version_src(policy_id: str, number: int) -> str:
    """A published version's permanent page: `policies/<id>/v<N>.md` -> `policies/<id>/v<N>/`."""
    return f"policies/{policy_id}/v{number}.md"


def history_src(policy_id: str) -> str:
    return f"policies/{policy_id}/history.md"


def versions_json_src(policy_id: str) -> str:
    return f"policies/{policy_id}/versions.json"


def reading_list_src(audience: str) -> str:
    return f"{READING_DIR}/{audience}.md"


def owner_src(owner_id: str) -> str:
    """The source path of an owner's page: their policies and the reviews falling due."""
    return f"owners/{owner_id}.md"


# The pages the navigation lists, beside the author's own: they show where the rest sit.
IN_NAVIGATION = ((HEALTH_PAGE, "Health"), (FEEDS_PAGE, "Feeds"))


def parent_page(src_uri: str) -> str | None:
    """The page a generated page sits under, for its breadcrumbs and its section's tab: a
    policy under the register, its versions and history under it, a decision under the log,
    the owners under Health, a reading list under Start here, a feedback record under its
    register. None: a page of its own."""
    folder, name = posixpath.split(posixpath.splitext(src_uri)[0])
    top = folder.split("/", 1)[0]
    if top == "policies" and name != "index":
        return POLICY_REGISTER if folder == "policies" else f"{folder}.md"
    if top == "decisions" and name != "index":
        return DECISION_LOG
    if top == "owners":
        return HEALTH_PAGE if name == "index" else OWNERS_INDEX
    if top == READING_DIR:
        return START_HERE if name == "index" else READING_INDEX
    if top == "acknowledgements":
        return START_HERE
    if top == "feedback" and name != "index":
        return FEEDBACK_REGISTER
    return None


def docs_relative(path: str, docs_dir: str) -> str:
    """`docs/blog/posts/x.md` -> `blog/posts/x.md`: a path under docs_dir as the site names it."""
    prefix = docs_dir.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else path


def md_path(from_src: str, to_src: str) -> str:
    """A Markdown link target from one source page to another; the site generator turns it into the page's URL."""
    return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")


def html_path(url: str) -> str:
    """The file that serves `url`: `policies/old/` -> `policies/old/index.html`."""
    return f"{url}index.html" if url.endswith("/") else url


@dataclass(frozen=True)
class Urls:
    """Maps a page's source path to its URL, as the site generator does (mkdocs' `File.url`)."""

    use_directory_urls: bool = True

    def page(self, src_uri: str) -> str:
        """`policies/refunds.md` -> `policies/refunds/`; `policies/index.md` -> `policies/`."""
        stem, _ = posixpath.splitext(src_uri)
        parent, name = posixpath.split(stem)
        if not self.use_directory_urls:
            return (
                f"{parent}/index.html"
                if name == "README" and parent
                else ("index.html" if name == "README" else f"{stem}.html")
            )
        if name in ("index", "README"):
            return f"{parent}/" if parent else "./"
        return f"{stem}/"

    def relative(self, from_src: str, to_url: str) -> str:
        """The link from the page built from `from_src` to the site path `to_url`."""
        here = self.page(from_src)
        base = here if here.endswith("/") else posixpath.dirname(here) + "/"
        if base == "./":
            base = ""
        return _relative(to_url, base)

    def link(self, from_src: str, to_src: str) -> str:
        return self.relative(from_src, self.page(to_src))


# The same links recur on every page of a folder, and on every rebuild under `mkdocs serve`.
@functools.lru_cache(maxsize=1 << 16)
def _relative(to_url: str, base: str) -> str:
    rel = posixpath.relpath(to_url or ".", base or ".")
    if to_url.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel


# Customer feedback ("You said, we did"): the register, a page per record, and the customer page,
# a self-contained HTML page with its own feed, published apart from the internal site.
FEEDBACK_REGISTER = "feedback/index.md"
PUBLIC_DIR = "you-said-we-did"
PUBLIC_PAGE = f"{PUBLIC_DIR}/index.html"
PUBLIC_FEED = f"{PUBLIC_DIR}/feed.xml"


def feedback_src(feedback_id: str) -> str:
    """A feedback record's page: `feedback/<id>.md` -> `feedback/<id>/`."""
    return f"feedback/{feedback_id}.md"


def public_page_url(urls: Urls) -> str:
    """The customer page's address in the site (a plain HTML file, not a page of the generator)."""
    return f"{PUBLIC_DIR}/" if urls.use_directory_urls else PUBLIC_PAGE
