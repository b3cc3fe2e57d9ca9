"""Coders: everyone who codes is a row, made the first time they act."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from testimony.db.models import Coder, Coding


def coder_id(session: Session, name: str) -> int:
    """The id of the coder called name, adding them if they are new.

    Two sessions may add the same new coder at once (one person on two
    machines): the insert skips a name already there instead of failing.
    """
    found = session.scalar(select(Coder.id).where(Coder.name == name))
    if found is not None:
        return found
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(Coder).values(name=name).on_conflict_do_nothing(index_elements=["name"]))
    return session.execute(select(Coder.id).where(Coder.name == name)).scalar_one()


def coders_with_codings(session: Session) -> list[str]:
    """Coders who have coded something, by name (EXISTS stops at each coder's first coding)."""
    has_codings = exists(select(Coding.id).where(Coding.coder_id == Coder.id))
    return list(session.scalars(select(Coder.name).where(has_codings).order_by(Coder.name)))
