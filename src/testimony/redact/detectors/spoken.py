"""Numbers and dates as automatic transcripts write them: in words, lowercase, unpunctuated.

"eight seven zero one two three four five six seven" is a phone number, "seven seven
seven a b c one four" a car plate, "the fifth of march two thousand nineteen", "october
two thousand twelve" and "in twenty eighteen" are dates, "12 jan" a diary's date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from testimony.redact.detectors.base import Detection
from testimony.redact.detectors.dates import ANY_CASE_MONTHS, MONTHS, SPELLED_DAY
from testimony.redact.known import Token, tokenize

DIGIT_NAMES = "zero|oh|one|two|three|four|five|six|seven|eight|nine"
DIGIT = rf"(?:{DIGIT_NAMES})"
DIGIT_RUN = re.compile(
    rf"(?i:\b(?:plus\s+)?(?:(?:double|triple)\s+)?{DIGIT}"
    rf"(?:[\s,-]+(?:(?:double|triple)\s+)?{DIGIT}){{6,}}\b)"
)
DIGIT_WORDS = frozenset(DIGIT_NAMES.split("|"))
MONTH_NAMES = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
DATE_WORDS = frozenset(MONTH_NAMES.split("|")) | {"thousand", "nineteen", "twenty"}
# A Kazakh plate said aloud: three digits, two or three letters, two digits.
PLATE = re.compile(
    rf"(?i:\b{DIGIT}\s+{DIGIT}\s+{DIGIT}\s+[a-z]\s+[a-z](?:\s+[a-z])?\s+{DIGIT}\s+{DIGIT}\b)"
)
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UP_TO_99 = rf"(?:(?:{_TENS})(?:[- ](?:{_UNITS}))?|{_TEENS}|{_UNITS})"
# "two thousand (and) twelve", "nineteen eighty(-four)", "twenty eighteen", "twenty oh five".
SPOKEN_YEAR = (
    rf"(?i:two\s+thousand(?:\s+and)?(?:\s+{_UP_TO_99})?"
    rf"|(?:nineteen|twenty)\s+(?:oh\s+(?:{_UNITS})|(?:{_TENS})(?:[- ](?:{_UNITS}))?|{_TEENS}))"
    r"(?![\w-])"
)
YEAR_CONTEXT = (
    r"(?i:in|since|until|till|from|of|by|before|after|year|born|around|spring|summer|autumn|"
    r"fall|winter)"
)
ANY_MONTH = rf"(?:{MONTHS}|{ANY_CASE_MONTHS})"
LOWER_MONTHS = rf"\b(?:{MONTH_NAMES})\b"
SPOKEN_DATE = re.compile(
    rf"(?:(?i:the)\s+)?(?<![\w-]){SPELLED_DAY}\s+(?i:of)\s+{ANY_MONTH}(?:,?\s+{SPOKEN_YEAR})?\b"
    rf"|(?<!\d\s)\b{ANY_MONTH}\s+(?:(?i:the)\s+)?{SPELLED_DAY}\b(?:,?\s+{SPOKEN_YEAR})?"
    rf"|(?<!\d\s)\b{ANY_MONTH}\s+{SPOKEN_YEAR}"
)
YEAR_SAID = re.compile(rf"\b{YEAR_CONTEXT}\s+(?P<year>{SPOKEN_YEAR})")
# Capitalised months with a day in figures or words are dates.py's; these need a month in
# lower case or a year in words.
_DATE_HINT = re.compile(
    rf"{LOWER_MONTHS}|(?i:\bthousand\b|\b(?:nineteen|twenty)\s+(?:oh|[a-z]+teen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|ten|eleven|twelve)\b)"
)
# "12 jan.", "3 feb,", "1 march 2023": a day and a month in lower case, as diaries write
# them; at the end of a clause, so that "3 mar goals" is not one.
SHORT_MONTH = r"(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?"
LOWER_MONTH = (
    r"(?:january|february|march|april|june|july|august|september|october|november|december)"
)
INFORMAL_DATE = re.compile(
    rf"(?<![\w.,/-])(?:[12]\d|3[01]|0?[1-9])\s+(?:{SHORT_MONTH}|{LOWER_MONTH})"
    r"(?=\s*(?:[.,;:!?)]|$)|\s+\d{4}\b)"
)


def find_spoken_numbers(text: str, tokens: list[Token] | None = None) -> Iterator[Detection]:
    """Phone numbers, plates and dates said in words, and lowercase short dates.
    tokens are the text's words as known.tokenize cuts them, if already cut."""
    tokens = tokens if tokens is not None else tokenize(text)
    words = [word for _start, _end, word in tokens]
    if sum(word in DIGIT_WORDS for word in words) >= 5:
        for match in DIGIT_RUN.finditer(text):
            yield Detection(match.start(), match.end(), "PHONE", "phone", 0.8)
        for match in PLATE.finditer(text):
            yield Detection(match.start(), match.end(), "ID", "plate", 0.8)
    if not DATE_WORDS.isdisjoint(words) and _DATE_HINT.search(text):
        for match in SPOKEN_DATE.finditer(text):
            yield Detection(match.start(), match.end(), "DATE", "date", 0.8)
        for match in YEAR_SAID.finditer(text):
            yield Detection(match.start("year"), match.end("year"), "DATE", "year", 0.7)
    for match in INFORMAL_DATE.finditer(text):
        yield Detection(match.start(), match.end(), "DATE", "date", 0.7)
