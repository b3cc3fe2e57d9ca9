"""Which themes and coders a command is about: the names users type, to database ids."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.db.models import Coder, Theme
from testimony.errors import TestimonyError


class UnknownName(TestimonyError):
    """A filter named a theme, coder or attribute the project does not have."""


def theme_ids(themes: list[Theme], slugs: tuple[str, ...]) -> set[int] | None:
    """The named themes and all their sub-themes; None when no theme was named."""
    if not slugs:
        return None
    by_slug = {t.slug: t for t in themes}
    missing = [s for s in slugs if s not in by_slug]
    if missing:
        raise UnknownName(
            f"no theme {missing[0]!r} in the codebook (see `testimony codebook show`)"
        )
    wanted = {by_slug[s].id for s in slugs}
    grew = True
    while grew:
        more = {t.id for t in themes if t.parent_id in wanted} - wanted
        wanted |= more
        grew = bool(more)
    return wanted


def coder_ids(session: Session, names: tuple[str, ...]) -> set[int] | None:
    """The named coders' ids; None when no coder was named."""
    if not names:
        return None
    found = dict(session.execute(select(Coder.name, Coder.id).where(Coder.name.in_(names))).all())
    missing = [n for n in names if n not in found]
    if missing:
        raise UnknownName(f"no coder {missing[0]!r} in this project")
    return set(found.values())
