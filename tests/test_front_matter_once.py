"""fast.frontmatter: mkdocs' `get_data` answers as before, each front matter parsed once, and is
mkdocs' own again once the shortcut is removed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from mkdocs.utils import meta as mkdocs_meta

from handbook.fast.frontmatter import FrontMatterOnce

DOCUMENTS = [
    "---\nsearch:\n  exclude: true\n---\n# A page\n\nText.\n",
    "---\ntitle: Refunds\ntags: [a, b]\ndate: 2026-01-02\n---\n\n\nBody after blank lines\n",
    "---\n- a list\n- not a mapping\n---\nBody\n",  # no mapping: mkdocs keeps the text whole
    "---\ntitle: [unclosed\n---\nBody\n",  # YAML that does not parse: kept whole too
    "---\n---\nEmpty front matter\n",
    "No front matter at all\n",
    "title: MultiMarkdown\nauthor: me\n\nBody\n",
]


@pytest.fixture
def get_data() -> Iterator[Any]:
    original = mkdocs_meta.get_data
    once = FrontMatterOnce()
    once.install()
    assert mkdocs_meta.get_data is not original
    yield original
    once.uninstall()
    assert mkdocs_meta.get_data is original


def test_the_same_answers_as_mkdocs(get_data: Any) -> None:
    for document in DOCUMENTS * 2:  # the second time from what was parsed the first
        assert mkdocs_meta.get_data(document) == get_data(document), document


def test_each_page_gets_its_own_copy(get_data: Any) -> None:
    first = mkdocs_meta.get_data(DOCUMENTS[1])[1]
    first["title"] = "Changed by a plugin"
    first["tags"].append("c")
    assert mkdocs_meta.get_data(DOCUMENTS[1]) == get_data(DOCUMENTS[1])


def test_each_front_matter_is_parsed_once(get_data: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    load = yaml.load

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return load(*args, **kwargs)

    monkeypatch.setattr(yaml, "load", counting)
    document = "---\nsearch:\n  exclude: true\nhide: [toc]\n---\nText\n"
    for _ in range(5):
        assert mkdocs_meta.get_data(document) == ("Text\n", {"search": {"exclude": True}, "hide": ["toc"]})
    assert len(calls) == 1


def test_installed_once_and_removed() -> None:
    original = mkdocs_meta.get_data
    once = FrontMatterOnce()
    once.install()
    installed = mkdocs_meta.get_data
    once.install()
    assert mkdocs_meta.get_data is installed is not original
    once.uninstall()
    assert mkdocs_meta.get_data is original
