"""NEAR in search: the parser, its meaning (FTS5's, checked against FTS5 itself), snippets,
autocode, memo search and the command line."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest
from sqlalchemy import select

from testimony.coding.autocode import hit_spans, match_pattern
from testimony.coding.search import QueryError, _fts5_query, search_excerpts
from testimony.coding.search_match import QueryMatcher
from testimony.coding.search_query import Near, Term, parse
from testimony.coding.snippets import Snippets
from testimony.coding.workbench import Workbench
from testimony.db.models import Coding, Excerpt, Interview

POLICE, FINE, FINE_PREFIX = Term("police", False), Term("fine", False), Term("fine", True)


# --- the parser --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "alternatives", "excluded"),
    [
        ("NEAR(police fine*, 5)", [[Near((POLICE, FINE_PREFIX), 5)]], []),
        ("NEAR(police fine)", [[Near((POLICE, FINE), 10)]], []),
        ("NEAR( police  fine ,3 )", [[Near((POLICE, FINE), 3)]], []),
        (
            'NEAR("protection order" police, 0)',
            [[Near((Term("protection order", False), POLICE), 0)]],
            [],
        ),
        ("police NEAR fine", [[Near((POLICE, FINE), 10)]], []),
        ("police NEAR/2 fine*", [[Near((POLICE, FINE_PREFIX), 2)]], []),
        (
            "police NEAR/2 fine NEAR/2 court",
            [[Near((POLICE, FINE, Term("court", False)), 2)]],
            [],
        ),
        (
            "husband police NEAR court OR brother",
            [
                [Term("husband", False), Near((POLICE, Term("court", False)))],
                [Term("brother", False)],
            ],
            [],
        ),
        ("police -police NEAR fine", [[POLICE]], [Near((POLICE, FINE))]),
        ("police NOT NEAR(police fine, 1)", [[POLICE]], [Near((POLICE, FINE), 1)]),
        ("police -NEAR(police fine)", [[POLICE]], [Near((POLICE, FINE))]),
        ("NEAR(mother-in-law police)", [[Near((Term("mother in law", False), POLICE))]], []),
        # Lower-case near is a word, as lower-case or is; so is NEAR in brackets.
        ("police near fine", [[POLICE, Term("near", False), FINE]], []),
        ("(NEAR) police", [[Term("NEAR", False), POLICE]], []),
    ],
)
def test_near_is_parsed_in_both_forms(query, alternatives, excluded):
    parsed = parse(query)
    assert (parsed.alternatives, parsed.excluded) == (alternatives, excluded)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("NEAR(police", "NEAR\\( is not closed"),
        ("NEAR(police fine, 5", "NEAR\\( is not closed"),
        ("NEAR(a, x)", "distance .* whole number of words .*'x'"),
        ("NEAR(a b, -1)", "whole number of words .*'-1'"),
        ("NEAR(a b, 2.5)", "whole number"),
        ("NEAR(a b, 5000)", "at most 1000 words"),
        ("NEAR(police)", "two or more words"),
        ("NEAR(police ^*)", "two or more words"),
        ("NEAR(police OR fine)", "OR cannot stand inside NEAR"),
        ("NEAR(police -fine)", "cannot leave one out"),
        ('NEAR("protection order police)', 'no closing "'),
        ("police NEAR", "on each side"),
        ("NEAR police", "on each side"),
        ("police NEAR NEAR fine", "on each side"),
        ("police NEAR OR fine", "on each side"),
        ("police NEAR -fine", "on each side"),
        ("^* NEAR fine", "on each side"),
        ("police NEAR/x fine", "after NEAR/ .* not 'x'"),
        ("police NEAR/ fine", "after NEAR/"),
        ("police NEAR/2 fine NEAR/3 court", "one NEAR group has one distance"),
        ("NEAR(police fine) NEAR court", "cannot join a NEAR"),
        ("court NEAR NEAR(police fine)", "cannot join a NEAR"),
    ],
)
def test_a_malformed_near_is_one_clear_error(query, problem):
    with pytest.raises(QueryError, match=problem) as error:
        parse(query)
    assert "\n" not in str(error.value)


def test_user_text_reaches_fts5_only_inside_quoted_phrases():
    built = _fts5_query('NEAR(police "x) OR y" fine*, 3) -NEAR(a b)')
    assert built == '((NEAR("police" "x OR y" "fine"*, 3))) NOT (NEAR("a" "b", 10))'


# --- the meaning: Python's NEAR (PostgreSQL's, snippets', autocode's) is FTS5's ------------


VOCABULARY = ["police", "polícia", "fined", "fine", "court", "mother-in-law", "don't", "café", "x"]


def _random_text(rng: random.Random) -> str:
    words = [rng.choice(VOCABULARY + ["and", "the", "a"] * 2) for _ in range(rng.randrange(1, 25))]
    return " ".join(w + rng.choice(["", "", ",", ".", " -", ";"]) for w in words)


def _random_query(rng: random.Random) -> str:
    def term() -> str:
        pick = rng.choice(
            [
                "police",
                "fine*",
                "fined",
                "court",
                "cafe",
                '"mother in law"',
                "polic*",
                '"don\'t"',
                '"the police"',
                "x",
                "law",
            ]
        )
        return pick

    terms = " ".join(term() for _ in range(rng.randrange(2, 4)))
    group = f"NEAR({terms}, {rng.randrange(0, 5)})" if rng.random() < 0.8 else f"NEAR({terms})"
    extra = rng.choice(["", " OR court", " x", " -cafe", " NOT NEAR(police fined, 1)", ""])
    return group + extra


def test_near_in_python_finds_exactly_what_fts5_finds():
    """Random texts and NEAR queries: the word-position rule of search_match.py agrees
    with SQLite's own NEAR on every one (this is what PostgreSQL's results rest on)."""
    rng = random.Random(4)
    texts = [_random_text(rng) for _ in range(400)]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", enumerate(texts, 1))
    disagreements, found, by_regex = [], 0, 0
    for query in {_random_query(rng) for _ in range(150)}:
        fts5 = {
            r for (r,) in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (_fts5_query(query),))
        }
        matcher = QueryMatcher(query)
        by_regex += matcher._near_patterns is not None
        python = {i for i, text in enumerate(texts, 1) if matcher.matches(text)}
        found += len(fts5)
        if fts5 != python:
            disagreements.append((query, sorted(fts5 ^ python)[:3]))
    assert disagreements == []
    assert found > 500  # the queries find things; agreement on nothing would prove nothing
    assert 50 < sum(t.isascii() for t in texts) < 350  # both ways of reading words are tried
    assert 20 < by_regex < 130  # and both ways of matching ASCII texts


def test_the_fast_word_positions_are_the_snippets_word_positions():
    rng = random.Random(5)
    for _ in range(300):
        text = _random_text(rng) + rng.choice(["", " POLICE_x Fined2 fine-tuned Café"])
        matcher = QueryMatcher(_random_query(rng))
        assert matcher._starts(text) == matcher.find(text).starts, text
        word_by_word = bool(matcher.satisfied(matcher.find(text)))
        assert matcher.matches(text) == word_by_word, (text, matcher.parsed)


# --- snippets and autocode mark the near words alone -------------------------------------------

TEXT = (
    "The police came at night. Nobody was fined then. Much later, weeks after the "
    "first visit and many phone calls, the police fined my brother for nothing."
)


def test_snippets_mark_near_words_only_where_they_are_near():
    snippet, highlights = Snippets("NEAR(police fine*, 2)")(TEXT)
    marks = [(snippet[a:b], a) for a, b in highlights]
    assert [m for m, _a in marks] == ["police", "fined"]
    assert snippet.index("police fined") == marks[0][1]  # the second police, not the first


def test_snippets_mark_plain_words_everywhere_and_near_words_where_near():
    _snippet, highlights = Snippets("brother NEAR(police fine*, 2)")(TEXT)
    assert len(highlights) == 3


def test_autocode_spans_run_from_the_first_near_word_to_the_last():
    matcher = match_pattern("NEAR(brother police, 3)")
    assert [TEXT[a:b] for a, b in hit_spans(TEXT, matcher, "match")] == ["police fined my brother"]
    sentences = hit_spans(TEXT, match_pattern("NEAR(night nobody, 1)"), "sentence")
    assert [TEXT[a:b] for a, b in sentences] == [
        "The police came at night. Nobody was fined then."
    ]  # a match across two sentences codes both, as one quote
    assert hit_spans(TEXT, match_pattern("NEAR(night brother, 3)"), "excerpt") == []


# --- on each backend ---------------------------------------------------------------------------

ROWS = [
    "The police fined me for the noise.",  # near, in order
    "He was fined; the police laughed.",  # near, the other way round
    "The police came. Then for weeks and weeks nothing at all happened, until he was fined.",
    "The protection order was fined by no one at all; police shrugged.",
    "Police, police, police, and the court.",
    "Nobody fined anyone.",
]


@pytest.fixture
def near_texts(project):
    with project.session() as s, s.begin():
        interview = Interview(code="INT-001", title="t", source_format="txt", vault_source_id=1)
        s.add(interview)
        s.flush()
        s.add_all(
            Excerpt(interview_id=interview.id, position=i, text=t) for i, t in enumerate(ROWS, 1)
        )
    with project.session() as s:
        return {e.text: e.id for e in s.scalars(select(Excerpt))}


def _ids(project, query, limit=50):
    with project.session() as s:
        return [h.excerpt_id for h in search_excerpts(s, query, limit)]


@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ("NEAR(police fine*, 3)", [0, 1]),
        ("police NEAR/3 fined", [0, 1]),
        ("NEAR(police fined)", [0, 1, 3]),  # 10 words between at most
        ("NEAR(police fined, 12)", [0, 1, 3]),  # the third row has 13 between
        ("NEAR(police fined, 13)", [0, 1, 2, 3]),
        ('NEAR("protection order" police, 7)', [3]),
        ('NEAR(police "protection order", 6)', []),
        ("NEAR(police fined, 3) OR court", [0, 1, 4]),
        ("police -NEAR(police fined, 3)", [2, 3, 4]),
        ("NEAR(police police, 0)", [0, 1, 2, 3, 4]),
    ],
)
def test_near_finds_the_same_excerpts_on_each_backend(project, near_texts, query, rows):
    assert sorted(_ids(project, query)) == sorted(near_texts[ROWS[r]] for r in rows)
    with project.session() as s:
        from testimony.coding.search import backend_for

        assert backend_for(s).matching_ids(s, query) == sorted(near_texts[ROWS[r]] for r in rows)


def test_a_page_of_near_hits_is_the_head_of_the_whole_list(project, near_texts):
    """PostgreSQL keeps near hits in Python after ranking: a short page must still hold the
    best hits, in the order of the full list, and say no more than it has."""
    everything = _ids(project, "NEAR(police fined)")
    assert len(everything) == 3
    for limit in (1, 2, 3, 10):
        assert _ids(project, "NEAR(police fined)", limit) == everything[:limit]


def test_autocode_with_near_codes_exactly_the_hits(project, near_texts):
    bench = Workbench(project, "ana")
    result = bench.autocode("NEAR(police fine*, 3)", "police-response", "match")
    with project.session() as s:
        coded = s.execute(select(Coding.excerpt_id, Coding.start, Coding.end)).all()
        texts = {e.id: e.text for e in s.scalars(select(Excerpt))}
    assert result.excerpts == 2 and result.added == 2
    assert sorted((e, texts[e][a:b]) for e, a, b in coded) == sorted(
        [(near_texts[ROWS[0]], "police fined"), (near_texts[ROWS[1]], "fined; the police")]
    )


def test_memo_search_reads_near_and_keeps_plain_text_as_text(project, near_texts):
    bench = Workbench(project, "ana")
    bench.set_memo("excerpt", near_texts[ROWS[0]], "The police fined her the next morning.")
    bench.set_memo("excerpt", near_texts[ROWS[1]], "Police came; weeks later a court fined him.")
    assert [m.text[:10] for m in bench.memos("NEAR(police fined, 2)")] == ["The police"]
    assert len(bench.memos("police NEAR fined")) == 2
    assert [m.text[:10] for m in bench.memos("a court fi")] == ["Police cam"]  # as typed
    with pytest.raises(QueryError, match="not closed"):
        bench.memos("NEAR(police")


# --- the command line --------------------------------------------------------------------------


def test_search_command_finds_near_words_and_marks_them(project, near_texts, run):
    result = run("--project", project.root, "search", "NEAR(police fine*, 3)", "--json")
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)
    assert sorted(h["excerpt"] for h in hits) == sorted(near_texts[ROWS[r]] for r in (0, 1))
    for hit in hits:
        marks = {hit["snippet"][a:b].lower() for a, b in hit["highlights"]}
        assert marks == {"police", "fined"}
    plain = run("--project", project.root, "search", "police NEAR/3 fined")
    assert plain.exit_code == 0 and plain.stdout.count("INT-001") == 2


@pytest.mark.parametrize("query", ["NEAR(police", "NEAR(a, x)", "police NEAR", "a NEAR/x b"])
def test_search_command_refuses_a_malformed_near_with_one_line(project, near_texts, run, query):
    result = run("--project", project.root, "search", query)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "NEAR" in lines[0], result.stderr
