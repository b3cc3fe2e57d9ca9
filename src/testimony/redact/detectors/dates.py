"""Dates and ages: quasi-identifiers that, with a place, can point at one person."""

from __future__ import annotations

import re
from collections.abc import Iterator

from testimony.redact.common import zipf
from testimony.redact.detectors.base import DIGIT, Detection, folded

MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
# In headings and automatic transcripts: "14 MARCH 2024", "in march 2021".
ANY_CASE_MONTHS = (
    r"(?i:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)"
)
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[89]\d\d|20\d\d)"
SEASON = r"(?:spring|summer|autumn|fall|winter)"
# Days as speech says them: "the twenty-second of October", "on the seventeenth".
_ORDINAL_UNITS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
SPELLED_DAY = (
    rf"(?i:(?:twenty|thirty)[- ]?(?:{_ORDINAL_UNITS})|{_ORDINAL_UNITS}|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"thirtieth)"
)
TEXT_DATE = re.compile(
    rf"\b(?:(?:the\s+)?{DAY}\s+(?:of\s+)?{MONTHS}(?:,?\s+{YEAR})?"
    rf"|{DAY}\s+{ANY_CASE_MONTHS}\s+{YEAR}|{ANY_CASE_MONTHS}\s+{YEAR}"
    rf"|(?:(?i:the)\s+)?{SPELLED_DAY}\s+of\s+{MONTHS}(?:,?\s+{YEAR})?"
    rf"|{MONTHS}\s+(?:the\s+)?{SPELLED_DAY}\b(?:,?\s+{YEAR})?"
    rf"|{MONTHS}\s+{DAY}(?:,?\s+{YEAR})?"
    rf"|(?:(?:early|late|mid)[- ])?{MONTHS}(?:\s+(?:of\s+)?{YEAR})"
    rf"|(?i:{SEASON})\s+(?:of\s+)?{YEAR})\b"
)
NUMERIC_DATE = re.compile(
    r"(?<![\d.,/-])(?:(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:\d{4}|\d{2})"
    r"|\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?![\d.,/-]?\d)"
)
DAY_MONTH = re.compile(r"(?<![\d.,/-])(?:0[1-9]|[12]\d|3[01])\.(?:0[1-9]|1[0-2])(?![\d.,]?\d)")
# A day said alone, "on the seventeenth." or "on the 3rd, he came": not "on the first floor".
DAY_ALONE = re.compile(
    rf"\b(?i:on\s+the)\s+(?P<day>{SPELLED_DAY}|(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th))"
    r"(?=\s*(?:[,.;:!?—–)]|$)|\s+(?i:he|she|they|I|we|at)\b)"
)
YEAR_ALONE = re.compile(r"(?<![\d/.,-])(?:19\d\d|20[0-4]\d)(?![\d/]|\.\d|,\d)")
DAY_RANGE = re.compile(
    rf"\b{DAY}(?:\s*(?:and|-|–|to)\s*{DAY})+\s+(?:of\s+)?{MONTHS}(?:,?\s+{YEAR})?\b"
)
TIME = re.compile(
    r"(?<![\d.:])(?:[01]?\d|2[0-3]):[0-5]\d(?:\s?(?i:a\.m\.|p\.m\.|(?:am|pm|h|hrs)\b))?(?![\d]|:\d)"
    r"|(?<![\d.:])(?:[01]?\d|2[0-3])\.[0-5]\d\s?(?i:a\.m\.|p\.m\.|am\b|pm\b|h\b|hrs\b)"
    r"|\b(?:1[0-2]|0?[1-9])\s?(?i:a\.m\.|p\.m\.|am\b|pm\b|o'clock)|\b12\s+(?i:noon|midnight)\b"
)
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
NUMBER = rf"(?:\d{{1,2}}|(?:{_TENS})(?:[- ](?:{_UNITS}))?|{_TEENS}|{_UNITS})"
AGE = re.compile(
    rf"(?i:\b(?P<a>{NUMBER})[- ]years?[- ]old\b"
    rf"|\b(?P<b>{NUMBER})-year-old\b"
    rf"|\baged?\s+(?P<c>{NUMBER})\b"
    rf"|\b(?:at\s+(?:the\s+)?age\s+of|age\s+(?:is|was))\s+(?P<d>{NUMBER})\b"
    rf"|\b(?:I\s+am|I'm|I\s+was|she\s+is|she's|he\s+is|he's|she\s+was|he\s+was|"
    rf"she\s+turned|he\s+turned|I\s+turned)\s+(?P<e>{NUMBER})(?=\s*(?:[,.;!?)]|$|now|this|"
    rf"and|but|when|already|years)))"
)
# The answer to "How old are you?" is often the number alone, first thing in the turn.
AGE_ANSWER = re.compile(rf"^\s*(?P<n>(?i:{NUMBER}))(?=\s*[.,!])")
_OLD_QUESTION = re.compile(r"(?i)how old|your age|age\?")

# Ages as speech gives them: "he is twenty-four", "she was 26 then", "maybe twenty-two",
# "a girl, twenty-seven, from...", "Fifty." as a sentence, "at fifty", "sixty-something".
_OLDER_TEENS = "thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
ADULT = rf"(?:(?:{_TENS})(?:[- ](?:{_UNITS}))?|{_OLDER_TEENS})"
NOT_AN_AGE = (
    r"(?!\s*(?:thousand|hundred|million|billion|percent|per\b|%|times|o'clock|a\.?m|p\.?m|"
    r"days?|weeks?|months?|years?\b(?!\s+old)|minutes?|hours?|km|kilomet|calls?|people|women|men|"
    r"children|kids|girls|boys|beds?|places|of\b|tenge|dollars|euros|roubles|rubles|som|cases|"
    r"metres|meters|kg|grams|degrees|lessons|pages|stops|floors|houses|flats|families|"
    r"complaints|times|seconds|steps|or\b))"
)
AGE_IN_SPEECH = re.compile(
    rf"(?i:\b(?:is|was|be|turned|turns|am|i'm|he's|she's|aged|now)\s+(?:[—–-]\s*)?"
    rf"(?:maybe\s+|about\s+|around\s+|almost\s+|nearly\s+|only\s+|just\s+|already\s+)?)"
    rf"(?P<n>(?i:{NUMBER}))(?![\w-]){NOT_AN_AGE}"
    rf"|,\s*(?P<m>(?i:{ADULT})(?:-something)?)\s*[,—–]"
    rf"|(?:^|(?<=[.!?\]])\s+|(?<=\]\.)\s+)(?P<s>(?i:{ADULT})(?:-something)?)"
    rf"(?=\s*[.!?,]|\s+(?i:in|on|next|this)\s+(?:{MONTHS}|(?i:{SEASON}|year|month)))"
    rf"|(?i:\bat\s+)(?P<a>(?i:{ADULT}))(?=\s*[.,!?;])"
    rf"|\b(?P<t>(?i:{ADULT})-something)\b"
)


# An age after a name, as notes and headers give it: "Respondent: Oksana, 29.", "Amina (29)",
# "the baby, Amina, one year and four months."
_NAME_BEFORE = rf"\b(?!{MONTHS}\b)[A-ZА-ЯЁ][a-zа-яё]+"
AGE_AFTER_NAME = re.compile(
    rf"(?P<w>{_NAME_BEFORE})(?:,\s*(?P<n>1[4-9]|[2-9]\d)(?=\s*(?:[.,;)]|$))"
    rf"|\s*\((?P<p>[1-9]\d?)\))"
    rf"|(?P<w2>{_NAME_BEFORE}),\s*(?P<u>(?i:{NUMBER})\s+(?i:years?|months?)"
    rf"(?:\s+(?i:and)\s+(?i:{NUMBER})\s+(?i:months?))?)(?=\s*(?:[.,;)]|$))",
    re.MULTILINE,
)
# Every date pattern holds a digit, a month, a season or "on the ...th" (see folded).
_MONTH = re.compile(MONTHS)
_DATE_WORD = re.compile(
    rf"{ANY_CASE_MONTHS.removeprefix('(?i:').removesuffix(')')}|{SEASON}"
    r"|on\s+the\s+\w+(?:th|st|nd|rd)\b"
)


def find_dates(text: str) -> Iterator[Detection]:
    if not (DIGIT.search(text) or _MONTH.search(text) or _DATE_WORD.search(folded(text))):
        return
    for match in TEXT_DATE.finditer(text):
        yield Detection(match.start(), match.end(), "DATE", "date")
    for match in NUMERIC_DATE.finditer(text):
        yield Detection(match.start(), match.end(), "DATE", "date")
    for match in DAY_MONTH.finditer(text):
        yield Detection(match.start(), match.end(), "DATE", "date", 0.6)
    for match in DAY_ALONE.finditer(text):
        yield Detection(match.start("day"), match.end("day"), "DATE", "date", 0.7)
    for match in YEAR_ALONE.finditer(text):
        yield Detection(match.start(), match.end(), "DATE", "year", 0.6)
    for match in DAY_RANGE.finditer(text):
        yield Detection(match.start(), match.end(), "DATE", "date")
    for match in TIME.finditer(text):
        yield Detection(match.start(), match.end(), "DATE", "time", 0.6)


# Every age pattern holds a NUMBER, which starts at a word boundary or is a digit.
_NUMBER_WORD = re.compile(rf"\b(?:{_TENS}|{_TEENS}|{_UNITS})")


def find_ages(text: str, previous: str = "") -> Iterator[Detection]:
    """Ages: '23 years old', 'aged 41', 'I'm fifty,'; a bare number answering 'how old'."""
    if not (DIGIT.search(text) or _NUMBER_WORD.search(folded(text))):
        return
    for match in AGE.finditer(text):
        group = next(g for g in "abcde" if match.group(g))
        yield Detection(match.start(group), match.end(group), "AGE", "age")
    for match in AGE_IN_SPEECH.finditer(text):
        group = next(g for g in "nmsat" if match.group(g))
        yield Detection(match.start(group), match.end(group), "AGE", "age", 0.7)
    for match in AGE_AFTER_NAME.finditer(text):
        if zipf(match.group("w") or match.group("w2")) >= 4.0:
            continue  # "Chapter (12)", "Article 8, 29": not a person
        group = next(g for g in "npu" if match.group(g))
        yield Detection(match.start(group), match.end(group), "AGE", "age", 0.7)
    if previous and _OLD_QUESTION.search(previous[-200:]):
        answer = AGE_ANSWER.match(text)
        if answer:
            yield Detection(answer.start("n"), answer.end("n"), "AGE", "age", 0.8)
