"""Places from the shipped gazetteer: towns, villages, districts, microdistricts, streets.

spaCy's small model knows Almaty but not Boralday, Orbita-3 or "taldy korgan"
as an automatic transcript writes it. A listed place is taken when it is
capitalised, or lowercase and rare in English; a place whose name is also a
word (Mira, Orbita, Oral) only after "in", "from", "to", "near", "at"; a
street name only after "on", "at", "along" or "corner of".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from testimony.redact.common import zipf
from testimony.redact.data_files import data_lines
from testimony.redact.detectors.base import Detection

WORD = re.compile(r"[^\W_]+")
PLACE_CONTEXT = re.compile(
    r"(?i:\b(?:in|from|to|near|at|of|into|around|towards|outside)\s+(?:the\s+)?)$"
)
STREET_CONTEXT = re.compile(r"(?i:\b(?:on|at|along|off|corner\s+of|and|near)\s+(?:the\s+)?)$")
# "Zhibek Zholy 50", "Tole bi 188, flat 4": a listed street with its house number.
HOUSE_AFTER = re.compile(
    r",?\s+\d{1,3}(?!\d)[A-Za-z]?(?:\s?[-/]\s?\d{1,3})?"
    r"(?![\d.:,]\d|\s*(?i:years?|people|tenge|%))"
    r"(?:,?\s*(?i:flat|apt\.?|apartment|kv\.?)\s*\d{1,4})?"
)
FILES = {
    "settlements.txt": "GPE",
    "districts.txt": "GPE",
    "neighbourhoods.txt": "GPE",
    "streets.txt": "ADDRESS",
}


@dataclass(frozen=True)
class Place:
    label: str
    ambiguous: bool


def _plain(text: str) -> str:
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=1)
def gazetteer() -> tuple[dict[tuple[str, ...], Place], int]:
    entries: dict[tuple[str, ...], Place] = {}
    for name, label in FILES.items():
        for line in data_lines("places", name):
            fields = line.split("\t")
            key = tuple(WORD.findall(_plain(fields[0])))
            if key and key not in entries:
                entries[key] = Place(label, len(fields) > 3 and fields[3].strip() == "ambiguous")
    longest = max((len(k) for k in entries), default=1)
    return entries, longest


@lru_cache(maxsize=1)
def _street_keys() -> frozenset[tuple[str, ...]]:
    """Street names, also those the gazetteer lists first as a village or district."""
    return frozenset(
        tuple(WORD.findall(_plain(line.split("\t")[0])))
        for line in data_lines("places", "streets.txt")
    )


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    return frozenset(key[0] for key in gazetteer()[0])


def is_listed_place(surface: str, ambiguous: bool = True) -> bool:
    """Whether the gazetteer knows this name (any case, accents ignored); with ambiguous
    False, not counting names that are also words or names of people (Mira, Oral)."""
    place = gazetteer()[0].get(tuple(WORD.findall(_plain(surface))))
    return place is not None and (ambiguous or not place.ambiguous)


def find_places(text: str, tokens: list[tuple[int, int, str]] | None = None) -> Iterator[Detection]:
    entries, longest = gazetteer()
    if not entries:
        return
    if tokens is None:
        tokens = [(m.start(), m.end(), m.group().casefold()) for m in WORD.finditer(text)]
    words = [_plain(word) for _start, _end, word in tokens]
    firsts = _first_words()
    i = 0
    while i < len(tokens):
        if words[i] not in firsts:
            i += 1
            continue
        for n in range(min(longest, len(tokens) - i), 0, -1):
            place = entries.get(tuple(words[i : i + n]))
            if place is None:
                continue
            start, end = tokens[i][0], tokens[i + n - 1][1]
            surface = text[start:end]
            key = tuple(words[i : i + n])
            house = HOUSE_AFTER.match(text, end) if key in _street_keys() else None
            if house and surface[:1].isupper():
                yield Detection(start, house.end(), "ADDRESS", "gazetteer", 0.8)
                i += n
                break
            if _acceptable(text, start, surface, place):
                yield Detection(start, end, place.label, "gazetteer", 0.8)
                i += n
                break
        else:
            i += 1
            continue


def _acceptable(text: str, start: int, surface: str, place: Place) -> bool:
    before = text[max(0, start - 20) : start]
    if place.label == "ADDRESS":
        return surface[:1].isupper() and bool(STREET_CONTEXT.search(before))
    if place.ambiguous:
        return surface[:1].isupper() and bool(PLACE_CONTEXT.search(before))
    if surface[:1].isupper():
        return surface.isupper() is False or len(surface) > 3
    if zipf(surface) < 2.5:
        return True  # "taldy korgan" in an automatic transcript
    # "i came to almaty": a better-known place, lowercase, where a place is expected
    return zipf(surface) < 3.5 and bool(PLACE_CONTEXT.search(before))
