"""Opening a transcript file safely: what kind of file it is, and how big, before reading it.

A path on the command line can be a folder, a named pipe or a device (reading
`/dev/zero` never ends), a 2 GB sparse file, or a symbolic link that a folder
of transcripts from elsewhere carries to `~/.ssh/id_rsa`. Each is refused from
its metadata alone; a regular file is then read through one descriptor, never
beyond the size limit, so a file swapped for a pipe or grown between the checks
is refused too.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from testimony.errors import ImportRefused
from testimony.ingest.limits import Limits
from testimony.ingest.readers import READERS, SUPPORTED

PROJECT_FILES = ("project.db", "vault.db", "testimony.yaml")


def import_limits(settings) -> Limits:  # noqa: ANN001 - testimony.settings.Settings
    """The import's limits from testimony.yaml (import.max_line_kb, import.max_lines)."""
    return Limits(
        max_line_chars=int(settings.max_line_kb * 1024),
        max_lines=int(settings.max_lines),
    )


def read_checked(path: Path, max_mb: float, project_root: Path | None = None) -> bytes:
    """The bytes of a transcript file, or ImportRefused saying why it cannot be one."""
    if not path.exists() and not path.is_symlink():
        raise ImportRefused(path, "no such file")
    if path.is_symlink():
        _check_link(path, project_root)
    if path.is_dir():
        raise ImportRefused(path, "is a folder, not a file (name the files inside it)")
    if not path.is_file():
        kind = _kind(path)
        raise ImportRefused(path, f"is {kind}, not a regular file")
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise ImportRefused(
            path, f"unknown file type '{suffix or '(none)'}' (supported: {SUPPORTED})"
        )
    limit = int(max_mb * 1024 * 1024)
    _check_size(path, path.stat().st_size, max_mb, limit)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ImportRefused(path, f"cannot read ({exc.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ImportRefused(path, "is not a regular file (it changed while being opened)")
        _check_size(path, info.st_size, max_mb, limit)
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise ImportRefused(path, f"cannot read ({exc.strerror})") from None
    _check_size(path, len(data), max_mb, limit)
    return data


def _check_size(path: Path, size: int, max_mb: float, limit: int) -> None:
    if size == 0:
        raise ImportRefused(path, "the file is empty")
    if size > limit:
        raise ImportRefused(
            path, f"larger than the {max_mb:g} MB limit (import.max_file_mb in testimony.yaml)"
        )


def _check_link(path: Path, project_root: Path | None) -> None:
    """A link is followed only to a file in its own folder (or below), never to the project's
    own databases: a folder of transcripts from elsewhere may carry a link to any file."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        if isinstance(exc, OSError) and exc.errno not in (errno.ENOENT, errno.ELOOP):
            raise ImportRefused(path, f"cannot follow the link ({exc.strerror})") from None
        raise ImportRefused(path, "is a symbolic link to nothing (or a loop of links)") from None
    if project_root is not None:
        root = project_root.resolve()
        if target.parent == root and target.name in PROJECT_FILES or target == root:
            raise ImportRefused(path, "is a symbolic link to the project's own files; refused")
    if not target.is_relative_to(path.parent.resolve()):
        raise ImportRefused(
            path,
            "is a symbolic link to a file outside its folder; name that file itself "
            "if it is a transcript",
        )


def _kind(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return "not readable"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
