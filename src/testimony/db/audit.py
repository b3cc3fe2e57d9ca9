"""Append entries to the project's hash-chained audit log (never raw identifiers)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.db.models import AuditEntry


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
    """Add one entry chained to the last; call inside the transaction that did the work."""
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or ""
    at = datetime.now(UTC).replace(microsecond=0)
    session.add(
        AuditEntry(
            at=at,
            actor=actor,
            action=action,
            target=target,
            details=details,
            prev_hash=last,
            hash=entry_hash(last, at, actor, action, target, details),
        )
    )
