"""An interview's pseudonymized text, rendered from its raw parts and its mentions.

Import and every later re-render (a reviewer's decision, a strategy change, a
re-run of detection) call the same function, so an interview reads the same
whichever way it was made. Mentions are the vault's record of what is an
identifier; the resolver knows how each entity is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from testimony.ingest.labels import is_role_word
from testimony.redact.entities import EntityResolver
from testimony.redact.forms import split_title
from testimony.redact.render import Replacement, at_sentence_start, render

NAME_ATTRIBUTES = {
    "interviewer",
    "interviewee",
    "respondent",
    "name",
    "participant",
    "observer",
    "transcriber",
    "author",
    "translator",
    "interpreter",
    "speaker",
}
PLACE_ATTRIBUTES = {"place", "location", "city", "village", "town", "address", "district"}
# Mention statuses that leave the words in the text ("flagged": a type the
# project's policy proposes to reviewers rather than redacts).
REDACTED_STATUSES = {"proposed", "accepted"}


def whole_value_label(attribute: str) -> str:
    """PERSON or GPE for an attribute whose whole value identifies (interviewer: ...), else ''."""
    key = attribute.casefold()
    if key in NAME_ATTRIBUTES:
        return "PERSON"
    if key in PLACE_ATTRIBUTES:
        return "GPE"
    return ""


@dataclass(frozen=True)
class MentionRef:
    """One mention as rendering needs it: where, what, which entity, and whether it is hidden."""

    field: str  # text:<position> | title | speaker | attr:<name>
    start: int
    end: int
    text: str
    entity_id: int
    redacted: bool = True


@dataclass
class RawInterview:
    title: str
    attributes: dict[str, str]
    segments: list[tuple[int, str | None, str]]  # position, raw speaker label, raw text


@dataclass
class RenderedInterview:
    title: str = ""
    attributes: list[tuple[str, str]] = field(default_factory=list)
    speakers: dict[str, str] = field(default_factory=dict)  # raw label -> pseudonymized label
    texts: dict[int, tuple[str, list[Replacement]]] = field(default_factory=dict)


def redacted(mention_status: str, entity_status: str) -> bool:
    """Whether a mention is hidden: its own decision first, then its entity's."""
    if mention_status in {"accepted", "rejected"}:
        return mention_status == "accepted"
    if entity_status == "rejected":
        return False
    return mention_status in REDACTED_STATUSES or entity_status == "accepted"


def render_interview(
    resolver: EntityResolver, raw: RawInterview, mentions: list[MentionRef]
) -> RenderedInterview:
    """Every pseudonymized part of one interview."""
    by_field: dict[str, list[MentionRef]] = defaultdict(list)
    for mention in mentions:
        if mention.redacted:
            by_field[mention.field].append(mention)
    out = RenderedInterview()

    def text_field(name: str, value: str) -> tuple[str, list[Replacement]]:
        spans = sorted(by_field.get(name, []), key=lambda m: m.start)
        taken: list[tuple[int, int, int, str, str]] = []
        for m in spans:
            if taken and m.start < taken[-1][1]:
                continue  # overlaps an earlier mention (a reviewer's addition over a find)
            surface = value[m.start : m.end]
            pseudonym = resolver.render(m.entity_id, surface, at_sentence_start(value, m.start))
            taken.append(
                (m.start, m.end, m.entity_id, pseudonym, resolver.entities[m.entity_id].label)
            )
        return render(value, taken)

    def whole(name: str, value: str) -> str:
        titles, bare = split_title(value)
        match = next((m for m in by_field.get(name, []) if m.text == bare), None)
        if match is None:
            return value  # a reviewer said this is no identifier
        rendered = resolver.render(match.entity_id, bare)
        return f"{titles} {rendered}" if titles else rendered

    out.title = text_field("title", raw.title)[0] if raw.title else ""
    for name, value in raw.attributes.items():
        if whole_value_label(name) and value:
            out.attributes.append((name, whole(f"attr:{name}", value)))
        else:
            out.attributes.append((name, text_field(f"attr:{name}", value)[0] if value else ""))
    for _position, speaker, _text in raw.segments:
        if speaker and speaker not in out.speakers:
            out.speakers[speaker] = speaker if is_role_word(speaker) else whole("speaker", speaker)
    for position, _speaker, text in raw.segments:
        out.texts[position] = text_field(f"text:{position}", text)
    return out
