"""REFI-QDA codes as the project's themes: matched by GUID, then by name, else added.

A code keeps its GUID (themes.guid), so exporting the project again writes
the code under the GUID it came with and the other tool recognises it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from testimony.codebook import Codebook, ThemeSpec
from testimony.db.models import ProjectMeta, Theme
from testimony.errors import CodebookError, CodebookProblem
from testimony.refi.model import RefiCode, norm_guid
from testimony.refi.reader import read_codes
from testimony.refi.xml import CODEBOOK_NS, XmlRefused, parse_xml, validate

MAX_QDC_BYTES = 5 * 1024 * 1024


@dataclass
class CodeMerge:
    """What merging a file's codes did: code GUID -> theme id, and counts."""

    theme_of: dict[str, int] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)  # theme slugs
    matched: list[str] = field(default_factory=list)


def load_qdc(path: Path) -> list[RefiCode]:
    """The codes of a .qdc file, read safely and checked against Codebook.xsd."""
    name = str(path)
    try:
        if path.is_dir():
            raise _problem(name, "is a folder, not a codebook file")
        if path.stat().st_size > MAX_QDC_BYTES:
            raise _problem(name, "larger than 5 MB; not a codebook")
        data = path.read_bytes()
    except OSError as exc:
        raise _problem(name, f"cannot read ({exc.strerror})") from None
    try:
        root = parse_xml(data, "the codebook")
        validate(root, "Codebook.xsd", "the codebook")
    except XmlRefused as exc:
        raise _problem(name, str(exc)) from None
    return read_codes(root.find(f"{{{CODEBOOK_NS}}}Codes"), CODEBOOK_NS)


def qdc_codebook(session: Session, codes: list[RefiCode], name: str) -> Codebook:
    """The codes as a Codebook whose theme ids are the project's own where a code matches
    one (by GUID, then by name), so `codebook import` updates those themes in place."""
    slugs = _match(session, codes)
    taken = set(slugs.values()) | set(session.scalars(select(Theme.slug)))

    def spec(code: RefiCode) -> ThemeSpec:
        slug = slugs.get(code.guid) or _new_slug(code.name, taken)
        return ThemeSpec(
            id=slug,
            name=code.name or slug,
            description=code.description,
            color=code.color,
            guid=code.guid,
            children=[spec(child) for child in code.children],
        )

    return Codebook(name=name, themes=[spec(code) for code in codes])


def merge_codes(session: Session, codes: list[RefiCode]) -> CodeMerge:
    """Add the codes the project lacks and map every code to a theme; nothing is removed
    or renamed (the project's codebook wins where a code matches a theme)."""
    merge = CodeMerge()
    slugs = _match(session, codes)
    themes = {t.slug: t for t in session.scalars(select(Theme))}
    taken = set(themes)
    position = (session.scalar(select(func.max(Theme.position))) or 0) + 1

    def add(code: RefiCode, parent: Theme | None) -> None:
        nonlocal position
        slug = slugs.get(code.guid)
        theme = themes.get(slug) if slug else None
        if theme is None:
            theme = Theme(
                slug=_new_slug(code.name, taken),
                name=code.name or "code",
                description=code.description,
                color=code.color,
                guid=code.guid,
                parent_id=parent.id if parent else None,
                position=position,
            )
            position += 1
            session.add(theme)
            session.flush()
            themes[theme.slug] = theme
            merge.added.append(theme.slug)
        else:
            if not theme.guid and not _is_ours(session, theme, code.guid):
                theme.guid = code.guid  # matched by name: export it as the other tool knows it
            merge.matched.append(theme.slug)
        merge.theme_of[code.guid] = theme.id
        for child in code.children:
            add(child, theme)

    for code in codes:
        add(code, None)
    session.flush()
    return merge


def _match(session: Session, codes: list[RefiCode]) -> dict[str, str]:
    """code GUID -> slug of the theme it is: same GUID (kept or as we export it), else the
    same name under the same parent, else the only theme of that name."""
    themes = list(session.scalars(select(Theme)))
    project_id = session.get(ProjectMeta, "project_id")
    namespace = uuid.UUID(project_id.value) if project_id else None
    by_guid: dict[str, Theme] = {}
    for theme in themes:
        if theme.guid:
            by_guid[norm_guid(theme.guid)] = theme
        if namespace:
            by_guid.setdefault(str(uuid.uuid5(namespace, f"theme:{theme.slug}")), theme)
    slug_of_id: dict[int | None, str] = {t.id: t.slug for t in themes}
    by_name: dict[tuple[str, str | None], Theme] = {}
    names: dict[str, list[Theme]] = {}
    for theme in themes:
        key = theme.name.casefold().strip()
        by_name[(key, slug_of_id.get(theme.parent_id))] = theme
        names.setdefault(key, []).append(theme)
    out: dict[str, str] = {}
    used: set[str] = set()

    def visit(code: RefiCode, parent_slug: str | None) -> None:
        key = code.name.casefold().strip()
        theme = by_guid.get(code.guid) or by_name.get((key, parent_slug))
        if theme is None and len(names.get(key, [])) == 1:
            theme = names[key][0]
        if theme is not None and theme.slug not in used:
            out[code.guid] = theme.slug
            used.add(theme.slug)
        for child in code.children:
            visit(child, out.get(code.guid))

    for code in codes:
        visit(code, None)
    return out


def _is_ours(session: Session, theme: Theme, guid: str) -> bool:
    """Whether guid is the one this project's exports give the theme."""
    project_id = session.get(ProjectMeta, "project_id")
    return project_id is not None and guid == str(
        uuid.uuid5(uuid.UUID(project_id.value), f"theme:{theme.slug}")
    )


def _new_slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:60] or "code"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _problem(file: str, message: str) -> CodebookError:
    return CodebookError([CodebookProblem(file, 1, 1, message)])
