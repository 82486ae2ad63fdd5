"""`handbook check`: every finding about the handbook, printed by `Report`."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..cache import Cache
from ..checks import from_error, kept, parse_selectors, run_checks, select
from ..history import History, read_history
from ..loading import load_corpus
from .common import FORMATS, Report, fewer_collections, path_prefix, site_settings

# -- check ---------------------------------------------------------------------------------
# Codes that need git history; without them selected, history is not read at all.
# HB205/HB206 too: which of two copies is the newer comes from git; HB310/HB311: the version pages;
# HB315: the policies with a published version, which alone get redirects.
HISTORY_CODES = (
    "HB104", "HB120", "HB202", "HB203", "HB205", "HB206", "HB207", "HB210", "HB211", "HB310", "HB311", "HB315",
)  # fmt: skip


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: path:line: severity code message; json: a list of findings; github: workflow annotations.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="The date reviews are due against (default: today's date).",
)
@click.option(
    "--select",
    "selected",
    multiple=True,
    metavar="CODES",
    help="Only these codes, comma-separated; a prefix selects a family (HB1 = every HB1xx).",
)
@click.option("--ignore", "ignored", multiple=True, metavar="CODES", help="Leave out these codes or prefixes.")
@click.option("--no-cache", is_flag=True, help="Parse every file again, ignoring .cache/handbook/.")
def check(
    path: Path,
    output_format: str,
    today: dt.datetime | None,
    selected: Sequence[str],
    ignored: Sequence[str],
    no_cache: bool,
) -> None:
    """Check the handbook at PATH (default: here): stale reviews, duplicates, integrity.

    Exit 0 when there is no error finding (warnings alone pass), 1 when there is one, 2 when a
    file cannot be loaded (HB0xx) or the usage is wrong.
    """
    from ..adapter.config import reading_order_problems
    from ..site.paths import Urls
    from ..site.sources import generated_pages

    fewer_collections()
    try:
        chosen, left_out = parse_selectors(selected), parse_selectors(ignored)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--select' / '--ignore'") from None
    settings = site_settings(path, output_format, then="check")
    # A check of some codes keeps the cache's other entries for the next whole check.
    cache = Cache.disabled() if no_cache else Cache.for_handbook(settings, prune=not (chosen or left_out))
    corpus = load_corpus(settings, cache=cache)
    wants_history = any(kept(code, chosen, left_out) for code in HISTORY_CODES)
    history = read_history(corpus, cache=cache) if wants_history and not corpus.load_errors else History(complete=False)
    day = today.date() if today else dt.date.today()
    # Links land on the pages the records make too: which those are is the site's to say.
    urls = Urls(settings.use_directory_urls)
    generated = generated_pages(corpus, history, urls) if not corpus.load_errors else None
    findings = run_checks(corpus, history, today=day, cache=cache, select=chosen, ignore=left_out, generated=generated)
    if not corpus.load_errors:  # the build warns of each, and --strict fails on a warning
        findings += [from_error(problem) for problem in reading_order_problems(corpus)]
    findings = select(findings, select=chosen, ignore=left_out)
    cache.save()
    report = Report(output_format, path_prefix=path_prefix(settings.root))
    for finding in findings:
        report.add(finding)
    if history.note and wants_history and not corpus.load_errors:
        click.echo(f"note: {history.note}", err=True)
    records = f"{len(corpus.policies)} policies, {len(corpus.decisions)} decisions"
    if corpus.feedback:
        records += f", {len(corpus.posts)} posts and {len(corpus.feedback)} feedback records"
    else:
        records += f" and {len(corpus.posts)} posts"
    counts = f"{report.errors} error(s), {report.warnings} warning(s) in {records}"
    if corpus.load_errors:
        counts += ": fix the files that cannot be loaded, then check again for everything else"
    report.finish(counts)
    sys.exit(report.exit_code)
