"""Theme colours as coders see them: a theme without its own colour takes its parent's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.db.models import Theme


def inherited_colors(session: Session) -> dict[str, str | None]:
    """Each theme id's colour, inherited from the nearest ancestor that has one."""
    rows = {
        r.id: r for r in session.execute(select(Theme.id, Theme.slug, Theme.parent_id, Theme.color))
    }
    colors: dict[str, str | None] = {}
    for row in rows.values():
        node, seen = row, set()
        while node.color is None and node.parent_id in rows and node.id not in seen:
            seen.add(node.id)
            node = rows[node.parent_id]
        colors[row.slug] = node.color
    return colors
