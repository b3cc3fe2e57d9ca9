"""Full-text search over pseudonymized excerpts, behind one interface for every backend.

The query language is small and the same everywhere: words (all must match),
"quoted phrases", prefix* words, and OR between alternatives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.orm import Session

_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+)')
_WORD_CHARS = re.compile(r"[\w]+(?:['’][\w]+)*", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    """One ranked excerpt; highlights are (start, end) offsets into snippet."""

    excerpt_id: int
    score: float
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)


class QueryError(ValueError):
    """The search query cannot be understood."""


class SearchBackend(Protocol):
    def search(self, session: Session, query: str, limit: int = 50) -> list[SearchHit]: ...

    def matching_ids(self, session: Session, query: str) -> list[int]:
        """Every excerpt the query matches, in id order (for autocode)."""
        ...


Term = tuple[str, bool]  # (phrase, is_prefix)


def parse_query(query: str) -> list[list[Term]]:
    """Alternatives (split at OR), each a list of (phrase, is_prefix) terms to find."""
    return parse_full(query)[0]


def parse_full(query: str) -> tuple[list[list[Term]], list[Term]]:
    """The alternatives to find, and the terms no hit may contain (NOT word, -word).

    AND between words is what a space means already; OR splits alternatives; NOT
    (or a leading -) leaves out every excerpt holding the next word or phrase,
    whichever alternative it was written in.
    """
    alternatives: list[list[Term]] = [[]]
    excluded: list[Term] = []
    negate = False
    for match in _TOKEN.finditer(query):
        word = match.group("word")
        if word in ("OR", "AND", "NOT", "-"):
            if word == "OR":
                alternatives.append([])
            negate = word in ("NOT", "-")
            continue
        raw = match.group("phrase") if match.group("phrase") is not None else word
        if word is not None and word.startswith("-"):
            negate, raw = True, word[1:]
        prefix = raw.endswith("*") and match.group("phrase") is None
        words = _WORD_CHARS.findall(raw)
        if words:
            (excluded if negate else alternatives[-1]).append((" ".join(words), prefix))
        negate = False
    alternatives = [a for a in alternatives if a]
    if not alternatives:
        raise QueryError(
            "the search query has no words to find"
            + (" (NOT and - only leave words out)" if excluded else "")
        )
    return alternatives, excluded


def _fts5_term(phrase: str, prefix: bool) -> str:
    return '"' + phrase.replace('"', '""') + '"' + ("*" if prefix else "")


def _fts5_query(query: str) -> str:
    alternatives, excluded = parse_full(query)
    found = " OR ".join(
        "(" + " AND ".join(_fts5_term(*term) for term in terms) + ")" for terms in alternatives
    )
    if not excluded:
        return found
    return f"({found}) NOT (" + " OR ".join(_fts5_term(*term) for term in excluded) + ")"


class SqliteSearch:
    """SQLite FTS5 (external-content table kept in step by triggers), ranked by bm25."""

    def search(self, session: Session, query: str, limit: int = 50) -> list[SearchHit]:
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
