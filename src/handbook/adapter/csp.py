"""The site's Content-Security-Policy worked out from the theme's own pages, and put into every
page the build writes (`handbook.site.csp` holds the policy and its tag)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url, is_error_template

from ..site import csp
from ..site.build import SiteFile

log = get_plugin_logger(__name__)


def page_bases(files: Files, config: MkDocsConfig, inclusion: Any) -> frozenset[str]:
    """Every way from a page of the build to the site's root, as mkdocs gives templates their
    `base_url` (1.6): from each page's address, or the site's own path for an error page."""
    bases = {
        get_relative_url(".", "" if file.url in (".", "./") else file.url)
        for file in files.documentation_pages(inclusion=inclusion)
    }
    for name in [*config.theme.static_templates, *config.extra_templates]:
        if name.endswith(".html"):
            bases.add(urlsplit(config.site_url or "/").path if is_error_template(name) else get_relative_url(".", name))
    return frozenset(bases)


class ContentSecurity:
    """One build's policy: the hashes of the inline scripts the theme writes, which name the
    way to the site's root, for each way a page of this build has."""

    def __init__(self) -> None:
        self.policy: str | None = None
        self.hashes: frozenset[str] = frozenset()
        self.bases: frozenset[str] = frozenset()

    def work_out(self, env: Any, config: MkDocsConfig, files: Files, nav: Any, *, serving: bool) -> None:
        """Before any page is written (each carries the policy, and a worker writes some).
        Material writes the same scripts in every page at one depth: its 404 page, rendered at
        each, shows them."""
        inclusion = InclusionLevel.is_in_serve if serving else InclusionLevel.is_included
        bases = page_bases(files, config, inclusion)
        name = "404.html" if "404.html" in config.theme.static_templates else "main.html"
        template = env.get_template(name)
        hashes: set[str] = set()
        for base in sorted(bases):
            context = get_context(nav, files, config, base_url=base)
            hashes.update(csp.script_hash(body) for body in csp.inline_scripts(template.render(context)))
        self.policy, self.hashes, self.bases = csp.policy(hashes), frozenset(hashes), bases

    def static_page(self, file: File, item: SiteFile) -> None:
        """A page made whole (a redirect from a renamed policy's old address) carries it too."""
        if self.policy is None or item.content is None or not file.src_uri.endswith(".html"):
            return
        marked = csp.with_meta(item.content, self.policy)
        if marked is not None:
            file.content_string = marked

    def page(self, output: str, name: str, content: str = "") -> str | None:
        """The page with the policy's tag; an inline script of its template that the policy
        does not allow is a warning (scripts in its content are the checks' business, HB309)."""
        if self.policy is None:
            return None
        marked = csp.with_meta(output, self.policy)
        if marked is None:
            log.warning(f"{name}: no <head> in the page, so no Content-Security-Policy tag (a template without one?)")
            return None
        start = marked.find(content) if content else -1
        skip = (start, start + len(content)) if start >= 0 else (0, 0)
        for body in csp.uncovered(marked, self.hashes, skip=skip):
            log.warning(
                f"{name}: an inline script of its template is not in the site's Content-Security-Policy, "
                f"so browsers will not run it: {body[:80]!r}"
            )
        return marked

    def write(self, site_dir: str) -> None:
        """site/csp.txt: the policy every page carries, for a server to send as a header."""
        if self.policy is not None:
            (Path(site_dir) / csp.FILE).write_text(self.policy + "\n", encoding="utf-8")
