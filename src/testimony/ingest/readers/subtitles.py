"""WebVTT and SubRip subtitles: cue times are kept; a speaker's consecutive cues form a turn.

Speakers come from WebVTT voice tags (`<v Name>`) or a label at the start of a
cue (`NAME: ...`); a cue without one continues the previous speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from testimony.ingest.labels import accepted_labels, match_label, parse_time_ms
from testimony.ingest.model import ParsedDocument, Piece, ReadResult, Turn
from testimony.ingest.readers.errors import ReadError
from testimony.ingest.readers.text import decode

_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
TIMING = re.compile(rf"^\s*(?P<start>-?{_TIME})\s*-->\s*(?P<end>-?{_TIME})(?:\s+.*)?$")
VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+(?P<name>[^>]+)>")
TAG = re.compile(r"</?[^>]+>")


@dataclass
class Cue:
    start_ms: int
    end_ms: int
    text: str
    voice: str | None
    line: int


def read_vtt(path: Path, data: bytes, options: dict) -> ReadResult:
    text, encoding = decode(data, options)
    if not text.lstrip().startswith("WEBVTT"):
        raise ReadError("not a WebVTT file (it must start with WEBVTT)")
    return ReadResult([ParsedDocument(turns=_turns(_cues(text, skip_header=True)))], text, encoding)


def read_srt(path: Path, data: bytes, options: dict) -> ReadResult:
    text, encoding = decode(data, options)
    return ReadResult(
        [ParsedDocument(turns=_turns(_cues(text, skip_header=False)))], text, encoding
    )


def _cues(text: str, skip_header: bool) -> list[Cue]:
    blocks = _blocks(text)
    if skip_header and blocks:
        blocks = blocks[1:]  # the WEBVTT header block
    cues: list[Cue] = []
    for first_line, lines in blocks:
        if lines[0].startswith(("NOTE", "STYLE", "REGION")) and skip_header:
            continue
        timing_at = next((i for i, line in enumerate(lines[:3]) if "-->" in line), None)
        if timing_at is None:
            raise ReadError(f"line {first_line}: a cue without a timing line (start --> end)")
        line_no = first_line + timing_at
        match = TIMING.match(lines[timing_at])
        if not match:
            raise ReadError(f"line {line_no}: broken cue timing")
        if match.group("start").startswith("-") or match.group("end").startswith("-"):
            raise ReadError(f"line {line_no}: negative cue time")
        try:
            start, end = parse_time_ms(match.group("start")), parse_time_ms(match.group("end"))
        except ValueError:
            raise ReadError(f"line {line_no}: broken cue timing") from None
        if end < start:
            raise ReadError(f"line {line_no}: cue ends before it starts")
        payload = "\n".join(lines[timing_at + 1 :]).strip()
        if not payload:
            continue
        voice = VOICE.search(payload)
        clean = " ".join(TAG.sub("", payload).split())
        clean = clean.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        cues.append(Cue(start, end, clean, voice.group("name").strip() if voice else None, line_no))
    if not cues:
        raise ReadError("no subtitle cues with text")
    return cues


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _turns(cues: list[Cue]) -> list[Turn]:
    labels = accepted_labels([cue.text for cue in cues if cue.voice is None])
    turns: list[Turn] = []
    speaker: str | None = None
    for cue in cues:
        text = cue.text
        new_speaker: str | None
        if cue.voice:
            new_speaker = cue.voice
        else:
            found = match_label(text)
            if found and found.label in labels:
                new_speaker, text = found.label, found.rest
            else:
                new_speaker = speaker
        if not turns or new_speaker != speaker:
            turns.append(Turn(speaker=new_speaker, joiner=" "))
            speaker = new_speaker
        turns[-1].pieces.append(Piece(text, start_ms=cue.start_ms, end_ms=cue.end_ms))
    return turns
