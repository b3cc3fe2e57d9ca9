"""Pseudonym strategies: how the mentions of one entity are written in pseudonymized text.

- tag: the entity's stable tag, ``[PERSON-3]``; unmistakably a pseudonym.
- realistic (people): a made-up name of the same gender and naming culture where
  the lists can tell, never a word that occurs anywhere in the corpus; each
  mention keeps its shape ("Major Abdrakhmanov" -> "Major Ospanov", "Dinara's"
  -> "Ayana's", "yerlan" -> "daniyar").
- generalise (places and dates): "a village in Kazakhstan", "spring 2019".

The realistic name is chosen once per entity and kept in the vault (Entity.details).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from testimony.redact.data_files import data_lines
from testimony.redact.detectors.names import lexicon
from testimony.redact.forms import TITLES
from testimony.settings import STRATEGIES

__all__ = ["STRATEGIES", "choose_person", "render_mention", "render_person"]

# What each strategy can write; any other type falls back to its tag.
STRATEGY_LABELS = {
    "realistic": {"PERSON"},
    "generalise": {"GPE", "LOC", "DATE"},
}
FEMALE_ENDINGS = ("ova", "eva", "yeva", "ina", "skaya", "kyzy", "qyzy", "ovna", "evna", "ichna")
MALE_ENDINGS = ("ov", "ev", "yev", "in", "sky", "skiy", "uly", "ovich", "evich", "ich")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"(['’][sS]?)$")


def effective_strategy(strategy: str, label: str) -> str:
    """The strategy an entity of this type actually gets."""
    return strategy if label in STRATEGY_LABELS.get(strategy, set()) else "tag"


@dataclass(frozen=True)
class NamePool:
    given: dict[str, list[tuple[str, str]]]  # gender -> [(name, first origin)]
    surnames: dict[str, list[tuple[str, str]]]  # gender -> [(surname, first origin)]
    patronymics: dict[str, list[str]]  # gender -> patronymics
    gender_of: dict[str, tuple[str, str]]  # casefolded given name -> (gender, origin)
    surname_origin: dict[str, str]


def _gender_of_surname(word: str) -> str:
    key = word.casefold()
    if key.endswith(FEMALE_ENDINGS):
        return "f"
    if key.endswith(MALE_ENDINGS):
        return "m"
    return ""


@lru_cache(maxsize=1)
def name_pool() -> NamePool:
    """The shipped name lists, arranged for choosing pseudonyms."""
    given: dict[str, list[tuple[str, str]]] = {"f": [], "m": []}
    gender_of: dict[str, tuple[str, str]] = {}
    for gender, file in (("f", "given-female.txt"), ("m", "given-male.txt")):
        for line in data_lines("names", file):
            name, _, origins = line.partition("\t")
            origin = origins.split(",")[0].strip()
            name = name.strip()
            if name.isalpha():
                given[gender].append((name, origin))
                gender_of.setdefault(name.casefold(), (gender, origin))
    surnames: dict[str, list[tuple[str, str]]] = {"f": [], "m": [], "": []}
    surname_origin: dict[str, str] = {}
    for line in data_lines("names", "surnames.txt"):
        name, _, origins = line.partition("\t")
        name, origin = name.strip(), origins.split(",")[0].strip()
        if name.isalpha():
            surnames[_gender_of_surname(name)].append((name, origin))
            surname_origin[name.casefold()] = origin
    patronymics: dict[str, list[str]] = {"f": [], "m": []}
    for line in data_lines("names", "patronymics.txt"):
        name, _, gender = line.partition("\t")
        if gender.strip() in patronymics and name.strip().isalpha():
            patronymics[gender.strip()].append(name.strip())
    return NamePool(given, surnames, patronymics, gender_of, surname_origin)


# --- people ---------------------------------------------------------------------------


# Words of rank that go before a title ("Senior Lieutenant"); kept, like titles.
RANKS = {"senior", "junior", "chief", "deputy", "first", "second", "police", "district"}


def _role(word: str, index: int, count: int) -> str:
    """given | surname | patronymic | title | initial, for one word of a person's name."""
    key = _POSSESSIVE.sub("", word.casefold().rstrip("."))
    lex = lexicon()
    if key in TITLES or (key in RANKS and index < count - 1):
        return "title"
    if len(key) == 1:
        return "initial"
    if lex.looks_like_patronymic(key) and index > 0:
        return "patronymic"
    if key in name_pool().gender_of or key in lex.diminutives:
        # "Ivanova Olga": a surname first is rarer than a given name, but the lists tell.
        return "surname" if index == 0 and count > 1 and key in lex.surnames else "given"
    if lex.looks_like_surname(key) or (count > 1 and index == count - 1):
        return "surname"
    return "given"


@dataclass(frozen=True)
class NameParts:
    """What a mention says of a person's name; an initial is a one-letter part."""

    given: str = ""
    surname: str = ""
    patronymic: str = ""

    def fits(self, other: NameParts) -> bool:
        """Whether two mentions can name one person: no part contradicts, and they
        share a surname, or a given name and patronymic."""
        pairs = [(self.given, other.given), (self.surname, other.surname)]
        pairs.append((self.patronymic, other.patronymic))
        for a, b in pairs:
            if a and b and not _same_part(a, b):
                return False
        if self.surname and other.surname:
            return len(self.surname) > 1 and len(other.surname) > 1
        named = [(a, b) for a, b in pairs[::2] if a and b]
        return len(named) == 2 and all(len(a) > 1 and len(b) > 1 for a, b in named)


def _same_part(a: str, b: str) -> bool:
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    if a == b:
        return True
    lex = lexicon()
    fulls = lex.diminutives.get(a, set()) | lex.spellings.get(a, set()) | {a}
    return b in fulls or bool(fulls & (lex.diminutives.get(b, set()) | lex.spellings.get(b, set())))


def name_parts(surface: str) -> NameParts:
    """'Dzhaksylykov Y. B.' -> surname dzhaksylykov, given y, patronymic b."""
    words = [w.casefold().rstrip(".") for w in _WORD.findall(surface)]
    parts: dict[str, str] = {}
    initials = []
    for index, word in enumerate(words):
        role = _role(word, index, len(words))
        if role == "initial":
            initials.append(word)
        elif role in {"given", "surname", "patronymic"} and role not in parts:
            parts[role] = word
        elif role == "given" and "surname" not in parts:
            parts["surname"] = word  # two given-looking words: the second is a surname
    if initials and "surname" not in parts and "given" in parts:
        parts["surname"] = parts.pop("given")  # "Seitkali A. B.": initials follow a surname
    for role, initial in zip(("given", "patronymic"), initials, strict=False):
        parts.setdefault(role, initial)
    return NameParts(**parts)


def person_profile(surface: str) -> tuple[str, str]:
    """(gender 'f'/'m'/'' , origin) as far as the words of a name tell."""
    pool, lex = name_pool(), lexicon()
    gender = origin = ""
    words = _WORD.findall(surface)
    for index, word in enumerate(words):
        key = word.casefold()
        role = _role(word, index, len(words))
        if role == "given":
            full = next(iter(sorted(lex.diminutives.get(key, ()))), key)
            found = pool.gender_of.get(key) or pool.gender_of.get(full)
            if found:
                gender = gender or found[0]
                origin = origin or found[1]
        elif role in {"surname", "patronymic"}:
            gender = gender or _gender_of_surname(word)
            origin = origin or pool.surname_origin.get(key, "")
    return gender, origin


@lru_cache(maxsize=256)
def _names(part: str, gender: str, origin: str) -> tuple[str, ...]:
    """Sorted candidates for one part of a name: of this origin if given, else all."""
    pool = name_pool()
    if part == "patronymic":
        # Russian-style patronymics ("Serikovna") are what documents in the region use.
        return tuple(sorted(p for p in pool.patronymics[gender] if p.endswith(("vna", "vich"))))
    candidates = pool.given[gender] if part == "given" else pool.surnames[gender]
    if part == "surname" and not candidates:
        candidates = pool.surnames[""]
    return tuple(sorted({n for n, o in candidates if not origin or o == origin}))


def choose_person(
    seed: int, surface: str, is_free: Callable[[str], bool], used_given: set[str]
) -> dict[str, str]:
    """A made-up name for a person: the parts a mention may need, same gender and origin.

    is_free(word) says a word occurs nowhere in the corpus and is no other pseudonym.
    Each part is the first free name from a point of the sorted list the seed picks, so
    a choice costs a few lookups, not a shuffle of the list.
    """
    gender, origin = person_profile(surface)
    rng = random.Random(seed)
    if not gender:
        gender = rng.choice("fm")

    def pick(part: str, avoid: set[str]) -> str:
        for group in ((_names(part, gender, origin) if origin else ()), _names(part, gender, "")):
            if not group:
                continue
            start = rng.randrange(len(group))
            for i in range(len(group)):
                name = group[(start + i) % len(group)]
                if name.casefold() not in avoid and is_free(name):
                    return name
        return ""

    given = pick("given", used_given) or pick("given", set())
    return {
        "gender": gender,
        "origin": origin,
        "given": given,
        "surname": pick("surname", set()),
        "patronymic": pick("patronymic", set()),
    }


def render_person(details: dict, surface: str, tag: str) -> str:
    """This mention of a person in the shape it was said, with the pseudonym's parts."""
    if not details.get("given"):
        return tag
    words = surface.split()
    found = [(w, m.group()) for w in words if (m := _WORD.search(w))]
    parts = [w for w, _core in found]
    roles = [_role(core, i, len(found)) for i, (_w, core) in enumerate(found)]
    if all(role == "title" for role in roles):
        roles = ["given"] * len(roles)  # "Apai" said alone stands for the person
    out = []
    initials_seen = 0
    for word in words:
        match = _WORD.search(word)
        if not match:
            out.append(word)
            continue
        role = roles[parts.index(word)]
        if role == "title":
            out.append(word)
            continue
        if role == "initial":  # "Y. B.": given name, then patronymic
            which = "patronymic" if initials_seen and details.get("patronymic") else "given"
            replacement = details[which][0]
            initials_seen += 1
        else:
            replacement = details.get(role) or details["given"]
        core = match.group()
        possessive = _POSSESSIVE.search(core)
        if possessive and role != "initial":
            core = core[: possessive.start()]
            replacement += possessive.group()
        out.append(word[: match.start()] + _same_case(core, replacement) + word[match.end() :])
    return " ".join(out) if out else tag


def _same_case(model: str, word: str) -> str:
    if model.islower():
        return word.lower()
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word


def pseudonym_words(details: dict) -> list[str]:
    """The words a realistic pseudonym may write, to keep them out of other choices."""
    words = [details[k] for k in ("given", "surname", "patronymic") if details.get(k)]
    return words + _WORD.findall(details.get("custom", ""))


# --- places and dates --------------------------------------------------------------------

COUNTRIES = {
    "KZ": "Kazakhstan",
    "KG": "Kyrgyzstan",
    "UZ": "Uzbekistan",
    "TJ": "Tajikistan",
    "TM": "Turkmenistan",
    "RU": "Russia",
    "UA": "Ukraine",
    "TR": "Turkey",
    "CN": "China",
    "AZ": "Azerbaijan",
    "GE": "Georgia",
    "AM": "Armenia",
    "BY": "Belarus",
    "MN": "Mongolia",
}
KIND_WORDS = {
    "city": "a city",
    "town": "a town",
    "village": "a village",
    "raion": "a district",
    "district": "a district",
    "city-district": "a district of a city",
    "region": "a region",
    "microdistrict": "a neighbourhood",
    "neighbourhood": "a neighbourhood",
}
SEASONS = ["winter"] * 2 + ["spring"] * 3 + ["summer"] * 3 + ["autumn"] * 3 + ["winter"]
MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NUMERIC_DATE = re.compile(
    r"\b(\d{1,2})[./](\d{1,2})[./](\d{2,4})\b|\b(\d{4})-(\d{1,2})-(\d{1,2})\b"
)


@lru_cache(maxsize=1)
def place_kinds() -> dict[str, tuple[str, str]]:
    """Case-folded place name -> (kind, country code), from the shipped gazetteer."""
    kinds: dict[str, tuple[str, str]] = {
        line.split("\t")[0].strip().casefold(): ("country", "")
        for line in data_lines("countries.txt")
    }
    for file in ("settlements.txt", "districts.txt", "neighbourhoods.txt"):
        for line in data_lines("places", file):
            fields = line.split("\t")
            if len(fields) >= 3:
                kinds.setdefault(fields[0].strip().casefold(), (fields[1], fields[2].split(",")[0]))
    return kinds


def render_place(surface: str) -> str:
    """'Kaskelen' -> 'a town in Kazakhstan'; a place the lists do not know -> 'a place'."""
    key = " ".join(_WORD.findall(surface)).casefold()
    kind, country = place_kinds().get(key, ("", ""))
    if kind == "country":
        return "a country"
    words = KIND_WORDS.get(kind, "a place")
    return f"{words} in {COUNTRIES.get(country, country)}" if country else words


def render_date(surface: str) -> str:
    """'14 March 2019' -> 'spring 2019'; '2019' stays; a date with no month or year -> 'a date'."""
    lowered = surface.casefold()
    month = 0
    year = ""
    numeric = _NUMERIC_DATE.search(lowered)
    if numeric:
        if numeric.group(4):
            year, month = numeric.group(4), int(numeric.group(5))
        else:
            month, year = int(numeric.group(2)), numeric.group(3)
            year = year if len(year) == 4 else ""
    else:
        found = _YEAR.search(lowered)
        year = found.group(1) if found else ""
        for word in re.findall(r"[a-z]+", lowered):
            if word in MONTHS:
                month = MONTHS[word]
                break
    season = SEASONS[month - 1] if 1 <= month <= 12 else ""
    return " ".join(p for p in (season, year) if p) or "a date"


def render_mention(
    strategy: str, label: str, tag: str, details: dict, surface: str, sentence_start: bool = False
) -> str:
    """What one mention becomes in pseudonymized text."""
    if details.get("custom"):  # a reviewer's own choice, written the same in every mention
        return details["custom"]
    if strategy == "realistic" and label == "PERSON":
        return render_person(details, surface, tag)
    if strategy == "generalise" and label in {"GPE", "LOC"}:
        text = render_place(surface)
    elif strategy == "generalise" and label == "DATE":
        text = render_date(surface)
    else:
        return tag
    return text[:1].upper() + text[1:] if sentence_start else text
