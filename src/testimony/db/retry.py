"""Retrying a transaction that lost a race with another coder's, on either backend.

A transaction is retried whole (a fresh session each time), so the work must
touch nothing but the database. Retried: SQLite's "database is locked" (the
busy timeout ran out) and PostgreSQL's serialization failures and deadlocks.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

T = TypeVar("T")
ATTEMPTS = 6
_PG_TRANSIENT = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_SQLITE_TRANSIENT = ("database is locked", "database table is locked", "database is busy")


def is_transient(error: BaseException) -> bool:
    """True when the same transaction may well succeed if run again."""
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if getattr(original, "sqlstate", None) in _PG_TRANSIENT:
        return True
    return isinstance(original, sqlite3.OperationalError) and str(original).startswith(
        _SQLITE_TRANSIENT
    )


def retrying(transaction: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """Run transaction (which opens, does and commits its own); again on a transient error."""
    for attempt in range(1, attempts + 1):
        try:
            return transaction()
        except DBAPIError as error:
            if attempt == attempts or not is_transient(error):
                raise
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)
    raise AssertionError("unreachable")
