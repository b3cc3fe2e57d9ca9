"""Reviewers' decisions, journalled in the vault in the decision's own transaction.

A decision changes the vault, then re-renders project.db, then writes its
audit entry there: three transactions in two files. The decision's entry in
the vault's decision log is written with the decision itself, marked
`audit: pending`, and marked `written` once project.db's audit log holds the
entry (which names the journal entry as `decision`). After a crash in between,
`recover_audit` writes each missing entry, so no decision that took effect is
left out of the audit log, and none is logged twice.
"""

from __future__ import annotations

from sqlalchemy import select

from testimony.db import audit
from testimony.db.models import AuditEntry
from testimony.project import Project
from testimony.vault.models import DecisionLog, Entity

PENDING, WRITTEN = "pending", "written"
_PRIVATE = {"entities", "ids", "audit"}  # the raw words stay in the vault


def journal(vs, ids: list[int], action: str, actor: str, **details: object) -> int:  # noqa: ANN001
    """Add the decision to the vault's log, in the caller's transaction; its id."""
    words = {
        e.id: {"label": e.label, "tag": e.pseudonym, "text": e.canonical}
        for e in vs.scalars(select(Entity).where(Entity.id.in_(ids)))
    }
    entry = DecisionLog(
        actor=actor,
        action=action,
        details={
            "entities": {str(k): v for k, v in words.items()},
            "ids": list(ids),
            **details,
            "audit": PENDING,
        },
    )
    vs.add(entry)
    vs.flush()
    return entry.id


def public_details(details: dict) -> dict:
    """What project.db's audit entry may say of a decision: ids and tags, no words."""
    return {k: v for k, v in details.items() if k not in _PRIVATE}


def audit_decision(project: Project, decision_id: int, **extra: object) -> None:
    """Write the decision's audit entry in project.db, then mark it written in the vault."""
    with project.vault_session() as vs:
        entry = vs.get_one(DecisionLog, decision_id)
        action, actor, details = entry.action, entry.actor, dict(entry.details)
    with project.session() as s, s.begin():
        audit.append(
            s,
            actor,
            action,
            ",".join(str(i) for i in details.get("ids", [])),
            **extra,
            **public_details(details),
            decision=decision_id,
        )
    _mark_written(project, decision_id)


def recover_audit(project: Project) -> int:
    """Write the audit entry of every decision a crash left without one; how many."""
    with project.vault_session() as vs:
        pending = [
            row.id
            for row in vs.scalars(select(DecisionLog).order_by(DecisionLog.id))
            if (row.details or {}).get("audit") == PENDING
        ]
    if not pending:
        return 0
    with project.session() as s:
        logged = {
            (details or {}).get("decision")
            for details in s.scalars(
                select(AuditEntry.details).where(AuditEntry.action.like("review-%"))
            )
        }
    written = 0
    for decision_id in pending:
        if decision_id in logged:  # the entry was written; only the mark was lost
            _mark_written(project, decision_id)
        else:
            audit_decision(project, decision_id, recovered=True)
            written += 1
    return written


def _mark_written(project: Project, decision_id: int) -> None:
    with project.vault_session() as vs, vs.begin():
        entry = vs.get_one(DecisionLog, decision_id)
        entry.details = {**entry.details, "audit": WRITTEN}
