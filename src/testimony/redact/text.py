"""Redacting free text with no project, or with a project's lists and pseudonym map.

This is `testimony redact-text`: anyone can measure the engine on their own
data. Within one document mentions are linked and propagated; nothing is
stored (with a project, its vault is read and the transaction rolled back).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from testimony.db.engine import make_engine
from testimony.redact.entities import EntityResolver
from testimony.redact.pipeline import RedactionPipeline
from testimony.redact.render import at_sentence_start, render
from testimony.redact.words import add_corpus_words
from testimony.vault.models import Base


@dataclass(frozen=True)
class RedactedSpan:
    start: int
    end: int
    label: str
    entity: str  # the entity's tag ([PERSON-1]), which names it within the run


@dataclass(frozen=True)
class RedactedText:
    text: str
    spans: list[RedactedSpan]


@contextmanager
def project_vault(vault_session: Session, pipeline: RedactionPipeline) -> Iterator[Session]:
    """A project's vault, read but never written: its people keep their pseudonyms, and
    the identifiers it knows are found in the text too. Everything is rolled back."""
    try:
        for form, label in EntityResolver(vault_session).known_forms():
            pipeline.add_known(form, label)
        yield vault_session
    finally:
        vault_session.rollback()
        vault_session.close()


@contextmanager
def scratch_vault() -> Iterator[Session]:
    """An in-memory vault: the same entity linking and pseudonyms, nothing written to disk."""
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def redact_texts(
    pipeline: RedactionPipeline,
    texts: Iterable[str],
    session: Session,
    per_document: bool = True,
    strategies: dict[str, str] | None = None,
    proposed: AbstractSet[str] = frozenset(),
) -> Iterator[RedactedText]:
    """Redact each text; offsets are code points of the input text.

    With per_document, entity numbering starts afresh for every text (each is
    one document); otherwise one person keeps one pseudonym across all texts.
    strategies say how pseudonyms are written per type (tag by default); types
    in proposed are found but left in the text, as a project's policy would.
    """
    texts = list(texts)
    detected = pipeline.detect(texts, remember=False, separate=per_document)
    if not per_document:
        add_corpus_words(session, texts)
    for text, spans in zip(texts, detected, strict=True):
        if per_document:
            add_corpus_words(session, [text])  # a realistic pseudonym is none of its words
        resolver = EntityResolver(session, strategies)
        resolved = []
        out_spans = []
        for span in (s for s in spans if s.label not in proposed):
            surface = text[span.start : span.end]
            entity_id = resolver.entity_for(surface, span.label)
            pseudonym = resolver.render(entity_id, surface, at_sentence_start(text, span.start))
            resolved.append((span.start, span.end, entity_id, pseudonym))
            tag = resolver.entities[entity_id].tag
            out_spans.append(RedactedSpan(span.start, span.end, span.label, tag))
        redacted, _replacements = render(text, resolved)
        if per_document:
            session.rollback()
        yield RedactedText(redacted, out_spans)
