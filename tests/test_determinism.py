"""The same commit builds byte-identical output, whatever the clock says (SOURCE_DATE_EPOCH or git)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, Git, engine_command, engine_env, faketime

pytestmark = pytest.mark.engine

SAMPLE = ("mkdocs.yml", "docs", "policies", "decisions", "feedback")


def _copy_sample(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in SAMPLE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def _build(root: Path, site: Path, clock: str | None) -> dict[str, str]:
    env = {k: v for k, v in engine_env().items() if k != "SOURCE_DATE_EPOCH"}
    command = engine_command("build", "--strict", "--site-dir", str(site))
    if clock is not None:
        command = [faketime(), "-f", clock, *command]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def _differences(first: dict[str, str], second: dict[str, str]) -> list[str]:
    return sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))


def test_same_commit_builds_identical_bytes_with_the_clock_moved(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path / "handbook")
    Git(root).commit({}, "Sample handbook", date="2026-11-20T09:30:00+00:00")
    first = _build(root, tmp_path / "site1", clock="@2026-11-25 10:00:00")
    second = _build(root, tmp_path / "site2", clock="@2031-06-01 23:59:00")
    assert "sitemap.xml" in first
    assert _differences(first, second) == []


def test_without_git_the_build_date_comes_from_content(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path / "tarball")
    first = _build(root, tmp_path / "site1", clock="@2026-11-25 10:00:00")
    second = _build(root, tmp_path / "site2", clock="@2029-02-03 04:05:06")
    assert _differences(first, second) == []
    # The sitemap is dated by the newest content date, not by either clock.
    sitemap = (tmp_path / "site1" / "sitemap.xml").read_text(encoding="utf-8")
    assert "2029-" not in sitemap and "<lastmod>2026-" in sitemap
