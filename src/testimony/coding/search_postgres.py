"""Full-text search on PostgreSQL: the same query language and hits as SQLite's FTS5.

Excerpts are indexed with the `testimony_search` text search configuration
(migration 0002): words lower-cased, accents removed, no stemming and no stop
words, as FTS5's unicode61 tokenizer does, so a query finds the same excerpts
on either backend. Phrases become `<->` sequences, `word*` a `:*` prefix, and
ts_rank orders the hits (bm25 does on SQLite; the order may differ, the hits do not).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import ColumnElement, bindparam, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from testimony.coding.search import MARK_CLOSE, MARK_OPEN, SearchHit, parse_query, split_marks
from testimony.db.models import Excerpt

CONFIG = "testimony_search"
SNIPPET_WORDS = 24
_HEADLINE_OPTIONS = (
    f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, MaxWords={SNIPPET_WORDS}, "
    f"MinWords={SNIPPET_WORDS // 2}, ShortWord=0, HighlightAll=false, MaxFragments=1"
)
_WORD = re.compile(r"\w+", re.UNICODE)


def _config() -> ColumnElement:
    return literal_column(f"'{CONFIG}'::regconfig")


def _document() -> ColumnElement:
    # Written exactly as the index expression, so the planner uses the GIN index.
    return func.to_tsvector(_config(), Excerpt.text)


def _lexeme(word: str) -> str:
    """A quoted tsquery operand: quotes and backslashes doubled, so input stays literal."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(query: str) -> ColumnElement:
    """The query as a tsquery expression; every user word is a bound parameter."""
    alternatives = []
    counter = 0

    def param(value: str) -> ColumnElement:
        nonlocal counter
        counter += 1
        return bindparam(f"q{counter}", value)

    for terms in parse_query(query):
        parts = []
        for phrase, prefix in terms:
            if not prefix:
                parts.append(func.phraseto_tsquery(_config(), param(phrase), type_=TSQUERY))
                continue
            *head, last = phrase.split(" ")
            tail = func.to_tsquery(_config(), param(_lexeme(last) + ":*"), type_=TSQUERY)
            if head:
                head_query = func.phraseto_tsquery(_config(), param(" ".join(head)), type_=TSQUERY)
                tail = func.tsquery_phrase(head_query, tail, type_=TSQUERY)
            parts.append(tail)
        alternatives.append(_combine(parts, "&&"))
    return _combine(alternatives, "||")


def _combine(parts: Sequence[ColumnElement], operator: str) -> ColumnElement:
    combined = parts[0]
    for part in parts[1:]:
        combined = combined.op(operator, return_type=TSQUERY)(part)
    return combined


class PostgresSearch:
    """PostgreSQL full-text search over the GIN-indexed tsvector of excerpts.text."""

    def search(self, session: Session, query: str, limit: int = 50) -> list[SearchHit]:
        q = tsquery(query)
        ranked = (
            select(Excerpt.id, func.ts_rank(_document(), q, 1).label("score"))
            .where(_document().op("@@")(q))
            .order_by(text("score DESC"), Excerpt.id)
            .limit(limit)
            .subquery()
        )
        # The headline is worked out for the returned rows only, after the limit.
        rows = session.execute(
            select(
                ranked.c.id,
                ranked.c.score,
                Excerpt.text,
                func.ts_headline(_config(), Excerpt.text, q, _HEADLINE_OPTIONS),
            )
            .join(Excerpt, Excerpt.id == ranked.c.id)
            .order_by(ranked.c.score.desc(), ranked.c.id)
        )
        phrases = _phrases(query)
        hits = []
        for excerpt_id, score, excerpt_text, headline in rows:
            snippet, highlights = _with_ellipses(excerpt_text, *split_marks(headline))
            highlights = _join_phrases(snippet, highlights, phrases)
            hits.append(SearchHit(excerpt_id, float(score), snippet, highlights))
        return hits

    def matching_ids(self, session: Session, query: str) -> list[int]:
        return list(
            session.scalars(
                select(Excerpt.id).where(_document().op("@@")(tsquery(query))).order_by(Excerpt.id)
            )
        )


def _with_ellipses(
    full: str, snippet: str, highlights: list[tuple[int, int]]
) -> tuple[str, list[tuple[int, int]]]:
    """Mark a cut-off start or end with '…', as FTS5's snippet() does."""
    at = full.find(snippet)
    if at < 0 or not snippet:
        return snippet, highlights
    if at + len(snippet) < len(full.rstrip()):
        snippet += "…"
    if full[:at].strip():
        return "…" + snippet, [(a + 1, b + 1) for a, b in highlights]
    return snippet, highlights


def _phrases(query: str) -> list[list[str]]:
    return [
        phrase.casefold().split(" ")
        for terms in parse_query(query)
        for phrase, _prefix in terms
        if " " in phrase
    ]


def _join_phrases(
    snippet: str, highlights: list[tuple[int, int]], phrases: list[list[str]]
) -> list[tuple[int, int]]:
    """One highlight per matched phrase: ts_headline marks each of its words alone."""
    if not phrases or len(highlights) < 2:
        return highlights
    pairs = {(a, b) for words in phrases for a, b in zip(words, words[1:], strict=False)}
    joined = [highlights[0]]
    for start, end in highlights[1:]:
        previous_start, previous_end = joined[-1]
        gap = snippet[previous_end:start]
        before = _WORD.findall(snippet[previous_start:previous_end].casefold())
        after = _WORD.findall(snippet[start:end].casefold())
        if before and after and not _WORD.search(gap) and (before[-1], after[0]) in pairs:
            joined[-1] = (previous_start, end)
        else:
            joined.append((start, end))
    return joined
