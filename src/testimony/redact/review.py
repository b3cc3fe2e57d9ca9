"""Reviewers' decisions on proposed redactions: the one service the shell and the TUI call.

Each decision is one vault transaction that changes entities or mentions and
marks the sources they touch; the touched interviews are then re-rendered
(codings carried along, see rerender.py), their review state updated, and
the decision appended to the project's audit log, which names entities by id
and tag only, never by what they stand for.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from spacy.lang.en.stop_words import STOP_WORDS
from sqlalchemy import delete, select, update

from testimony.db import audit
from testimony.db.models import IdentifierFingerprint, Interview, as_utc
from testimony.errors import TestimonyError, UnknownInterview
from testimony.lock import vault_writer
from testimony.project import Project
from testimony.redact.common import is_common
from testimony.redact.detectors.names import lexicon
from testimony.redact.engine import resolver_for
from testimony.redact.entities import NAME_WORD_AT
from testimony.redact.fingerprint import fingerprint
from testimony.redact.importer import FINGERPRINTED, _add_fingerprints
from testimony.redact.journal import audit_decision, journal, recover_audit
from testimony.redact.pseudonyms import pseudonym_words
from testimony.redact.rendering import redacted
from testimony.redact.rerender import RenderStats, finish_renders, mark_sources_of
from testimony.redact.rerun import REVIEWER
from testimony.settings import read_list_file
from testimony.vault.models import (
    DecisionLog,
    Entity,
    EntityForm,
    Mention,
    RawSegment,
    ScopedForm,
    Source,
)
from testimony.vault.protection import fingerprint_key

DECIDED = {"accepted", "rejected"}
# Riskiest first: what names a person or reaches them, then what is less direct.
RISK = {"PERSON": 0, "PHONE": 1, "EMAIL": 1, "ADDRESS": 1, "ID": 1, "HANDLE": 1, "URL": 2}


T = TypeVar("T")


class ReviewError(TestimonyError):
    """A decision that cannot be made as asked (unknown id, bad label...)."""


class CommonWordRefused(ReviewError):
    """A missed identifier that is only function words: refused unless forced."""


@dataclass
class Proposal:
    """One entity as a reviewer sees it."""

    id: int
    label: str
    pseudonym: str  # how it is written (a made-up name, a generalisation or its tag)
    tag: str
    mentions: int
    interviews: list[str]
    status: str
    detectors: list[str]
    confidence: float
    canonical: str | None = None  # only with the vault opened for it
    contexts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = {
            "id": self.id,
            "label": self.label,
            "pseudonym": self.pseudonym,
            "tag": self.tag,
            "mentions": self.mentions,
            "interviews": self.interviews,
            "status": self.status,
            "detectors": self.detectors,
            "confidence": round(self.confidence, 3),
        }
        if self.canonical is not None:
            data["text"] = self.canonical
            data["contexts"] = self.contexts
        return data


def list_proposals(
    project: Project,
    interview: str | None = None,
    with_vault: bool = False,
    contexts: bool = True,
) -> list[Proposal]:
    """Every entity with mentions (in one interview if asked), riskiest first; with the
    vault, each entity's words (and a few contexts unless contexts is False)."""
    with project.vault_session() as vs:
        query = select(Mention, Source.interview_code).join(Source).where(Source.status == "done")
        if interview:
            _check_interview(vs, interview)
            query = query.where(Source.interview_code == interview)
        by_entity: dict[int, list[tuple[Mention, str]]] = defaultdict(list)
        for mention, code in vs.execute(query):
            by_entity[mention.entity_id].append((mention, code))
        resolver = resolver_for(vs, project.settings)
        proposals = []
        for entity in vs.scalars(select(Entity).where(Entity.id.in_(list(by_entity)))):
            rows = by_entity[entity.id]
            proposal = Proposal(
                id=entity.id,
                label=entity.label,
                pseudonym=resolver.render(entity.id, entity.canonical),
                tag=entity.pseudonym,
                mentions=len(rows),
                interviews=sorted({code for _m, code in rows}),
                status=entity.status,
                detectors=sorted({m.detector for m, _c in rows}),
                confidence=min(m.score for m, _c in rows),
            )
            if with_vault:
                proposal.canonical = entity.canonical
                if contexts:
                    proposal.contexts = [
                        "".join(parts) for parts in _contexts(vs, [m for m, _c in rows][:3])
                    ]
            proposals.append(proposal)
    proposals.sort(
        key=lambda p: (
            p.status in DECIDED,
            RISK.get(p.label, 3),
            p.confidence,
            -len(p.interviews),
            p.id,
        )
    )
    return proposals


def _contexts(vs, mentions: list[Mention], width: int = 60) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(before, the mention, after) from the raw text, for vault holders only."""
    out = []
    for mention in mentions:
        if not mention.field.startswith("text:"):
            out.append((f"({mention.field}) ", mention.text, ""))
            continue
        segment = (
            vs.scalar(
                select(RawSegment.text).where(
                    RawSegment.source_id == mention.source_id,
                    RawSegment.position == int(mention.field.split(":", 1)[1]),
                )
            )
            or ""
        )
        before = segment[max(0, mention.start - width) : mention.start].replace("\n", " ")
        after = segment[mention.end : mention.end + width].replace("\n", " ")
        out.append((before, segment[mention.start : mention.end], after))
    return out


def _recovering(decision: Callable[..., T]) -> Callable[..., T]:
    """Hold the writer lock, and finish first what a killed decision left undone (its
    re-render, its audit entry), so that running the interrupted command again leaves the
    project as an uninterrupted run would (a decision already made changes nothing)."""

    @functools.wraps(decision)
    def run(project: Project, *args: Any, **kwargs: Any) -> T:
        with vault_writer(project.root, "recording a review decision in"):
            finish_renders(project)
            recover_audit(project)
            return decision(project, *args, **kwargs)

    return run


@dataclass
class DecisionResult:
    entities: list[int]
    rendered: RenderStats
    reviewed: list[str]  # interviews that became fully reviewed


@_recovering
def accept(project: Project, ids: Iterable[int], actor: str | None = None) -> DecisionResult:
    """These entities are identifiers: redact every mention (proposed-only types too)."""
    return _set_status(project, list(ids), "accepted", actor)


@_recovering
def reject(
    project: Project, ids: Iterable[int], actor: str | None = None, allow: bool = False
) -> DecisionResult:
    """These entities are no identifiers: put their words back in the text. With allow,
    their words join the project's allow file, so no later import redacts them."""
    ids = list(ids)
    if allow:
        if not project.settings.allow_files:
            raise ReviewError("no allow file: name one in testimony.yaml (redaction.allow_files)")
        with project.vault_session() as vs:
            _entities(vs, ids)
            words = sorted(set(vs.scalars(select(Mention.text).where(Mention.entity_id.in_(ids)))))
        path = project.root / project.settings.allow_files[0]
        known = set(read_list_file(path, "allow file")) if path.exists() else set()
        with path.open("a", encoding="utf-8") as handle:
            handle.writelines(f"{w}\n" for w in words if w not in known)
    return _set_status(project, ids, "rejected", actor)


def _set_status(project: Project, ids: list[int], status: str, actor: str | None) -> DecisionResult:
    """Accepting propagates: the entity's words are redacted wherever else they occur.
    Rejecting takes their fingerprints out of the leak gate (unless another identifier
    is written the same way), so reports may quote them."""
    propagated = 0
    with project.vault_session() as vs, vs.begin():
        entities = _entities(vs, ids)
        for entity in entities:
            entity.status = status
        mark_sources_of(vs, ids)
        tags = [e.pseudonym for e in entities]
        surfaces = sorted(
            set(
                vs.execute(
                    select(Mention.text, Mention.label).where(Mention.entity_id.in_(ids))
                ).all()
            )
        )
        if status == "accepted":
            resolver = resolver_for(vs, project.settings)
            spread = [(t, label, _common(t)) for t, label in surfaces if _spreads(t, label)]
            propagated, _joined = _redact_everywhere(vs, resolver, spread, None, "propagated")
            _fingerprint(project, vs, list(resolver.added_forms))
        else:
            forms = {
                (form, label)
                for model in (EntityForm, ScopedForm)
                for form, label in vs.execute(
                    select(model.form, model.label).where(model.entity_id.in_(ids))
                )
            }
            _unfingerprint(project, vs, sorted(set(surfaces) | forms))
        decision = journal(
            vs,
            ids,
            "review-" + status.removesuffix("ed"),
            project.actor(actor),
            tags=tags,
            propagated=propagated,
        )
    return _finish(project, decision)


def _spreads(text: str, label: str) -> bool:
    """Whether a confirmed identifier is redacted wherever else it is written: names,
    places and contact details; not dates or ages, which identify only in context."""
    return label in FINGERPRINTED and len(" ".join(text.split())) >= 2


def _common(text: str) -> bool:
    """A one-word identifier that is also a common word ("Lucky"): spread only as written,
    so that "I was lucky" stays."""
    words = " ".join(text.split())
    return " " not in words and is_common(words, NAME_WORD_AT) and not lexicon().is_name(words)


def _unfingerprint(project: Project, vs, surfaces: list[tuple[str, str]]) -> None:  # noqa: ANN001
    """Drop the fingerprints of these words unless an identifier not rejected shares one."""
    key = fingerprint_key(vs)
    doomed = {fingerprint(key, text, label) for text, label in surfaces}
    still = set(
        vs.execute(
            select(Mention.text, Mention.label)
            .join(Entity, Entity.id == Mention.entity_id)
            .where(Entity.status != "rejected", Mention.status != "rejected")
        ).all()
    )
    for model in (EntityForm, ScopedForm):
        still |= set(
            vs.execute(
                select(model.form, model.label)
                .join(Entity, Entity.id == model.entity_id)
                .where(Entity.status != "rejected")
            ).all()
        )
    doomed -= {fingerprint(key, text, label) for text, label in still}
    if doomed:
        with project.session() as s, s.begin():
            s.execute(
                delete(IdentifierFingerprint).where(IdentifierFingerprint.fingerprint.in_(doomed))
            )


@_recovering
def retype(project: Project, entity_id: int, label: str, actor: str | None = None):  # noqa: ANN201
    """Give an entity another type (PERSON -> ORG); it gets that type's tag and strategy."""
    label = label.upper()
    if not re.fullmatch(r"[A-Z]{2,16}", label):
        raise ReviewError(f"{label!r} is not a type (PERSON, ORG, GPE, ...)")
    with project.vault_session() as vs, vs.begin():
        (entity,) = _entities(vs, [entity_id])
        old_tag, old_label = entity.pseudonym, entity.label
        if label != old_label:  # the same type again (a rerun after a crash) keeps the tag
            resolver = resolver_for(vs, project.settings)
            resolver.counters[label] += 1
            entity.label = label
            entity.pseudonym = f"[{label}-{resolver.counters[label]}]"
        entity.status = "accepted"
        vs.execute(update(Mention).where(Mention.entity_id == entity_id).values(label=label))
        vs.execute(update(EntityForm).where(EntityForm.entity_id == entity_id).values(label=label))
        vs.execute(update(ScopedForm).where(ScopedForm.entity_id == entity_id).values(label=label))
        vs.flush()
        resolver = resolver_for(vs, project.settings)
        resolver.set_strategy(entity_id, project.settings.pseudonyms.get(label, "tag"))
        mark_sources_of(vs, [entity_id])
        decision = journal(
            vs,
            [entity_id],
            "review-retype",
            project.actor(actor),
            tags=[old_tag, entity.pseudonym],
            was=old_label,
            now=label,
        )
    return _finish(project, decision)


@_recovering
def set_pseudonym(
    project: Project, entity_id: int, pseudonym: str, actor: str | None = None
) -> DecisionResult:
    """A reviewer's own pseudonym for an entity, written in every mention; refused if a word
    of it occurs in the corpus or in another pseudonym (it would read as someone real)."""
    pseudonym = " ".join(pseudonym.split())
    if not pseudonym:
        raise ReviewError("the pseudonym is empty")
    with project.vault_session() as vs, vs.begin():
        (entity,) = _entities(vs, [entity_id])
        resolver = resolver_for(vs, project.settings)
        own = {w.casefold() for w in pseudonym_words(resolver.entities[entity_id].details)}
        words = {w.casefold() for w in re.findall(r"[^\W\d_]+", pseudonym)}
        taken = resolver.used_words - own
        if words & taken or any(resolver.in_corpus(w) for w in words):
            raise ReviewError("that pseudonym uses a word of the corpus or of another pseudonym")
        entity.details = {**(entity.details or {}), "custom": pseudonym}
        entity.status = "accepted"
        mark_sources_of(vs, [entity_id])
        decision = journal(
            vs, [entity_id], "review-pseudonym", project.actor(actor), tags=[entity.pseudonym]
        )
    return _finish(project, decision)


@_recovering
def merge(project: Project, ids: list[int], actor: str | None = None) -> DecisionResult:
    """One person (or place) after all: every mention and form joins the first entity."""
    if len(set(ids)) < 2:
        raise ReviewError("merge needs two or more entity ids")
    keep, *others = list(dict.fromkeys(ids))
    with project.vault_session() as vs:
        if _merged_before(vs, keep, others):  # a rerun after a crash: already done
            return DecisionResult([keep, *others], RenderStats(), [])
    with project.vault_session() as vs, vs.begin():
        entities = _entities(vs, [keep, *others])
        labels = {e.label for e in entities}
        if len(labels) > 1:
            raise ReviewError(f"cannot merge entities of different types ({', '.join(labels)})")
        for model in (Mention, EntityForm, ScopedForm):
            column = model.entity_id
            vs.execute(update(model).where(column.in_(others)).values(entity_id=keep))
        kept = next(e for e in entities if e.id == keep)
        kept.status = "accepted"
        tags = [e.pseudonym for e in entities]
        decision = journal(vs, [keep, *others], "review-merge", project.actor(actor), tags=tags)
        for entity in entities:
            if entity.id != keep:
                vs.delete(entity)
        mark_sources_of(vs, [keep])
    return _finish(project, decision)


def _merged_before(vs, keep: int, others: list[int]) -> bool:  # noqa: ANN001
    """Whether every entity of others is gone, merged into keep by an earlier decision."""
    if vs.get(Entity, keep) is None:
        return False
    if vs.scalar(select(Entity.id).where(Entity.id.in_(others)).limit(1)) is not None:
        return False
    merged: set[int] = set()
    for row in vs.scalars(select(DecisionLog).where(DecisionLog.action == "review-merge")):
        ids = (row.details or {}).get("ids", [])
        if ids and ids[0] == keep:
            merged.update(ids[1:])
    return set(others) <= merged


@_recovering
def split(project: Project, entity_id: int, actor: str | None = None) -> DecisionResult:
    """An entity that joined several people: each differently written name becomes its own."""
    with project.vault_session() as vs, vs.begin():
        (entity,) = _entities(vs, [entity_id])
        mentions = list(vs.scalars(select(Mention).where(Mention.entity_id == entity_id)))
        groups: dict[str, list[Mention]] = defaultdict(list)
        for mention in mentions:
            groups[" ".join(mention.text.casefold().split())].append(mention)
        if len(groups) < 2:
            raise ReviewError(f"entity {entity_id} is written one way only; nothing to split")
        resolver = resolver_for(vs, project.settings)
        canonical = " ".join(entity.canonical.casefold().split())
        # Forms are compared here, not in SQL: in an encrypted vault they are ciphertexts.
        forms = [
            (model, row_id, row_form)
            for model in (EntityForm, ScopedForm)
            for row_id, row_form in vs.execute(
                select(model.id, model.form).where(model.entity_id == entity_id)
            )
        ]
        made = []
        for form, group in groups.items():
            if form == canonical:
                continue
            new_id = resolver._new_entity(group[0].text, entity.label)
            vs.flush()
            for mention in group:
                mention.entity_id = new_id
            for model, row_id, row_form in forms:
                if row_form == form:
                    vs.execute(update(model).where(model.id == row_id).values(entity_id=new_id))
            made.append(new_id)
        mark_sources_of(vs, [entity_id, *made])
        decision = journal(vs, [entity_id, *made], "review-split", project.actor(actor))
    return _finish(project, decision)


@_recovering
def add(
    project: Project,
    text: str,
    label: str = "PERSON",
    interview: str | None = None,
    actor: str | None = None,
    force: bool = False,
) -> DecisionResult:
    """A missed identifier: redact it at every occurrence (whole words, any case, possessive).
    Words that are all function words ("him", "the") are refused unless forced: such a
    selection is almost always a slip, and it would hide the word across the project."""
    text = " ".join(text.split())
    if not text or not any(ch.isalnum() for ch in text):
        raise ReviewError("--text must hold the identifier to redact")
    if not force and all(w.casefold().strip(".,;:!?'\"") in STOP_WORDS for w in text.split()):
        raise CommonWordRefused(
            "the selection is only common words; redacting it would hide them everywhere"
        )
    label = label.upper()
    with project.vault_session() as vs, vs.begin():
        if interview:
            _check_interview(vs, interview)
        resolver = resolver_for(vs, project.settings)
        found, ids = _redact_everywhere(vs, resolver, [(text, label)], interview, REVIEWER)
        if not found:  # added before (maybe by a run a crash cut short): the same entities
            ids = _added_before(vs, text, interview)
        if not ids:
            where = f" in {interview}" if interview else ""
            raise ReviewError(f"that text occurs nowhere{where}")
        vs.execute(update(Entity).where(Entity.id.in_(ids)).values(status="accepted"))
        _fingerprint(project, vs, list(resolver.added_forms) + [(text.casefold(), label)])
        decision = journal(
            vs, sorted(ids), "review-add", project.actor(actor), occurrences=found, label=label
        )
    return _finish(project, decision)


def _added_before(vs, text: str, interview: str | None) -> set[int]:  # noqa: ANN001
    """The entities of a reviewer's earlier mentions written as text (any case)."""
    query = (
        select(Mention.entity_id, Mention.text)
        .join(Source, Source.id == Mention.source_id)
        .where(Mention.detector == REVIEWER, Source.status == "done")
    )
    if interview:
        query = query.where(Source.interview_code == interview)
    wanted = text.casefold()
    return {entity_id for entity_id, said in vs.execute(query) if said.casefold() == wanted}


@_recovering
def deny(
    project: Project, texts: Iterable[str], label: str = "PERSON", actor: str | None = None
) -> DecisionResult:
    """Identifiers known before they are met (the survivor's husband, the street she lived
    on): kept in the vault, never in the project folder, redacted wherever they occur now
    and found in every later import; fingerprinted, so the leak gate stops them in a memo."""
    terms = [" ".join(t.split()) for t in texts]
    terms = [t for t in terms if t]
    if not terms or not all(any(ch.isalnum() for ch in t) for t in terms):
        raise ReviewError("give the identifiers to deny, one per --text or per line of --file")
    label = label.upper()
    with project.vault_session() as vs, vs.begin():
        resolver = resolver_for(vs, project.settings)
        found, ids = _redact_everywhere(vs, resolver, [(t, label) for t in terms], None, REVIEWER)
        ids |= {resolver.entity_for(t, label) for t in terms}  # project-wide forms
        vs.execute(update(Entity).where(Entity.id.in_(ids)).values(status="accepted"))
        _fingerprint(
            project, vs, list(resolver.added_forms) + [(t.casefold(), label) for t in terms]
        )
        decision = journal(
            vs,
            sorted(ids),
            "review-deny",
            project.actor(actor),
            occurrences=found,
            label=label,
            terms=len(terms),
        )
    return _finish(project, decision)


def _redact_everywhere(
    vs,  # noqa: ANN001
    resolver,  # noqa: ANN001
    forms: list[tuple[str, str]] | list[tuple[str, str, bool]],
    interview: str | None,
    detector: str,
) -> tuple[int, set[int]]:
    """Redact each (text, label[, exact case]) wherever it occurs and is not redacted yet;
    returns the
    number of new mentions and the entities they joined. A reviewer's own mention widens
    over a find it overlaps; a find that already hides the words is left alone, and so is
    a mention a reviewer said is no identifier."""
    status = "accepted" if detector == REVIEWER else "proposed"
    patterns = [
        (re.compile(rf"(?<!\w){_words(text)}(?!\w)", 0 if exact else re.IGNORECASE), label)
        for text, label, *case in forms
        if text.strip()
        for exact in [bool(case and case[0])]
    ]
    query = select(Source).where(Source.status == "done")
    if interview:
        query = query.where(Source.interview_code == interview)
    statuses = dict(vs.execute(select(Entity.id, Entity.status)).all())
    found = 0
    entity_ids: set[int] = set()
    for source in vs.scalars(query):
        fields = [("title", source.title)] if source.title else []
        fields += [
            (f"text:{position}", raw)
            for position, raw in vs.execute(
                select(RawSegment.position, RawSegment.text).where(
                    RawSegment.source_id == source.id
                )
            )
        ]
        existing = list(vs.scalars(select(Mention).where(Mention.source_id == source.id)))
        for name, raw in fields:
            for pattern, label in patterns:
                for match in pattern.finditer(raw):
                    start, end = match.span()
                    skip = False
                    for m in existing:
                        if m.field != name or m.end <= start or end <= m.start:
                            continue
                        hides = redacted(m.status, statuses.get(m.entity_id, "proposed"))
                        covers = m.start <= start and end <= m.end
                        if covers and (hides or m.status == "rejected"):
                            skip = True
                        elif detector == REVIEWER:
                            start, end = min(start, m.start), max(end, m.end)
                            m.status = "rejected"  # the reviewer's wider mention replaces it
                        else:
                            skip = True  # a propagated find never overrides a mention
                    if skip:
                        continue
                    surface = raw[start:end]
                    entity_id = resolver.entity_for(surface, label, source.id)
                    mention = Mention(
                        source_id=source.id,
                        field=name,
                        start=start,
                        end=end,
                        text=surface,
                        label=label,
                        entity_id=entity_id,
                        detector=detector,
                        score=1.0,
                        status=status,
                    )
                    vs.add(mention)
                    existing.append(mention)
                    source.needs_render = True
                    entity_ids.add(entity_id)
                    found += 1
    vs.flush()
    return found, entity_ids


def _words(text: str) -> str:
    return r"\s+".join(re.escape(w) for w in text.split())


def _fingerprint(project: Project, vs, forms: list[tuple[str, str]]) -> None:  # noqa: ANN001
    key = fingerprint_key(vs)
    with project.session() as s, s.begin():
        _add_fingerprints(s, key, forms)


@dataclass
class MentionView:
    id: int
    interview: str
    field: str
    start: int
    end: int
    detector: str
    score: float
    status: str
    context: tuple[str, str, str] | None = None  # raw (before, words, after); vault holders


def list_mentions(project: Project, entity_id: int, with_vault: bool = False) -> list[MentionView]:
    """Every mention of one entity, where it is and how it was found."""
    with project.vault_session() as vs:
        _entities(vs, [entity_id])
        rows = vs.execute(
            select(Mention, Source.interview_code)
            .join(Source)
            .where(Mention.entity_id == entity_id)
            .order_by(Mention.source_id, Mention.field, Mention.start)
        ).all()
        views = []
        for mention, code in rows:
            view = MentionView(
                mention.id,
                code,
                mention.field,
                mention.start,
                mention.end,
                mention.detector,
                mention.score,
                mention.status,
            )
            if with_vault:
                view.context = _contexts(vs, [mention], width=16)[0]
            views.append(view)
    return views


@_recovering
def decide_mentions(
    project: Project, ids: Iterable[int], status: str, actor: str | None = None
) -> DecisionResult:
    """Decide single mentions differently from the rest of their entity."""
    ids = list(ids)
    with project.vault_session() as vs, vs.begin():
        mentions = list(vs.scalars(select(Mention).where(Mention.id.in_(ids))))
        missing = set(ids) - {m.id for m in mentions}
        if missing:
            raise ReviewError(f"no such mention: {', '.join(map(str, sorted(missing)))}")
        for mention in mentions:
            mention.status = status
        sources = {m.source_id for m in mentions}
        vs.execute(update(Source).where(Source.id.in_(sources)).values(needs_render=True))
        entity_ids = sorted({m.entity_id for m in mentions})
        decision = journal(
            vs,
            entity_ids,
            "review-mention-" + status.removesuffix("ed"),
            project.actor(actor),
            mentions=ids,
        )
    return _finish(project, decision)


def _entities(vs, ids: list[int]) -> list[Entity]:  # noqa: ANN001
    entities = list(vs.scalars(select(Entity).where(Entity.id.in_(ids))))
    missing = set(ids) - {e.id for e in entities}
    if missing:
        raise ReviewError(f"no such entity: {', '.join(map(str, sorted(missing)))}")
    return entities


def _check_interview(vs, code: str) -> None:  # noqa: ANN001
    if not vs.scalar(select(Source.id).where(Source.interview_code == code)):
        raise UnknownInterview(f"no such interview: {code}")


def _finish(project: Project, decision: int) -> DecisionResult:
    """Re-render what the journalled decision touched, update review states, and write its
    audit entry (ids and tags only; the raw words stay in the vault's log)."""
    with project.vault_session() as vs:
        entry = vs.get_one(DecisionLog, decision)
        actor, ids = entry.actor, list(entry.details.get("ids", []))
    rendered = finish_renders(project, actor)
    reviewed = update_review_states(project, actor)
    audit_decision(
        project,
        decision,
        excerpts_rerendered=rendered.excerpts,
        codings_moved=rendered.codings,
    )
    return DecisionResult(ids, rendered, reviewed)


def vault_log_rows(project: Project) -> list[dict]:
    """The vault's decision log as audit rows (raw words: for vault holders only)."""
    with project.vault_session() as vs:
        return [
            {
                "id": f"vault-{row.id}",
                "at": as_utc(row.at).isoformat(),
                "actor": row.actor,
                "category": "review",
                "action": row.action,
                "target": ",".join(row.details.get("entities", {})),
                "details": row.details,
                "hash": "",
            }
            for row in vs.scalars(select(DecisionLog).order_by(DecisionLog.id))
        ]


@dataclass(frozen=True)
class InterviewProgress:
    interview: str
    decided: int
    proposals: int
    state: str


def _decided_counts(project: Project) -> dict[str, tuple[int, int]]:
    """Per interview, in import order: (mentions decided, mentions), a mention counting as
    decided when it or its entity is."""
    with project.vault_session() as vs:
        rows = vs.execute(
            select(Source.interview_code, Mention.status, Entity.status)
            .join(Mention, Mention.source_id == Source.id)
            .join(Entity, Entity.id == Mention.entity_id)
            .where(Source.status == "done")
        ).all()
        codes = vs.scalars(
            select(Source.interview_code).where(Source.status == "done").order_by(Source.id)
        )
        counts: dict[str, list[int]] = {code: [0, 0] for code in codes}
    for code, mention_status, entity_status in rows:
        counts[code][1] += 1
        counts[code][0] += mention_status in DECIDED or entity_status in DECIDED
    return {code: (done, total) for code, (done, total) in counts.items()}


def review_progress(project: Project) -> list[InterviewProgress]:
    """Per interview: how many of its mentions are decided, and its review state."""
    counts = _decided_counts(project)
    with project.session() as s:
        states = dict(s.execute(select(Interview.code, Interview.review_state)).all())
    return [
        InterviewProgress(code, done, total, states.get(code, "unreviewed"))
        for code, (done, total) in counts.items()
    ]


def update_review_states(project: Project, actor: str | None = None) -> list[str]:
    """Mark each interview reviewed when every proposal in it is decided, in review when
    some are; returns the interviews that just became reviewed."""
    counts = _decided_counts(project)
    newly = []
    with project.session() as s, s.begin():
        for interview in s.scalars(select(Interview).where(Interview.code.in_(list(counts)))):
            done, total = counts[interview.code]
            # An interview without proposals is reviewed only once a reviewer signs it off
            # (sign_off): nobody has read it just because the detectors found nothing.
            signed = interview.review_state == "reviewed"
            state = (
                "reviewed"
                if done == total and (total or signed)
                else "in-review"
                if done
                else "unreviewed"
            )
            if state != interview.review_state:
                interview.review_state = state
                if state == "reviewed":
                    interview.reviewed_by = project.actor(actor)
                    interview.reviewed_at = datetime.now(UTC)
                    newly.append(interview.code)
    return newly


@_recovering
def sign_off(project: Project, interview: str, actor: str | None = None) -> None:
    """A reviewer signs an interview off as read and decided, which is how an interview in
    which the detectors proposed nothing becomes reviewed. Refused while proposals wait."""
    counts = _decided_counts(project)
    if interview not in counts:
        raise UnknownInterview(f"no such interview: {interview}")
    done, total = counts[interview]
    if done < total:
        raise ReviewError(
            f"{interview} has {total - done} undecided proposal(s); decide them first"
        )
    who = project.actor(actor)
    with project.session() as s, s.begin():
        row = s.scalar(select(Interview).where(Interview.code == interview))
        if row is None:
            raise UnknownInterview(f"no such interview: {interview}")
        row.review_state = "reviewed"
        row.reviewed_by = who
        row.reviewed_at = datetime.now(UTC)
        audit.append(s, who, "review-sign-off", interview, proposals=total)


@dataclass
class RawSegmentView:
    """One segment of an interview's raw text with its mentions: for vault holders only."""

    position: int
    speaker: str | None
    start_ms: int | None
    text: str
    mentions: list[MentionSpan]


@dataclass(frozen=True)
class MentionSpan:
    id: int
    entity_id: int
    start: int
    end: int
    label: str
    status: str  # the mention's own decision, else its entity's


def raw_segments(project: Project, interview: str) -> list[RawSegmentView]:
    """An interview's raw text, segment by segment, with where each mention is and how it
    stands, so a reviewer can read it and select what the detectors missed."""
    with project.vault_session() as vs:
        source = vs.scalar(
            select(Source).where(Source.interview_code == interview, Source.status == "done")
        )
        if source is None:
            raise UnknownInterview(f"no such interview: {interview}")
        spans: dict[int, list[MentionSpan]] = defaultdict(list)
        for mention, entity_status in vs.execute(
            select(Mention, Entity.status)
            .join(Entity, Entity.id == Mention.entity_id)
            .where(Mention.source_id == source.id, Mention.field.startswith("text:"))
            .order_by(Mention.start)
        ):
            status = mention.status if mention.status in DECIDED else entity_status
            position = int(mention.field.removeprefix("text:"))
            spans[position].append(
                MentionSpan(
                    mention.id, mention.entity_id, mention.start, mention.end, mention.label, status
                )
            )
        return [
            RawSegmentView(seg.position, seg.speaker, seg.start_ms, seg.text, spans[seg.position])
            for seg in vs.scalars(
                select(RawSegment)
                .where(RawSegment.source_id == source.id)
                .order_by(RawSegment.position)
            )
        ]


__all__ = [
    "CommonWordRefused",
    "Proposal",
    "ReviewError",
    "accept",
    "add",
    "decide_mentions",
    "deny",
    "list_mentions",
    "list_proposals",
    "raw_segments",
    "review_progress",
    "sign_off",
    "merge",
    "reject",
    "retype",
    "set_pseudonym",
    "split",
    "update_review_states",
]
