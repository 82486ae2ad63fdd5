"""Raw HTML in Markdown that would run a script on the site (a `<script>`, an `on...=` handler,
a `javascript:` or `data:` link): found as the site's Python-Markdown converts the text, at the
line where it starts, and taken out (importers) or shown as text (old versions of a policy).

Python-Markdown does not sanitise, and what it passes through depends on its extensions (a
fenced block is code with `fenced_code`, raw HTML without it): so each tag opening in the text
is marked with a probe attribute, the text converted, and the HTML it gives parsed. A probed
element in the HTML is raw HTML from that place of the text; one without a probe came from
Markdown (a link, an attribute list) and is traced back by what it says.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown

from .settings import MARKDOWN_EXTENSIONS, Settings

PROBE = "data-hb-probe"
# Where a tag may open: the parser decides whether it is one (in code it is text).
_TAG_OPENING = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])")
# Nothing can run without one of these in the text (a tag, an attribute list, an entity
# spelling a scheme, or a scheme itself): most texts are not converted at all.
_MAYBE_ENTITY = re.compile(r"&#?\w+;")
_SCHEMES = ("javascript:", "vbscript:", "data:")
_URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "ping"}
)
# Elements whose `src` may be a `data:` image or medium: nothing in it runs.
_MEDIA = frozenset({"img", "source", "video", "audio", "track", "input", "picture"})


@dataclass(frozen=True)
class Unsafe:
    """One thing in a text that would run a script, at the file line where it starts."""

    line: int
    what: str


@dataclass(frozen=True)
class _Found:
    what: str
    at: int  # where in the text it starts
    # "element" (a raw HTML tag opens at `tag_at`), "link" (a Markdown link's URL), "attribute"
    # (`{: on...}`), or "unplaced" (not traced back to one place: `at` is a guess, for its line)
    kind: str
    tag_at: int = -1  # the raw tag's `<`, for an element's attributes
    end: int = -1  # a link's URL ends here


def find_unsafe(text: str, first_line: int, settings: Settings) -> list[Unsafe]:
    """Everything in Markdown `text` (its first line is `first_line` of its file) that would run a
    script once the site converts it, in text order."""
    starts = _line_starts(text)
    return [Unsafe(first_line + bisect.bisect_right(starts, f.at) - 1, f.what) for f in _find(text, settings)]


def strip_unsafe(text: str, first_line: int, settings: Settings) -> tuple[str, list[Unsafe]]:
    """`text` without its scripts, event handlers and `javascript:`/`data:` links (a link keeps its
    text, its URL becomes `#`), and what was taken out, at its line in the original text."""
    removed = find_unsafe(text, first_line, settings)
    for _ in range(3):  # a second pass finds what taking the first out uncovered
        found = _find(text, settings)
        if not found:
            break
        text = _rewrite(text, found, strip=True)
    return text, removed


def escape_unsafe(text: str, settings: Settings) -> str:
    """`text` with each thing that would run a script written out as text instead (an old
    version's text, which nobody can fix any more, shown as it was without running it)."""
    for _ in range(3):
        found = _find(text, settings)
        if not found:
            return text
        text = _rewrite(text, found, strip=False)
    if not _find(text, settings):
        return text
    # Beyond repair: the whole text shown as code.
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    return f"{fence}text\n{text}\n{fence}\n"


def _find(text: str, settings: Settings) -> list[_Found]:
    if not _may_hold_unsafe(text):
        return []
    matches = list(_TAG_OPENING.finditer(text))
    openings = [match.start() for match in matches]
    probed, last = [], 0
    for number, match in enumerate(matches):
        # Written so that Python-Markdown reads the tag as it reads it without: `<img/src=x>`,
        # whose name runs on to `>` for its pattern, becomes `<img/data-hb-probe=0/src=x>`.
        glue = "/" if text[match.end(1)] == "/" else " "
        probed += [text[last : match.end(1)], f"{glue}{PROBE}={number}"]
        last = match.end(1)
    probed.append(text[last:])
    reader = _Elements()
    reader.feed(_convert("".join(probed), settings))
    reader.close()
    found: list[_Found] = []
    lower = text.lower()
    links = [d for d in _destinations(text) if _scheme(html.unescape(d[2])) is not None]
    claimed: set[int] = set()  # where a finding of Markdown's was traced to: the next one is elsewhere

    def traced(candidates: Iterator[int]) -> int:
        at = next((at for at in candidates if at not in claimed), -1)
        claimed.add(at)
        return at

    for tag, attrs in reader.elements:
        number = _probe_number(attrs)
        tag_at = openings[number] if 0 <= number < len(openings) else -1
        if tag_at >= 0 and tag == "script":
            found.append(_Found("a <script> element", tag_at, "element", tag_at))
            continue
        if tag_at >= 0:  # raw HTML, passed through as written: its attributes as a browser reads them
            raw, written = _parse_start_tag(text, tag_at)
            attrs = written if raw else attrs
        for name, value in attrs:
            what = _unsafe_attribute(tag, name, value)
            if what is None:
                continue
            if tag_at >= 0:  # raw HTML: the attribute is in the tag opened there
                raw = _start_tag(text, tag_at)
                inside = lower.find(name, tag_at, tag_at + len(raw)) if raw else -1
                found.append(_Found(what, inside if inside >= 0 else tag_at, "element", tag_at))
            elif name.startswith("on"):  # an attribute list, `{: onclick=...}`
                at = traced(a for a in _occurrences(lower, name) if _in_attribute_list(text, a))
                if at >= 0:
                    found.append(_Found(what, at, "attribute"))
                else:
                    found.append(_Found(what, max(traced(_occurrences(lower, name)), 0), "unplaced"))
            else:  # a Markdown link or image
                wanted = _scheme(value or "")
                at = traced(start for start, _, url in links if _scheme(html.unescape(url)) == wanted)
                end = next((e for start, e, _ in links if start == at), -1)
                found.append(_Found(what, max(at, 0), "link" if at >= 0 else "unplaced", end=end))
    return sorted(found, key=lambda f: f.at)


# A Markdown link's or image's destination, and a reference definition's (where a link may be).
_DESTINATION = re.compile(
    r"\]\([ \t]*(<[^<>\n]*>|[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)|^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^<>\n]*>|\S+)",
    re.MULTILINE,
)


def _destinations(text: str) -> list[tuple[int, int, str]]:
    """(start, end, URL) of each place in `text` a link's URL may be (in code too: the HTML says which are)."""
    found = []
    for match in _DESTINATION.finditer(text):
        group = 1 if match.group(1) is not None else 2
        start, end = match.span(group)
        url = match.group(group)
        if url.startswith("<") and url.endswith(">"):
            start, end, url = start + 1, end - 1, url[1:-1]
        found.append((start, end, url))
    return found


def _occurrences(lower: str, needle: str) -> Iterator[int]:
    at = lower.find(needle)
    while at >= 0:
        yield at
        at = lower.find(needle, at + 1)


def _in_attribute_list(text: str, at: int) -> bool:
    """Whether `at` is inside `{ ... }` on its line."""
    line_start = text.rfind("\n", 0, at) + 1
    return text.rfind("{", line_start, at) > text.rfind("}", line_start, at)


def _scheme(url: str) -> str | None:
    """The scheme that would run a script (or hold a page) in `url` as a browser reads it, if any."""
    # Leading spaces and controls are dropped, and tabs and newlines anywhere.
    clean = "".join(c for c in url.lstrip("".join(map(chr, range(33)))) if c not in "\t\n\r").lower()
    return next((scheme for scheme in _SCHEMES if clean.startswith(scheme)), None)


def _probe_number(attrs: list[tuple[str, str | None]]) -> int:
    """The probe's number on an element (-1 for none): its value may run on (`0/src=x`)."""
    value = dict(attrs).get(PROBE) or ""
    digits = value[: len(value) - len(value.lstrip("0123456789"))]
    return int(digits) if digits else -1


def _may_hold_unsafe(text: str) -> bool:
    if "<" in text or "{" in text or _MAYBE_ENTITY.search(text):
        return True
    compact = text.lower().replace("\t", "").replace("\n", "").replace("\r", "")
    return any(scheme in compact for scheme in _SCHEMES)


def _unsafe_attribute(tag: str, name: str, value: str | None) -> str | None:
    if name == PROBE:
        return None
    if name.startswith("on"):
        return f"an event handler attribute '{name}' on <{tag}>"
    if name == "srcdoc":
        return f"an HTML document in 'srcdoc' on <{tag}>"
    if name not in _URL_ATTRIBUTES or not value:
        return None
    scheme = _scheme(value)
    if scheme is None or (scheme == "data:" and tag in _MEDIA and name in ("src", "poster")):
        return None
    return f"a {scheme} URL in '{name}' on <{tag}>"


_MARKDOWN: dict[str, markdown.Markdown] = {}


def _convert(text: str, settings: Settings) -> str:
    """`text` converted as the site converts it (the handbook's own extensions if the site's fail)."""
    key = repr((settings.markdown_extensions, settings.markdown_configs))
    md = _MARKDOWN.get(key)
    if md is None:
        try:
            md = markdown.Markdown(
                extensions=list(settings.markdown_extensions), extension_configs=settings.markdown_configs
            )
        except Exception:  # an extension that will not load: mkdocs itself reports it
            md = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS))
        _MARKDOWN[key] = md
    md.reset()
    try:
        return md.convert(text)
    except Exception:  # an extension that fails on this text (mkdocs says so when it builds)
        return markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS)).convert(text)


class _Elements(HTMLParser):
    """Every element's tag and attributes, in document order (a script's content is text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


class _StartTag(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.raw: str | None = None
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.raw is None:
            self.raw, self.attrs = self.get_starttag_text(), attrs

    handle_startendtag = handle_starttag


def _start_tag(text: str, at: int) -> str:
    """The raw start tag that opens at `at` ('' where the parser finds none there)."""
    return _parse_start_tag(text, at)[0]


def _parse_start_tag(text: str, at: int) -> tuple[str, list[tuple[str, str | None]]]:
    size = 512
    while True:
        parser = _StartTag()
        parser.feed(text[at : at + size])
        if parser.raw is not None or at + size >= len(text):
            return parser.raw or "", parser.attrs
        size *= 4


def _rewrite(text: str, found: Sequence[_Found], *, strip: bool) -> str:
    """`text` with each finding taken out (`strip`) or written out as text."""
    edits: dict[int, tuple[int, str]] = {}  # start -> (end, replacement); one edit per place
    for item in found:
        for start, end, new in _edits(text, item, strip=strip):
            if not any(s < end and start < e for s, (e, _) in edits.items()):
                edits[start] = (end, new)
    for start in sorted(edits, reverse=True):
        end, new = edits[start]
        text = text[:start] + new + text[end:]
    return text


def _edits(text: str, item: _Found, *, strip: bool) -> Iterator[tuple[int, int, str]]:
    if item.kind == "element":
        raw, attrs = _parse_start_tag(text, item.tag_at)
        tag_end = item.tag_at + len(raw) if raw else item.tag_at + 1
        if item.what == "a <script> element":
            close = text.lower().find("</script", tag_end)
            if strip:
                close_end = text.find(">", close) + 1 if close >= 0 else 0
                yield item.tag_at, close_end if close_end > 0 else tag_end, ""
            else:
                yield item.tag_at, item.tag_at + 1, "&lt;"
                if close >= 0:
                    yield close, close + 1, "&lt;"
        elif strip and raw:
            yield item.tag_at, tag_end, _safe_tag(raw, attrs)
        else:
            yield item.tag_at, item.tag_at + 1, "&lt;"
    elif item.kind == "link":
        if strip:
            yield item.at, item.end, "#"
        else:
            opening = _link_opening(text, item.at)
            if opening >= 0:
                yield opening, opening + 1, "\\["
            else:  # not a link we can place: its scheme's colon made a harmless relative path
                colon = text.find(":", item.at, item.end)
                yield colon, colon + 1, "%3A"
    elif item.kind == "attribute":
        brace = text.rfind("{", 0, item.at)
        if strip:
            end = _attribute_end(text, item.at)
            yield item.at, end, ""
        elif brace >= 0:
            yield brace, brace + 1, "\\{"


def _safe_tag(raw: str, attrs: list[tuple[str, str | None]]) -> str:
    """A start tag rewritten without the attributes that would run a script."""
    tag = _TAG_OPENING.match(raw)
    name = tag.group(1) if tag else "span"
    kept = [
        f" {key}" if value is None else f' {key}="{html.escape(value)}"'
        for key, value in attrs
        if key != PROBE and _unsafe_attribute(name.lower(), key, value) is None
    ]
    return f"<{name}{''.join(kept)}{' /' if raw.rstrip().endswith('/>') else ''}>"


def _link_opening(text: str, url_at: int) -> int:
    """The `[` that opens the Markdown link (or reference definition) whose URL starts at `url_at`."""
    before = text[:url_at].rstrip(" \t<")
    if not before.endswith(("](", "]:")):
        return -1
    close = len(before) - 2
    depth = 0
    for at in range(close, -1, -1):
        if text[at] == "]" and (at == 0 or text[at - 1] != "\\"):
            depth += 1
        elif text[at] == "[" and (at == 0 or text[at - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return at
    return -1


def _attribute_end(text: str, at: int) -> int:
    """Where the `name=value` attribute of an attribute list that starts at `at` ends."""
    equals = text.find("=", at)
    if equals < 0:
        return at + 1
    start = equals + 1
    if start < len(text) and text[start] in "\"'":
        close = text.find(text[start], start + 1)
        return close + 1 if close >= 0 else len(text)
    end = start
    while end < len(text) and not text[end].isspace() and text[end] != "}":
        end += 1
    return end


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts
