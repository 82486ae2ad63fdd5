"""Liquid and Jekyll in an imported page, turned into what the handbook's Markdown shows: links
to imported pages, includes inlined, comments removed, alerts as admonitions, and every tag
left over kept as an HTML comment, out of the rendered text; each one listed for the report."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from .addresses import Locator
from .sources import FENCE

# How deep includes may include others: a loop in the source stops here, reported.
MAX_INCLUDE_DEPTH = 5
# Alert and callout blocks, by the admonition Material shows for them.
ADMONITIONS = {
    "alert": "note",
    "note": "note",
    "info": "info",
    "tip": "tip",
    "hint": "tip",
    "warning": "warning",
    "caution": "warning",
    "important": "warning",
    "danger": "danger",
    "error": "failure",
    "callout": "note",
}
# The tags this module handles, for the README and the report.
HANDLED = (
    "{% comment %}...{% endcomment %}",
    "{% raw %}...{% endraw %}",
    "{% alert %}...{% endalert %} (and note, tip, info, warning, caution, important, danger, callout)",
    "{% include %} / {% include_relative %}",
    '{% page "/x/" %} / {% link x.md %}',
    "{{ site.baseurl }} / {{ site.url }}",
    '{{ "/x/" | relative_url }} / absolute_url',
    "{{ page.title }}",
)

_TAG = re.compile(r"\{%-?\s*(?P<name>\w+)(?P<args>.*?)-?%\}|\{\{-?(?P<output>.*?)-?\}\}", re.S)
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)
_COMMENT = re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.S)
_BLOCK = re.compile(
    r"\n*\{%-?\s*(?P<name>" + "|".join(ADMONITIONS) + r")\b(?P<args>[^%]*?)-?%\}"
    r"(?P<content>(?:(?!\{%-?\s*(?:" + "|".join(ADMONITIONS) + r")\b).)*?)"
    r"\{%-?\s*end(?P=name)\s*-?%\}\n*",
    re.S,
)
_QUOTED = re.compile(r"""^\s*["']?([^"'\s]+)["']?""")
_URL_FILTER = re.compile(r"""^\s*["']([^"']*)["']\s*\|\s*(?:relative_url|absolute_url)\s*$""")
_SITE_ROOT = re.compile(r"^\s*site\.(?:baseurl|url)\s*$")
# Just before a tag that gives a link's target: `[text](`, `[id]: `, `href="`.
_IN_LINK = re.compile(r"""(?:\(|\]:\s*|href=["'])$""")
_CODE_SPAN = re.compile(r"(`+[^`\n]*?`+)")
_MARK = "\x00{}\x00"


@dataclass
class Converted:
    """A page's text after Liquid: what was resolved and what was left, as report lines."""

    text: str
    resolved: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    # Tags in code blocks: shown as the code they are, listed apart from the tags left as comments.
    in_code: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Resolvers:
    """What the source site knows: `link(target)` -> the Markdown link target of an imported
    page, `include(name, relative)` -> an include's text; None when there is none."""

    link: Callable[[str], str | None]
    title: Callable[[str], str | None]
    include: Callable[[str, bool], str | None]
    page_title: str


def convert(text: str, resolvers: Resolvers, *, label: str, first_line: int) -> Converted:
    """`text` with its Liquid resolved where it maps onto the handbook; `first_line` is the line of
    the text's first line in the source file, for the report."""
    out = Converted(text)
    where = Locator(text, label, first_line)
    out.text = _resolve(text, resolvers, out, where, depth=0)
    return out


def _resolve(text: str, r: Resolvers, out: Converted, where: Locator, *, depth: int) -> str:
    raws: list[str] = []

    def keep_raw(m: re.Match[str]) -> str:
        out.resolved.append(f"{where(m.group(0)[:40])}: {{% raw %}} block kept as text")
        raws.append(m.group(1))
        return _MARK.format(len(raws) - 1)

    text = _RAW.sub(keep_raw, text)

    def drop_comment(m: re.Match[str]) -> str:
        out.resolved.append(f"{where(m.group(0).split('%}')[0] + '%}')}: {{% comment %}} removed")
        return ""

    text = _COMMENT.sub(drop_comment, text)
    while True:
        text, found = _BLOCK.subn(lambda m: _admonition(m, out, where), text)
        if not found:
            break
    pieces = []
    for fenced, part in _split_code(text):
        if fenced:
            pieces.append(_unmark(_in_code(part, out, where), raws, literal=True))
            continue
        for i, piece in enumerate(_CODE_SPAN.split(part)):
            if i % 2:  # an inline code span: shown as the code it is
                pieces.append(_unmark(_in_code(piece, out, where), raws, literal=True))
            else:
                pieces.append(_unmark(_TAG.sub(lambda m: _tag(m, r, out, where, depth), piece), raws, literal=False))
    return "".join(pieces)


def _unmark(text: str, raws: list[str], *, literal: bool) -> str:
    """The `{% raw %}` blocks put back: as they were in code; in prose with `{` as `&#123;`, which
    reads the same and is no Liquid left in the text."""
    for i, raw in enumerate(raws):
        text = text.replace(_MARK.format(i), raw if literal else re.sub(r"\{(?=[{%])", "&#123;", raw))
    return text


def _admonition(m: re.Match[str], out: Converted, where: Locator) -> str:
    name = m.group("name")
    kind = ADMONITIONS[name]
    for word in re.findall(r"\w+", m.group("args").lower()):
        if word in ADMONITIONS and word != "alert":
            kind = ADMONITIONS[word]
            break
    opening = m.group(0).lstrip("\n").split("%}")[0] + "%}"
    out.resolved.append(f"{where(opening)}: {{% {name} %}} block as a '!!! {kind}' admonition")
    body = textwrap.dedent(m.group("content").strip("\n"))
    lines = [("    " + line.rstrip() if line.strip() else "") for line in body.split("\n")]
    return f"\n\n!!! {kind}\n\n" + "\n".join(lines) + "\n\n"


def _tag(m: re.Match[str], r: Resolvers, out: Converted, where: Locator, depth: int) -> str:
    tag = m.group(0)
    name = (m.group("name") or "").lower()
    args = (m.group("args") or "").strip()
    here = where(tag)
    if m.group("output") is not None:
        output = m.group("output").strip()
        if _SITE_ROOT.match(output):
            out.resolved.append(f"{here}: {tag} removed (links start at the handbook's root)")
            return ""
        if url := _URL_FILTER.match(output):
            out.resolved.append(f"{here}: {tag} as '{url.group(1)}'")
            return url.group(1)
        if output == "page.title":
            out.resolved.append(f"{here}: {tag} as the page's title")
            return r.page_title
    elif name in ("include", "include_relative") and (path := _QUOTED.match(args)) and "{{" not in args:
        if depth >= MAX_INCLUDE_DEPTH:
            return _leave(tag, here, "includes nested too deep", out)
        included = r.include(path.group(1), name == "include_relative")
        if included is not None:
            out.resolved.append(f"{here}: {tag} replaced by the included file's text")
            inner = Locator(included, f"{here} -> {path.group(1)}", 1)
            return _resolve(included.rstrip("\n"), r, out, inner, depth=depth + 1)
        return _leave(tag, here, "no such file in the source's _includes", out)
    elif name in ("page", "link") and (path := _QUOTED.match(args)):
        target = r.link(path.group(1))
        if target is not None:
            in_link = _IN_LINK.search(m.string[max(0, m.start() - 12) : m.start()]) is not None
            out.resolved.append(f"{here}: {tag} as a link to {target}")
            return target if in_link else f"[{r.title(path.group(1)) or path.group(1)}]({target})"
        return _leave(tag, here, "no imported page at that address", out)
    return _leave(tag, here, "no handbook equivalent", out)


def _leave(tag: str, here: str, why: str, out: Converted) -> str:
    out.left.append(f"{here}: {' '.join(tag.split())} kept as an HTML comment ({why}): rewrite it by hand")
    # `--` cannot appear inside an HTML comment.
    return "<!-- liquid: " + tag.replace("--", "- -") + " -->"


def _in_code(part: str, out: Converted, where: Locator) -> str:
    for m in _TAG.finditer(part):
        out.in_code.append(f"{where(m.group(0))}: {' '.join(m.group(0).split())} left as it is in a code block")
    return part


def _split_code(text: str) -> list[tuple[bool, str]]:
    """`text` cut into (inside a fenced code block?, part), in order."""
    parts: list[tuple[bool, str]] = []
    current: list[str] = []
    fenced = False
    for line in text.splitlines(keepends=True):
        if FENCE.match(line):
            if not fenced:
                parts.append((False, "".join(current)))
                current = [line]
                fenced = True
                continue
            current.append(line)
            parts.append((True, "".join(current)))
            current = []
            fenced = False
            continue
        current.append(line)
    parts.append((fenced, "".join(current)))
    return [p for p in parts if p[1]]
