"""The redaction engine's parts, made from a project's settings (or the defaults)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from testimony.redact.entities import EntityResolver
from testimony.redact.pipeline import RedactionPipeline
from testimony.settings import Settings


def pipeline_for(settings: Settings | None = None) -> RedactionPipeline:
    """A pipeline that looks for the types the settings redact or propose."""
    settings = settings or Settings()
    return RedactionPipeline(
        sorted(settings.detected_labels()), settings.deny_list, settings.allow_list
    )


def resolver_for(session: Session, settings: Settings | None = None) -> EntityResolver:
    """An entity resolver that writes pseudonyms the way the settings say."""
    return EntityResolver(session, (settings or Settings()).pseudonyms)


def mention_status(label: str, settings: Settings | None = None) -> str:
    """'flagged' for a type left in the text until a reviewer accepts it, else 'proposed'."""
    return "flagged" if label in (settings or Settings()).proposed_labels() else "proposed"
