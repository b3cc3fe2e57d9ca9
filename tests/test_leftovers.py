"""A killed export leaves `.NAME.*.part` beside its target and a killed backup
`.DEST.*.partial/`: the next export or backup to the same target removes them, saying
so in one line, and leaves alone what a live writer holds or another target owns."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from testimony.coding.workbench import Workbench

from .coding_helpers import add_interview

pytestmark = pytest.mark.sqlite_only  # files beside the target, whatever the database

WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from testimony import leftovers

    target = Path(sys.argv[1])
    if sys.argv[2] == "folder":  # as `testimony backup` starts its copy
        path, _fd = leftovers.temp_folder(target)
        (path / "vault.db").write_bytes(b"half a copy")
    else:  # as an export starts writing its file
        fd, path = leftovers.temp_file(target)
        os.write(fd, b"half a report")
    print(path, flush=True)
    time.sleep(120)
    """
)


@contextmanager
def writer(target: Path, kind: str) -> Iterator[tuple[subprocess.Popen, Path]]:
    """A process in the middle of writing beside target (killed at the end if still alive)."""
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target), kind], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        yield child, Path(child.stdout.readline().strip())
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()


def killed_writer(target: Path, kind: str) -> tuple[int, Path]:
    """What a writer SIGKILLed mid-write leaves: its pid (now dead) and its leftover."""
    with writer(target, kind) as (child, leftover):
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert leftover.exists()
    return child.pid, leftover


@pytest.fixture
def coded(project):
    excerpts = add_interview(project)
    Workbench(project, "ana").apply_theme(excerpts[1], 0, 10, "physical-violence")
    return project


def test_an_export_after_a_killed_one_removes_its_leftover_and_says_so(coded, tmp_path, run):
    target = tmp_path / "report.csv"
    dead_pid, leftover = killed_writer(target, "file")
    other_target = tmp_path / f".report.csv.bak.pid{dead_pid}.abcdefgh.part"  # report.csv.bak's
    other_target.write_text("not ours to remove")
    with writer(target, "file") as (_alive, in_use):
        result = run("--project", coded.root, "export", "--format", "csv", "-o", target)
        assert result.exit_code == 0, result.stderr
        assert in_use.exists()  # its writer still runs
    assert not leftover.exists() and target.is_file()
    assert other_target.exists()
    assert f"removed 1 leftover of a killed export: {leftover.name}" in result.stderr
    # Its writer was killed on leaving the block: the next export clears that one too.
    again = run("--project", coded.root, "export", "--format", "csv", "-o", target)
    assert f"removed 1 leftover of a killed export: {in_use.name}" in again.stderr
    assert not in_use.exists() and other_target.exists()


def test_a_leftover_named_without_a_pid_is_removed_only_once_a_day_old(coded, tmp_path, run):
    """What versions before pids were in the names left: no pid to ask, so its age decides."""
    target = tmp_path / "report.md"
    old, fresh = tmp_path / ".report.md.k2j4h6g8.part", tmp_path / ".report.md.q1w2e3r4.part"
    old.write_text("half")
    fresh.write_text("half")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    result = run("--project", coded.root, "export", "--format", "md", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert not old.exists() and fresh.exists()


def test_a_backup_after_a_killed_one_removes_its_leftover_folder_and_says_so(coded, tmp_path, run):
    dest = tmp_path / "copy"
    _pid, leftover = killed_writer(dest, "folder")
    with writer(dest, "folder") as (_alive, in_use):
        result = run("--project", coded.root, "backup", dest)
        assert result.exit_code == 0, result.stderr
        assert in_use.is_dir()
    assert not leftover.exists() and (dest / "project.db").is_file()
    assert result.stderr.strip() == f"removed 1 leftover of a killed backup: {leftover.name}"
