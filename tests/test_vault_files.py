"""The vault's files are its owner's alone: made 0600 whatever the umask, and a warning when not."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import select

from testimony.vault.models import Source

from .conftest import SHELL_STORY


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The most permissive umask a careless shell could have."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_the_vault_and_its_log_files_are_0600_whatever_the_umask(open_umask, tmp_path, run):
    assert run("init", tmp_path / "p").exit_code == 0
    story = tmp_path / "story.txt"
    story.write_text(SHELL_STORY)
    assert run("--project", tmp_path / "p", "import", story).exit_code == 0
    from testimony.project import Project

    project = Project.open(tmp_path / "p")
    try:
        with project.vault_session() as vs:  # the write-ahead log and shared memory exist now
            assert vs.scalar(select(Source.id))
            files = sorted((tmp_path / "p").glob("vault.db*"))
            assert [f.name for f in files] == ["vault.db", "vault.db-shm", "vault.db-wal"]
            assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        project.close()


def test_an_exported_key_file_is_0600_even_over_an_open_file(open_umask, shell_project, run):
    key = shell_project.root.parent / "editor.key"
    key.write_text("old")
    key.chmod(0o644)
    assert run("--project", shell_project.root, "key", "export", key).exit_code == 0
    assert mode(key) == 0o600


def test_a_vault_readable_by_others_is_used_with_a_one_line_warning(shell_project, run):
    vault = shell_project.root / "vault.db"
    shell_project.close()
    vault.chmod(0o644)
    result = run("--project", shell_project.root, "review", "list")
    assert result.exit_code == 0
    assert "PERSON" in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "warning" in lines[0] and "vault.db mode 0644" in lines[0] and "by others" in lines[0]
    assert lines[0].endswith(f"chmod 600 {vault}")
    assert mode(vault) == 0o644  # a warning, not a change behind the user's back


def test_a_group_readable_vault_names_the_group_and_every_file_to_fix(shell_project, run):
    vault = shell_project.root / "vault.db"
    shell_project.close()
    wal = shell_project.root / "vault.db-wal"
    wal.write_bytes(b"")
    vault.chmod(0o640)
    wal.chmod(0o660)
    result = run("--project", shell_project.root, "vault", "status")
    assert result.exit_code == 0
    (line,) = result.stderr.splitlines()
    assert "by its group (vault.db mode 0640, vault.db-wal mode 0660)" in line
    assert line.endswith(f"chmod 600 {vault} {wal}")


def test_a_private_vault_gives_no_warning(shell_project, run):
    shell_project.close()
    result = run("--project", shell_project.root, "review", "list")
    assert result.exit_code == 0 and result.stderr == ""


def test_a_key_file_readable_by_others_is_warned_about(shell_project, run, tmp_path):
    key = tmp_path / "editor.key"
    assert run("--project", shell_project.root, "key", "export", key).exit_code == 0
    key.chmod(0o604)
    clean = tmp_path / "clean.txt"
    clean.write_text("Nothing to see here.\n")
    result = run("--project", shell_project.root, "leak-check", clean, "--key", key)
    assert result.exit_code == 0
    assert "the key file" in result.stderr and f"chmod 600 {key}" in result.stderr
