"""The `handbook` command: click commands over the same loading and checks as the site."""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from .errors import HandbookError, printable
from .loading import Corpus, load_corpus
from .settings import Settings

EXIT_OK, EXIT_FINDINGS, EXIT_UNLOADABLE = 0, 1, 2


FORMATS = ("text", "json", "github")


class Report:
    """Prints findings in one format (text, json or github) and owns the exit code.

    Text is `path:line: severity code message`, one line each, grouped by file, then a summary
    line; json is one list of {path, line, severity, code, message, fix}; github is workflow
    annotations. Exit 2 when a reported finding is a file that could not be loaded (HB0xx),
    else 1 when any is an error, else 0: warnings alone pass.
    """

    def __init__(self, output_format: str = "text", *, path_prefix: str = "") -> None:
        self.format = output_format
        # GitHub wants paths from the repository's root; findings are relative to the handbook's.
        self.path_prefix = path_prefix
        self.errors = 0
        self.warnings = 0
        self.unloadable = False
        self.findings: list[Any] = []

    def problem(self, error: HandbookError, *, severity: str = "error") -> None:
        """Count and print one problem now, as text (for commands that report as they go)."""
        if severity == "error":
            self.errors += 1
        else:
            self.warnings += 1
        click.echo(printable(f"{error.path}:{error.line}: {severity} {error.code} {error.message}"))

    def add(self, finding: Any) -> None:
        """Keep a finding (a `checks.Finding`) to print with the others in `finish`."""
        if finding.is_error:
            self.errors += 1
        else:
            self.warnings += 1
        if finding.is_load_error:
            self.unloadable = True
        self.findings.append(finding)

    def finish(self, summary: str) -> None:
        findings = sorted(self.findings, key=lambda f: f.sort_key())
        if self.format == "json":
            click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
            click.echo(summary, err=True)
            return
        for f in findings:
            if self.format == "github":
                click.echo(_annotation(f, posixpath.normpath(posixpath.join(self.path_prefix, f.path))))
            else:
                # A file name with a newline must not print a second, made-up finding.
                click.echo(printable(f"{f.path}:{f.line}: {f.severity} {f.code} {f.message}"))
        click.echo(summary)

    @property
    def exit_code(self) -> int:
        if self.unloadable:
            return EXIT_UNLOADABLE
        return EXIT_FINDINGS if self.errors else EXIT_OK


def _annotation(finding: Any, path: str) -> str:
    """A GitHub Actions workflow command: `::error file=...,line=...,title=HB101::message`."""

    def data(text: str) -> str:
        return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    level = "error" if finding.is_error else "warning"
    where = f"file={prop(path)},line={finding.line},title={prop(finding.code)}"
    return f"::{level} {where}::{data(finding.message)}%0A{data(finding.fix)}"


def load_settings(root: Path) -> Settings:
    """Settings from the `handbook` section of root/mkdocs.yml; a bad file is bad usage (exit 2)."""
    from .blog_settings import with_blog_from_file
    from .config import ConfigError, read_settings

    try:
        return with_blog_from_file(read_settings(root), root / "mkdocs.yml")
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def load(root: Path) -> Corpus:
    return load_corpus(load_settings(root))


def site_settings(root: Path, output_format: str, *, then: str) -> Settings:
    """Settings after mkdocs.yml and .authors.yml are read with bounds and checked, as `check`
    and `build` read them before anything else; each problem is printed and exits 2 (HB010)."""
    from .checks import from_error
    from .config import ConfigError, read_site_config

    try:
        site = read_site_config(root)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    if site.errors or site.settings is None:
        report = Report(output_format, path_prefix=_prefix(root))
        for error in site.errors:
            report.add(from_error(error))
        report.finish(f"{report.errors} error(s) in the site's configuration: fix them, then {then} again")
        sys.exit(EXIT_UNLOADABLE)
    return site.settings


@click.group()
@click.version_option(package_name="handbook")
def main() -> None:
    """Policies, decisions and posts kept as Markdown in git."""


# -- check ---------------------------------------------------------------------------------
# Codes that need git history; without them selected, history is not read at all.
HISTORY_CODES = ("HB104", "HB202", "HB203", "HB207")


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: path:line: severity code message; json: a list of findings; github: workflow annotations.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="The date reviews are due against (default: today's date).")
@click.option("--select", "selected", multiple=True, metavar="CODES",
              help="Only these codes, comma-separated; a prefix selects a family (HB1 = every HB1xx).")
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
    from .cache import Cache
    from .checks import from_error, parse_selectors, run_checks, select
    from .config import reading_order_problems
    from .history import History, read_history

    try:
        chosen, left_out = parse_selectors(selected), parse_selectors(ignored)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--select' / '--ignore'") from None
    settings = site_settings(path, output_format, then="check")
    cache = Cache.disabled() if no_cache else Cache.for_handbook(settings)
    corpus = load_corpus(settings, cache=cache)
    wants_history = any(_kept(code, chosen, left_out) for code in HISTORY_CODES)
    history = read_history(corpus) if wants_history and not corpus.load_errors else History(complete=False)
    findings = run_checks(corpus, history, today=today.date() if today else dt.date.today(), cache=cache)
    if not corpus.load_errors:  # the build warns of each, and --strict fails on a warning
        findings += [from_error(problem) for problem in reading_order_problems(corpus)]
    findings = select(findings, select=chosen, ignore=left_out)
    cache.save()
    report = Report(output_format, path_prefix=_prefix(settings.root))
    for finding in findings:
        report.add(finding)
    if history.note and wants_history and not corpus.load_errors:
        click.echo(f"note: {history.note}", err=True)
    counts = (
        f"{report.errors} error(s), {report.warnings} warning(s) in {len(corpus.policies)} policies, "
        f"{len(corpus.decisions)} decisions and {len(corpus.posts)} posts"
    )
    if corpus.load_errors:
        counts += ": fix the files that cannot be loaded, then check again for everything else"
    report.finish(counts)
    sys.exit(report.exit_code)


def _kept(code: str, chosen: Sequence[str], left_out: Sequence[str]) -> bool:
    """Whether --select and --ignore keep findings with `code`."""
    return (not chosen or code.startswith(tuple(chosen))) and not code.startswith(tuple(left_out))


def _prefix(root: Path) -> str:
    """The handbook's folder from the current directory, when it is inside it."""
    try:
        relative = os.path.relpath(root.resolve(), Path.cwd())
    except ValueError:
        return ""
    return "" if relative.startswith("..") else Path(relative).as_posix()


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Where the site goes (relative to PATH); never a folder that holds or lies inside the sources.",
)
@click.option("--no-wait", is_flag=True, help="While another build of this site runs, exit 2 at once, not waiting.")
def build(path: Path, site_dir: Path, no_wait: bool) -> None:
    """Build the site with --strict; replace SITE_DIR only when the whole build succeeded.

    mkdocs.yml and the blog's .authors.yml are read first, with bounds (mkdocs and Material read
    them without any), and checked as `handbook check` checks them. One build of a site runs at
    a time (a lock in SITE_DIR.lock); a build that was killed is recovered from by the next.
    Exit 1 when the strict build fails, 2 when the configuration is bad, the site folder
    overlaps the sources, another build runs (--no-wait) or the site cannot be written.
    """
    from .publish import PublishError, build_and_swap

    site_settings(path, "text", then="build")
    try:
        code = build_and_swap(path.resolve(), site_dir, wait=not no_wait)
    except PublishError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_UNLOADABLE)
    sys.exit(code)


# The editor's commands (new, supersede, import-*, codeowners, ack, digest) live in cli_editor.
from .cli_editor import register as _register_editor_commands  # noqa: E402

_register_editor_commands(main)


# -- as-of: which version was in force on a date ---------------------------------------------
def _as_of_day(ctx: click.Context, param: click.Parameter, value: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.datetime.strptime(value, "%Y-%m-%d").date()  # exactly YYYY-MM-DD, nothing looser
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: give it as YYYY-MM-DD, like 2026-03-01") from None


def _use_directory_urls(root: Path) -> bool:
    """mkdocs.yml's `use_directory_urls` (default true): permanent URLs end in `/` or `.html`."""
    from .config import ConfigError, read_config_file

    try:
        data: Any = read_config_file(root / "mkdocs.yml").data
    except ConfigError:  # load_settings has already reported an unreadable mkdocs.yml
        return True
    value = data.get("use_directory_urls", True)
    return value if isinstance(value, bool) else True


@main.command("as-of")
@click.argument("day", metavar="DATE", callback=_as_of_day)
@click.argument("policy_ids", metavar="[POLICY_ID]...", nargs=-1)
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--path", "root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".",
              show_default=True, help="The handbook's root, where mkdocs.yml is.")
def as_of(day: dt.date, policy_ids: tuple[str, ...], output_format: str, root: Path) -> None:
    """Which version of each policy was in force on DATE (YYYY-MM-DD), by its effective date.

    Every published policy by default, or the POLICY_IDs given (an old id of a renamed policy
    works too), each with the permanent URL of that version. Exit 0 with an answer for each;
    2 for a bad date, an unknown policy, or records that cannot be loaded.
    """
    from .compile import version_src
    from .history import UnknownPolicy, in_force_on, read_history
    from .urls import Urls

    corpus = load(root)
    if corpus.load_errors:
        for error in corpus.load_errors:
            click.echo(printable(f"{error.path}:{error.line}: error {error.code} {error.message}"), err=True)
        click.echo("Fix the files that cannot be loaded, then ask again.", err=True)
        sys.exit(EXIT_UNLOADABLE)
    history = read_history(corpus)
    try:
        answers = in_force_on(corpus, history, day, policy_ids)
    except UnknownPolicy as exc:
        message = f"no policy '{exc}': give a policy's id, its file name without .md"
        raise click.BadParameter(message, param_hint="POLICY_ID") from None
    urls, site = Urls(_use_directory_urls(root)), corpus.settings.site_url
    # Each version's permanent address, on the site when its URL is known.
    pages = {a.policy_id: urls.page(version_src(a.policy_id, a.version.number)) for a in answers if a.version}
    address = {pid: f"{site.rstrip('/')}/{page}" if site else page for pid, page in pages.items()}
    if output_format == "json":
        click.echo(json.dumps({
            "date": day.isoformat(),
            "complete": history.complete,
            "note": history.note,
            "policies": [{
                "id": a.policy_id,
                "title": a.title,
                "state": a.state,
                "message": a.message,
                "version": a.version.number if a.version else None,
                "effective": a.version.effective.isoformat() if a.version and a.version.effective else None,
                "url": address.get(a.policy_id),
                "superseded_by": a.successor,
            } for a in answers],
        }, indent=2, ensure_ascii=False))  # fmt: skip
        return
    if history.note:
        click.echo(f"note: {history.note}", err=True)
    if not answers:
        click.echo(f"No policy has been published as of {day.isoformat()}.")
    for answer in answers:
        url = address.get(answer.policy_id)
        click.echo(f"{answer.policy_id}: {answer.message}" + (f"  {url}" if url else ""))
