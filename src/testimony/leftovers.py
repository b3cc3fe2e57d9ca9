"""What a killed export or backup leaves beside its target, and clearing it on the next run.

An export writes `.NAME.pidPID.XXXXXXXX.part` beside NAME and renames it into place;
a backup builds the folder `.DEST.pidPID.XXXXXXXX.partial` beside DEST. The writer
holds an flock on it while it works, which the kernel drops however the writer dies.
A SIGKILL leaves the file or folder behind, and the next export or backup to the same
target removes it, but only when it is certainly dead: nobody holds its lock, the pid
in its name runs no more, it belongs to this user and is no link. A leftover of an
older version (no pid in its name, never locked) counts as dead once it is a day old.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

PART = ".part"  # an export's file
PARTIAL = ".partial"  # a backup's folder
UNNAMED_STALE_AFTER = 24 * 3600  # seconds; for leftovers named without a pid
_RANDOM = r"[a-z0-9_]{8}"  # tempfile's random part


def temp_file(target: Path) -> tuple[int, Path]:
    """A new file beside target to write and rename onto it, locked until fd is closed."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=_prefix(target), suffix=PART)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd, Path(name)


def temp_folder(target: Path) -> tuple[Path, int]:
    """A new folder beside target to fill and rename onto it, and the fd that holds its
    lock (close it once the folder is renamed or removed)."""
    path = Path(tempfile.mkdtemp(dir=target.parent, prefix=_prefix(target), suffix=PARTIAL))
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return path, fd


def remove_stale(target: Path, suffix: str) -> list[str]:
    """Remove what killed writers to target left beside it (PART files or PARTIAL folders);
    the names removed, sorted."""
    pattern = re.compile(
        re.escape(f".{target.name}.") + rf"(?:pid(\d+)\.)?{_RANDOM}" + re.escape(suffix)
    )
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return []
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if found and _remove_if_dead(entry, found.group(1), folder=suffix == PARTIAL):
            removed.append(entry.name)
    return sorted(removed)


def _prefix(target: Path) -> str:
    return f".{target.name}.pid{os.getpid()}."


def _remove_if_dead(entry: os.DirEntry[str], pid: str | None, folder: bool) -> bool:
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(info.st_mode) if folder else stat.S_ISREG(info.st_mode)
    if not kind_ok or info.st_uid != os.geteuid():
        return False
    if pid is None:
        if time.time() - info.st_mtime < UNNAMED_STALE_AFTER:
            return False
    elif _running(int(pid)):
        return False
    flags = os.O_RDONLY | (os.O_DIRECTORY if folder else 0) | os.O_NOFOLLOW
    try:
        fd = os.open(entry.path, flags)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # its writer still holds it (on another machine, say)
        if folder:
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
        return True
    except OSError:
        return False
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except (OSError, OverflowError):
        return True  # no such pid can be asked about: leave the file alone
    return True
