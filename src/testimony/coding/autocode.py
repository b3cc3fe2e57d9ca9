"""Text-search coding: apply a theme to every search hit, as one undoable operation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from testimony.coding import oplog
from testimony.coding.codings import theme_pk
from testimony.coding.errors import CodingError
from testimony.coding.search import backend_for
from testimony.coding.search_match import QueryMatcher
from testimony.coding.spans import sentence_at
from testimony.db.models import Coding, Excerpt, Interview

UNITS = ("match", "sentence", "excerpt")


@dataclass(frozen=True)
class AutocodeResult:
    excerpts: int  # excerpts with a hit
    added: int  # new codings
    already: int  # spans the coder had already coded with the theme


def match_pattern(query: str) -> QueryMatcher:
    """The query compiled to find its matches in text, word by word as the search index does."""
    return QueryMatcher(query)


def hit_spans(excerpt_text: str, matcher: QueryMatcher, unit: str) -> list[tuple[int, int]]:
    """Where to code in one excerpt: each match (a NEAR group's from its first word to its
    last), the sentences holding one, or all of it; none where the query does not match."""
    matches = matcher.spans(excerpt_text)
    if not matches:
        return []
    if unit == "excerpt":
        return [(0, len(excerpt_text))]
    if unit == "sentence":  # a match across sentences is coded with all of them, as one span
        spans: list[tuple[int, int]] = []
        for first, last in sorted(
            (sentence_at(excerpt_text, start)[0], sentence_at(excerpt_text, end - 1)[1])
            for start, end in matches
        ):
            if spans and first < spans[-1][1]:
                spans[-1] = (spans[-1][0], max(last, spans[-1][1]))
            else:
                spans.append((first, last))
        return spans
    return matches


def autocode(
    session: Session,
    coder_id: int,
    query: str,
    theme: str,
    unit: str = "match",
    interviews: list[str] | None = None,
) -> AutocodeResult:
    """Code every hit of query with theme (in the interviews named, or all); one operation."""
    if unit not in UNITS:
        raise CodingError(f"--unit is one of {', '.join(UNITS)}, not {unit!r}")
    theme_id = theme_pk(session, theme)
    pattern = match_pattern(query)
    ids = _matching_excerpts(session, query)
    if interviews:
        wanted = select(Excerpt.id).join(Interview).where(Interview.code.in_(interviews))
        ids = sorted(set(ids) & set(session.scalars(wanted)))
    existing = {
        (row.excerpt_id, row.start, row.end)
        for row in session.execute(
            select(Coding.excerpt_id, Coding.start, Coding.end).where(
                Coding.theme_id == theme_id, Coding.coder_id == coder_id
            )
        )
    }
    added: list[Coding] = []
    already = hit_excerpts = 0
    for chunk in range(0, len(ids), 500):
        for excerpt_id, excerpt_text in session.execute(
            select(Excerpt.id, Excerpt.text).where(Excerpt.id.in_(ids[chunk : chunk + 500]))
        ):
            spans = hit_spans(excerpt_text, pattern, unit)
            hit_excerpts += bool(spans)
            for start, end in spans:
                if (excerpt_id, start, end) in existing:
                    already += 1
                    continue
                added.append(
                    Coding(
                        excerpt_id=excerpt_id,
                        start=start,
                        end=end,
                        theme_id=theme_id,
                        coder_id=coder_id,
                    )
                )
    session.add_all(added)
    session.flush()  # one batched INSERT ... RETURNING
    changes = [oplog.change("codings", None, oplog.snapshot(c)) for c in added]
    if changes:
        oplog.record(session, coder_id, "autocode", f"autocode {query!r} as {theme}", changes)
    return AutocodeResult(hit_excerpts, len(changes), already)


def _matching_excerpts(session: Session, query: str) -> list[int]:
    return backend_for(session).matching_ids(session, query)
