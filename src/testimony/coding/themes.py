"""The project's codebook: import a codebook file by merging on theme id, and export it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from testimony.codebook import Codebook, ThemeSpec
from testimony.db.models import Coding, ProjectMeta, Theme


@dataclass
class CodebookMerge:
    """What `codebook import` did, theme ids in each list."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_with_codings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ThemeRow:
    """A theme with its place in the tree and how often it is used."""

    id: str
    name: str
    depth: int
    parent: str | None
    key: str | None
    color: str | None
    codings: int
    description: str


def import_codebook(session: Session, codebook: Codebook) -> CodebookMerge:
    """Make the project's codebook match the file, by theme id.

    Themes in the file are added or updated (name, texts, colour, key, parent,
    order). Themes the file no longer has are removed, except those with
    codings: they are kept, moved to the top level if their parent went, and
    reported, so no coding is ever dropped silently.
    """
    merge = CodebookMerge()
    existing = {t.slug: t for t in session.scalars(select(Theme))}
    coded = _counts(session)
    seen: set[str] = set()
    # Free shortcut keys first, so a key moving between themes does not collide.
    wanted_keys = {spec.key for spec, _p, _d in codebook.walk() if spec.key}
    for row in existing.values():
        if row.shortcut in wanted_keys:
            row.shortcut = None
    for position, (spec, parent, _depth) in enumerate(codebook.walk()):
        seen.add(spec.id)
        theme = existing.get(spec.id)
        if theme is None:
            theme = Theme(slug=spec.id)
            session.add(theme)
            existing[spec.id] = theme
            merge.added.append(spec.id)
            changed = False
        else:
            changed = None  # decided below
        before = _snapshot(theme)
        theme.name = spec.name
        theme.description = spec.description
        theme.include = spec.include
        theme.exclude = spec.exclude
        theme.examples = list(spec.examples)
        theme.color = spec.color
        theme.shortcut = spec.key
        theme.position = position
        if spec.guid:
            theme.guid = spec.guid
        session.flush()
        theme.parent_id = existing[parent.id].id if parent else None
        if changed is None:
            (merge.updated if _snapshot(theme) != before else merge.unchanged).append(spec.id)
    for slug, theme in existing.items():
        if slug in seen:
            continue
        if coded.get(theme.id):
            merge.kept_with_codings.append(slug)
            if theme.parent_id is not None and _slug_of(existing, theme.parent_id) not in seen:
                theme.parent_id = None
        else:
            merge.removed.append(slug)
    for slug in merge.removed:
        for child in existing.values():
            if child.parent_id == existing[slug].id:
                child.parent_id = None
        session.delete(existing[slug])
    _set_meta(session, "codebook_name", codebook.name)
    _set_meta(
        session, "codebook_version", "" if codebook.version is None else str(codebook.version)
    )
    _set_meta(session, "codebook_description", codebook.description)
    session.flush()
    return merge


def export_codebook(session: Session) -> Codebook:
    """The project's codebook as plain data, in codebook order."""
    themes = list(session.scalars(select(Theme).order_by(Theme.position, Theme.id)))
    specs = {
        t.id: ThemeSpec(
            id=t.slug,
            name=t.name,
            description=t.description,
            include=t.include,
            exclude=t.exclude,
            examples=list(t.examples or []),
            color=t.color,
            key=t.shortcut,
        )
        for t in themes
    }
    roots = []
    for theme in themes:
        if theme.parent_id is not None and theme.parent_id in specs:
            specs[theme.parent_id].children.append(specs[theme.id])
        else:
            roots.append(specs[theme.id])
    version = _get_meta(session, "codebook_version")
    return Codebook(
        name=_get_meta(session, "codebook_name") or "Codebook",
        version=int(version) if version and version.isdigit() else (version or None),
        description=_get_meta(session, "codebook_description") or "",
        themes=roots,
    )


def list_themes(session: Session, with_counts: bool = True) -> list[ThemeRow]:
    """Themes depth-first in codebook order, with coding counts (0 without with_counts)."""
    counts = _counts(session) if with_counts else {}
    themes = list(session.scalars(select(Theme).order_by(Theme.position, Theme.id)))
    by_id = {t.id: t for t in themes}
    rows: list[ThemeRow] = []

    def visit(parent_id: int | None, depth: int) -> None:
        for theme in themes:
            if theme.parent_id == parent_id:
                parent = by_id.get(theme.parent_id) if theme.parent_id else None
                rows.append(
                    ThemeRow(
                        id=theme.slug,
                        name=theme.name,
                        depth=depth,
                        parent=parent.slug if parent else None,
                        key=theme.shortcut,
                        color=theme.color,
                        codings=counts.get(theme.id, 0),
                        description=theme.description,
                    )
                )
                visit(theme.id, depth + 1)

    visit(None, 0)
    return rows


def _snapshot(theme: Theme) -> tuple:
    return (
        theme.name,
        theme.description,
        theme.include,
        theme.exclude,
        list(theme.examples or []),
        theme.color,
        theme.shortcut,
        theme.parent_id,
    )


def _slug_of(themes: dict[str, Theme], theme_id: int) -> str | None:
    return next((slug for slug, t in themes.items() if t.id == theme_id), None)


def _get_meta(session: Session, key: str) -> str | None:
    row = session.get(ProjectMeta, key)
    return row.value if row else None


def _set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(ProjectMeta, key)
    if row is None:
        session.add(ProjectMeta(key=key, value=value))
    else:
        row.value = value


def _counts(session: Session) -> dict[int, int]:
    """Codings per theme id."""
    rows = session.execute(select(Coding.theme_id, func.count()).group_by(Coding.theme_id))
    return dict(rows.all())  # Result has .keys(), so dict(result) would misread it
