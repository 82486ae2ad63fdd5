"""`handbook check`: findings about a loaded handbook, as values; printing is the CLI's business.

Codes: HB0xx a file that cannot become a record (HB010: mkdocs.yml or .authors.yml), HB1xx
stale (HB120, HB121: feedback waiting), HB2xx duplicate, HB3xx integrity (HB320-HB322: feedback),
HB4xx acknowledgements. `run_checks` returns every
finding, sorted by file and line; the same findings feed the site's health page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..settings import Settings
from .findings import CODES, Code, Finding, Severity, code_info, finding, from_error, kept, parse_selectors, select

if TYPE_CHECKING:
    from ..cache import Cache
    from ..history import History
    from ..loading import Corpus
    from .revisions import Revisions
    from .targets import GeneratedPages

__all__ = [
    "CODES",
    "DATED",
    "Code",
    "Finding",
    "Severity",
    "code_info",
    "finding",
    "from_error",
    "kept",
    "parse_selectors",
    "run_checks",
    "select",
]


# Codes whose findings depend on today's date or on other branches: left out when `today` is None.
DATED = ("HB101", "HB102", "HB104", "HB105", "HB120", "HB121", "HB209")


def run_checks(
    corpus: Corpus,
    history: History,
    *,
    today: dt.date | None,
    settings: Settings | None = None,
    revisions: Revisions | None = None,
    cache: Cache | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    published_only: bool = False,
    generated: GeneratedPages | None = None,
) -> list[Finding]:
    """Every finding about `corpus` whose code `select` and `ignore` keep, sorted by file and line;
    a check whose codes are all left out is not run.

    `today=None` runs only the checks that depend neither on today's date nor on other branches
    (none of `DATED`): what a build may show, since the same commit builds the same site on any
    day and any machine. `published_only` leaves drafts out of the texts compared for copies
    (HB205, HB206), for the site, where a draft's name never appears.

    When the handbook cannot be loaded (HB0xx), only the loader's findings are given: the other
    checks need every record, and would otherwise report the gaps a broken file leaves.
    `revisions` (same-version edits and the date each file last changed, from the changes
    `history` read from git) is worked out here when not given. `generated`: the source paths of
    the pages the records make, without which links to files that are not there (HB310-HB313)
    are not looked for.
    """
    from . import duplicates, feedback, integrity, liquid, personal, scripts, stale, targets, workflow
    from .pages import Site
    from .revisions import Revisions, read_revisions

    def wanted(*codes: str) -> bool:
        return any(kept(code, select, ignore) and (today is not None or code not in DATED) for code in codes)

    settings = settings or corpus.settings
    findings = integrity.loader_findings(corpus)
    if not corpus.load_errors:
        if revisions is None and wanted("HB104", "HB207", "HB211"):
            revisions = read_revisions(corpus, history, cache=cache, edits=wanted("HB207"), published=wanted("HB211"))
        site = Site.of(corpus, cache) if wanted("HB106", "HB307") else None
        if today is not None and wanted("HB101", "HB102", "HB104", "HB105"):
            findings += stale.dated(corpus, revisions or Revisions(), today=today, settings=settings)
        if today is not None and wanted("HB120", "HB121"):
            findings += feedback.dated(corpus, history, today=today)
        if wanted("HB108"):
            findings += stale.unassigned_owners(corpus)
        if site is not None:
            findings += stale.leaning_on_the_past(corpus, site)
            findings += integrity.check(corpus, history, site)
        if wanted("HB201", "HB202", "HB203", "HB205", "HB206", "HB207", "HB210", "HB211"):
            findings += duplicates.check(
                corpus,
                history,
                revisions or Revisions(),
                settings=settings,
                cache=cache,
                texts=wanted("HB205", "HB206"),
                drafts=not published_only,
            )
        if wanted("HB107"):
            findings += workflow.undated_decisions(corpus)
        if wanted("HB208"):
            findings += workflow.codeowners(corpus)
        if wanted("HB209"):
            findings += workflow.numbers_on_branches(corpus)
        if wanted("HB401", "HB402"):
            findings += workflow.acknowledgements(corpus)
        if wanted("HB309"):
            findings += scripts.check(corpus, cache)
        if wanted("HB322"):
            findings += personal.check(corpus, cache)
        if generated is not None and wanted("HB310", "HB311", "HB312", "HB313"):
            findings += targets.check(corpus, generated, cache)
        if generated is not None and wanted("HB315"):
            findings += [from_error(problem) for problem in generated.redirect_problems]
        if wanted("HB314"):
            findings += liquid.check(corpus)
    return sorted(
        {f for f in findings if kept(f.code, select, ignore) and (today is not None or f.code not in DATED)},
        key=Finding.sort_key,
    )
