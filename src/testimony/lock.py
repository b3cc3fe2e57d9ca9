"""One writer of the vault at a time: a lock file in the project folder.

Import, `redact` and reviewers' decisions write the vault and project.db in
steps that another such command must not interleave with (both would number
the same new interview INT-004, or the same new entity [PERSON-12]). Each
takes `.testimony.lock`: an exclusive `flock` on it, which the kernel releases
when the holder exits however it dies, so a lock left by a killed process is
never in force (a stale lock file is simply taken over). The file names the
holder's pid, what it does and since when, for the message the second process
prints. Coding needs no lock: each action is one transaction of its own.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from testimony.errors import TestimonyError

LOCK_FILE = ".testimony.lock"

_held: dict[Path, int] = {}  # lock files this process holds, and how deeply (re-entrant)
_guard = threading.Lock()


class ProjectBusy(TestimonyError):
    """Another testimony process is writing the vault of this project."""


@contextlib.contextmanager
def vault_writer(root: Path, doing: str) -> Iterator[None]:
    """Hold the project's writer lock while the block runs, or raise ProjectBusy."""
    path = (root / LOCK_FILE).resolve()
    with _guard:
        if path in _held:
            _held[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[path] -= 1
        return
    fd = _open(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ProjectBusy(_busy_message(path)) from None
        os.ftruncate(fd, 0)
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "doing": doing,
            "since": datetime.now(UTC).replace(microsecond=0).isoformat(),
        }
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        with _guard:
            _held[path] = 1
        try:
            yield
        finally:
            with _guard:
                del _held[path]
            os.ftruncate(fd, 0)  # an empty lock file: no one holds it
    finally:
        os.close(fd)  # closing releases the flock


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise TestimonyError(
                f"{path.parent} is read-only for you ({exc.strerror}); nothing was changed"
            ) from None
        raise


def _busy_message(path: Path) -> str:
    try:
        holder = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        holder = {}
    who = f" (pid {holder['pid']}, since {holder.get('since', '?')})" if "pid" in holder else ""
    doing = holder.get("doing", "writing to")
    return f"another testimony process{who} is {doing} this project; try again when it has finished"
