"""The words around a quote: the previous sentence before it, the next one after.

Context stays inside the quote's excerpt (one speaker's turn), so it never
puts another speaker's words next to a survivor's.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")


class SentenceIndex:
    """Sentence boundaries of the last excerpt seen (quotes come excerpt by excerpt)."""

    def __init__(self) -> None:
        self._excerpt: int | None = None
        self._starts: list[int] = []
        self._ends: list[int] = []

    def context(self, excerpt_id: int, text: str, start: int, end: int) -> tuple[str, str]:
        """(before, after): from the previous sentence's start up to `start` (so a quote
        starting mid-sentence keeps its lead-in), and from `end` to the next sentence's end."""
        if excerpt_id != self._excerpt:
            ends = [m.end() for m in SENTENCE_END.finditer(text)]
            self._excerpt, self._starts, self._ends = excerpt_id, [0, *ends], [*ends, len(text)]
        starts, ends = self._starts, self._ends
        current = bisect_right(starts, start) - 1
        following = bisect_left(ends, end)
        before = text[starts[max(current - 1, 0)] : start]
        after = text[end : ends[min(following + 1, len(ends) - 1)]]
        return before.strip(), after.strip()
