"""The search posting lists around bulk writes: an import leaves them up to date, and
commits inside a deferred block leave them to one refresh at its end (FTS5 meanwhile)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from testimony.coding import search_postings
from testimony.coding.search import parse, search_excerpts
from testimony.db.models import Excerpt, Interview

from .test_search_postings import fts5_ranked

pytestmark = pytest.mark.sqlite_only


def _queued(session) -> int:
    return session.execute(text("SELECT count(*) FROM search_postings_pending")).scalar_one()


def test_an_import_leaves_the_search_lists_up_to_date_and_ranking_as_fts5_ranks(
    corpus_project,
):
    project = corpus_project
    with project.session() as s:
        assert _queued(s) == 0
        assert s.execute(text("SELECT count(*) FROM search_postings")).scalar_one() > 500
        for query in ("police", "said", "the", "police s*", "children -police", "me*"):
            ranked = search_postings.rank(s, parse(query), 50)
            assert ranked is not None, query
            assert ranked, query  # every one of these is in the corpus
            assert ranked == fts5_ranked(s, query, 50), query


def test_commits_in_a_deferred_block_leave_the_lists_to_its_end_and_search_still_finds(project):
    with project.search_lists_deferred():
        with project.write_session() as s, s.begin():
            interview = Interview(code="INT-001", title="t", source_format="txt", vault_source_id=1)
            s.add(interview)
            s.flush()
            s.add(Excerpt(interview_id=interview.id, position=1, text="The zither was loud."))
        with project.session() as s:
            assert _queued(s) == 1
            assert search_postings.rank(s, parse("zither"), 20) is None  # not up to date
            assert [h.snippet for h in search_excerpts(s, "zither")] == ["The zither was loud."]
    with project.session() as s:
        assert _queued(s) == 0
        ranked = search_postings.rank(s, parse("zither"), 20)
        assert ranked is not None and len(ranked) == 1
        assert ranked == fts5_ranked(s, "zither", 20)
    project.close()


def test_a_failed_block_leaves_the_queue_to_the_next_commit(project):
    with pytest.raises(RuntimeError), project.search_lists_deferred():
        with project.write_session() as s, s.begin():
            interview = Interview(code="INT-001", title="t", source_format="txt", vault_source_id=1)
            s.add(interview)
            s.flush()
            s.add(Excerpt(interview_id=interview.id, position=1, text="A quiet oboe."))
        raise RuntimeError("the import failed after one file")
    with project.session() as s:
        assert _queued(s) == 1
    with project.write_session() as s, s.begin():
        pass
    with project.session() as s:
        assert _queued(s) == 0
        assert search_postings.rank(s, parse("oboe"), 20) == fts5_ranked(s, "oboe", 20) != []
    project.close()


def test_an_excerpt_id_too_large_for_the_lists_leaves_search_to_fts5_and_commits_go_on(project):
    from testimony.coding.search_postings import MAX_ID

    with project.write_session() as s, s.begin():
        interview = Interview(code="INT-001", title="t", source_format="txt", vault_source_id=1)
        s.add(interview)
        s.flush()
        s.add(Excerpt(id=MAX_ID + 1, interview_id=interview.id, position=1, text="A lute."))
    with project.write_session() as s, s.begin():  # a later commit is not refused either
        s.add(Excerpt(interview_id=interview.id, position=2, text="Another lute."))
    with project.session() as s:
        assert _queued(s) == 2
        assert search_postings.rank(s, parse("lute"), 20) is None
        assert sorted(h.excerpt_id for h in search_excerpts(s, "lute")) == [
            MAX_ID + 1,
            MAX_ID + 2,
        ]
    project.close()
