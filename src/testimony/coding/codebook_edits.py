"""A theme in full (for "about this theme") and edits to the codebook from the workbench."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.coding.errors import CodingError
from testimony.db.models import Theme


@dataclass(frozen=True)
class ThemeDetails:
    id: str
    name: str
    description: str
    include: str
    exclude: str
    examples: list[str]
    color: str | None
    key: str | None
    parent: str | None


def theme_details(session: Session, theme: str) -> ThemeDetails:
    """Everything the codebook says about one theme."""
    row = session.scalar(select(Theme).where(Theme.slug == theme))
    if row is None:
        raise CodingError(f"no theme {theme!r} in the codebook")
    parent = session.get(Theme, row.parent_id) if row.parent_id else None
    return ThemeDetails(
        id=row.slug,
        name=row.name,
        description=row.description,
        include=row.include,
        exclude=row.exclude,
        examples=list(row.examples or []),
        color=row.color,
        key=row.shortcut,
        parent=parent.slug if parent else None,
    )
