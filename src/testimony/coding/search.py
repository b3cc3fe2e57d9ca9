"""Full-text search over pseudonymized excerpts, behind one interface for every backend.

The query language (search_query.py) is small and the same everywhere: words
(all must match), "quoted phrases", prefix* words, OR between alternatives,
NOT word, and NEAR(word word, N) for words close to each other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.orm import Session

from testimony.coding.search_query import Item, Near, QueryError, Term, parse

__all__ = ["QueryError", "SearchHit", "Term", "parse_full", "parse_query", "search_excerpts"]


@dataclass(frozen=True)
class SearchHit:
    """One ranked excerpt; highlights are (start, end) offsets into snippet."""

    excerpt_id: int
    score: float
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)


class SearchBackend(Protocol):
    def search(self, session: Session, query: str, limit: int = 50) -> list[SearchHit]: ...

    def matching_ids(self, session: Session, query: str) -> list[int]:
        """Every excerpt the query matches, in id order (for autocode)."""
        ...


def parse_query(query: str) -> list[list[Item]]:
    """Alternatives (split at OR), each a list of terms and NEAR groups to find."""
    return parse(query).alternatives


def parse_full(query: str) -> tuple[list[list[Item]], list[Item]]:
    """The alternatives to find, and the items no hit may hold (NOT word, -word)."""
    parsed = parse(query)
    return parsed.alternatives, parsed.excluded


def _fts5_term(phrase: str, prefix: bool) -> str:
    return '"' + phrase.replace('"', '""') + '"' + ("*" if prefix else "")


def _fts5_item(item: Item) -> str:
    if isinstance(item, Near):
        return "NEAR(" + " ".join(_fts5_term(*t) for t in item.terms) + f", {item.distance})"
    return _fts5_term(*item)


def _fts5_query(query: str) -> str:
    """The FTS5 MATCH expression, built from the parsed query: every user word is quoted."""
    alternatives, excluded = parse_full(query)
    found = " OR ".join(
        "(" + " AND ".join(_fts5_item(item) for item in items) + ")" for items in alternatives
    )
    if not excluded:
        return found
    return f"({found}) NOT (" + " OR ".join(_fts5_item(item) for item in excluded) + ")"


class SqliteSearch:
    """SQLite FTS5 (external-content table kept in step by triggers), ranked by bm25."""

    def search(self, session: Session, query: str, limit: int = 50) -> list[SearchHit]:
        from testimony.coding import search_postings

        ranked = search_postings.rank(session, parse(query), limit)
        if ranked is not None:  # words and prefixes: ranked from the posting lists
            texts: dict[int, str] = dict(
                session.execute(
                    text(
                        "SELECT id, text FROM excerpts"
                        " WHERE id IN (SELECT value FROM json_each(:ids))"
                    ),
                    {"ids": json.dumps([excerpt_id for excerpt_id, _score in ranked])},
                ).all()
            )
            return with_snippets(query, [(i, score, texts[i]) for i, score in ranked if i in texts])
        # bm25 is worked out for every match (the price of ranking); the texts are read,
        # and the snippets made, for the page alone (see snippets.py).
        rows = session.execute(
            text(
                "SELECT ranked.rowid, ranked.score, excerpts.text FROM ("
                " SELECT rowid, bm25(excerpts_fts) AS score FROM excerpts_fts"
                " WHERE excerpts_fts MATCH :q ORDER BY score, rowid LIMIT :limit"
                ") AS ranked JOIN excerpts ON excerpts.id = ranked.rowid"
                " ORDER BY ranked.score, ranked.rowid"
            ),
            {"q": _fts5_query(query), "limit": limit},
        )
        return with_snippets(query, [(rowid, -float(score), body) for rowid, score, body in rows])

    def matching_ids(self, session: Session, query: str) -> list[int]:
        rows = session.execute(
            text("SELECT rowid FROM excerpts_fts WHERE excerpts_fts MATCH :q ORDER BY rowid"),
            {"q": _fts5_query(query)},
        )
        return [row[0] for row in rows]


def with_snippets(query: str, rows: list[tuple[int, float, str]]) -> list[SearchHit]:
    """Hits from ranked (excerpt id, score, text) rows, each with its snippet."""
    from testimony.coding.snippets import Snippets

    make = Snippets(query)
    return [SearchHit(excerpt_id, score, *make(body)) for excerpt_id, score, body in rows]


def backend_for(session: Session) -> SearchBackend:
    """The search implementation for the session's database: SQLite FTS5 or PostgreSQL's own."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return SqliteSearch()
    if dialect == "postgresql":
        from testimony.coding.search_postgres import PostgresSearch

        return PostgresSearch()
    raise NotImplementedError(f"full-text search is not implemented for {dialect}")


def search_excerpts(session: Session, query: str, limit: int = 50) -> list[SearchHit]:
    """Ranked excerpt ids with highlighted snippets for a query."""
    return backend_for(session).search(session, query, limit)
