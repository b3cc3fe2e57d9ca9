"""Full-text search on PostgreSQL: the same query language and hits as SQLite's FTS5.

Excerpts are indexed with the `testimony_search` text search configuration
(migration 0002): words lower-cased, accents removed, no stemming and no stop
words, as FTS5's unicode61 tokenizer does, so a query finds the same excerpts
on either backend. Phrases become `<->` sequences, `word*` a `:*` prefix, and
ts_rank orders the hits (bm25 does on SQLite; the order may differ, the hits do not).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

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
        terms = _Terms.of(query)
        hits = []
        for excerpt_id, score, excerpt_text, headline in rows:
            snippet, highlights = _with_ellipses(excerpt_text, *split_marks(headline))
            highlights = _join_phrases(snippet, highlights, terms)
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


def _fold(text: str) -> str:
    """Lower case without accents, as the index compares words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class _Terms:
    phrases: list[list[str]]  # quoted phrases of two words or more
    words: set[str]  # words to match alone
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, query: str) -> _Terms:
        phrases, words, prefixes = [], set(), []
        for terms in parse_query(query):
            for phrase, prefix in terms:
                folded = _WORD.findall(_fold(phrase))
                if prefix:
                    prefixes.append(folded[-1])
                    folded = folded[:-1]
                if len(folded) > 1:
                    phrases.append(folded)
                elif folded and not prefix:
                    words.add(folded[0])
        return cls(phrases, words, tuple(prefixes))

    def marks(self, words: list[str]) -> bool:
        """Whether a highlight of these words is a match FTS5 would mark too."""
        if len(words) == 1 and (words[0] in self.words or words[0].startswith(self.prefixes)):
            return True
        return any(words[i : i + len(p)] == p for p in self.phrases for i in range(len(words)))


def _join_phrases(
    snippet: str, highlights: list[tuple[int, int]], terms: _Terms
) -> list[tuple[int, int]]:
    """One highlight per matched phrase, as FTS5 marks it.

    ts_headline marks every word of the query wherever it is: each word of a
    phrase alone, and a phrase's word outside the phrase too. Runs of marked
    words that make up a phrase become one mark; marks FTS5 would not make go.
    """
    pairs = {(a, b) for words in terms.phrases for a, b in zip(words, words[1:], strict=False)}
    runs: list[tuple[int, int]] = []
    for start, end in highlights:
        if runs:
            previous_start, previous_end = runs[-1]
            before = _WORD.findall(_fold(snippet[previous_start:previous_end]))
            after = _WORD.findall(_fold(snippet[start:end]))
            gap = snippet[previous_end:start]
            if before and after and not _WORD.search(gap) and (before[-1], after[0]) in pairs:
                runs[-1] = (previous_start, end)
                continue
        runs.append((start, end))
    return [(a, b) for a, b in runs if terms.marks(_WORD.findall(_fold(snippet[a:b])))]
