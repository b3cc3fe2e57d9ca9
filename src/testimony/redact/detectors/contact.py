"""Contact details: e-mail addresses, phone numbers (libphonenumber), URLs and handles."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from testimony.redact.detectors.base import Detection

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_MANY_DIGITS = re.compile(r"(?:\d[\s\-().]*){7,}")
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'»)]+[^\s<>\"'»).,;:!?]", re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
# A lowercase dotted name ("oksana.hair.krg", "northbridge-fund.org"): a page, a
# handle or a domain. Two groups with letters are needed, so "e.g." and dates stay.
DOTTED = re.compile(
    r"(?<![\w@.])[a-z0-9_-]*[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]*[a-z][a-z0-9_-]*)+"
    r"(?:/[^\s]*[^\s.,;:!?)])?"
)
# Usernames: words joined by underscores ("alua_sultanbek01", "potap_zhakupov_09"), which
# speech never writes otherwise; and any word after "account", "username", "nick"...
UNDERSCORED = re.compile(r"(?<![\w@.])[^\W_]+(?:_+[^\W_]+)+_?(?![\w@])")
NAMED_ACCOUNT = re.compile(
    r"(?i:\b(?:account|username|user\s*name|nick(?:name)?|login|profile|handle|page)"
    r"(?:\s+(?:is|was|was called|called|named|:))?\s*[:\-—]?\s+)"
    r"(?P<name>[a-z][a-z0-9]*\d[a-z0-9]*)\b"
)
_LETTER_THEN_DIGIT = re.compile(r"[a-z]\d")
# A line break inside a number ("8 701\n234 56 78") is still one number.
_LINE_BREAK_IN_NUMBER = re.compile(r"(?<=\d)[ \t]*\n[ \t]*(?=[\d(+])")


def find_emails(text: str) -> Iterator[Detection]:
    for match in EMAIL.finditer(text):
        yield Detection(match.start(), match.end(), "EMAIL", "email")


def find_phones(text: str) -> Iterator[Detection]:
    """Phone numbers in local or international form; libphonenumber decides, not a regex.

    KZ as the default region reads +7 and 8 7xx numbers; numbers with a country
    code (+996, +998, +44 ...) are read whatever the region.
    """
    if not _MANY_DIGITS.search(text):
        return
    # Same length, so offsets stay valid: a line break inside a number becomes a space.
    joined = _LINE_BREAK_IN_NUMBER.sub(lambda m: " " * len(m.group()), text)
    for match in phonenumbers.PhoneNumberMatcher(
        joined, "KZ", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        digits = sum(ch.isdigit() for ch in match.raw_string)
        if digits >= 7:
            yield Detection(match.start, match.end, "PHONE", "phone")


def find_links(text: str) -> Iterator[Detection]:
    """URLs, @handles and dotted names (pages, usernames, domains)."""
    for match in URL.finditer(text):
        yield Detection(match.start(), match.end(), "URL", "url")
    for match in HANDLE.finditer(text):
        if len(match.group()) > 2:
            yield Detection(match.start(), match.end(), "HANDLE", "handle")
    for match in DOTTED.finditer(text):
        if len(match.group()) >= 6:
            yield Detection(match.start(), match.end(), "HANDLE", "handle")
    if "_" in text:
        for match in UNDERSCORED.finditer(text):
            if any(ch.isalpha() for ch in match.group()):
                yield Detection(match.start(), match.end(), "HANDLE", "handle")
    if _LETTER_THEN_DIGIT.search(text):  # a cheap gate: the account name holds a digit
        for match in NAMED_ACCOUNT.finditer(text):
            yield Detection(match.start("name"), match.end("name"), "HANDLE", "handle")
