"""`handbook build` (and `make build`): a failed build leaves the last good site in place; the site
folder never overlaps the sources; one build of a site at a time; a killed build loses nothing; a
disk that fills up or a crash in mkdocs is one line, not a traceback."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MKDOCS_YML, OWNERS, Git, Writer, policy
from handbook.cli.main import main

pytestmark = pytest.mark.engine

PAGE = "site/policies/refunds/index.html"
# `handbook build ...` in a process of its own.
HANDBOOK = [sys.executable, "-c", "from handbook.cli.main import main; main()"]
FIX = (
    "the build replaces its site folder whole, so it would delete the sources; "
    "give --site-dir a folder of its own, such as"
)


def _build(root: Path) -> int:
    return CliRunner().invoke(main, ["build", str(root), "--site-dir", "site"]).exit_code


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HANDBOOK, "build", *args], capture_output=True, text=True, check=False, env=env)


def _refunds(days: int) -> str:
    return policy(body=f"## Rules\n\nRefund within {days} days.\n")


def _beside(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("site"))


def test_a_failed_build_keeps_the_last_good_site(write_handbook: Writer) -> None:
    root = write_handbook({"policies/refunds.md": _refunds(30)})
    assert _build(root) == 0
    page = root / PAGE
    assert "Refund within 30 days." in page.read_text(encoding="utf-8")

    # A broken file: the build fails as a whole and the published site is untouched.
    (root / "policies/refunds.md").write_text(policy(version="two", body="Refund within 99 days.\n"), encoding="utf-8")
    assert _build(root) == 1
    assert "Refund within 30 days." in page.read_text(encoding="utf-8")
    assert _beside(root) == ["site", "site.lock"]

    # The next good build replaces it whole.
    (root / "policies/refunds.md").write_text(_refunds(14), encoding="utf-8")
    assert _build(root) == 0
    assert "Refund within 14 days." in page.read_text(encoding="utf-8")
    assert _beside(root) == ["site", "site.lock"]


# -- a site folder that overlaps the sources ----------------------------------------------------
def _handbook_in(folder: Path, mkdocs_yml: str = MKDOCS_YML) -> Path:
    """A handbook in `folder`, a git checkout, with room around it for --site-dir .. to point at."""
    files = {
        "mkdocs.yml": mkdocs_yml,
        "policies/owners.yml": OWNERS,
        "policies/refunds.md": _refunds(30),
        "docs/index.md": "# Home\n",
        "decisions/0001-inbox.md": "---\nstatus: accepted\ndate: 2025-03-01\n---\n# Inbox\n",
    }
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    Git(folder)
    return folder


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize(
    ("site_dir", "problem"),
    [
        (".", "{root}: --site-dir is the handbook's folder (where mkdocs.yml is)"),
        ("..", "{tmp}: --site-dir contains {root}, the handbook's folder (where mkdocs.yml is)"),
        ("docs", "{root}/docs: --site-dir is docs_dir (the site's own pages)"),
        ("docs/site", "{root}/docs/site: --site-dir is inside {root}/docs, docs_dir (the site's own pages)"),
        ("policies", "{root}/policies: --site-dir is policies_dir (the policies)"),
        ("decisions/site",
         "{root}/decisions/site: --site-dir is inside {root}/decisions, decisions_dir (the decision records)"),
        ("acknowledgements", "{root}/acknowledgements: --site-dir is the acknowledgements folder"),
        ("feedback", "{root}/feedback: --site-dir is feedback_dir (the feedback records)"),
        (".git", "{root}/.git: --site-dir is the git repository's folder"),
        (".git/site", "{root}/.git/site: --site-dir is inside {root}/.git, the git repository's folder"),
        # A symlink is followed: `published` points at docs/.
        ("published", "{root}/docs: --site-dir is docs_dir (the site's own pages)"),
    ],
)  # fmt: skip
def test_a_site_folder_over_the_sources_is_refused_before_anything_is_touched(
    tmp_path: Path, site_dir: str, problem: str
) -> None:
    root = _handbook_in(tmp_path / "hb")
    (root / "published").symlink_to("docs")
    before = _snapshot(tmp_path)
    done = CliRunner().invoke(main, ["build", str(root), "--site-dir", site_dir])
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == problem.format(root=root, tmp=tmp_path) + f": {FIX} {root}/site\n"
    assert _snapshot(tmp_path) == before


def test_the_folders_named_in_mkdocs_yml_are_the_ones_kept_clear_of(tmp_path: Path) -> None:
    configured = MKDOCS_YML.replace("  - handbook:\n", "  - handbook:\n      policies_dir: rules\n")
    root = _handbook_in(tmp_path, configured)
    (root / "policies").rename(root / "rules")
    before = _snapshot(tmp_path)
    done = CliRunner().invoke(main, ["build", str(root), "--site-dir", "rules"])
    message = f"{root}/rules: --site-dir is policies_dir (the policies): {FIX} {root}/site\n"
    assert (done.exit_code, done.stderr) == (2, message)
    done = CliRunner().invoke(main, ["build", str(root), "--site-dir", "mkdocs.yml"])
    message = f"{root}/mkdocs.yml: --site-dir is a file, not a folder; give it a folder, such as {root}/site\n"
    assert (done.exit_code, done.stderr) == (2, message)
    assert _snapshot(tmp_path) == before


def test_a_site_folder_outside_the_handbook_is_built(tmp_path: Path) -> None:
    root = _handbook_in(tmp_path / "hb")
    done = _run(str(root), "--site-dir", str(tmp_path / "www/handbook"))
    assert done.returncode == 0, done.stderr
    assert "Refund within 30 days." in (tmp_path / "www/handbook/policies/refunds/index.html").read_text()
    assert sorted(p.name for p in (tmp_path / "www").iterdir()) == ["handbook", "handbook.lock"]


# -- one build at a time --------------------------------------------------------------------------
PAUSED_BUILD = """
import sys, time
from pathlib import Path
from handbook.publish import build_and_swap
holding, go = Path(sys.argv[3]), Path(sys.argv[4])
def checkpoint(reached):
    if reached == "recovered":  # the lock is held and the site recovered: wait to be let go
        holding.touch()
        while not go.exists():
            time.sleep(0.05)
sys.exit(build_and_swap(Path(sys.argv[1]), Path(sys.argv[2]), checkpoint=checkpoint))
"""


def test_a_second_build_waits_for_the_first_and_says_who_holds_the_lock(write_handbook: Writer, tmp_path: Path) -> None:
    root = write_handbook({"policies/refunds.md": _refunds(30)})
    holding, go = tmp_path / "holding", tmp_path / "go"
    first = subprocess.Popen([sys.executable, "-c", PAUSED_BUILD, str(root), "site", str(holding), str(go)])
    try:
        while not holding.exists():
            assert first.poll() is None, "the first build ended before it held the lock"
            time.sleep(0.05)
        lock = root / "site.lock"
        assert lock.read_text() == f"{first.pid}\n"

        busy = _run(str(root), "--no-wait")
        message = (
            f"{lock}: another build (process {first.pid}) is building this site: "
            "wait for it to finish, or run without --no-wait to wait for it\n"
        )
        assert (busy.returncode, busy.stderr) == (2, message)

        (root / "policies/refunds.md").write_text(_refunds(14), encoding="utf-8")
        second = subprocess.Popen([*HANDBOOK, "build", str(root)], stderr=subprocess.PIPE, text=True)
        assert second.stderr is not None
        waiting = f"waiting for another build (process {first.pid}) to finish: it holds {lock}\n"
        assert second.stderr.readline() == waiting
    finally:
        go.touch()
        first.wait()
    assert first.returncode == 0
    _, errors = second.communicate()
    assert second.returncode == 0, errors
    # Both published in turn, the second last: a complete site, nothing left beside it.
    assert "Refund within 14 days." in (root / PAGE).read_text(encoding="utf-8")
    assert _beside(root) == ["site", "site.lock"]
    assert lock.read_text() == ""


# -- a build killed halfway -----------------------------------------------------------------------
KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
from handbook.publish import build_and_swap
from handbook.swap import exchange
def checkpoint(reached):
    if reached == sys.argv[3]:
        os.kill(os.getpid(), signal.SIGKILL)
swap = exchange if sys.argv[4] == "exchange" else (lambda first, second: False)
sys.exit(build_and_swap(Path(sys.argv[1]), Path(sys.argv[2]), checkpoint=checkpoint, swap=swap))
"""


@pytest.mark.parametrize(("step", "swap"), [("previous site moved aside", "two renames"), ("exchanged", "exchange")])
def test_a_build_killed_during_its_swap_leaves_a_site_the_next_build_finds(
    write_handbook: Writer, step: str, swap: str
) -> None:
    root = write_handbook({"policies/refunds.md": _refunds(30)})
    assert _build(root) == 0
    (root / "policies/refunds.md").write_text(_refunds(14), encoding="utf-8")
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(root), "site", step, swap], check=False)
    assert killed.returncode == -9
    if step == "previous site moved aside":
        assert not (root / "site").exists()  # killed between the two renames

    # The next build, even one that fails, first puts back the complete build that was moving in.
    (root / "policies/refunds.md").write_text(policy(version="two"), encoding="utf-8")
    assert _build(root) == 1
    assert "Refund within 14 days." in (root / PAGE).read_text(encoding="utf-8")
    assert _beside(root) == ["site", "site.lock"]

    (root / "policies/refunds.md").write_text(_refunds(7), encoding="utf-8")
    assert _build(root) == 0
    assert "Refund within 7 days." in (root / PAGE).read_text(encoding="utf-8")
    assert _beside(root) == ["site", "site.lock"]


def test_the_previous_site_moved_aside_is_the_one_put_back_not_deleted(write_handbook: Writer) -> None:
    root = write_handbook({"policies/refunds.md": _refunds(30)})
    assert _build(root) == 0
    (root / "site").rename(root / "site.old")  # as a kill right after the first rename leaves it
    (root / "policies/refunds.md").write_text(policy(version="two"), encoding="utf-8")
    assert _build(root) == 1
    assert "Refund within 30 days." in (root / PAGE).read_text(encoding="utf-8")
    assert _beside(root) == ["site", "site.lock"]


def test_a_leftover_that_cannot_be_removed_is_a_warning_not_a_dead_end(
    write_handbook: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    removable = shutil.rmtree

    def rmtree(path: str | Path, ignore_errors: bool = False, **kwargs: object) -> None:
        # Like rmtree on a read-only folder, which root may remove: root runs CI.
        if Path(path).name.startswith("site."):
            if not ignore_errors:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return
        removable(path, ignore_errors, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(shutil, "rmtree", rmtree)
    root = write_handbook({"policies/refunds.md": _refunds(30)})
    runner = CliRunner()
    warning = (
        "warning: {}: cannot remove this leftover of a build (Permission denied): the site is published; "
        "remove it by hand (chmod -R u+w it first if it is read-only)\n"
    )
    assert runner.invoke(main, ["build", str(root)]).exit_code == 0
    first, second = warning.format(root / "site.trash-1"), warning.format(root / "site.trash-2")
    for days, stderr in [(14, first), (7, first + second)]:
        (root / "policies/refunds.md").write_text(_refunds(days), encoding="utf-8")
        result = runner.invoke(main, ["build", str(root)])
        assert (result.exit_code, result.stderr) == (0, stderr)
        assert f"Refund within {days} days." in (root / PAGE).read_text(encoding="utf-8")


# -- a disk that fills up, a crash in mkdocs ---------------------------------------------------
LIMITED = """
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
os.execv(sys.executable, [sys.executable, "-c", "from handbook.cli.main import main; main()", *sys.argv[1:]])
"""


def test_a_write_that_fails_is_one_line_and_the_site_stays(write_handbook: Writer) -> None:
    root = write_handbook({"policies/refunds.md": _refunds(30)})
    assert _build(root) == 0
    (root / "policies/refunds.md").write_text(_refunds(14), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", LIMITED, "build", str(root)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    last = done.stderr.splitlines()[-1]
    assert last.startswith(f"{root}/site.new/")
    tail = ": File too large: a file grew past the size limit (ulimit -f); raise it, then build again; "
    assert last.endswith(f"{tail}the published site {root}/site is unchanged")
    assert "Refund within 30 days." in (root / PAGE).read_text(encoding="utf-8")
    assert _beside(root) == ["site", "site.lock"]


FULL_DISK = """
import json, os, subprocess, sys
root, out = sys.argv[1], sys.argv[2]
command = [sys.executable, "-c", "from handbook.cli.main import main; main()", "build", root, "--site-dir", out + "/site"]
first = subprocess.run(command, capture_output=True, text=True)
free = os.statvfs(out)
with open(out + "/filler", "wb") as filler:
    os.posix_fallocate(filler.fileno(), 0, free.f_bavail * free.f_frsize - 64 * 1024)
second = subprocess.run(command, capture_output=True, text=True)
page = out + "/site/policies/refunds/index.html"
print(json.dumps({"first": first.returncode, "second": second.returncode, "stderr": second.stderr,
                  "page": open(page).read(), "beside": sorted(os.listdir(out))}))
"""


def _can_mount_tmpfs() -> bool:
    try:
        done = subprocess.run(["unshare", "-rm", "mount", "-t", "tmpfs", "tmpfs", "/mnt"], capture_output=True)
    except OSError:
        return False
    return done.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs `unshare -rm` to mount a small disk (tmpfs)")
def test_a_full_disk_is_one_line_naming_the_disk_and_the_site_stays(write_handbook: Writer, tmp_path: Path) -> None:
    import json

    root = write_handbook({"policies/refunds.md": _refunds(30)})
    out = tmp_path / "out"
    out.mkdir()
    mount = 'mount -t tmpfs -o size=16m tmpfs "$1" && shift && exec "$@"'
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", mount, "sh", str(out), sys.executable, "-c", FULL_DISK, str(root), str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout)
    assert (result["first"], result["second"]) == (0, 2), result["stderr"]
    assert "Traceback" not in result["stderr"]
    last = result["stderr"].splitlines()[-1]
    assert last.startswith(f"{out}/site.new")
    tail = ": No space left on device: the disk mounted at {} is full; free space there, then build again; "
    assert last.endswith(tail.format(out) + f"the published site {out}/site is unchanged")
    assert "Refund within 30 days." in result["page"]
    assert result["beside"] == ["filler", "site", "site.lock"]


def test_a_crash_in_mkdocs_is_one_line_and_the_site_stays(write_handbook: Writer) -> None:
    root = write_handbook({"policies/refunds.md": _refunds(30)})
    assert _build(root) == 0
    (root / "boom.py").write_text("def on_files(files, config):\n    raise RuntimeError('boom\\nagain')\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML + "hooks:\n  - boom.py\n", encoding="utf-8")
    done = _run(str(root), env=dict(os.environ, HANDBOOK_TRACEBACK=""))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"the build failed: RuntimeError: boom again at boom.py:2; {root}/site is unchanged; "
        "HANDBOOK_TRACEBACK=1 handbook build shows the traceback"
    )
    assert "Refund within 30 days." in (root / PAGE).read_text(encoding="utf-8")
    assert _beside(root) == ["site", "site.lock"]
