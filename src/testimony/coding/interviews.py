"""The interview list: ids, titles, sizes, review state and coding progress."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from testimony.db.models import Coding, Excerpt, Interview, InterviewAttribute


@dataclass(frozen=True)
class InterviewSummary:
    id: str
    title: str
    format: str
    excerpts: int
    words: int
    coded_excerpts: int
    codings: int
    review_state: str
    attributes: dict[str, str]

    @property
    def progress(self) -> float:
        """Share of excerpts with at least one coding, 0..1."""
        return self.coded_excerpts / self.excerpts if self.excerpts else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "progress": round(self.progress, 4)}


def list_interviews(session: Session, only: str | None = None) -> list[InterviewSummary]:
    """Every interview in import order (or only the one named), with counts computed in
    three queries; one interview's row is what a coding action changes."""
    query = select(Interview).order_by(Interview.id)
    if only is not None:
        query = query.where(Interview.code == only)
    rows = list(session.scalars(query))
    ids = [interview.id for interview in rows]

    def of_these(statement, column):  # noqa: ANN001, ANN202
        return statement.where(column.in_(ids)) if only is not None else statement

    excerpts = dict(
        session.execute(
            of_these(select(Excerpt.interview_id, func.count()), Excerpt.interview_id).group_by(
                Excerpt.interview_id
            )
        ).all()
    )
    coded = {
        row[0]: (row[1], row[2])
        for row in session.execute(
            of_these(
                select(
                    Excerpt.interview_id,
                    func.count(distinct(Coding.excerpt_id)),
                    func.count(Coding.id),
                ).join(Coding, Coding.excerpt_id == Excerpt.id),
                Excerpt.interview_id,
            ).group_by(Excerpt.interview_id)
        )
    }
    attributes: dict[int, dict[str, str]] = {}
    for interview_id, name, value in session.execute(
        of_these(
            select(
                InterviewAttribute.interview_id, InterviewAttribute.name, InterviewAttribute.value
            ),
            InterviewAttribute.interview_id,
        ).order_by(InterviewAttribute.id)
    ):
        attributes.setdefault(interview_id, {})[name] = value
    return [
        InterviewSummary(
            id=interview.code,
            title=interview.title,
            format=interview.source_format,
            excerpts=excerpts.get(interview.id, 0),
            words=interview.word_count,
            coded_excerpts=coded.get(interview.id, (0, 0))[0],
            codings=coded.get(interview.id, (0, 0))[1],
            review_state=interview.review_state,
            attributes=attributes.get(interview.id, {}),
        )
        for interview in rows
    ]
