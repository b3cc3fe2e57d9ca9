"""The quotes an export shows: every coding with its attribution, grouped by theme.

A handful of set-based queries whatever the project's size (themes, interviews,
attributes, theme memos, then one query for every coding that passes the
filters), returning plain dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from testimony.analysis.selection import UnknownName, coder_ids, theme_ids
from testimony.db.models import (
    Coder,
    Coding,
    Excerpt,
    Interview,
    InterviewAttribute,
    Memo,
    Speaker,
    Theme,
)
from testimony.errors import UnknownInterview
from testimony.export.context import SentenceIndex

REVIEWED = "reviewed"
NO_CONTEXT = ("", "")


@dataclass(frozen=True)
class ExportFilter:
    """Which quotes to export; empty tuples mean everything."""

    themes: tuple[str, ...] = ()  # theme ids (slugs); their sub-themes come too
    interviews: tuple[str, ...] = ()  # INT-001 ...
    coders: tuple[str, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()  # (name, value): OR within a name, AND across
    reviewed_only: bool = False


@dataclass(slots=True)
class Quote:
    """One coding, with what an editor needs to attribute it."""

    coding_id: int
    theme: str
    interview: str
    interview_title: str
    review_state: str
    attributes: dict[str, str]
    speaker: str | None
    speaker_role: str | None
    excerpt_id: int
    position: int
    start_ms: int | None
    end_ms: int | None
    start: int
    end: int
    text: str
    before: str
    after: str
    coder: str
    important: bool
    memo: str | None
    pseudonyms: tuple[tuple[int, int, str], ...]  # (start, end, label) within text

    @property
    def where(self) -> str:
        """A time code when the excerpt has one, else its paragraph number."""
        if self.start_ms is None:
            return f"¶{self.position}"
        seconds = self.start_ms // 1000
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@dataclass
class ThemeSection:
    """A theme in codebook order, with its own quotes (sub-themes are sections too)."""

    id: str
    name: str
    description: str
    depth: int
    parent: str | None
    path: str  # "Parent > Child"
    color: str | None
    memos: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    # With the sub-themes' quotes: filled once every quote is in.
    total_quotes: int = 0
    total_interviews: int = 0

    @property
    def interview_count(self) -> int:
        return len({q.interview for q in self.quotes})


@dataclass
class Report:
    """Everything a writer needs; writers never touch the database."""

    title: str
    generated_at: datetime
    sections: list[ThemeSection]
    unreviewed: list[str]  # interviews quoted whose redactions nobody signed off
    attribute_names: list[str]  # every attribute name among the quoted interviews
    shown_attributes: tuple[str, ...] = ()
    with_context: bool = False
    with_memos: bool = True
    mark_pseudonyms: bool = False
    filters: ExportFilter = field(default_factory=ExportFilter)

    @property
    def quotes(self) -> Iterable[Quote]:
        for section in self.sections:
            yield from section.quotes

    @property
    def quote_count(self) -> int:
        return sum(len(s.quotes) for s in self.sections)


def collect_report(
    session: Session,
    filters: ExportFilter = ExportFilter(),
    title: str = "testimony report",
    shown_attributes: tuple[str, ...] = (),
    with_context: bool = False,
    with_memos: bool = True,
    mark_pseudonyms: bool = False,
    include_empty: bool = False,
    with_pseudonyms: bool | None = None,
) -> Report:
    """The report's sections in codebook order, each with its filtered quotes; themes
    without a quote (in them or their sub-themes) are left out unless `include_empty`.

    Context sentences are found only `with_context`, and pseudonym spans read only
    `with_pseudonyms` (by default: when they are to be marked), since both cost
    time on a large project.
    """
    if with_pseudonyms is None:
        with_pseudonyms = mark_pseudonyms
    themes = list(session.scalars(select(Theme).order_by(Theme.position, Theme.id)))
    sections = _sections(themes)
    by_theme_id = {t.id: sections[t.slug] for t in themes}
    wanted_themes = theme_ids(themes, filters.themes)
    interviews = {
        row.id: row
        for row in session.execute(
            select(Interview.id, Interview.code, Interview.title, Interview.review_state)
        )
    }
    attributes: dict[int, dict[str, str]] = {}
    for interview_id, name, value in session.execute(
        select(
            InterviewAttribute.interview_id, InterviewAttribute.name, InterviewAttribute.value
        ).order_by(InterviewAttribute.id)
    ):
        attributes.setdefault(interview_id, {})[name] = value
    wanted_interviews = interview_ids(interviews, attributes, filters)
    wanted_coders = coder_ids(session, filters.coders)
    if with_memos:
        for theme_id, text in session.execute(
            select(Memo.target_id, Memo.text)
            .where(Memo.target_type == "theme")
            .order_by(Memo.created_at, Memo.id)
        ):
            if theme_id in by_theme_id:
                by_theme_id[theme_id].memos.append(text)

    query = (
        select(
            Coding.id,
            Coding.start,
            Coding.end,
            Coding.theme_id,
            Coder.name,
            Coding.important,
            Coding.memo,
            Excerpt.id,
            Excerpt.interview_id,
            Excerpt.position,
            Excerpt.text,
            Excerpt.start_ms,
            Excerpt.end_ms,
            Excerpt.pseudonyms if with_pseudonyms else literal(None),
            Speaker.label,
            Speaker.role,
        )
        .join(Excerpt, Excerpt.id == Coding.excerpt_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .outerjoin(Speaker, Speaker.id == Excerpt.speaker_id)
        .order_by(Excerpt.interview_id, Excerpt.position, Coding.start, Coding.end, Coding.id)
    )
    if wanted_themes is not None:
        query = query.where(Coding.theme_id.in_(wanted_themes))
    if wanted_interviews is not None:
        query = query.where(Excerpt.interview_id.in_(wanted_interviews))
    if wanted_coders is not None:
        query = query.where(Coding.coder_id.in_(wanted_coders))

    sentences = SentenceIndex()
    quoted_interviews: set[int] = set()
    # Core execution: plain tuples, without the ORM's per-row bookkeeping.
    for row in session.connection().execute(query).all():
        (cid, start, end, theme_id, coder, important, memo, excerpt_id, interview_id) = row[:9]
        position, text, start_ms, end_ms, pseudonyms, speaker, role = row[9:]
        interview = interviews[interview_id]
        start, end = max(0, start), min(len(text), end)
        before, after = (
            sentences.context(excerpt_id, text, start, end) if with_context else NO_CONTEXT
        )
        quoted_interviews.add(interview_id)
        by_theme_id[theme_id].quotes.append(
            Quote(
                coding_id=cid,
                theme=by_theme_id[theme_id].id,
                interview=interview.code,
                interview_title=interview.title,
                review_state=interview.review_state,
                attributes=attributes.get(interview_id, {}),
                speaker=speaker,
                speaker_role=role,
                excerpt_id=excerpt_id,
                position=position,
                start_ms=start_ms,
                end_ms=end_ms,
                start=start,
                end=end,
                text=text[start:end],
                before=before,
                after=after,
                coder=coder,
                important=bool(important),
                memo=memo or None,
                pseudonyms=_pseudonyms_within(pseudonyms, start, end) if pseudonyms else (),
            )
        )

    kept = _totals(list(sections.values()))
    if wanted_themes is not None:
        wanted_slugs = {t.slug for t in themes if t.id in wanted_themes}
        kept = [s for s in kept if s.id in wanted_slugs]
    if not include_empty:
        kept = [s for s in kept if s.total_quotes]
    return Report(
        title=title,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        sections=kept,
        unreviewed=sorted(
            interviews[i].code for i in quoted_interviews if interviews[i].review_state != REVIEWED
        ),
        attribute_names=sorted({n for i in quoted_interviews for n in attributes.get(i, {})}),
        shown_attributes=shown_attributes,
        with_context=with_context,
        with_memos=with_memos,
        mark_pseudonyms=mark_pseudonyms,
        filters=filters,
    )


def _sections(themes: list[Theme]) -> dict[str, ThemeSection]:
    """Sections depth-first in codebook order (children right after their parent)."""
    by_id = {t.id: t for t in themes}
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        parent = theme.parent_id if theme.parent_id in by_id else None
        children.setdefault(parent, []).append(theme)
    sections: dict[str, ThemeSection] = {}

    def visit(parent: Theme | None, depth: int, path: str) -> None:
        for theme in children.get(parent.id if parent else None, []):
            here = f"{path} > {theme.name}" if path else theme.name
            sections[theme.slug] = ThemeSection(
                id=theme.slug,
                name=theme.name,
                description=theme.description or "",
                depth=depth,
                parent=parent.slug if parent else None,
                path=here,
                color=theme.color,
            )
            visit(theme, depth + 1, here)

    visit(None, 0, "")
    return sections


def _totals(sections: list[ThemeSection]) -> list[ThemeSection]:
    """Fill each section's totals with its sub-themes' quotes (sections are depth-first)."""
    interviews: dict[str, set[str]] = {}
    by_id = {s.id: s for s in sections}
    for section in reversed(sections):  # children before their parents
        mine = interviews.setdefault(section.id, set())
        mine |= {q.interview for q in section.quotes}
        section.total_quotes += len(section.quotes)
        section.total_interviews = len(mine)
        if section.parent in by_id:
            by_id[section.parent].total_quotes += section.total_quotes
            interviews.setdefault(section.parent, set()).update(mine)
    return sections


def interview_ids(interviews: dict, attributes: dict, filters: ExportFilter) -> set[int] | None:
    """Interview ids passing the interview, attribute and review filters; None for all."""
    if not (filters.interviews or filters.attributes or filters.reviewed_only):
        return None
    by_code = {row.code: row.id for row in interviews.values()}
    missing = [c for c in filters.interviews if c not in by_code]
    if missing:
        raise UnknownInterview(f"no interview {missing[0]} (see `testimony interviews`)")
    wanted = {by_code[c] for c in filters.interviews} if filters.interviews else set(interviews)
    if filters.reviewed_only:
        wanted = {i for i in wanted if interviews[i].review_state == REVIEWED}
    # The same reading as `codings --attribute` and the retrieval screen: names and
    # values in any case, and one no interview has refused with the ones that exist.
    from testimony.coding.attribute_filter import AttributeFilterError, resolve_attributes

    known: dict[str, dict[str, int]] = {}
    for values in attributes.values():
        for name, value in values.items():
            counts = known.setdefault(name, {})
            counts[value] = counts.get(value, 0) + 1
    asked: dict[str, tuple[str, ...]] = {}
    for name, value in filters.attributes:
        asked[name] = (*asked.get(name, ()), value)
    try:
        allowed = resolve_attributes(known, asked)
    except AttributeFilterError as exc:
        raise UnknownName(f"--where: {exc}") from None
    return {
        i
        for i in wanted
        if all(attributes.get(i, {}).get(n) in values for n, values in allowed.items())
    }


def _pseudonyms_within(spans: list, start: int, end: int) -> tuple[tuple[int, int, str], ...]:
    """Pseudonym spans clipped to [start, end), relative to the quote."""
    return tuple(
        (max(s, start) - start, min(e, end) - start, label)
        for s, e, label, *_rest in spans
        if s < end and e > start
    )
