"""What an old address may be: the path of another site's page (an imported site's), kept in a
policy's `redirect_from` so that the site sends its readers on to the policy."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import HandbookError
from .records import Policy

# `/hr/leave/`, `/hr/leave.html`, `/old/wages`: from the site's root, no `.` or `..` part, no query.
_OLD_ADDRESS = re.compile(r"^/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?$")


def old_address(value: Any) -> str:
    """A path on this site that redirects to a policy; never one that climbs out of the site."""
    path = value.strip() if isinstance(value, str) else value
    if not isinstance(path, str) or path == "/" or not _OLD_ADDRESS.match(path):
        raise ValueError(f"must be a path on this site like '/hr/old-leave/', got {path!r}")
    return path


def address_file(address: str) -> str:
    """The file that serves an old address: `/hr/leave/` and `/hr/leave` -> `hr/leave/index.html`."""
    path = address.lstrip("/")
    if path.endswith("/") or not path.endswith((".html", ".htm")):
        return path.rstrip("/") + "/index.html"
    return path


def claimed_addresses(
    policies: Iterable[Policy], taken: Mapping[str, str]
) -> tuple[list[tuple[str, str]], list[HandbookError]]:
    """`(file, policy id)` of each old address the site redirects, and why each other is not
    (HB315). `policies`: those on the site; when two list one address, the first by id keeps
    it. `taken`: the site's own files (by the page or file that makes each), which keep theirs."""
    kept: dict[str, str] = {}
    problems = []
    for policy in sorted(policies, key=lambda p: p.id):
        for address in policy.redirect_from:
            file = address_file(address)
            if file in taken:
                why = f"is where the site serves {taken[file]}, which it keeps"
            elif kept.get(file, policy.id) != policy.id:
                why = f"is listed by '{kept[file]}' too, which keeps it (the first by id)"
            else:
                kept[file] = policy.id  # (an address listed twice by one policy redirects once)
                continue
            problems.append(HandbookError(
                policy.path, policy.line_of("redirect_from"),
                f"redirect_from '{address}' {why}: this policy gets no redirect from it; remove it here",
                "HB315",
            ))  # fmt: skip
    return list(kept.items()), problems
