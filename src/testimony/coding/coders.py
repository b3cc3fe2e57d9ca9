"""Coders: everyone who codes is a row, made the first time they act."""

from __future__ import annotations

from sqlalchemy import select
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


def coder_names(session: Session) -> list[str]:
    """Every coder who has codings, and every coder known, by name."""
    return list(session.scalars(select(Coder.name).order_by(Coder.name)))


def coders_with_codings(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Coder.name).where(Coder.id.in_(select(Coding.coder_id))).order_by(Coder.name)
        )
    )
