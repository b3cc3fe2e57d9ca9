"""Amounts of money and lengths of sentences or detention: quasi-identifiers that,
with a date and a court, point to one case ("fined 15,000 tenge", "ten days' arrest")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from testimony.redact.detectors.base import DIGIT, Detection, folded
from testimony.redact.detectors.dates import NUMBER

# ISO codes are upper case ("TRL 30,000,000", "100,000,000 TRL"); names of currencies may
# carry a country or a "New" ("1,579 New Turkish liras", "588 GDR marks", "Swedish kronor").
CODES = (
    r"EUR|USD|KZT|KGS|UZS|TJS|TMT|RUB|TRY|TRL|YTL|GBP|CHF|DEM|ATS|FRF|PLN|GEL|AMD|AZN|UAH|BYN|"
    r"BYR|MDL|SEK|NOK|DKK|ISK|HUF|CZK|SKK|BGN|RON|ROL|HRK|RSD|MKD|ALL|BAM|LTL|LVL|EEK|SIT|ITL|"
    r"ESP|PTE|GRD|NLG|BEF|LUF|IEP|FIM|CYP|MTL|CNY|JPY|INR|CAD|AUD"
)
SYMBOLS = r"[$€£₸₽₺]"
NAMES = (
    r"(?i:euros?|dollars?|tenge|tenges|roubles?|rubles?|soms?|sums?|liras?|lire|"
    r"schillings?|pounds?(?:\s+sterling)?|francs?|zlotys?|złoty|hryvnias?|manats?|lari|drams?|"
    r"kronor|kroner|kronur|krona|krone|forints?|korunas?|lei|leva|levs?|kunas?|dinars?|"
    r"drachmas?|pesetas?|escudos?|guilders?|tolars?|litas|lats|kroons?|yen|yuan|rupees?|"
    r"Deutsch(?:e)?\s+Marks?)"
)
# "marks" alone are school marks; "GDR marks" and "Deutsche Marks" are money.
CURRENCY_AFTER = (
    rf"(?:{CODES}|{SYMBOLS}|(?:(?:New|Old)\s+)?(?:[A-Z][A-Za-z]+\s+)?{NAMES}"
    r"|[A-Z][A-Za-z]+\s+marks?)"
)
AMOUNT = r"\d{1,3}(?:[ ,.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
SCALE = r"(?:\s+(?:thousand|million|billion|hundred)){0,2}"
ABOUT = (
    r"(?:(?i:approximately|approx\.|about|around|over|some|nearly|almost|more\s+than|"
    r"less\s+than|up\s+to)\s+)?"
)
MONEY = re.compile(
    rf"{ABOUT}(?:(?<![\w])(?:{CODES}|{SYMBOLS})\s?(?:{AMOUNT}){SCALE}"
    rf"|(?<![\w.,])(?:{AMOUNT}|(?i:{NUMBER})){SCALE}\s?{CURRENCY_AFTER})"
    r"(?![\w])"
)
CURRENCY = re.compile(rf"\b(?:{CODES})\b|{SYMBOLS}|\b{NAMES}\b")
# What a court text puts after an amount: its code or its value in another currency,
# "(TRL)", "[approx. EUR 138]", "(SEK; approximately 27,000 euros)", "(approximately 6,000
# euros (EUR))". It goes with the amount.
GLOSS = re.compile(r"\s*(?:\((?:[^()\n]|\([^()\n]{1,12}\)){1,70}\)|\[[^\[\]\n]{1,70}\])")
PERCENT = re.compile(
    r"(?<![\w.,])\d+(?:[.,]\d+)?(?:\s?%|\s+(?i:per\s?cent|percent)\b)"
    r"(?:\s+(?:and|to|or)\s+\d+(?:[.,]\d+)?(?:\s?%|\s+(?i:per\s?cent|percent)\b))?"
    r"|(?<![\w.,])\d+(?:[.,]\d+)?\s+(?:to|and)\s+\d+(?:[.,]\d+)?\s?%"
)
UNIT = r"(?:years?|months?|weeks?|days?|hours?)"
TERM = (
    rf"(?:(?i:{NUMBER})|\d+)(?:\s+and\s+a\s+half)?[\s-]+{UNIT}"
    rf"(?:\s+and\s+(?:(?i:{NUMBER})|\d+)\s+{UNIT})?['’]?s?"
)
SENTENCE = re.compile(
    rf"(?i:sentenced\s+(?:him|her|them|the\s+\w+)?\s*to|(?:for|of)\s+a\s+period\s+of|"
    rf"last(?:ed|s)(?:\s+for)?|last\s+for|arrest\s+for|detained\s+for|imprisonment\s+for|fined|"
    rf"a\s+fine\s+of|(?:reduced|increased|commuted)\s+to|"
    rf"(?:suspended|suspension|debarred|banned|barred|disqualified|deprived|prohibited|"
    rf"stripped)\b[^.;:\n]{{0,60}}?\bfor)"
    rf"\s+(?:about\s+|approximately\s+)?(?P<term>{TERM})"
    rf"|(?P<term2>{TERM})\s+(?i:of\s+)?(?:administrative\s+)?"
    rf"(?i:imprisonment|arrest|detention|custody|prison|probation|restriction)"
)


# Searched in the folded text (base.folded): the same as case-blind, and much faster.
_SENTENCE_WORDS = re.compile(
    r"sentenced|period|last|arrest|detain|imprison|fine|suspen|detention|custody|"
    r"prison|probation|restriction|reduced|increased|commuted|barred|banned|disqualified|"
    r"deprived|prohibited|stripped"
)
_SCALE_WORD = re.compile(r"thousand|million|hundred")
_UNIT_WORD = re.compile(r"year|month|week|day|hour")  # every term ends in a unit


def with_gloss(text: str, end: int) -> int:
    """The end of an amount with the glosses that follow it ("(TRL)", "[approx. EUR 138]")."""
    while (gloss := GLOSS.match(text, end)) and CURRENCY.search(gloss.group()):
        end = gloss.end()
    return end


def find_quantities(text: str) -> Iterator[Detection]:
    if DIGIT.search(text) or _SCALE_WORD.search(folded(text)):
        for match in MONEY.finditer(text):
            end = with_gloss(text, match.end())
            yield Detection(match.start(), end, "QUANTITY", "money", 0.8)
        if "%" in text or "cent" in text:
            for match in PERCENT.finditer(text):
                yield Detection(match.start(), match.end(), "QUANTITY", "percent", 0.7)
    if not (_SENTENCE_WORDS.search(folded(text)) and _UNIT_WORD.search(folded(text))):
        return
    for match in SENTENCE.finditer(text):
        group = "term" if match.group("term") else "term2"
        yield Detection(match.start(group), match.end(group), "QUANTITY", "term", 0.8)


# Occupations said of someone: "I worked as a cashier", "he is a bus driver", "she was a
# ballet dancer", "the applicant, a lawyer,", "the post of primary school teacher". A job
# narrows a person down in a small place; "my lawyer" does not.
def _occupation_pattern() -> re.Pattern[str]:
    from testimony.redact.data_files import data_lines

    heads = sorted(
        {w.replace("-", r"\s+") for w in data_lines("occupations.txt")}, key=len, reverse=True
    )
    if not heads:
        return re.compile(r"(?!x)x")
    return re.compile(
        r"(?i:\b(?:worked|works|work|working|employed|trained|served|hired|studied)\s+as|"
        r"\b(?:is|was|am|i'm|he's|she's|became|become|been|were|are)|\b(?:a|an)\s+former|"
        r"\b(?:post|profession)\s+of|\bas(?=\s+(?:a|an|the)\s)|,(?=\s+(?:a|an)\s))"
        r"\s+(?:(?i:a|an|the)\s+)?(?P<job>(?:(?!(?i:and|or|but|the|of)\b)[a-z'-]+\s+){0,2}"
        rf"(?i:{'|'.join(heads)})s?)\b"
    )


OCCUPATION = _occupation_pattern()


def find_occupations(text: str) -> Iterator[Detection]:
    for match in OCCUPATION.finditer(text):
        yield Detection(match.start("job"), match.end("job"), "OCCUPATION", "occupation", 0.6)
