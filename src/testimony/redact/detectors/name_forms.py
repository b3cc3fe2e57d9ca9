"""Shapes of names that the context rules (detectors.context) do not see.

- an honorific joined by a hyphen: "Toktogul-ata", "Ismail-aka", "Kanykei-eje";
- a Korean surname before the given name, as Koryo-saram documents write it:
  "Ten Vyacheslav", "Ten Ok-sun", "Kim Yong-hee" ("Ten" and "Kim" alone are words
  or too common to take);
- a surname in capitals with initials, as police reports write it: "KUANYSHEV B.";
  a title with initials only: "Ms H.S.", "client M.K.";
- a title or rank in an automatic transcript, lower case: "major oralbekov",
  "missis pak";
- a given name that is also an English word after a person word and a comma:
  "my husband, Will, teaches", "a girl, Hope — that was her name";
- a lowercase surname shaped like a Central Asian or Slavic one and unknown to
  English: "oralbekov";
- a name first in a quotation, spoken to: '"Galiya you are nothing"'.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from testimony.redact.common import zipf
from testimony.redact.detectors.base import Detection
from testimony.redact.detectors.context import INITIAL, INITIAL_HINT, LOWER, RELATIONS, UPPER
from testimony.redact.detectors.names import NameLexicon, lexicon
from testimony.redact.known import Token, tokenize

JOINED_HONORIFICS = (
    r"ata|aka|apa|apai|aga|agai|eje|aje|ake|opa|khanum|hanum|khanym|jan|jon|zhan|bey|hanim"
)
JOINED_HONORIFIC = re.compile(
    rf"(?<![\w-])(?P<name>[{UPPER}][{LOWER}]{{2,}})-(?i:{JOINED_HONORIFICS})(?![\w-])"
)
KOREAN_SURNAMES = (
    r"Kim|Pak|Park|Li|Lee|Tsoi|Choi|Ten|Tyan|Ni|Khan|Kan|Kang|Ogai|Tsai|Khegai|Kogai|Nam|"
    r"Shin|Sin|Yugai|Ugai|Dyugai|Khvan|Hwang|Tskhai|Pen|Em|Yan|Mun|Son|Yun|Cho|Jang|Lim|Jeong|"
    r"Ko|Seo|Yu|Kwon|Hong|Song|Bae|Baek|Oh|Jung|Han|An|Ahn|Cha|Chon|Chen|Den|Kvon|Tkhai"
)
# "Ok-sun", "Yong-hee", "Jae-won": a Korean given name with its two syllables joined.
KOREAN_GIVEN = rf"[{UPPER}][{LOWER}]{{1,5}}-[{LOWER}]{{2,5}}"
KOREAN_ORDER = re.compile(
    rf"\b(?P<surname>{KOREAN_SURNAMES})\s+(?P<given>{KOREAN_GIVEN}|[{UPPER}][{LOWER}]{{2,}})"
    rf"(?:\s+(?P<patronymic>[{UPPER}][{LOWER}]+(?:ovich|evich|ovna|evna|ichna)))?\b"
)
CAPS_SURNAME_INITIALS = re.compile(
    rf"(?<![\w.])(?P<name>[{UPPER}]{{3,}}\s+(?:{INITIAL}\s?){{1,2}})(?=[\s,;:)]|$)"
)
TITLE_INITIALS = re.compile(
    rf"\b(?i:Mr|Mrs|Ms|Miss|Dr|client|applicant|victim|witness|minor)\.?\s+"
    rf"(?P<name>(?:{INITIAL}\s?){{1,3}})(?=[\s,;:)]|$)"
)
LOWER_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "missis",
        "missus",
        "mister",
        "miss",
        "dr",
        "doctor",
        "major",
        "captain",
        "lieutenant",
        "sergeant",
        "inspector",
        "judge",
        "colonel",
        "general",
        "investigator",
        "prosecutor",
        "aunt",
        "auntie",
        "uncle",
        "apa",
        "aga",
    ]
)
LOWER_TITLE = re.compile(rf"\b(?:{'|'.join(LOWER_TITLES)})\s+(?P<name>[a-z][a-z'-]{{2,}})\b")
PERSON_WORDS = rf"{RELATIONS}|girl|boy|man|woman|guy|lady|kid|student|volunteer"
COMMA_NAME = re.compile(
    rf",\s+(?P<name>[{UPPER}][{LOWER}]+)(?=\s*(?:[,;:(]|\s[—–-]\s|$))", re.MULTILINE
)
PERSON_WORD_BEFORE = re.compile(rf"\b(?i:{PERSON_WORDS})$")
SURNAME_ENDINGS = ("ov", "ova", "ev", "eva", "enko", "uly", "kyzy", "ovich", "ovna", "evich")
KOREAN_SURNAME_WORDS = frozenset(w.casefold() for w in KOREAN_SURNAMES.split("|"))


# '"Galiya you are nothing without me"': a name first in a quotation, spoken to.
QUOTED_ADDRESS = re.compile(
    rf"[\"«“]\s*(?P<name>[{UPPER}][{LOWER}]{{2,}})\s+(?=(?i:you|your|you're|listen|please|come|"
    r"don't|dont|why|where|what|stop|leave|give|tell|open|answer)\b)"
)


def find_name_forms(
    text: str, lex: NameLexicon | None = None, tokens: list[Token] | None = None
) -> Iterator[Detection]:
    """PERSON candidates from honorific suffixes, Korean order, initials, lowercase titles.
    tokens are the text's words as known.tokenize cuts them, if already cut."""
    lex = lex or lexicon()
    tokens = tokens if tokens is not None else tokenize(text)
    if "-" in text:
        for match in JOINED_HONORIFIC.finditer(text):
            if zipf(match.group("name")) < 4.0:
                yield Detection(match.start(), match.end(), "PERSON", "context", 0.8)
    words = {word for _start, _end, word in tokens}
    if words & KOREAN_SURNAME_WORDS:
        for match in KOREAN_ORDER.finditer(text):
            given = match.group("given")
            if "-" in given or lex.is_safe_name(given) or match.group("patronymic"):
                yield Detection(match.start(), match.end(), "PERSON", "context", 0.8)
    if INITIAL_HINT.search(text):
        for pattern in (CAPS_SURNAME_INITIALS, TITLE_INITIALS):
            for match in pattern.finditer(text):
                name = match.group("name").rstrip()
                if pattern is CAPS_SURNAME_INITIALS and zipf(name.split()[0]) >= 3.0:
                    continue  # "THE A." or "USA I.": a word or an acronym, not a surname
                start = match.start("name")
                yield Detection(start, start + len(name), "PERSON", "context", 0.8)
    if words & LOWER_TITLES:
        for match in LOWER_TITLE.finditer(text):
            word = match.group("name")
            if word in STOP_WORDS:
                continue
            if zipf(word) < 2.0 or (lex.is_safe_name(word) and zipf(word) < 4.5):
                yield Detection(match.start("name"), match.end("name"), "PERSON", "context", 0.7)
    for match in QUOTED_ADDRESS.finditer(text):
        name = match.group("name")
        if zipf(name) < 3.0 or lex.is_safe_name(name):
            yield Detection(match.start("name"), match.end("name"), "PERSON", "context", 0.7)
    for match in COMMA_NAME.finditer(text):
        word = match.group("name")
        before = text[max(0, match.start() - 24) : match.start()]
        if lex.is_name(word) and PERSON_WORD_BEFORE.search(before):
            yield Detection(match.start("name"), match.end("name"), "PERSON", "context", 0.7)
    for start, end, word in tokens:
        shaped = end - start >= 7 and word.endswith(SURNAME_ENDINGS)
        if shaped and text[start].islower() and zipf(word) == 0:
            yield Detection(start, end, "PERSON", "name-list", 0.5)
