"""Where excerpts are: interview id, position and speaker, for lists and search results."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.db.models import Excerpt, Interview, Speaker


def excerpt_locations(session: Session, excerpt_ids: list[int]) -> dict[int, dict]:
    """For each excerpt id: its interview id, position in the interview, and speaker label."""
    if not excerpt_ids:
        return {}
    rows = session.execute(
        select(Excerpt.id, Interview.code, Excerpt.position, Speaker.label, Excerpt.start_ms)
        .join(Interview, Interview.id == Excerpt.interview_id)
        .outerjoin(Speaker, Speaker.id == Excerpt.speaker_id)
        .where(Excerpt.id.in_(excerpt_ids))
    )
    return {
        row[0]: {"interview": row[1], "position": row[2], "speaker": row[3], "start_ms": row[4]}
        for row in rows
    }
