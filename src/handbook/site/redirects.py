"""Redirect pages: from a renamed policy's old pages, and from the old addresses a policy lists in
`redirect_from` (an imported site's pages), as mkdocs-redirects writes them."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Set

from ..loading import Corpus
from .html import esc
from .paths import ASSET_DIR, Urls, html_path, policy_src


def old_address_redirects(corpus: Corpus, urls: Urls, on_site: Set[str], known: Set[str]) -> Iterator[tuple[str, str]]:
    """`(site path, HTML)` of a redirect from each old address in a policy's `redirect_from` to
    the policy's page; when two policies list one address, the first by id keeps it, and an
    address where the site has a page of its own (`known`: source paths) keeps the page."""
    seen = {src if not src.endswith(".md") else html_path(urls.page(src)) for src in known}
    for policy_id in sorted(on_site):
        for address in corpus.policies[policy_id].redirect_from:
            path = address_file(address)
            if path in seen:
                continue
            seen.add(path)
            here = posixpath.dirname(path) or "."
            target = urls.page(policy_src(policy_id))
            link = posixpath.relpath(target, here) + ("/" if target.endswith("/") else "")
            yield path, redirect_html(link, posixpath.relpath(f"{ASSET_DIR}/redirect.js", here))


def address_file(address: str) -> str:
    """The file that serves an old address: `/hr/leave/` and `/hr/leave` -> `hr/leave/index.html`."""
    path = address.lstrip("/")
    if path.endswith("/") or not path.endswith((".html", ".htm")):
        return path.rstrip("/") + "/index.html"
    return path


def redirect_html(target: str, script: str) -> str:
    """A page that sends the reader to `target` (relative), as mkdocs-redirects writes them, but
    with `script` (redirect.js, keeping the #section) served from the site: no inline script."""
    href = esc(target)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Redirecting&hellip;</title>\n'
        f'<link rel="canonical" href="{href}">\n<meta name="robots" content="noindex">\n'
        f'<script src="{esc(script)}"></script>\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n</head>\n<body>\n'
        f'<p>This page has moved. <a href="{href}">Go to its new address</a>.</p>\n</body>\n</html>\n'
    )
