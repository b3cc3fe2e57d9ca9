"""Pattern detectors: e-mail addresses and phone numbers (libphonenumber)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_MANY_DIGITS = re.compile(r"(?:\d[\s\-().]*){7,}")
PHONE_REGIONS = ("KZ", "RU", "KG", "UZ", "TJ")


def find_emails(text: str) -> Iterator[tuple[int, int]]:
    for match in EMAIL.finditer(text):
        yield match.start(), match.end()


def find_phones(text: str) -> Iterator[tuple[int, int]]:
    """Phone numbers in local or international form; libphonenumber decides, not a regex."""
    if not _MANY_DIGITS.search(text):
        return
    seen: set[tuple[int, int]] = set()
    for region in PHONE_REGIONS[:1]:  # KZ parses +7, +996, +998... and local 8 7xx forms
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.POSSIBLE
        ):
            span = (match.start, match.end)
            if span not in seen:
                seen.add(span)
                yield span
