"""What every detector returns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Detection:
    """A proposed identifier: code-point offsets into the text, a type and who found it."""

    start: int
    end: int
    label: str
    detector: str
    score: float = 1.0


DIGIT = re.compile(r"\d")

# The characters whose casefold changes what is a word character: letters it gives a
# combining mark (İ is i and a dot above), and one mark it makes a letter (U+0345).
_JOINS_OR_SPLITS = (
    0x0130, 0x01F0, 0x0345, 0x0390, 0x03B0, 0x1E96, 0x1E97, 0x1E98, 0x1E99, 0x1F50,
    0x1F52, 0x1F54, 0x1F56, 0x1FB6, 0x1FB7, 0x1FC6, 0x1FC7, 0x1FD2, 0x1FD3, 0x1FD6,
    0x1FD7, 0x1FE2, 0x1FE3, 0x1FE4, 0x1FE6, 0x1FE7, 0x1FF6, 0x1FF7,
)  # fmt: skip
_WORD = re.compile(r"\w")
_FOLD_FIRST = {
    cp: "".join(ch for ch in chr(cp).casefold() if _WORD.fullmatch(ch))
    if _WORD.fullmatch(chr(cp))
    else " "
    for cp in _JOINS_OR_SPLITS
} | {0x0131: "i"}  # the dotless ı, which (?i)i matches and casefold keeps


@lru_cache(maxsize=16)
def folded(text: str) -> str:
    """The text as a case-insensitive pattern reads it, for hints.

    A hint is a cheap test that a detector's patterns could match at all. Case-blind
    alternations, (?i:a|b|c), are slow in Python's re: every position is tried. The
    same words searched case-sensitively in this text find every place the case-blind
    pattern would: here every character (?i) takes for a Latin letter is that letter,
    and no character changes from word to non-word or back (casefold, but for the few
    characters above, put right first). tests/test_detector_hints.py checks both over
    every code point. So a hint over it skips no text a pattern would find something
    in. Several detectors read the same text: kept for a while.
    """
    return text.translate(_FOLD_FIRST).casefold()
