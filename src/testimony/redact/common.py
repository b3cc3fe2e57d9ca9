"""How common an English word is (wordfreq's Zipf scale: 7 = 'the', 3 = rare).

A single capitalised word that is also a frequent English word ("Date",
"Stupid", "Time") is where NER errs most; such guesses are not spread to the
rest of a project and not fingerprinted, so they cannot black out ordinary
text or raise false leak alarms.
"""

from __future__ import annotations

from functools import lru_cache

PROPAGATE_BELOW = 4.0  # above this, a lone word is not spread without other evidence
DROP_AT = 5.0  # a lone NER word this common is dropped (God, Time, Will)


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.casefold(), "en")


def is_common(word: str, threshold: float = PROPAGATE_BELOW) -> bool:
    """A single word at least this frequent in English (multi-word forms never are)."""
    stripped = word.strip()
    return " " not in stripped and zipf(stripped) >= threshold
