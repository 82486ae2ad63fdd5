"""Duplicates in a policy's history: the exact copy's finding lands on the copy (HB206), HB205 and
HB206 agree on what "exact" is, a new version with the old text (HB210), and `effective` moved
later without a new version (HB211)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import Git, Writer, policy
from handbook.cli.main import main

P = "policies/refunds.md"
Row = tuple[str, int, str, str]


def findings(root: Path, *args: str) -> tuple[int, list[Row]]:
    result = CliRunner().invoke(main, ["check", str(root), "--today", "2026-11-25", "--format", "json", *args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, [(f["path"], f["line"], f["code"], f["message"]) for f in json.loads(result.stdout)]


def words(count: int, start: int = 0, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in range(start, start + count))


def exact(copy: str, original: str) -> Row:
    return (
        copy, 12, "HB206",
        f"exact copy of {original}: the text is the same word for word; "
        f"delete this file (the copy), or retire it and give {original} 'supersedes'",
    )  # fmt: skip


BODY = f"## Rules\n\n{words(80)}\n"


def test_hb206_lands_on_the_copy_whose_id_carries_a_date(write_handbook: Writer) -> None:
    # The kept copy of a published version sorts before the live file by name ('-' < '.').
    copy = "policies/refunds-2023-04-01.md"
    root = write_handbook({P: policy(body=BODY), copy: policy(title="Refunds (2023)", body=BODY)})
    assert findings(root) == (1, [exact(copy, P)])


def test_hb206_lands_on_the_copy_whose_id_carries_a_commit(write_handbook: Writer) -> None:
    copy = "policies/refunds-1a2b3c4.md"
    root = write_handbook({P: policy(body=BODY), copy: policy(title="Refunds (old)", body=BODY)})
    assert findings(root) == (1, [exact(copy, P)])


def test_hb206_lands_on_the_copy_even_when_git_added_it_first(write_handbook: Writer) -> None:
    copy = "policies/refunds-20230401.md"
    root = write_handbook({})
    git = Git(root)
    git.commit({copy: policy(title="Refunds (archived)", body=BODY)}, "archive", date="2026-01-01T12:00:00+00:00")
    git.commit({P: policy(body=BODY)}, "live", date="2026-02-01T12:00:00+00:00")
    assert findings(root) == (1, [exact(copy, P)])


def test_hb206_never_lands_on_the_policy_in_force_beside_a_retired_copy(write_handbook: Writer) -> None:
    # The retired file is older, but the newer one is the policy in force: the finding is the retired one's.
    old = "policies/customer-refunds.md"
    root = write_handbook({
        old: policy(title="Customer refunds", status="retired", effective="2025-01-05", body=BODY),
        P: policy(effective="2026-01-05", body=BODY),
    })  # fmt: skip
    assert findings(root) == (1, [exact(old, P)])


def test_hb206_and_hb205_agree_on_exact(write_handbook: Writer) -> None:
    # Case, punctuation and wrapping aside, the same words in the same order: an exact copy.
    shouted = BODY.upper().replace(" W1 ", ", W1,\n")
    root = write_handbook({P: policy(body=BODY), "policies/returns.md": policy(title="Returns", body=shouted)})
    assert findings(root) == (1, [exact("policies/returns.md", P)])


def test_hb205_never_says_similarity_1_00(write_handbook: Writer) -> None:
    # One word changed in 4,000: Jaccard 3991/4001 = 0.9975, which two decimals would show as 1.00.
    long = f"## Rules\n\n{words(4000)}\n"
    changed = long.replace(" w2000 ", " x2000 ")
    root = write_handbook({P: policy(body=long), "policies/returns.md": policy(title="Returns", body=changed)})
    assert findings(root) == (0, [(
        "policies/returns.md", 12, "HB205",
        f"near-copy of {P}: similarity above 0.99 (shared 5-word phrases; threshold 0.80); merge them, or keep in "
        "the copy only what differs",
    )])  # fmt: skip


def test_hb210_a_new_version_with_the_text_of_the_previous_one(write_handbook: Writer) -> None:
    root = write_handbook({})
    git = Git(root)
    sha = git.commit({P: policy(body=BODY)}, "v1", date="2026-01-01T12:00:00+00:00")
    git.commit(
        {P: policy(version=2, changes="Clarified.", effective="2026-02-01", body=BODY.replace("\n\n", "\n\n\n"))},
        "v2",
        date="2026-02-01T12:00:00+00:00",
    )
    assert findings(root) == (0, [(
        P, 3, "HB210",
        f"version 2 has the same text as version 1 (commit {sha[:7]}, 2026-01-01), word for word: a new version "
        "tells subscribers the rules changed; keep 'version: 1' for an edit that changes no rule, or say in the "
        "text what changed",
    )])  # fmt: skip
    # A retirement is a new version that keeps the text.
    git.commit({P: policy(version=3, status="retired", body=BODY)}, "retire", date="2026-03-01T12:00:00+00:00")
    assert findings(root) == (0, [])


def test_hb211_effective_moved_later_without_a_new_version(write_handbook: Writer) -> None:
    root = write_handbook({})
    git = Git(root)
    sha = git.commit({P: policy(body=BODY)}, "v1", date="2026-01-01T12:00:00+00:00")
    git.commit({P: policy(body=BODY, effective="2026-04-01")}, "later", date="2026-02-01T12:00:00+00:00")
    assert findings(root) == (1, [(
        P, 6, "HB211",
        f"'effective' moved from 2026-01-05, as version 1 was published (commit {sha[:7]}, 2026-01-01), to "
        "2026-04-01 without a new version number: publish it as version 2 and say in 'changes' when it now takes "
        "effect, or put back 2026-01-05",
    )])  # fmt: skip
    # Uncommitted, the same; moved earlier (a correction), or as a new version: no finding.
    (root / P).write_text(policy(body=BODY, effective="2026-01-02"), encoding="utf-8")
    assert findings(root) == (0, [])
    (root / P).write_text(policy(version=2, body=BODY + "More.\n", effective="2026-04-01"), encoding="utf-8")
    assert findings(root) == (0, [])
