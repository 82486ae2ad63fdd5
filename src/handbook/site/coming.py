"""A version that comes into force later: the mark its pages carry, from which the reader's
browser (`assets/today.js`) says "coming into force on ..." and names the version in force
until then. A build never knows what day it is read, so the page holds the dates, not the answer."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from .html import esc
from .paths import Urls, version_src


def coming_mark(
    urls: Urls,
    src: str,
    policy_id: str,
    number: int,
    effective: dt.date | None,
    earlier: Iterable[tuple[int, dt.date | None]],
) -> str:
    """The hidden mark for version `number` of a policy, effective on `effective`, on the page
    `src`; `earlier`: the published versions before it (number, effective date), each linked."""
    if effective is None:
        return ""
    before = [
        {"number": n, "effective": day.isoformat(), "href": urls.link(src, version_src(policy_id, n))}
        for n, day in earlier
        if day is not None and n < number
    ]
    data = json.dumps(before, separators=(",", ":"), sort_keys=True)
    return (
        f'<div class="hb-coming" data-version="{number}" data-effective="{effective.isoformat()}" '
        f'data-earlier="{esc(data)}" hidden></div>'
    )
