"""Every published version of a policy as pages: version pages with their diffs, each policy's
history page and versions file, and redirects from the old addresses of renamed policies."""

from __future__ import annotations

import functools
import hashlib
import json
import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ..history import History
from ..loading import Corpus
from ..rawhtml import escape_unsafe
from ..records import Policy, Version
from ..settings import Settings
from .coming import coming_mark
from .context import Context
from .diffing import diff_markdown
from .html import NOT_SEARCHED, banner, esc, facts, md_text, time_html
from .links import LinkTarget, rewrite_links
from .pageparts import PageParts, Part, Placed
from .paths import (
    ASSET_DIR,
    DECISION_LOG,
    POLICY_REGISTER,
    START_HERE,
    Urls,
    decision_src,
    history_src,
    html_path,
    policy_src,
    version_src,
    versions_json_src,
)
from .redirects import old_address_redirects, redirect_html

# Served from the site itself, never a CDN: jsdiff 9.0.0 (BSD-3-Clause, npm `diff`), and our code.


@dataclass
class PagesMemo:
    """Each policy's pages by what they are made from (the policy, its versions), kept by a
    caller that makes them again and again (`mkdocs serve`); `scope` is what every page
    depends on, and the memo is emptied when it changes."""

    scope: object = None
    pages: dict[str, tuple[object, list[tuple[str, str | PageParts]]]] = field(default_factory=dict)


@dataclass(frozen=True)
class VersionPages:
    """The version pages, history pages, version texts and redirects of the policies on the site."""

    ctx: Context
    history: History
    # The source paths of every file on the site; None: the records, registers and docs/ files.
    known: frozenset[str] | None = None
    # Diffs by their texts' digest, kept by the caller across builds (`mkdocs serve`'s rebuilds).
    diffs: dict[bytes, str] | None = field(default=None, compare=False, repr=False)
    memo: PagesMemo | None = field(default=None, compare=False, repr=False)

    @property
    def corpus(self) -> Corpus:
        return self.ctx.corpus

    @property
    def urls(self) -> Urls:
        return self.ctx.urls

    @cached_property
    def targets(self) -> LinkTarget:
        known = self.known if self.known is not None else _known_pages(self.ctx)
        return LinkTarget(known, dict(self.history.renames))

    def policies(self) -> list[Policy]:
        """Policies on the site that have at least one published version."""
        return [p for p in self.ctx.policies_on_site() if self.history.versions.get(p.id)]

    def files(self) -> Iterator[tuple[str, str]]:
        """`(source path, content)` of every version page, history page and versions file."""
        for src, content in self.pages():
            yield src, content if isinstance(content, str) else content.markdown()

    def pages(self, policies: Sequence[Policy] | None = None) -> Iterator[tuple[str, str | PageParts]]:
        """As `files` (of `policies`, by default all), with each version page as its frame and texts."""
        memo = self.memo
        if memo is not None:
            # Links in old texts point into the site's files; notes depend on history being whole.
            scope = (self.targets.known, self.targets.renames, self.history.complete)
            if memo.scope != scope:
                memo.scope, memo.pages = scope, {}
        for policy in self.policies() if policies is None else policies:
            if memo is None:
                yield from self._policy_pages(policy)
                continue
            made_from = (policy, self.history.versions[policy.id])
            hit = memo.pages.get(policy.id)
            if hit is None or hit[0] != made_from:
                hit = memo.pages[policy.id] = (made_from, list(self._policy_pages(policy)))
            yield from hit[1]

    def _policy_pages(self, policy: Policy) -> Iterator[tuple[str, str | PageParts]]:
        for version in self.history.versions[policy.id]:
            yield version_src(policy.id, version.number), self.version_page_parts(policy, version)
        yield history_src(policy.id), self.history_page(policy)
        yield versions_json_src(policy.id), self.versions_json(policy)

    def redirects(self) -> Iterator[tuple[str, str]]:
        """`(site path, HTML)` of a redirect from each renamed policy's old pages to its new ones,
        and from each old address a policy lists in `redirect_from`."""
        on_site = {p.id for p in self.policies()}
        for old_id, new_id in sorted(self.history.renames.items()):
            if new_id not in on_site or old_id in self.corpus.policies:
                continue
            pairs = [(f"policies/{old_id}.md", f"policies/{new_id}.md"), (history_src(old_id), history_src(new_id))]
            pairs += [
                (version_src(old_id, v.number), version_src(new_id, v.number)) for v in self.history.versions[new_id]
            ]
            for old_src, new_src in pairs:
                old_url = self.urls.page(old_src)
                script = self.urls.relative(old_src, f"{ASSET_DIR}/redirect.js")
                yield html_path(old_url), redirect_html(self.urls.relative(old_src, self.urls.page(new_src)), script)
        yield from old_address_redirects(self.corpus, self.urls, on_site, self.targets.known)

    # -- a version's page ------------------------------------------------------
    def version_page(self, policy: Policy, version: Version) -> str:
        """A version's text as it was, its changes from the version before, and where it stands now."""
        return self.version_page_parts(policy, version).markdown()

    def version_page_parts(self, policy: Policy, version: Version) -> PageParts:
        """`version_page` as a short frame, our own HTML blocks, and its two long texts (diff, text)."""
        versions = self.history.versions[policy.id]
        index = next(i for i, v in enumerate(versions) if v.number == version.number)
        previous = versions[index - 1] if index else None
        following = versions[index + 1] if index + 1 < len(versions) else None
        src = version_src(policy.id, version.number)
        parts = [f"# {md_text(version.title)}: version {version.number}", ""]
        placed = Placed()
        parts += [placed.raw(self._standing(policy, version, versions[-1])), ""]
        earlier = [(v.number, v.effective) for v in versions[:index]]
        if mark := coming_mark(self.urls, src, policy.id, version.number, version.effective, earlier):
            parts += [placed.raw(mark), ""]
        record = [
            f'<div class="hb-record hb-version" data-policy="{esc(policy.id)}" data-version="{version.number}">',
            facts(self._versionfacts(version)),
        ]
        if version.summary:
            record.append(f'<p class="hb-summary">{esc(version.summary)}</p>')
        what = esc(version.changes or "not recorded")
        record.append(f'<p class="hb-changes"><strong>What changed in version {version.number}:</strong> {what}</p>')
        nav = []
        if previous is not None:
            nav.append(
                self._a(src, version_src(policy.id, previous.number), f"&larr; Version {previous.number}", "prev")
            )
        nav.append(self._a(src, history_src(policy.id), "All versions"))
        if following is not None:
            nav.append(
                self._a(src, version_src(policy.id, following.number), f"Version {following.number} &rarr;", "next")
            )
        record += [f'<p class="hb-version-nav">{" &middot; ".join(nav)}</p>', "</div>"]
        parts += [placed.raw("\n".join(record)), ""]
        if previous is None:
            note = f'<p class="hb-diff-none">{esc(self._first_note(versions))}</p>'
            parts += ["## Changes {#changes}", "", placed.raw(note), ""]
        else:
            parts += [f"## Changes from version {previous.number} {{#changes}}", ""]
            fields = _field_changes(previous, version)
            if fields:
                parts += [placed.raw(fields), ""]
            # Links in a diff may come from either text: self-links become text, as their anchors may be gone.
            old = self._text(policy, previous, src, keep_self=False)
            new = self._text(policy, version, src, keep_self=False)
            if old.strip() == new.strip():
                parts += [placed.raw('<p class="hb-diff-none">The text is unchanged.</p>'), ""]
            else:
                parts += [placed.place(Part(self._diff(old, new), "hb-diff")), ""]
        parts += [f"## Text of version {version.number} {{#text}}", ""]
        parts += [placed.place(Part(self._text(policy, version, src, keep_self=True).strip())), ""]
        return PageParts("\n".join(NOT_SEARCHED) + "\n", "\n".join(parts), tuple(placed.parts))

    def _diff(self, old: str, new: str) -> str:
        if self.diffs is None:
            return diff_markdown(old, new)
        key = hashlib.blake2b(old.encode() + b"\0" + new.encode(), digest_size=16).digest()
        if key not in self.diffs:
            self.diffs[key] = diff_markdown(old, new)
        return self.diffs[key]

    def _text(self, policy: Policy, version: Version, src: str, *, keep_self: bool) -> str:
        """A version's text with its links re-pointed from the policy's page to `src`.

        All of a policy's version pages sit in one folder, so each text is rewritten once, not per page.
        """
        key = (policy.id, version.number, posixpath.dirname(src), keep_self)
        if self._texts and next(iter(self._texts))[0] != policy.id:
            self._texts.clear()  # pages come policy by policy: keep one policy's texts only
        if key not in self._texts:
            origin = policy_src(policy.id)
            # An old text's script (nobody can fix it now, and no check reads it) is shown as text.
            shown = _as_text_if_unsafe(version.body, self.corpus.settings)
            self._texts[key] = rewrite_links(shown, origin, src, self.targets, keep_self=keep_self)
        return self._texts[key]

    @cached_property
    def _texts(self) -> dict[tuple[str, int, str, bool], str]:
        return {}

    def _standing(self, policy: Policy, version: Version, latest: Version) -> str:
        src = version_src(policy.id, version.number)
        page = f'<a href="{esc(self.urls.link(src, policy_src(policy.id)))}">'
        if version is latest:
            text = (
                f"This is the permanent page of version {version.number}. {page}The policy's page</a> shows the latest."
            )
            return banner("info hb-version-current", f"Version {version.number} is the latest", text)
        published = time_html(version.published.date())
        text = (
            f"This is version {version.number} as it was published on {published}. "
            f"It is no longer the latest: {page}read version {latest.number}</a>."
        )
        return banner("warning hb-version-superseded", f"Superseded by version {latest.number}", text)

    def _versionfacts(self, version: Version) -> list[tuple[str, str]]:
        status = esc(version.status or "unknown")
        published = time_html(version.published.date())
        if version.commit:
            published += f" by {esc(version.author)}"
        elif self.history.complete:
            published += " (not committed yet)"
        else:
            published += " (its effective date: git history not available)"
        facts = [
            ("Version", esc(version.number)),
            ("Status", f'<span class="hb-status hb-status--{status}">{status}</span>'),
            ("Effective", time_html(version.effective) if version.effective else "not given"),
            ("Published", published),
        ]
        if version.commit:
            facts.append(("Commit", f"<code>{esc(version.commit[:10])}</code>"))
        return facts

    def _a(self, from_src: str, to_src: str, label_html: str, rel: str = "") -> str:
        rel_attr = f' rel="{rel}"' if rel else ""
        return f'<a href="{esc(self.urls.link(from_src, to_src))}"{rel_attr}>{label_html}</a>'

    def _first_note(self, versions: Sequence[Version]) -> str:
        first = versions[0]
        if not self.history.complete:
            return "Earlier versions are not shown: this site was built without the handbook's git history."
        if first.number > 1:
            return f"Version {first.number} is the first in the handbook's git history: earlier versions predate it."
        return "This is the first published version."

    # -- a policy's history page ------------------------------------------------
    def history_page(self, policy: Policy) -> PageParts:
        """Every version, newest first, with its dates, author and changes; and a form to compare any two."""
        versions = self.history.versions[policy.id]
        src = history_src(policy.id)
        current = self._a(src, policy_src(policy.id), esc(policy.title))
        placed = Placed()
        parts = [
            f"# {md_text(policy.title)}: version history",
            "",
            placed.raw(
                f'<p class="hb-history-intro">Every published version of {current}, newest first. '
                "Each version has a permanent page with its changes from the version before.</p>"
            ),
            "",
        ]
        if not self.history.complete:
            note = esc(self._first_note(versions))
            parts += [placed.raw(banner("note hb-history-incomplete", "History not available", note)), ""]
        elif versions[0].number > 1:
            parts += [placed.raw(f'<p class="hb-history-note">{esc(self._first_note(versions))}</p>'), ""]
        rows = []
        for version in reversed(versions):
            page = self.urls.link(src, version_src(policy.id, version.number))
            label = f'<a href="{esc(page)}">Version {version.number}</a>'
            if version is versions[-1]:
                label += ' <span class="hb-version-latest">latest</span>'
            cells = [
                label,
                time_html(version.effective) if version.effective else "",
                time_html(version.published.date()),
                esc(version.author),
                esc(version.changes),
                f'<a href="{esc(page)}#changes">Changes</a>' if version is not versions[0] else "",
            ]
            rows.append(f'<tr data-version="{version.number}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        head = "".join(f"<th>{h}</th>" for h in ("Version", "Effective", "Published", "Author", "What changed", "Diff"))
        table = ['<table class="hb-register hb-history">', f"<thead><tr>{head}</tr></thead>", "<tbody>", *rows]
        parts += [placed.raw("\n".join([*table, "</tbody>", "</table>"])), ""]
        if len(versions) > 1:
            parts += self._compare_form(policy, versions, placed)
        return PageParts("\n".join(NOT_SEARCHED) + "\n", "\n".join(parts), tuple(placed.parts))

    def _compare_form(self, policy: Policy, versions: Sequence[Version], placed: Placed) -> list[str]:
        """Any two versions compared in the browser, from versions.json, by the diff library served with the site."""
        src = history_src(policy.id)
        options = "".join(f'<option value="{v.number}">Version {v.number}</option>' for v in versions)
        data = esc(self.urls.relative(src, versions_json_src(policy.id)))
        form = (
            f'<form class="hb-compare" data-versions="{data}" data-from="{versions[-2].number}" '
            f'data-to="{versions[-1].number}" hidden>'
            f'<label>From <select name="from">{options}</select></label> '
            f'<label>to <select name="to">{options}</select></label> '
            '<button type="submit" class="md-button">Compare</button></form>'
        )
        noscript = (
            "<noscript><p>Comparing any two versions needs JavaScript; "
            "each version's page shows its changes from the version before.</p></noscript>"
        )
        about = (
            '<p class="hb-compare-about">The newer text as it reads, words removed struck through and words added '
            "marked; the page's address names the two versions, so a comparison can be shared.</p>"
        )
        parts = ["## Compare two versions {#compare}", "", placed.raw(about), ""]
        parts += [placed.raw(form), "", placed.raw(noscript), ""]
        parts += [placed.raw('<div class="hb-compare-result" aria-live="polite"></div>'), ""]
        for name in ("diff.min.js", "compare.js"):
            parts += [placed.raw(f'<script src="{esc(self.urls.relative(src, f"{ASSET_DIR}/{name}"))}"></script>'), ""]
        return parts

    def versions_json(self, policy: Policy) -> str:
        """Each version's fields and text, for comparing any two in the browser."""
        items = [
            {
                "number": v.number,
                "title": v.title,
                "status": v.status,
                "effective": v.effective.isoformat() if v.effective else None,
                "published": v.published.isoformat(),
                "author": v.author,
                "summary": v.summary,
                "changes": v.changes,
                "text": v.body.strip("\n") + "\n",
            }
            for v in self.history.versions[policy.id]
        ]
        return (
            json.dumps(
                {"policy": policy.id, "versions": items}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            )
            + "\n"
        )


@functools.lru_cache(maxsize=256)
def _as_text_if_unsafe(body: str, settings: Settings) -> str:
    return escape_unsafe(body, settings)


def _field_changes(old: Version, new: Version) -> str:
    rows = []
    for label, before, after in (
        ("Title", old.title, new.title),
        ("Status", old.status, new.status),
        (
            "Effective",
            old.effective.isoformat() if old.effective else "",
            new.effective.isoformat() if new.effective else "",
        ),
        ("Summary", old.summary, new.summary),
    ):
        if before != after:
            was = f"<del>{esc(before)}</del> " if before else ""
            rows.append(f"<li><strong>{label}:</strong> {was}<ins>{esc(after) if after else '(none)'}</ins></li>")
    return f'<ul class="hb-field-changes">{"".join(rows)}</ul>' if rows else ""


def _known_pages(ctx: Context) -> frozenset[str]:
    """Without the site's file list: the record pages, the registers and whatever is under docs/."""
    corpus = ctx.corpus
    known = {policy_src(p.id) for p in ctx.policies_on_site()}
    known |= {decision_src(d.id) for d in corpus.decisions.values()}
    known |= {POLICY_REGISTER, DECISION_LOG, START_HERE}
    docs = corpus.settings.path(corpus.settings.docs_dir)
    if docs.is_dir():
        known |= {p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()}
    return frozenset(known)
