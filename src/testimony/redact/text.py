"""Redacting free text with no project, or with a project's lists and pseudonym map.

This is `testimony redact-text`: anyone can measure the engine on their own
data. Within one document mentions are linked and propagated; nothing is
stored (with a project, its vault is read and the transaction rolled back).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from testimony.db.engine import make_engine
from testimony.redact.entities import EntityResolver
from testimony.redact.pipeline import RedactionPipeline
from testimony.redact.render import render
from testimony.vault.models import Base


@dataclass(frozen=True)
class RedactedSpan:
    start: int
    end: int
    label: str
    entity: str  # the pseudonym, which names the entity within the run


@dataclass(frozen=True)
class RedactedText:
    text: str
    spans: list[RedactedSpan]


@contextmanager
def scratch_vault() -> Iterator[Session]:
    """An in-memory vault: the same entity linking and pseudonyms, nothing written to disk."""
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def redact_texts(
    pipeline: RedactionPipeline, texts: Iterable[str], session: Session, per_document: bool = True
) -> Iterator[RedactedText]:
    """Redact each text; offsets are code points of the input text.

    With per_document, entity numbering starts afresh for every text (each is
    one document); otherwise one person keeps one pseudonym across all texts.
    """
    texts = list(texts)
    detected = pipeline.detect(texts, remember=False, separate=per_document)
    for text, spans in zip(texts, detected, strict=True):
        resolver = EntityResolver(session)
        resolved = []
        out_spans = []
        for span in spans:
            entity_id, pseudonym = resolver.resolve(text[span.start : span.end], span.label)
            resolved.append((span.start, span.end, entity_id, pseudonym))
            out_spans.append(RedactedSpan(span.start, span.end, span.label, pseudonym))
        redacted, _replacements = render(text, resolved)
        if per_document:
            session.rollback()
        yield RedactedText(redacted, out_spans)
