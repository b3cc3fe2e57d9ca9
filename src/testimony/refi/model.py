"""A REFI-QDA project as plain data, as read from project.qde (nothing resolved yet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import overload


@dataclass
class RefiCode:
    guid: str
    name: str
    description: str = ""
    color: str | None = None
    codable: bool = True
    notes: list[str] = field(default_factory=list)  # note GUIDs
    children: list[RefiCode] = field(default_factory=list)


@dataclass
class RefiCoding:
    guid: str
    code: str  # code GUID
    user: str | None
    created: datetime | None
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    guid: str
    start: int
    end: int
    name: str  # some tools put the selected text here; None of ours trusts it blindly
    user: str | None
    created: datetime | None
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiSource:
    guid: str
    name: str
    kind: str  # TextSource, PDFSource, AudioSource...
    text_path: str | None = None
    inline_text: str | None = None
    selections: list[RefiSelection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # variable GUID -> value


@dataclass
class RefiNote:
    guid: str
    name: str
    user: str | None
    text: str | None
    text_path: str | None


@dataclass
class RefiCase:
    guid: str
    name: str
    variables: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)


@dataclass
class RefiProject:
    name: str
    origin: str
    base_path: str | None
    users: dict[str, str] = field(default_factory=dict)  # GUID -> name
    codes: list[RefiCode] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # GUID -> name
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: dict[str, RefiNote] = field(default_factory=dict)
    project_notes: list[str] = field(default_factory=list)

    def walk_codes(self):  # noqa: ANN201
        """Every code depth-first, with its parent (None at the top)."""

        def visit(codes: list[RefiCode], parent: RefiCode | None):
            for code in codes:
                yield code, parent
                yield from visit(code.children, code)

        yield from visit(self.codes, None)


@overload
def norm_guid(value: str) -> str: ...
@overload
def norm_guid(value: None) -> None: ...
@overload
def norm_guid(value: str | None) -> str | None: ...
def norm_guid(value: str | None) -> str | None:
    """GUIDs compared as tools write them differently: braces, case."""
    if value is None:
        return None
    return value.strip().strip("{}").lower()
