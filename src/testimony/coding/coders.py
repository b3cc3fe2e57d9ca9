"""Coders: everyone who codes is a row, made the first time they act."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from testimony.db.models import Coder, Coding


def coder_id(session: Session, name: str) -> int:
    """The id of the coder called name, adding them if they are new."""
    found = session.scalar(select(Coder.id).where(Coder.name == name))
    if found is not None:
        return found
    coder = Coder(name=name)
    session.add(coder)
    session.flush()
    return coder.id


def coders_with_codings(session: Session) -> list[str]:
    """Coders who have coded something, by name (EXISTS stops at each coder's first coding)."""
    has_codings = exists(select(Coding.id).where(Coding.coder_id == Coder.id))
    return list(session.scalars(select(Coder.name).where(has_codings).order_by(Coder.name)))
