"""Street addresses: 'Abay avenue 150, flat 34', 'ul. Pushkina 12-7', 'mkr Samal-2, house 58'."""

from __future__ import annotations

import re
from collections.abc import Iterator

from testimony.redact.detectors.base import Detection

CAP = r"[A-ZА-ЯЁ][\w'’.-]*"
STREET_NAME = rf"{CAP}(?:\s+(?:{CAP}|bi|batyr|ata|uly|kyzy|khan|be)){{0,2}}"
NUMBER = r"\d+[A-Za-zА-Яа-я]?(?:\s?[-/]\s?\d+[A-Za-z]?)?"
UNIT = (
    rf"(?:,?\s*(?i:house|building|bldg\.?|block|dom|d\.|entrance|floor|flat|apartment|apt\.?|"
    rf"kv\.?|room|office)\s*(?:No\.?\s*)?{NUMBER})"
)
STREET_WORD = (
    r"street|st\.|str\.|avenue|ave\.|prospekt|prospect|pr\.|boulevard|blvd\.?|lane|road|rd\.|"
    r"square|highway|embankment|alley|passage|ulitsa|köshesi|koshesi|dangyly"
)
AFTER = re.compile(rf"\b{STREET_NAME}\s+(?i:{STREET_WORD})(?:,?\s*(?:No\.?\s*)?{NUMBER})?{UNIT}*")
BEFORE = re.compile(
    rf"\b(?i:ul\.|ulitsa|street|st\.|avenue|prospekt|pr\.|per\.|pereulok)\s*{STREET_NAME}"
    rf"(?:,?\s*(?:No\.?\s*)?{NUMBER})?{UNIT}*"
)
MICRO = re.compile(
    rf"\b(?i:mkr\.?|mkrn\.?|microdistrict|micro-district|mikrorayon|mikroraion|md\.)\s*"
    rf"[\"«]?{CAP}(?:[\s-]?\d+)?[\"»]?(?:,?\s*{NUMBER})?{UNIT}*"
    rf"|\b{CAP}(?:[\s-]?\d+)?\s+(?i:microdistrict|micro-district|mikrorayon|mkr)\b{UNIT}*"
    rf"|\b(?i:microdistrict|micro-district|mkr\.?|mikrorayon)\s+\d+[A-Za-z]?\b{UNIT}*"
)
UNIT_ALONE = re.compile(
    r"\b(?i:house|flat|apartment|apt\.?|kv\.|fl\.)\s*(?:No\.?\s*)?\d+[A-Za-z]?\b"
)


def find_addresses(text: str) -> Iterator[Detection]:
    for pattern, score in ((AFTER, 0.9), (BEFORE, 0.9), (MICRO, 0.9), (UNIT_ALONE, 0.7)):
        for match in pattern.finditer(text):
            value = match.group().rstrip(" ,.")
            if any(ch.isdigit() for ch in value) or pattern is not UNIT_ALONE:
                yield Detection(
                    match.start(), match.start() + len(value), "ADDRESS", "address", score
                )
