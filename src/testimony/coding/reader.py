"""Reading excerpts one at a time: what the reader shows and how to move between them.

Excerpts are ordered by (interview, position); every move is one indexed
query, so a project of 100,000 excerpts reads as fast as a small one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, func, select, tuple_, union_all
from sqlalchemy.orm import Session

from testimony.coding.codings import CodingSpan, codings_of_excerpt
from testimony.coding.errors import CodingError
from testimony.db.models import Coding, Excerpt, Interview, Memo, ProjectMeta, Speaker


@dataclass(frozen=True)
class Pseudonym:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Neighbour:
    """The end (before) or the start (after) of the excerpt next to the one being read."""

    position: int
    speaker: str | None
    text: str  # at most CONTEXT_CHARS, cut at a word; cut_before/after say where it was cut
    pseudonyms: list[Pseudonym]
    cut_before: bool
    cut_after: bool


CONTEXT_CHARS = 600  # more than a large terminal shows of a neighbour


@dataclass(frozen=True)
class ExcerptView:
    """One excerpt with everything the reader shows about it."""

    id: int
    interview: str
    interview_title: str
    position: int
    last_position: int
    speaker: str | None
    start_ms: int | None
    text: str
    pseudonyms: list[Pseudonym]
    codings: list[CodingSpan]
    memo: str
    before: Neighbour | None = None  # the previous excerpt of the interview, if any
    after: Neighbour | None = None  # the next one


def excerpt_view(
    session: Session,
    excerpt_id: int,
    coders: list[str] | None,
    me_id: int | None = None,
    context: bool = True,
) -> ExcerptView:
    """The excerpt, its codings (all, or only by the named coders), the coder's memo and,
    with context, the neighbouring excerpts of its interview."""
    row = session.execute(
        select(Excerpt, Interview.code, Interview.title, Speaker.label)
        .join(Interview, Interview.id == Excerpt.interview_id)
        .outerjoin(Speaker, Speaker.id == Excerpt.speaker_id)
        .where(Excerpt.id == excerpt_id)
    ).first()
    if row is None:
        raise CodingError(f"no excerpt {excerpt_id}")
    excerpt, code, title, speaker = row
    last = session.scalar(
        select(func.max(Excerpt.position)).where(Excerpt.interview_id == excerpt.interview_id)
    )
    memo = ""
    if me_id is not None:
        memo = (
            session.scalar(
                select(Memo.text).where(
                    Memo.target_type == "excerpt",
                    Memo.target_id == excerpt_id,
                    Memo.coder_id == me_id,
                )
            )
            or ""
        )
    return ExcerptView(
        id=excerpt.id,
        interview=code,
        interview_title=title,
        position=excerpt.position,
        last_position=last or excerpt.position,
        speaker=speaker,
        start_ms=excerpt.start_ms,
        text=excerpt.text,
        pseudonyms=[Pseudonym(p[0], p[1], p[2]) for p in excerpt.pseudonyms or []],
        codings=codings_of_excerpt(session, excerpt_id, coders),
        memo=memo,
        **(neighbours(session, excerpt.interview_id, excerpt.position) if context else {}),
    )


def _step(nearer, order):  # noqa: ANN001, ANN202 - SQL expressions
    return (
        select(Excerpt.position, Excerpt.text, Excerpt.pseudonyms, Speaker.label)
        .outerjoin(Speaker, Speaker.id == Excerpt.speaker_id)
        .where(Excerpt.interview_id == bindparam("interview"), nearer)
        .order_by(order)
        .limit(1)
        .subquery()
    )


# Built once: the statement is the same for every excerpt, only its parameters change.
_NEIGHBOURS = union_all(
    select(_step(Excerpt.position < bindparam("position"), Excerpt.position.desc())),
    select(_step(Excerpt.position > bindparam("position"), Excerpt.position)),
)


def neighbours(session: Session, interview_id: int, position: int) -> dict[str, Neighbour]:
    """The excerpts just before and after a position in an interview ("before", "after"):
    one keyset step each way on (interview, position), in one query, however long the
    interview is."""
    rows = session.execute(_NEIGHBOURS, {"interview": interview_id, "position": position})
    return {
        "before" if found < position else "after": _neighbour(
            found, text, marks, speaker, side=found - position
        )
        for found, text, marks, speaker in rows
    }


def _neighbour(
    found: int, text: str, marks: list | None, speaker: str | None, side: int
) -> Neighbour:
    """A neighbour cut to its end (side < 0) or its start (side > 0)."""
    start, end = 0, len(text)
    if len(text) > CONTEXT_CHARS:  # keep the end of the one before, the start of the one after
        if side < 0:
            start = len(text) - CONTEXT_CHARS
            start = next((i + 1 for i in range(start, end) if text[i].isspace()), start)
        else:
            end = CONTEXT_CHARS
            end = next((i for i in range(end, start, -1) if text[i].isspace()), end)
    pseudonyms = [
        Pseudonym(max(p[0], start) - start, min(p[1], end) - start, p[2])
        for p in marks or []
        if p[1] > start and p[0] < end
    ]
    return Neighbour(found, speaker, text[start:end], pseudonyms, start > 0, end < len(text))


def first_excerpt(session: Session, interview: str | None = None) -> int | None:
    """The first excerpt of an interview (or of the project)."""
    query = select(Excerpt.id).join(Interview, Interview.id == Excerpt.interview_id)
    if interview is not None:
        query = query.where(Interview.code == interview)
    return session.scalar(query.order_by(Excerpt.interview_id, Excerpt.position).limit(1))


def last_excerpt(session: Session, interview: str) -> int | None:
    return session.scalar(
        select(Excerpt.id)
        .join(Interview, Interview.id == Excerpt.interview_id)
        .where(Interview.code == interview)
        .order_by(Excerpt.position.desc())
        .limit(1)
    )


def excerpt_at(session: Session, interview: str, position: int) -> int | None:
    """The excerpt at a position of an interview, or the nearest one after it (or the last)."""
    found = session.scalar(
        select(Excerpt.id)
        .join(Interview, Interview.id == Excerpt.interview_id)
        .where(Interview.code == interview, Excerpt.position >= position)
        .order_by(Excerpt.position)
        .limit(1)
    )
    return found if found is not None else last_excerpt(session, interview)


def step(session: Session, excerpt_id: int, steps: int) -> int:
    """The excerpt steps away in reading order, across interviews; stops at either end."""
    key = _key(session, excerpt_id)
    order = (Excerpt.interview_id, Excerpt.position)
    if steps > 0:
        query = select(Excerpt.id).where(tuple_(*order) > tuple_(*key)).order_by(*order)
    else:
        query = (
            select(Excerpt.id)
            .where(tuple_(*order) < tuple_(*key))
            .order_by(Excerpt.interview_id.desc(), Excerpt.position.desc())
        )
    ids = list(session.scalars(query.limit(abs(steps))))
    return ids[-1] if ids else excerpt_id


def next_uncoded(session: Session, excerpt_id: int, coder_id: int | None = None) -> int | None:
    """The next excerpt in reading order without codings (by this coder, if given)."""
    key = _key(session, excerpt_id)
    coded = select(Coding.id).where(Coding.excerpt_id == Excerpt.id)
    if coder_id is not None:
        coded = coded.where(Coding.coder_id == coder_id)
    order = (Excerpt.interview_id, Excerpt.position)
    return session.scalar(
        select(Excerpt.id)
        .where(tuple_(*order) > tuple_(*key), ~exists(coded))
        .order_by(*order)
        .limit(1)
    )


def remember_place(session: Session, coder: str, excerpt_id: int) -> None:
    """Keep where the coder stopped reading, to open there next time."""
    key = _place_key(coder)
    row = session.get(ProjectMeta, key)
    if row is None:
        session.add(ProjectMeta(key=key, value=str(excerpt_id)))
    else:
        row.value = str(excerpt_id)


def last_place(session: Session, coder: str) -> int | None:
    """Where the coder stopped reading, if that excerpt is still there."""
    row = session.get(ProjectMeta, _place_key(coder))
    if row is None or not row.value.isdigit():
        return None
    return session.scalar(select(Excerpt.id).where(Excerpt.id == int(row.value)))


def _place_key(coder: str) -> str:
    return f"reading-place:{coder}"[:64]


def coder_setting(session: Session, coder: str, name: str) -> str | None:
    """A coder's own setting of the workbench (such as whether context is shown)."""
    row = session.get(ProjectMeta, f"{name}:{coder}"[:64])
    return row.value if row is not None else None


def set_coder_setting(session: Session, coder: str, name: str, value: str) -> None:
    key = f"{name}:{coder}"[:64]
    row = session.get(ProjectMeta, key)
    if row is None:
        session.add(ProjectMeta(key=key, value=value))
    else:
        row.value = value


def _key(session: Session, excerpt_id: int) -> tuple[int, int]:
    row = session.execute(
        select(Excerpt.interview_id, Excerpt.position).where(Excerpt.id == excerpt_id)
    ).first()
    if row is None:
        raise CodingError(f"no excerpt {excerpt_id}")
    return (row[0], row[1])
