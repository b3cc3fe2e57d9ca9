"""The reader's cursor and selection over one excerpt, moved by word and sentence.

A selection runs from an anchor word to the cursor word, both included, so
what is highlighted is exactly what a theme is applied to. Moving the cursor
alone selects nothing; extending, S, A, a drag or a coding or search hit
taken into view do (one word too). Plain data, no Textual: the keys and the
mouse move it, tests check it directly.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from testimony.coding.spans import sentence_bounds, word_bounds


@dataclass
class Selection:
    text: str
    anchor: int = 0  # word index
    cursor: int = 0  # word index
    active: bool = False  # words were selected, not just a cursor put on one
    words: list[tuple[int, int]] = field(init=False)
    sentences: list[tuple[int, int]] = field(init=False)

    def __post_init__(self) -> None:
        self.words = word_bounds(self.text) or [(0, len(self.text))]
        self.sentences = sentence_bounds(self.text) or [(0, len(self.text))]

    @property
    def span(self) -> tuple[int, int]:
        """The selected text as (start, end) code points."""
        low, high = sorted((self.anchor, self.cursor))
        return (self.words[low][0], self.words[high][1])

    @property
    def collapsed(self) -> bool:
        """Nothing is selected: there is only a cursor on a word."""
        return not self.active

    def collapse(self) -> None:
        """Select nothing; the cursor stays where it is."""
        self.anchor = self.cursor
        self.active = False

    def select_cursor_word(self) -> None:
        """Select the word under the cursor (and nothing else)."""
        self.anchor = self.cursor
        self.active = True

    def move(self, words: int) -> None:
        """Move the cursor by words; the selection collapses onto it."""
        self.cursor = self._clamp(self.cursor + words)
        self.anchor = self.cursor
        self.active = False

    def extend(self, words: int) -> None:
        """Move the cursor by words, keeping the anchor: the selection grows or shrinks."""
        self.cursor = self._clamp(self.cursor + words)
        self.active = True

    def extend_sentence(self, direction: int) -> None:
        """Extend to the end of this sentence (or the next), or back to its start."""
        start, end = self._sentence_of(self.cursor)
        if direction > 0:
            target = self._word_ending_at(end)
            if target == self.cursor:
                nxt = self._clamp(self.cursor + 1)
                target = self._word_ending_at(self._sentence_of(nxt)[1])
        else:
            target = self._word_starting_at(start)
            if target == self.cursor:
                prev = self._clamp(self.cursor - 1)
                target = self._word_starting_at(self._sentence_of(prev)[0])
        self.cursor = target
        self.active = True

    def select_sentence(self) -> None:
        """Select the whole sentence under the cursor."""
        start, end = self._sentence_of(self.cursor)
        self.anchor = self._word_starting_at(start)
        self.cursor = self._word_ending_at(end)
        self.active = True

    def select_all(self) -> None:
        """Select the whole excerpt."""
        self.anchor, self.cursor = 0, len(self.words) - 1
        self.active = True

    def select_span(self, start: int, end: int) -> None:
        """Select the words covering start..end (a coding's span)."""
        self.anchor = self.word_at(start)
        self.cursor = self.word_at(max(start, end - 1))
        self.active = True

    def word_at(self, offset: int) -> int:
        """The index of the word holding offset, or the nearest before it."""
        index = bisect_right([w[0] for w in self.words], offset) - 1
        return self._clamp(index)

    def _sentence_of(self, word: int) -> tuple[int, int]:
        offset = self.words[word][0]
        for start, end in self.sentences:
            if offset < end:
                return (start, end)
        return self.sentences[-1]

    def _word_ending_at(self, end: int) -> int:
        candidates = [i for i, w in enumerate(self.words) if w[1] <= end]
        return candidates[-1] if candidates else 0

    def _word_starting_at(self, start: int) -> int:
        return next((i for i, w in enumerate(self.words) if w[0] >= start), len(self.words) - 1)

    def _clamp(self, index: int) -> int:
        return max(0, min(index, len(self.words) - 1))
