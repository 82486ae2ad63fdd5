"""The editor's commands: new, supersede, import-decisions, import-policies, codeowners, ack, digest.

Exit codes follow `handbook check`: 0 done, 1 findings (a stale CODEOWNERS, a record that could
not be imported), 2 bad usage or a refusal (a file that would be overwritten, a link that
would break the handbook, input that cannot be read).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..editing import Refused, scaffold
from ..editing import supersede as superseding
from ..errors import HandbookError
from ..settings import Settings
from .common import DATE, ROOT, Refusal, Report, load, load_settings, shown
from .importing import REPORT_FORMAT, import_decisions, print_report, source_folder


def today() -> dt.date:
    """The local date: what `--date` defaults to (tests replace it)."""
    return dt.date.today()


def _today(value: dt.date | None) -> dt.date:
    return value or today()


def _create(settings: Settings, record: scaffold.NewRecord) -> None:
    try:
        target = scaffold.write_new(settings, record)
    except Refused as exc:
        raise Refusal(str(exc)) from None
    click.echo(shown(target))


# -- new ------------------------------------------------------------------------------
@click.group()
def new() -> None:
    """Create a policy, decision, post or feedback record with valid front matter and print its path.

    Never overwrites a file: an existing path is refused with exit code 2.
    """


@new.command("policy")
@click.argument("title")
@click.option("--owner", help="Owner id from the owners registry (asked for on a terminal when left out).")
@click.option("--id", "policy_id", help="File name without .md (default: made from the title).")
@click.option(
    "--audience",
    multiple=True,
    help="Reading list: one of the audiences in mkdocs.yml; repeat for several (default: all-staff).",
)
@click.option("--summary", help="One sentence saying what the policy is for (default: a TODO).")
@click.option("--date", "day", type=DATE, help="Effective and reviewed date (default: today).")
@ROOT
def new_policy(
    title: str,
    owner: str | None,
    policy_id: str | None,
    audience: Sequence[str],
    summary: str | None,
    day: dt.date | None,
    root: Path,
) -> None:
    """A draft policy, version 1: policies/<id>.md."""
    from ..owners import load_owners

    settings = load_settings(root)
    if owner is None:
        owners = sorted(load_owners(settings))
        if not sys.stdin.isatty():
            raise Refusal(
                f"give the policy's owner with --owner: one of {', '.join(owners) or '(the owners registry is empty)'}"
            )
        owner = click.prompt("Owner", type=click.Choice(owners) if owners else str)
    try:
        record = scaffold.new_policy(
            settings,
            title,
            owner=str(owner),
            today=_today(day),
            policy_id=policy_id,
            audience=audience,
            summary=summary,
        )
    except (ValueError, HandbookError) as exc:
        raise Refusal(str(exc)) from None
    _create(settings, record)


@new.command("decision")
@click.argument("title")
@click.option("--author", "--decision-maker", "authors", multiple=True, help="A decision-maker; repeat for several.")
@click.option(
    "--number", type=click.IntRange(1, 9999), help="Decision number (default: the next one free on every branch)."
)
@click.option("--slug", help="File name after the number (default: made from the title).")
@click.option("--date", "day", type=DATE, help="The decision's date (default: today).")
@ROOT
def new_decision(
    title: str, authors: Sequence[str], number: int | None, slug: str | None, day: dt.date | None, root: Path
) -> None:
    """A proposed decision: decisions/NNNN-slug.md, numbered past every branch git knows."""
    settings = load_settings(root)
    try:
        record = scaffold.new_decision(
            settings, title, today=_today(day), decision_makers=authors, number=number, slug=slug
        )
    except (ValueError, HandbookError, Refused) as exc:
        raise Refusal(str(exc)) from None
    _create(settings, record)


@new.command("post")
@click.argument("title")
@click.option("--author", "authors", multiple=True, help="Author id from the blog's .authors.yml; repeat for several.")
@click.option("--category", "categories", multiple=True, help="Blog category; repeat for several.")
@click.option("--slug", help="File name (default: made from the title).")
@click.option("--date", "day", type=DATE, help="The post's date (default: today).")
@ROOT
def new_post(
    title: str, authors: Sequence[str], categories: Sequence[str], slug: str | None, day: dt.date | None, root: Path
) -> None:
    """A draft blog post under the posts folder (draft: true until you remove it)."""
    settings = load_settings(root)
    try:
        record = scaffold.new_post(
            settings, title, today=_today(day), authors=authors, categories=categories, slug=slug
        )
    except (ValueError, HandbookError) as exc:
        raise Refusal(str(exc)) from None
    _create(settings, record)


# -- supersede ---------------------------------------------------------------------------
@click.command("supersede")
@click.argument("old")
@click.argument("new_record", metavar="NEW")
@click.option(
    "--effective",
    type=DATE,
    help="Policies: when the old policy's retirement takes effect (default: the new one's effective date).",
)
@ROOT
def supersede(old: str, new_record: str, effective: dt.date | None, root: Path) -> None:
    """Record that NEW supersedes OLD, in both files.

    Decisions (a number like 4 or 0004, or a file name): NEW gets OLD in `supersedes`, OLD gets
    `status: superseded`. Policies (ids): NEW gets `supersedes: OLD`; OLD is retired by a new
    version whose `changes` names NEW. Only the changed front-matter lines are rewritten.
    """
    corpus = load(root)
    try:
        edits = superseding.supersede(corpus, old, new_record, effective=effective)
    except (LookupError, Refused) as exc:
        raise Refusal(str(exc)) from None
    if not edits:
        click.echo(f"already recorded: {new_record} supersedes {old}; nothing changed")
        return
    superseding.apply(corpus.settings, edits)
    for edit in edits:
        click.echo(f"{edit.path}: {edit.summary}")
    new_policy, old_policy = superseding.find_policy(corpus, new_record), superseding.find_policy(corpus, old)
    if new_policy is not None and old_policy is not None and new_policy.is_draft:
        click.echo(
            f"note: '{new_policy.id}' is still a draft: set its status to active in the same merge request, "
            f"or '{old_policy.id}' is retired with nothing in force",
            err=True,
        )


# -- importing ----------------------------------------------------------------------------
@click.command("import-policies")
@click.argument("folder", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--owner", help="Owner id for every policy whose own owner is unknown (default: 'unassigned').")
@click.option("--draft", is_flag=True, help="Import every policy as a draft (default: published, as it was).")
@click.option(
    "--site-prefix",
    default="/",
    show_default=True,
    help="The path the source site lived under (/old-section/): links and redirect_from starting with it.",
)
@click.option("--dry-run", is_flag=True, help="Print the report; write nothing.")
@click.option(
    "--month-first", is_flag=True, help="Read ambiguous dates like 03/04/2021 as MM/DD/YYYY (default DD/MM/YYYY)."
)
@REPORT_FORMAT
@ROOT
def import_policies(
    folder: Path,
    owner: str | None,
    draft: bool,
    site_prefix: str,
    dry_run: bool,
    month_first: bool,
    output_format: str,
    root: Path,
) -> None:
    """Import the policy pages in DIR (Jekyll, GitHub Pages, plain Markdown) as policies/<id>.md.

    Policies are published as they were where they came from (--draft holds them back). What
    had to be guessed or left to fill in (owner, dates, audience, summary, Liquid, links) is listed.
    """
    from ..editing.importing.policies import import_policies as run

    if not site_prefix.startswith("/"):
        raise Refusal(f"--site-prefix must be a path starting with '/', like /old-section/, got {site_prefix!r}")
    settings = load_settings(root)
    try:
        report = run(
            settings, source_folder(folder), today=today(), owner=owner, draft=draft, site_prefix=site_prefix,
            dry_run=dry_run, month_first=month_first,
        )  # fmt: skip
    except ValueError as exc:
        raise Refusal(str(exc)) from None
    print_report(report, output_format)


# -- codeowners ---------------------------------------------------------------------------
@click.command("codeowners")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if CODEOWNERS is out of date.")
@click.option(
    "--decisions",
    "rule",
    multiple=True,
    help="Owner id or handle that approves decisions and the owners registry; repeat for several "
    "(default: the rule recorded in CODEOWNERS, else every owner).",
)
@click.option(
    "--file",
    "explicit",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CODEOWNERS to write (default: the one GitHub/GitLab would read, else ./CODEOWNERS).",
)
@ROOT
def codeowners(check_only: bool, rule: Sequence[str], explicit: Path | None, root: Path) -> None:
    """Write CODEOWNERS from the owners registry: each policy needs its owner's approval.

    Only the handbook's block is rewritten; other lines in CODEOWNERS are kept.
    """
    from ..codeowners import stale_codeowners
    from ..editing.codeowners import update

    corpus = load(root)
    report = Report()
    if corpus.load_errors:
        for error in corpus.load_errors:
            report.problem(error)
        raise Refusal("some records cannot be loaded (above): fix them first, or their owners would be missing")
    try:
        path, display, text, changed = update(corpus, rule=list(rule) or None, explicit=explicit)
    except ValueError as exc:
        raise Refusal(str(exc)) from None
    if check_only:
        if changed:
            found = stale_codeowners(corpus) if not rule else []
            for problem in found or [
                HandbookError(
                    display,
                    1,
                    "CODEOWNERS is out of date with the owners registry and policies: run `handbook codeowners`",
                    "HB208",
                )
            ]:
                report.problem(problem)
        else:
            click.echo(f"{display} is up to date")
        sys.exit(report.exit_code)
    if not changed:
        click.echo(f"{display} is up to date")
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise Refusal(f"{display}: cannot write it: {exc.strerror or exc}") from None
    click.echo(f"wrote {display}")


# -- acknowledgements -----------------------------------------------------------------------
@click.command("ack")
@click.argument("policy")
@click.option("--as", "person", required=True, help="Your person id: names acknowledgements/<person>.yml.")
@click.option("--name", help="Your name, written when your file is created.")
@click.option("--date", "day", type=DATE, help="Date of the acknowledgement (default: today).")
@ROOT
def ack(policy: str, person: str, name: str | None, day: dt.date | None, root: Path) -> None:
    """Acknowledge the current version of POLICY: add a line to acknowledgements/<person>.yml.

    Commit the file in a merge request. A new version of the policy asks again.
    """
    from ..editing.acknowledge import acknowledge

    corpus = load(root)
    try:
        result = acknowledge(corpus, policy, person, today=_today(day), name=name)
    except Refused as exc:
        raise Refusal(str(exc)) from None
    if result.added:
        click.echo(f"{result.path}: acknowledged '{result.policy.id}' version {result.policy.version}")
    else:
        click.echo(
            f"{result.path}: '{result.policy.id}' version {result.policy.version} is already acknowledged; nothing "
            "added"
        )


# -- digest -----------------------------------------------------------------------------
@click.command("digest")
@click.option("--since", "since_text", required=True, help="YYYY-MM-DD, or a span back from today: 7d, 2w.")
@click.option("--feed", "feed", default=None, help="Feed path or URL (default: site/feeds/all.xml under --root).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The handbook's folder, for the default feed.",
)
def digest(since_text: str, feed: str | None, fmt: str, root: Path) -> None:
    """Print what changed since a date (new policy versions, decisions, posts), from the site's feed.

    Plain text or Markdown, ready to paste into an email or send with any mailer.
    """
    from . import digest as d

    try:
        day = d.parse_since(since_text, today=today())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    source = feed or str(root / d.DEFAULT_FEED)
    if "://" not in source and not Path(source).is_file():
        hint = " (build the site first: make build)" if feed is None else ""
        raise Refusal(f"no feed at {source}{hint}")
    try:
        parsed = d.read_feed(source)
    except d.FeedError as exc:
        raise Refusal(str(exc)) from None
    click.echo(d.render(d.since(parsed.items, day), day, markdown=fmt == "markdown", title=parsed.title), nl=False)


COMMANDS: tuple[click.Command, ...] = (new, supersede, import_decisions, import_policies, codeowners, ack, digest)
