"""Amounts of money and lengths of sentences or detention: quasi-identifiers that,
with a date and a court, point to one case ("fined 15,000 tenge", "ten days' arrest")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from testimony.redact.detectors.base import Detection
from testimony.redact.detectors.dates import NUMBER

CURRENCY = (
    r"(?i:"
    + (
        r"EUR|USD|KZT|KGS|UZS|RUB|TRY|GBP|CHF|DEM|ATS|FRF|PLN|GEL|AMD|AZN|UAH|"
        r"euros?|dollars?|tenge|tenges|roubles?|rubles?|som|soms|sums?|liras?|marks?|schillings?|"
        r"pounds?(?:\s+sterling)?|francs?|zlotys?|hryvnias?|manats?|lari|drams?|"
        r"Deutsch(?:e)?\s+Marks?|Turkish\s+liras?|Austrian\s+schillings?|Polish\s+zlotys?"
    )
    + ")"
)
AMOUNT = r"\d{1,3}(?:[ ,.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
SCALE = r"(?:\s+(?:thousand|million|billion|hundred))?"
MONEY = re.compile(
    rf"(?:(?<![\w])(?:{CURRENCY})\s?(?:{AMOUNT}){SCALE}"
    rf"|(?<![\w.,])(?:{AMOUNT}|(?i:{NUMBER})){SCALE}\s?(?:{CURRENCY})(?:\s\((?:[A-Z]{{3}})\))?)"
    r"(?![\w])"
)
UNIT = r"(?:years?|months?|weeks?|days?|hours?)"
TERM = rf"(?:(?i:{NUMBER})|\d+)\s+{UNIT}(?:\s+and\s+(?:(?i:{NUMBER})|\d+)\s+{UNIT})?['’]?s?"
SENTENCE = re.compile(
    rf"(?i:sentenced\s+(?:him|her|them|the\s+\w+)?\s*to|(?:for|of)\s+a\s+period\s+of|lasted|"
    rf"arrest\s+for|detained\s+for|imprisonment\s+for|fined|a\s+fine\s+of|suspended\s+for)"
    rf"\s+(?:about\s+|approximately\s+)?(?P<term>{TERM})"
    rf"|(?P<term2>{TERM})\s+(?i:of\s+)?(?:administrative\s+)?"
    rf"(?i:imprisonment|arrest|detention|custody|prison|probation|restriction)"
)


_SENTENCE_WORDS = re.compile(
    r"(?i)sentenced|period|lasted|arrest|detain|imprison|fine|suspended|detention|custody|"
    r"prison|probation|restriction"
)
_MONEY_HINT = re.compile(r"\d|(?i:thousand|million|hundred)")


def find_quantities(text: str) -> Iterator[Detection]:
    if _MONEY_HINT.search(text):
        for match in MONEY.finditer(text):
            yield Detection(match.start(), match.end(), "QUANTITY", "money", 0.8)
    if not _SENTENCE_WORDS.search(text):
        return
    for match in SENTENCE.finditer(text):
        group = "term" if match.group("term") else "term2"
        yield Detection(match.start(group), match.end(group), "QUANTITY", "term", 0.8)


# Occupations said of someone: "I worked as a cashier", "he is a bus driver", "she was a
# ballet dancer". A job narrows a person down in a small place; "my lawyer" does not.
def _occupation_pattern() -> re.Pattern[str]:
    from testimony.redact.data_files import data_lines

    heads = sorted(
        {w.replace("-", r"\s+") for w in data_lines("occupations.txt")}, key=len, reverse=True
    )
    if not heads:
        return re.compile(r"(?!x)x")
    return re.compile(
        r"(?i:\b(?:worked|works|work|working|employed|trained|served|hired|studied)\s+as|"
        r"\b(?:is|was|am|i'm|he's|she's|became|become|been|were|are)|\b(?:a|an)\s+former)"
        r"\s+(?:(?i:a|an|the)\s+)?(?P<job>(?:(?!(?i:and|or|but|the|of)\b)[a-z'-]+\s+){0,2}"
        rf"(?i:{'|'.join(heads)})s?)\b"
    )


OCCUPATION = _occupation_pattern()


def find_occupations(text: str) -> Iterator[Detection]:
    for match in OCCUPATION.finditer(text):
        yield Detection(match.start("job"), match.end("job"), "OCCUPATION", "occupation", 0.6)
