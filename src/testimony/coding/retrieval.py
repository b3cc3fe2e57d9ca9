"""Retrieval: every coded quote for a theme (and its sub-themes), page by page.

Pages are keyset-paginated on (interview, position, start, coding), so the
thousandth page costs what the first does and nothing loads the whole project.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace

from sqlalchemy import ColumnElement, Select, func, select, tuple_, union_all
from sqlalchemy.orm import Session

from testimony.coding.attribute_filter import check_attributes
from testimony.coding.codings import theme_pk
from testimony.coding.colors import inherited_colors
from testimony.db.models import (
    Coder,
    Coding,
    Excerpt,
    Interview,
    InterviewAttribute,
    Speaker,
    Theme,
)

PAGE_SIZE = 200
Cursor = tuple[int, int, int]  # (excerpt, start, coding) of the last quote shown


@dataclass(frozen=True)
class Quote:
    """One coded span with where it comes from."""

    coding: int
    interview: str
    interview_title: str
    excerpt: int
    position: int
    speaker: str | None
    start_ms: int | None
    start: int
    end: int
    theme: str
    theme_name: str
    color: str | None
    coder: str
    important: bool
    memo: str | None
    quote: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class QuoteFilter:
    """Which codings to retrieve; empty lists mean no restriction."""

    themes: list[str] = field(default_factory=list)
    with_subthemes: bool = False
    coders: list[str] = field(default_factory=list)
    interviews: list[str] = field(default_factory=list)
    # name -> value, or name -> several values of which any will do; names must all match
    attributes: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    important_only: bool = False


@dataclass(frozen=True)
class QuotePage:
    quotes: list[Quote]
    next: Cursor | None  # pass as after= for the next page; None at the end


def retrieve(
    session: Session, where: QuoteFilter, after: Cursor | None = None, limit: int = PAGE_SIZE
) -> QuotePage:
    """One page of quotes in reading order (interview, position, start).

    Excerpts are written a whole interview at a time in reading order, so their ids
    are the reading order, and the page is cut from the index on (theme, excerpt,
    start) alone: each theme's codings are walked in order from the cursor and the
    walks are merged, which costs the page, not the theme's thousands of quotes.
    """
    # First step: order and cut the matching codings on their keys alone; second: fetch
    # the page's rows in full, so nothing carries excerpt texts it will not show.
    order = (Coding.excerpt_id, Coding.start, Coding.id)
    conditions: list[ColumnElement[bool]] = []
    conditions = _conditions(session, where)
    if after is not None:
        conditions.append(tuple_(*order) > tuple_(*after))

    def walk(*more: ColumnElement[bool]) -> Select:
        return select(*order).where(*conditions, *more).order_by(*order).limit(limit + 1)

    if where.themes:
        ids = _theme_ids(session, where)
        walks = [walk(Coding.theme_id == i).subquery() for i in sorted(ids)]
        merged = union_all(*(select(*w.c) for w in walks)).subquery()
        keys = select(*merged.c).order_by(*merged.c).limit(limit + 1)
    else:
        keys = walk()
    found = session.execute(keys).all()
    page = [row[2] for row in found[:limit]]
    rows = {
        row[0]: row
        for row in session.execute(
            select(
                Coding.id,
                Interview.code,
                Interview.title,
                Excerpt.id,
                Excerpt.position,
                Speaker.label,
                Excerpt.start_ms,
                Coding.start,
                Coding.end,
                Theme.slug,
                Theme.name,
                Theme.color,
                Coder.name,
                Coding.important,
                Coding.memo,
                Excerpt.text,
            )
            .join(Excerpt, Excerpt.id == Coding.excerpt_id)
            .join(Interview, Interview.id == Excerpt.interview_id)
            .outerjoin(Speaker, Speaker.id == Excerpt.speaker_id)
            .join(Theme, Theme.id == Coding.theme_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coding.id.in_(page))
        )
    }
    colors = inherited_colors(session) if rows else {}
    quotes = [
        replace(
            Quote(*rows[i][:15], quote=rows[i][15][rows[i][7] : rows[i][8]]),  # type: ignore[misc,arg-type]
            color=colors.get(rows[i][9], rows[i][11]),
        )
        for i in page
    ]
    cursor: Cursor | None = None
    if len(found) > limit:
        excerpt, start, coding = found[limit - 1]
        cursor = (excerpt, start, coding)
    return QuotePage(quotes, cursor)


def count_quotes(session: Session, where: QuoteFilter) -> int:
    """How many quotes match where (what the pages add up to)."""
    conditions = _conditions(session, where)
    if where.themes:
        conditions.append(Coding.theme_id.in_(sorted(_theme_ids(session, where))))
    return session.scalar(select(func.count()).select_from(Coding).where(*conditions)) or 0


def iter_quotes(session: Session, where: QuoteFilter, page_size: int = PAGE_SIZE):  # noqa: ANN201
    """Every quote matching where, fetched a page at a time."""
    after = None
    while True:
        page = retrieve(session, where, after, page_size)
        yield from page.quotes
        if page.next is None:
            return
        after = page.next


def _conditions(session: Session, where: QuoteFilter) -> list[ColumnElement[bool]]:
    """The filter's conditions on Coding, themes apart (they are walked one by one)."""
    conditions: list[ColumnElement[bool]] = []
    if where.coders:
        conditions.append(Coding.coder_id.in_(select(Coder.id).where(Coder.name.in_(where.coders))))
    if where.interviews or where.attributes:
        interview = (
            select(Excerpt.interview_id).where(Excerpt.id == Coding.excerpt_id).scalar_subquery()
        )
        if where.interviews:
            conditions.append(
                interview.in_(select(Interview.id).where(Interview.code.in_(where.interviews)))
            )
        if where.attributes:
            check_attributes(session, where.attributes)
        for name, values in where.attributes.items():
            values = (values,) if isinstance(values, str) else values
            conditions.append(
                interview.in_(
                    select(InterviewAttribute.interview_id).where(
                        InterviewAttribute.name == name,
                        InterviewAttribute.value.in_(values),
                    )
                )
            )
    if where.important_only:
        conditions.append(Coding.important.is_(True))
    return conditions


def _theme_ids(session: Session, where: QuoteFilter) -> set[int]:
    ids = {theme_pk(session, t) for t in where.themes}
    return _with_descendants(session, ids) if where.with_subthemes else ids


def _with_descendants(session: Session, ids: set[int]) -> set[int]:
    parents = dict(session.execute(select(Theme.id, Theme.parent_id)).all())
    found = set(ids)
    changed = True
    while changed:
        more = {child for child, parent in parents.items() if parent in found} - found
        found |= more
        changed = bool(more)
    return found
