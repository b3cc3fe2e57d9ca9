"""The operation log: each coder's actions with the rows they changed, for undo and redo.

An operation stores, for every row it touched, the row before and after as
plain JSON. Undo writes the "before" rows back, redo the "after" rows; both
survive a restart because the log is a table of project.db. Each coder has
their own log: undo never takes back another coder's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from testimony.coding.errors import CodingError
from testimony.coding.history import describe
from testimony.db.models import Coding, Memo, Operation, Theme

TABLES: dict[str, Table] = {
    "codings": Coding.__table__,  # type: ignore[dict-item]  # mapped classes' tables
    "memos": Memo.__table__,  # type: ignore[dict-item]
    "themes": Theme.__table__,  # type: ignore[dict-item]
}
_DATETIMES = {"created_at", "updated_at"}


@dataclass(frozen=True)
class OperationDone:
    """What an undo or redo did, to tell the coder."""

    id: int
    action: str
    summary: str
    excerpt_ids: list[int]
    description: str = ""  # what it did in the coder's words: themes by name, excerpts by place


def snapshot(row: Coding | Memo | Theme) -> dict[str, Any]:
    """A row's columns as JSON-ready values."""
    values = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        values[column.key] = value.isoformat() if isinstance(value, datetime) else value
    return values


def change(table: str, before: dict | None, after: dict | None) -> dict:
    """One row's change: table, id, and the row before and after (None: absent)."""
    row_id = (after or before or {})["id"]
    return {"table": table, "id": row_id, "before": before, "after": after}


def record(session: Session, coder_id: int, action: str, summary: str, changes: list[dict]) -> int:
    """Log an operation already done; the coder's undone operations can no longer be redone."""
    session.execute(
        update(Operation)
        .where(Operation.coder_id == coder_id, Operation.state == "undone")
        .values(state="dropped")
    )
    operation = Operation(
        coder_id=coder_id, action=action, summary=summary, changes=changes, state="done"
    )
    session.add(operation)
    session.flush()
    return operation.id


def codebook_rows(session: Session, theme_ids: set[int]) -> dict[tuple[str, int], dict]:
    """What a codebook edit may change: every theme, and the codings and theme memos of
    the themes it names (a merge or delete moves or drops those)."""
    rows: dict[tuple[str, int], dict] = {}
    for theme in session.scalars(select(Theme)):
        rows["themes", theme.id] = snapshot(theme)
    if theme_ids:
        for coding in session.scalars(select(Coding).where(Coding.theme_id.in_(theme_ids))):
            rows["codings", coding.id] = snapshot(coding)
        for memo in session.scalars(
            select(Memo).where(Memo.target_type == "theme", Memo.target_id.in_(theme_ids))
        ):
            rows["memos", memo.id] = snapshot(memo)
    return rows


def codebook_changes(
    before: dict[tuple[str, int], dict], after: dict[tuple[str, int], dict]
) -> list[dict]:
    """The rows a codebook edit changed, in an order that keeps every foreign key valid both
    forward (redo) and backward (undo): new themes first, then codings and memos, then
    changed themes, then deleted themes."""
    groups: list[list[dict]] = [[], [], [], []]
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        table, row_id = key
        if table != "themes":
            groups[1].append(change(table, old, new))
        elif old is None:
            groups[0].append(change(table, old, new))
        elif new is None:
            groups[3].append(change(table, old, new))
        else:
            groups[2].append(change(table, old, new))
    return [item for group in groups for item in group]


def forget(session: Session, coder_id: int) -> None:
    """Close the coder's log: what was done stays done but can no longer be undone."""
    session.execute(
        update(Operation)
        .where(Operation.coder_id == coder_id, Operation.state.in_(["done", "undone"]))
        .values(state="dropped")
    )


def undo(session: Session, coder_id: int) -> OperationDone | None:
    """Take back the coder's latest operation; None when there is nothing to undo."""
    operation = session.scalar(
        select(Operation)
        .where(Operation.coder_id == coder_id, Operation.state == "done")
        .order_by(Operation.id.desc())
        .limit(1)
    )
    if operation is None:
        return None
    for item in reversed(operation.changes):
        _put(session, item["table"], item["id"], item["before"])
    operation.state = "undone"
    return _done(session, operation)


def redo(session: Session, coder_id: int) -> OperationDone | None:
    """Do again the coder's earliest undone operation; None when there is nothing to redo."""
    operation = session.scalar(
        select(Operation)
        .where(Operation.coder_id == coder_id, Operation.state == "undone")
        .order_by(Operation.id)
        .limit(1)
    )
    if operation is None:
        return None
    for item in operation.changes:
        _put(session, item["table"], item["id"], item["after"])
    operation.state = "done"
    return _done(session, operation)


def _done(session: Session, operation: Operation) -> OperationDone:
    try:
        session.flush()
    except IntegrityError:
        raise CodingError(
            f"cannot {operation.action!s} again: the excerpt or theme it touched is gone"
        ) from None
    excerpts = sorted(
        {
            row["excerpt_id"]
            for item in operation.changes
            for row in (item["before"], item["after"])
            if row and "excerpt_id" in row
        }
    )
    if operation.action.startswith("theme-"):
        excerpts = []  # a codebook edit: the coder stays where they are
    description = describe(session, operation.action, operation.summary, operation.changes)
    return OperationDone(operation.id, operation.action, operation.summary, excerpts, description)


def _put(session: Session, table_name: str, row_id: int, values: dict | None) -> None:
    """Make the row with row_id hold values, or not exist when values is None."""
    table = TABLES[table_name]
    if values is None:
        session.execute(delete(table).where(table.c.id == row_id))
        return
    values = {
        key: datetime.fromisoformat(value) if key in _DATETIMES and value else value
        for key, value in values.items()
    }
    exists = session.execute(select(table.c.id).where(table.c.id == row_id)).first()
    try:
        if exists:
            session.execute(update(table).where(table.c.id == row_id).values(values))
        else:
            session.execute(insert(table).values(values))
    except IntegrityError:
        raise CodingError("cannot undo or redo: the excerpt or theme it touched is gone") from None
