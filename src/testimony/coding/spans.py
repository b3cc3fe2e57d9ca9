"""Words and sentences of an excerpt as code-point spans, for selecting text to code."""

from __future__ import annotations

import re

_WORD = re.compile(r"[\w’'-]+|[^\w\s]", re.UNICODE)
# A sentence ends at . ! ? … (and closing quotes or brackets after them) before a space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")


def word_bounds(text: str) -> list[tuple[int, int]]:
    """Every word (or lone punctuation mark) as (start, end), in order."""
    return [m.span() for m in _WORD.finditer(text)]


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Every sentence as (start, end) without surrounding whitespace, in order."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()]


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
