# ruff: noqa: E501  (each expected message is one line, exactly as printed)
"""Broken and hostile input: each case gives its exact `path:line: message`, from the loader,
from `handbook check` and from `mkdocs build`, and never a traceback."""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from unittest.mock import ANY

import pytest
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from conftest import BLOG_AUTHORS_FILE, BLOG_FILES, MKDOCS_YML, OWNERS, Writer, decision, policy, settings_for
from handbook.acknowledgements import load_acknowledgements
from handbook.adapter.config import read_settings
from handbook.cli.common import load_settings
from handbook.cli.main import main
from handbook.frontmatter import MAX_FRONT_MATTER_BYTES
from handbook.loading import load_corpus

LOAD, INTEGRITY = 2, 1
P = "policies/refunds.md"
D = "decisions/0001-use-a-shared-inbox.md"
POST = "docs/blog/posts/hello.md"
# The start of a valid post; a case adds its own keys and body.
POST_HEAD = "---\ndate: 2026-01-05\nauthors: [jdoe]\n"
# Far enough up to leave tmp_path, were it followed from the site's blog/2026/01/05/.
ESCAPING_SLUG = "../../../../../../../hb-escaped-post"
NO_AUTHORS_FILE = {path: text for path, text in BLOG_FILES.items() if path != BLOG_AUTHORS_FILE}


@dataclass(frozen=True)
class Case:
    """A handbook of a few files, and every error it must give, in the order the loader sorts them."""

    id: str
    files: Mapping[str, str | bytes]
    errors: tuple[str, ...]
    exit_code: int = LOAD
    # Symlinks to make: {link path: target}.
    links: Mapping[str, str] = field(default_factory=dict)


def laughs() -> str:
    """The 'billion laughs' document: nine levels of aliases, each repeating the last ten times."""
    lines = ["---", 'lol0: &lol0 "lol"']
    for level in range(1, 10):
        refs = ", ".join([f"*lol{level - 1}"] * 10)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return "\n".join(lines) + "\n---\n"


def owners_with(text: str) -> dict[str, str]:
    """A handbook whose owners registry is `text`, with one policy owned by 'billing'."""
    return {"policies/owners.yml": text, P: policy()}


CASES = [
    # -- the file as a whole ---------------------------------------------------------------
    Case("empty file", {P: ""}, (f"{P}:1: file is empty: start it with front matter between '---' lines",)),
    Case(
        "only blank lines", {P: "\n  \n\n"}, (f"{P}:1: file is empty: start it with front matter between '---' lines",)
    ),
    Case(
        "no front matter",
        {P: "# Refunds\n\nRefund within 30 days.\n"},
        (f"{P}:1: no front matter: the file must start with a '---' line, then 'key: value' lines, then '---'",),
    ),
    Case(
        "blank line before the front matter",
        {P: "\n" + policy()},
        (f"{P}:1: no front matter: the file must start with a '---' line, then 'key: value' lines, then '---'",),
    ),
    Case(
        "front matter never closed",
        {P: "---\ntitle: Refunds\nversion: 1\n\n## Rules\n\nRefund within 30 days.\n"},
        (f"{P}:1: front matter opened at line 1 is never closed: add a '---' line after it",),
    ),
    Case(
        "front matter of several megabytes",
        {P: "---\ntitle: Refunds\nsummary: " + "x" * (3 * 1024 * 1024) + "\n---\nBody.\n"},
        (f"{P}:1: front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB: move long text into the body",),
    ),
    Case(
        "latin-1 in the front matter",
        {P: policy(title="Caf\u00e9 refunds").encode("latin-1")},
        (f"{P}:2: file is not UTF-8 (byte 0xe9): save it as UTF-8",),
    ),
    Case(
        "latin-1 in the body",
        {P: policy(body="## Rules\n\nNo refunds on cr\u00e8me br\u00fbl\u00e9e.\n").encode("latin-1")},
        (f"{P}:14: file is not UTF-8 (byte 0xe8): save it as UTF-8",),
    ),
    Case(
        "latin-1 after a UTF-8 BOM",
        {P: b"\xef\xbb\xbf" + policy(summary="Caf\u00e9 refunds.").encode("latin-1")},
        (f"{P}:9: file is not UTF-8 (byte 0xe9): save it as UTF-8",),
    ),
    Case(
        "NUL byte",
        {P: policy(body="## Rules\n\nRefund\x00 within 30 days.\n").encode()},
        (f"{P}:14: file contains a NUL byte: it is not a text file; save it as plain UTF-8 text",),
    ),
    # -- YAML that is not a mapping of words ---------------------------------------------
    Case(
        "tab indenting a list",
        {P: policy(audience="\n\t- support")},
        (f"{P}:9: a tab character in YAML (YAML indents with spaces only): use spaces in the front matter",),
    ),
    Case(
        "front matter is a list",
        {P: "---\n- title: Refunds\n- version: 1\n---\nBody.\n"},
        (f"{P}:2: front matter must be 'key: value' lines, got a list",),
    ),
    Case(
        "front matter is a string: no space after the colon",
        {P: "---\ntag:Web Client\n---\nBody.\n"},
        (f"{P}:2: front matter must be 'key: value' lines, got a single value (put a space after the colon)",),
    ),
    Case(
        "front matter is a sentence",
        {P: "---\nRefunds within thirty days\n---\nBody.\n"},
        (f"{P}:2: front matter must be 'key: value' lines, got a single value",),
    ),
    Case(
        "duplicate key",
        {P: policy(extra="title: Refunds again\n")},
        (f"{P}:11: duplicate key 'title' (first given at line 2): keep one",),
    ),
    Case(
        "anchor and alias",
        {P: policy(audience="&readers [support]", extra="tags: *readers\n")},
        (f"{P}:11: YAML anchors and aliases ('&', '*') are not allowed in front matter: write the value out",),
    ),
    Case(
        "billion laughs",
        {P: laughs()},
        (f"{P}:3: YAML anchors and aliases ('&', '*') are not allowed in front matter: write the value out",),
    ),
    Case(
        "merge key",
        {P: policy(extra="<<: {tags: [refunds]}\n")},
        (f"{P}:11: YAML merge keys ('<<') are not allowed in front matter: write the keys out",),
    ),
    Case(
        "unclosed list",
        {P: policy(audience="[support, managers", extra="tags: [refunds]\n")},
        (f"{P}:8: a list opened with '[' here is never closed: add the ']'",),
    ),
    Case(
        "unclosed quote",
        {P: policy(title='"Refunds')},
        (f"{P}:2: a quoted value starts here and is never closed: add the closing quote",),
    ),
    Case(
        "control character in a value",
        {P: policy(summary="How refunds\x14 work.")},
        (f"{P}:9: a control character (U+0014) is not allowed in YAML: delete it from the front matter",),
    ),
    Case(
        "control character in the owners registry",
        owners_with("billing:\n  name: Billing\x1b Team\n  email: billing@example.com\n  handle: '@acme/billing'\n"),
        (
            "policies/owners.yml:2: a control character (U+001B) is not allowed in YAML: delete it from the owners registry",
        ),
    ),
    Case(
        "Windows path in double quotes",
        {P: policy(title='"C:\\Users\\refunds"')},
        (
            f"{P}:2: a backslash in double quotes starts an escape, and '\\Users\\ref' is not a valid one: put the value in single quotes, or write each backslash as '\\\\'",
        ),
    ),
    Case(
        "unknown escape on the second line of a quoted value",
        {P: policy(summary='"How refunds\n  work \\o/"')},
        (
            f"{P}:10: a backslash in double quotes starts an escape, and '\\o' is not a valid one: put the value in single quotes, or write each backslash as '\\\\'",
        ),
    ),
    Case(
        "colon and space inside a value",
        {P: policy(title="Refunds: the rules")},
        (f"{P}:2: a value contains ': ': put the value in quotes",),
    ),
    Case(
        "value starting with @",
        {P: policy(owner="@billing")},
        (f"{P}:5: a YAML value cannot start with '@': put the value in quotes",),
    ),
    Case(
        "YAML that is broken in another way",
        {P: policy(audience="\n  - support\n - managers")},
        (
            f"{P}:10: YAML syntax error: did not find expected key (check this line's indentation and quotes): fix the front matter",
        ),
    ),
    Case(
        "python object tag",
        {P: policy(title="!!python/object/apply:os.system [echo pwned]")},
        (
            f"{P}:2: YAML tag '!!python/object/apply:os.system' is not allowed in front matter: remove it and write a plain value",
        ),
    ),
    Case(
        "local tag",
        {P: policy(title="!secret Refunds")},
        (f"{P}:2: YAML tag '!secret' is not allowed in front matter: remove it and write a plain value",),
    ),
    Case(
        "tag that does not fit its value",
        {P: policy(extra="tags: !!map refunds\n")},
        (f"{P}:11: YAML tag '!!map' is not allowed in front matter: remove it and write a plain value",),
    ),
    Case(
        "bool tag on a word",
        {P: policy(extra="acknowledge: !!bool perhaps\n")},
        (f"{P}:11: 'acknowledge' has 'perhaps', which is not true or false: write a plain value",),
    ),
    Case(
        "list as a key",
        {P: policy(extra="? [a, b]\n: c\n")},
        (f"{P}:11: front matter keys must be words like 'title', got a list or mapping",),
    ),
    Case(
        "number as a key",
        {P: policy(extra="2026: the year\n")},
        (f"{P}:11: front matter keys must be words like 'title', got 2026",),
    ),
    Case(
        "nesting deeper than any record needs",
        {P: policy(extra="tags: " + "[" * 20 + "]" * 20 + "\n")},
        (f"{P}:11: front matter is nested more than 8 levels deep: use plain values and lists",),
    ),
    # -- values of the wrong type ------------------------------------------------------------
    Case(
        "a date that does not exist",
        {P: policy(effective="2026-02-30")},
        (
            f"{P}:6: 'effective' has '2026-02-30', which is not a real date (day is out of range for month): write it as YYYY-MM-DD",
        ),
    ),
    Case(
        "month 13",
        {P: policy(reviewed="2026-13-01")},
        (
            f"{P}:7: 'reviewed' has '2026-13-01', which is not a real date (month must be in 1..12): write it as YYYY-MM-DD",
        ),
    ),
    Case(
        "a date in one file and 'soon' in another",
        {P: policy(), "policies/returns.md": policy(title="Returns", effective="soon")},
        ("policies/returns.md:6: 'effective' must be a date (YYYY-MM-DD), got 'soon'",),
    ),
    Case(
        "date and time",
        {P: policy(effective="2026-01-05 09:30:00")},
        (f"{P}:6: 'effective' must be a date (YYYY-MM-DD), got a date and time 2026-01-05T09:30:00",),
    ),
    Case(
        "date without dashes",
        {P: policy(reviewed="20260105")},
        (f"{P}:7: 'reviewed' must be a date (YYYY-MM-DD), got 20260105",),
    ),
    Case("version 1.5", {P: policy(version="1.5")}, (f"{P}:3: 'version' must be a whole number, got 1.5",)),
    Case("version -1", {P: policy(version="-1")}, (f"{P}:3: 'version' must be a whole number from 1, got -1",)),
    Case("version 0", {P: policy(version="0")}, (f"{P}:3: 'version' must be a whole number from 1, got 0",)),
    Case(
        "version true",
        {P: policy(version="true")},
        (f"{P}:3: 'version' must be a whole number, got true (a yes/no value)",),
    ),
    Case(
        "version in quotes",
        {P: policy(version='"3"')},
        (f"{P}:3: 'version' must be a whole number, got '3' (remove the quotes)",),
    ),
    Case("version two", {P: policy(version="two")}, (f"{P}:3: 'version' must be a whole number, got 'two'",)),
    Case("version empty", {P: policy(version="")}, (f"{P}:3: 'version' is empty: give it a value",)),
    Case(
        "review_every 0",
        {P: policy(extra="review_every: 0\n")},
        (f"{P}:11: 'review_every' must be a whole number from 1 to 120, got 0",),
    ),
    Case(
        "review_every of ten thousand years",
        {P: policy(extra="review_every: 120000\n")},
        (f"{P}:11: 'review_every' must be a whole number from 1 to 120, got 120000",),
    ),
    Case(
        "next review after 9999-12-31",
        {P: policy(reviewed="9999-12-31")},
        (
            f"{P}:7: the next review (9999-12-31 plus 12 months) falls after 9999-12-31, the last date the handbook can show: set 'reviewed' to the date of the last review",
        ),
    ),
    Case(
        "next review after 9999-12-31 with a monthly review",
        {P: policy(reviewed="9999-12-01", extra="review_every: 1\n")},
        (
            f"{P}:7: the next review (9999-12-01 plus 1 month) falls after 9999-12-31, the last date the handbook can show: set 'reviewed' to the date of the last review",
        ),
    ),
    Case(
        "date before 1900",
        {P: policy(effective="1899-12-31"), D: decision(date="0001-01-01")},
        (
            f"{D}:3: 'date' must be a date from 1900-01-01 to 9999-12-31, got 0001-01-01",
            f"{P}:6: 'effective' must be a date from 1900-01-01 to 9999-12-31, got 1899-12-31",
        ),
    ),
    Case(
        "priority 2.5", {P: policy(extra="priority: 2.5\n")}, (f"{P}:11: 'priority' must be a whole number, got 2.5",)
    ),
    Case(
        "priority empty",
        {P: policy(extra="priority:\n")},
        (f"{P}:11: 'priority' is empty: give it a value or remove the line",),
    ),
    Case(
        "acknowledge in quotes",
        {P: policy(extra='acknowledge: "yes"\n')},
        (f"{P}:11: 'acknowledge' must be true or false, got 'yes'",),
    ),
    Case(
        "title that YAML reads as a number",
        {P: policy(title="1984")},
        (f"{P}:2: 'title' must be text, got 1984: put it in quotes",),
    ),
    Case("title empty", {P: policy(title="")}, (f"{P}:2: 'title' is empty: give it a value",)),
    Case(
        "tag that YAML reads as no",
        {P: policy(extra="tags: [no, refunds]\n")},
        (f"{P}:11: 'tags' has an entry that must be text, got false (a yes/no value): put it in quotes",),
    ),
    Case(
        "tags as a mapping",
        {P: policy(extra="tags: {refunds: yes}\n")},
        (f"{P}:11: 'tags' must be a list like [a, b], got a mapping",),
    ),
    # -- closed vocabularies and keys ------------------------------------------------------------
    Case(
        "unknown status",
        {P: policy(status="published")},
        (f"{P}:4: 'status' has unknown value 'published': use one of draft, active, retired",),
    ),
    Case(
        "status in another case",
        {P: policy(status="Active")},
        (
            f"{P}:4: 'status' has unknown value 'Active' (did you mean 'active'? it is lowercase): use one of draft, active, retired",
        ),
    ),
    Case(
        "decision status in another case",
        {D: decision(status="Accepted")},
        (
            f"{D}:2: 'status' has unknown value 'Accepted' (did you mean 'accepted'? it is lowercase): use one of proposed, accepted, rejected, deprecated, superseded",
        ),
    ),
    Case(
        "unknown decision status",
        {D: decision(status="approved")},
        (
            f"{D}:2: 'status' has unknown value 'approved': use one of proposed, accepted, rejected, deprecated, superseded",
        ),
    ),
    Case(
        "misspelt key",
        {P: policy().replace("title:", "titel:")},
        (f"{P}:1: missing 'title': add a line 'title: ...'", f"{P}:2: unknown key 'titel': did you mean 'title'?"),
    ),
    Case(
        "unknown key",
        {P: policy(extra="colour: blue\n")},
        (
            f"{P}:11: unknown key 'colour': known keys: acknowledge, audience, changes, effective, owner, priority, "
            "redirect_from, review_every, reviewed, status, summary, supersedes, tags, title, version",
        ),
    ),
    Case(
        "missing required keys",
        {P: "---\ntitle: Refunds\nversion: 1\nstatus: active\n---\nBody.\n"},
        (
            f"{P}:1: missing 'owner', 'effective', 'reviewed', 'audience', 'summary' and 'changes': add a line 'key: ...' for each",
        ),
    ),
    Case(
        "empty front matter",
        {D: "---\n---\n# Use a shared inbox\n"},
        (f"{D}:1: missing 'status' and 'date': add a line 'key: ...' for each",),
    ),
    Case(
        "audience not in the list",
        {P: policy(audience="[support, everyone]")},
        (
            f"{P}:8: 'audience' has unknown value 'everyone': use one of all-staff, new-hires, support, managers (the audiences in mkdocs.yml)",
        ),
    ),
    Case(
        "audience almost in the list",
        {P: policy(audience="[manager]")},
        (
            f"{P}:8: 'audience' has unknown value 'manager' (did you mean 'managers'?): use one of all-staff, new-hires, support, managers (the audiences in mkdocs.yml)",
        ),
    ),
    Case(
        "owner not in the registry",
        {P: policy(owner="legal")},
        (
            f"{P}:5: owner 'legal' is not in the owners registry: add it to policies/owners.yml or pick an owner listed there",
        ),
        INTEGRITY,
    ),
    Case(
        "owner misspelt",
        {P: policy(owner="biling")},
        (
            f"{P}:5: owner 'biling' is not in the owners registry: did you mean 'billing'? add it to policies/owners.yml or pick an owner listed there",
        ),
        INTEGRITY,
    ),
    Case(
        "owner as a name",
        {P: policy(owner="Jane Doe")},
        (f"{P}:5: 'owner' must be a lowercase id like 'support-ops', got 'Jane Doe'",),
    ),
    # -- file names and folders --------------------------------------------------------------
    Case(
        "file name with upper case",
        {"policies/Refunds.md": policy()},
        (
            "policies/Refunds.md:1: file name 'Refunds' is not a lowercase id (letters, digits, hyphens): rename it to 'refunds.md'",
        ),
    ),
    Case(
        "file name with spaces",
        {"policies/refunds and returns.md": policy()},
        (
            "policies/refunds and returns.md:1: file name 'refunds and returns' is not a lowercase id (letters, digits, hyphens): rename it to 'refunds-and-returns.md'",
        ),
    ),
    Case(
        ".markdown extension",
        {"policies/refunds.markdown": policy()},
        ("policies/refunds.markdown:1: Markdown files must end in '.md': rename it to 'refunds.md'",),
    ),
    Case(
        "two files with the same id after normalisation",
        {P: policy(), "policies/Refunds.md": policy(), "policies/refunds.MD": policy()},
        (
            "policies/Refunds.md:1: file name 'Refunds' is not a lowercase id (letters, digits, hyphens), and its id 'refunds' is already the id of policies/refunds.md: keep one of the two files",
            "policies/refunds.MD:1: Markdown files must end in '.md', and its id 'refunds' is already the id of policies/refunds.md: keep one of the two files",
        ),
    ),
    Case(
        "subfolder in policies",
        {"policies/archive/refunds.md": policy()},
        ("policies/archive/refunds.md:1: policies/ is flat: move this file directly into policies/",),
    ),
    Case(
        "policy named like the register",
        {"policies/index.md": policy()},
        (
            "policies/index.md:1: 'index' is the policy register's own page: rename the file after what the policy is about",
        ),
    ),
    Case(
        "symlink pointing outside the repository",
        {P: policy()},
        ("policies/passwd.md:1: symlink points outside the repository: refused; copy the file in instead",),
        links={"policies/passwd.md": "/etc/passwd"},
    ),
    Case(
        "symlinked folder of posts outside the repository",
        {P: policy()},
        ("docs/blog/posts/etc:1: symlink points outside the repository: refused; copy the file in instead",),
        links={"docs/blog/posts/etc": "/etc"},
    ),
    Case(
        "records folder that is a symlink to elsewhere",
        {P: policy(), "old-records/0001-use-a-shared-inbox.md": decision()},
        (
            "decisions:1: the folder is a symlink: refused, since git keeps the link and not the files; make it a real folder in the repository and move the files into it",
        ),
        links={"decisions": "old-records"},
    ),
    Case(
        "posts folder that is a symlink",
        {P: policy(), "docs/blog/index.md": "# Blog\n", "docs/old-posts/hello.md": "# Hello\n"},
        (
            "docs/blog/posts:1: the folder is a symlink: refused, since git keeps the link and not the files; make it a real folder in the repository and move the files into it",
        ),
        links={"docs/blog/posts": "../old-posts"},
    ),
    Case(
        "symlink loop",
        {P: policy()},
        ("policies/loop.md:1: symlink loops back to itself: remove it, or point it at a file",),
        links={"policies/loop.md": "loop.md"},
    ),
    Case(
        "two symlinks pointing at each other",
        {P: policy()},
        (
            "policies/a.md:1: symlink loops back to itself: remove it, or point it at a file",
            "policies/b.md:1: symlink loops back to itself: remove it, or point it at a file",
        ),
        links={"policies/a.md": "b.md", "policies/b.md": "a.md"},
    ),
    Case(
        "symlink to nothing",
        {P: policy()},
        ("policies/returns.md:1: symlink points to a file that does not exist: remove it or fix its target",),
        links={"policies/returns.md": "returns-v2.md"},
    ),
    # -- path traversal ------------------------------------------------------------------------
    Case(
        "path traversal through supersedes",
        {P: policy(extra="supersedes: ../../etc/passwd\n")},
        (f"{P}:11: 'supersedes' must be a lowercase id like 'refunds-and-returns', got '../../etc/passwd'",),
    ),
    Case(
        "path traversal through a decision's supersedes",
        {D: decision(extra="supersedes: [../../etc/passwd]\n")},
        (f"{D}:4: 'supersedes' has an entry that must be a whole number, got '../../etc/passwd'",),
    ),
    Case(
        "path traversal through a decision's policies",
        {D: decision(extra="policies: [../../etc/passwd]\n")},
        (
            f"{D}:4: 'policies' has an entry that must be a lowercase id like 'refunds-and-returns', got '../../etc/passwd'",
        ),
    ),
    Case(
        "path traversal through a link",
        {P: policy(body="## Rules\n\nSee [the passwords](../../etc/passwd).\n")},
        (
            f"{P}:14: link '../../etc/passwd' points outside the repository: link to a page of the handbook, like '../policies/refunds-and-returns.md', or to a full https:// address",
        ),
    ),
    Case(
        "path traversal through an image in a decision",
        {D: decision(body='## Context\n\n<img src="../../../home/user/.ssh/id_rsa">\n')},
        (
            f"{D}:9: link '../../../home/user/.ssh/id_rsa' points outside the repository: link to a page of the handbook, like '../policies/refunds-and-returns.md', or to a full https:// address",
        ),
    ),
    Case(
        "file: link",
        {P: policy(body="## Rules\n\n[Shared drive][drive]\n\n[drive]: file:///mnt/shared/refunds.xlsx\n")},
        (
            f"{P}:16: link 'file:///mnt/shared/refunds.xlsx' points to a file on one computer: link to a page of the handbook, like '../policies/refunds-and-returns.md', or to a full https:// address",
        ),
    ),
    Case(
        "newline in a file name, making up a finding",
        {P: policy(), "policies/x\nfake.md:3: warning HB102 review due.md": policy()},
        (
            r"policies/x\nfake.md:3: warning HB102 review due.md:1: file name 'x\nfake.md:3: warning HB102 review due' is not a lowercase id (letters, digits, hyphens): rename it to 'x-fake-md-3-warning-hb102-review-due.md'",
        ),
    ),
    Case(
        "terminal escape in a file name",
        {D: decision(), "decisions/0002-\x1b[2K\rx.md": decision()},
        (
            r"decisions/0002-\x1b[2K\rx.md:1: decision file name '0002-\x1b[2K\rx' must be a 4-digit number and a lowercase slug: rename it to '0002-2k-x.md'",
        ),
    ),
    Case(
        "path traversal through a file name",
        {"policies/..%2F..%2Fetc%2Fpasswd.md": policy()},
        (
            "policies/..%2F..%2Fetc%2Fpasswd.md:1: file name '..%2F..%2Fetc%2Fpasswd' is not a lowercase id (letters, digits, hyphens): rename it to '2f-2fetc-2fpasswd.md'",
        ),
    ),
    # -- links between policies --------------------------------------------------------------------
    Case(
        "supersedes a policy that does not exist",
        {P: policy(extra="supersedes: old-refunds\n")},
        (
            f"{P}:11: 'supersedes' names policy 'old-refunds', which does not exist: give the id (file name without .md) of an existing policy",
        ),
        INTEGRITY,
    ),
    Case(
        "supersedes a draft",
        {P: policy(extra="supersedes: returns\n"), "policies/returns.md": policy(title="Returns", status="draft")},
        (f"{P}:11: 'supersedes' names 'returns', a draft: a draft was never published and cannot be superseded",),
        INTEGRITY,
    ),
    Case(
        "two policies supersede one",
        {
            "policies/old.md": policy(title="Old", status="retired"),
            "policies/new-a.md": policy(title="New A", extra="supersedes: old\n"),
            "policies/new-b.md": policy(title="New B", extra="supersedes: old\n"),
        },
        ("policies/new-b.md:11: policy 'old' is already superseded by 'new-a': a policy has one successor",),
        INTEGRITY,
    ),
    Case(
        "policy supersedes itself",
        {P: policy(extra="supersedes: refunds\n")},
        (f"{P}:11: supersede cycle: refunds -> refunds: a policy cannot (even indirectly) supersede itself",),
        INTEGRITY,
    ),
    Case(
        "two policies supersede each other",
        {
            "policies/a.md": policy(title="A", extra="supersedes: b\n"),
            "policies/b.md": policy(title="B", extra="supersedes: a\n"),
        },
        ("policies/a.md:11: supersede cycle: a -> b -> a: a policy cannot (even indirectly) supersede itself",),
        INTEGRITY,
    ),
    Case(
        "three policies supersede in a ring",
        {
            "policies/a.md": policy(title="A", extra="supersedes: c\n"),
            "policies/b.md": policy(title="B", extra="supersedes: a\n"),
            "policies/c.md": policy(title="C", extra="supersedes: b\n"),
        },
        ("policies/a.md:11: supersede cycle: a -> c -> b -> a: a policy cannot (even indirectly) supersede itself",),
        INTEGRITY,
    ),
    Case(
        "supersedes a policy that failed to load: one error, not two",
        {P: policy(extra="supersedes: returns\n"), "policies/returns.md": policy(title="Returns", version="two")},
        ("policies/returns.md:3: 'version' must be a whole number, got 'two'",),
    ),
    # -- decisions --------------------------------------------------------------------------------
    Case(
        "decision without a title",
        {D: "---\nstatus: accepted\ndate: 2025-03-01\n---\n## Context and Problem Statement\n\nWe need one.\n"},
        (f"{D}:5: no title: start the text with a '# Title' heading",),
    ),
    Case(
        "decision whose only title is in a code block",
        {D: "---\nstatus: accepted\ndate: 2025-03-01\n---\n```\n# Use a shared inbox\n```\n"},
        (f"{D}:5: no title: start the text with a '# Title' heading",),
    ),
    Case(
        "decision file name without a number",
        {"decisions/use-a-shared-inbox.md": decision()},
        (
            "decisions/use-a-shared-inbox.md:1: decision file name 'use-a-shared-inbox' must be a 4-digit number and a lowercase slug: rename it to '0001-use-a-shared-inbox.md'",
        ),
    ),
    Case(
        "decision file name with a short number and underscores",
        {"decisions/7_Use_Shared_Inbox.md": decision()},
        (
            "decisions/7_Use_Shared_Inbox.md:1: decision file name '7_Use_Shared_Inbox' must be a 4-digit number and a lowercase slug: rename it to '0007-use-shared-inbox.md'",
        ),
    ),
    Case(
        "decision file name taking a number already used",
        {
            D: decision(),
            "decisions/0002-b.md": decision(title="B"),
            "decisions/ADR-1 escalate.md": decision(title="Escalate"),
        },
        (
            "decisions/ADR-1 escalate.md:1: decision file name 'ADR-1 escalate' must be a 4-digit number and a lowercase slug: rename it to '0003-escalate.md' (0001 is decisions/0001-use-a-shared-inbox.md)",
        ),
    ),
    Case(
        "decision twice, once as .markdown",
        {D: decision(), "decisions/0001-use-a-shared-inbox.markdown": decision()},
        (
            "decisions/0001-use-a-shared-inbox.markdown:1: Markdown files must end in '.md', and it is the same decision as decisions/0001-use-a-shared-inbox.md: keep one of the two files",
        ),
    ),
    Case(
        "decision number used twice",
        {D: decision(), "decisions/0001-escalate-by-impact.md": decision(title="Escalate by impact")},
        (
            "decisions/0001-escalate-by-impact.md:1: decision number 0001 is used by 2 files (decisions/0001-escalate-by-impact.md, decisions/0001-use-a-shared-inbox.md): keep it on one and renumber the others from 0002",
            f"{D}:1: decision number 0001 is used by 2 files (decisions/0001-escalate-by-impact.md, decisions/0001-use-a-shared-inbox.md): keep it on one and renumber the others from 0002",
        ),
        INTEGRITY,
    ),
    Case(
        "decision dated 'soon'", {D: decision(date="soon")}, (f"{D}:3: 'date' must be a date (YYYY-MM-DD), got 'soon'",)
    ),
    Case(
        "decision supersedes one that does not exist",
        {D: decision(extra="supersedes: [9]\n")},
        (f"{D}:4: 'supersedes' names decision 0009, which does not exist",),
        INTEGRITY,
    ),
    Case(
        "decision shaped a policy that does not exist",
        {D: decision(extra="policies: [refunds]\n")},
        (f"{D}:4: 'policies' names 'refunds', which does not exist: list published policy ids only",),
        INTEGRITY,
    ),
    Case(
        "decision shaped a draft policy",
        {D: decision(extra="policies: [refunds]\n"), P: policy(status="draft")},
        (f"{D}:4: 'policies' names 'refunds', which is a draft: list published policy ids only",),
        INTEGRITY,
    ),
    Case(
        "superseded decision without a successor",
        {D: decision(status="superseded")},
        (f"{D}:2: status is 'superseded' but no decision supersedes 0001: add 'supersedes: [1]' to its successor",),
        INTEGRITY,
    ),
    Case(
        "decision supersedes itself",
        {D: decision(extra="supersedes: [1]\n")},
        (f"{D}:4: supersede cycle: 0001 -> 0001: a decision cannot (even indirectly) supersede itself",),
        INTEGRITY,
    ),
    Case(
        "two decisions supersede each other",
        {D: decision(extra="supersedes: [2]\n"), "decisions/0002-b.md": decision(title="B", extra="supersedes: [1]\n")},
        (f"{D}:4: supersede cycle: 0001 -> 0002 -> 0001: a decision cannot (even indirectly) supersede itself",),
        INTEGRITY,
    ),
    Case(
        "three decisions supersede in a ring",
        {
            D: decision(extra="supersedes: [3]\n"),
            "decisions/0002-b.md": decision(title="B", extra="supersedes: [1]\n"),
            "decisions/0003-c.md": decision(title="C", extra="supersedes: [2]\n"),
        },
        (
            f"{D}:4: supersede cycle: 0001 -> 0003 -> 0002 -> 0001: a decision cannot (even indirectly) supersede itself",
        ),
        INTEGRITY,
    ),
    Case(
        "two decisions supersede one",
        {
            D: decision(),
            "decisions/0002-b.md": decision(title="B", extra="supersedes: [1]\n"),
            "decisions/0003-c.md": decision(title="C", extra="supersedes: [1]\n"),
        },
        ("decisions/0003-c.md:4: decision 0001 is already superseded by 0002: a decision has one successor",),
        INTEGRITY,
    ),
    # -- the owners registry --------------------------------------------------------------------
    Case(
        "owners registry is a list",
        owners_with("- billing\n- support-ops\n"),
        ("policies/owners.yml:1: the owners registry must be 'key: value' lines, got a list",),
    ),
    Case(
        "owners registry with a tab",
        owners_with("billing:\n\tname: Billing Team\n"),
        (
            "policies/owners.yml:2: a tab character in YAML (YAML indents with spaces only): use spaces in the owners registry",
        ),
    ),
    Case(
        "owner id that is a name",
        owners_with(OWNERS + "Jane Doe:\n  name: Jane Doe\n  email: jane@example.com\n  handle: '@jdoe'\n"),
        (
            "policies/owners.yml:9: owner id 'Jane Doe' is not a lowercase id like 'support-ops': rename it to 'jane-doe'",
        ),
    ),
    Case(
        "owner entry that is one line",
        owners_with("billing: Billing Team <billing@example.com>\n"),
        ("policies/owners.yml:1: owner 'billing' must have 'name', 'email' and 'handle' lines, indented under it",),
    ),
    Case(
        "owner without an email, with comments between its lines",
        owners_with("billing:\n  # The team, not a person.\n  name: Billing Team\n\n  handle: '@acme/billing'\n"),
        ("policies/owners.yml:1: missing 'email': add a line 'email: ...'",),
    ),
    Case(
        "owner email that is not an address",
        owners_with(
            "billing:\n  name: Billing Team\n  # Shared mailbox.\n  email: Billing Team\n  handle: '@acme/billing'\n"
        ),
        ("policies/owners.yml:4: 'email' must be an email address like 'team@example.com', got 'Billing Team'",),
    ),
    Case(
        "owner with a misspelt key",
        owners_with("billing:\n  name: Billing Team\n  emial: billing@example.com\n  handle: '@acme/billing'\n"),
        (
            "policies/owners.yml:1: missing 'email': add a line 'email: ...'",
            "policies/owners.yml:3: unknown key 'emial': did you mean 'email'?",
        ),
    ),
    Case(
        "owner given twice",
        owners_with(OWNERS + "billing:\n  name: Billing\n  email: b@example.com\n  handle: '@b'\n"),
        ("policies/owners.yml:9: duplicate key 'billing' (first given at line 5): keep one",),
    ),
    Case(
        "owners registry with a YAML syntax error",
        owners_with("billing:\n  name: 'Billing Team\n  email: billing@example.com\n"),
        ("policies/owners.yml:2: a quoted value starts here and is never closed: add the closing quote",),
    ),
    Case(
        "owners registry empty",
        owners_with("# Nobody yet.\n"),
        (
            f"{P}:5: owner 'billing' is not in the owners registry: add it to policies/owners.yml or pick an owner listed there",
        ),
        INTEGRITY,
    ),
    Case(
        "owner id with a slash: it names feeds/owners/<owner>.xml",
        owners_with(OWNERS + "../../x:\n  name: X\n  email: x@example.com\n  handle: '@x'\n"),
        ("policies/owners.yml:9: owner id '../../x' is not a lowercase id like 'support-ops': rename it to 'x'",),
    ),
    Case(
        "owner id with markup",
        owners_with(OWNERS + "'<b>ops':\n  name: Ops\n  email: ops@example.com\n  handle: '@ops'\n"),
        ("policies/owners.yml:9: owner id '<b>ops' is not a lowercase id like 'support-ops': rename it to 'b-ops'",),
    ),
    Case(
        "owner name with a control character",
        owners_with(OWNERS.replace("name: Billing Team", 'name: "Billing\\bTeam"')),
        ("policies/owners.yml:6: 'name' has a control character (U+0008): remove it",),
    ),
    # -- control characters: pages would carry them raw, feeds drop them; refused instead ------------
    Case(
        "control character in a title",
        {P: policy(title='"Refunds\\a"')},
        (f"{P}:2: 'title' has a control character (U+0007): remove it",),
    ),
    Case(
        "line break in a title",
        {P: policy(title='"Refunds\\nand returns"')},
        (f"{P}:2: 'title' has a line break: write it on one line",),
    ),
    Case(
        "control character in a tag",
        {P: policy(extra='tags: [refunds, "esc\\e"]\n')},
        (f"{P}:11: 'tags' has a control character (U+001B): remove it",),
    ),
    Case(
        "control character in a summary of several lines",
        {P: policy(summary='"How refunds work.\\nAll of them.\\x7f"')},
        (f"{P}:9: 'summary' has a control character (U+007F): remove it",),
    ),
    Case(
        "control character in a decision's title",
        {D: decision(title="Use a shared\x1b inbox")},
        (f"{D}:5: the title has a control character (U+001B): remove it",),
    ),
    # -- blog posts ---------------------------------------------------------------------------------
    Case(
        "post dated 'soon'",
        {POST: "---\ndate: soon\n---\n# Hello\n"},
        (f"{POST}:2: 'date' must be a date (YYYY-MM-DD), got 'soon'",),
    ),
    Case(
        "post dated 30 February",
        {POST: "---\ndate: 2026-02-30\n---\n# Hello\n"},
        (
            f"{POST}:2: 'date' has '2026-02-30', which is not a real date (day is out of range for month): write it as YYYY-MM-DD",
        ),
    ),
    Case(
        "post with a created date missing",
        {POST: "---\ndate:\n  updated: 2026-01-05\n---\n# Hello\n"},
        (f"{POST}:2: 'date' must be a date, or a mapping with 'created'",),
    ),
    Case(
        "post draft in quotes",
        {POST: POST_HEAD + 'draft: "yes"\n---\n# Hello\n'},
        (f"{POST}:4: 'draft' must be true or false, got 'yes'",),
    ),
    Case(
        "post without a date",
        {POST: "---\nauthors: [jdoe]\n---\n# Hello\n"},
        (f"{POST}:1: missing 'date': add a line 'date: ...'",),
    ),
    Case(
        "post without a title",
        {POST: POST_HEAD + "---\nHello, world.\n"},
        (f"{POST}:5: no title: start the post with a '# Title' heading",),
    ),
    Case(
        "post with a misspelt key",
        {POST: POST_HEAD + "categoies: [How-to]\n---\n# Hello\n"},
        (f"{POST}:4: unknown key 'categoies': did you mean 'categories'?",),
    ),
    # A post's `slug` and `template` become paths: one safe part each, never '../' out of the site.
    Case(
        "post slug climbing to the home page",
        {POST: POST_HEAD + "slug: ../../../../index\n---\n# Hello\n"},
        (
            f"{POST}:4: 'slug' must be one part of a web address, like 'holiday-cover' (letters, digits, '-', '_' and '.', starting with a letter or digit), got '../../../../index'",
        ),
    ),
    Case(
        "post slug climbing out of the site",
        {POST: POST_HEAD + f"slug: {ESCAPING_SLUG}\n---\n# Hello\n"},
        (
            f"{POST}:4: 'slug' must be one part of a web address, like 'holiday-cover' (letters, digits, '-', '_' and '.', starting with a letter or digit), got '{ESCAPING_SLUG}'",
        ),
    ),
    Case(
        "post slug longer than a file name",
        {POST: POST_HEAD + f"slug: {'a' * 201}\n---\n# Hello\n"},
        (f"{POST}:4: 'slug' is 201 bytes long: shorten it to 200 at most",),
    ),
    Case(
        "post template outside the theme",
        {POST: POST_HEAD + "template: ../../../etc/passwd\n---\n# Hello\n"},
        (
            f"{POST}:4: 'template' must be the file name of one of the theme's templates, like 'blog-post.html', got '../../../etc/passwd'",
        ),
    ),
    Case(
        "post template the theme does not have",
        {POST: POST_HEAD + "template: nope.html\n---\n# Hello\n"},
        (
            f"{POST}:4: 'template' names no template of the theme ('nope.html'): use 'blog-post.html', or add nope.html to the theme's custom_dir in mkdocs.yml",
        ),
    ),
    # What Material's blog or the feeds refuse, said with the file and line.
    Case(
        "post dated in the year 1",
        {POST: "---\ndate: 0001-01-01\nauthors: [jdoe]\n---\n# Hello\n"},
        (f"{POST}:2: 'date' is 0001-01-01, before 1900: give the day the post is published, as YYYY-MM-DD",),
    ),
    Case(
        "post title with a vertical tab",
        {POST: POST_HEAD + "---\n# Hello\x0bworld\n\nText.\n"},
        (f"{POST}:5: control character U+000B at column 8: delete it (a feed cannot carry it)",),
    ),
    Case(
        "post title with an escaped control character",
        {POST: POST_HEAD + 'title: "Hello\\vworld"\n---\nText.\n'},
        (f"{POST}:4: 'title' has a control character (U+000B): remove it",),
    ),
    Case(
        "post pinned in quotes",
        {POST: POST_HEAD + 'pin: "yes"\n---\n# Hello\n'},
        (f"{POST}:4: 'pin' must be true or false, got 'yes'",),
    ),
    Case(
        "post by an author the blog does not know",
        {**BLOG_FILES, POST: "---\ndate: 2026-01-05\nauthors: [nobody]\n---\n# Hello\n"},
        (
            f"{POST}:3: 'authors' has unknown value 'nobody': use one of jdoe, spatel (the authors in docs/blog/.authors.yml)",
        ),
    ),
    Case(
        "post by an author without an authors file",
        {**NO_AUTHORS_FILE, POST: POST_HEAD + "---\n# Hello\n"},
        (f"{POST}:3: 'authors' has unknown value 'jdoe': docs/blog/.authors.yml lists no author; add 'jdoe' there",),
    ),
    Case(
        "post in a category the blog does not allow",
        {**BLOG_FILES, POST: POST_HEAD + "categories: [News, Gossip]\n---\n# Hello\n"},
        (
            f"{POST}:4: 'categories' has unknown value 'Gossip': use one of News, How-to (the blog's categories_allowed in mkdocs.yml)",
        ),
    ),
    # -- every error, not just the first ------------------------------------------------------------
    Case(
        "three broken files",
        {
            P: policy(version="two"),
            D: decision(date="soon"),
            "policies/returns.md": policy(title="Returns", status="Active", owner="legal"),
        },
        (
            f"{D}:3: 'date' must be a date (YYYY-MM-DD), got 'soon'",
            f"{P}:3: 'version' must be a whole number, got 'two'",
            "policies/returns.md:4: 'status' has unknown value 'Active' (did you mean 'active'? it is lowercase): use one of draft, active, retired",
        ),
    ),
]


def write_case(write_handbook: Writer, case: Case) -> Path:
    root = write_handbook(case.files)
    for link, target in case.links.items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(target)
    return root


def test_the_corpus_is_large_and_distinct() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_loader_reports_exact_errors(write_handbook: Writer, case: Case) -> None:
    corpus = load_corpus(load_settings(write_case(write_handbook, case)))
    assert [str(error) for error in corpus.errors] == list(case.errors)
    assert bool(corpus.load_errors) == (case.exit_code == LOAD)


def checked(root: Path, exit_code: int) -> list[str]:
    """`handbook check`'s errors as `path:line: message`, after asserting its exit code and summary."""
    # A fixed day, so that no review falls due as the years pass; notes (no git here) aside.
    result = CliRunner().invoke(main, ["check", "--today", "2026-06-01", "--no-cache", str(root)])
    assert "Traceback" not in result.output
    assert result.exit_code == exit_code, result.output
    *problems, summary = [line for line in result.output.splitlines() if not line.startswith("note: ")]
    printed = []
    for line in problems:
        # `path:line: error HB123 message`
        location, _, rest = line.partition(": error HB")
        code, _, message = rest.partition(" ")
        assert code.isdigit() and len(code) == 3, line
        printed.append(f"{location}: {message}")
    assert summary.startswith(f"{len(printed)} error(s), 0 warning(s) in ")
    return printed


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_check_prints_exact_errors(write_handbook: Writer, case: Case) -> None:
    assert checked(write_case(write_handbook, case), case.exit_code) == list(case.errors)


# The site reads records through the same loader as `check`: a build per kind of failure, since
# each build costs a fifth of a second (mkdocs lists every file of the theme first).
BUILD_CASES = [
    case
    for case in CASES
    if case.id
    in {
        "empty file",
        "front matter never closed",
        "front matter of several megabytes",
        "latin-1 in the body",
        "NUL byte",
        "tab indenting a list",
        "billion laughs",
        "python object tag",
        "a date that does not exist",
        "version two",
        "next review after 9999-12-31",
        "date before 1900",
        "status in another case",
        "misspelt key",
        "owner not in the registry",
        "two files with the same id after normalisation",
        "symlink pointing outside the repository",
        "records folder that is a symlink to elsewhere",
        "symlink loop",
        "path traversal through a link",
        "newline in a file name, making up a finding",
        "three decisions supersede in a ring",
        "decision number used twice",
        "owners registry with a tab",
        "post dated 30 February",
        "three broken files",
        "control character in a title",
    }
]


def test_build_cases_are_cases() -> None:
    assert len(BUILD_CASES) == 27


def built(root: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The errors the handbook plugin logs as `mkdocs build --strict` fails, after asserting that it
    fails with a BuildError, logs the count last and writes no page."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort, match="Aborted with a BuildError!"):
        build(config)
    # The plugin's logger prefixes each line with the plugin's name, as mkdocs prints it.
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("mkdocs.plugins.handbook")]
    assert all(message.startswith("handbook: ") for message in ours), ours
    count = len(ours)
    assert caplog.records[-1].getMessage() == (
        f"{count} error{'s' if count != 1 else ''} in the handbook's records: fix them and build again"
    )
    assert not (root / "site" / "index.html").exists()
    return [message.removeprefix("handbook: ") for message in ours]


@pytest.mark.parametrize("case", BUILD_CASES, ids=[case.id for case in BUILD_CASES])
def test_site_build_fails_listing_every_error(
    write_handbook: Writer, case: Case, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert built(write_case(write_handbook, case), caplog, monkeypatch) == list(case.errors)


# Posts that Material's blog or the feeds refused in the build, without a line, and that `check`
# passed: each case on the sample's blog and RSS settings, through `check` and the strict build.
POST_CASES = [
    Case(case.id, {**BLOG_FILES, **case.files}, case.errors) if "mkdocs.yml" not in case.files else case
    for case in CASES
    if case.id
    in {
        "post slug climbing to the home page",
        "post slug climbing out of the site",
        "post slug longer than a file name",
        "post template outside the theme",
        "post template the theme does not have",
        "post dated in the year 1",
        "post title with a vertical tab",
        "post title with an escaped control character",
        "post pinned in quotes",
        "post by an author the blog does not know",
        "post by an author without an authors file",
        "post in a category the blog does not allow",
    }
]


def test_post_cases_are_cases() -> None:
    assert len(POST_CASES) == 12


@pytest.mark.parametrize("case", POST_CASES, ids=[case.id for case in POST_CASES])
def test_check_and_the_strict_build_refuse_a_post_alike(
    write_handbook: Writer, case: Case, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_case(write_handbook, case)
    assert checked(root, case.exit_code) == list(case.errors)
    assert built(root, caplog, monkeypatch) == list(case.errors)
    # Refused before anything is written: inside the site folder or, for a slug climbing out, beside it.
    for slug in ("../../../../index", ESCAPING_SLUG):
        assert not Path(os.path.normpath(root / "site" / "blog" / "2026" / "01" / "05" / slug)).exists()


def test_a_blog_that_drafts_posts_by_the_clock_is_refused(
    write_handbook: Writer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    blog = BLOG_FILES["mkdocs.yml"].replace("  - blog:\n", "  - blog:\n      draft_if_future_date: true\n")
    root = write_handbook({**BLOG_FILES, "mkdocs.yml": blog, POST: POST_HEAD + "---\n# Hello\n"})
    refusal = (
        "the blog's 'draft_if_future_date' publishes a post when the machine that builds "
        "the site reaches its date, so the same commit builds different sites: remove it, and keep a post off "
        "the site with 'draft: true' until its day"
    )
    message = f"{root / 'mkdocs.yml'}: {refusal}"
    line = blog.splitlines().index("      draft_if_future_date: true") + 1
    result = CliRunner().invoke(main, ["check", "--today", "2026-06-01", "--no-cache", str(root)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"mkdocs.yml:{line}: error HB010 {refusal}",
        "1 error(s) in the site's configuration: fix them, then check again",
    ]
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort, match="Aborted with a BuildError!"):
        build(config)
    assert [r.getMessage() for r in caplog.records] == [message]
    assert not (root / "site" / "index.html").exists()


def test_a_link_from_a_post_to_a_draft_post_fails_check_and_the_strict_build(
    write_handbook: Writer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = "docs/blog/posts/draft.md"
    root = write_handbook({
        **BLOG_FILES,
        POST: POST_HEAD + "---\n# Hello\n\nSee [what comes next](draft.md).\n",
        draft: POST_HEAD + "draft: true\n---\n# What comes next\n",
    })  # fmt: skip
    assert checked(root, INTEGRITY) == [
        f"{POST}:7: link 'draft.md' goes to the draft 'draft.md', which is not on the built site: link to it once it is published"
    ]
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True)
    with caplog.at_level(logging.WARNING), pytest.raises(Abort, match="Aborted with 1 warnings in strict mode!"):
        build(config)
    # As a link to a draft policy is: the draft is no file of the site.
    assert [r.getMessage() for r in caplog.records] == [
        "Doc file 'blog/posts/hello.md' contains a link 'draft.md', but the target 'blog/posts/draft.md' is not found among documentation files."
    ]


# -- the site's configuration: mkdocs.yml and the blog's .authors.yml ----------------------------
# The fixture's mkdocs.yml has the handbook plugin's options from line 14 (audiences); more go after.
OPTIONS_LINE = 15


def site(options: str = "", *, replace: Mapping[str, str] | None = None, plugins: str = "") -> str:
    """The fixture's mkdocs.yml with more handbook options (from line 15), text replaced, and
    other plugins added after the handbook's."""
    text = MKDOCS_YML + options
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    return text + plugins


def site_laughs() -> str:
    """mkdocs.yml with a 'billion laughs' under `extra`: ten aliases per level, nine levels."""
    lines = ["extra:", '  lol0: &lol0 "lol"']
    lines += [f"  lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 10)}]" for n in range(1, 10)]
    return site() + "\n".join(lines) + "\n"


BLOG = "  - blog:\n      blog_dir: blog\n"
AUTHORS = "docs/blog/.authors.yml"
MARKUP_FIX = (
    "which Material prints as HTML, not as text: write it without '<', '>', '\"' or character references like '&amp;'"
)


@dataclass(frozen=True)
class ConfigCase:
    """A handbook whose configuration is broken: `handbook check` and `handbook build` both refuse it
    with the same located messages (exit 2: nothing is built; 1 for the build's own warnings)."""

    id: str
    files: Mapping[str, str | bytes]
    errors: tuple[str, ...]
    exit_code: int = LOAD
    links: Mapping[str, str] = field(default_factory=dict)
    # The code `handbook check` gives each error.
    code: str = "HB010"


CONFIG_CASES = [
    # -- options that become paths or file names ------------------------------------------------------
    ConfigCase(
        "audience that leads out of the site",
        {"mkdocs.yml": site(replace={"managers]": "managers, '../../../x']"}), P: policy()},
        (
            "mkdocs.yml:14: 'audiences' has '../../../x', which is not a lowercase id like 'all-staff' (letters, digits, hyphens): it names pages and feed files",
        ),
    ),
    ConfigCase(
        "audience with markup",
        {
            "mkdocs.yml": site(
                replace={"[all-staff, new-hires, support, managers]": "\n        - all-staff\n        - '<b>x'"}
            )
        },
        (
            "mkdocs.yml:16: 'audiences' has '<b>x', which is not a lowercase id like 'all-staff' (letters, digits, hyphens): it names pages and feed files",
        ),
    ),
    ConfigCase(
        "audience listed twice",
        {"mkdocs.yml": site(replace={"managers]": "managers, support]"})},
        ("mkdocs.yml:14: 'audiences' lists 'support' twice: keep one",),
    ),
    ConfigCase(
        "policies_dir outside the handbook",
        {"mkdocs.yml": site("      policies_dir: /etc\n")},
        (
            "mkdocs.yml:15: 'policies_dir' must be a path relative to the handbook's folder (where mkdocs.yml is), like 'policies', got '/etc'",
        ),
    ),
    ConfigCase(
        "decisions_dir above the handbook",
        {"mkdocs.yml": site("      decisions_dir: ../../decisions\n")},
        (
            "mkdocs.yml:15: 'decisions_dir' must be a path inside the handbook's folder (where mkdocs.yml is), like 'decisions', got '../../decisions'",
        ),
    ),
    ConfigCase(
        "owners_file outside the handbook",
        {"mkdocs.yml": site("      owners_file: /etc/passwd\n")},
        (
            "mkdocs.yml:15: 'owners_file' must be a path relative to the handbook's folder (where mkdocs.yml is), like 'policies/owners.yml', got '/etc/passwd'",
        ),
    ),
    ConfigCase(
        "policies_dir through a symlink out of the handbook",
        {"mkdocs.yml": site("      policies_dir: rules\n")},
        (
            "mkdocs.yml:15: 'policies_dir' leads outside the handbook's folder through a symlink ('rules' is '/etc'): give a folder inside it, like 'policies'",
        ),
        links={"rules": "/etc"},
    ),
    ConfigCase(
        # The records folder's own check ("the folder is a symlink") covers one linked inside the repository.
        "records folder linked out of the handbook",
        {"mkdocs.yml": site(""), P: policy()},
        (
            "mkdocs.yml:13: 'decisions_dir' leads outside the handbook's folder through a symlink ('decisions' is '/etc'): give a folder inside it, like 'decisions'",
        ),
        links={"decisions": "/etc"},
    ),
    ConfigCase(
        "posts_dir above the repository",
        {"mkdocs.yml": site("      posts_dir: ../../..\n")},
        ("mkdocs.yml:15: 'posts_dir' must be a path inside docs_dir, like 'blog/posts', got '../../..'",),
    ),
    ConfigCase(
        "posts_dir through a symlinked folder of docs",
        {"mkdocs.yml": site("      posts_dir: news/posts\n")},
        (
            "mkdocs.yml:15: 'posts_dir' (with docs_dir 'docs') leads outside the handbook's folder through a symlink ('docs/news/posts' is '/etc/posts'): give a folder inside it, like 'blog/posts'",
        ),
        links={"docs/news": "/etc"},
    ),
    # -- keys and values the build would refuse -------------------------------------------------------
    ConfigCase(
        "misspelt handbook option",
        {"mkdocs.yml": site("      reading_ordr: [refunds]\n"), P: policy()},
        ("mkdocs.yml:15: unknown key 'reading_ordr' in the handbook plugin's options: did you mean 'reading_order'?",),
    ),
    ConfigCase(
        "handbook options that are a list",
        {
            "mkdocs.yml": site(
                replace={
                    "  - handbook:\n      audiences: [all-staff, new-hires, support, managers]\n": "  - handbook: [audiences]\n"
                }
            )
        },
        ("mkdocs.yml:13: the handbook plugin's options must be 'key: value' lines, indented under it",),
    ),
    ConfigCase(
        "reading_order naming an unknown id",
        {"mkdocs.yml": site("      reading_order:\n        - refunds\n        - refund\n"), P: policy()},
        (
            "mkdocs.yml:17: reading_order names 'refund', which is not a policy: give a policy's id (its file name without .md), or remove it",
        ),
        INTEGRITY,
        code="HB308",
    ),
    ConfigCase(
        "reading_order naming a draft",
        {
            "mkdocs.yml": site("      reading_order: [returns, refunds]\n"),
            P: policy(),
            "policies/returns.md": policy(title="Returns", status="draft"),
        },
        (
            "mkdocs.yml:15: reading_order names 'returns', a draft: drafts are never published; remove it, or publish the policy first",
        ),
        INTEGRITY,
        code="HB308",
    ),
    # -- YAML that mkdocs would take a minute to read, or never finish -------------------------------------
    ConfigCase(
        "billion laughs in mkdocs.yml",
        {"mkdocs.yml": site_laughs()},
        ("mkdocs.yml:21: YAML aliases ('*') expand to more than 100,000 values: write the values out",),
    ),
    ConfigCase(
        "alias inside the value it repeats",
        {"mkdocs.yml": site() + "extra:\n  loop: &loop\n    again: *loop\n"},
        ("mkdocs.yml:17: alias '*loop' is inside the value it repeats: write the value out",),
    ),
    ConfigCase(
        "mkdocs.yml with a tab",
        {"mkdocs.yml": site(replace={"  font: false": "\tfont: false"})},
        ("mkdocs.yml:10: a tab character in YAML (YAML indents with spaces only): use spaces in the file",),
    ),
    ConfigCase(
        "mkdocs.yml in latin-1",
        {"mkdocs.yml": site(replace={"Test handbook": "Caf\u00e9 handbook"}).encode("latin-1")},
        ("mkdocs.yml:1: file is not UTF-8 (byte 0xe9): save it as UTF-8",),
    ),
    ConfigCase(
        "billion laughs in .authors.yml",
        {"mkdocs.yml": site(plugins=BLOG), AUTHORS: laughs().replace("---\n", "")},
        (f"{AUTHORS}:6: YAML aliases ('*') expand to more than 100,000 values: write the values out",),
    ),
    # -- names Material prints as HTML -----------------------------------------------------------
    ConfigCase(
        "site_name with markup",
        {"mkdocs.yml": site(replace={"site_name: Test handbook": "site_name: Test <img src=x onerror=alert(1)>"})},
        (f"mkdocs.yml:1: site_name has '<', {MARKUP_FIX}",),
    ),
    ConfigCase(
        "site_description that ends an attribute, and a character reference in site_name",
        {
            "mkdocs.yml": site(
                replace={"site_name: Test handbook": "site_name: R&amp;D handbook\nsite_description: 'x\" onload=\"y'"}
            )
        },
        (
            f"mkdocs.yml:1: site_name has '&amp;', {MARKUP_FIX}",
            f"mkdocs.yml:2: site_description has '\"', {MARKUP_FIX}",
        ),
    ),
    ConfigCase(
        "blog category with markup",
        {
            "mkdocs.yml": site(
                plugins=BLOG + "      categories_allowed:\n        - News\n        - <script>x</script>\n"
            )
        },
        (f"mkdocs.yml:19: category '<script>x</script>' has '<', {MARKUP_FIX}",),
    ),
    ConfigCase(
        "author name and description with markup",
        {
            "mkdocs.yml": site(plugins=BLOG),
            AUTHORS: 'authors:\n  jdoe:\n    name: Jane <b>Doe</b>\n    description: Head of "Support"\n    avatar: x.png\n',
        },
        (
            f"{AUTHORS}:3: the name of author 'jdoe' has '<', {MARKUP_FIX}",
            f"{AUTHORS}:4: the description of author 'jdoe' has '\"', {MARKUP_FIX}",
        ),
    ),
]


CONFIG_ERRORS = {case.id: case.errors for case in CONFIG_CASES}


def _located(lines: list[str]) -> list[str]:
    """`path:line: message` from `path:line: error HB123 message` (check, and build's own check)
    and from `WARNING -  handbook: path:line: message` (the plugin, in mkdocs' log)."""
    found = []
    for line in lines:
        line = (
            line.split("handbook: ", 1)[1] if line.startswith(("WARNING", "ERROR")) and "handbook: " in line else line
        )
        location, sep, rest = line.partition(": error HB")
        if sep:
            line = f"{location}: {rest.partition(' ')[2]}"
        if line.startswith(("mkdocs.yml:", "docs/", "policies/")):
            found.append(line)
    return found


def write_config_case(write_handbook: Writer, case: ConfigCase) -> Path:
    root = write_handbook(case.files)
    for link, target in case.links.items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(target)
    return root


def test_config_cases_are_distinct() -> None:
    assert len({case.id for case in CONFIG_CASES}) == len(CONFIG_CASES) >= 20


@pytest.mark.parametrize("case", CONFIG_CASES, ids=[case.id for case in CONFIG_CASES])
def test_check_and_build_refuse_a_bad_configuration_alike(write_handbook: Writer, case: ConfigCase) -> None:
    root = write_config_case(write_handbook, case)
    checked = CliRunner().invoke(main, ["check", "--today", "2026-06-01", "--no-cache", str(root)])
    assert "Traceback" not in checked.output
    assert checked.exit_code == case.exit_code, checked.output
    assert _located(checked.output.splitlines()) == list(case.errors)
    assert {line.split(": error ")[1].split()[0] for line in checked.output.splitlines() if ": error " in line} == {
        case.code
    }

    # `handbook build` runs mkdocs in a process of its own: its log is read from there.
    built = subprocess.run(
        [sys.executable, "-c", "from handbook.cli.main import main; main()", "build", str(root)],
        capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )  # fmt: skip
    output = built.stdout + built.stderr
    assert "Traceback" not in output
    assert built.returncode == case.exit_code, output
    assert _located(output.splitlines()) == list(case.errors)
    if case.exit_code == LOAD:  # refused before mkdocs ran: nothing written
        assert not list(root.glob("site*"))
    # Nothing was written outside the site (the audience '../../../x' wrote x.xml and x.json here).
    assert not list(root.parent.glob("x.*")) and not list(root.glob("x.*"))


# Plain `mkdocs build`: mkdocs has parsed mkdocs.yml before the plugin can act (so a billion laughs
# is only refused by `handbook build`), but the plugin validates its options and names the same way.
PLAIN_MKDOCS = {
    "audience that leads out of the site": (
        "Config value 'plugins': Plugin 'handbook' option 'audiences': has '../../../x', which is not a lowercase id like 'all-staff' (letters, digits, hyphens): it names pages and feed files"
    ),
    "policies_dir outside the handbook": (
        "Config value 'plugins': Plugin 'handbook' option 'policies_dir': must be a path relative to the handbook's folder (where mkdocs.yml is), like 'policies', got '/etc'"
    ),
    "posts_dir through a symlinked folder of docs": "handbook: "
    + CONFIG_ERRORS["posts_dir through a symlinked folder of docs"][0],
    "site_name with markup": "handbook: " + CONFIG_ERRORS["site_name with markup"][0],
    "author name and description with markup": "handbook: "
    + CONFIG_ERRORS["author name and description with markup"][0],
}


@pytest.mark.parametrize("case_id", sorted(PLAIN_MKDOCS))
def test_plain_mkdocs_build_refuses_it_too(
    write_handbook: Writer, case_id: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    case = next(case for case in CONFIG_CASES if case.id == case_id)
    root = write_config_case(write_handbook, case)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True))
    assert PLAIN_MKDOCS[case_id] in [record.getMessage() for record in caplog.records]
    assert not list(root.parent.glob("x.*")) and not list(root.glob("x.*"))
    assert not (root / "site" / "index.html").exists()


def test_mkdocs_own_tags_are_read_as_mkdocs_reads_them(write_handbook: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    """`!ENV` is resolved; `!relative` and `!!python/name:` are kept as they are, never imported."""
    monkeypatch.setenv("HB_TEST_REVIEW_EVERY", "3")
    extensions = (
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "  - pymdownx.snippets:\n"
        "      base_path: !relative $config_dir\n"
    )
    root = write_handbook(
        {"mkdocs.yml": site("      review_every: !ENV [HB_TEST_REVIEW_EVERY, 6]\n") + extensions, P: policy()}
    )
    assert read_settings(root).review_every == 3
    # Every 3 months from 2026-01-05: due in April, overdue in June.
    result = CliRunner().invoke(main, ["check", "--today", "2026-02-01", "--no-cache", str(root)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["check", "--today", "2026-06-01", "--no-cache", str(root)])
    assert result.exit_code == 1 and "every 3 months" in result.output, result.output


# -- editors' commands: a clear one-line error, exit 2 ------------------------------------------------
def test_ack_refuses_a_name_its_own_loader_would_refuse(write_handbook: Writer) -> None:
    root = write_handbook({P: policy(extra="acknowledge: true\n")})
    args = ["ack", "refunds", "--as", "jdoe", "--date", "2026-02-01", "--root", str(root)]
    result = CliRunner().invoke(main, [*args, "--name", "Jane\nDoe"])
    assert (result.exit_code, result.output) == (2, "Error: --name has a line break: write it on one line\n")
    assert not (root / "acknowledgements").exists()
    result = CliRunner().invoke(main, [*args, "--name", "Jane \x1b[31mDoe"])
    assert (result.exit_code, result.output) == (2, "Error: --name has a control character (U+001B): remove it\n")
    assert CliRunner().invoke(main, [*args, "--name", "Jane Doe"]).exit_code == 0
    assert load_acknowledgements(settings_for(root)) == ({"jdoe": ANY}, [])


def test_digest_since_further_back_than_the_calendar(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["digest", "--since", "1000000000d", "--root", str(tmp_path)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for --since: goes back before the year 1: give a shorter span like 7d or 2w, or a date, got '1000000000d'"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_codeowners_into_a_file_that_cannot_be_written(write_handbook: Writer) -> None:
    root = write_handbook({P: policy()})
    result = CliRunner().invoke(main, ["codeowners", "--file", "/dev/full", "--root", str(root)])
    assert (result.exit_code, result.output) == (2, "Error: /dev/full: cannot write it: No space left on device\n")


# -- a folder the build cannot read ----------------------------------------------------------------


def as_another_user(run: Callable[[], object]) -> object:
    """`run()` as a user that is not root, for whom `chmod 000` means something: in a forked
    child when the tests run as root (the child has every module it needs already imported)."""
    if os.geteuid() != 0:
        return run()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer through the pipe, whatever happens, and never return
        os.close(read)
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            answer = ("ok", run())
        except BaseException:
            answer = ("raised", traceback.format_exc())
        with os.fdopen(write, "wb") as pipe:
            pipe.write(pickle.dumps(answer))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        kind, value = pickle.loads(pipe.read())
    os.waitpid(pid, 0)
    assert kind == "ok", value
    return value


@pytest.fixture
def open_handbook() -> Iterator[Path]:
    """A handbook in a folder any user can enter (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="handbook-"))
    try:
        folder.chmod(0o777)
        (folder / "policies").mkdir()
        (folder / "policies/owners.yml").write_text(OWNERS, encoding="utf-8")
        (folder / P).write_text(policy(), encoding="utf-8")
        (folder / D).parent.mkdir()
        (folder / D).write_text(decision(), encoding="utf-8")
        (folder / "docs").mkdir()
        (folder / "docs/index.md").write_text("# Home\n", encoding="utf-8")
        (folder / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
        for path in folder.rglob("*"):
            path.chmod(0o777 if path.is_dir() else 0o666)
        yield folder
    finally:
        for path in folder.rglob("*"):
            path.chmod(0o777)
        shutil.rmtree(folder)


UNREADABLE = (
    "policies:1: cannot read the folder (Permission denied): give the user who builds the site read access",
    "policies/owners.yml:1: cannot read the file (Permission denied): give the user who builds the site read access",
)


def test_check_reports_a_records_folder_it_cannot_read(open_handbook: Path) -> None:
    (open_handbook / "policies").chmod(0o000)
    # Everything `check` imports on its way, imported here, before the child drops root.
    CliRunner().invoke(main, ["check", "--today", "2026-06-01", "--no-cache", str(open_handbook)])

    def check() -> tuple[int, str]:
        result = CliRunner().invoke(main, ["check", "--today", "2026-06-01", "--no-cache", str(open_handbook)])
        return result.exit_code, result.output

    exit_code, output = as_another_user(check)  # type: ignore[misc]
    assert "Traceback" not in output
    assert exit_code == LOAD, output
    lines = [line for line in output.splitlines() if not line.startswith("note: ")]
    assert lines[:-1] == [line.replace(": ", ": error HB001 ", 1) for line in UNREADABLE]


def test_build_reports_a_records_folder_it_cannot_read(open_handbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    (open_handbook / "policies").chmod(0o000)
    warm_up = load_config(str(open_handbook / "mkdocs.yml"), site_dir=str(open_handbook / "root-site"), strict=True)
    with contextlib.suppress(Abort):
        build(warm_up)  # as root: the modules the build needs, imported before the child drops root
    shutil.rmtree(open_handbook / "root-site", ignore_errors=True)

    def site_build() -> list[str]:
        messages: list[str] = []
        handler = logging.Handler(logging.ERROR)
        handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
        logging.getLogger("mkdocs").addHandler(handler)
        config = load_config(str(open_handbook / "mkdocs.yml"), site_dir=str(open_handbook / "site"), strict=True)
        with pytest.raises(Abort, match="Aborted with a BuildError!"):
            build(config)
        return messages

    messages = as_another_user(site_build)
    assert messages == [f"handbook: {error}" for error in UNREADABLE] + [
        "2 errors in the handbook's records: fix them and build again"
    ]
