"""Selections of another tool's source text, as spans of our raw excerpts.

A tool counts positions in the text it stored. Tools differ: some count a
CRLF as two characters and some as one; some write endPosition exclusive (as
the standard does) and some inclusive. The reading is chosen for the whole
file by evidence: a selection's name, when a tool wrote the selected text
there, decides; otherwise the reading whose selections start and end on word
boundaries more often wins (ties go to the standard's reading).

Our excerpts are the source text cut into speaker turns and paragraphs, with
labels and blank lines left out; each excerpt's words are found in the text in
order, so a position maps to an offset inside one excerpt. A selection over
several excerpts becomes one span per excerpt.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from testimony.refi.model import RefiSelection

_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Reading:
    """How one file's positions are read."""

    crlf_as_one: bool
    inclusive_end: bool
    by: str  # "selection text" | "word boundaries" | "no selections"
    utf16: bool = False  # positions count UTF-16 code units (.NET and Java tools), not code points


@dataclass(frozen=True)
class Span:
    """A span of one raw excerpt (1-based position in the interview)."""

    position: int
    start: int
    end: int


class SourceText:
    """A source's text as the tool stored it, normalised as our readers normalise text,
    with a map from the tool's positions to positions in the normalised text."""

    def __init__(self, original: str) -> None:
        self.original = original.removeprefix("\ufeff")
        self.has_crlf = "\r\n" in self.original
        self.has_astral = any(ord(ch) > 0xFFFF for ch in self.original)
        self.normalized, self._from_original = _normalize(self.original)
        self._maps: dict[tuple[bool, bool], list[int]] = {}

    def _map(self, crlf_as_one: bool, utf16: bool) -> list[int]:
        """For each position as the tool counts, the position in the original text."""
        key = (crlf_as_one, utf16)
        if key not in self._maps:
            out: list[int] = []
            text = self.original
            for i, ch in enumerate(text):
                if crlf_as_one and ch == "\n" and i and text[i - 1] == "\r":
                    continue  # counted with its CR
                out.extend([i] * (2 if utf16 and ord(ch) > 0xFFFF else 1))
            out.append(len(text))
            self._maps[key] = out
        return self._maps[key]

    def length(self, reading: Reading) -> int:
        return len(self._map(reading.crlf_as_one, reading.utf16)) - 1

    def to_normalized(self, position: int, reading: Reading) -> int:
        return self._from_original[self._map(reading.crlf_as_one, reading.utf16)[position]]

    def bounds(self, selection: RefiSelection, reading: Reading) -> tuple[int, int]:
        """The selection in normalised positions, end exclusive, clamped to the text."""
        limit = self.length(reading)
        end = selection.end + (1 if reading.inclusive_end else 0)
        start = min(max(selection.start, 0), limit)
        end = min(max(end, start), limit)
        return self.to_normalized(start, reading), self.to_normalized(end, reading)


def choose_reading(sources: list[tuple[SourceText, list[RefiSelection]]]) -> Reading:
    """The reading of positions the file's selections agree with best."""
    crlf = any(text.has_crlf for text, _s in sources)
    astral = any(text.has_astral for text, _s in sources)
    candidates = [
        Reading(one, inclusive, "", utf16)
        for utf16 in ((False, True) if astral else (False,))
        for inclusive in (False, True)
        for one in ((False, True) if crlf else (False,))
    ]
    scores = {c: [0, 0] for c in candidates}  # [named matches, boundary matches]
    total = 0
    for text, selections in sources:
        for selection in selections:
            total += 1
            for candidate in candidates:
                named, boundary = _evidence(text, selection, candidate)
                scores[candidate][0] += named
                scores[candidate][1] += boundary
    if not total:
        return Reading(False, False, "no selections")
    best = max(candidates, key=lambda c: (scores[c][0], scores[c][1], -candidates.index(c)))
    by = "selection text" if scores[best][0] else "word boundaries"
    return Reading(best.crlf_as_one, best.inclusive_end, by, best.utf16)


def _evidence(text: SourceText, selection: RefiSelection, reading: Reading) -> tuple[int, int]:
    if selection.end + (1 if reading.inclusive_end else 0) > text.length(reading):
        return -1000, -1000  # this reading puts the selection past the end of the text
    start, end = text.bounds(selection, reading)
    chosen = text.normalized[start:end]
    named = 0
    name = _squash(selection.name)
    got = _squash(chosen)
    if name and len(name) < 3 and got == name:
        named = 1  # a short name ("I", "🙂") decides only where word boundaries cannot
    elif len(name) >= 3:
        if got == name:
            named = 2
        elif name.rstrip(".… ") and got.startswith(name.rstrip(".… ")) and len(got) > len(name):
            named = 1  # a tool writes the first words of a long selection
    body = text.normalized
    boundary = 0
    if start == 0 or not body[start - 1].isalnum():
        boundary += 1
    if start < len(body) and not body[start].isspace():
        boundary += 1
    if end == len(body) or not body[end].isalnum():
        boundary += 1
    if end > 0 and not body[end - 1].isspace():
        boundary += 1
    return named, boundary


def _squash(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


class ExcerptMap:
    """Where each raw excerpt's words are in the normalised source text."""

    def __init__(self, normalized: str, excerpts: list[str]) -> None:
        self.lengths = [len(text) for text in excerpts]
        self.tokens: list[list[tuple[int, int, int]]] = []  # (excerpt offset, text pos, length)
        cursor = 0
        for excerpt in excerpts:
            found = []
            for match in _TOKEN.finditer(excerpt):
                at = _find_word(normalized, match.group(), cursor)
                found.append((match.start(), at, len(match.group())))
                cursor = at + len(match.group())
            self.tokens.append(found)
        self.starts = [t[0][1] if t else 0 for t in self.tokens]
        self.ends = [t[-1][1] + t[-1][2] if t else 0 for t in self.tokens]

    def spans(self, start: int, end: int) -> list[Span]:
        """The excerpt spans covering normalised text[start:end]; [] if it covers no words."""
        first = bisect.bisect_right(self.ends, start)  # first excerpt ending after start
        last = bisect.bisect_left(self.starts, end) - 1  # last excerpt starting before end
        out = []
        for index in range(first, last + 1):
            a = self._offset(index, start) if index == first else 0
            b = self._offset(index, end) if index == last else self.lengths[index]
            if b > a:
                out.append(Span(index + 1, a, b))
        return out

    def _offset(self, index: int, position: int) -> int:
        """An offset into excerpt index for a text position within its words' range."""
        tokens = self.tokens[index]
        i = bisect.bisect_right([t[1] for t in tokens], position) - 1
        if i < 0:
            return 0  # before its first word: the excerpt's start
        offset, at, length = tokens[i]
        if position <= at + length:
            return offset + position - at
        if i + 1 == len(tokens):
            return offset + length
        # Between two words: as far into the excerpt's own space (which may be shorter).
        gap = tokens[i + 1][0] - offset - length
        return offset + length + min(position - at - length, gap)


def _find_word(text: str, word: str, cursor: int) -> int:
    """The next place word stands alone in text from cursor (else its next place at all).

    Looks a bounded number of times: a word cut out of a longer one (a very long
    paragraph is cut at a fixed width) never stands alone, and scanning the whole
    rest of the text for each such word would be quadratic.
    """
    first = at = text.find(word, cursor)
    if first < 0:
        raise ValueError("an excerpt's words are not in its source text")
    for _ in range(64):
        if at < 0:
            break
        after = at + len(word)
        if (at == 0 or text[at - 1].isspace()) and (after == len(text) or text[after].isspace()):
            return at
        at = text.find(word, at + 1)
    return first


def _normalize(original: str) -> tuple[str, list[int]]:
    """The text as the transcript readers see it (LF, NFC, no BOM), and for each original
    position the matching normalised position (one more entry for the end)."""
    pieces: list[str] = []
    index: list[int] = []
    i = 0
    length = 0
    while i < len(original):
        ch = original[i]
        index.append(length)
        if ch == "\r" and original.startswith("\r\n", i):
            index.append(length)
            pieces.append("\n")
            length += 1
            i += 2
            continue
        if ch in "\r\u2028":
            ch = "\n"
        if ch == "\ufeff":
            i += 1
            continue
        pieces.append(ch)
        length += 1
        i += 1
    index.append(length)
    flat = "".join(pieces)
    if unicodedata.is_normalized("NFC", flat):
        return flat, index
    # Compose per cluster (a starter and its combining marks) and map each cluster's start.
    composed: list[str] = []
    cluster_map: list[int] = []
    out_length = 0
    start = 0
    for j in range(1, len(flat) + 1):
        if j == len(flat) or unicodedata.combining(flat[j]) == 0:
            piece = unicodedata.normalize("NFC", flat[start:j])
            cluster_map.extend([out_length] * (j - start))
            composed.append(piece)
            out_length += len(piece)
            start = j
    cluster_map.append(out_length)
    return "".join(composed), [cluster_map[k] for k in index]
