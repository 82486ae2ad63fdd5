"""The build date: SOURCE_DATE_EPOCH when set, else HEAD's commit date, else the newest content date.

Never the clock, so that the same commit builds byte-identical pages and feeds.
"""

from __future__ import annotations

import datetime as dt
import os

from .git import head_commit_time
from .loading import Corpus

# The last second a gzip header's four-byte time holds (2106-02-07).
GZIP_LAST_SECOND = 2**32 - 1


def build_epoch(corpus: Corpus) -> int:
    """Seconds since the epoch to stamp this build with."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    stamp = head_commit_time(corpus.settings.root)
    if stamp is not None:
        return stamp
    return _newest_content_epoch(corpus)


def _newest_content_epoch(corpus: Corpus) -> int:
    """Without git (a tarball): the newest date any record carries, at midnight UTC."""
    days = [p.reviewed for p in corpus.published_policies] + [p.effective for p in corpus.published_policies]
    days += [d.date for d in corpus.decisions.values() if d.date is not None]
    days += [p.date for p in corpus.published_posts]
    newest = max(days, default=dt.date(1970, 1, 1))
    epoch = int(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC).timestamp())
    # Within what the sitemap's gzip header can hold (1970 to 2106): a record dated 9999-12-31 is valid.
    return min(max(epoch, 0), GZIP_LAST_SECOND)


def build_datetime(corpus: Corpus) -> dt.datetime:
    return dt.datetime.fromtimestamp(build_epoch(corpus), tz=dt.UTC)
