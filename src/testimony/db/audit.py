"""Append entries to the project's hash-chained audit log (never raw identifiers)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from testimony.db.models import AuditEntry, ProjectMeta, as_utc

HEAD = "audit_head"  # project_meta: "<entries> <hash of the last>", so a cut-off tail shows


def entry_hash(
    prev_hash: str, at: datetime, actor: str, action: str, target: str, details: Any
) -> str:
    """SHA-256 over the previous hash and this entry's canonical JSON."""
    body = json.dumps(
        [prev_hash, at.isoformat(), actor, action, target, details],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(session: Session, actor: str, action: str, target: str = "", **details: Any) -> None:
    """Add one entry chained to the last; call inside the transaction that did the work.

    The head row is written first: that waits for any other transaction appending
    (a row lock on PostgreSQL, the write lock on SQLite), so two appends never
    chain to the same entry.
    """
    session.execute(
        update(ProjectMeta).where(ProjectMeta.key == HEAD).values(value=ProjectMeta.value)
    )
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or ""
    head = session.get(ProjectMeta, HEAD, populate_existing=True)
    count = int(head.value.split()[0]) + 1 if head else _count(session) + 1
    at = datetime.now(UTC).replace(microsecond=0)
    digest = entry_hash(last, at, actor, action, target, details)
    session.add(
        AuditEntry(
            at=at,
            actor=actor,
            action=action,
            target=target,
            details=details,
            prev_hash=last,
            hash=digest,
        )
    )
    session.merge(ProjectMeta(key=HEAD, value=f"{count} {digest}"))


def _count(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count(AuditEntry.id))) or 0


@dataclass(frozen=True)
class ChainProblem:
    """The first entry where the chain breaks (its id, or None for a missing tail)."""

    entry_id: int | None
    reason: str


def verify(session: Session) -> tuple[int, ChainProblem | None]:
    """Walk the chain: (entries checked, the first problem or None)."""
    previous = ""
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        count += 1
        if entry.prev_hash != previous:
            return count, ChainProblem(
                entry.id,
                "does not follow the entry before it (an entry was deleted, inserted or moved)",
            )
        at = as_utc(entry.at)
        expected = entry_hash(previous, at, entry.actor, entry.action, entry.target, entry.details)
        if entry.hash != expected:
            return count, ChainProblem(entry.id, "was changed after it was written")
        previous = entry.hash
    head = session.get(ProjectMeta, HEAD, populate_existing=True)
    if head is not None:
        expected_count, expected_hash = head.value.split()
        if int(expected_count) != count or expected_hash != previous:
            return count, ChainProblem(
                None,
                f"should hold {expected_count} entries "
                "ending in the recorded head; entries are missing or added",
            )
    return count, None


def export_rows(session: Session) -> list[dict]:
    """Every entry as plain data for an anonymisation log: what, its category, who, when."""
    return [
        {
            "id": e.id,
            "at": as_utc(e.at).isoformat(),
            "actor": e.actor,
            "category": e.action.split("-", 1)[0],
            "action": e.action,
            "target": e.target,
            "details": e.details,
            "hash": e.hash,
        }
        for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    ]


def rows_as_csv(rows: list[dict]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    names = ["id", "at", "actor", "category", "action", "target", "details", "hash"]
    writer = csv.DictWriter(buffer, fieldnames=names)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "details": json.dumps(row["details"], ensure_ascii=False)})
    return buffer.getvalue()
