"""Re-render interviews after the vault changed, carrying every coding onto the same words.

What changes an interview's pseudonymized text: a reviewer's decision, a new
pseudonym strategy, a re-run of detection, or a realistic pseudonym that a new
file turned out to use as a real name. Each marks the sources it touches
(Source.needs_render) in the same vault transaction as the change; then, per
interview, one project transaction writes the new text, its pseudonym marks
and the remapped codings, and a vault transaction clears the mark. A crash in
between leaves the mark set, and the next run renders again: rendering is
idempotent, and the old replacement map is taken from whichever record
(project or vault) matches the text project.db actually holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update

from testimony.db.models import (
    Coding,
    Excerpt,
    Interview,
    InterviewAttribute,
    Operation,
    Speaker,
)
from testimony.project import Project
from testimony.redact.engine import resolver_for
from testimony.redact.entities import EntityResolver
from testimony.redact.pseudonyms import pseudonym_words
from testimony.redact.remap import remap_span
from testimony.redact.render import Replacement
from testimony.redact.rendering import MentionRef, RawInterview, redacted, render_interview
from testimony.vault.models import Entity, Mention, RawSegment, Source


@dataclass
class RenderStats:
    interviews: int = 0
    excerpts: int = 0
    codings: int = 0


def mark_sources_of(vs, entity_ids: Iterable[int]) -> int:  # noqa: ANN001
    """Mark every source that mentions these entities for re-rendering."""
    ids = sorted(set(entity_ids))
    if not ids:
        return 0
    sources = select(Mention.source_id).where(Mention.entity_id.in_(ids)).distinct()
    result = vs.execute(update(Source).where(Source.id.in_(sources)).values(needs_render=True))
    return result.rowcount or 0


def rename_colliding(vs, resolver: EntityResolver, new_words: set[str]) -> bool:  # noqa: ANN001
    """Give another name to every realistic pseudonym that is now a real word of the corpus."""
    if not new_words & resolver.used_words:  # the common case: one set intersection
        return False
    renamed = [
        entity_id
        for entity_id, info in resolver.entities.items()
        if info.strategy == "realistic"
        and {w.casefold() for w in pseudonym_words(info.details)} & new_words
    ]
    for entity_id in renamed:
        resolver.rename(entity_id)
    mark_sources_of(vs, renamed)
    return bool(renamed)


def finish_renders(project: Project, actor: str | None = None) -> RenderStats:
    """Re-render every source marked for it; returns what changed."""
    stats = RenderStats()
    with project.vault_session() as vs:
        pending = list(vs.scalars(select(Source.id).where(Source.needs_render.is_(True))))
        resolver = resolver_for(vs, project.settings)
        for source_id in pending:
            rerender_source(project, vs, resolver, source_id, stats)
    return stats


def rerender_source(
    project: Project,
    vs,
    resolver: EntityResolver,
    source_id: int,
    stats: RenderStats,  # noqa: ANN001
) -> None:
    """Render one source from the vault and write it to project.db, remapping codings."""
    source = vs.get(Source, source_id)
    segments = list(
        vs.scalars(
            select(RawSegment)
            .where(RawSegment.source_id == source_id)
            .order_by(RawSegment.position)
        )
    )
    rows = vs.execute(
        select(Mention, Entity.status)
        .join(Entity, Entity.id == Mention.entity_id)
        .where(Mention.source_id == source_id)
    ).all()
    refs = [
        MentionRef(m.field, m.start, m.end, m.text, m.entity_id, redacted(m.status, status))
        for m, status in rows
    ]
    raw = RawInterview(
        source.title,
        dict(source.attributes or {}),
        [(g.position, g.speaker, g.text) for g in segments],
    )
    rendered = render_interview(resolver, raw, refs)
    with project.session() as s, s.begin():
        interview = s.scalar(select(Interview).where(Interview.vault_source_id == source_id))
        if interview is not None:
            _write(s, interview, rendered, segments, raw, stats)
    for segment in segments:
        replacements = rendered.texts[segment.position][1]
        segment.replacements = json.dumps([r.as_list() for r in replacements])
    source.needs_render = False
    vs.commit()


def _write(s, interview: Interview, rendered, segments, raw: RawInterview, stats) -> None:  # noqa: ANN001
    changed = False
    if raw.title and interview.title != rendered.title:
        interview.title = rendered.title
        changed = True
    if raw.attributes:  # sources imported before raw attributes were kept: leave them
        values = dict(rendered.attributes)
        for attribute in s.scalars(
            select(InterviewAttribute).where(InterviewAttribute.interview_id == interview.id)
        ):
            if attribute.name in values and attribute.value != values[attribute.name]:
                attribute.value = values[attribute.name]
                changed = True
    excerpts = {
        e.position: e
        for e in s.scalars(select(Excerpt).where(Excerpt.interview_id == interview.id))
    }
    speaker_labels: dict[int, str] = {}
    moved: dict[int, tuple[list[Replacement], list[Replacement]]] = {}
    for segment in segments:
        excerpt = excerpts.get(segment.position)
        if excerpt is None:
            continue
        if segment.speaker and excerpt.speaker_id is not None:
            speaker_labels[excerpt.speaker_id] = rendered.speakers[segment.speaker]
        text, replacements = rendered.texts[segment.position]
        marks = [r.mark() for r in replacements]
        if excerpt.text == text and excerpt.pseudonyms == marks:
            continue
        old = _old_replacements(excerpt, segment)
        moved[excerpt.id] = (old, replacements)
        for coding in s.scalars(select(Coding).where(Coding.excerpt_id == excerpt.id)):
            start, end = remap_span(coding.start, coding.end, old, replacements)
            if (start, end) != (coding.start, coding.end):
                coding.start, coding.end = start, end
                stats.codings += 1
        excerpt.text = text
        excerpt.pseudonyms = marks
        excerpt.word_count = len(text.split())
        stats.excerpts += 1
        changed = True
    changed |= _relabel_speakers(s, speaker_labels)
    _remap_history(s, moved)
    if changed:
        stats.interviews += 1


def _remap_history(s, moved: dict[int, tuple[list[Replacement], list[Replacement]]]) -> None:  # noqa: ANN001
    """Carry the codings that coders' undo history holds through the same change, so an
    undo after a re-render puts a coding back on its words."""
    if not moved:
        return
    for operation in s.scalars(select(Operation).where(Operation.state != "dropped")):
        changes = []
        touched = False
        for change in operation.changes:
            change = dict(change)
            if change.get("table") == "codings":
                for side in ("before", "after"):
                    row = change.get(side)
                    if row and row.get("excerpt_id") in moved:
                        old, new = moved[row["excerpt_id"]]
                        start, end = remap_span(row["start"], row["end"], old, new)
                        change[side] = {**row, "start": start, "end": end}
                        touched = True
            changes.append(change)
        if touched:
            operation.changes = changes


def _relabel_speakers(s, labels: dict[int, str]) -> bool:  # noqa: ANN001
    """New speaker labels; through a temporary label, since two may swap.

    The temporary label starts with a private-use character (PostgreSQL refuses NUL in text).
    """
    speakers = [s.get(Speaker, i) for i in labels]
    moved = [sp for sp in speakers if sp is not None and sp.label != labels[sp.id]]
    for speaker in moved:
        speaker.label = f"\U000f0000{speaker.id}"
    s.flush()
    for speaker in moved:
        speaker.label = labels[speaker.id]
    return bool(moved)


def _old_replacements(excerpt: Excerpt, segment: RawSegment) -> list[Replacement]:
    """The replacement map behind the text project.db holds now.

    The project's own marks are written with the text in one transaction; the
    vault's copy may lag after a crash, and projects imported before marks
    were kept have only the vault's. Whichever reproduces the text is right.
    """
    candidates = []
    if excerpt.pseudonyms and all(len(m) == 6 for m in excerpt.pseudonyms):
        candidates.append([Replacement.from_mark(m) for m in excerpt.pseudonyms])
    candidates.append([Replacement.from_list(r) for r in json.loads(segment.replacements or "[]")])
    if not excerpt.pseudonyms:
        candidates.append([])
    for reps in candidates:
        if _reproduces(segment.text, excerpt.text, reps):
            return reps
    return candidates[0]


def _reproduces(raw: str, text: str, reps: list[Replacement]) -> bool:
    """Whether the raw text's unreplaced pieces sit where reps say in text."""
    raw_cursor = new_cursor = 0
    for rep in [*reps, Replacement(len(raw), len(raw), len(text), len(text), 0)]:
        if rep.start - raw_cursor != rep.new_start - new_cursor:
            return False
        if raw[raw_cursor : rep.start] != text[new_cursor : rep.new_start]:
            return False
        raw_cursor, new_cursor = rep.end, rep.new_end
    return True
