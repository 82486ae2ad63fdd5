"""Redirect pages: from a renamed policy's old pages, and from the old addresses a policy lists in
`redirect_from` (an imported site's pages), as mkdocs-redirects writes them."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Set

from ..loading import Corpus
from ..oldaddress import claimed_addresses
from .html import esc
from .paths import ASSET_DIR, Urls, html_path, policy_src


def old_address_redirects(corpus: Corpus, urls: Urls, on_site: Set[str], known: Set[str]) -> Iterator[tuple[str, str]]:
    """`(site path, HTML)` of a redirect from each old address in a policy's `redirect_from` to
    the policy's page, as `claimed_addresses` keeps them (`known`: the site's source paths)."""
    kept, _ = claimed_addresses((corpus.policies[i] for i in on_site), served_files(urls, known))
    for path, policy_id in kept:
        here = posixpath.dirname(path) or "."
        target = urls.page(policy_src(policy_id))
        link = posixpath.relpath(target, here) + ("/" if target.endswith("/") else "")
        yield path, redirect_html(link, posixpath.relpath(f"{ASSET_DIR}/redirect.js", here))


def served_files(urls: Urls, known: Set[str]) -> dict[str, str]:
    """The file each source path is served from (a page's HTML, any other file as it is), to it."""
    return {src if not src.endswith(".md") else html_path(urls.page(src)): src for src in sorted(known)}


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
