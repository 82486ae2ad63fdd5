"""Links in imported decision records, re-pointed: to the other imported records whatever folder
they were in, to the files they show (copied into decisions/assets/), to the source repository
(`--source-url`), or else kept as plain text and reported; and references to renumbered records."""

from __future__ import annotations

import posixpath
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ...settings import Settings
from .report import Outcome, Tally
from .sourcerepo import SourceRepo

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).*?\1")
_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"
    r"\([ \t]*(?P<target><[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
    r"(?P<title>(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?)[ \t]*\)"
)
_REFERENCE = re.compile(r"^(?P<head>[ ]{0,3}\[(?P<text>[^\]\n]+)\]:[ \t]*)(?P<target><[^<>\n]*>|\S+)(?P<rest>.*)$")
_MARKDOWN = (".md", ".markdown")
ASSETS = "assets"


@dataclass(frozen=True)
class _Where:
    """Where a link leads: another imported record, a file to copy, an address, or nowhere (why)."""

    record: str | None = None
    asset: Path | None = None
    url: str | None = None
    why: str | None = None


@dataclass
class Relinker:
    """Re-points the links of every record of one import; `copy_assets` then copies what they show."""

    settings: Settings
    folder: Path
    repo: SourceRepo | None
    # Folder-relative source path -> the record's new file name (`0003-use-x.md`).
    records: Mapping[str, str]
    source_url: str | None = None
    planned: dict[str, Path] = field(default_factory=dict)

    @property
    def assets_dir(self) -> str:
        return f"{self.settings.decisions_dir.rstrip('/')}/{ASSETS}"

    def rewrite(self, body: str, source_rel: str, outcome: Outcome) -> str:
        """`body` of the record read from `source_rel`, its links re-pointed, each change tallied."""

        def inline(m: re.Match[str]) -> str:
            new = self._target(m.group("target"), source_rel, outcome, m.group("text"), image=bool(m.group("bang")))
            if new is None:
                return m.group(0)
            if new == "":
                return m.group("text") or posixpath.basename(m.group("target"))
            return f"{m.group('bang')}[{m.group('text')}]({new}{m.group('title')})"

        def reference(m: re.Match[str]) -> str:
            new = self._target(m.group("target"), source_rel, outcome, m.group("text"))
            if new is None:
                return m.group(0)
            return f"{m.group('head')}{new or '#'}{m.group('rest')}"

        return _outside_code(body, lambda text: _LINK.sub(inline, text), lambda line: _REFERENCE.sub(reference, line))

    def _target(self, target: str, source_rel: str, outcome: Outcome, text: str, *, image: bool = False) -> str | None:
        """The new target; None to leave the link as it is; "" to keep only its text."""
        raw = target[1:-1] if target.startswith("<") and target.endswith(">") else target
        parts = urlsplit(raw)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        anchor = f"#{parts.fragment}" if parts.fragment else ""
        where = self._where(unquote(parts.path), source_rel, image=image)
        if where.record is not None:
            if posixpath.normpath(unquote(parts.path)) == where.record:
                return None  # already the record's name in the handbook
            new = where.record + anchor
            outcome.tally(Tally.LINK_REWRITTEN, f"{raw} -> {new}")
            return new
        if where.asset is not None:
            new = self._asset(where.asset, outcome)
            outcome.tally(Tally.LINK_REWRITTEN, f"{raw} -> {new}")
            return new
        if where.url is not None:
            outcome.tally(Tally.LINK_REWRITTEN, f"{raw} -> {where.url + anchor} (in the source repository)")
            return where.url + anchor
        outcome.tally(Tally.LINK_UNRESOLVED, f"{raw} ({where.why}): kept as text '{text or raw}'")
        return ""

    def _where(self, path: str, source_rel: str, *, image: bool) -> _Where:
        """Files in the imported folder are copied; outside it, only images (other files, such as
        source code, are linked in the source repository)."""
        here = posixpath.dirname(source_rel)
        in_folder = posixpath.normpath(posixpath.join(here, path.lstrip("/") if path.startswith("/") else path))
        repo_rel: str | None = None
        if self.repo is not None:
            prefix = self.repo.prefix
            repo_rel = (
                posixpath.normpath(path.lstrip("/"))
                if path.startswith("/")
                else posixpath.normpath(posixpath.join(prefix, here, path))
            )
        candidates = [in_folder] if not in_folder.startswith("../") and not path.startswith("/") else []
        # Written from the imported folder's root (a log4brains repository imported whole).
        from_top = posixpath.normpath(path.lstrip("/"))
        if not from_top.startswith("../") and from_top not in candidates:
            candidates.append(from_top)
        if self.repo is not None:
            # Written from the repository's root (`doc/adr/0021-x.md`), or as the repository's path.
            for written in (posixpath.normpath(path.lstrip("/")), repo_rel or ""):
                if written.startswith(self.repo.prefix) and self.repo.prefix:
                    candidates.append(written[len(self.repo.prefix) :])
                elif not self.repo.prefix:
                    candidates.append(written)
        for candidate in candidates:
            if candidate in self.records:
                return _Where(record=self.records[candidate])
        name = posixpath.basename(path)
        if name.lower().endswith(_MARKDOWN):
            same = [new for rel, new in self.records.items() if posixpath.basename(rel) == name]
            if len(same) == 1:
                return _Where(record=same[0])
        for candidate in candidates:
            file = self.folder / candidate
            if _plain_file(file) and not candidate.lower().endswith(_MARKDOWN):
                return _Where(asset=file)
        if self.repo is not None and repo_rel is not None and not repo_rel.startswith("../"):
            file = self.repo.root / repo_rel
            if image and _plain_file(file) and not repo_rel.lower().endswith(_MARKDOWN):
                return _Where(asset=file)
            if self.source_url is not None:
                return _Where(url=self.source_url.replace("{path}", quote(repo_rel)))
            return _Where(why="a file outside the imported records; --source-url links it in the source repository")
        if candidates and not path.startswith("/") and self.source_url is not None and self.repo is None:
            return _Where(url=self.source_url.replace("{path}", quote(in_folder)))
        if candidates and (self.folder / in_folder).exists():
            return _Where(why="a file in the folder that was not imported as a record")
        return _Where(why="no such file in the imported folder")

    def _asset(self, file: Path, outcome: Outcome) -> str:
        """The link to `file` once copied into decisions/assets/ (one copy per file, names kept apart)."""
        for name, planned in self.planned.items():
            if planned == file:
                return f"{ASSETS}/{name}"
        stem, ext = posixpath.splitext(file.name)
        name, n = file.name, 1
        while True:
            existing = self.settings.path(f"{self.assets_dir}/{name}")
            if name not in self.planned and (not existing.exists() or existing.read_bytes() == file.read_bytes()):
                break
            n += 1
            name = f"{stem}-{n}{ext}"
        self.planned[name] = file
        outcome.tally(Tally.ASSET_COPIED, f"{self._shown(file)} -> {self.assets_dir}/{name}")
        return f"{ASSETS}/{quote(name)}"

    def _shown(self, file: Path) -> str:
        base = self.repo.root if self.repo is not None else self.folder
        return file.relative_to(base).as_posix() if file.is_relative_to(base) else file.name

    def copy_assets(self) -> None:
        for name, file in sorted(self.planned.items()):
            target = self.settings.path(f"{self.assets_dir}/{name}")
            if target.exists():
                continue  # the same bytes, from an earlier import
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)


def _plain_file(path: Path) -> bool:
    """A regular file, never a symlink: a link could copy any file of this computer into the handbook."""
    try:
        return path.is_file() and not path.is_symlink() and not any(p.is_symlink() for p in path.parents)
    except OSError:
        return False


# -- references to renumbered records -----------------------------------------------------------
_NAMED_REF = re.compile(r"\b(?P<word>ADR|RFC|Decision|Record)(?P<sep>[-_ ]?#?)(?P<digits>\d{1,5})\b", re.I)
_TITLE_REF = re.compile(r"\[(?P<digits>\d{1,5})(?P<rest>\.\s[^\[\]\n]*\])")
_STATUS_REF = re.compile(
    r"\b(?P<how>(?:superseded|superceded|replaced|amended)\s+by|supersedes|supercedes|replaces|amends)\s+#?"
    r"(?P<digits>\d{1,5})\b",
    re.I,
)


def renumber_references(body: str, new_numbers: Mapping[int, int], outcome: Outcome) -> str:
    """`ADR-0045`, `see ADR 39`, `Decision 036`, `[036. Title](...)`, `superseded by 12`: every reference
    to an old number written as the new one, in the same width, each tallied."""
    if not new_numbers:
        return body

    def renumbered(m: re.Match[str], build: Callable[[str], str]) -> str:
        digits = m.group("digits")
        new = new_numbers.get(int(digits))
        if new is None or new == int(digits):
            return m.group(0)
        width = len(digits) if digits.startswith("0") else 0
        result = build(f"{new:0{width}d}")
        outcome.tally(Tally.REFERENCE_RENUMBERED, f"'{m.group(0).strip()}' -> '{result.strip()}'")
        return result

    def text(chunk: str) -> str:
        chunk = _NAMED_REF.sub(lambda m: renumbered(m, lambda n: f"{m.group('word')}{m.group('sep')}{n}"), chunk)
        chunk = _TITLE_REF.sub(lambda m: renumbered(m, lambda n: f"[{n}{m.group('rest')}"), chunk)
        return _STATUS_REF.sub(
            lambda m: renumbered(m, lambda n: m.group(0)[: m.start("digits") - m.start()] + n), chunk
        )

    return _outside_code(body, text, lambda line: line)


def _outside_code(body: str, text: Callable[[str], str], line_only: Callable[[str], str]) -> str:
    """`body` with `text` applied outside fenced code blocks and code spans, `line_only` to each line."""
    out: list[str] = []
    fence: str | None = None
    for line in body.split("\n"):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if m:
            fence = m.group(1)
            out.append(line)
            continue
        pieces, last = [], 0
        for span in _CODE_SPAN.finditer(line):
            pieces.append(text(line[last : span.start()]))
            pieces.append(span.group(0))
            last = span.end()
        pieces.append(text(line[last:]))
        out.append(line_only("".join(pieces)))
    return "\n".join(out)
