"""The leak gate for exports: scan a file's bytes in memory before anything is written.

Each format is read back the way its reader would see it (the cells of a CSV,
the strings of a JSON file, the paragraphs and properties of a DOCX, the
members of a QDPX zip), so a finding names a place the editor can find: a
line, a row and column, a JSON path, a paragraph. A finding names the type and,
with the vault at hand, the entity's pseudonym; never the identifier.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from testimony.errors import TestimonyError
from testimony.redact.leak import FingerprintSet, find_leaks

TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Finding:
    """Where an identifier is in an export; never what it is."""

    where: str
    label: str
    pseudonym: str | None = None

    def __str__(self) -> str:
        who = f" (entity shown elsewhere as {self.pseudonym})" if self.pseudonym else ""
        return f"{self.where}: {self.label}{who}"


class LeakRefused(TestimonyError):
    """An export held a fingerprinted identifier, so nothing was written."""

    exit_code = 1

    def __init__(self, name: str, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(
            f"{name}: {len(findings)} known identifier(s) in the export; nothing was written"
        )


def scan_export(
    data: bytes, fmt: str, prints: FingerprintSet, pseudonyms: dict[str, str] | None = None
) -> list[Finding]:
    """Every fingerprinted identifier in an export of format `fmt`, by place."""
    names = pseudonyms or {}
    findings: list[Finding] = []
    found: set[str] = set()
    seen: dict[str, list] = {}  # a repeated string (a theme name, an attribute) is scanned once
    for where, text in readable_parts(data, fmt):
        backstop = where.endswith(BACKSTOP)
        leaks = seen.get(text)
        if leaks is None:
            leaks = seen[text] = find_leaks(text, prints)
        for start, _end, label, digest in leaks:
            if backstop and digest in found:
                continue  # already reported at a better place
            found.add(digest)
            findings.append(Finding(_place(where, text, start), label, names.get(digest)))
    return findings


BACKSTOP = "(whole file)"


def readable_parts(data: bytes, fmt: str) -> Iterator[tuple[str, str]]:
    """(place, text) pieces of a file, as its reader would see them; places ending in
    BACKSTOP re-read the whole file, for what the pieces could split or miss."""
    if fmt == "docx":
        yield from _docx_parts(data)
    elif fmt == "qdpx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                text = archive.read(info).decode("utf-8", "replace")
                if info.filename.endswith((".qde", ".xml")):
                    yield from _markup_parts(text, f"{info.filename} ")
                else:
                    yield f"{info.filename} line", text
    elif fmt in {"html", "qdc"}:
        yield from _markup_parts(data.decode("utf-8"), "")
    elif fmt == "csv":
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        header = next(rows, [])
        yield "CSV header", " ".join(header)
        for number, row in enumerate(rows, start=2):
            for column, cell in zip(header, row, strict=False):
                yield f"CSV row {number}, column {column}", cell
    elif fmt == "json":
        for where, text in _json_parts(json.loads(data.decode("utf-8")), ""):
            yield f"JSON {where or '(top)'}", text
    else:
        yield "line", data.decode("utf-8")


def _place(where: str, text: str, start: int) -> str:
    """A place name, with line and column when the piece is a whole text."""
    if not where.endswith("line"):
        return where
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return f"{where} {line}, column {column}"


def _markup_parts(text: str, prefix: str) -> Iterator[tuple[str, str]]:
    """Markup without tags, line by line of the source (so a finding has a line number)."""
    for number, line in enumerate(text.split("\n"), start=1):
        readable = html.unescape(TAG.sub(" ", line))
        if readable.strip():
            yield f"{prefix}line {number}", readable
    # Text joined across lines too: an identifier split over two source lines is still read.
    yield f"{prefix}{BACKSTOP}", html.unescape(TAG.sub(" ", text))


def _json_parts(value, path: str) -> Iterator[tuple[str, str]]:  # noqa: ANN001
    """(path, string) for every string and key, as in quotes[3].memo."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            yield f"{inner} (the key)", str(key)
            yield from _json_parts(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_parts(item, f"{path}[{index}]")


def _docx_parts(data: bytes) -> Iterator[tuple[str, str]]:
    import docx

    document = docx.Document(io.BytesIO(data))
    for number, paragraph in enumerate(document.paragraphs, start=1):
        yield f"paragraph {number} ({paragraph.style.name})", paragraph.text
    for t, table in enumerate(document.tables, start=1):
        for r, row in enumerate(table.rows, start=1):
            for c, cell in enumerate(row.cells, start=1):
                yield f"table {t}, row {r}, cell {c}", cell.text
    for s, section in enumerate(document.sections, start=1):
        for p in section.header.paragraphs:
            yield f"header of section {s}", p.text
        for p in section.footer.paragraphs:
            yield f"footer of section {s}", p.text
    props = document.core_properties
    for name in ("title", "subject", "author", "keywords", "comments", "last_modified_by"):
        yield f"document properties: {name}", getattr(props, name) or ""
    # Anything else a reader or Word could show (style names, comments, field results).
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels")):
                text = html.unescape(TAG.sub(" ", archive.read(info).decode("utf-8", "replace")))
                yield f"{info.filename} in the DOCX {BACKSTOP}", text
