"""Interview codes (INT-001, INT-002…), chosen where two importers cannot both pick one.

An import first writes the vault, then the coding database (docs/import.md).
The code an interview gets is settled in the second step, inside the very
transaction that writes the interview, after taking a lock that every other
importer of this coding database takes too: a transaction-scoped advisory lock
on PostgreSQL, the database's write lock on SQLite (where a transaction that
read a snapshot another writer has since changed cannot write at all). So two
imports at once, from any folders or machines sharing the coding database,
never pick the same code, and a rolled-back import leaves no gap. The vault
learns the final code when the import marks its sources done (step 3), or
from the coding database when a crash is recovered.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.db.engine import hold_interview_writes
from testimony.db.models import Interview

PREFIX = "INT-"


def next_codes(existing: Sequence[str], kept: Sequence[str | None]) -> list[str]:
    """A code for each interview: its old one when kept (a replacement), else the next free."""
    taken = [*existing, *(code for code in kept if code)]
    numbers = [int(c.removeprefix(PREFIX)) for c in taken if c.removeprefix(PREFIX).isdigit()]
    following = max(numbers, default=0) + 1
    codes = []
    for code in kept:
        if code:
            codes.append(code)
        else:
            codes.append(f"{PREFIX}{following:03d}")
            following += 1
    return codes


def guess_codes(session: Session, kept: Sequence[str | None]) -> list[str]:
    """The codes an import will most likely get (for the vault's pending sources)."""
    return next_codes(list(session.scalars(select(Interview.code))), kept)


def allocate_codes(session: Session, kept: Sequence[str | None]) -> list[str]:
    """The codes of the interviews this transaction is about to write; other importers wait
    until it ends. Call it inside the transaction that writes them, before writing."""
    hold_interview_writes(session)  # on PostgreSQL; SQLite has one writer anyway
    return next_codes(list(session.scalars(select(Interview.code))), kept)
