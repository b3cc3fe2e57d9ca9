"""States and national institutions: names that identify no one.

"The Turkish Government", "the Republic of Poland", "the Supreme Administrative
Court", "the Ministry of Foreign Affairs": a report may name them, and masking
them hides what the testimony is about. A span counts as public when all of
its words are institution words, country names or nationality adjectives and
at least one is an institution word. A local body ("the Auezov district police
department", "Crisis Centre Komek") has a proper name in it and stays masked.
"""

from __future__ import annotations

import re
from functools import lru_cache

from testimony.redact.data_files import data_lines

INSTITUTION_WORDS = {
    "government",
    "republic",
    "kingdom",
    "federation",
    "state",
    "states",
    "ministry",
    "minister",
    "court",
    "courts",
    "supreme",
    "constitutional",
    "administrative",
    "federal",
    "high",
    "appeal",
    "appeals",
    "cassation",
    "chamber",
    "section",
    "grand",
    "commission",
    "council",
    "parliament",
    "assembly",
    "senate",
    "mazhilis",
    "prosecutor",
    "prosecutor's",
    "general",
    "principal",
    "public",
    "office",
    "department",
    "directorate",
    "agency",
    "authority",
    "service",
    "committee",
    "national",
    "european",
    "union",
    "united",
    "nations",
    "human",
    "rights",
    "foreign",
    "affairs",
    "justice",
    "interior",
    "internal",
    "defence",
    "defense",
    "health",
    "labour",
    "social",
    "protection",
    "security",
    "military",
    "police",
    "law",
    "international",
    "convention",
    "registry",
    "president",
    "presidential",
    "cabinet",
    "criminal",
    "civil",
    "penal",
    "code",
    "executive",
    "legislative",
    "commonwealth",
    "delegation",
    "embassy",
    "consulate",
    "army",
    "armed",
    "forces",
    "navy",
    "ombudsman",
    "central",
    "bank",
    "treasury",
    "tax",
    "customs",
    "border",
    "guard",
    "education",
    "science",
    "finance",
    "economy",
    "culture",
    "people's",
    "peoples",
    "democratic",
    "socialist",
    "soviet",
    "union's",
    "institute",
    "academy",
    "university",
    "agents",
    "agent",
}
GLUE = {"the", "of", "and", "for", "on", "in", "to", "at", "de", "des", "du", "la", "le", "&"}
NATIONALITIES = {
    "afghan",
    "albanian",
    "algerian",
    "american",
    "armenian",
    "austrian",
    "azerbaijani",
    "belarusian",
    "belgian",
    "british",
    "bulgarian",
    "chinese",
    "croatian",
    "cypriot",
    "czech",
    "danish",
    "dutch",
    "english",
    "estonian",
    "european",
    "finnish",
    "french",
    "georgian",
    "german",
    "greek",
    "hungarian",
    "icelandic",
    "indian",
    "iranian",
    "irish",
    "italian",
    "japanese",
    "kazakh",
    "kazakhstani",
    "korean",
    "kyrgyz",
    "latvian",
    "lithuanian",
    "luxembourgish",
    "macedonian",
    "maltese",
    "moldovan",
    "mongolian",
    "montenegrin",
    "norwegian",
    "polish",
    "portuguese",
    "romanian",
    "russian",
    "scottish",
    "serbian",
    "slovak",
    "slovenian",
    "spanish",
    "swedish",
    "swiss",
    "tajik",
    "turkish",
    "turkmen",
    "ukrainian",
    "uzbek",
    "welsh",
}
WORD = re.compile(r"[^\W_][\w'’]*")


@lru_cache(maxsize=1)
def country_words() -> frozenset[str]:
    """Words of every country's English name (redact/data/countries.txt)."""
    words = {w.casefold() for line in data_lines("countries.txt") for w in WORD.findall(line)}
    return frozenset(words - GLUE)


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """Words that name no particular place: institution words, nationalities, countries."""
    return frozenset(INSTITUTION_WORDS | NATIONALITIES | country_words())


# A court or a police body says where a case was heard, which can narrow down who it is;
# a government or a ministry does not. Only these words make a span a public body.
STATE_WORDS = {
    "government",
    "republic",
    "ministry",
    "minister",
    "commission",
    "council",
    "parliament",
    "assembly",
    "senate",
    "mazhilis",
    "president",
    "presidential",
    "cabinet",
    "union",
    "nations",
    "convention",
    "embassy",
    "consulate",
    "delegation",
    "ombudsman",
    "treasury",
    "registry",
}


def is_public_body(surface: str) -> bool:
    """'The Turkish Government', 'the Republic of Poland': a state or a national institution."""
    words = [w.casefold() for w in WORD.findall(surface)]
    content = [w for w in words if w not in GLUE]
    if not content or not any(w in STATE_WORDS for w in content):
        return False
    generic = generic_words()
    return all(w in generic for w in content)
