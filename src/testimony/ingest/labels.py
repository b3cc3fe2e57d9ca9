"""Speaker labels at the start of a line: `Q:`, `INTERVIEWER:`, `R1:`, `[00:01:23] Name:`.

A label is data (who spoke), not text to code. Role words are always labels;
a name is taken as a label when it is written as labels are (capitals, a short
run of capitalised words) and recurs, so that "Note: ..." once is left as text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

INTERVIEWER_WORDS = {
    "interviewer",
    "int",
    "i",
    "q",
    "iv",
    "moderator",
    "mod",
    "facilitator",
    "researcher",
    "question",
    "interviewer 1",
    "interviewer 2",
}
RESPONDENT_WORDS = {
    "a",
    "r",
    "resp",
    "respondent",
    "interviewee",
    "participant",
    "answer",
    "p",
    "informant",
    "survivor",
    "speaker",
}

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
LINE_LABEL = re.compile(
    rf"""^[ \t]*
    (?:[\[(](?P<time>{_TIME})[\])][ \t]*)?        # [00:01:23] or (00:01:23)
    (?P<md>\*\*|__)?                               # **Bold:** in Markdown
    (?P<label>
        [^\W\d_][\w'’.\-]*(?:[ \t][^\W\d_][\w'’.\-]*){{0,3}}   # one to four words
        (?:[ \t]?\d{{1,2}})?                         # R1, Speaker 2
    )
    [ \t]*(?:[\[(](?P<time2>{_TIME})[\])])?[ \t]*     # Name [00:01:23]:
    (?:(?P=md)[ \t]*:|:(?P=md)?|:)                  # the colon, inside or outside bold
    (?:[ \t]+|$)""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class LabelMatch:
    label: str
    rest: str
    time_ms: int | None


def parse_time_ms(value: str) -> int:
    """'01:02:03.5', '02:03', '1:02:03,500' -> milliseconds."""
    value = value.strip().replace(",", ".")
    parts = value.split(":")
    if not 2 <= len(parts) <= 3 or not all(parts):
        raise ValueError(f"not a time: {value!r}")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[0]) if len(parts) == 3 else 0
    if seconds < 0 or seconds >= 60 or minutes < 0 or minutes >= 60 or not 0 <= hours < 1000:
        raise ValueError(f"not a time: {value!r}")  # no recording lasts 1,000 hours
    return int(round((hours * 3600 + minutes * 60 + seconds) * 1000))


def normalise_label(label: str) -> str:
    return " ".join(label.strip(" \t*_").split())


def is_role_word(label: str) -> bool:
    key = re.sub(r"[\s_-]*\d+$", "", label.casefold()).strip()
    return key in INTERVIEWER_WORDS or key in RESPONDENT_WORDS


def role_of(label: str, interviewer_names: AbstractSet[str] = frozenset()) -> str:
    """interviewer, respondent, or other; a label naming the front matter's interviewer counts."""
    key = re.sub(r"[\s_-]*\d+$", "", label.casefold()).strip()
    if key in INTERVIEWER_WORDS or label.casefold() in interviewer_names:
        return "interviewer"
    if key in RESPONDENT_WORDS or key:
        return "respondent"
    return "other"


def _shaped_like_label(label: str) -> bool:
    words = label.split()
    if is_role_word(label):
        return True
    if label.isupper():
        return True
    return all(w[0].isupper() for w in words if w[0].isalpha())


def match_label(line: str) -> LabelMatch | None:
    """The speaker label at the start of line, if it is shaped like one."""
    m = LINE_LABEL.match(line)
    if not m:
        return None
    label = normalise_label(m.group("label"))
    if not label or not _shaped_like_label(label):
        return None
    time = m.group("time") or m.group("time2")
    try:
        time_ms = parse_time_ms(time) if time else None
    except ValueError:
        time_ms = None
    return LabelMatch(label=label, rest=line[m.end() :], time_ms=time_ms)


def accepted_labels(lines: list[str]) -> set[str]:
    """Labels trusted in this document: role words, and names used as labels at least twice.

    A stray "Note:" or "He said:" once at the start of a line is text, not a speaker.
    """
    counts: Counter[str] = Counter()
    for line in lines:
        found = match_label(line)
        if found:
            counts[found.label] += 1
    accepted = {label for label, n in counts.items() if is_role_word(label) or n >= 2}
    if accepted:
        # Beside trusted labels, a name in capitals is a speaker even if they speak once.
        accepted |= {label for label in counts if label.isupper() and len(label) > 1}
    return accepted
