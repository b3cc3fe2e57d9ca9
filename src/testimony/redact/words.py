"""The corpus's words, kept in the vault, so that no realistic pseudonym is a real name."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.vault.models import CorpusWord

_WORD = re.compile(r"[^\W\d_]+")
_CHUNK = 500


def corpus_words_of(texts: Iterable[str]) -> set[str]:
    return {w.casefold() for text in texts for w in _WORD.findall(text) if len(w) <= 128}


def add_corpus_words(session: Session, texts: Iterable[str]) -> set[str]:
    """Record the words of new texts; returns those the corpus did not hold before."""
    words = corpus_words_of(texts)
    known: set[str] = set()
    ordered = sorted(words)
    for i in range(0, len(ordered), _CHUNK):
        chunk = ordered[i : i + _CHUNK]
        known |= set(session.scalars(select(CorpusWord.word).where(CorpusWord.word.in_(chunk))))
    new = words - known
    session.add_all(CorpusWord(word=w) for w in sorted(new))
    return new
