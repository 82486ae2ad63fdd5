"""Which pages Pagefind reads: marked in the HTML Material writes, and staged for it as written."""

from __future__ import annotations

_ARTICLE = '<article class="md-content__inner md-typeset">'


def mark_searchable(page_html: str, attributes: str = "") -> str | None:
    """The page with `data-pagefind-body` (and `attributes`) on Material's content article, so
    that Pagefind indexes its text and nothing around it; None when the page has no such article."""
    if _ARTICLE not in page_html:
        return None
    marked = _ARTICLE[:-1] + f" data-pagefind-body{attributes}>"
    return page_html.replace(_ARTICLE, marked, 1)

