"""The corpus's words, kept in the vault, so that no realistic pseudonym is a real name."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.vault.corpus import corpus_words_of
from testimony.vault.models import CorpusWord
from testimony.vault.types import stored_word

_CHUNK = 500


def add_corpus_words(session: Session, texts: Iterable[str]) -> set[str]:
    """Record the words of new texts; returns those the corpus did not hold before."""
    words = corpus_words_of(texts)
    known: set[str | bytes] = set()  # as stored: the words, or their keyed hashes
    ordered = sorted(words)
    for i in range(0, len(ordered), _CHUNK):
        chunk = ordered[i : i + _CHUNK]
        known |= set(session.scalars(select(CorpusWord.word).where(CorpusWord.word.in_(chunk))))
    stored = corpus_word_form(session)
    new = {w for w in words if stored(w) not in known}
    session.add_all(CorpusWord(word=w) for w in sorted(new))
    return new


def corpus_word_form(session: Session) -> Callable[[str], str | bytes]:
    """How a word is stored in this vault's corpus: itself, or its keyed hash if encrypted."""
    dialect = session.get_bind().dialect
    stored_word(dialect, "")  # a locked vault refuses here, once
    return lambda word: stored_word(dialect, word)
