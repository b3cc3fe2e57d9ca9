"""`testimony backup DEST`: a consistent copy of a project while coders keep working.

SQLite databases are copied with SQLite's online backup API, which copies a
snapshot of one moment however many writers are busy; a plain file copy of a
database in WAL mode can miss committed pages still in the -wal file. The copy
is made in a hidden folder beside DEST and renamed into place only once both
databases pass `PRAGMA integrity_check` and the audit chain verifies, so a
failed or killed backup never leaves a half-made DEST. A coder's project has
no vault: the backup says so and copies the rest. For a coding database on
PostgreSQL it prints the `pg_dump` command to run (never the password).

A backup is one self-contained folder: a SQLite coding database or a vault that
testimony.yaml names outside the project folder (or under another name) is
copied in as project.db or vault.db, and the copy's testimony.yaml points at
those copies, never back at the live files.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from testimony import leftovers
from testimony.db import audit
from testimony.errors import TestimonyError
from testimony.project import PROJECT_DB, Project, set_setting
from testimony.settings import SETTINGS_FILE

DEFAULT_VAULT = "vault.db"


class BackupError(TestimonyError):
    """The backup cannot be made where or how it was asked for."""


@dataclass
class BackupReport:
    dest: Path
    copied: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    pg_dump: str | None = None  # the command to run when project.db is on PostgreSQL
    leftovers_removed: list[str] = field(default_factory=list)  # of backups killed earlier
    # Databases the settings name elsewhere, copied in: (setting, where it was, copy's name).
    relocated: list[tuple[str, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "dest": str(self.dest),
            "copied": self.copied,
            "skipped": [{"file": f, "reason": r} for f, r in self.skipped],
            "pg_dump": self.pg_dump,
            "leftovers_removed": self.leftovers_removed,
            "relocated": [{"setting": k, "from": frm, "to": to} for k, frm, to in self.relocated],
        }


def backup_project(
    project: Project, dest: Path, overwrite: bool = False, actor: str | None = None
) -> BackupReport:
    """Copy project.db, vault.db (when present and readable), testimony.yaml and the list
    files into dest; verify the copy; write an audit entry in the project."""
    dest = dest.expanduser().absolute()
    _check_destination(project, dest, overwrite)
    report = BackupReport(dest, leftovers_removed=leftovers.remove_stale(dest, leftovers.PARTIAL))
    staging, held = leftovers.temp_folder(dest)
    try:
        if project.db_url.startswith("sqlite"):
            database = _sqlite_file(project.db_url)
            _copy_database(database, staging / PROJECT_DB, 0o644)
            report.copied.append(PROJECT_DB)
            if database != (project.root / PROJECT_DB).resolve():
                report.relocated.append(("database_url", str(database), PROJECT_DB))
        else:
            report.pg_dump = pg_dump_command(project.db_url, dest / "project.dump")
            report.skipped.append(("project.db", "on PostgreSQL: run the pg_dump command below"))
        _copy_vault(project, staging, report)
        _copy_files(project, staging, report)
        _point_settings_at_copies(staging, report)
        _verify(staging, report)
        if dest.exists():  # overwrite was asked for: the old copy goes only now
            shutil.rmtree(dest) if dest.is_dir() else dest.unlink()
        os.replace(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.close(held)  # its lock: the folder is renamed or removed by now
    os.chmod(dest, 0o700)  # it may hold the vault
    with project.session() as s, s.begin():
        audit.append(
            s,
            project.actor(actor),
            "backup",
            dest.name,
            copied=report.copied,
            skipped=[f for f, _why in report.skipped],
        )
    return report


def pg_dump_command(url: str, output: Path) -> str:
    """The pg_dump command for a database URL, without its password."""
    parsed = make_url(url)
    parts = ["pg_dump", "--format=custom", f"--file={output}"]
    if parsed.host:
        parts.append(f"--host={parsed.host}")
    if parsed.port:
        parts.append(f"--port={parsed.port}")
    if parsed.username:
        parts.append(f"--username={parsed.username}")
    parts.append(parsed.database or "")
    return " ".join(parts)


def _sqlite_file(url: str) -> Path:
    """The coding database's file, wherever the URL puts it."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError(f"{url}: an in-memory database has nothing to back up")
    return Path(database).expanduser().resolve()


def _check_destination(project: Project, dest: Path, overwrite: bool) -> None:
    root = project.root.resolve()
    resolved = dest.resolve()
    if resolved == root or root in resolved.parents:
        raise BackupError(f"{dest}: a backup cannot go inside the project it copies")
    if resolved in root.parents:
        raise BackupError(f"{dest}: a backup cannot replace a folder that holds the project")
    if project.db_url.startswith("sqlite") and not os.access(root, os.W_OK):
        raise BackupError(
            f"{root} is read-only for you: no one can change it, so a plain copy of the "
            "folder is a consistent backup (this command must write its audit entry there)"
        )
    if dest.exists() and not overwrite:
        raise BackupError(f"{dest} already exists; choose another DEST or pass --force")
    if not dest.parent.is_dir():
        raise BackupError(f"{dest.parent}: no such folder")
    if not os.access(dest.parent, os.W_OK):
        raise BackupError(f"{dest.parent}: not writable")


def _copy_database(source: Path, target: Path, mode: int) -> None:
    """SQLite's online backup: a snapshot of one moment, while others write."""
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode))
    src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{source.name}: cannot be copied ({exc})") from None
    finally:
        src.close()


def _copy_vault(project: Project, staging: Path, report: BackupReport) -> None:
    vault = project.vault_path
    name = project.settings.vault
    if not vault.is_file():
        report.skipped.append((name, "no vault here (a coder's copy of the project)"))
    elif not os.access(vault, os.R_OK):
        report.skipped.append((name, "not readable by you (reviewers hold it)"))
    else:
        root = project.root.resolve()
        inside = root in vault.resolve().parents
        # A vault outside the folder is copied in under the default name; inside, where it is.
        copy_name = str(vault.resolve().relative_to(root)) if inside else DEFAULT_VAULT
        target = staging / copy_name
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_database(vault, target, 0o600)
        report.copied.append(copy_name)
        if not inside:
            report.relocated.append(("vault", str(vault.resolve()), copy_name))


def _point_settings_at_copies(staging: Path, report: BackupReport) -> None:
    """The copy's testimony.yaml names the copied databases, never the live ones."""
    if not (staging / SETTINGS_FILE).is_file():
        return
    for setting, _was, copy_name in report.relocated:
        # database_url: null is project.db beside testimony.yaml.
        set_setting(staging, setting, None if setting == "database_url" else copy_name)


def _copy_files(project: Project, staging: Path, report: BackupReport) -> None:
    """testimony.yaml and the project's list files, where they live inside the project."""
    root = project.root.resolve()
    names = [SETTINGS_FILE, *project.settings.allow_files, *project.settings.deny_files]
    for name in dict.fromkeys(names):
        path = (root / name).resolve()
        if root not in path.parents:
            report.skipped.append((name, "outside the project folder; copy it yourself"))
            continue
        if not path.is_file():
            continue
        target = staging / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        report.copied.append(str(path.relative_to(root)))


def _verify(staging: Path, report: BackupReport) -> None:
    """The copy's databases are whole and its audit chain intact, or there is no backup."""
    for name in report.copied:
        if not name.endswith(".db"):
            continue
        connection = sqlite3.connect(staging / name)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            connection.close()
        if result != "ok":
            raise BackupError(f"the copy of {name} fails its integrity check; nothing was kept")
    if PROJECT_DB in report.copied:
        copy = Project.open(staging, database_url=f"sqlite:///{staging / PROJECT_DB}")
        try:
            with copy.session() as s:
                _count, broken = audit.verify(s)
        finally:
            copy.close()
        if broken is not None:
            raise BackupError(
                f"the copy's audit chain breaks at entry {broken.entry_id}: {broken.reason}"
            )
