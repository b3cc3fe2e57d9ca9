"""`testimony redact`: detection again after lists or settings changed, keeping decisions.

A re-run reads every interview's raw text from the vault and detects afresh
with the current settings, as an import would. What reviewers decided stays:
an entity they accepted or rejected keeps its decision (new mentions link to
it by their forms), a mention they decided on its own or added by hand is
kept, and a new find that overlaps one of those gives way. Then every
interview whose text changed is re-rendered, codings carried along, and each
entity is written with the strategy testimony.yaml now names for its type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select

from testimony.db import audit
from testimony.errors import UnknownInterview
from testimony.lock import vault_writer
from testimony.project import Project
from testimony.redact.engine import project_pipeline, resolver_for
from testimony.redact.importer import _add_fingerprints, _teach_person, recover_pending
from testimony.redact.mentions import finds_in_text, link_mentions, whole_field_finds
from testimony.redact.rendering import whole_value_label
from testimony.redact.rerender import RenderStats, finish_renders, mark_sources_of
from testimony.vault.models import Entity, Mention, RawSegment, Source
from testimony.vault.protection import fingerprint_key

KEPT_STATUSES = ("accepted", "rejected")
REVIEWER = "reviewer"


@dataclass
class RerunReport:
    interviews: list[str] = field(default_factory=list)
    mentions_before: int = 0
    mentions_after: int = 0
    kept_decisions: int = 0
    restyled_entities: int = 0
    rendered: RenderStats = field(default_factory=RenderStats)


def rerun_detection(
    project: Project,
    interview_codes: list[str] | None = None,
    actor: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RerunReport:
    """Detect identifiers again in these interviews (all if None) and re-render them."""
    with vault_writer(project.root, "re-running detection in"):
        return _rerun_detection(project, interview_codes, actor, progress)


def _rerun_detection(
    project: Project,
    interview_codes: list[str] | None,
    actor: str | None,
    progress: Callable[[int, int], None] | None,
) -> RerunReport:
    recover_pending(project)
    finish_renders(project)  # an earlier re-render a crash interrupted
    report = RerunReport()
    settings = project.settings
    with project.vault_session() as vs:
        query = select(Source).where(Source.status == "done").order_by(Source.id)
        if interview_codes:
            query = query.where(Source.interview_code.in_(interview_codes))
        sources = list(vs.scalars(query))
        missing = set(interview_codes or ()) - {s.interview_code for s in sources}
        if missing:
            raise UnknownInterview(f"no such interview: {', '.join(sorted(missing))}")
        key = fingerprint_key(vs)
        restyled = _restyle_entities(vs, settings)
        report.restyled_entities = len(restyled)
        mark_sources_of(vs, restyled)
        vs.commit()
    pipeline = project_pipeline(project)
    with project.vault_session() as vs:
        # Only what reviewers confirmed is spread from the vault; everything else must be
        # found again, so that a removed deny-list entry or a new allow-list entry counts.
        confirmed = select(Mention.text, Mention.label).join(Entity)
        confirmed = confirmed.where(
            (Entity.status == "accepted") | (Mention.detector == REVIEWER)
        ).distinct()
        for text, label in vs.execute(confirmed):
            pipeline.add_known(text, label)
    for index, source in enumerate(sources, start=1):
        _rerun_source(project, pipeline, source.id, key, report)
        report.interviews.append(source.interview_code)
        if progress:
            progress(index, len(sources))
    report.rendered = finish_renders(project)
    with project.session() as s, s.begin():
        audit.append(
            s,
            project.actor(actor),
            "redact",
            ",".join(report.interviews) if interview_codes else "all",
            interviews=len(report.interviews),
            mentions_before=report.mentions_before,
            mentions_after=report.mentions_after,
            kept_decisions=report.kept_decisions,
            restyled_entities=report.restyled_entities,
            excerpts_rerendered=report.rendered.excerpts,
            codings_moved=report.rendered.codings,
        )
    return report


def _restyle_entities(vs, settings) -> list[int]:  # noqa: ANN001
    """Give every entity the strategy its type now has; the ids whose writing changed."""
    resolver = resolver_for(vs, settings)
    return [
        entity_id
        for entity_id, info in list(resolver.entities.items())
        if resolver.set_strategy(entity_id, settings.pseudonyms.get(info.label, "tag"))
    ]


def _rerun_source(project: Project, pipeline, source_id: int, key: bytes, report) -> None:  # noqa: ANN001
    settings = project.settings
    with project.vault_session() as vs:
        source = vs.get_one(Source, source_id)
        segments = list(
            vs.scalars(
                select(RawSegment)
                .where(RawSegment.source_id == source_id)
                .order_by(RawSegment.position)
            )
        )
        attributes = dict(source.attributes or {})
        speakers = list(dict.fromkeys(g.speaker for g in segments if g.speaker))
        for name, value in attributes.items():
            if value and whole_value_label(name) == "PERSON":
                _teach_person(pipeline, value)
            elif value and whole_value_label(name):
                pipeline.add_known(value, whole_value_label(name))
        for speaker in speakers:
            _teach_person(pipeline, speaker)
        fields = [("title", source.title)] if source.title else []
        fields += [(f"text:{g.position}", g.text) for g in segments]
        fields += [
            (f"attr:{n}", v) for n, v in attributes.items() if v and not whole_value_label(n)
        ]
        detected = pipeline.detect([text for _f, text in fields])
        finds = [
            f
            for (name, text), found in zip(fields, detected, strict=True)
            for f in finds_in_text(name, text, found)
        ]
        finds += whole_field_finds(attributes, speakers)

        old = list(vs.scalars(select(Mention).where(Mention.source_id == source_id)))
        kept = [m for m in old if m.status in KEPT_STATUSES or m.detector == REVIEWER]
        report.mentions_before += len(old)
        report.kept_decisions += len(kept)
        finds = [
            f
            for f in finds
            if not any(m.field == f.field and m.start < f.end and f.start < m.end for m in kept)
        ]
        resolver = resolver_for(vs, settings)
        vs.execute(
            delete(Mention).where(
                Mention.source_id == source_id, Mention.id.not_in([m.id for m in kept] or [0])
            )
        )
        rows, _refs = link_mentions(resolver, source_id, finds, settings)
        if rows:
            vs.execute(insert(Mention), rows)
        report.mentions_after += len(rows) + len(kept)
        source.needs_render = True
        # Allowed words (lists, the codebook) are no identifiers alone: no leak alarm for them.
        new_forms = [(f, lab) for f, lab in resolver.added_forms if f not in pipeline.allow]
        with project.session() as s, s.begin():
            _add_fingerprints(s, key, new_forms)
        vs.commit()
