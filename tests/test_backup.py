"""`testimony backup DEST`: a consistent, verified copy, also while a coder is working."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from testimony.backup import pg_dump_command
from testimony.coding.workbench import Workbench
from tests.crash.harness import check_project, project_state

# Files on disk: SQLite's online backup, permissions, a full disk; the PostgreSQL
# side (pg_dump guidance, a server that is away) is tested apart.
pytestmark = pytest.mark.sqlite_only


def _code_some(project, count: int = 5) -> None:
    bench = Workbench(project, "ana")
    for excerpt_id in range(1, count + 1):
        bench.apply_theme(excerpt_id, 0, 4, "police-response")


def test_a_backup_opens_as_a_project_and_verifies(shell_project, tmp_path, run):
    _code_some(shell_project, 3)
    dest = tmp_path / "copy"
    result = run("--project", shell_project.root, "backup", dest, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"project.db", "vault.db", "testimony.yaml", "allow-list.txt"} <= set(report["copied"])
    assert os.stat(dest / "vault.db").st_mode & 0o077 == 0
    assert check_project(dest) == []
    assert project_state(dest) == project_state(shell_project.root)
    assert run("--project", dest, "audit", "verify").exit_code == 0
    assert "INT-001" in run("--project", dest, "interviews").stdout
    log = run("--project", shell_project.root, "audit", "export", "--format", "json").stdout
    assert '"backup"' in log


def test_a_backup_refuses_to_overwrite_unless_forced(shell_project, tmp_path, run):
    dest = tmp_path / "copy"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    refused = run("--project", shell_project.root, "backup", dest)
    assert refused.exit_code == 2
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert (dest / "keep.txt").read_text() == "mine"
    forced = run("--project", shell_project.root, "backup", dest, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert (dest / "project.db").is_file() and not (dest / "keep.txt").exists()


def test_a_backup_inside_the_project_is_refused(shell_project, run):
    refused = run("--project", shell_project.root, "backup", shell_project.root / "bak")
    assert refused.exit_code == 2 and "inside the project" in refused.stderr
    assert not (shell_project.root / "bak").exists()


def test_a_coders_project_without_a_vault_is_backed_up_without_one(shell_project, tmp_path, run):
    shell_project.close()  # its last connection folds the WAL into project.db
    coder = tmp_path / "coder"
    coder.mkdir()
    for name in ("project.db", "testimony.yaml", "allow-list.txt"):
        (coder / name).write_bytes((shell_project.root / name).read_bytes())
    result = run("--project", coder, "backup", tmp_path / "copy")
    assert result.exit_code == 0, result.stderr
    assert "not copied: vault.db" in result.stdout
    assert not (tmp_path / "copy" / "vault.db").exists()
    assert run("--project", tmp_path / "copy", "audit", "verify").exit_code == 0


def test_pg_dump_guidance_names_the_database_without_the_password(tmp_path):
    command = pg_dump_command("postgresql+psycopg://ana:s3cret@db.example:5433/study", tmp_path)
    assert "s3cret" not in command
    assert command.startswith("pg_dump ")
    assert "--host=db.example" in command and "--port=5433" in command
    assert "--username=ana" in command and command.endswith(" study")


CODER = """
import sys, time
from testimony.project import Project
from testimony.coding.workbench import Workbench
from pathlib import Path
project = Project.open(Path(sys.argv[1]))
bench = Workbench(project, "kim")
print("ready", flush=True)
n = 0
while True:
    for excerpt_id in range(1, 7):
        coding = bench.apply_theme(excerpt_id, 0, 1 + n % 20, "police-response")
        print(coding.id, flush=True)
        n += 1
"""


def test_a_backup_taken_while_a_coder_works_is_consistent(shell_project, tmp_path, run):
    shell_project.close()
    coder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CODER), str(shell_project.root)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert coder.stdout.readline().strip() == "ready"
        for take in range(3):
            dest = tmp_path / f"copy{take}"
            result = run("--project", shell_project.root, "backup", dest)
            assert result.exit_code == 0, result.stderr
            assert check_project(dest) == []
            assert run("--project", dest, "audit", "verify").exit_code == 0
    finally:
        coder.kill()
        coder.wait()
    live = sqlite3.connect(shell_project.root / "project.db")
    kept = {row for row in live.execute("SELECT id, excerpt_id, start, end FROM codings")}
    live.close()
    copies = []
    for take in range(3):
        copy = sqlite3.connect(tmp_path / f"copy{take}" / "project.db")
        copies.append(
            {row for row in copy.execute("SELECT id, excerpt_id, start, end FROM codings")}
        )
        copy.close()
    assert copies[-1], "the coder had coded nothing by the last backup"
    for rows in copies:
        assert rows <= kept  # every coding in a copy is one the coder really made
        ids = sorted(r[0] for r in rows)
        assert ids == list(range(ids[0], ids[0] + len(ids))) if ids else True  # no gaps
    assert len(copies[0]) <= len(copies[1]) <= len(copies[2])


def _move_out(project, tmp_path, setting: str, file: str) -> Path:
    """Move one of the project's databases to a folder outside it and point the settings there."""
    from testimony.project import set_setting

    project.close()
    outside = tmp_path / "elsewhere" / f"moved-{file}"
    outside.parent.mkdir(exist_ok=True)
    os.replace(project.root / file, outside)
    set_setting(
        project.root, setting, f"sqlite:///{outside}" if setting == "database_url" else str(outside)
    )
    return outside


def _digest(path) -> str:
    connection = sqlite3.connect(path)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def test_a_coding_database_outside_the_folder_is_copied_into_the_backup(
    shell_project, tmp_path, run
):
    _code_some(shell_project, 3)
    shell_project.close()
    before = project_state(shell_project.root)
    outside = _move_out(shell_project, tmp_path, "database_url", "project.db")
    dest = tmp_path / "copy"
    result = run("--project", shell_project.root, "backup", dest, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [r["setting"] for r in report["relocated"]] == ["database_url"]
    assert (dest / "project.db").is_file()
    settings = (dest / "testimony.yaml").read_text()
    assert "database_url: null" in settings and str(outside) not in settings
    # The copy is the project as it was, and changing it leaves the live database alone.
    assert project_state(dest) == before
    live = _digest(outside)
    assert run("--project", dest, "review", "add", "--text", "Lucky").exit_code == 0
    assert _digest(outside) == live
    assert run("--project", dest, "audit", "verify").exit_code == 0
    assert check_project(dest) == []


def test_a_vault_outside_the_folder_is_copied_into_the_backup(shell_project, tmp_path, run):
    outside = _move_out(shell_project, tmp_path, "vault", "vault.db")
    dest = tmp_path / "copy"
    result = run("--project", shell_project.root, "backup", dest)
    assert result.exit_code == 0, result.stderr
    assert "vault" in result.stdout and str(outside) not in result.stdout
    assert os.stat(dest / "vault.db").st_mode & 0o077 == 0
    assert not (tmp_path / "elsewhere" / "vault.db").exists()  # nothing written beside it
    settings = (dest / "testimony.yaml").read_text()
    assert 'vault: "vault.db"' in settings and str(outside) not in settings
    live = _digest(outside)
    assert run("--project", dest, "review", "add", "--text", "Lucky").exit_code == 0
    assert _digest(outside) == live
    assert check_project(dest) == []
