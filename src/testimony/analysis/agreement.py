"""Intercoder agreement between two coders, per theme and overall, with the disagreements.

Two ways the field measures it, both named in the output:

* presence: for each excerpt, did each coder apply the theme anywhere in it?
  Cohen's kappa and Krippendorff's alpha (nominal) over excerpts;
* characters: for each character, did each coder code it with the theme?
  Percentage agreement and Cohen's kappa over coded and uncoded characters,
  as NVivo's coding comparison does.

Uncoded text counts: the units are every excerpt (and every character) of the
interviews both coders worked on, not only what somebody coded; leaving
uncoded text out inflates agreement, a known bug in an open tool.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from testimony.analysis.measures import (
    BinaryTable,
    character_table,
    cohen_kappa,
    krippendorff_alpha,
    merge_spans,
    percent_agreement,
)
from testimony.analysis.selection import theme_ids
from testimony.db.models import Coder, Coding, Excerpt, Interview, Theme
from testimony.errors import TestimonyError, UnknownInterview

EMPTY = BinaryTable(0, 0, 0, 0)


class AgreementError(TestimonyError):
    """The coders or themes asked for cannot be compared."""


@dataclass(frozen=True)
class Agreement:
    """One theme's (or the pooled) agreement tables and the figures drawn from them."""

    theme: str
    name: str
    excerpts: BinaryTable
    characters: BinaryTable

    def figures(self) -> dict:
        return {
            "theme": self.theme,
            "name": self.name,
            "excerpts_a": self.excerpts.both + self.excerpts.only_a,
            "excerpts_b": self.excerpts.both + self.excerpts.only_b,
            "excerpts_both": self.excerpts.both,
            "presence_agreement": _round(percent_agreement(self.excerpts)),
            "presence_cohen_kappa": _round(cohen_kappa(self.excerpts)),
            "presence_krippendorff_alpha": _round(krippendorff_alpha(self.excerpts)),
            "character_agreement": _round(percent_agreement(self.characters)),
            "character_cohen_kappa": _round(cohen_kappa(self.characters)),
        }


def pooled(themes: list[Agreement]) -> Agreement:
    """The themes' tables added up: agreement over all of them at once."""
    return Agreement(
        theme="(all themes)",
        name="overall, pooled over themes",
        excerpts=sum((t.excerpts for t in themes), EMPTY),
        characters=sum((t.characters for t in themes), EMPTY),
    )


@dataclass(frozen=True)
class Disagreement:
    """An excerpt where the coders differ on a theme: each coder's spans and words."""

    interview: str
    excerpt: int  # position in the interview
    excerpt_id: int
    theme: str
    kind: str  # "only A", "only B", "spans differ"
    spans_a: tuple[tuple[int, int], ...]
    spans_b: tuple[tuple[int, int], ...]
    text_a: tuple[str, ...]
    text_b: tuple[str, ...]


@dataclass
class AgreementReport:
    coder_a: str
    coder_b: str
    interviews: list[str]
    excerpts: int
    characters: int
    themes: list[Agreement] = field(default_factory=list)
    overall: Agreement = field(default_factory=lambda: pooled([]))
    disagreements: list[Disagreement] = field(default_factory=list)


def compare_coders(
    session: Session,
    coder_a: str,
    coder_b: str,
    themes: tuple[str, ...] = (),
    interviews: tuple[str, ...] = (),
) -> AgreementReport:
    """Agreement of two coders over the interviews both coded (or those named)."""
    if coder_a == coder_b:
        raise AgreementError("name two different coders")
    coder_ids = dict(
        session.execute(
            select(Coder.name, Coder.id).where(Coder.name.in_([coder_a, coder_b]))
        ).all()
    )
    for name in (coder_a, coder_b):
        if name not in coder_ids:
            raise AgreementError(f"no coder {name!r} in this project")
    a, b = coder_ids[coder_a], coder_ids[coder_b]
    all_themes = list(session.scalars(select(Theme).order_by(Theme.position, Theme.id)))
    wanted = theme_ids(all_themes, themes)  # a theme brings its sub-themes
    scope = _scope(session, a, b, interviews)
    lengths: dict[int, int] = {}
    where: dict[int, tuple[str, int]] = {}
    for excerpt_id, code, position, length in session.execute(
        select(Excerpt.id, Interview.code, Excerpt.position, func.length(Excerpt.text))
        .join(Interview, Interview.id == Excerpt.interview_id)
        .where(Excerpt.interview_id.in_(scope))
    ):
        lengths[excerpt_id] = length or 0
        where[excerpt_id] = (code, position)
    spans: dict[tuple[int, int], dict[int, list[tuple[int, int]]]] = defaultdict(dict)
    query = select(Coding.theme_id, Coding.excerpt_id, Coding.coder_id, Coding.start, Coding.end)
    query = query.join(Excerpt, Excerpt.id == Coding.excerpt_id).where(
        Coding.coder_id.in_([a, b]), Excerpt.interview_id.in_(scope)
    )
    for theme_id, excerpt_id, coder_id, start, end in session.execute(query):
        if wanted is None or theme_id in wanted:
            spans[(theme_id, coder_id)].setdefault(excerpt_id, []).append((start, end))

    report = AgreementReport(
        coder_a=coder_a,
        coder_b=coder_b,
        interviews=sorted({code for code, _p in where.values()}),
        excerpts=len(lengths),
        characters=sum(lengths.values()),
    )
    used = {theme_id for theme_id, _coder in spans}
    texts_needed: set[int] = set()
    pending: list[tuple[Theme, int, str, list, list]] = []
    for theme in all_themes:
        if not (theme.id in used or (wanted is not None and theme.id in wanted)):
            continue
        by_a, by_b = spans.get((theme.id, a), {}), spans.get((theme.id, b), {})
        agreement, differing = _theme_agreement(theme, by_a, by_b, lengths, report.characters)
        report.themes.append(agreement)
        for excerpt_id, kind in differing:
            texts_needed.add(excerpt_id)
            pending.append(
                (theme, excerpt_id, kind, by_a.get(excerpt_id, []), by_b.get(excerpt_id, []))
            )
    report.overall = pooled(report.themes)
    texts = _texts(session, texts_needed)
    for theme, excerpt_id, kind, spans_a, spans_b in pending:
        merged_a, merged_b = merge_spans(spans_a), merge_spans(spans_b)
        text = texts[excerpt_id]
        report.disagreements.append(
            Disagreement(
                interview=where[excerpt_id][0],
                excerpt=where[excerpt_id][1],
                excerpt_id=excerpt_id,
                theme=theme.slug,
                kind=kind,
                spans_a=tuple(merged_a),
                spans_b=tuple(merged_b),
                text_a=tuple(text[s:e] for s, e in merged_a),
                text_b=tuple(text[s:e] for s, e in merged_b),
            )
        )
    report.disagreements.sort(key=lambda d: (d.interview, d.excerpt, d.theme))
    return report


def _theme_agreement(theme: Theme, by_a: dict, by_b: dict, lengths: dict, total: int):  # noqa: ANN202
    """The theme's presence and character tables, and the excerpts where coders differ."""
    coded_a, coded_b = set(by_a), set(by_b)
    both = len(coded_a & coded_b)
    presence = BinaryTable(
        both=both,
        only_a=len(coded_a) - both,
        only_b=len(coded_b) - both,
        neither=len(lengths) - len(coded_a | coded_b),
    )
    characters = EMPTY
    touched = 0
    differing: list[tuple[int, str]] = []
    for excerpt_id in sorted(coded_a | coded_b):
        length = lengths[excerpt_id]
        table = character_table(by_a.get(excerpt_id, []), by_b.get(excerpt_id, []), length)
        characters += table
        touched += length
        if excerpt_id not in coded_b:
            differing.append((excerpt_id, "only A"))
        elif excerpt_id not in coded_a:
            differing.append((excerpt_id, "only B"))
        elif table.only_a or table.only_b:
            differing.append((excerpt_id, "spans differ"))
    characters += BinaryTable(0, 0, 0, total - touched)  # every character nobody coded
    return Agreement(theme.slug, theme.name, presence, characters), differing


def _scope(session: Session, a: int, b: int, codes: tuple[str, ...]) -> set[int]:
    """The interviews compared: those named, or those both coders have coded in."""
    if codes:
        found = dict(
            session.execute(
                select(Interview.code, Interview.id).where(Interview.code.in_(codes))
            ).all()
        )
        missing = [c for c in codes if c not in found]
        if missing:
            raise UnknownInterview(f"no interview {missing[0]} (see `testimony interviews`)")
        return set(found.values())
    coded = defaultdict(set)
    for interview_id, coder_id in session.execute(
        select(Excerpt.interview_id, Coding.coder_id)
        .join(Coding, Coding.excerpt_id == Excerpt.id)
        .where(Coding.coder_id.in_([a, b]))
        .distinct()
    ):
        coded[interview_id].add(coder_id)
    scope = {i for i, coders in coded.items() if coders == {a, b}}
    if not scope:
        raise AgreementError("the two coders have not both coded any interview")
    return scope


def _texts(session: Session, excerpt_ids: set[int]) -> dict[int, str]:
    texts: dict[int, str] = {}
    ids = sorted(excerpt_ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        rows = session.execute(select(Excerpt.id, Excerpt.text).where(Excerpt.id.in_(chunk)))
        texts.update(rows.all())
    return texts


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
