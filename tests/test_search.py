"""Full-text search: ranked excerpt ids with highlighted snippets, kept in step with edits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from testimony.coding.search import QueryError, parse_query, search_excerpts
from testimony.db.models import Excerpt, Interview


@pytest.fixture
def texts(project):
    rows = [
        "The police said there were no visible wounds and sent me home.",
        "He said the protection order was just paper.",
        "She asked for a protection order; the officer refused to register it.",
        "My mother-in-law told me to endure.",
        "The police officer laughed.",
    ]
    with project.session() as s, s.begin():
        interview = Interview(code="INT-001", title="t", source_format="txt", vault_source_id=1)
        s.add(interview)
        s.flush()
        s.add_all(
            Excerpt(interview_id=interview.id, position=i, text=t) for i, t in enumerate(rows, 1)
        )
    with project.session() as s:
        return {e.text: e.id for e in s.scalars(select(Excerpt))}


def test_words_must_all_match(project, texts):
    with project.session() as s:
        hits = search_excerpts(s, "police home")
    assert [h.excerpt_id for h in hits] == [texts[next(t for t in texts if "home" in t)]]


def test_phrase_query(project, texts):
    with project.session() as s:
        hits = search_excerpts(s, '"protection order"')
    assert len(hits) == 2
    for hit in hits:
        assert [hit.snippet[a:b].lower() for a, b in hit.highlights] == ["protection order"]


def test_prefix_query_and_or(project, texts):
    with project.session() as s:
        prefix = search_excerpts(s, "regist*")
        either = search_excerpts(s, "laughed OR endure")
    assert len(prefix) == 1 and "register" in prefix[0].snippet
    assert len(either) == 2


def test_ranking_puts_the_denser_match_first(project, texts):
    with project.session() as s:
        hits = search_excerpts(s, "police")
    assert hits[0].excerpt_id == texts["The police officer laughed."]
    assert hits[0].score >= hits[1].score


def test_search_follows_changes_to_excerpt_text(project, texts):
    excerpt_id = texts["The police officer laughed."]
    with project.session() as s, s.begin():
        s.get(Excerpt, excerpt_id).text = "The inspector laughed."
    with project.session() as s:
        assert excerpt_id not in {h.excerpt_id for h in search_excerpts(s, "police")}
        assert [h.excerpt_id for h in search_excerpts(s, "inspector")] == [excerpt_id]


def test_query_syntax_characters_are_taken_literally(project, texts):
    with project.session() as s:
        assert len(search_excerpts(s, 'mother-in-law "')) == 1
        assert search_excerpts(s, "(NEAR) AND: ^*") == []


def test_an_empty_query_is_an_error():
    with pytest.raises(QueryError):
        parse_query(' " " * ')


def test_search_command_prints_located_hits(corpus_project, run):
    result = run("--project", corpus_project.root, "search", "protection order", "--json")
    assert result.exit_code == 0
    import json

    hits = json.loads(result.stdout)
    assert hits and {"excerpt", "interview", "position", "snippet", "highlights"} <= set(hits[0])


def test_not_and_a_leading_minus_leave_excerpts_out_and_and_is_no_word(project, texts):
    with project.session() as s:
        police = {h.excerpt_id for h in search_excerpts(s, "police")}
        assert len(police) == 2
        for query in ("police NOT laughed", "police -laughed", 'police -"officer laughed"'):
            hits = [h.excerpt_id for h in search_excerpts(s, query)]
            assert hits == [texts[next(t for t in texts if "home" in t)]], query
        assert {h.excerpt_id for h in search_excerpts(s, "police AND officer")} == {
            texts["The police officer laughed."]
        }
        either = search_excerpts(s, "laughed OR endure NOT mother")
        assert [h.excerpt_id for h in either] == [texts["The police officer laughed."]]
    with pytest.raises(QueryError, match="leave words out"):
        parse_query("NOT police")
