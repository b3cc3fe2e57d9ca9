"""Plain data that readers produce and segmentation consumes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Piece:
    """A paragraph or a subtitle cue: the smallest unit a turn is split at."""

    text: str
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass
class Turn:
    """What one speaker said without interruption (speaker None for unlabelled text)."""

    speaker: str | None
    pieces: list[Piece] = field(default_factory=list)
    joiner: str = "\n\n"  # paragraphs keep their break; subtitle cues join with a space


@dataclass
class ParsedDocument:
    """One interview as a reader found it: raw title, attributes and turns."""

    title: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    key: str = ""  # which interview inside a multi-interview file (CSV)


@dataclass
class RawExcerpt:
    """An excerpt before redaction."""

    speaker: str | None
    text: str
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass
class ReadResult:
    """What a reader found in one file: its interviews, its whole text, and how it was decoded."""

    documents: list[ParsedDocument]
    text: str
    encoding: str
