"""Word-wrapping an excerpt into screen lines that remember their text offsets."""

from __future__ import annotations

import re

from rich.cells import cell_len

_TOKEN = re.compile(r"\S+\s*|\s+")


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Lines as (start, end) offsets into text; each fits width cells (long words are cut)."""
    width = max(width, 8)
    lines: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        lines += _wrap_paragraph(paragraph, offset, width)
        offset += len(paragraph) + 1
    return lines or [(0, 0)]


def _wrap_paragraph(text: str, base: int, width: int) -> list[tuple[int, int]]:
    lines: list[tuple[int, int]] = []
    start = used = 0
    for match in _TOKEN.finditer(text):
        word = match.group().rstrip()
        need = cell_len(word)
        if used and used + need > width:
            lines.append((base + start, base + match.start()))
            start, used = match.start(), 0
        while need > width:  # a word longer than the line: cut it
            cut = start + width
            lines.append((base + start, base + cut))
            start, need = cut, need - width
            used = 0
        used += cell_len(match.group())
    lines.append((base + start, base + len(text)))
    return lines
