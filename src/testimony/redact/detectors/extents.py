"""How far a found identifier reaches: the words next to it that say the same thing.

NER stops at the proper name, but the words around it often belong to it: "the District
of Famagusta", "northern Cyprus", "London-based", "the Beyoğlu court", "the Mayor of
Kuşadası", "the Erich-Weinert-Ensemble (EWE)". Left outside the mask they give back what
was masked: an organisation's name in its own language or its acronym names it again,
"the Mayor of [GPE]" is one person, "[GPE] court" is one building. The wider span is
proposed next to the narrow one, so the narrow form is still learned and spread.
"""

from __future__ import annotations

import re

from testimony.redact.detectors.base import Detection

AREA_BEFORE = re.compile(
    r"\b(?:(?i:the)\s+)?(?i:district|borough|municipality|county|province|region|oblast|canton|"
    r"prefecture|department|commune|parish|city|town|village|republic|state)\s+of\s+$"
)
DIRECTION_BEFORE = re.compile(
    r"\b(?i:(?:north|south)(?:ern)?|east(?:ern)?|west(?:ern)?|central|(?:north|south)-?"
    r"(?:east|west)(?:ern)?|upper|lower)\s+$"
)
BASED_AFTER = re.compile(r"-(?:based|born|registered)\b")
# An office or an institution named after its place: "the Mayor of Kuşadası", "the
# Governor of Sztum Prison", "the Beyoğlu court", "the Talgar hospital", "the Salzburg
# municipal cemetery".
OFFICE_BEFORE = re.compile(
    r"\b(?i:mayor|governor|prefect|akim|head|chief|director|president|prosecutor|"
    r"commissioner|chairman|chairwoman|principal|rector|dean)\s+of\s+(?:(?i:the)\s+)?$"
)
INSTITUTION_AFTER = re.compile(
    r"(?:\s+(?:(?!and\b|or\b|of\b|the\b|in\b|on\b|at\b|to\b)[a-z][a-z-]*)){0,3}?\s+"
    r"(?:court|courts|prosecutor|prosecutor's\s+office|police(?:\s+(?:department|station))?|"
    r"hospital|polyclinic|clinic|prison|cemetery|municipality|council|akimat|school|lyceum|"
    r"university|college|bar|mosque|church|market|bazaar|station|airport|mine|plant|factory|"
    r"refinery|mall|smelter|dispensary|pharmacy|canteen|depot|warehouse|salon|restaurant|"
    r"supermarket|hotel)\b"
)
# A gloss in brackets after an organisation: its acronym or its name in its own language,
# "(EWE)", "(Högsta domstolen)", "(Revolutionary People’s Liberation Party-Front)".
GLOSS_AFTER = re.compile(r"\s*\((?P<gloss>[^()\n\d]{2,100})\)")
# ...or the organisation is the gloss, after its acronym: "the PKK (the Kurdistan Workers’
# Party, an illegal organisation)", "the DHKP-C (Revolutionary People’s Liberation Party)".
ACRONYM_BEFORE = re.compile(r"\b[A-ZА-Я][A-ZА-Я0-9-]*[A-ZА-Я0-9]\s*\(\s*(?:(?i:the)\s+)?$")
CLOSING_AFTER = re.compile(r"[^()\n]{0,60}\)")
NOT_A_GLOSS = re.compile(r"(?i)^(?:see|cf\.?|i\.e\.|e\.g\.|hereafter|hereinafter|art\.|§)\b")


def widened(text: str, span: Detection) -> Detection | None:
    """The span with the neighbouring words that belong to it, or None if there are none."""
    start, end, label = span.start, span.end, span.label
    before = text[max(0, start - 40) : start]
    if label in {"GPE", "LOC"}:
        start = _reach_back(before, start, AREA_BEFORE, DIRECTION_BEFORE)
        if match := BASED_AFTER.match(text, end):
            end = match.end()
        elif match := INSTITUTION_AFTER.match(text, end):
            end, label = match.end(), "FAC"
    if label in {"GPE", "ORG", "FAC"}:
        start = _reach_back(before, start, OFFICE_BEFORE)
    if span.label == "ORG" and ACRONYM_BEFORE.search(before):
        closing = CLOSING_AFTER.match(text, end)
        if closing:
            start, end = _reach_back(before, start, ACRONYM_BEFORE), closing.end()
    gloss = GLOSS_AFTER.match(text, end) if span.label in {"ORG", "FAC"} else None
    if gloss and not NOT_A_GLOSS.match(gloss.group("gloss").strip(" “”\"'")):
        end = gloss.end()
    if (start, end) == (span.start, span.end):
        return None
    return Detection(start, end, label, span.detector, span.score)


def _reach_back(before: str, start: int, *patterns: re.Pattern[str]) -> int:
    """The start moved back over the first of these patterns that ends right before it."""
    for pattern in patterns:
        if match := pattern.search(before):
            return start - (len(before) - match.start())
    return start
