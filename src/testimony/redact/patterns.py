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


URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'»)]+[^\s<>\"'»).,;:!?]", re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
# A lowercase dotted name ("oksana.hair.krg", "northbridge-fund.org"): a page, a
# handle or a domain. Needs two groups with letters, so "e.g." and dates are left alone.
DOTTED = re.compile(
    r"(?<![\w@.])[a-z0-9_-]*[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]*[a-z][a-z0-9_-]*)+(?:/[^\s]*[^\s.,;:!?)])?"
)


def find_handles(text: str) -> Iterator[tuple[int, int, str]]:
    """URLs, @handles and dotted names (pages, usernames, domains)."""
    for match in URL.finditer(text):
        yield match.start(), match.end(), "URL"
    for match in HANDLE.finditer(text):
        if len(match.group()) > 2:
            yield match.start(), match.end(), "HANDLE"
    for match in DOTTED.finditer(text):
        if len(match.group()) >= 6:
            yield match.start(), match.end(), "HANDLE"
