"""Coding actions: apply a theme to a span, remove or change a coding, important, memo.

Each action changes rows and logs them in the coder's operation log in the
same transaction, so it is committed and undoable at once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from testimony.coding import oplog
from testimony.coding.colors import inherited_colors
from testimony.coding.errors import CodingError
from testimony.db.models import Coder, Coding, Excerpt, Theme


@dataclass(frozen=True)
class CodingSpan:
    """A coding as coders see it: where, which theme, by whom."""

    id: int
    excerpt_id: int
    start: int
    end: int
    theme: str  # the codebook's theme id
    theme_name: str
    color: str | None
    coder: str
    important: bool
    memo: str | None


def theme_pk(session: Session, theme: str) -> int:
    """The row id of the theme whose codebook id is theme.

    On PostgreSQL the row is share-locked until the coding commits, so a
    merge or delete of the theme meanwhile waits, or is waited for and then
    reported here, instead of failing on a foreign key at commit.
    """
    found = session.scalar(
        select(Theme.id).where(Theme.slug == theme).with_for_update(read=True, key_share=True)
    )
    if found is None:
        raise CodingError(f"no theme {theme!r} in the codebook (see `testimony codebook show`)")
    return found


def apply_theme(
    session: Session, coder_id: int, excerpt_id: int, start: int, end: int, theme: str
) -> CodingSpan:
    """Code text[start:end] of an excerpt with a theme; the same coding twice is one coding."""
    theme_id = _theme_for_span(session, theme, excerpt_id, start, end)
    existing = session.scalar(
        select(Coding).where(
            Coding.excerpt_id == excerpt_id,
            Coding.start == start,
            Coding.end == end,
            Coding.theme_id == theme_id,
            Coding.coder_id == coder_id,
        )
    )
    if existing is not None:
        return coding_span(session, existing.id)
    coding = Coding(
        excerpt_id=excerpt_id, start=start, end=end, theme_id=theme_id, coder_id=coder_id
    )
    session.add(coding)
    session.flush()
    oplog.record(
        session,
        coder_id,
        "apply",
        f"apply {theme}",
        [oplog.change("codings", None, oplog.snapshot(coding))],
    )
    return coding_span(session, coding.id)


def remove_coding(session: Session, coder_id: int, coding_id: int) -> CodingSpan:
    """Remove a coding (any coder's: teams settle disagreements this way); undoable."""
    coding = _coding(session, coding_id)
    gone = coding_span(session, coding_id)
    before = oplog.snapshot(coding)
    session.delete(coding)
    session.flush()
    oplog.record(
        session, coder_id, "remove", f"remove {gone.theme}", [oplog.change("codings", before, None)]
    )
    return gone


def change_theme(session: Session, coder_id: int, coding_id: int, theme: str) -> CodingSpan:
    """Give a coding another theme, keeping its span, memo and mark."""
    return _update(
        session,
        coder_id,
        coding_id,
        "change",
        f"change to {theme}",
        theme_id=theme_pk(session, theme),
    )


def set_important(session: Session, coder_id: int, coding_id: int, important: bool) -> CodingSpan:
    """Mark a coding important (or not): a quote to keep for the report."""
    word = "important" if important else "not important"
    return _update(session, coder_id, coding_id, "important", f"mark {word}", important=important)


def set_coding_memo(session: Session, coder_id: int, coding_id: int, text: str) -> CodingSpan:
    """Write (or clear, with empty text) the memo on a coding."""
    return _update(session, coder_id, coding_id, "memo", "memo on a coding", memo=text or None)


def codings_of_excerpt(
    session: Session, excerpt_id: int, coders: list[str] | None = None
) -> list[CodingSpan]:
    """An excerpt's codings in text order, all coders' or only the named coders'."""
    query = _span_query().where(Coding.excerpt_id == excerpt_id)
    if coders is not None:
        query = query.where(Coder.name.in_(coders))
    rows = session.execute(query.order_by(Coding.start, Coding.id)).all()
    colors = inherited_colors(session) if rows else {}
    return [_span(row, colors) for row in rows]


def coding_span(session: Session, coding_id: int) -> CodingSpan:
    """One coding, its colour inherited through up to three ancestors in the same query
    (the whole codebook is read only for a deeper tree): one round trip per action."""
    row = session.execute(_span_with_color(), {"coding_id": coding_id}).first()
    if row is None:
        raise CodingError(f"no coding {coding_id}")
    *fields, color = row
    span = CodingSpan(*fields)
    if color is not None:
        return replace(span, color=color)
    return _span(fields, inherited_colors(session))


@functools.cache
def _span_with_color():  # noqa: ANN202
    """Built once: a statement made afresh per call (with new aliases) costs more to
    compile than the round trip it saves."""
    parent, grand, great = aliased(Theme), aliased(Theme), aliased(Theme)
    return (
        _span_query()
        .add_columns(func.coalesce(Theme.color, parent.color, grand.color, great.color))
        .outerjoin(parent, parent.id == Theme.parent_id)
        .outerjoin(grand, grand.id == parent.parent_id)
        .outerjoin(great, great.id == grand.parent_id)
        .where(Coding.id == bindparam("coding_id"))
    )


def _span(row, colors: dict[str, str | None]) -> CodingSpan:  # noqa: ANN001 - a result row
    span = CodingSpan(*row)
    return replace(span, color=colors.get(span.theme, span.color))


def _span_query():  # noqa: ANN202
    return (
        select(
            Coding.id,
            Coding.excerpt_id,
            Coding.start,
            Coding.end,
            Theme.slug,
            Theme.name,
            Theme.color,
            Coder.name,
            Coding.important,
            Coding.memo,
        )
        .join(Theme, Theme.id == Coding.theme_id)
        .join(Coder, Coder.id == Coding.coder_id)
    )


def _update(
    session: Session, coder_id: int, coding_id: int, action: str, summary: str, **values: object
) -> CodingSpan:
    coding = _coding(session, coding_id)
    before = oplog.snapshot(coding)
    for key, value in values.items():
        setattr(coding, key, value)
    session.flush()
    after = oplog.snapshot(coding)
    if after != before:
        oplog.record(session, coder_id, action, summary, [oplog.change("codings", before, after)])
    return coding_span(session, coding_id)


def _coding(session: Session, coding_id: int) -> Coding:
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise CodingError(f"no coding {coding_id}")
    return coding


def _theme_for_span(session: Session, theme: str, excerpt_id: int, start: int, end: int) -> int:
    """theme_pk and the span's check in one query (one round trip fewer per coding)."""
    text = select(Excerpt.text).where(Excerpt.id == excerpt_id).scalar_subquery()
    row = session.execute(
        select(Theme.id, text)
        .where(Theme.slug == theme)
        .with_for_update(read=True, key_share=True, of=Theme)
    ).first()
    if row is None:
        raise CodingError(f"no theme {theme!r} in the codebook (see `testimony codebook show`)")
    _check_span_in(row[1], excerpt_id, start, end)
    return row[0]


def _check_span_in(text: str | None, excerpt_id: int, start: int, end: int) -> None:
    if text is None:
        raise CodingError(f"no excerpt {excerpt_id}")
    if not 0 <= start < end <= len(text):
        raise CodingError(f"the span {start}–{end} is not inside the excerpt's text")
