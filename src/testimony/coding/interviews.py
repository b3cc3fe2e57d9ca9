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


def list_interviews(session: Session) -> list[InterviewSummary]:
    """Every interview in import order, with counts computed in three queries."""
    excerpts = dict(
        session.execute(
            select(Excerpt.interview_id, func.count()).group_by(Excerpt.interview_id)
        ).all()
    )
    coded = {
        row[0]: (row[1], row[2])
        for row in session.execute(
            select(
                Excerpt.interview_id,
                func.count(distinct(Coding.excerpt_id)),
                func.count(Coding.id),
            )
            .join(Coding, Coding.excerpt_id == Excerpt.id)
            .group_by(Excerpt.interview_id)
        )
    }
    attributes: dict[int, dict[str, str]] = {}
    for interview_id, name, value in session.execute(
        select(
            InterviewAttribute.interview_id, InterviewAttribute.name, InterviewAttribute.value
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
        for interview in session.scalars(select(Interview).order_by(Interview.id))
    ]
