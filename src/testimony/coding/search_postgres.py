"""Full-text search on PostgreSQL: the same query language and hits as SQLite's FTS5.

Excerpts are indexed with the `testimony_search` text search configuration
(migration 0002): words lower-cased, accents removed, no stemming and no stop
words, as FTS5's unicode61 tokenizer does, so a query finds the same excerpts
on either backend. Phrases become `<->` sequences, `word*` a `:*` prefix, and
ts_rank orders the hits (bm25 does on SQLite; the order may differ, the hits do not).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, bindparam, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from testimony.coding.search import SearchHit, parse_full, with_snippets
from testimony.db.models import Excerpt

CONFIG = "testimony_search"


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

    def term(phrase: str, prefix: bool) -> ColumnElement:
        if not prefix:
            return func.phraseto_tsquery(_config(), param(phrase), type_=TSQUERY)
        *head, last = phrase.split(" ")
        tail = func.to_tsquery(_config(), param(_lexeme(last) + ":*"), type_=TSQUERY)
        if head:
            head_query = func.phraseto_tsquery(_config(), param(" ".join(head)), type_=TSQUERY)
            tail = func.tsquery_phrase(head_query, tail, type_=TSQUERY)
        return tail

    found, excluded = parse_full(query)
    for terms in found:
        alternatives.append(_combine([term(*t) for t in terms], "&&"))
    combined = _combine(alternatives, "||")
    for t in excluded:  # && !!term: tsquery_not is the function behind the !! operator
        combined = combined.op("&&", return_type=TSQUERY)(func.tsquery_not(term(*t), type_=TSQUERY))
    return combined


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
        # The texts are read for the returned rows only; snippets are made as on SQLite.
        rows = session.execute(
            select(ranked.c.id, ranked.c.score, Excerpt.text)
            .join(Excerpt, Excerpt.id == ranked.c.id)
            .order_by(ranked.c.score.desc(), ranked.c.id)
        )
        return with_snippets(query, [(i, float(score), body) for i, score, body in rows])

    def matching_ids(self, session: Session, query: str) -> list[int]:
        return list(
            session.scalars(
                select(Excerpt.id).where(_document().op("@@")(tsquery(query))).order_by(Excerpt.id)
            )
        )
