"""From detections to mentions: link each find to its entity and decide whether it is hidden.

Import and re-runs of detection share this, so a re-run links exactly as an
import does.
"""

from __future__ import annotations

from dataclasses import dataclass

from testimony.ingest.labels import is_role_word
from testimony.redact.detectors.base import Detection
from testimony.redact.engine import mention_status
from testimony.redact.entities import EntityResolver
from testimony.redact.forms import split_title
from testimony.redact.rendering import MentionRef, whole_value_label
from testimony.settings import Settings


@dataclass
class Found:
    """One find in one field of an interview."""

    field: str
    start: int
    end: int
    surface: str
    label: str
    detector: str
    score: float


def finds_in_text(field: str, raw: str, detections: list[Detection]) -> list[Found]:
    return [
        Found(field, d.start, d.end, raw[d.start : d.end], d.label, d.detector, d.score)
        for d in detections
    ]


def whole_field_finds(attributes: dict[str, str], speakers: list[str]) -> list[Found]:
    """Attributes that name someone or somewhere, and speaker labels: identifiers whole."""
    finds = []
    for name, value in attributes.items():
        label = whole_value_label(name)
        if label and value:
            _titles, bare = split_title(value)
            finds.append(
                Found(f"attr:{name}", len(value) - len(bare), len(value), bare, label, "field", 1.0)
            )
    for raw in speakers:
        if raw and not is_role_word(raw):
            _titles, bare = split_title(raw)
            finds.append(
                Found("speaker", len(raw) - len(bare), len(raw), bare, "PERSON", "field", 1.0)
            )
    return finds


def link_mentions(
    resolver: EntityResolver, source_id: int, finds: list[Found], settings: Settings
) -> tuple[list[dict], list[MentionRef]]:
    """Vault rows for the mentions of one source, and what rendering needs of them."""
    # Full names first, so that "Yerlan" alone links to "Yerlan Bekov" said later.
    for find in finds:
        if find.label == "PERSON" and " " in find.surface.strip():
            resolver.entity_for(find.surface, find.label, source_id)
    rows: list[dict] = []
    refs: list[MentionRef] = []
    for find in finds:
        entity_id = resolver.entity_for(find.surface, find.label, source_id)
        status = "proposed" if find.detector == "field" else mention_status(find.label, settings)
        rows.append(
            {
                "source_id": source_id,
                "field": find.field,
                "start": find.start,
                "end": find.end,
                "text": find.surface,
                "label": find.label,
                "entity_id": entity_id,
                "detector": find.detector,
                "score": find.score,
                "status": status,
            }
        )
        hidden = status == "proposed" and resolver.entities[entity_id].status != "rejected"
        refs.append(MentionRef(find.field, find.start, find.end, find.surface, entity_id, hidden))
    return rows, refs
