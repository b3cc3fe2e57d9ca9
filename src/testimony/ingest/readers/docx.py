"""Word transcripts: paragraphs and tables in order; speaker labels in bold or as `NAME:`.

A .docx is a zip of XML parts, so it is checked before python-docx opens it:
a zip bomb, too many parts, or XML that declares a DTD or entities is refused.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import NoReturn
from xml.parsers import expat

from testimony.ingest.labels import normalise_label
from testimony.ingest.model import ParsedDocument, ReadResult
from testimony.ingest.readers.errors import ReadError
from testimony.ingest.segment import turns_from_lines

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # the whole package, pictures included
MAX_XML_PART = 32 * 1024 * 1024  # one XML part (python-docx holds it as a tree in memory)
MAX_RATIO = 100
MAX_PARTS = 2000
CHUNK = 1024 * 1024


def check_zip(data: bytes) -> None:
    """Refuse what is not a plain Office zip: not a zip, a bomb, or XML with a DTD."""
    if not data.startswith(b"PK"):
        raise ReadError("not a Word document (.docx files are zip archives; this is not one)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        raise ReadError("corrupt Word document (the zip archive is damaged)") from None
    if len(infos) > MAX_PARTS:
        raise ReadError("Word document has too many parts; refused as unsafe")
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total / packed > MAX_RATIO and total > 10 * 1024 * 1024:
        raise ReadError(
            f"Word document expands {total // packed:,} times when unpacked (a zip bomb); refused"
        )
    if total > MAX_UNCOMPRESSED:
        raise ReadError(
            f"Word document unpacks to {total / 2**20:,.0f} MB, more than the "
            f"{MAX_UNCOMPRESSED // 2**20} MB allowed (huge pictures inside, or a zip bomb); refused"
        )
    if "word/document.xml" not in {info.filename for info in infos}:
        raise ReadError("not a Word document (no word/document.xml inside)")
    with archive:
        for info in infos:
            _check_part(archive, info)


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Any part that is XML (whatever its name says) is read through expat, streaming,
    and refused at a DTD: entities are how billion-laughs and XXE attacks work."""
    try:
        with archive.open(info) as part:
            head = part.read(CHUNK)
            if not _looks_like_xml(head):
                return
            if info.file_size > MAX_XML_PART:
                raise ReadError(
                    f"Word document has an XML part of {info.file_size / 2**20:,.0f} MB "
                    f"(at most {MAX_XML_PART // 2**20} MB); refused"
                )
            parser = expat.ParserCreate()
            parser.StartDoctypeDeclHandler = _refuse_dtd
            parser.EntityDeclHandler = _refuse_dtd
            parser.ExternalEntityRefHandler = _refuse_dtd
            chunk = head
            while chunk:
                parser.Parse(chunk, False)
                chunk = part.read(CHUNK)
            parser.Parse(b"", True)
    except ReadError:
        raise
    except expat.ExpatError:
        raise ReadError("corrupt Word document (a part is not well-formed XML)") from None
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise ReadError("corrupt Word document (a part cannot be unpacked)") from None


def _refuse_dtd(*_args: object) -> NoReturn:
    raise ReadError("Word document declares XML entities (a known attack); refused")


def _looks_like_xml(head: bytes) -> bool:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            return True
    stripped = head.lstrip()
    return stripped.startswith(b"<") or stripped[:4] in (b"<\x00?\x00", b"\x00<\x00?")


def read(path: Path, data: bytes, options: dict) -> ReadResult:
    check_zip(data)
    try:
        import docx  # python-docx; imported here so other formats start fast
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except ReadError:
        raise
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on broken files
        raise ReadError("corrupt Word document (python-docx cannot read it)") from None
    title = (document.core_properties.title or "").strip()
    lines: list[str] = []
    bold_labels: set[str] = set()
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            if not text:
                continue
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            if style.startswith(("Heading", "Title")) and not lines:
                title = title or text  # the document's own heading, not an excerpt
                continue
            label = _bold_label(paragraph)
            if label:
                bold_labels.add(label)
            lines.extend([text, ""])
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = [c.text.strip() for c in row.cells]
                unique = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                if unique:
                    lines.append(" | ".join(unique))
            lines.append("")
    turns = turns_from_lines(lines, known_labels=bold_labels)
    if not turns:
        raise ReadError("the Word document holds no text")
    text = "\n".join(([title, ""] if title else []) + lines)
    return ReadResult([ParsedDocument(title=title, turns=turns)], text, "docx")


def _bold_label(paragraph) -> str | None:  # noqa: ANN001
    """A speaker label made of the paragraph's leading bold runs, ending in a colon."""
    bold = ""
    for run in paragraph.runs:
        if not run.text:
            continue
        if run.bold:
            bold += run.text
            continue
        if not bold and run.text.strip():
            return None
        if run.text.lstrip().startswith(":") and bold:
            bold += ":"
        break
    bold = bold.strip()
    if not bold.endswith(":") or len(bold) > 60:
        return None
    return normalise_label(bold[:-1]) or None
