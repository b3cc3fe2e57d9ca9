"""Bad use: outside a project, a newer schema, a read-only folder, a full disk, two writers
at once. Each ends with one clear line on stderr, exit 2, and the project as it was."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testimony.lock import LOCK_FILE
from tests.conftest import CORPUS
from tests.crash.harness import check_project, project_state

TESTIMONY = [sys.executable, "-c", "from testimony.cli import main; main()"]

# Files on disk: SQLite's online backup, permissions, a full disk; the PostgreSQL
# side (pg_dump guidance, a server that is away) is tested apart.
pytestmark = pytest.mark.sqlite_only


def _files(folder: Path) -> dict[str, str]:
    """The project's files and their SHA-256: 'as it was' means byte for byte (the lock
    file, emptied again, and SQLite's transient -wal and -shm files aside)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != LOCK_FILE and not p.name.endswith(("-wal", "-shm"))
    }


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["interviews"],
        ["import", "x.txt"],
        ["codings"],
        ["autocode", "police", "--theme", "police-response"],
        ["export", "--format", "md"],
        ["review", "list"],
        ["audit", "verify"],
        ["backup", "somewhere"],
    ],
)
def test_a_command_outside_a_project_says_so(tmp_path, monkeypatch, run, args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TESTIMONY_PROJECT", raising=False)
    result = run(*args)
    assert result.exit_code == 2
    assert "not inside a testimony project" in _one_line(result.stderr)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("database", ["project.db", "vault.db"])
def test_a_project_of_a_newer_schema_is_refused_and_left_alone(shell_project, run, database):
    shell_project.close()
    root = shell_project.root
    connection = sqlite3.connect(root / database)
    connection.execute("UPDATE alembic_version SET version_num = 'z9999'")
    connection.commit()
    connection.close()
    before = _files(root)
    result = run("--project", root, "review", "accept", "1")
    assert result.exit_code == 2
    assert "newer version of testimony" in _one_line(result.stderr)
    assert _files(root) == before


# --- a read-only project ---------------------------------------------------------------------


def _mount(target: Path, options: str) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True
    )
    return done.returncode == 0


def _umount(target: Path) -> None:
    subprocess.run(["umount", str(target)], capture_output=True)


@pytest.fixture
def read_only_project(shell_project, tmp_path):
    """The project in a folder its user cannot write: by permissions when not root, else
    on a read-only tmpfs (skipped where neither works)."""
    shell_project.close()
    if os.geteuid() != 0:
        root = shell_project.root
        modes = {p: p.stat().st_mode for p in [root, *root.iterdir()]}
        for path in modes:
            path.chmod(0o555 if path.is_dir() else 0o444)
        yield root
        for path, mode in modes.items():
            path.chmod(mode)
        return
    mount = tmp_path / "ro"
    if not _mount(mount, "size=16m,mode=755"):
        pytest.skip("root here cannot mount a tmpfs, so no folder is read-only for root")
    try:
        root = mount / "proj"
        shutil.copytree(shell_project.root, root)
        remounted = subprocess.run(["mount", "-o", "remount,ro", str(mount)], capture_output=True)
        if remounted.returncode != 0:
            pytest.skip("cannot remount the tmpfs read-only")
        yield root
    finally:
        _umount(mount)


@pytest.mark.parametrize(
    "args",
    [
        ["autocode", "police", "--theme", "police-response", "--coder", "ana"],
        ["import", str(CORPUS / "int02-olga.txt")],
        ["review", "accept", "1"],
        ["backup", "{tmp}/copy"],
    ],
)
def test_a_read_only_project_is_refused_in_one_line(read_only_project, tmp_path, run, args):
    before = _files(read_only_project)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run("--project", read_only_project, *args)
    if args[0] == "backup":  # reading is enough to copy; the audit entry cannot be written
        assert not (tmp_path / "copy").exists() or result.exit_code == 0
    assert result.exit_code == 2, result.stdout
    line = _one_line(result.stderr)
    assert "read-only" in line or "cannot be opened" in line, line
    assert _files(read_only_project) == before


# --- a full disk -------------------------------------------------------------------------------


def _limited(limit_bytes: int):  # noqa: ANN202
    def set_limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return set_limit


def test_an_import_that_fills_the_disk_stops_cleanly_and_completes_later(shell_project, tmp_path):
    """A file-size limit makes every write past it fail as on a full disk."""
    shell_project.close()
    root = shell_project.root
    state = project_state(root)
    biggest = max(p.stat().st_size for p in root.iterdir() if p.is_file())
    files = [str(CORPUS / "int13-oksana.txt"), str(CORPUS / "int02-olga.txt")]
    failed = subprocess.run(
        [*TESTIMONY, "--project", str(root), "import", *files],
        capture_output=True,
        text=True,
        preexec_fn=_limited(biggest + 8192),
    )
    assert failed.returncode == 2, failed.stderr
    line = _one_line(failed.stderr)
    assert "disk" in line and "run the command again" in line, line
    assert check_project(root) == []  # every interview in it is whole
    found = project_state(root)
    assert found["interviews"][:1] == state["interviews"]
    assert len(found["interviews"]) < 3  # the file the disk stopped is not in it
    again = subprocess.run(
        [*TESTIMONY, "--project", str(root), "import", *files], capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert check_project(root) == []
    codes = [code for code, _t, _w in project_state(root)["interviews"]]
    assert codes == ["INT-001", "INT-002", "INT-003"]


def test_a_full_tmpfs_gives_the_disk_full_line(shell_project, tmp_path):
    """SQLite's own 'database or disk is full', on a real full disk where it can be made."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    shell_project.close()
    mount = tmp_path / "small"
    used = sum(p.stat().st_size for p in shell_project.root.iterdir() if p.is_file())
    if not _mount(mount, f"size={used + 96 * 1024}"):
        pytest.skip("root here cannot mount a tmpfs")
    try:
        root = mount / "proj"
        shutil.copytree(shell_project.root, root)
        state = project_state(root)
        files = [str(p) for p in sorted(CORPUS.glob("int1*.txt"))]
        failed = subprocess.run(
            [*TESTIMONY, "--project", str(root), "import", *files], capture_output=True, text=True
        )
        assert failed.returncode == 2, failed.stdout + failed.stderr
        assert "the disk is full" in _one_line(failed.stderr)
        assert check_project(root) == []
        found = project_state(root)
        assert found["interviews"][: len(state["interviews"])] == state["interviews"]
    finally:
        _umount(mount)


# --- two writers at once -----------------------------------------------------------------------


def test_a_second_import_while_one_runs_is_told_who_holds_the_project(shell_project, run):
    shell_project.close()
    root = shell_project.root
    first = subprocess.Popen(
        [*TESTIMONY, "--project", str(root), "import", str(CORPUS / "int13-oksana.txt")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = root / LOCK_FILE
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.read_text()) and first.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    second = run("--project", root, "import", CORPUS / "int02-olga.txt")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.exit_code == 2
    line = _one_line(second.stderr)
    assert f"pid {first.pid}" in line and "is importing into this project" in line, line
    assert run("--project", root, "import", CORPUS / "int02-olga.txt").exit_code == 0
    codes = [code for code, _t, _w in project_state(root)["interviews"]]
    assert codes == ["INT-001", "INT-002", "INT-003"]
    assert check_project(root) == []


def test_a_lock_left_by_a_dead_process_is_taken_over(shell_project, run):
    shell_project.close()
    root = shell_project.root
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    holder = {"pid": int(dead.stdout), "doing": "importing into", "since": "2026-01-01T00:00:00"}
    (root / LOCK_FILE).write_text(json.dumps(holder))
    result = run("--project", root, "review", "add", "--text", "Lucky")
    assert result.exit_code == 0, result.stderr
    assert (root / LOCK_FILE).read_text() == ""  # released: no holder named
