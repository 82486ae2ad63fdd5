"""The lenient reader's quick paths answer exactly as YAML does, on every input they accept.

lenient.py reads a few keys of a plain front matter without the YAML parser: a key's lines are
found by hand, and a one-line value (`"quoted"`, `'quoted'`, or a plain word) is taken from the
line itself. These properties hold them to the front-matter reader (YAML, as frontmatter.py
reads it): whatever they accept must be what YAML gives, type included; and the generated inputs
must reach each path that answers without the parser.
"""

from __future__ import annotations

from collections import Counter
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from handbook import lenient
from handbook.frontmatter import parse_document, parse_mapping
from handbook.lenient import decode_text, peek, quick_values
from test_history_drafts import FILES, PROPERTY, VERSION_KEYS, slow_peek

P = "policies/refunds.md"
KEYS = ("title", "status", "version", "x-y", "a_b")
# Plain scalars YAML resolves to other types, or refuses, or reads in surprising ways.
WORDS = [
    "1", "0", "-1", "+2", "0010", "0008", "0x1F", "0o17", "1_000", "1.5", ".5", "1e3", "-.inf", ".nan", "1:30",
    "190:20:30", "yes", "No", "ON", "off", "true", "False", "~", "null", "Null", "NULL", "2026-01-05",
    "2026-1-5", "2026-02-30", "2026-01-05 10:00", "2026-01-05T10:00:00Z", "2026-01-05t10:00:00.5+01:00",
    "draft", "active", "a b", "a: b", "a:b", "a :b", "a #b", "a#b", "http://x.y/z?a=b#c", "x-", "C:\\Users",
    "It's", "a, b", "a]", "a}", "=", "<<", "1 2", "é", "√2", "😀", "A\u00a0B", "a  b", "a\u3000b",
]  # fmt: skip
SYNTAX = ":-[]{}&*!|>'\"#,?@`%~.0123456789eEaxXoO_+ \\n\u00e9"


def quoted(quote: str) -> st.SearchStrategy[str]:
    inner = st.text(SYNTAX.replace("\n", "") + "\\'\"", max_size=10)
    return inner.map(lambda text: quote + (text.replace("'", "''") if quote == "'" else text) + quote)


VALUES = st.one_of(
    st.sampled_from(WORDS),
    st.text(SYNTAX.replace("\n", ""), min_size=1, max_size=12),
    quoted('"'),
    quoted("'"),
)
LINES = st.builds(
    lambda key, before, after, value, trailing: f"{key}{before}:{after}{value}{trailing}",
    st.sampled_from(KEYS),
    st.sampled_from(["", "", " "]),
    st.sampled_from([" ", " ", "  "]),
    VALUES,
    st.sampled_from(["", "", " ", " # note"]),
)


def _typed(values: dict[str, object]) -> dict[str, str]:
    # repr: 1, True and 1.0 are equal in Python, and so would hide a wrong type.
    return {key: repr(value) for key, value in values.items()}


def _kind(line: str) -> str:
    value = line.partition(":")[2].strip()
    return {'"': "double-quoted", "'": "single-quoted"}.get(value[:1], "plain")


@PROPERTY
@given(line=LINES)
def test_a_value_read_from_its_line_is_what_yaml_reads(line: str) -> None:
    text = f"---\n{line}\n---\nBody\n"
    quick = quick_values(P, text, KEYS)
    if quick is None:
        return
    # Accepted: YAML must read the same front matter, to the same values and lines.
    doc = parse_document(P, text)
    values, lines, body = quick
    assert _typed(values) == _typed({k: doc.meta[k] for k in KEYS if k in doc.meta})
    assert lines == {k: doc.key_lines[k] for k in values} and body == doc.body


@PROPERTY
@given(raw=FILES)
def test_quick_values_are_what_yaml_reads(raw: bytes) -> None:
    """Where the front matter parses whole, the quick answer is the parser's; where it does not
    (a duplicate key, a broken line elsewhere), each answered key is what YAML reads of its lines."""
    text = decode_text(raw)
    quick = quick_values(P, text, VERSION_KEYS)
    if quick is None:
        return
    values, lines, body = quick
    try:
        doc = parse_document(P, text)
    except Exception:  # noqa: BLE001  (YAML refuses the whole: each key is read alone)
        block = text.split("\n---\n", 1)[0].split("\n")[1:]
        for key, line in lines.items():
            alone, _ = parse_mapping(P, _lines_of(block, line), first_line=line)
            assert _typed({key: values[key]}) == _typed({key: alone[key]})
        return
    assert _typed(values) == _typed({k: doc.meta[k] for k in VERSION_KEYS if k in doc.meta})
    assert lines == {k: doc.key_lines[k] for k in values} and body == doc.body


def _lines_of(block: list[str], line: int) -> str:
    """A top-level key's lines in a plain front matter: its own, and those below it up to the next key."""
    start = line - 2
    end = start + 1
    while end < len(block) and not (block[end][:1].isalpha() or block[end][:1] == "_"):
        end += 1
    return "\n".join(block[start:end])


# Front matters whose closing line falls either side of the first 4096 bytes, which are all
# `peek` decodes when the file is longer.
LONG_FILES = st.builds(
    lambda front, pad, where: (
        f"---\n{front}\n"
        + (f"# {'x' * pad}\n" if where == "front" else "")
        + "---\n## Rules\n\n"
        + ("Refund within 30 days. " * (pad // 20) if where == "body" else "Text.")
        + "\n"
    ).encode(),
    st.sampled_from(
        ["title: Refunds\nversion: 2\nstatus: active", "status: draft\nversion: 3", "version: 1\nstatus: '>'"]
    ),
    st.integers(3950, 4150),
    st.sampled_from(["front", "body"]),
)


@settings(PROPERTY, max_examples=300)
@given(raw=LONG_FILES)
def test_peek_reads_the_first_bytes_as_the_whole_file(raw: bytes) -> None:
    assert peek(P, raw) == slow_peek(raw)


def test_the_properties_reach_every_path_that_answers_without_yaml() -> None:
    """One-line values of each kind answered with no parser call, and multi-line keys read by it."""
    seen: Counter[str] = Counter()

    @settings(PROPERTY, max_examples=600)
    @given(line=LINES)
    def one_line(line: str) -> None:
        with mock.patch.object(lenient, "parse_mapping", wraps=parse_mapping) as parser:
            answered = quick_values(P, f"---\n{line}\n---\n", KEYS) is not None
        if answered and not parser.called:
            seen[_kind(line)] += 1

    @settings(PROPERTY, max_examples=600)
    @given(raw=FILES)
    def whole(raw: bytes) -> None:
        with mock.patch.object(lenient, "parse_mapping", wraps=parse_mapping) as parser:
            answered = quick_values(P, decode_text(raw), VERSION_KEYS) is not None
        if answered:
            seen["files, by the parser" if parser.called else "files, without the parser"] += 1

    one_line()
    whole()
    for path in ("double-quoted", "single-quoted", "plain", "files, by the parser", "files, without the parser"):
        assert seen[path] > 20, seen
