"""Snippets of search hits: a window of the excerpt around its matches, matches marked.

The database ranks and cuts the hits; the snippets of the page shown are made
here, from the excerpts' text. Asking FTS5's snippet() for them instead costs a
snippet for every hit before the sort (snippet is a result column), 7 ms of the
10 ms a two-word query took on 100,000 excerpts; asking it only for the page
means matching the query again per row, slower still. Making them here also
gives both backends the same snippets.

Which words are marked is decided by search_match.py: every word of the query
the index compares equal, a NEAR group's words only where they are near each other.
"""

from __future__ import annotations

from testimony.coding.search_match import Instance, QueryMatcher

WINDOW = 24  # words in a snippet, as FTS5's snippet(..., 24) gave
LEAD = 4  # words of context kept before the first match in a window


class Snippets:
    """Makes the snippets of one query's hits."""

    def __init__(self, query: str) -> None:
        self.matcher = QueryMatcher(query)

    def __call__(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        """The snippet of one excerpt and its highlights as (start, end) offsets into it."""
        found = self.matcher.find(text)
        tokens = found.words
        instances = self.matcher.marked(found)
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

    @staticmethod
    def _window(words: int, instances: list[Instance]) -> tuple[int, int]:
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
