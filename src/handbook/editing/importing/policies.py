"""`handbook import-policies`: a policy handbook (Jekyll, GitHub Pages, plain Markdown) as
policies/<id>.md, published as they were where they came from, with every guess listed.

Every Markdown file is a policy, a redirect to one, or a line saying why it is neither. Folders
become tags; a sub-folder's index page is a policy named for its folder; two files of one name
in different folders each take an id from their folders. Liquid is resolved (liquid.py), links
to the source site's pages point at the imported policies (addresses.py), and old addresses
(`redirect_from`, redirect-only pages) become redirects to the imported page."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ... import schema as s
from ...errors import HandbookError
from ...frontmatter import Document
from ...oldaddress import old_address
from ...owners import load_owners
from ...records import PolicyStatus
from ...schema import PAGE_KEYS, policy_fields
from ...settings import Settings
from ..scaffold import slugify
from ..writing import edit_front_matter
from . import liquid
from .addresses import MADE, Addresses, Locator, old_url, relink
from .policy_text import Options, git_dates, policy_text
from .report import ImportReport, Outcome, Tally
from .sources import (
    MARKER,
    NOT_MARKDOWN,
    SYMLINK,
    Source,
    already_imported,
    finish,
    read_source,
    source_files,
    without_scripts,
)

# Jekyll's own folders: what they hold is not a page of the site.
_JEKYLL_FOLDERS = {
    "_includes": "a Jekyll include: its text goes into the pages that include it",
    "_layouts": "a Jekyll layout, not a page",
    "_posts": "a Jekyll blog post, not a policy: move it to the blog by hand",
    "_drafts": "a Jekyll draft post, not a policy",
    "_site": "Jekyll's built site, not a source page",
    "_data": "Jekyll's data, not a page",
    "_sass": "Jekyll's style sheets, not a page",
}
_NAVIGATION = ("_sidebar", "summary", "toc", "_navbar", "_footer")
_REFRESH = re.compile(r"""<meta\s+http-equiv=["']?refresh["']?\s+content=["']\s*\d+\s*;\s*url=([^"']+)["']""", re.I)
_REDIRECT_LINK = re.compile(
    r"^\s*(?:this page has moved|(?:this page )?moved to|redirect(?:ing|ed)? to)\b[^\[]*\[[^\]]*\]\(([^)\s]+)\)", re.I
)


@dataclass
class _Page:
    """One source page to import, with what the other pages need to know of it."""

    source: Source
    outcome: Outcome
    policy_id: str = ""
    title: str = ""
    tags: list[str] = field(default_factory=list)
    redirect_from: list[str] = field(default_factory=list)


def import_policies(
    settings: Settings,
    folder: Path,
    *,
    today: dt.date,
    owner: str | None = None,
    draft: bool = False,
    site_prefix: str = "/",
    dry_run: bool = False,
    month_first: bool = False,
) -> ImportReport:
    """Each Markdown page of `folder` becomes policies/<id>.md, a redirect, or a report line."""
    owners = load_owners(settings)
    if owner is not None and owners and owner not in owners:
        raise ValueError(f"owner '{owner}' is not in {settings.owners_file}: use one of {', '.join(sorted(owners))}")
    opts = Options(owners, owner, draft, today, month_first)
    outcomes: list[Outcome] = []
    pages, stubs = _read(settings, folder, outcomes)
    _name(pages)
    addresses = Addresses(site_prefix)
    for page in pages:
        for address in [page.source.rel, old_url(page.source.rel), *_permalinks(page.source.meta)]:
            addresses.add(address, page.policy_id, page.title)
    for page in pages:
        page.redirect_from += _old_addresses(page.source, page.outcome, addresses)
    for stub, target in stubs:
        _redirect(stub, target, pages, addresses)
    committed = git_dates(folder)
    fields = policy_fields(settings)
    for page in pages:
        outcome, source = page.outcome, page.source
        text: str | None
        _rewrite(settings, folder, page, addresses)
        if source.meta_lines and not source.meta_error and _ours(source, fields, owners):
            text = _as_it_is(source, draft=draft)
        else:
            text = policy_text(
                settings, source, outcome, opts,
                tags=page.tags, redirect_from=page.redirect_from,
                last_commit=committed.get(source.rel), name_title=page.title,
            )  # fmt: skip
        if text is not None:
            target = f"{settings.policies_dir.rstrip('/')}/{page.policy_id}.md"
            finish(settings, outcome, target, text, fields, dry_run=dry_run)
    report = ImportReport(outcomes, dry_run)
    redirected = sum(len(p.redirect_from) for p in pages if p.outcome.target)
    if redirected:
        report.notes.append(
            f"{redirected} old address{'es' if redirected > 1 else ''} of the source site now redirect to the "
            "imported policies (their 'redirect_from')"
        )
    return report


def _read(settings: Settings, folder: Path, outcomes: list[Outcome]) -> tuple[list[_Page], list[tuple[_Page, str]]]:
    """The pages to import and the redirect-only pages (with their targets); the rest reported."""
    done = already_imported(settings, settings.policies_dir)
    pages: list[_Page] = []
    stubs: list[tuple[_Page, str]] = []
    for path in source_files(folder):
        rel = path.relative_to(folder).as_posix()
        label = (PurePosixPath(folder.name) / rel).as_posix()
        reason = (SYMLINK, "a symlink, not followed") if path.is_symlink() else _skip_reason(PurePosixPath(rel))
        if reason is None and label in done:
            reason = f"already imported as {done[label]}", "already imported"
        if reason is not None:
            outcome = Outcome(label)
            outcome.skip(*reason)
            outcomes.append(outcome)
            continue
        try:
            source = read_source(folder, path)
        except HandbookError as exc:
            outcomes.append(Outcome(label, reason=f"line {exc.line}: {exc.message}", group="could not be read"))
            continue
        outcome = Outcome(label)
        outcomes.append(outcome)
        page = _Page(source, outcome)
        target = _redirect_target(source)
        if target is not None:
            stubs.append((page, target))
        else:
            pages.append(page)
    return pages, stubs


def _skip_reason(rel: PurePosixPath) -> tuple[str, str] | None:
    """(reason, the summary's group) for a file that is not a policy page."""
    if rel.suffix.lower() not in (".md", ".markdown"):
        return "not a Markdown file (copy it yourself if a policy links to it)", NOT_MARKDOWN
    for part in rel.parts[:-1]:
        if part in _JEKYLL_FOLDERS:
            return _JEKYLL_FOLDERS[part], "in one of Jekyll's own folders"
        if part.startswith("_"):
            return f"in '{part}', a folder Jekyll does not publish", "in one of Jekyll's own folders"
    stem = rel.stem.lower()
    if stem in _NAVIGATION:
        return f"'{rel.name}' is the site's navigation, not a policy", "the site's navigation"
    if stem == "template" or stem.endswith(("-template", "_template")):
        return f"'{rel.name}' is a template, not a policy", "a template"
    if len(rel.parts) == 1 and stem in ("index", "readme"):
        reason = f"'{rel.name}' is the source site's home page, not a policy: copy what it says into docs/index.md"
        return reason, "the source site's home page"
    if stem == "404":
        return f"'{rel.name}' is the site's 'page not found' page, not a policy", "the 'page not found' page"
    return None


def _redirect_target(source: Source) -> str | None:
    """Where a page that only redirects elsewhere sends its reader, or None for a real page."""
    target = source.meta.get("redirect_to")
    if isinstance(target, list) and target:
        target = target[0]
    text = re.sub(r"<!--.*?-->", "", source.body, flags=re.S).strip()
    if isinstance(target, str) and target.strip() and not text:
        return target.strip()
    if m := _REFRESH.search(text):
        rest = _REFRESH.sub("", text)
        if not re.sub(r"<[^>]*>|\s", "", rest) or len(rest) < 200:
            return m.group(1).strip()
    if (m := _REDIRECT_LINK.match(text)) and "\n\n" not in text:
        return m.group(1)
    return None


def _name(pages: list[_Page]) -> None:
    """Ids from file names (a folder's index page: the folder's name), made distinct from the
    folders when two pages would share one; titles from the front matter, else the names."""
    for page in pages:
        rel = PurePosixPath(page.source.rel)
        folders = [slugify(p) for p in rel.parts[:-1] if slugify(p)]
        page.tags = folders
        name = rel.parent.name if rel.stem.lower() in ("index", "readme") else rel.stem
        page.policy_id = slugify(name)
        title = None if page.source.meta_error else page.source.meta.get("title")
        page.title = title.strip() if isinstance(title, str) and title.strip() else _title_from(name)
    counts = Counter(p.policy_id for p in pages)
    for page in pages:
        if counts[page.policy_id] > 1 or not page.policy_id:
            rel = PurePosixPath(page.source.rel)
            parts = list(rel.parts[:-1]) if rel.stem.lower() in ("index", "readme") else [*rel.parts[:-1], rel.stem]
            page.policy_id = slugify("-".join(parts), limit=120)
            page.outcome.notes.append(
                f"another page is also named '{rel.name}': id '{page.policy_id}' from its folders"
            )
    # Two pages may still meet (`hr-leave.md` beside `hr/leave.md`): number the later ones.
    taken: Counter[str] = Counter()
    for page in pages:
        taken[page.policy_id] += 1
        if taken[page.policy_id] > 1:
            page.policy_id = f"{page.policy_id}-{taken[page.policy_id]}"
            page.outcome.notes.append(f"id '{page.policy_id}' numbered: another page took the name first")


def _title_from(name: str) -> str:
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _old_urls(rel: str) -> list[str]:
    """A page's addresses on its old site, with or without Jekyll's pretty permalinks."""
    url = old_url(rel)
    return [url, url.removesuffix(".html") + "/"] if url.endswith(".html") else [url]


def _permalinks(meta: dict[str, Any]) -> list[str]:
    permalink = meta.get("permalink")
    return [permalink] if isinstance(permalink, str) and permalink.startswith("/") else []


def _old_addresses(source: Source, outcome: Outcome, addresses: Addresses) -> list[str]:
    """The page's `redirect_from` addresses, as this site's paths (the site prefix taken off)."""
    value = source.meta.get("redirect_from")
    found: list[str] = []
    for item in value if isinstance(value, list) else [value] if value is not None else []:
        address = addresses.site_path(str(item).strip())
        try:
            found.append(old_address(address))
        except ValueError as exc:
            outcome.guess("redirect_from left out", f"redirect_from {item!r} left out: it {exc}")
    if found:
        outcome.notes.append(f"old address{'es' if len(found) > 1 else ''} {', '.join(found)} redirect here")
    return found


def _redirect(stub: _Page, target: str, pages: list[_Page], addresses: Addresses) -> None:
    """A redirect-only page: its own addresses redirect to the imported page it pointed at."""
    outcome, source = stub.outcome, stub.source
    found = addresses.find(target, from_rel=source.rel)
    page = next((p for p in pages if found and p.policy_id == found[0]), None)
    if page is None:
        outcome.skip(
            f"a page that only redirects to {target}, which is no imported page: not imported",
            "a redirect-only page to no imported page",
        )
        return
    own = [*_old_urls(source.rel), *_permalinks(source.meta)]
    olds = [old_address(addresses.site_path(a)) for a in own if a != "/"]
    olds += _old_addresses(source, outcome, addresses)
    page.redirect_from += [a for a in olds if a not in page.redirect_from]
    verb = "redirects" if len(olds) == 1 else "redirect"
    outcome.skip(
        f"a page that only redirects: {', '.join(olds)} now {verb} to {page.policy_id}",
        "a redirect-only page, now a redirect to the imported page",
    )


def _rewrite(settings: Settings, folder: Path, page: _Page, addresses: Addresses) -> None:
    """Liquid resolved, links to the source site's pages pointed at the imported policies, and
    what would run a script taken out, each listed in the page's outcome."""
    source, outcome = page.source, page.outcome

    def include(name: str, relative: bool) -> str | None:
        base = folder / PurePosixPath(source.rel).parent if relative else folder / "_includes"
        path = (base / name).resolve()
        if not path.is_relative_to(folder.resolve()) or not path.is_file() or path.is_symlink():
            return None
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    resolvers = liquid.Resolvers(
        # Liquid names pages from the site's root; the mark keeps `relink` off a link made here.
        link=lambda target: _made(addresses.link("/" + target.lstrip("/"))),
        title=addresses.title,
        include=include,
        page_title=page.title,
    )
    converted = liquid.convert(source.body, resolvers, label=source.label, first_line=source.body_line)
    for line in converted.resolved:
        outcome.tally(Tally.LIQUID_RESOLVED, line.replace(MADE, ""))
    for line in converted.left:
        outcome.tally(Tally.LIQUID_LEFT, line)
    outcome.notes += [f"liquid: {line}" for line in converted.in_code]
    where = Locator(source.body, source.label, source.body_line)
    relinked = relink(converted.text, addresses, rel=source.rel, where=where)
    for line in relinked.rewritten:
        outcome.tally(Tally.LINK_REWRITTEN, line)
    for line in relinked.left:
        outcome.tally(Tally.LINK_UNRESOLVED, line)
    source.body = relinked.text.replace(MADE, "")
    outcome.notes += without_scripts(source, settings).removed


def _made(link: str | None) -> str | None:
    return MADE + link if link is not None else None


def _ours(source: Source, fields: tuple[s.Field, ...], owners: dict[str, Any]) -> bool:
    """A file already in our format (all fields valid, a known owner): taken as it is."""
    try:
        values = s.validate(Document(source.label, source.meta, source.body, 1), fields, passthrough=PAGE_KEYS)
    except s.LoadErrors:
        return False
    return values["owner"] in owners or not owners


def _as_it_is(source: Source, *, draft: bool) -> str:
    marker = "# " + MARKER.format(command="import-policies", source=source.label)
    text = "\n".join(["---", marker, *source.meta_lines, "---", source.body])
    if draft and source.meta.get("status") != PolicyStatus.DRAFT.value:
        text = edit_front_matter(source.label, text.encode(), {"status": PolicyStatus.DRAFT.value}).decode()
    return text
