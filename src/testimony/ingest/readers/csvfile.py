"""CSV transcripts: one row per turn; columns for interview, speaker, text and time.

Column names come from testimony.yaml (import.csv_columns) or the command line,
and common alternatives are recognised. One file may hold many interviews.
"""

from __future__ import annotations

import csv
from pathlib import Path

from testimony.ingest.labels import parse_time_ms
from testimony.ingest.model import ParsedDocument, Piece, ReadResult, Turn
from testimony.ingest.readers.errors import ReadError
from testimony.ingest.readers.text import decode

ALIASES = {
    "interview": [
        "interview",
        "interview_id",
        "interview id",
        "case",
        "document",
        "source",
        "file",
    ],
    "speaker": ["speaker", "speaker_name", "name", "who", "participant", "role"],
    "text": ["text", "utterance", "content", "transcript", "turn", "message", "said"],
    "time": ["time", "timestamp", "start", "start_time", "timecode", "time code"],
}
REQUIRED = ("speaker", "text")
MAX_FIELD = 10 * 1024 * 1024


def read(path: Path, data: bytes, options: dict) -> ReadResult:
    text, encoding = decode(data, options)
    csv.field_size_limit(MAX_FIELD)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.reader(_lines(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ReadError("the CSV file is empty") from None
    except csv.Error as exc:
        raise ReadError(f"malformed CSV header ({exc})") from None
    columns = _columns(header, options.get("csv_columns") or {})
    turns_by_interview: dict[str, list[Turn]] = {}
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            if len(row) < len(header):
                row = row + [""] * (len(header) - len(row))
            said = row[columns["text"]].strip()
            if not said:
                continue
            key = row[columns["interview"]].strip() if "interview" in columns else ""
            speaker = row[columns["speaker"]].strip() or None
            start = None
            if "time" in columns and row[columns["time"]].strip():
                try:
                    start = _time(row[columns["time"]])
                except ValueError:
                    raise ReadError(f"line {line}: time is not HH:MM:SS or seconds") from None
            turns = turns_by_interview.setdefault(key, [])
            turns.append(Turn(speaker=speaker, pieces=[Piece(said, start_ms=start)]))
    except csv.Error as exc:
        raise ReadError(f"malformed CSV at line {reader.line_num} ({exc})") from None
    if not turns_by_interview:
        raise ReadError("the CSV file has a header but no rows with text")
    documents = [
        ParsedDocument(title=key, key=key, turns=turns) for key, turns in turns_by_interview.items()
    ]
    return ReadResult(documents, text, encoding)


def _lines(text: str):
    yield from text.splitlines(keepends=True)


def _columns(header: list[str], configured: dict[str, str]) -> dict[str, int]:
    names = [h.strip().lstrip("\ufeff").casefold() for h in header]
    found: dict[str, int] = {}
    for field, aliases in ALIASES.items():
        wanted = configured.get(field)
        candidates = [wanted.casefold()] if wanted else []
        candidates += [a for a in aliases if a not in candidates]
        for candidate in candidates:
            if candidate in names:
                found[field] = names.index(candidate)
                break
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        wanted = ", ".join(f"'{configured.get(f, f)}'" for f in missing)
        raise ReadError(
            f"missing column {wanted} (header has {len(header)} columns; "
            "name other headers with --csv-column FIELD=HEADER)"
        )
    return found


def _time(value: str) -> int:
    value = value.strip()
    if ":" in value:
        return parse_time_ms(value)
    seconds = float(value)
    if not 0 <= seconds < 1000 * 3600:  # also nan and inf
        raise ValueError("negative or absurd time")
    return int(seconds * 1000)
