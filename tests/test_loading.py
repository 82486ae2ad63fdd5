"""Loading records: the sample handbook, accepted variations of a file, and a property-based
search for input that makes the loader fail with anything but our own errors."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, Writer, decision, policy, settings_for
from handbook.checks import run_checks
from handbook.cli.common import load_settings
from handbook.errors import HandbookError
from handbook.frontmatter import MAX_FRONT_MATTER_BYTES, parse_document
from handbook.history import History
from handbook.loading import load_corpus, load_decision, load_policy, load_post
from handbook.owners import load_owners
from handbook.records import Decision, DecisionStatus, Policy, PolicyStatus, Post
from handbook.schema import LoadErrors

P = "policies/refunds.md"
D = "decisions/0001-use-a-shared-inbox.md"


# -- the sample handbook -------------------------------------------------------------------------


def test_sample_handbook_loads_without_errors() -> None:
    corpus = load_corpus(load_settings(ROOT))
    assert corpus.errors == ()
    assert len(corpus.policies) == 11
    assert [p.id for p in corpus.drafts] == ["goodwill-gestures"]
    assert list(corpus.decisions) == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert len(corpus.posts) == 8
    assert [p.path for p in corpus.posts if p.draft] == ["docs/blog/posts/planning-for-the-holiday-peak.md"]
    assert corpus.policy_successor == {"escalation-matrix": "complaint-escalation"}
    assert corpus.decision_successor == {2: 4, 4: 6}
    assert corpus.decision_status(corpus.decisions[4]) is DecisionStatus.SUPERSEDED
    assert {o for o in corpus.owners} == {
        "jdoe",
        "support-ops",
        "billing",
        "customer-experience",
        "data-protection",
        "people",
    }


# -- one policy, field by field ------------------------------------------------------------------


def test_policy_values_and_the_line_of_each_key(write_handbook: Writer) -> None:
    root = write_handbook(
        {P: policy(audience="[support, managers]", extra="tags: [refunds]\npriority: 2\nacknowledge: true\n")}
    )
    refunds = load_policy(settings_for(root), P)
    assert refunds == Policy(
        id="refunds",
        path=P,
        title="Refunds",
        version=1,
        status=PolicyStatus.ACTIVE,
        owner="billing",
        effective=dt.date(2026, 1, 5),
        reviewed=dt.date(2026, 1, 5),
        review_every=12,
        audience=("support", "managers"),
        summary="How refunds work.",
        changes="First version.",
        body="## Rules\n\nRefund within 30 days.\n",
        body_line=15,
        tags=("refunds",),
        priority=2,
        acknowledge=True,
    )
    assert [refunds.line_of(k) for k in ("title", "owner", "audience", "tags", "acknowledge")] == [2, 5, 8, 11, 13]
    assert refunds.review_due == dt.date(2027, 1, 5)


def test_decision_values_number_and_title(write_handbook: Writer) -> None:
    root = write_handbook(
        {D: decision(title="Use a shared inbox ##", extra="decision-makers: Jane Doe\nsupersedes: [0002]\n")}
    )
    record = load_decision(settings_for(root), D)
    assert (record.number, record.label, record.id, record.title) == (
        1,
        "0001",
        "0001-use-a-shared-inbox",
        "Use a shared inbox",
    )
    assert record.decision_makers == ("Jane Doe",)
    assert record.supersedes == (2,)
    assert (record.line_of("supersedes"), record.body_line) == (5, 7)


def test_post_title_from_front_matter_or_heading(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            "docs/blog/posts/a.md": "---\ndate:\n  created: 2026-01-05\ntitle: Given\n---\n# Heading\n",
            "docs/blog/posts/2026/b.md": "---\ndate: 2026-01-06\ndraft: true\n---\n\n# From the heading\n",
        }
    )
    settings = settings_for(root)
    assert load_post(settings, "docs/blog/posts/a.md") == Post(
        path="docs/blog/posts/a.md", title="Given", date=dt.date(2026, 1, 5)
    )
    b = load_post(settings, "docs/blog/posts/2026/b.md")
    assert (b.title, b.draft) == ("From the heading", True)


def test_owners_keep_their_lines_through_comments(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            "policies/owners.yml": "# Owners.\n\nbilling:\n  # A team.\n  name: Billing\n"
            "  email: b@example.com\n  handle: '@b'\n"
        }
    )
    owners = load_owners(settings_for(root))
    assert owners["billing"].line == 3
    assert (owners["billing"].name, owners["billing"].email) == ("Billing", "b@example.com")


def test_errors_are_sorted_by_file_then_line(write_handbook: Writer) -> None:
    root = write_handbook(
        {
            "policies/b.md": policy(version="two", status="gone"),
            "policies/a.md": policy(owner="nobody"),
            D: decision(date="soon"),
        }
    )
    corpus = load_corpus(settings_for(root))
    assert [(e.path, e.line) for e in corpus.errors] == [
        (D, 3),
        ("policies/a.md", 5),
        ("policies/b.md", 3),
        ("policies/b.md", 4),
    ]
    assert [e.path for e in corpus.load_errors] == [D, "policies/b.md", "policies/b.md"]
    assert [e.code for e in corpus.integrity_errors] == ["HB103"]


# -- accepted variations: each loads, with the lines an editor sees -----------------------------

VALID = policy().encode()


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"\xef\xbb\xbf" + VALID, id="UTF-8 BOM"),
        pytest.param(VALID.replace(b"\n", b"\r\n"), id="CRLF line endings"),
        pytest.param(b"\xef\xbb\xbf" + VALID.replace(b"\n", b"\r\n"), id="BOM and CRLF"),
        pytest.param(VALID.replace(b"\n", b"\r"), id="old Mac CR line endings"),
        pytest.param(VALID.replace(b"---\n##", b"...\n##"), id="front matter closed with '...'"),
        pytest.param(VALID.replace(b"---\n", b"---  \n"), id="fences with trailing spaces"),
    ],
)
def test_accepted_encodings_and_line_endings(write_handbook: Writer, raw: bytes) -> None:
    root = write_handbook({P: raw})
    refunds = load_policy(settings_for(root), P)
    assert (refunds.title, refunds.version, refunds.owner) == ("Refunds", 1, "billing")
    assert [refunds.line_of(k) for k in ("title", "owner", "changes")] == [2, 5, 10]
    assert refunds.body_line == 12
    assert refunds.body == "## Rules\n\nRefund within 30 days.\n"
    assert load_corpus(settings_for(root)).errors == ()


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        pytest.param("version", "0010", 10, id="leading zeros are decimal, not octal"),
        pytest.param("version", "0008", 8, id="leading zeros with 8 or 9"),
        pytest.param("effective", '"2026-01-05"', dt.date(2026, 1, 5), id="date in quotes"),
        pytest.param("audience", "support", ("support",), id="one audience without brackets"),
        pytest.param("title", "'1984'", "1984", id="number-like title in quotes"),
        pytest.param("title", "Fish & chips <script>", "Fish & chips <script>", id="markup in a title is text"),
    ],
)
def test_accepted_values(write_handbook: Writer, field: str, text: str, value: object) -> None:
    root = write_handbook({P: policy(**{field: text})})
    assert getattr(load_policy(settings_for(root), P), field) == value


def test_material_page_keys_pass_through(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(extra="hide: [toc]\ndescription: For search engines.\nacknowledge: yes\n")})
    assert load_policy(settings_for(root), P).acknowledge is True


def test_symlink_inside_the_repository_is_followed(write_handbook: Writer) -> None:
    root = write_handbook({"shared/refunds.md": policy()})
    (root / P).symlink_to("../shared/refunds.md")
    corpus = load_corpus(settings_for(root))
    assert corpus.errors == ()
    assert corpus.policies["refunds"].path == P


def test_front_matter_size_limit_is_inclusive() -> None:
    head = "title: Refunds\nsummary: "
    fits = head + "x" * (MAX_FRONT_MATTER_BYTES - len(head))
    assert parse_document(P, f"---\n{fits}\n---\n").meta["title"] == "Refunds"
    with pytest.raises(HandbookError, match="front matter is larger than 64 KiB"):
        parse_document(P, f"---\n{fits}x\n---\n")


def test_anchor_without_alias_is_harmless() -> None:
    assert parse_document(P, "---\ntags: &t [a]\n---\n").meta == {"tags": ["a"]}


def test_missing_title_points_at_the_last_line_when_there_is_no_body(write_handbook: Writer) -> None:
    root = write_handbook({D: "---\nstatus: accepted\ndate: 2025-03-01\n---"})
    with pytest.raises(HandbookError) as raised:
        load_decision(settings_for(root), D)
    assert str(raised.value) == f"{D}:4: no title: start the text with a '# Title' heading"


# -- property: any input gives a record or our own error, never a crash ---------------------------

POLICY_KEYS = [
    "title",
    "version",
    "status",
    "owner",
    "effective",
    "reviewed",
    "review_every",
    "audience",
    "summary",
    "changes",
    "supersedes",
    "tags",
    "priority",
    "acknowledge",
    "hide",
    "description",
]
DECISION_KEYS = ["status", "date", "decision-makers", "consulted", "informed", "supersedes", "policies", "tags"]
# Values that reach every branch of YAML and of the schema: valid, near-valid and hostile.
TRICKY = [
    "2026-01-05",
    "9999-12-31",
    "9999-12-01",
    "9989-12-31",
    "1900-01-01",
    "1899-12-31",
    "0001-01-01",
    "120",
    "121",
    "120000",
    "99999999999999999999",
    "2026-02-30",
    "2026-13-01",
    "2026-01-05 09:30",
    "soon",
    "1",
    "1.5",
    "-1",
    "0",
    "0010",
    "0008",
    "1:30",
    "0x1F",
    "1e999",
    ".nan",
    "true",
    "no",
    "~",
    "",
    '"3"',
    "two",
    "active",
    "draft",
    "retired",
    "Active",
    "accepted",
    "superseded",
    "proposed",
    "billing",
    "nobody",
    "support",
    "all-staff",
    "[support, managers]",
    "[all-staff]",
    "[]",
    "{}",
    "[1, 2]",
    "[0002]",
    "[../../etc/passwd]",
    "../../etc/passwd",
    "[",
    "{a: [",
    "'open",
    '"open',
    "&a x",
    "*a",
    "&a [1]",
    "!!binary eA==",
    "!!binary ???",
    "!!python/object:os.system x",
    "!!timestamp nope",
    "!!int x",
    "!!float x",
    "!!bool x",
    "!!map x",
    "!!seq x",
    "!!set {a}",
    "!local x",
    "\t",
    "|\n  block",
    ">\n  folded",
    "- a",
    "? a",
    "<<: {a: 1}",
    "{a: 1, a: 2}",
    "[[[[[[[[[[[]]]]]]]]]]]",
    "x: y: z",
    "@at",
    "`tick`",
    "%",
    "#comment",
    "'It''s'",
    "\u00e9t\u00e9",
    "\U0001f600",
    "\u202e",
    "\x85",
]
# Characters that mean something to YAML or Markdown, and a few that mean something to Unicode.
SYNTAX = ":-[]{}&*!|>'\"#\t\n ,?@`%~.01289aeTx_\\\x0b\x1b\x85\u00e9\u2028\u202e\ufeff\U0001f600"
text = st.text(SYNTAX, max_size=40)
# Python values that YAML can write: the schema must turn each into a value or a message.
VALUES = [
    None,
    True,
    False,
    0,
    1,
    -1,
    3,
    1.5,
    float("inf"),
    "",
    " ",
    "text",
    "3",
    "2026-01-05",
    dt.date(2026, 1, 5),
    dt.date(9999, 12, 31),
    dt.date(1, 1, 1),
    120000,
    10**30,
    dt.datetime(2026, 1, 5, 9, 30),
    [],
    ["support"],
    [1, "a", None],
    [["nested"]],
    {},
    {"created": dt.date(2026, 1, 5)},
    {"a": {"b": [1]}},
    "a: b",
    "- a",
    "\t",
    "&a",
    "0010",
]


# A record that loads, for `nearly_valid` to change a few keys of.
VALID = {
    "policy": {
        "title": "Refunds", "version": "1", "status": "active", "owner": "billing", "effective": "2026-01-05",
        "reviewed": "2026-01-05", "audience": "[all-staff]", "summary": "How refunds work.", "changes": "First.",
    },
    "decision": {"status": "accepted", "date": "2025-03-01"},
}  # fmt: skip
# The ends of the calendar and of review_every: what loads must also check, whatever the day.
EDGES = ["9999-12-31", "9999-12-01", "9989-12-31", "1900-01-01", "1899-12-31", "0001-01-01", "1", "120", "121"]


def nearly_valid(valid: dict[str, str], keys: list[str]) -> st.SearchStrategy[str]:
    """A valid record's front matter with up to three keys set to an edge or a tricky value."""
    changes = st.dictionaries(st.sampled_from(keys), st.sampled_from(EDGES) | st.sampled_from(TRICKY), max_size=3)
    return changes.map(lambda changed: "\n".join(f"{k}: {v}" for k, v in (valid | changed).items()))


def front_matter(keys: list[str], valid: dict[str, str] | None = None) -> st.SearchStrategy[str]:
    """Lines of front matter: `key: value` from the schema's keys or not, or any line at all."""
    line = st.sampled_from([f"{key}: {value}" for key in keys for value in TRICKY]) | text
    written = st.lists(line, max_size=len(keys) + 3).map("\n".join)
    # Well-formed YAML of many shapes: exercises the schema rather than the parser.
    dumped = st.dictionaries(st.sampled_from(keys), st.sampled_from(VALUES), max_size=len(keys)).map(
        lambda data: yaml.safe_dump(data, allow_unicode=True)
    )
    if valid is None:
        return st.one_of(written, written, written, dumped)
    return st.one_of(written, written, dumped, nearly_valid(valid, keys), nearly_valid(valid, keys))


BODY_LINES = [
    "# Title",
    "#",
    "# ",
    "## Context",
    "```",
    "~~~",
    "---",
    "...",
    "[a](../../etc/passwd)",
    "[b]: file:///etc/passwd",
    '<img src="../x.png">',
    "[c](#anchor)",
    "[d](https://example.com)",
    "",
]
body = st.lists(st.sampled_from(BODY_LINES) | text, max_size=6).map("\n".join)
FENCES = [("---", "---"), ("---", "---"), ("---", "..."), ("---", ""), ("", "---"), ("--- ", "---\t")]
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"]
MANGLES = ["", "", "crlf", "cr", "nul", "truncate"]


def assemble(fm: str, fences: tuple[str, str], text_: str, encoding: str, mangle: str, cut: int) -> bytes:
    raw = f"{fences[0]}\n{fm}\n{fences[1]}\n{text_}".encode(encoding, errors="replace")
    if mangle == "crlf":
        return raw.replace(b"\n", b"\r\n")
    if mangle == "cr":
        return raw.replace(b"\n", b"\r")
    if mangle == "nul":
        return raw + b"\x00"
    if mangle == "truncate":
        return raw[: len(raw) * cut // 100]
    return raw


def markdown_file(keys: list[str], valid: dict[str, str]) -> st.SearchStrategy[bytes]:
    """A whole file as bytes: front matter, fences, body, encoding and line ends all drawn."""
    parts = (
        front_matter(keys, valid),
        st.sampled_from(FENCES),
        body,
        st.sampled_from(ENCODINGS),
        st.sampled_from(MANGLES),
        st.integers(0, 100),
    )
    return st.tuples(*parts).map(lambda drawn: assemble(*drawn))


OWNERS_FILE = front_matter(["jdoe", "billing", "name", "email", "handle"])
POLICY_FILE = markdown_file(POLICY_KEYS, VALID["policy"])
DECISION_FILE = markdown_file(DECISION_KEYS, VALID["decision"])


# Thousands of examples in a few seconds; HANDBOOK_FUZZ_EXAMPLES=100000 for a long hunt. No
# example database: a failure prints the input that caused it, and nothing is left in the checkout.
settings.register_profile(
    "loader-fuzz",
    max_examples=int(os.environ.get("HANDBOOK_FUZZ_EXAMPLES", "2500")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("loader-fuzz")


@pytest.fixture(scope="module")
def fuzz_root() -> Iterator[Path]:
    # Thousands of writes: on tmpfs where there is one, since a disk write here costs milliseconds.
    memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(dir=memory) as folder:
        root = Path(folder)
        for sub in ("policies", "decisions", "docs/blog/posts"):
            (root / sub).mkdir(parents=True)
        yield root


def assert_located(error: HandbookError, path: str, raw: bytes) -> None:
    assert error.path == path
    assert 1 <= error.line <= max(raw.count(b"\n"), raw.count(b"\r")) + 1, str(error)
    assert error.message and "Traceback" not in error.message


def load_or_error(load: Callable[[], object], path: str, raw: bytes) -> object | None:
    try:
        return load()
    except HandbookError as error:
        assert_located(error, path, raw)
    except LoadErrors as errors:
        assert errors.errors
        for error in errors.errors:
            assert_located(error, path, raw)
    return None


def check_what_loads(root: Path, today: dt.date) -> None:
    """`handbook check`'s checks on the handbook as it loads, on any day: findings, never an exception."""
    corpus = load_corpus(settings_for(root))
    for finding in run_checks(corpus, History(complete=False), today=today):
        assert finding.path and finding.line >= 1 and "Traceback" not in finding.message


# Any day `--today` can name, the calendar's ends included.
TODAY = st.dates() | st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2026, 6, 1)])


@FUZZ
@given(raw=POLICY_FILE, today=TODAY)
def test_any_policy_file_loads_or_gives_our_error(fuzz_root: Path, raw: bytes, today: dt.date) -> None:
    (fuzz_root / P).write_bytes(raw)
    record = load_or_error(lambda: load_policy(settings_for(fuzz_root), P), P, raw)
    assert record is None or isinstance(record, Policy) and record.version >= 1 and record.title.strip()
    if isinstance(record, Policy):
        assert record.review_due >= record.reviewed
    check_what_loads(fuzz_root, today)


@settings(FUZZ, max_examples=FUZZ.max_examples * 3 // 5)
@given(raw=DECISION_FILE, today=TODAY)
def test_any_decision_file_loads_or_gives_our_error(fuzz_root: Path, raw: bytes, today: dt.date) -> None:
    (fuzz_root / D).write_bytes(raw)
    record = load_or_error(lambda: load_decision(settings_for(fuzz_root), D), D, raw)
    assert record is None or isinstance(record, Decision) and record.title.strip()
    check_what_loads(fuzz_root, today)


@settings(FUZZ, max_examples=FUZZ.max_examples // 5)
@given(fm=OWNERS_FILE)
def test_any_owners_registry_loads_or_gives_our_error(fuzz_root: Path, fm: str) -> None:
    raw = fm.encode()
    (fuzz_root / "policies/owners.yml").write_bytes(raw)
    load_or_error(lambda: load_owners(settings_for(fuzz_root)), "policies/owners.yml", raw)
