"""The history reader decides a version and a draft as the loader does, whatever the YAML spelling:
properties over generated front matters, and a draft's text kept out of a real build of git history."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MKDOCS_YML, OWNERS, Git, policy, settings_for
from handbook import lenient
from handbook.errors import HandbookError
from handbook.history import read_history
from handbook.lenient import decode_text, peek, quick_values, read_leniently
from handbook.loading import load_corpus, load_policy
from handbook.schema import LoadErrors
from test_build import every_file
from test_versions import mkdocs_build

P = "policies/refunds.md"
# A draft written so that the raw text after `status:` is not the word `draft`.
DRAFT_SPELLINGS = {
    "tag": "!!str draft",
    "folded": ">-\n  draft",
    "anchor": "&s draft",
    "escape": '"dr\\x61ft"',
}


@pytest.mark.parametrize("spelling", DRAFT_SPELLINGS.values(), ids=DRAFT_SPELLINGS.keys())
def test_every_spelling_of_draft_is_a_draft_to_history_as_to_the_loader(tmp_path: Path, spelling: str) -> None:
    text = policy(version=2, status=spelling)
    (tmp_path / "policies").mkdir()
    (tmp_path / P).write_text(text, encoding="utf-8")
    assert load_policy(settings_for(tmp_path), P).is_draft
    assert peek(P, text.encode()) == (2, "draft", 3)


# -- the same answer, fast or slow, and the loader's --------------------------------------------

STATUSES = [
    "draft", "active", "retired", "Draft", "DRAFT", '"draft"', "'draft'", "draft # not yet", '"active" # c',
    "!!str draft", "!!str active", "&s draft", "&a active", '"dr\\x61ft"', '"\\u0064raft"', "activ\\u0065",
    ">-\n  draft", "|\n  draft", ">\n  active", "|-\n  retired", "draft\n  more", '"dr\n  aft"', "'dra\n\n  ft'",
    "[draft]", "{a: draft}", '"draft', "'draft", "~", "", "null", "yes", "1", "2026-01-05", "!draft x",
    "draft:", "draft: x", "draft\t# tab", "dr\x14aft", "dr\u2028aft", "d\u00e9ft", "- draft",
]  # fmt: skip
VERSIONS = [
    "1", "2", "3", "12", '"2"', "'2'", "0010", "0008", "+2", "!!int 2", "&v 2", "2 # c", "0x2", "1_0", "two",
    "\u00b9", "\uff12", "1.0", "-1", "0", "!!str 2", ">-\n  2", "[2]", "2\n  3", "1:30", "~", "", "true",
]  # fmt: skip
# Lines that look like a key, or hide one: inside a quoted value, a list, a block scalar.
TRAPS = [
    'summary: "x\nstatus: active\n  y"',
    "summary: 'x\nstatus: active'",
    'changes: "a\nversion: 9"',
    "tags: [a,\nstatus: active,\n b]",
    "tags: [a,\nversion: 9]",
    "summary: >\n  x\nstatus: active",
    "summary: |\n  status: active\n  version: 9",
    "# status: active",
    "  status: active",
    "status:active",
    '"status": draft',
    "'version': 9",
    "? status\n: draft",
    "!!str status: draft",
    "&k status: draft",
    "status : draft",
    "status-note: active",
    "statuses: active",
    "version2: 9",
    "tags:\n  - a\n  - status: active",
    "tags:\n- a\n- b",
    "\tstatus: active",
    "title: a\x85status: active",
    "title: a\u2028status: active",
    "title: a\x14",
    "title: C:\\Users",
    'title: "C:\\Users"',
    "title: a: b",
    "title: a #b",
    "title: 'It''s'",
    "title: \ufeffA",
    "--- x",
    "%YAML 1.1",
    "",
    "   ",
    "#",
    "...",
    "---",
]
SYNTAX = ":-[]{}&*!|>'\"#\t\n ,?@`%~.0123aedfrtsvion_\\\x0b\x85\u00e9\u2028"
REQUIRED = [
    "title: Refunds",
    "owner: billing",
    "effective: 2026-01-05",
    "reviewed: 2026-01-05",
    "audience: [all-staff]",
    "summary: How refunds work.",
    "changes: First version.",
]


# The spellings the loader accepts, drawn half the time, so that many generated files load.
VALID_STATUSES = [
    "draft", "active", "retired", '"draft"', "'active'", "draft # not yet", '"active" # c', "!!str draft",
    "&s draft", '"dr\\x61ft"', ">-\n  draft", "|-\n  retired", "!!str active",
]  # fmt: skip
VALID_VERSIONS = ["1", "2", "3", "12", "0010", "+2", "!!int 2", "&v 2", "2 # c"]


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    """Front matter lines: the required keys (mostly), a status and a version in any spelling
    (sometimes twice, sometimes missing), traps and arbitrary text, in any order."""
    lines = [line for line in REQUIRED if draw(st.integers(0, 29))]
    for key, valid, values in (("status", VALID_STATUSES, STATUSES), ("version", VALID_VERSIONS, VERSIONS)):
        for _ in range(draw(st.sampled_from([1, 1, 1, 1, 1, 1, 0, 2]))):
            lines.append(f"{key}: {draw(st.sampled_from(valid) | st.sampled_from(values))}")
    extra = st.sampled_from(TRAPS) | st.text(SYNTAX, max_size=20)
    lines += draw(st.lists(extra, max_size=draw(st.sampled_from([0, 0, 3]))))
    return "\n".join(draw(st.permutations(lines)))


def files(front: str) -> st.SearchStrategy[bytes]:
    return st.sampled_from(["\n", "\r\n"]).map(
        lambda end: f"---\n{front}\n---\n## Rules\n\nRefund within 30 days.\n".replace("\n", end).encode()
    )


FILES = front_matters().flatmap(files)
PROPERTY = settings(
    max_examples=int(os.environ.get("HANDBOOK_FUZZ_EXAMPLES", "1500")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
VERSION_KEYS = ("title", "status", "effective", "summary", "changes", "version")


def slow_peek(raw: bytes, *, want_version: bool = True) -> tuple[int | None, str | None, int]:
    """`peek` with its fast path off: every text parsed whole."""
    with mock.patch.object(lenient, "quick_values", lambda *args: None):
        return peek(P, raw, want_version=want_version)


@PROPERTY
@given(raw=FILES)
def test_the_fast_path_gives_the_answer_of_the_full_parse(raw: bytes) -> None:
    assert peek(P, raw) == slow_peek(raw)
    assert peek(P, raw, want_version=False) == slow_peek(raw, want_version=False)
    text = decode_text(raw)
    quick = quick_values(P, text, VERSION_KEYS)
    if quick is not None:
        read = read_leniently(P, text)
        values, lines, body = quick
        # repr: 1, True and 1.0 are equal in Python, and so would hide a wrong type.
        assert {k: repr(v) for k, v in values.items()} == {
            k: repr(read.meta[k]) for k in VERSION_KEYS if k in read.meta
        }
        assert lines == {k: read.lines[k] for k in values}
        assert body == read.body and not read.unread.intersection(values)


@pytest.fixture(scope="module")
def policy_root() -> Iterator[Path]:
    memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(dir=memory) as folder:
        (Path(folder) / "policies").mkdir()
        yield Path(folder)


@PROPERTY
@given(raw=FILES)
def test_history_counts_what_the_loader_loads(policy_root: Path, raw: bytes) -> None:
    (policy_root / P).write_bytes(raw)
    try:
        loaded = load_policy(settings_for(policy_root), P)
    except (HandbookError, LoadErrors):
        return
    assert peek(P, raw) == (loaded.version, loaded.status.value, loaded.line_of("version"))


def test_the_properties_see_loaded_files_and_fast_paths() -> None:
    """The generated front matters reach both sides: files that load, and plain ones read fast."""
    loaded = fast = drafts = 0
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "policies").mkdir()

        @settings(PROPERTY, max_examples=400)
        @given(raw=FILES)
        def count(raw: bytes) -> None:
            nonlocal loaded, fast, drafts
            (root / P).write_bytes(raw)
            fast += quick_values(P, decode_text(raw), ("version", "status")) is not None
            try:
                drafts += load_policy(settings_for(root), P).is_draft
                loaded += 1
            except (HandbookError, LoadErrors):
                pass

        count()
    assert loaded > 40 and fast > 40 and drafts > 10, (loaded, fast, drafts)


# -- a real build of a git history ----------------------------------------------------------------

SECRETS = {name: f"secretword{name}" for name in DRAFT_SPELLINGS}


def test_a_draft_committed_in_any_spelling_is_nowhere_in_the_built_site(git_repo: Git) -> None:
    """v1 active, v2 a draft spelled so that its raw status is not `draft`, with a secret, v3 active."""
    ids = {name: f"policy-{name}" for name in DRAFT_SPELLINGS}
    start = {"mkdocs.yml": MKDOCS_YML, "policies/owners.yml": OWNERS, "docs/index.md": "# Home\n"}
    start["docs/start-here.md"] = "# Start here\n"
    git_repo.commit(
        start | {f"policies/{pid}.md": policy(title=f"P {name}") for name, pid in ids.items()},
        "v1",
        "2026-01-05T09:00:00+00:00",
    )
    git_repo.commit(
        {
            f"policies/{pid}.md": policy(
                title=f"P {name}",
                version=2,
                status=DRAFT_SPELLINGS[name],
                summary=f"Summary {SECRETS[name]}.",
                changes=f"Changes {SECRETS[name]}.",
                body=f"## Rules\n\nRefund within 30 days. The {SECRETS[name]} clause.\n",
            )
            for name, pid in ids.items()
        },
        "v2 drafts",
        "2026-02-05T09:00:00+00:00",
    )
    git_repo.commit(
        {
            f"policies/{pid}.md": policy(
                title=f"P {name}", version=3, changes="Third.", body="Refund within 40 days.\n"
            )
            for name, pid in ids.items()
        },
        "v3",
        "2026-03-05T09:00:00+00:00",
    )
    root = git_repo.root
    corpus = load_corpus(settings_for(root))
    assert not corpus.errors
    site = root.parent / f"{root.name}-site"
    mkdocs_build(root, site)
    seen = set()
    for path, data in every_file(site):
        seen.add(path.relative_to(site).as_posix())
        for secret in SECRETS.values():
            assert secret.encode() not in data.lower(), f"{secret} in {path.relative_to(site)}"
    for pid in ids.values():
        assert f"policies/{pid}/v3/index.html" in seen and f"policies/{pid}/v2/index.html" not in seen
        assert f"policies/{pid}/history/index.html" in seen
    assert any(name.startswith("pagefind/") for name in seen) and "feeds/all.xml" in seen
    versions = read_history(corpus).versions
    assert {pid: [v.number for v in versions[pid]] for pid in ids.values()} == {pid: [1, 3] for pid in ids.values()}
