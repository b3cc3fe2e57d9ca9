"""Snippets of search hits: a window of the excerpt around its matches, matches marked.

The database ranks and cuts the hits; the snippets of the page shown are made
here, from the excerpts' text. Asking FTS5's snippet() for them instead costs a
snippet for every hit before the sort (snippet is a result column), 7 ms of the
10 ms a two-word query took on 100,000 excerpts; asking it only for the page
means matching the query again per row, slower still. Making them here also
gives both backends the same snippets.

Words are compared as the indexes compare them: runs of letters and digits,
case-folded, accents removed (FTS5's unicode61 with remove_diacritics, and the
unaccent configuration on PostgreSQL).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

from testimony.coding.search import parse_query

WINDOW = 24  # words in a snippet, as FTS5's snippet(..., 24) gave
LEAD = 4  # words of context kept before the first match in a window
_TOKEN = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")


def fold(word: str) -> str:
    """Lower case without accents, as the indexes compare words."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    prefix: bool  # the last word is a prefix

    def matches(self, folded: list[str], at: int) -> bool:
        if at + len(self.words) > len(folded):
            return False
        *head, last = self.words
        if any(folded[at + k] != word for k, word in enumerate(head)):
            return False
        word = folded[at + len(head)]
        return word.startswith(last) if self.prefix else word == last


def _pattern(phrase: _Phrase) -> re.Pattern[str]:
    """A phrase as a regex over lower-cased ASCII text: whole words, any separators between."""
    words = [re.escape(w) for w in phrase.words]
    if phrase.prefix:
        words[-1] += r"[^\W_]*"
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(words) + r"(?![^\W_])")


class Snippets:
    """Makes the snippets of one query's hits."""

    def __init__(self, query: str) -> None:
        phrases = []
        for terms in parse_query(query):
            for written, prefix in terms:
                words = tuple(fold(w) for w in _TOKEN.findall(written))
                if words:
                    phrases.append(_Phrase(words, prefix))
        self.phrases = list(dict.fromkeys(phrases))
        self._first: dict[str, list[int]] = {}  # first word -> phrases starting with it
        self._prefixes: list[tuple[str, int]] = []  # one-word prefix phrases
        for index, phrase in enumerate(self.phrases):
            if phrase.prefix and len(phrase.words) == 1:
                self._prefixes.append((phrase.words[0], index))
            else:
                self._first.setdefault(phrase.words[0], []).append(index)
        self._patterns = [_pattern(phrase) for phrase in self.phrases]

    def _starting(self, word: str) -> list[int]:
        """The phrases that may start at this word."""
        found = self._first.get(word, [])
        if self._prefixes:
            found = found + [i for prefix, i in self._prefixes if word.startswith(prefix)]
        return found

    def __call__(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        """The snippet of one excerpt and its highlights as (start, end) offsets into it."""
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        if text.isascii():  # the common case: lower() keeps every offset, a regex finds all
            instances = self._ascii_instances(text.lower(), tokens)
        else:
            instances = self._instances([fold(text[a:b]) for a, b in tokens])
        first, last = self._window(len(tokens), instances)
        begin = tokens[first][0] if first > 0 else 0
        end = tokens[last - 1][1] if last < len(tokens) else len(text.rstrip())
        lead = "…" if first > 0 else ""
        snippet = lead + text[begin:end] + ("…" if last < len(tokens) else "")
        highlights: list[tuple[int, int]] = []
        for a, b, _phrase in instances:
            if a < first or b >= last:
                continue
            start, stop = tokens[a][0] - begin + len(lead), tokens[b][1] - begin + len(lead)
            if highlights and start < highlights[-1][1]:  # overlapping matches: one mark
                highlights[-1] = (highlights[-1][0], max(stop, highlights[-1][1]))
            else:
                highlights.append((start, stop))
        return snippet, highlights

    def _instances(self, folded: list[str]) -> list[tuple[int, int, int]]:
        """(first word, last word, phrase) of every match, word by word."""
        instances = []
        for at, word in enumerate(folded):
            for index in self._starting(word):
                if self.phrases[index].matches(folded, at):
                    instances.append((at, at + len(self.phrases[index].words) - 1, index))
        return instances

    def _ascii_instances(
        self, lowered: str, tokens: list[tuple[int, int]]
    ) -> list[tuple[int, int, int]]:
        """The same as _instances for an ASCII text, with one regex per phrase."""
        starts = [a for a, _b in tokens]
        instances = []
        for index, pattern in enumerate(self._patterns):
            for match in pattern.finditer(lowered):
                first = bisect_left(starts, match.start())
                instances.append((first, bisect_left(starts, match.end()) - 1, index))
        instances.sort()
        return instances

    @staticmethod
    def _window(words: int, instances: list[tuple[int, int, int]]) -> tuple[int, int]:
        """The words [first, last) to show: the window with the most different phrases."""
        if words <= WINDOW or not instances:
            return 0, min(words, WINDOW)
        best = (-1, -1, 0)
        for a, _b, _phrase in instances:
            first = max(0, min(a - LEAD, words - WINDOW))
            inside = [i for i in instances if first <= i[0] and i[1] < first + WINDOW]
            score = (len({i[2] for i in inside}), len(inside), -first)
            best = max(best, score)
        first = -best[2]
        return first, first + WINDOW
