"""Full-text search on PostgreSQL: the same query language and hits as SQLite's FTS5.

Excerpts are indexed with the `testimony_search` text search configuration
(migration 0002; a stored tsvector column since 0008): words lower-cased,
accents removed, no stemming and no stop words, as FTS5's unicode61 tokenizer
does, so a query finds the same excerpts on either backend. Phrases become
`<->` sequences, `word*` a `:*` prefix, and ts_rank orders the hits (bm25 does
on SQLite; the order may differ, the hits do not).

tsquery has no NEAR: its `<N>` is one exact, ordered distance, and its word
positions are not FTS5's (a hyphenated word takes one more position). So a NEAR
group asks the index for excerpts holding all its words (`&`), and
search_match.py, which counts words as FTS5 does, keeps those where they are
near; the ranking is the index's, the page is filled from the kept ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Subquery, bindparam, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from testimony.coding.search import SearchHit, parse_full, with_snippets
from testimony.coding.search_match import QueryMatcher
from testimony.coding.search_query import Near, Term, parse
from testimony.db.models import Excerpt

CONFIG = "testimony_search"


def _config() -> ColumnElement:
    return literal_column(f"'{CONFIG}'::regconfig")


def _document() -> ColumnElement:
    # The stored tsvector of migration 0008, GIN-indexed: ts_rank reads it instead of
    # parsing every matching excerpt's text again.
    return literal_column("excerpts.search_vector")


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

    def item(it: Term | Near) -> ColumnElement:
        # A NEAR group: all its terms, anywhere; search_match.py decides what is near.
        if isinstance(it, Near):
            return _combine([term(*t) for t in it.terms], "&&")
        return term(*it)

    found, excluded = parse_full(query)
    for items in found:
        alternatives.append(_combine([item(i) for i in items], "&&"))
    combined = _combine(alternatives, "||")
    # && !!term: tsquery_not is the function behind the !! operator. A NEAR group is left
    # out afterwards, in Python: excerpts holding its words far apart stay in.
    for it in excluded:
        if not isinstance(it, Near):
            combined = combined.op("&&", return_type=TSQUERY)(
                func.tsquery_not(item(it), type_=TSQUERY)
            )
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
        )
        if parse(query).has_near:
            return with_snippets(query, _near_page(session, query, ranked.subquery(), limit))
        page = ranked.limit(limit).subquery()
        # The texts are read for the returned rows only; snippets are made as on SQLite.
        rows = session.execute(
            select(page.c.id, page.c.score, Excerpt.text)
            .join(Excerpt, Excerpt.id == page.c.id)
            .order_by(page.c.score.desc(), page.c.id)
        )
        return with_snippets(query, [(i, float(score), body) for i, score, body in rows])

    def matching_ids(self, session: Session, query: str) -> list[int]:
        found = _document().op("@@")(tsquery(query))
        if not parse(query).has_near:
            return list(session.scalars(select(Excerpt.id).where(found).order_by(Excerpt.id)))
        matcher = QueryMatcher(query)
        rows = session.execute(
            select(Excerpt.id, Excerpt.text).where(found).order_by(Excerpt.id),
            execution_options={"yield_per": 1000},
        )
        return [i for i, body in rows if matcher.matches(body)]


def _near_page(
    session: Session, query: str, ranked: Subquery, limit: int
) -> list[tuple[int, float, str]]:
    """The first `limit` candidates, in rank order, that hold the query's NEAR groups.

    The database ranks every candidate (as it must to sort them) and streams them
    from a server-side cursor with their texts, in growing batches; reading stops
    once the page is full, so a page costs about a page of texts when most
    candidates are hits, and a few round trips when few are.
    """
    matcher = QueryMatcher(query)
    rows = session.execute(
        select(ranked.c.id, ranked.c.score, Excerpt.text)
        .join(Excerpt, Excerpt.id == ranked.c.id)
        .order_by(ranked.c.score.desc(), ranked.c.id),
        execution_options={"stream_results": True},
    )
    page: list[tuple[int, float, str]] = []
    size = max(2 * limit, 50)  # then twice as many each time: few round trips when hits are rare
    while len(page) < limit and (chunk := rows.fetchmany(size)):
        page += [(i, float(score), body) for i, score, body in chunk if matcher.matches(body)]
        size = min(2 * size, 4000)
    rows.close()
    return page[:limit]
