"""Name lists shipped as data: given names, surnames, patronymics, diminutives.

They support and type candidates found by NER and context rules; a word is
never redacted only because it is in a list, unless it is capitalised and not
also a common word (Roza, Dana, Nur and Mira are names and words).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from testimony.redact.data_files import data_lines

PATRONYMIC_ENDINGS = (
    "ovna",
    "evna",
    "ovich",
    "evich",
    "ichna",
    "yevna",
    "yevich",
    "ievna",
    "ievich",
    "ovych",
    "ivna",
    "uly",
    "kyzy",
    "qyzy",
)
SURNAME_ENDINGS = (
    "ov",
    "ova",
    "ev",
    "eva",
    "yev",
    "yeva",
    "in",
    "ina",
    "enko",
    "uk",
    "yuk",
    "sky",
    "skiy",
    "skaya",
    "bayev",
    "bayeva",
    "bekov",
    "bekova",
    "uly",
    "kyzy",
    "ova",
    "dze",
    "shvili",
    "yan",
    "ian",
    "off",
)


@dataclass
class NameLexicon:
    given: set[str] = field(default_factory=set)
    surnames: set[str] = field(default_factory=set)
    patronymics: set[str] = field(default_factory=set)
    common_words: set[str] = field(default_factory=set)
    diminutives: dict[str, set[str]] = field(default_factory=dict)  # variant -> full names
    spellings: dict[str, set[str]] = field(default_factory=dict)  # variant -> variants

    def is_name(self, word: str) -> bool:
        """A given name, surname or patronymic (case-insensitive; Cyrillic is transliterated)."""
        key = latin(word.casefold())
        return key in self.given or key in self.surnames or key in self.patronymics

    def is_safe_name(self, word: str) -> bool:
        """A name that is not also an ordinary word, so it can stand on its own."""
        return self.is_name(word) and word.casefold() not in self.common_words

    def looks_like_surname(self, word: str) -> bool:
        key = word.casefold()
        return key in self.surnames or (len(key) > 4 and key.endswith(SURNAME_ENDINGS))

    def looks_like_patronymic(self, word: str) -> bool:
        key = word.casefold()
        return key in self.patronymics or (len(key) > 6 and key.endswith(PATRONYMIC_ENDINGS))


CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "yo",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
            "a",
            "g",
            "k",
            "n",
            "o",
            "u",
            "u",
            "h",
            "i",
        ],
        strict=True,
    )
)


def latin(word: str) -> str:
    """Lowercase Cyrillic (Russian and Kazakh letters) in the spelling the lists use."""
    if word.isascii():
        return word
    return "".join(CYRILLIC.get(ch, ch) for ch in word)


def _lines(name: str) -> list[str]:
    return data_lines("names", name)


@lru_cache(maxsize=1)
def lexicon() -> NameLexicon:
    """The shipped lists, read once per process."""
    lex = NameLexicon()
    for name in ("given-female.txt", "given-male.txt"):
        lex.given |= {line.split("\t")[0].strip().casefold() for line in _lines(name) if line}
    lex.surnames = {line.split("\t")[0].strip().casefold() for line in _lines("surnames.txt")}
    lex.patronymics = {line.split("\t")[0].strip().casefold() for line in _lines("patronymics.txt")}
    lex.common_words = {
        line.split("\t")[0].strip().casefold() for line in _lines("common-words.txt")
    }
    for line in _lines("diminutives.tsv"):
        parts = [p.strip().casefold() for p in line.split("\t")]
        if len(parts) >= 2 and parts[0] and parts[1]:
            lex.diminutives.setdefault(parts[1], set()).add(parts[0])
            lex.given.add(parts[1])
    for line in _lines("transliteration.tsv"):
        parts = [p.strip().casefold() for p in line.split("\t")]
        if len(parts) >= 2 and parts[0] and parts[1]:
            lex.spellings.setdefault(parts[0], set()).add(parts[1])
            lex.spellings.setdefault(parts[1], set()).add(parts[0])
    lex.given.discard("")
    lex.surnames.discard("")
    return lex
