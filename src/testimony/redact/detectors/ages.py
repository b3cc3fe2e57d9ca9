"""Ages as records and notes give them, beside the ages speech gives (dates.find_ages).

Intake forms ("Age: 52"), focus-group labels ("P1 (F, 45):"), case notes
("Rustem Abilov (approx. 40, works as...", "children: Timur, 8; Adelina, 2"),
appositions ("Nazgul S., 34, was seen"), a person word before the number ("a
Uyghur man, 41"), and the answer on the line after "how old are you" in an
automatic transcript ("respondent: forty four i was born"). A child's age
after a name counts only when the name lists know the name: "Abay 12" is a
house number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from testimony.redact.common import zipf
from testimony.redact.detectors.base import Detection
from testimony.redact.detectors.dates import ADULT, NOT_AN_AGE, NUMBER
from testimony.redact.detectors.names import NameLexicon, lexicon

YEARS = r"(?:1[0-1]\d|[1-9]\d?)"
DIGIT = re.compile(r"\d")
FIELD = re.compile(rf"\b(?i:age|aged|возраст)\s*[:=]\s*(?P<n>{YEARS})\b(?![.,]\d)")
# "(F, 45)", "(male, 60)", "(45, F)": a participant described by sex and age.
SEX = r"(?:[FMfmЖМ]|(?i:female|male|woman|man|f\.|m\.))"
DEMOGRAPHIC = re.compile(
    rf"\(\s*{SEX}\s*[,/;]\s*(?P<n>{YEARS})\s*[,;)]|\(\s*(?P<m>{YEARS})\s*[,/;]\s*{SEX}\s*[,;)]"
)
PERSON_WORDS = (
    r"man|woman|male|female|girl|boy|lady|guy|mother|father|son|daughter|wife|husband|widow|widower|"
    r"pensioner|student|victim|applicant|client|caller|respondent|survivor|participant|"
    r"grandson|granddaughter|child|baby|teenager|grandmother|grandfather|sister|brother"
)
ABOUT = r"(?:(?i:approx\.?|approximately|about|around|c\.|ca\.|aged?)\s*)"
# "a Uyghur man, 41", "anonymous, male, approx. 60": found from the comma, then the word.
COMMA_AGE = re.compile(rf",\s*{ABOUT}?(?P<n>{YEARS})(?=\t|\s*(?:[.,;:)\"”'’]|$))", re.MULTILINE)
PERSON_WORD_BEFORE = re.compile(rf"\b(?i:{PERSON_WORDS})$")
# "(approx. 40, works as a guard)", "(about 30)", "(aged 41)".
ABOUT_IN_BRACKETS = re.compile(
    rf"\(\s*{ABOUT}(?P<n>{YEARS})\b"
    rf"(?![.,]\d)(?=\s*[,;)]|\s+(?i:years?))"
)
# "Nazgul Serikkyzy (...), 34, was seen", "the caller, 52, said".
APPOSITION = re.compile(
    r"(?<=[^\W\d_)\"”]),\s*(?P<n>1[3-9]|[2-9]\d),\s+(?=(?i:was|is|has|had|lives|lived|works|worked|who|came|"
    r"comes|said|says|reported|reports|told|tells|called|calls|asked|asks|arrived|from|a|an)\b)"
)
# "Kirill, 5", "Erasyl, 12; Ayaru, 9", "Timur (8)": a listed name, then a child's age.
NAME = r"(?<![\w.])(?P<w>[A-ZА-ЯЁ][a-zа-яёäöüşçğıə'-]+)"
NAME_THEN_AGE = re.compile(
    rf"{NAME}(?:,\s*(?P<n>{YEARS})(?=\s*(?:[.,;)(]|and\b|$))|\s*\((?P<p>{YEARS})\))",
    re.MULTILINE,
)
# "Aigul Kasymova, 31 (citizen of...": an age after a full name, before a bracket.
FULL_NAME_THEN_AGE = re.compile(
    r"(?<![\w.])[A-ZА-ЯЁ][\w'-]+\s+(?P<w>[A-ZА-ЯЁ][\w'-]+),\s*(?P<n>1[4-9]|[2-9]\d)(?=\s*\()"
)
# "Maksim Voronin (son), 27", "Zhanna (did not give surname), 33, Kostanay".
NAME_BRACKET_AGE = re.compile(
    rf"{NAME}\s*\([^()\n]{{1,40}}\),\s*(?P<n>{YEARS})(?=\s*(?:[.,;]|$))", re.MULTILINE
)
# The answer on the next line to "How old are you": "respondent: forty four i was born",
# or through an interpreter, "I: She says forty-one."
OLD_QUESTION = re.compile(r"(?i)\bhow\s+old\b[^\n]*\n")
TURN_START = re.compile(
    r"[ \t]*(?:[\[(][\d:.,]+[\])]\s*)?(?:[^\W\d][\w .'-]{0,30}?\s*\d{0,2}\s*:)?[ \t]*"
    r"(?:(?i:uh|um|er|erm|well|i\s+am|i'm|im|(?:she|he)\s+says(?:\s+that)?|"
    r"(?:she|he)\s+is|she's|he's)[,\s]+)*"
)
ANSWER = re.compile(rf"(?P<n>(?i:{NUMBER}))(?![\w-]){NOT_AN_AGE}")
# ", maybe eighteen, a student": a guessed adult age between commas.
GUESSED = re.compile(
    rf",\s*(?i:maybe|about|around|approximately|probably|perhaps|roughly)\s+"
    rf"(?P<n>(?i:{ADULT}))\s*[,—–]"
)


def find_record_ages(text: str, lex: NameLexicon | None = None) -> Iterator[Detection]:
    """Ages in forms, notes and lists, and answers to 'how old' on the next line."""
    lex = lex or lexicon()
    for match in GUESSED.finditer(text):
        yield Detection(match.start("n"), match.end("n"), "AGE", "age", 0.7)
    for question in OLD_QUESTION.finditer(text):
        turn = TURN_START.match(text, question.end())
        answer = ANSWER.match(text, turn.end()) if turn else None
        if answer:
            yield Detection(answer.start("n"), answer.end("n"), "AGE", "age", 0.8)
    if not DIGIT.search(text):
        return  # every other shape gives the age in figures
    for match in COMMA_AGE.finditer(text):
        if PERSON_WORD_BEFORE.search(text[max(0, match.start() - 16) : match.start()]):
            yield Detection(match.start("n"), match.end("n"), "AGE", "age", 0.8)
    for pattern, score in (
        (FIELD, 0.9),
        (DEMOGRAPHIC, 0.9),
        (ABOUT_IN_BRACKETS, 0.7),
        (APPOSITION, 0.7),
    ):
        for match in pattern.finditer(text):
            group = "n" if match.group("n") else "m"
            yield Detection(match.start(group), match.end(group), "AGE", "age", score)
    for match in NAME_THEN_AGE.finditer(text):
        word = match.group("w")
        if lex.is_safe_name(word) or (lex.is_name(word) and zipf(word) < 4.0):
            group = "n" if match.group("n") else "p"
            yield Detection(match.start(group), match.end(group), "AGE", "age", 0.7)
    for match in NAME_BRACKET_AGE.finditer(text):
        if zipf(match.group("w")) < 4.0:
            yield Detection(match.start("n"), match.end("n"), "AGE", "age", 0.7)
    for match in FULL_NAME_THEN_AGE.finditer(text):
        if zipf(match.group("w")) < 3.0:
            yield Detection(match.start("n"), match.end("n"), "AGE", "age", 0.7)
