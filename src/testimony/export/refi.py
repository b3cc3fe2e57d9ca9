"""REFI-QDA exchange: a .qdpx project and a .qdc codebook for NVivo, ATLAS.ti, MAXQDA...

Each interview becomes one plain-text source: its excerpts in order, each
opening with the pseudonymized speaker label, separated by a blank line.
Selections are 0-based Unicode code point positions in that text, the end
exclusive. GUIDs are uuid5 names under the project's own id, so the same
theme, coder, interview or coding keeps its GUID in every export.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony import __version__
from testimony.analysis.selection import coder_ids, theme_ids
from testimony.db.models import (
    Coder,
    Coding,
    Excerpt,
    Interview,
    InterviewAttribute,
    Memo,
    ProjectMeta,
    Speaker,
    Theme,
    as_utc,
)
from testimony.export.quotes import ExportFilter, interview_ids
from testimony.export.xml_safe import clean_tree

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = f"testimony {__version__}"
EXCERPT_GAP = "\n\n"


@dataclass(frozen=True)
class Guids:
    """Stable GUIDs: uuid5 of a kind and a name under the project's id."""

    project: uuid.UUID

    def of(self, kind: str, name: object) -> str:
        return str(uuid.uuid5(self.project, f"{kind}:{name}"))


def project_guids(session: Session) -> Guids:
    """The project's GUID namespace (its id, made and kept if an older project lacks one)."""
    row = session.get(ProjectMeta, "project_id")
    if row is None:
        row = ProjectMeta(key="project_id", value=str(uuid.uuid4()))
        session.add(row)
        session.commit()
    return Guids(uuid.UUID(row.value))


def render_qdc(session: Session) -> bytes:
    """The codebook alone, valid against Codebook.xsd."""
    guids = project_guids(session)
    root = ET.Element(_q(CODEBOOK_NS, "CodeBook"), origin=ORIGIN)
    _codes(ET.SubElement(root, _q(CODEBOOK_NS, "Codes")), session, guids, CODEBOOK_NS, {})
    return _xml(root, CODEBOOK_NS)


def render_qdpx(session: Session, name: str, filters: ExportFilter | None = None) -> bytes:
    """A REFI-QDA project zip: project.qde and sources/<guid>.txt, valid against Project.xsd."""
    filters = filters or ExportFilter()
    guids = project_guids(session)
    now = _timestamp(datetime.now(UTC))
    ns = PROJECT_NS
    root = ET.Element(_q(ns, "Project"), name=name, origin=ORIGIN, creationDateTime=now)

    coders = dict(session.execute(select(Coder.id, Coder.name)).all())
    coder_guid = {cid: guids.of("coder", coder) for cid, coder in coders.items()}
    if coders:
        users = ET.SubElement(root, _q(ns, "Users"))
        for cid, coder in sorted(coders.items()):
            ET.SubElement(users, _q(ns, "User"), guid=coder_guid[cid], name=coder, id=coder)

    memos = list(
        session.execute(
            select(Memo.id, Memo.target_type, Memo.target_id, Memo.coder_id, Memo.text).order_by(
                Memo.id
            )
        )
    )
    notes_on: dict[tuple[str, int | None], list[str]] = {}
    for memo in memos:
        notes_on.setdefault((memo.target_type, memo.target_id), []).append(
            guids.of("memo", memo.id)
        )
    codebook = ET.SubElement(root, _q(ns, "CodeBook"))
    theme_guid = _codes(ET.SubElement(codebook, _q(ns, "Codes")), session, guids, ns, notes_on)
    if not len(codebook[0]):  # no themes yet: the schema wants a CodeBook to hold a Code
        root.remove(codebook)

    interviews = _interviews(session, filters)
    attributes: dict[int, dict[str, str]] = {}
    for interview_id, attr, value in session.execute(
        select(
            InterviewAttribute.interview_id, InterviewAttribute.name, InterviewAttribute.value
        ).order_by(InterviewAttribute.id)
    ):
        if interview_id in interviews:
            attributes.setdefault(interview_id, {})[attr] = value
    names = sorted({n for values in attributes.values() for n in values})
    if names:
        variables = ET.SubElement(root, _q(ns, "Variables"))
        for attr in names:
            ET.SubElement(
                variables,
                _q(ns, "Variable"),
                guid=guids.of("variable", attr),
                name=attr,
                typeOfVariable="Text",
            )
    if interviews:
        cases = ET.SubElement(root, _q(ns, "Cases"))
        for interview_id, (code, _title) in interviews.items():
            case = ET.SubElement(cases, _q(ns, "Case"), guid=guids.of("case", code), name=code)
            for attr, value in attributes.get(interview_id, {}).items():
                holder = ET.SubElement(case, _q(ns, "VariableValue"))
                ET.SubElement(holder, _q(ns, "VariableRef"), targetGUID=guids.of("variable", attr))
                ET.SubElement(holder, _q(ns, "TextValue")).text = value
            ET.SubElement(case, _q(ns, "SourceRef"), targetGUID=guids.of("source", code))

    texts, offsets, excerpt_lengths = _source_texts(session, interviews)
    codings = _codings(session, interviews, filters, theme_guid)
    excerpt_notes = {target: refs for (kind, target), refs in notes_on.items() if kind == "excerpt"}
    files: dict[str, str] = {}
    if interviews:
        sources = ET.SubElement(root, _q(ns, "Sources"))
        for interview_id, (code, title) in interviews.items():
            source_guid = guids.of("source", code)
            files[f"sources/{source_guid}.txt"] = texts[interview_id]
            source = ET.SubElement(
                sources,
                _q(ns, "TextSource"),
                guid=source_guid,
                name=f"{code} {title}".strip(),
                plainTextPath=f"internal://{source_guid}.txt",
            )
            for coding in codings.get(interview_id, []):
                base = offsets[coding.excerpt_id]
                selection = ET.SubElement(
                    source,
                    _q(ns, "PlainTextSelection"),
                    guid=guids.of("selection", coding.id),
                    startPosition=str(base + coding.start),
                    endPosition=str(base + coding.end),
                    creatingUser=coder_guid[coding.coder_id],
                    creationDateTime=_timestamp(coding.created_at),
                )
                tag = ET.SubElement(
                    selection,
                    _q(ns, "Coding"),
                    guid=guids.of("coding", coding.id),
                    creatingUser=coder_guid[coding.coder_id],
                )
                ET.SubElement(tag, _q(ns, "CodeRef"), targetGUID=coding.theme_guid)
                if coding.memo:
                    ET.SubElement(
                        tag, _q(ns, "NoteRef"), targetGUID=guids.of("coding-memo", coding.id)
                    )
            for excerpt_id, length in excerpt_lengths.get(interview_id, []):
                for ref in excerpt_notes.get(excerpt_id, []):
                    # A memo on an excerpt: a selection of the whole excerpt, with the note.
                    selection = ET.SubElement(
                        source,
                        _q(ns, "PlainTextSelection"),
                        guid=guids.of("excerpt-memo-selection", ref),
                        startPosition=str(offsets[excerpt_id]),
                        endPosition=str(offsets[excerpt_id] + length),
                    )
                    ET.SubElement(selection, _q(ns, "NoteRef"), targetGUID=ref)
            for ref in notes_on.get(("interview", interview_id), []):
                ET.SubElement(source, _q(ns, "NoteRef"), targetGUID=ref)

    notes = _notes(memos, codings, guids, coder_guid, interviews, offsets)
    if notes:
        holder = ET.SubElement(root, _q(ns, "Notes"))
        for guid, note_name, text, user in notes:
            note = ET.SubElement(holder, _q(ns, "Note"), guid=guid, name=note_name)
            if user:
                note.set("creatingUser", user)
            ET.SubElement(note, _q(ns, "PlainTextContent")).text = text
    for ref in notes_on.get(("project", None), []):
        ET.SubElement(root, _q(ns, "NoteRef"), targetGUID=ref)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", _xml(root, ns))
        for path, text in files.items():
            archive.writestr(path, text.encode("utf-8"))
    return buffer.getvalue()


@dataclass(frozen=True)
class ExportedSource:
    """An interview's text as a .qdpx export writes it, and where each excerpt lies in it."""

    interview_id: int
    code: str
    text: str
    excerpts: list[tuple[int, int, int]]  # (excerpt id, start in text, length)


def exported_sources(session: Session, wanted: set[str] | None = None) -> dict[str, ExportedSource]:
    """The exported source of every interview (or those whose source GUID is in wanted), by
    source GUID: what a .qdpx coded in another tool and brought back is matched against."""
    guids = project_guids(session)
    interviews = {
        interview_id: row
        for interview_id, row in _interviews(session, ExportFilter()).items()
        if wanted is None or guids.of("source", row[0]) in wanted
    }
    texts, offsets, lengths = _source_texts(session, interviews)
    return {
        guids.of("source", code): ExportedSource(
            interview_id,
            code,
            texts[interview_id],
            [(e, offsets[e], n) for e, n in lengths.get(interview_id, [])],
        )
        for interview_id, (code, _title) in interviews.items()
    }


def _codes(parent: ET.Element, session: Session, guids: Guids, ns: str, notes_on: dict) -> dict:
    """The codebook as nested Code elements in codebook order; theme id -> GUID."""
    themes = list(session.scalars(select(Theme).order_by(Theme.position, Theme.id)))
    ids = {t.id for t in themes}
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id if theme.parent_id in ids else None, []).append(theme)
    guid_of: dict[int, str] = {}

    def add(holder: ET.Element, theme: Theme) -> None:
        guid_of[theme.id] = theme.guid or guids.of("theme", theme.slug)
        code = ET.SubElement(
            holder, _q(ns, "Code"), guid=guid_of[theme.id], name=theme.name, isCodable="true"
        )
        if theme.color:
            code.set("color", theme.color)
        if theme.description:
            ET.SubElement(code, _q(ns, "Description")).text = theme.description
        if ns == PROJECT_NS:
            for ref in notes_on.get(("theme", theme.id), []):
                ET.SubElement(code, _q(ns, "NoteRef"), targetGUID=ref)
        for child in children.get(theme.id, []):
            add(code, child)

    for theme in children.get(None, []):
        add(parent, theme)
    return guid_of


def _interviews(session: Session, filters: ExportFilter) -> dict[int, tuple[str, str]]:
    """id -> (code, title) of the interviews the filters let through, in import order."""
    rows = {
        row.id: row
        for row in session.execute(
            select(Interview.id, Interview.code, Interview.title, Interview.review_state)
        )
    }
    attributes: dict[int, dict[str, str]] = {}
    for interview_id, name, value in session.execute(
        select(InterviewAttribute.interview_id, InterviewAttribute.name, InterviewAttribute.value)
    ):
        attributes.setdefault(interview_id, {})[name] = value
    wanted = interview_ids(rows, attributes, filters)
    return {
        i: (row.code, row.title) for i, row in sorted(rows.items()) if wanted is None or i in wanted
    }


def _source_texts(session: Session, interviews: dict):  # noqa: ANN202
    """Each interview's text; where each excerpt's text starts in it (by excerpt id); and
    each interview's (excerpt id, length) in order."""
    excerpts: dict[int, list[tuple[int, int]]] = {}
    parts: dict[int, list[str]] = {}
    lengths: dict[int, int] = {}
    offsets: dict[int, int] = {}
    rows = session.execute(
        select(Excerpt.id, Excerpt.interview_id, Excerpt.text, Speaker.label)
        .outerjoin(Speaker, Speaker.id == Excerpt.speaker_id)
        .order_by(Excerpt.interview_id, Excerpt.position)
    )
    for excerpt_id, interview_id, text, speaker in rows:
        if interview_id not in interviews:
            continue
        pieces = parts.setdefault(interview_id, [])
        cursor = lengths.get(interview_id, 0)
        if pieces:
            pieces.append(EXCERPT_GAP)
            cursor += len(EXCERPT_GAP)
        if speaker:
            label = f"{speaker}: "
            pieces.append(label)
            cursor += len(label)
        offsets[excerpt_id] = cursor
        excerpts.setdefault(interview_id, []).append((excerpt_id, len(text)))
        pieces.append(text)
        lengths[interview_id] = cursor + len(text)
    return {i: "".join(parts.get(i, [])) for i in interviews}, offsets, excerpts


@dataclass(frozen=True)
class _Coding:
    id: int
    excerpt_id: int
    start: int
    end: int
    theme_guid: str
    coder_id: int
    memo: str | None
    created_at: datetime | None


def _codings(session: Session, interviews: dict, filters: ExportFilter, theme_guid: dict):  # noqa: ANN001, ANN202
    """Codings per interview id, in text order, after the theme and coder filters."""
    wanted_themes = theme_ids(list(session.scalars(select(Theme))), filters.themes)
    wanted_coders = coder_ids(session, filters.coders)
    query = (
        select(
            Coding.id,
            Coding.excerpt_id,
            Coding.start,
            Coding.end,
            Coding.theme_id,
            Coding.coder_id,
            Coding.memo,
            Coding.created_at,
            Excerpt.interview_id,
            Excerpt.text,
        )
        .join(Excerpt, Excerpt.id == Coding.excerpt_id)
        .order_by(Excerpt.interview_id, Excerpt.position, Coding.start, Coding.id)
    )
    if wanted_themes is not None:
        query = query.where(Coding.theme_id.in_(wanted_themes))
    if wanted_coders is not None:
        query = query.where(Coding.coder_id.in_(wanted_coders))
    out: dict[int, list[_Coding]] = {}
    for row in session.execute(query):
        if row.interview_id not in interviews:
            continue
        length = len(row.text)
        out.setdefault(row.interview_id, []).append(
            _Coding(
                id=row.id,
                excerpt_id=row.excerpt_id,
                start=max(0, min(row.start, length)),
                end=max(0, min(row.end, length)),
                theme_guid=theme_guid[row.theme_id],
                coder_id=row.coder_id,
                memo=row.memo,
                created_at=row.created_at,
            )
        )
    return out


def _notes(memos, codings, guids, coder_guid, interviews, offsets):  # noqa: ANN001, ANN202
    """(guid, name, text, creating user) of every memo and coding memo exported."""
    notes = []
    for memo in memos:
        if memo.target_type == "interview" and memo.target_id not in interviews:
            continue
        if memo.target_type == "excerpt" and memo.target_id not in offsets:
            continue
        notes.append(
            (
                guids.of("memo", memo.id),
                f"{memo.target_type} memo {memo.id}",
                memo.text,
                coder_guid.get(memo.coder_id),
            )
        )
    for items in codings.values():
        for coding in items:
            if coding.memo:
                notes.append(
                    (
                        guids.of("coding-memo", coding.id),
                        f"coding memo {coding.id}",
                        coding.memo,
                        coder_guid[coding.coder_id],
                    )
                )
    return notes


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _xml(root: ET.Element, ns: str) -> bytes:
    clean_tree(root)  # a control character in a memo must not make the file unreadable
    ET.register_namespace("", ns)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _timestamp(moment: datetime | None) -> str:
    moment = as_utc(moment or datetime.now(UTC))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
