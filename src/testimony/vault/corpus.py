"""The corpus's words: realistic pseudonyms avoid every word of every imported text."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+")


def corpus_words_of(texts: Iterable[str]) -> set[str]:
    """The case-folded words of texts (as the vault's corpus_words table keeps them)."""
    return {w.casefold() for text in texts for w in _WORD.findall(text) if len(w) <= 128}
