"""What a database or file error from the machine means, in one line for the user.

A full disk, a read-only folder or a database that cannot be opened is not a
bug: the CLI prints one of these lines and exits 2. Each transaction that
failed was rolled back by SQLite, and the order of writes (docs/import.md)
keeps a stopped command recoverable, so the line says the project is whole.
No message repeats the statement, its values or a file's name.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError

RERUN = "nothing was half-written; run the command again once that is fixed"


def explain(exc: BaseException) -> str | None:
    """One line for a storage problem, or None when exc is something else (a bug)."""
    if isinstance(exc, OSError):
        return _explain_os(exc)
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(original, sqlite3.Error):
        return None
    text = str(original).lower()
    if "database or disk is full" in text:
        return f"the disk is full: a database of the project could not grow; {RERUN}"
    if "disk i/o error" in text:
        return (
            "a database of the project could not be written (disk I/O error: the disk may "
            f"be full or failing, or a file-size limit reached); {RERUN}"
        )
    if "readonly database" in text or "read-only" in text:
        return (
            "the project's databases are read-only for you (file or folder permissions, "
            "or a read-only disk); nothing was changed"
        )
    if "unable to open database file" in text:
        return (
            "a database of the project cannot be opened (the folder must exist and be "
            "writable, as SQLite keeps its -wal and -shm files beside it)"
        )
    return None


def _explain_os(exc: OSError) -> str | None:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"the disk is full ({exc.strerror}); {RERUN}"
    if exc.errno == errno.EROFS:
        return f"the disk is read-only ({exc.strerror}); nothing was changed"
    return None
