"""What a transcript may be: limits checked before the slow work of reading and redacting.

A hostile or broken file (one 10 MB line, millions of empty paragraphs, a
speaker label of a thousand words) is refused with the limit it broke, so the
import neither hangs for hours nor fills the databases with junk. The limits
on size of a line and number of lines come from testimony.yaml (`import:`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from testimony.ingest.decode import TERMINAL_SEQUENCE
from testimony.ingest.model import ParsedDocument

# C0 and C1 control characters other than tab and line feed: never text a person typed,
# and in a terminal an escape sequence (ESC [ ...) can rewrite what the screen shows.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LINE_BREAKING = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Unicode's bidirectional overrides reorder what a terminal shows (a file name that
# reads "txt.exe" backwards); kept in running text, where right-to-left scripts need them.
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Limits:
    """The largest transcript the import accepts."""

    max_line_chars: int = 1024 * 1024
    max_lines: int = 500_000
    max_label_chars: int = 100
    max_title_chars: int = 500
    max_attribute_name_chars: int = 128
    max_attribute_value_chars: int = 10_000


def limits_of(options: dict | None) -> Limits:
    return (options or {}).get("limits") or Limits()


def check_text(text: str, limits: Limits) -> None:
    """Refuse decoded text with too many lines or a line too long to be a speaker's turn."""
    lines = text.count("\n") + 1
    if lines > limits.max_lines:
        raise _refused(
            f"{lines:,} lines, more than the {limits.max_lines:,} a transcript may have "
            "(import.max_lines in testimony.yaml)"
        )
    start = 0
    for number in range(1, lines + 1):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > limits.max_line_chars:
            raise _refused(
                f"line {number} holds {end - start:,} characters, more than the "
                f"{limits.max_line_chars:,} allowed on one line (import.max_line_kb)"
            )
        start = end + 1


def check_documents(documents: list[ParsedDocument], limits: Limits) -> None:
    """Refuse labels, titles and attributes no transcript has; clean the rest to one line."""
    pieces = sum(len(turn.pieces) for doc in documents for turn in doc.turns)
    if pieces > limits.max_lines:
        raise _refused(
            f"{pieces:,} paragraphs, more than the {limits.max_lines:,} a transcript may have "
            "(import.max_lines in testimony.yaml)"
        )
    for doc in documents:
        doc.title = one_line(doc.title)
        doc.key = one_line(doc.key)
        if len(doc.title) > limits.max_title_chars:
            raise _refused(
                f"a title of {len(doc.title):,} characters (at most {limits.max_title_chars:,})"
            )
        attributes = {}
        for name, value in doc.attributes.items():
            name, value = one_line(name), CONTROL.sub("", value)
            if len(name) > limits.max_attribute_name_chars:
                raise _refused(
                    f"an attribute name of {len(name):,} characters "
                    f"(at most {limits.max_attribute_name_chars:,})"
                )
            if len(value) > limits.max_attribute_value_chars:
                raise _refused(
                    f"attribute '{name}' holds {len(value):,} characters "
                    f"(at most {limits.max_attribute_value_chars:,})"
                )
            attributes[name] = value
        doc.attributes = attributes
        for turn in doc.turns:
            if turn.speaker is None:
                continue
            turn.speaker = one_line(turn.speaker) or None
            if turn.speaker and len(turn.speaker) > limits.max_label_chars:
                raise _refused(
                    f"a speaker label of {len(turn.speaker):,} characters "
                    f"(at most {limits.max_label_chars:,}); is a line of text taken for one?"
                )


def _refused(reason: str) -> Exception:
    from testimony.ingest.readers.errors import ReadError  # readers use these limits

    return ReadError(reason)


def one_line(text: str) -> str:
    """Text for one line (a title, a label): no control characters, line breaks or
    direction overrides, runs of white space as one space."""
    text = LINE_BREAKING.sub(" ", TERMINAL_SEQUENCE.sub("", text))
    text = BIDI.sub("", CONTROL.sub(" ", text))
    return " ".join(text.split())


def printable(text: str) -> str:
    """A file name or other outside text made safe to print on a terminal: control and
    direction characters shown as escapes (\\x1b, \\n), nothing else changed."""

    def shown(match: re.Match[str]) -> str:
        char = match.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\u{ord(char):04x}")

    return re.sub("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shown, text)
