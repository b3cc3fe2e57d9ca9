"""Memos on an excerpt, an interview, a theme or the project; one per coder and target.

Memos on a single coding live on the coding itself (codings.set_coding_memo).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.coding import oplog
from testimony.coding.errors import CodingError
from testimony.coding.excerpts import excerpt_locations
from testimony.coding.search_match import QueryMatcher
from testimony.coding.search_query import uses_query_syntax
from testimony.db.models import Coder, Coding, Excerpt, Interview, Memo, Theme, as_utc, utcnow

TARGETS = ("project", "interview", "excerpt", "theme")


@dataclass(frozen=True)
class MemoRow:
    id: int
    target_type: str  # project | interview | excerpt | theme | coding
    target: str | None  # interview id, theme id, excerpt or coding number; None: the project
    coder: str
    text: str
    updated_at: datetime
    excerpt_id: int | None = None  # where to open it, for excerpt and coding memos
    place: str = ""  # that excerpt as coders name it: "INT-001 ¶3"
    theme_name: str = ""  # for a coding memo: the coding's theme


def target_pk(session: Session, target_type: str, target: str | int | None) -> int | None:
    """The row id a memo points to, from what users type: INT-003, a theme id, an excerpt."""
    if target_type == "project":
        return None
    if target_type == "excerpt":
        found = session.get(Excerpt, int(str(target))) if str(target).isdigit() else None
        pk = found.id if found else None
    elif target_type == "interview":
        pk = session.scalar(select(Interview.id).where(Interview.code == target))
    elif target_type == "theme":
        pk = session.scalar(select(Theme.id).where(Theme.slug == target))
    else:
        raise CodingError(f"a memo goes on one of {', '.join(TARGETS)}, not {target_type!r}")
    if pk is None:
        raise CodingError(f"no {target_type} {target!r}")
    return pk


def memo_text(session: Session, coder_id: int, target_type: str, target_id: int | None) -> str:
    """The coder's memo on a target, or an empty string."""
    memo = _memo(session, coder_id, target_type, target_id)
    return memo.text if memo else ""


def set_memo(
    session: Session, coder_id: int, target_type: str, target_id: int | None, text: str
) -> None:
    """Write the coder's memo on a target; empty text removes it. Undoable."""
    memo = _memo(session, coder_id, target_type, target_id)
    before = oplog.snapshot(memo) if memo else None
    if memo is None and not text.strip():
        return
    if not text.strip():
        session.delete(memo)
        session.flush()
        after = None
    else:
        if memo is None:
            memo = Memo(target_type=target_type, target_id=target_id, coder_id=coder_id, text="")
            session.add(memo)
        memo.text = text
        memo.updated_at = utcnow()
        session.flush()
        after = oplog.snapshot(memo)
    if before != after:
        oplog.record(
            session,
            coder_id,
            "memo",
            f"memo on the {target_type}",
            [oplog.change("memos", before, after)],
        )


def list_memos(session: Session, contains: str | None = None, limit: int = 500) -> list[MemoRow]:
    """Memos, codings' memos too, newest first; with contains, only those holding that text,
    or, when it is written as a search query (NEAR(a b), "a phrase", OR…), matching it."""
    # A query is matched in Python, as on the excerpts (memos are few); QueryError if malformed.
    matcher = QueryMatcher(contains) if contains and uses_query_syntax(contains) else None
    query = select(Memo, Coder.name).join(Coder, Coder.id == Memo.coder_id)
    on_codings = (
        select(Coding, Coder.name, Theme.name)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Theme, Theme.id == Coding.theme_id)
        .where(Coding.memo.is_not(None))
    )
    sql_limit = limit if matcher is None else None
    if contains and matcher is None:
        query = query.where(Memo.text.icontains(contains, autoescape=True))
        on_codings = on_codings.where(Coding.memo.icontains(contains, autoescape=True))
    memos = [
        MemoRow(
            m.id,
            m.target_type,
            _target_name(session, m),
            coder,
            m.text,
            m.updated_at,
            m.target_id if m.target_type == "excerpt" else None,
        )
        for m, coder in session.execute(
            query.order_by(Memo.updated_at.desc(), Memo.id.desc()).limit(sql_limit)
        )
    ]
    memos += [
        MemoRow(
            c.id, "coding", str(c.id), coder, c.memo or "", c.created_at, c.excerpt_id, "", theme
        )
        for c, coder, theme in session.execute(
            on_codings.order_by(Coding.id.desc()).limit(sql_limit)
        )
    ]
    if matcher is not None:
        memos = [m for m in memos if matcher.matches(m.text)]
    memos = sorted(memos, key=lambda m: as_utc(m.updated_at), reverse=True)[:limit]
    where = excerpt_locations(session, [m.excerpt_id for m in memos if m.excerpt_id is not None])
    return [
        replace(m, place=f"{where[m.excerpt_id]['interview']} ¶{where[m.excerpt_id]['position']}")
        if m.excerpt_id in where
        else m
        for m in memos
    ]


def _target_name(session: Session, memo: Memo) -> str | None:
    if memo.target_type == "interview":
        return session.scalar(select(Interview.code).where(Interview.id == memo.target_id))
    if memo.target_type == "theme":
        return session.scalar(select(Theme.slug).where(Theme.id == memo.target_id))
    if memo.target_type == "excerpt":
        return str(memo.target_id)
    return None


def _memo(session: Session, coder_id: int, target_type: str, target_id: int | None) -> Memo | None:
    query = select(Memo).where(Memo.coder_id == coder_id, Memo.target_type == target_type)
    query = query.where(
        Memo.target_id.is_(None) if target_id is None else Memo.target_id == target_id
    )
    return session.scalar(query.limit(1))
