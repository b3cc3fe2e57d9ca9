"""The search query language, parsed into plain data that each backend turns into its own query.

    police home               both words (AND is what a space means already)
    "protection order"        a phrase
    regist*                   a prefix
    laughed OR endure         either alternative
    police NOT court          leave out excerpts holding court (also -court, -"a phrase")
    NEAR(police fine*, 5)     the words within 5 words of each other, in any order
    police NEAR/5 fine*       the same, written between the words (NEAR alone: 10 words)

Distance means what it means in SQLite's FTS5: the number of words between the
end of the first word or phrase and the start of the last one, so
NEAR(police fined, 0) finds "police fined" and "fined police". User text never
reaches a database as syntax: the backends build their queries from this data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

NEAR_DEFAULT = 10  # words between, as FTS5's NEAR(...) without a distance
NEAR_MAX = 1000
OPERATORS = ("OR", "AND", "NOT", "-")
_WORD_CHARS = re.compile(r"[\w]+(?:['’][\w]+)*", re.UNICODE)


class QueryError(ValueError):
    """The search query cannot be understood."""


class Term(NamedTuple):
    """Words to find one after another; with prefix, the last word may go on (fine* → fined)."""

    phrase: str
    prefix: bool


@dataclass(frozen=True)
class Near:
    """Every term within `distance` words of the others, in any order."""

    terms: tuple[Term, ...]
    distance: int = NEAR_DEFAULT


Item = Term | Near


@dataclass(frozen=True)
class ParsedQuery:
    alternatives: list[list[Item]]  # any alternative may match; all its items must
    excluded: list[Item]  # no hit holds any of these

    @property
    def has_near(self) -> bool:
        return any(isinstance(i, Near) for i in self.excluded) or any(
            isinstance(i, Near) for items in self.alternatives for i in items
        )


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "phrase", "group" (a NEAR(...) group) or "near" (NEAR, NEAR/n)
    text: str = ""
    group: Near | None = None
    distance: int = NEAR_DEFAULT


def _term(written: str, phrase: bool) -> Term | None:
    """The words of one written word or phrase; None when it holds no word characters."""
    words = _WORD_CHARS.findall(written)
    if not words:
        return None
    return Term(" ".join(words), written.endswith("*") and not phrase)


def _distance(written: str, where: str) -> int:
    if not written.isascii() or not written.isdigit():
        raise QueryError(
            f"the distance {where} is a whole number of words between them, not {written!r}"
        )
    distance = int(written)
    if distance > NEAR_MAX:
        raise QueryError(f"the distance {where} is at most {NEAR_MAX} words, not {distance}")
    return distance


def _scan_group(query: str, at: int) -> tuple[Near, int]:
    """The NEAR( group starting at query[at] (just after the parenthesis) and where it ends."""
    terms: list[Term] = []
    distance = NEAR_DEFAULT
    while True:
        while at < len(query) and query[at].isspace():
            at += 1
        if at >= len(query):
            raise QueryError(
                "NEAR( is not closed: write NEAR(word word) or NEAR(word word, 5) with a ')'"
            )
        char = query[at]
        if char == ")":
            at += 1
            break
        if char == ",":
            end = query.find(")", at)
            if end < 0:
                raise QueryError(
                    "NEAR( is not closed: write NEAR(word word) or NEAR(word word, 5) with a ')'"
                )
            distance = _distance(query[at + 1 : end].strip(), "in NEAR(…, N)")
            at = end + 1
            break
        if char == '"':
            end = query.find('"', at + 1)
            if end < 0:
                raise QueryError('a phrase inside NEAR(…) has no closing "')
            term = _term(query[at + 1 : end], phrase=True)
            at = end + 1
        else:
            end = at
            while end < len(query) and not query[end].isspace() and query[end] not in '",)':
                end += 1
            word = query[at:end]
            if word in (*OPERATORS, "NEAR") or word.startswith("NEAR/"):
                raise QueryError(f"{word} cannot stand inside NEAR(…): only words and phrases")
            if word.startswith("-"):
                raise QueryError(f"NEAR(…) finds words; it cannot leave one out ({word})")
            term = _term(word, phrase=False)
            at = end
        if term is not None:
            terms.append(term)
    if len(terms) < 2:
        raise QueryError("NEAR(…) needs two or more words or phrases to find near each other")
    return Near(tuple(terms), distance), at


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    at = 0
    while at < len(query):
        char = query[at]
        if char.isspace():
            at += 1
        elif char == '"':
            end = query.find('"', at + 1)
            if end < 0:  # a lone quote is punctuation, as it always was
                at += 1
                continue
            tokens.append(_Token("phrase", query[at + 1 : end]))
            at = end + 1
        elif query.startswith("-NEAR(", at):  # -NEAR(…) leaves the group out, as NOT does
            tokens.append(_Token("word", "-"))
            at += 1
        elif query.startswith("NEAR(", at):
            group, at = _scan_group(query, at + len("NEAR("))
            tokens.append(_Token("group", group=group))
        else:
            end = at
            while end < len(query) and not query[end].isspace() and query[end] != '"':
                end += 1
            word = query[at:end]
            at = end
            if word == "NEAR":
                tokens.append(_Token("near"))
            elif word.startswith("NEAR/"):
                distance = _distance(word[len("NEAR/") :], "after NEAR/")
                tokens.append(_Token("near", distance=distance))
            else:
                tokens.append(_Token("word", word))
    return tokens


def parse(query: str) -> ParsedQuery:
    """The alternatives to find and the items no hit may hold; QueryError when malformed.

    AND between words is what a space means already; OR splits alternatives; NOT
    (or a leading -) leaves out every excerpt holding the next item, whichever
    alternative it was written in. NEAR between two items joins them into one
    NEAR group, and binds tighter than AND and OR.
    """
    alternatives: list[list[Item]] = [[]]
    excluded: list[Item] = []
    negate = False
    # Where the item just written went, for an infix NEAR to join it with the next one.
    last: tuple[list[Item], int] | None = None
    last_joined = False  # the last item is a group an infix NEAR made (it may grow)
    pending: _Token | None = None  # an infix NEAR waiting for its right-hand item

    def need_right_side(what: str) -> QueryError:
        return QueryError(f"NEAR needs a word or phrase on each side, not {what}")

    for token in _tokens(query):
        if token.kind == "near":
            if pending is not None:
                raise need_right_side("another NEAR")
            if last is None:
                raise QueryError("NEAR needs a word or phrase on each side")
            target, index = last
            if isinstance(target[index], Near) and not last_joined:
                raise QueryError("NEAR cannot join a NEAR(…) group: put the word inside it")
            pending = token
            continue
        if token.kind == "word" and token.text in OPERATORS:
            if pending is not None:
                raise need_right_side(token.text)
            if token.text == "OR":
                alternatives.append([])
            negate = token.text in ("NOT", "-")
            last = None
            continue
        item: Item | None
        if token.kind == "group":
            if pending is not None:
                raise QueryError("NEAR cannot join a NEAR(…) group: put the word inside it")
            item = token.group
        else:
            written = token.text
            if token.kind == "word" and written.startswith("-"):
                if pending is not None:
                    raise need_right_side(written)
                negate, written = True, written[1:]
            item = _term(written, phrase=token.kind == "phrase")
        if pending is not None:
            if not isinstance(item, Term) or last is None:
                raise need_right_side("punctuation alone")
            target, index = last
            before = target[index]
            if isinstance(before, Near):
                if before.distance != pending.distance:
                    raise QueryError(
                        "one NEAR group has one distance: write NEAR(a b c, N) for several words"
                    )
                target[index] = Near((*before.terms, item), before.distance)
            else:
                target[index] = Near((before, item), pending.distance)
            pending, last_joined = None, True
            continue
        if item is None:
            last = None
        else:
            target = excluded if negate else alternatives[-1]
            target.append(item)
            last, last_joined = (target, len(target) - 1), False
        negate = False
    if pending is not None:
        raise need_right_side("the end of the query")
    alternatives = [a for a in alternatives if a]
    if not alternatives:
        raise QueryError(
            "the search query has no words to find"
            + (" (NOT and - only leave words out)" if excluded else "")
        )
    return ParsedQuery(alternatives, excluded)


def terms_of(item: Item) -> tuple[Term, ...]:
    """The words and phrases an item looks for."""
    return item.terms if isinstance(item, Near) else (item,)


def uses_query_syntax(text: str) -> bool:
    """Whether text is written in the query language (a quote, prefix*, OR, AND, NOT, -word,
    NEAR) rather than as plain text to look for, as a filter typed letter by letter is."""
    if '"' in text or "NEAR(" in text:
        return True
    return any(
        word in (*OPERATORS, "NEAR")
        or word.startswith(("-", "NEAR/"))
        or (word.endswith("*") and len(word) > 1)
        for word in text.split()
    )
