"""What an old address may be: the path of another site's page (an imported site's), kept in a
policy's `redirect_from` so that the site sends its readers on to the policy."""

from __future__ import annotations

import re
from typing import Any

# `/hr/leave/`, `/hr/leave.html`, `/old/wages`: from the site's root, no `.` or `..` part, no query.
_OLD_ADDRESS = re.compile(r"^/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?$")


def old_address(value: Any) -> str:
    """A path on this site that redirects to a policy; never one that climbs out of the site."""
    path = value.strip() if isinstance(value, str) else value
    if not isinstance(path, str) or path == "/" or not _OLD_ADDRESS.match(path):
        raise ValueError(f"must be a path on this site like '/hr/old-leave/', got {path!r}")
    return path
