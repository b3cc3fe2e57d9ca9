"""Plain text transcripts: speaker-labelled turns, or paragraphs when there are no labels."""

from __future__ import annotations

from pathlib import Path

from testimony.ingest.decode import NotText, decode_bytes
from testimony.ingest.limits import check_text, limits_of
from testimony.ingest.model import ParsedDocument, ReadResult
from testimony.ingest.readers.errors import ReadError
from testimony.ingest.segment import turns_from_lines


def decode(data: bytes, options: dict | None = None) -> tuple[str, str]:
    """Bytes to text (see ingest.decode), refused if empty or beyond the import's limits."""
    try:
        decoded = decode_bytes(data)
    except (NotText, UnicodeDecodeError) as exc:
        raise ReadError(str(exc) if isinstance(exc, NotText) else "invalid text encoding") from None
    if not decoded.text.strip():
        raise ReadError("the file holds no text")
    check_text(decoded.text, limits_of(options))
    return decoded.text, decoded.encoding


def read(path: Path, data: bytes, options: dict) -> ReadResult:
    body, encoding = decode(data, options)
    return ReadResult([ParsedDocument(turns=turns_from_lines(body.split("\n")))], body, encoding)
