"""Finding known identifiers everywhere: case-insensitive, on word boundaries.

Text is cut into runs of letters and digits, so a known name is found in its
possessive ("Gaukhar's"), hyphenated ("Vostok-5", "Ukrainian-origin") and
lowercase ("yerlan") forms alike; a Cyrillic one in its Latin spelling too
(«Луч» and "Luch"). Lookup is by n-grams of those runs in a dict,
so the cost grows with the text, not with the number of known identifiers.
A one-word form that is also a common English word and was learnt capitalised
("Hope", "Will") is found only capitalised, so that "he will" stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from testimony.redact.common import is_common
from testimony.redact.detectors.names import latin

WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 6


@dataclass(frozen=True)
class KnownMatch:
    start: int
    end: int
    label: str
    detector: str


class KnownForms:
    """A set of identifier forms (as word sequences) with their label and source."""

    def __init__(self) -> None:
        self.forms: dict[tuple[str, ...], tuple[str, str]] = {}
        # One-word forms learnt capitalised; a lowercase form (as the vault stores
        # them, or from an automatic transcript) is found in any case.
        self.capitalised: dict[str, bool] = {}
        self.firsts: set[str] = set()
        self.longest = 1

    def copy(self) -> KnownForms:
        """Another set holding the same forms, to add to without changing this one."""
        other = KnownForms()
        other.forms, other.firsts, other.longest = dict(self.forms), set(self.firsts), self.longest
        return other

    def __contains__(self, surface: str) -> bool:
        return words_of(surface) in self.forms

    def __len__(self) -> int:
        return len(self.forms)

    def add(self, surface: str, label: str, detector: str = "known") -> bool:
        """Remember a form; False if it is empty, too long or already known."""
        key = words_of(surface)
        if not key or len(key) > MAX_WORDS or key in self.forms:
            return False
        self._put(key, label, detector)
        if len(key) == 1 and surface.strip()[:1].isupper():
            self.capitalised[key[0]] = True
        if not surface.isascii():  # «Луч» is also "Luch" when the speaker spells it out
            latin_key = tuple(latin(word) for word in key)
            if latin_key != key and latin_key not in self.forms and all(latin_key):
                self._put(latin_key, label, detector)
        return True

    def _put(self, key: tuple[str, ...], label: str, detector: str) -> None:
        self.forms[key] = (label, detector)
        self.firsts.add(key[0])
        self.longest = max(self.longest, len(key))

    def find(self, text: str, tokens: list[Token] | None = None) -> list[KnownMatch]:
        """Every occurrence of a known form in text, longest first where they overlap."""
        if not self.forms:
            return []
        tokens = tokens if tokens is not None else tokenize(text)
        words = [t[2] for t in tokens]
        found: list[KnownMatch] = []
        i = 0
        while i < len(tokens):
            if words[i] not in self.firsts:
                i += 1
                continue
            for n in range(min(self.longest, len(tokens) - i), 0, -1):
                hit = self.forms.get(tuple(words[i : i + n]))
                if hit and n == 1 and not self._as_written(text, tokens[i], hit[1]):
                    hit = None
                if hit:
                    found.append(KnownMatch(tokens[i][0], tokens[i + n - 1][1], *hit))
                    i += n
                    break
            else:
                i += 1
        return found

    def _as_written(self, text: str, token: Token, detector: str) -> bool:
        """A common word learnt capitalised as a name is found again only capitalised:
        "Hope" learnt from "a girl, Hope," leaves "it means hope"; a deny-list entry
        is found in any case."""
        word = token[2]
        if detector == "list" or word not in self.capitalised or not is_common(word):
            return True
        return text[token[0]].isupper()


Token = tuple[int, int, str]  # start, end, case-folded word


def tokenize(text: str) -> list[Token]:
    """Runs of letters and digits, case-folded: shared by every word-level matcher."""
    return [(m.start(), m.end(), m.group().casefold()) for m in WORD.finditer(text)]


def words_of(surface: str) -> tuple[str, ...]:
    words = [w.casefold() for w in WORD.findall(surface)]
    if len(words) > 1 and words[-1] == "s" and surface.rstrip()[-2:] in {"'s", "’s"}:
        words.pop()  # a possessive names the same person
    return tuple(words)
