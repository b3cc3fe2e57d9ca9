"""Turns into excerpts: one turn per excerpt, long turns split at paragraph boundaries."""

from __future__ import annotations

import re

from testimony.ingest.labels import accepted_labels, match_label
from testimony.ingest.model import Piece, RawExcerpt, Turn

MAX_EXCERPT_WORDS = 350
MAX_PIECE_CHARS = 4000
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def turns_from_lines(
    lines: list[str],
    time_ms: list[int | None] | None = None,
    known_labels: set[str] | frozenset[str] = frozenset(),
) -> list[Turn]:
    """Group text lines into speaker turns; blank lines separate paragraphs.

    Works for plain text, Markdown bodies and Word paragraphs alike. Text with
    no trusted labels comes back as one unlabelled turn per paragraph.
    """
    labels = accepted_labels(lines) | set(known_labels)
    turns: list[Turn] = []
    current: Turn | None = None
    paragraph: list[str] = []
    paragraph_time: int | None = None

    def close_paragraph() -> None:
        nonlocal paragraph, paragraph_time
        text = "\n".join(paragraph).strip()
        if text:
            if current is None or (current.speaker is None and labels):
                _start(None)
            assert current is not None
            current.pieces.append(Piece(text, start_ms=paragraph_time))
        paragraph, paragraph_time = [], None

    def _start(speaker: str | None) -> None:
        nonlocal current
        current = Turn(speaker=speaker)
        turns.append(current)

    for index, line in enumerate(lines):
        if not line.strip():
            close_paragraph()
            if not labels and current is not None:
                current = None  # unlabelled text: every paragraph is its own excerpt
            continue
        found = match_label(line) if labels else None
        if found and found.label in labels:
            close_paragraph()
            _start(found.label)
            line = found.rest
            paragraph_time = found.time_ms
        elif time_ms and paragraph_time is None and not paragraph:
            paragraph_time = time_ms[index]
        if line.strip() or paragraph:
            paragraph.append(line)
    close_paragraph()
    return [t for t in turns if t.pieces]


def excerpts_from_turns(turns: list[Turn]) -> list[RawExcerpt]:
    """One excerpt per turn; a long turn is split at paragraph (or cue) boundaries."""
    excerpts: list[RawExcerpt] = []
    for turn in turns:
        pieces = [p for piece in turn.pieces for p in _split_long_piece(piece)]
        group: list[Piece] = []
        words = 0
        for piece in pieces:
            n = len(piece.text.split())
            if group and words + n > MAX_EXCERPT_WORDS:
                excerpts.append(_excerpt(turn, group))
                group, words = [], 0
            group.append(piece)
            words += n
        if group:
            excerpts.append(_excerpt(turn, group))
    return excerpts


def _excerpt(turn: Turn, pieces: list[Piece]) -> RawExcerpt:
    ends = [p.end_ms for p in pieces if p.end_ms is not None]
    return RawExcerpt(
        speaker=turn.speaker,
        text=turn.joiner.join(p.text.strip() for p in pieces),
        start_ms=pieces[0].start_ms,
        end_ms=ends[-1] if ends else None,
    )


def _split_long_piece(piece: Piece) -> list[Piece]:
    """A paragraph longer than a coder can read at once is cut at sentence ends."""
    if len(piece.text) <= MAX_PIECE_CHARS:
        return [piece]
    parts: list[Piece] = []
    buffer = ""
    for sentence in _SENTENCE_END.split(piece.text):
        while len(sentence) > MAX_PIECE_CHARS:  # no sentence ends: cut at a space
            cut = sentence.rfind(" ", 0, MAX_PIECE_CHARS)
            cut = cut if cut > 0 else MAX_PIECE_CHARS
            if buffer:
                parts.append(Piece(buffer))
                buffer = ""
            parts.append(Piece(sentence[:cut]))
            sentence = sentence[cut:].lstrip()
        if buffer and len(buffer) + len(sentence) + 1 > MAX_PIECE_CHARS:
            parts.append(Piece(buffer))
            buffer = ""
        buffer = f"{buffer} {sentence}" if buffer else sentence
    if buffer:
        parts.append(Piece(buffer))
    parts[0].start_ms = piece.start_ms
    parts[-1].end_ms = piece.end_ms
    return parts
