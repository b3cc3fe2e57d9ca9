"""A theme in full (for "about this theme") and edits to the codebook from the workbench."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from testimony.coding.errors import CodingError
from testimony.db import audit
from testimony.db.models import AuditEntry, Coding, Memo, Theme, as_utc


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


_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def slug_for(session: Session, name: str) -> str:
    """A new theme id from its name: lowercase kebab-case, unique in the project."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "theme"
    taken = set(session.scalars(select(Theme.slug).where(Theme.slug.like(f"{base}%"))))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def add_theme(
    session: Session,
    actor: str,
    name: str,
    parent: str | None = None,
    description: str | None = "",
    color: str | None = None,
    key: str | None = None,
) -> str:
    """Add a theme (last among its siblings); returns its new id."""
    name = _name(name)
    parent_row = _theme(session, parent) if parent else None
    theme = Theme(
        slug=slug_for(session, name),
        name=name,
        description=description,
        include="",
        exclude="",
        examples=[],
        parent_id=parent_row.id if parent_row else None,
        position=(session.scalar(select(func.max(Theme.position))) or 0) + 1,
    )
    session.add(theme)
    session.flush()
    _set_look(session, theme, color, key)
    audit.append(session, actor, "theme-add", theme.slug, name=name, parent=parent)
    return theme.slug


def edit_theme(session: Session, actor: str, theme: str, **fields: str | None) -> None:
    """Change a theme's name, description, include, exclude, color or key."""
    row = _theme(session, theme)
    unknown = set(fields) - {"name", "description", "include", "exclude", "color", "key"}
    if unknown:
        raise CodingError(f"a theme has no field {sorted(unknown)[0]!r}")
    if "name" in fields:
        row.name = _name(fields["name"] or "")
    for text_field in ("description", "include", "exclude"):
        if text_field in fields:
            setattr(row, text_field, (fields[text_field] or "").strip())
    if "color" in fields or "key" in fields:
        _set_look(
            session,
            row,
            fields.get("color", row.color),
            fields.get("key", row.shortcut),
        )
    session.flush()
    audit.append(session, actor, "theme-edit", theme, fields=sorted(fields))


def move_theme(session: Session, actor: str, theme: str, parent: str | None) -> None:
    """Put a theme under another (or at the top level with None), with its sub-themes."""
    row = _theme(session, theme)
    new_parent = _theme(session, parent) if parent else None
    if new_parent is not None:
        ancestor: Theme | None = new_parent
        while ancestor is not None:
            if ancestor.id == row.id:
                raise CodingError(f"cannot move “{row.name}” under itself or its own sub-theme")
            ancestor = session.get(Theme, ancestor.parent_id) if ancestor.parent_id else None
    row.parent_id = new_parent.id if new_parent else None
    row.position = (session.scalar(select(func.max(Theme.position))) or 0) + 1
    session.flush()
    audit.append(session, actor, "theme-move", theme, parent=parent)


def merge_themes(session: Session, actor: str, source: str, target: str) -> int:
    """Fold source into target: its codings and sub-themes move over, then it goes.

    A coding the same coder already has with target on the same span is not
    doubled. Returns how many codings moved.
    """
    if source == target:
        raise CodingError("a theme cannot be merged into itself")
    locked = _themes(session, [source, target])
    from_row, into_row = locked[source], locked[target]
    ancestor: Theme | None = into_row
    while ancestor is not None:
        if ancestor.id == from_row.id:
            raise CodingError(f"cannot merge “{from_row.name}” into its own sub-theme")
        ancestor = session.get(Theme, ancestor.parent_id) if ancestor.parent_id else None
    moved = _move_codings(session, from_row.id, into_row.id)
    for child in session.scalars(select(Theme).where(Theme.parent_id == from_row.id)):
        child.parent_id = into_row.id
    session.execute(
        update(Memo)
        .where(Memo.target_type == "theme", Memo.target_id == from_row.id)
        .values(target_id=into_row.id)
    )
    session.delete(from_row)
    session.flush()
    audit.append(session, actor, "theme-merge", source, into=target, codings=moved)
    return moved


def delete_theme(
    session: Session, actor: str, theme: str, move_codings_to: str | None = None
) -> None:
    """Delete a theme; refused while it has codings, unless they move to another theme.

    Its sub-themes move up to its parent.
    """
    locked = _themes(session, [theme] + ([move_codings_to] if move_codings_to else []))
    row = locked[theme]
    count = session.scalar(select(func.count()).where(Coding.theme_id == row.id)) or 0
    moved = 0
    if count and move_codings_to is None:
        raise CodingError(
            f"{theme!r} has {count} coding{'s' if count != 1 else ''}: "
            "move them to another theme first (or merge the themes)"
        )
    if count:
        moved = _move_codings(session, row.id, locked[move_codings_to].id)
    for child in session.scalars(select(Theme).where(Theme.parent_id == row.id)):
        child.parent_id = row.parent_id
    session.execute(delete(Memo).where(Memo.target_type == "theme", Memo.target_id == row.id))
    session.delete(row)
    session.flush()
    audit.append(
        session, actor, "theme-delete", theme, codings_moved_to=move_codings_to, moved=moved
    )


def _move_codings(session: Session, from_id: int, to_id: int) -> int:
    have = {
        tuple(row)
        for row in session.execute(
            select(Coding.excerpt_id, Coding.start, Coding.end, Coding.coder_id).where(
                Coding.theme_id == to_id
            )
        )
    }
    moved = 0
    for coding in session.scalars(select(Coding).where(Coding.theme_id == from_id)):
        if (coding.excerpt_id, coding.start, coding.end, coding.coder_id) in have:
            session.delete(coding)
        else:
            coding.theme_id = to_id
            moved += 1
    return moved


def _set_look(session: Session, theme: Theme, color: str | None, key: str | None) -> None:
    if color and not _COLOR.match(color):
        raise CodingError(f"colour {color!r} must be '#rrggbb' or '#rgb'")
    if key:
        if len(key) != 1 or not key.isprintable() or key.isspace():
            raise CodingError(f"key {key!r} must be a single printable character")
        holder = session.execute(
            select(Theme.name, Theme.slug).where(Theme.shortcut == key, Theme.id != theme.id)
        ).first()
        if holder:
            raise CodingError(f"key {key!r} is already the key of “{holder[0]}” ({holder[1]})")
    theme.color = color or None
    theme.shortcut = key or None


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise CodingError("a theme needs a name")
    return name


def _theme(session: Session, theme: str | None) -> Theme:
    """The theme's row, locked until the edit commits (see _themes)."""
    return _themes(session, [theme])[theme]


def _themes(session: Session, themes: Sequence[str | None]) -> dict[str | None, Theme]:
    """The themes' rows, locked in id order until the edit commits.

    Two coders editing the codebook at once on PostgreSQL: the second waits
    for the first, then finds the rows as the first left them, so a rename of
    a theme another coder has just merged away ends with a clear message, not
    a half-applied change. (SQLite runs writing transactions one at a time.)
    """
    rows = session.scalars(
        select(Theme)
        .where(Theme.slug.in_([t for t in themes if t is not None]))
        .order_by(Theme.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found: dict[str | None, Theme] = {row.slug: row for row in rows}
    for theme in themes:
        if theme not in found:
            raise CodingError(_missing(session, theme))
    return found


def _missing(session: Session, theme: str | None) -> str:
    """Why a theme is not there: never was, or merged or deleted (by whom, from the audit log)."""
    gone = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action.in_(["theme-merge", "theme-delete"]), AuditEntry.target == theme)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if gone is None:
        return f"no theme {theme!r} in the codebook"
    how = f"merged into {gone.details.get('into')!r}" if gone.action == "theme-merge" else "deleted"
    return (
        f"theme {theme!r} was {how} by {gone.actor} at {as_utc(gone.at):%Y-%m-%d %H:%M} UTC; "
        "nothing was changed (reload the codebook)"
    )
