"""Workplaces and shops named by a proper word and a lowercase kind of place.

"the Arbat pharmacy", "the Bogatyr coal mine", "at the Magnum on Dostyk": a
workplace, with a town, narrows a person down to a handful of colleagues. NER
takes the proper word for a person or a place, or nothing, and leaves the kind
of place behind. The proper word must be rare in English and not a country or
nationality ("the Kazakh hospital" names no building).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from testimony.redact.common import zipf
from testimony.redact.detectors.base import Detection
from testimony.redact.detectors.context import LOWER, UPPER
from testimony.redact.detectors.names import NameLexicon, lexicon

KINDS = (
    r"pharmacy|drugstore|mine|pit|smelter|plant|factory|works|refinery|depot|warehouse|"
    r"dispensary|hospital|clinic|polyclinic|salon|cafe|café|canteen|restaurant|bakery|shop|"
    r"store|supermarket|mall|market|bazaar|hotel|hostel|garage|car\s+wash|sauna|bathhouse|"
    r"kindergarten|lyceum|gymnasium|college|dacha|farm|sovkhoz|kolkhoz|cement"
)
PROPER = rf"[{UPPER}][{LOWER}'’-]+"
WORKPLACE = re.compile(
    rf"(?<![\w-])(?P<name>{PROPER}(?:\s+{PROPER})?)\s+(?P<between>(?:[a-z][a-z-]+\s+){{0,2}}?)"
    rf"(?:{KINDS})s?\b"
)


def find_workplaces(text: str, lex: NameLexicon | None = None) -> Iterator[Detection]:
    """A rare proper word (or two) before a kind of workplace, the whole as an ORG."""
    from testimony.redact.detectors.public import generic_words

    lex = lex or lexicon()
    generic = generic_words()
    for match in WORKPLACE.finditer(text):
        words = match.group("name").split()
        between = match.group("between").split()
        if any(w.casefold() in STOP_WORDS or w.casefold() in generic for w in words):
            continue
        if any(w in STOP_WORDS or w.endswith(("ed", "s")) for w in between):
            continue  # "Maria went to the shop", "Serik owns shops"
        if between and lex.is_safe_name(words[0]):
            continue  # "Aigerim opened a shop": a person, not a workplace's name
        if min(zipf(w) for w in words) >= 3.5:
            continue  # "Central market", "Main street shop": ordinary words
        yield Detection(match.start(), match.end(), "ORG", "context", 0.7)
