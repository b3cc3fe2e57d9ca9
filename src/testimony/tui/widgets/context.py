"""The neighbouring excerpts around the one being read: the end of the one before, the
start of the one after, cut to a few screen lines at word boundaries."""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

from testimony.coding.reader import Neighbour
from testimony.tui.widgets.wrap import wrap_offsets

_WORD = re.compile(r"\S+")


def context_lines(
    neighbour: Neighbour, side: int, width: int, lines: int, pseudonym: Style
) -> list[Text]:
    """The neighbour as at most `lines` lines of `width` cells, labelled with its number
    and speaker: the last words of the one before (side -1), the first of the one after."""
    label = f"¶{neighbour.position}" + (f" {neighbour.speaker}" if neighbour.speaker else "")
    words = list(_WORD.finditer(neighbour.text))
    if not words:
        return [_styled(label, neighbour, 0, 0, "", "", pseudonym)]

    def bounds(count: int) -> tuple[int, int, str, str]:
        """Where `count` words of the neighbour start and end, and the marks of a cut."""
        if side < 0:
            cut = count < len(words) or neighbour.cut_before
            return words[-count].start(), len(neighbour.text), "…" if cut else "", ""
        cut = count < len(words) or neighbour.cut_after
        return 0, words[count - 1].end(), "", "…" if cut else ""

    def fits(count: int) -> bool:
        start, end, lead, trail = bounds(count)
        plain = f"{label}  {lead}{neighbour.text[start:end]}{trail}".replace("\n", " ")
        return len(wrap_offsets(plain, width)) <= lines

    # The most words that fit, found by halving; no more than the lines hold in characters.
    room, high = lines * width, len(words)
    for count, word in enumerate(words if side > 0 else words[::-1], 1):
        room -= word.end() - word.start() + 1
        if room < 0:
            high = count
            break
    low = 1
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    start, end, lead, trail = bounds(low)
    text = _styled(label, neighbour, start, end, lead, trail, pseudonym)
    offsets = wrap_offsets(text.plain, width)
    rows = list(text.divide(start for start, _end in offsets[1:]))
    return rows[-lines:] if side < 0 else rows[:lines]


def _styled(
    label: str, n: Neighbour, start: int, end: int, lead: str, trail: str, pseudonym: Style
) -> Text:
    """The label, then lead + the neighbour's text[start:end] + trail, pseudonyms styled."""
    text = Text(no_wrap=True)
    text.append(label, style="bold")
    text.append("  " + lead)
    body_at = len(text)
    text.append(n.text[start:end].replace("\n", " "))
    text.append(trail)
    for p in n.pseudonyms:
        a, b = max(p.start, start), min(p.end, end)
        if a < b:
            text.stylize(pseudonym, body_at + a - start, body_at + b - start)
    return text
