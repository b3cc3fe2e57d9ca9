"""Identity numbers: Kazakh IIN, bank cards (Luhn), IBANs, passports and ID cards,
car plates, case and file numbers, land plots, and other long digit runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from testimony.redact.detectors.base import Detection

DIGITS12 = re.compile(r"(?<![\d\w])\d{12}(?![\d\w])")
CARD = re.compile(r"(?<![\d\w])\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?![\d\w])")
IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?(?![A-Za-z0-9])"
)
# Passport and ID-card numbers: a keyword, then a number of letters and digits.
DOCUMENT = re.compile(
    r"\b(?i:passport|id[ -]card|identity card|identity document|ID|udostoverenie|certificate|"
    r"licen[cs]e|document)"
    r"(?:\s+(?i:number|no\.?|nr\.?|#|№))?[\s:#№]*"
    r"(?P<number>[A-Z]{0,2}\d{6,10})(?![\d\w])"
)
PASSPORT_SHAPE = re.compile(r"(?<![\w])(?:[A-Z]\d{8}|[A-Z]{2}\d{7})(?![\w])")
PLATE = re.compile(
    r"(?<![\w])(?:\d{3}\s?[A-Z]{2,3}\s?\d{2}|[A-Z]\s?\d{3}\s?[A-Z]{2,3}|"
    r"[А-Я]\d{3}[А-Я]{2}\d{2,3})(?![\w])"
)
# Application, case and file numbers: "no. 18403/91", "case No. 2-1234/2019", "№ 5".
CASE = re.compile(
    r"(?i:\b(?:application|case|file|complaint|decision|order|protocol|registration|"
    r"criminal case|ticket|record)s?\s+(?:no\.?|nos\.?|number|nr\.?|№|#)\s*)"
    r"(?P<number>[\w]*\d[\w]*(?:[-/.][\w]*\d[\w]*)*)"
)
# The numbers of records about one person: "badge No. 0347", "KUI No. 2331", "conclusion of
# the forensic examination No. 1142". "Judgment no. 2" only orders a case's documents.
RECORD = re.compile(
    r"(?i:\b(?:badge|examination|expertise|conclusion|report|statement|resolution|warrant|"
    r"certificate|KUI|ERDR|referral|ref\.?|reference)s?\s+(?:no\.?|number|nr\.?|№|#)\s*)"
    r"(?P<number>[\w]*\d{3}[\w]*(?:[-/.][\w]*\d[\w]*)*)"
)
# Land and property records: "plots nos. 260, 268 and 425", "plot no. 937 of block C",
# "sheet/plan 33/21.2.3", "registration no. D-4840". A plot number finds one owner.
_CODE = r"(?:[A-Z]-?)?\d\w*(?:[-/.:]\w*\d\w*)*"
PROPERTY = re.compile(
    r"(?i:\b(?:plots?|parcels?|sheet/plan|sheets?|cadastral\s+(?:no\.?|number)|land\s+register|"
    r"title\s+deeds?|registration)\s+(?:(?:no\.?|nos\.?|number|nr\.?|№|#)\s*)?)"
    rf"(?P<number>{_CODE}(?:(?:,\s*|\s+and\s+){_CODE})*(?:\s+of\s+block\s+[A-Z0-9]\b)?)"
)
SLASHED = re.compile(r"(?<![\w/])\d{3,7}/\d{2,4}(?![\w/])")
LONG_DIGITS = re.compile(r"(?<![\d\w.,])\d{7,}(?![\d\w])")


def iin_birth_date(iin: str) -> date | None:
    """The birth date a Kazakh IIN encodes (YYMMDD, century from the 7th digit)."""
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}.get(iin[6])
    if century is None:
        return None
    try:
        return date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def iin_check_digit_ok(iin: str) -> bool:
    """The IIN control digit: weights 1..11, then 3..11,1,2 when the first gives 10."""
    digits = [int(c) for c in iin]
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        control = sum(d * w for d, w in zip(digits[:11], weights, strict=False)) % 11
        if control != 10:
            return control == digits[11]
    return False


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def iban_ok(iban: str) -> bool:
    compact = iban.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return len(compact) >= 15 and int(number) % 97 == 1


_DIGIT = re.compile(r"\d")


def find_numbers(text: str) -> Iterator[Detection]:
    """Every identity number; the score says how sure the shape and checksums make us."""
    if not _DIGIT.search(text):
        return  # every pattern below needs a digit; most speech has none
    for match in DIGITS12.finditer(text):
        iin = match.group()
        score = 1.0 if iin_check_digit_ok(iin) else 0.9 if iin_birth_date(iin) else 0.7
        yield Detection(match.start(), match.end(), "ID", "iin", score)
    for match in CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and len(digits) != 12:
            yield Detection(
                match.start(), match.end(), "ID", "card", 1.0 if luhn_ok(digits) else 0.6
            )
    for match in IBAN.finditer(text):
        if iban_ok(match.group()):
            yield Detection(match.start(), match.end(), "ID", "iban")
    for match in DOCUMENT.finditer(text):
        yield Detection(match.start("number"), match.end("number"), "ID", "document")
    for match in PASSPORT_SHAPE.finditer(text):
        yield Detection(match.start(), match.end(), "ID", "document", 0.8)
    for match in PLATE.finditer(text):
        yield Detection(match.start(), match.end(), "ID", "plate", 0.8)
    for pattern in (CASE, RECORD):
        for match in pattern.finditer(text):
            yield Detection(match.start("number"), match.end("number"), "ID", "case-number")
    for match in PROPERTY.finditer(text):
        yield Detection(match.start("number"), match.end("number"), "ID", "property")
    for match in SLASHED.finditer(text):
        yield Detection(match.start(), match.end(), "ID", "case-number", 0.7)
    for match in LONG_DIGITS.finditer(text):
        yield Detection(match.start(), match.end(), "ID", "digits", 0.6)
