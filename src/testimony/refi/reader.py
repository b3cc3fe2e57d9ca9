"""project.qde (already parsed safely and validated) into RefiProject plain data."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from testimony.refi.model import (
    RefiCase,
    RefiCode,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    norm_guid,
)
from testimony.refi.xml import PROJECT_NS, XmlRefused

_NS = {"q": PROJECT_NS}
VALUE_TAGS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue")


def read_project(root: etree._Element) -> RefiProject:
    """Everything the importer uses from a validated project.qde."""
    project = RefiProject(
        name=root.get("name", ""),
        origin=root.get("origin", ""),
        base_path=root.get("basePath"),
    )
    for user in root.iterfind("q:Users/q:User", _NS):
        guid = _guid(user)
        project.users[guid] = (user.get("name") or user.get("id") or "").strip()
    codes = root.find("q:CodeBook/q:Codes", _NS)
    if codes is not None:
        project.codes = read_codes(codes, PROJECT_NS)
    for variable in root.iterfind("q:Variables/q:Variable", _NS):
        project.variables[_guid(variable)] = variable.get("name", "")
    for case in root.iterfind("q:Cases/q:Case", _NS):
        project.cases.append(
            RefiCase(
                guid=_guid(case),
                name=case.get("name", ""),
                variables=_variable_values(case),
                sources=[_guid(r, "targetGUID") for r in case.iterfind("q:SourceRef", _NS)],
            )
        )
    sources = root.find("q:Sources", _NS)
    if sources is not None:
        project.sources = [_source(element) for element in sources]
    for note in root.iterfind("q:Notes/q:Note", _NS):
        content = note.find("q:PlainTextContent", _NS)
        guid = _guid(note)
        project.notes[guid] = RefiNote(
            guid=guid,
            name=note.get("name", ""),
            user=norm_guid(note.get("creatingUser")),
            text=content.text or "" if content is not None else None,
            text_path=note.get("plainTextPath"),
        )
    project.project_notes = _note_refs(root)
    return project


def read_codes(codes: etree._Element, ns: str) -> list[RefiCode]:
    """Nested Code elements of a Codes element (project or codebook namespace)."""

    def code(element: etree._Element) -> RefiCode:
        description = element.find(f"{{{ns}}}Description")
        return RefiCode(
            guid=_guid(element),
            name=element.get("name", "").strip(),
            description=(description.text or "").strip() if description is not None else "",
            color=_colour(element.get("color")),
            codable=element.get("isCodable", "true").strip() in {"true", "1"},
            notes=[_guid(r, "targetGUID") for r in element.iterfind(f"{{{ns}}}NoteRef")],
            children=[code(child) for child in element.iterfind(f"{{{ns}}}Code")],
        )

    return [code(element) for element in codes.iterfind(f"{{{ns}}}Code")]


def _source(element: etree._Element) -> RefiSource:
    kind = etree.QName(element).localname
    content = element.find("q:PlainTextContent", _NS)
    source = RefiSource(
        guid=_guid(element),
        name=element.get("name", ""),
        kind=kind,
        text_path=element.get("plainTextPath"),
        inline_text=content.text or "" if content is not None else None,
        notes=_note_refs(element),
        variables=_variable_values(element),
    )
    if kind != "TextSource":
        return source
    for selection in element.iterfind("q:PlainTextSelection", _NS):
        source.selections.append(
            RefiSelection(
                guid=_guid(selection),
                start=int(_required(selection, "startPosition")),
                end=int(_required(selection, "endPosition")),
                name=selection.get("name") or "",
                user=norm_guid(selection.get("creatingUser")),
                created=_moment(selection.get("creationDateTime")),
                codings=[_coding(c) for c in selection.iterfind("q:Coding", _NS)],
                notes=_note_refs(selection),
            )
        )
    return source


def _coding(element: etree._Element) -> RefiCoding:
    return RefiCoding(
        guid=_guid(element),
        code=_guid(_child(element, "q:CodeRef"), "targetGUID"),
        user=norm_guid(element.get("creatingUser")),
        created=_moment(element.get("creationDateTime")),
        notes=_note_refs(element),
    )


def _note_refs(element: etree._Element) -> list[str]:
    return [_guid(r, "targetGUID") for r in element.iterfind("q:NoteRef", _NS)]


def _variable_values(element: etree._Element) -> dict[str, str]:
    values = {}
    for holder in element.iterfind("q:VariableValue", _NS):
        ref = _guid(_child(holder, "q:VariableRef"), "targetGUID")
        for tag in (*VALUE_TAGS, "DateTimeValue"):
            value = holder.find(f"q:{tag}", _NS)
            if value is not None:
                values[ref] = (value.text or "").strip()
                break
    return values


def _required(element: etree._Element, name: str) -> str:
    """An attribute the schema requires (project.qde was validated against it)."""
    value = element.get(name)
    if value is None:
        raise XmlRefused(f"project.qde: a {etree.QName(element).localname} has no {name}")
    return value


def _guid(element: etree._Element, name: str = "guid") -> str:
    return norm_guid(_required(element, name))


def _child(element: etree._Element, path: str) -> etree._Element:
    """A child element the schema requires."""
    child = element.find(path, _NS)
    if child is None:
        raise XmlRefused(f"project.qde: a {etree.QName(element).localname} has no {path[2:]}")
    return child


def _colour(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if len(value) == 4:  # #RGB
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value.lower()


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
