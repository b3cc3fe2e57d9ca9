"""Words and sentences of an excerpt as code-point spans, for selecting text to code."""

from __future__ import annotations

import re

_WORD = re.compile(r"[\w’'-]+|[^\w\s]", re.UNICODE)
# A sentence ends at . ! ? … (and closing quotes or brackets after them) before a space,
# and at the end of a line (a heading or a list item has no period).
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)|(?=\n)")


def word_bounds(text: str) -> list[tuple[int, int]]:
    """Every word (or lone punctuation mark) as (start, end), in order."""
    return [m.span() for m in _WORD.finditer(text)]


# Words a period follows without ending the sentence: "Mr. Ahmed", "No. 3", "Dr. Aliyeva".
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "nr",
        "vs",
        "lt",
        "col",
        "capt",
        "sgt",
        "maj",
        "gen",
        "jr",
        "sr",
        "approx",
        "cf",
        "e.g",
        "i.e",
        "tel",
    ]
)
_WORD_BEFORE = re.compile(r"(\S+?)[\"'“”‘’(\[]*$")
_NEXT_CHAR = re.compile(r"\s*(\S)")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Every sentence as (start, end) without surrounding whitespace, in order."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _not_an_end(text, match.start(), match.end()):
            continue
        spans.append((start, match.end()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()]


def _not_an_end(text: str, start: int, end: int) -> bool:
    """A period that does not end a sentence: after an abbreviation or an initial, a list
    number at the start of a line ("1. Getting there"), or before a lower-case word."""
    if text[start:end].rstrip("\"'”’)]") != ".":
        return False
    following = _NEXT_CHAR.match(text, end)
    if following is not None and following.group(1).islower():
        return True
    before = _WORD_BEFORE.search(text, 0, start)
    word = before.group(1) if before else ""
    if word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isalpha() and word != "I"):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    return word.isdigit() and not text[line_start : start - len(word)].strip()


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The sentence holding offset (or the nearest one before it)."""
    sentences = sentence_bounds(text) or [(0, len(text))]
    for start, end in sentences:
        if offset < end:
            return (start, end)
    return sentences[-1]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)
