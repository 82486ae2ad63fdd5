"""The site's Content-Security-Policy: one policy, in site/csp.txt and in a `<meta http-equiv>` tag
first in every page's <head>, that allows every inline script the build writes (by its hash,
whatever the page's depth) and nothing written into a page's Markdown."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import MKDOCS_YML, Writer, engine_command, engine_env, policy, strict_build
from handbook.site.csp import script_hash
from handbook.site.paths import PUBLIC_PAGE
from handbook.site.public import PUBLIC_POLICY

SCRIPT_TYPES = ("", "text/javascript", "application/javascript", "module")


class Head(HTMLParser):
    """A page's CSP tags, the tags of its <head> in order, and its inline scripts by type."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.policies: list[str] = []
        self.head: list[str] = []
        self.in_head = False
        self.scripts: list[tuple[str, str]] = []
        self.script: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif self.in_head:
            self.head.append(tag if tag != "meta" or "http-equiv" not in found else f"meta {found['http-equiv']}")
        if tag == "meta" and (found.get("http-equiv") or "").lower() == "content-security-policy":
            self.policies.append(found.get("content") or "")
        if tag == "script" and "src" not in found:
            self.script = ((found.get("type") or "").lower(), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        if tag == "script" and self.script is not None:
            self.scripts.append((self.script[0], "".join(self.script[1])))
            self.script = None

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script[1].append(data)


def read(page: Path) -> Head:
    head = Head()
    head.feed(page.read_text(encoding="utf-8"))
    head.close()
    return head


def pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def sources(value: str, directive: str) -> list[str]:
    found = [part.split() for part in value.split(";") if part.split() and part.split()[0] == directive]
    assert len(found) == 1, (directive, value)
    return found[0][1:]


def assert_every_page_carries_the_policy(site: Path) -> tuple[str, int]:
    """Every page's one policy is csp.txt's, before any script, and allows each of its inline
    scripts; returns the policy and how many inline scripts it was checked against."""
    text = (site / "csp.txt").read_text(encoding="utf-8")
    assert text.endswith("\n") and text.count("\n") == 1
    value = text.rstrip("\n")
    allowed = set(sources(value, "script-src"))
    checked = 0
    for page in pages(site):
        head = read(page)
        if page.relative_to(site).as_posix() == PUBLIC_PAGE:  # published apart: its own, tighter policy
            assert (head.policies, head.scripts) == ([PUBLIC_POLICY], []), page
            continue
        assert head.policies == [value], page
        assert head.head.index("meta Content-Security-Policy") < min(
            (i for i, tag in enumerate(head.head) if tag == "script"), default=len(head.head)
        ), page
        for kind, body in head.scripts:
            if kind in SCRIPT_TYPES:
                assert f"'{script_hash(body)}'" in allowed, (page, body[:80])
                checked += 1
            else:
                assert kind == "application/json", (page, kind)
    return value, checked


def test_every_page_of_the_sample_carries_the_policy_that_allows_its_scripts(built_sample_site: Path) -> None:
    value, checked = assert_every_page_carries_the_policy(built_sample_site)
    assert checked > 100
    assert sources(value, "default-src") == ["'self'"]
    assert sources(value, "script-src")[:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert all(s.startswith("'sha256-") for s in sources(value, "script-src")[2:])
    assert sources(value, "img-src") == ["'self'", "data:"]
    assert sources(value, "style-src") == ["'self'", "'unsafe-inline'"]
    assert sources(value, "object-src") == ["'none'"]
    assert sources(value, "base-uri") == ["'self'"]
    assert sources(value, "form-action") == ["'self'"]
    assert sources(value, "worker-src") == ["'self'"]
    # Material's settings script names the way to the site's root: one hash for each depth.
    depths = {len(p.relative_to(built_sample_site).parts) for p in pages(built_sample_site)}
    assert len(sources(value, "script-src")) - 2 >= len(depths)


def test_a_template_script_the_policy_cannot_allow_fails_the_strict_build(write_handbook: Writer) -> None:
    """A script that differs page by page (here it names the page) cannot be hashed ahead: the
    build says which page's script browsers would refuse, instead of shipping a broken page."""
    root = write_handbook({
        "mkdocs.yml": MKDOCS_YML.replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"),
        "overrides/main.html": (
            '{% extends "base.html" %}\n'
            "{% block extrahead %}<script>var shown = {{ (page.url if page else '') | tojson }};</script>"
            "{% endblock %}\n"
        ),
        "policies/refunds.md": policy(),
    })  # fmt: skip
    done = strict_build(root)
    assert done.returncode == 1
    warnings = [
        line.split("handbook: ", 1)[1] for line in done.stderr.splitlines() if "Content-Security-Policy" in line
    ]
    assert (
        "policies/refunds.md: an inline script of its template is not in the site's Content-Security-Policy, "
        "so browsers will not run it: 'var shown = \"policies/refunds/\";'" in warnings
    )


@pytest.mark.engine
def test_mkdocs_serve_allows_its_live_reload_script(write_handbook: Writer) -> None:
    """`mkdocs serve` adds an inline script of its own to each page it serves, another on each
    request: the policy of the page it serves allows it, and the file on disk is as built."""
    root = write_handbook({"policies/refunds.md": policy()})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        engine_command("serve", "-a", f"127.0.0.1:{port}"),
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=engine_env(),
    )  # fmt: skip
    try:
        page = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/policies/refunds/", timeout=2) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.5)
        assert page, "mkdocs serve did not answer"
    finally:
        server.terminate()
        server.wait(timeout=30)
    head = Head()
    head.feed(page)
    reload = [body for kind, body in head.scripts if "livereload(" in body]
    assert len(reload) == 1 and len(head.policies) == 1
    allowed = sources(head.policies[0], "script-src")
    assert f"'{script_hash(reload[0])}'" in allowed
    assert all(f"'{script_hash(body)}'" in allowed for kind, body in head.scripts if kind in SCRIPT_TYPES)
