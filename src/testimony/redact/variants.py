"""Misspelled and affectionate forms of names already found: "Dinarra", "aigrim",
"Dilnozza" (one letter off), "Malichka", "Aikosha" (a known name's stem with a
diminutive suffix). Automatic transcripts and hurried typists make these; a
reader recognises the person all the same, so the engine must too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from testimony.redact.common import zipf
from testimony.redact.detectors.base import Detection

WORD = re.compile(r"[^\W\d_]{4,}")
DIMINUTIVE_SUFFIXES = (
    "ochka",
    "echka",
    "ushka",
    "yushka",
    "chka",
    "shka",
    "osha",
    "usha",
    "ysha",
    "sha",
    "chik",
    "jan",
    "zhan",
    "ka",
    "ik",
    "ush",
    "ulya",
    "yusha",
)
MIN_LENGTH = 5


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class VariantIndex:
    """Single-word names (of people and places), indexed for one-edit lookups (SymSpell-style)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: dict[str, str] = {}  # name -> label
        self.deletes: dict[str, set[str]] = {}
        self.stems: dict[str, set[str]] = {}
        for name in names:
            self.add(name)

    def add(self, name: str, label: str = "PERSON") -> None:
        key = name.casefold()
        if len(key) < 3 or key in self.names or not key.isalpha():
            return
        self.names[key] = label
        if len(key) < MIN_LENGTH - 1:
            return  # too short to tell a misspelling from another word
        for variant in _deletions(key):
            self.deletes.setdefault(variant, set()).add(key)
        self.stems.setdefault(key[:3], set()).add(key)

    def close_to(self, word: str) -> str | None:
        """A known name one edit away from word (insert, delete or substitute one letter)."""
        key = word.casefold()
        if len(key) < MIN_LENGTH or key in self.names:
            return None
        if key in self.deletes:
            return next(iter(self.deletes[key]))
        for variant in _deletions(key):
            if variant in self.names:
                return variant
            if variant in self.deletes:
                return next(iter(self.deletes[variant]))
        return None

    def diminutive_of(self, word: str) -> str | None:
        """A known name whose stem this word is, with an affectionate suffix."""
        key = word.casefold()
        for suffix in DIMINUTIVE_SUFFIXES:
            if key.endswith(suffix) and len(key) - len(suffix) >= 3:
                stem = key[: -len(suffix)]
                for name in self.stems.get(stem[:3], ()):
                    if name.startswith(stem) and name != key:
                        return name
        return None


FAMILY = re.compile(r"\b[Tt]he\s+(?P<name>[A-Z][a-z]{1,20})(?:s|es)\b")


def find_variants(
    text: str,
    index: VariantIndex,
    covered: list[tuple[int, int]],
    tokens: list[tuple[int, int, str]] | None = None,
) -> Iterator[Detection]:
    """Name variants in text that no other detector has covered."""
    if tokens is None:
        tokens = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    for start, end, _folded in tokens:
        word = text[start:end]
        if len(word) < 4 or not word.isalpha():
            continue
        if any(a < end and start < b for a, b in covered):
            continue
        if zipf(word) >= 3.0:
            continue
        name = index.close_to(word)
        if name or word[0].isupper() and (name := index.diminutive_of(word)):
            yield Detection(start, end, index.names[name], "variant", 0.6)
    for match in FAMILY.finditer(text):  # "the Paks", "the Tulegenovs"
        if index.names.get(match.group("name").casefold()) == "PERSON":
            yield Detection(match.start("name"), match.end(), "PERSON", "variant", 0.7)
