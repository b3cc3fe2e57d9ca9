"""The redaction engine's parts, made from a project's settings (or the defaults)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.db.models import Theme
from testimony.project import Project
from testimony.redact.entities import EntityResolver
from testimony.redact.pipeline import RedactionPipeline
from testimony.settings import Settings


def pipeline_for(settings: Settings | None = None, allow: Iterable[str] = ()) -> RedactionPipeline:
    """A pipeline that looks for the types the settings redact or propose."""
    settings = settings or Settings()
    return RedactionPipeline(
        sorted(settings.detected_labels()), settings.deny_list, [*settings.allow_list, *allow]
    )


def project_pipeline(project: Project) -> RedactionPipeline:
    """The project's pipeline: its settings and lists, and (unless switched off) the words
    of its codebook, which the team chose as concepts, not as anyone's name."""
    allow: list[str] = []
    if project.settings.allow_codebook_words:
        with project.session() as s:
            allow = codebook_words(s)
    return pipeline_for(project.settings, allow)


_WORD = re.compile(r"[^\W\d_]{3,}")


def codebook_words(session: Session) -> list[str]:
    """Theme names, and every word of three letters or more in the codebook's texts."""
    words: set[str] = set()
    for name, description, include, exclude, examples in session.execute(
        select(Theme.name, Theme.description, Theme.include, Theme.exclude, Theme.examples)
    ):
        words.add(name)
        texts = [name, description or "", include or "", exclude or "", *(examples or [])]
        words |= {w for text in texts for w in _WORD.findall(str(text))}
    return sorted(words)


def resolver_for(session: Session, settings: Settings | None = None) -> EntityResolver:
    """An entity resolver that writes pseudonyms the way the settings say."""
    return EntityResolver(session, (settings or Settings()).pseudonyms)


def mention_status(label: str, settings: Settings | None = None) -> str:
    """'flagged' for a type left in the text until a reviewer accepts it, else 'proposed'."""
    return "flagged" if label in (settings or Settings()).proposed_labels() else "proposed"
