"""Street addresses: 'Abay avenue 150, flat 34', 'ul. Pushkina 12-7', 'mkr Samal-2, house 58'."""

from __future__ import annotations

import re
from collections.abc import Iterator

from testimony.redact.detectors.base import Detection
from testimony.redact.detectors.dates import NUMBER as SPOKEN

CAP = r"[A-ZА-ЯЁ][\w'’.-]*"
STREET_NAME = rf"{CAP}(?:\s+(?:{CAP}|bi|batyr|ata|uly|kyzy|khan|be)){{0,2}}"
NUMBER = r"\d+[A-Za-zА-Яа-я]?(?:\s?[-/]\s?\d+[A-Za-z]?)?"
# In automatic transcripts house and flat numbers are words: "house number fourteen",
# "flat thirty-six"; a lone "house one" is too often "the house one of us owned".
SPOKEN_TENS = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
SAID_NUMBER = rf"(?i:(?:number\s+)?{SPOKEN})"
UNIT = (
    rf"(?:,?\s*(?i:house|building|bldg\.?|block|dom|d\.|entrance|floor|flat|apartment|apt\.?|"
    rf"kv\.?|room|office)\s*(?:(?:(?i:No\.?|number)\s*)?{NUMBER}|{SAID_NUMBER}\b))"
)
STREET_WORD = (
    r"street|st\.|str\.|avenue|ave\.|prospekt|prospect|pr\.|boulevard|blvd\.?|lane|road|rd\.|"
    r"square|highway|embankment|alley|passage|ulitsa|köshesi|koshesi|dangyly"
)
HOUSE_FIRST = re.compile(r"(?<![\d.,:/-])\d{1,3}[A-Za-z]?\s+$")  # "5 Toraigyrov street"
AFTER = re.compile(
    rf"\b{STREET_NAME}\s+(?i:{STREET_WORD})"
    rf"(?:,?\s*(?:(?i:No\.?|number)\s*)?{NUMBER}(?![\d.:]\d))?{UNIT}*"
)
# "abai street house number fourteen", "on tauelsizdik street": lowercase transcripts.
LOWER_STREET = re.compile(rf"\s(?:street|avenue|prospekt|prospect|boulevard)\b{UNIT}*")
LOWER_NAME_BEFORE = re.compile(r"\b[a-z][a-z'-]{3,}$")
BEFORE = re.compile(
    rf"\b(?i:ul\.|ulitsa|street|st\.|avenue|prospekt|pr\.|per\.|pereulok)\s*{STREET_NAME}"
    rf"(?:,?\s*(?:No\.?\s*)?{NUMBER})?{UNIT}*"
)
MICRO = re.compile(
    rf"\b(?i:mkr\.?|mkrn\.?|microdistrict|micro-district|mikrorayon|mikroraion|md\.)\s*"
    rf"[\"«]?{CAP}(?:[\s-]?\d+)?[\"»]?(?:,?\s*{NUMBER})?{UNIT}*"
    rf"|\b{CAP}(?:[\s-]?\d+)?\s+(?i:microdistrict|micro-district|mikrorayon|mkr)\b{UNIT}*"
    rf"|\b(?i:microdistrict|micro-district|mkr\.?|mikrorayon)\s+\d+[A-Za-z]?\b{UNIT}*"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th|-?y|-?i)?\s+(?i:microdistrict|micro-district|mikrorayon|mkr)\b"
    rf"{UNIT}*"
)
UNIT_ALONE = re.compile(
    r"\b(?i:house|flat|apartment|apt\.?|kv\.|fl\.)\s*(?:No\.?\s*)?\d+[A-Za-z]?\b"
    rf"|\b(?i:house|flat|apartment)\s+(?i:number\s+{SPOKEN}|{SPOKEN_TENS})(?![\w-])"
)


# "Kyzylorda 120014": a six-digit Kazakh postcode after a town in an address line.
POSTCODE = re.compile(r"\b(?P<town>[A-ZА-ЯЁ][\w-]+),?\s+(?P<code>\d{6})\b(?![\d.,-]\d)")


def find_addresses(text: str) -> Iterator[Detection]:
    from testimony.redact.common import zipf
    from testimony.redact.detectors.places import is_listed_place

    for match in LOWER_STREET.finditer(text):
        name = LOWER_NAME_BEFORE.search(text, max(0, match.start() - 40), match.start())
        if name and (zipf(name.group()) < 2.5 or is_listed_place(name.group())):
            yield Detection(name.start(), match.end(), "ADDRESS", "address", 0.8)
    for match in POSTCODE.finditer(text):
        if is_listed_place(match.group("town")):
            yield Detection(match.start("code"), match.end("code"), "ADDRESS", "address", 0.8)
    for pattern, score in ((AFTER, 0.9), (BEFORE, 0.9), (MICRO, 0.9), (UNIT_ALONE, 0.7)):
        for match in pattern.finditer(text):
            start = match.start()
            if pattern is AFTER and (house := HOUSE_FIRST.search(text, max(0, start - 6), start)):
                start = house.start()
            value = text[start : match.end()].rstrip(" ,.")
            yield Detection(start, start + len(value), "ADDRESS", "address", score)
