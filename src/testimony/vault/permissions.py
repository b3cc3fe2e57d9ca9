"""The vault's files are for its owner alone: made 0600, and a warning when they are not."""

from __future__ import annotations

import os
import shlex
import stat
import sys
from pathlib import Path

PRIVATE = 0o600
COMPANIONS = ("-wal", "-shm", "-journal")  # SQLite's files beside the database


def vault_files(path: Path) -> list[Path]:
    """The vault and whichever of its SQLite companion files exist."""
    return [p for p in (path, *(Path(f"{path}{s}") for s in COMPANIONS)) if p.exists()]


def exposed(path: Path) -> list[tuple[Path, int]]:
    """Files of the vault (or a key file) that group or others may read or write: (path, mode)."""
    found = []
    for file in vault_files(path):
        mode = stat.S_IMODE(file.stat().st_mode)
        if mode & 0o077:
            found.append((file, mode))
    return found


def exposure_warning(path: Path, what: str = "the vault") -> str | None:
    """One line saying who else can read the file and the chmod that fixes it; None if private."""
    found = exposed(path)
    if not found:
        return None
    who = "others" if any(mode & 0o007 for _file, mode in found) else "its group"
    modes = ", ".join(f"{file.name} mode {mode:04o}" for file, mode in found)
    files = " ".join(shlex.quote(str(file)) for file, _mode in found)
    return (
        f"testimony: warning: {what} can be read or written by {who} ({modes}); "
        f"run: chmod 600 {files}"
    )


def warn_if_exposed(path: Path, what: str = "the vault") -> None:
    """Print the warning on stderr (one line), and go on."""
    message = exposure_warning(path, what)
    if message:
        print(message, file=sys.stderr)


def create_private(path: Path) -> None:
    """Make an empty file that is never readable by others, whatever the umask."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE))
    os.chmod(path, PRIVATE)
