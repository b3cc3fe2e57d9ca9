"""Normalised forms of identifiers: how mentions are matched to entities and fingerprinted."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\D")


def normalise(text: str, label: str = "") -> str:
    """One form per identifier: case-folded, NFKC, single spaces, no possessive."""
    text = unicodedata.normalize("NFKC", text).strip()
    if label == "PHONE":
        digits = _DIGITS.sub("", text)
        return digits[-10:] if len(digits) >= 10 else digits
    text = _SPACE.sub(" ", text).casefold()
    text = _POSSESSIVE.sub("", text)
    text = text.strip(" .,;:!?\"'«»()[]")
    if label == "PERSON":
        _title, text = split_title(text)
    return text


TITLES = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "major",
    "captain",
    "lieutenant",
    "colonel",
    "sergeant",
    "inspector",
    "judge",
    "officer",
    "aunt",
    "uncle",
    "apa",
    "aga",
    "agai",
    "apai",
    "mister",
    "madam",
    "lawyer",
    "advocate",
    "doctor",
    "nurse",
    "teacher",
}


@lru_cache(maxsize=65536)  # called for every word of every name found; few distinct words
def is_name_word(word: str) -> bool:
    """A word of a name that may stand alone as a form: not a title, not a common word."""
    from spacy.lang.en.stop_words import STOP_WORDS

    lowered = word.casefold()
    return len(word) >= 3 and word.isalpha() and lowered not in STOP_WORDS and lowered not in TITLES


def split_title(name: str) -> tuple[str, str]:
    """'Major Abdrakhmanov' -> ('Major', 'Abdrakhmanov'); titles are kept, not redacted."""
    words = name.split()
    titles = []
    while len(words) > 1 and words[0].casefold().rstrip(".") in TITLES:
        titles.append(words.pop(0))
    return " ".join(titles), " ".join(words)
