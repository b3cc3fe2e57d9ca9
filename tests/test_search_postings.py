"""The search posting lists (coding/search_postings.py) against FTS5 itself.

The claim under test: for the queries the lists answer, `rank` gives exactly the
(rowid, -bm25) list of FTS5's `ORDER BY bm25, rowid LIMIT n`, to the last bit of
every score; the lists stay equal to what FTS5's own index holds through inserts,
updates, deletes and many transactions; anything else, or lists not up to date,
falls back to FTS5. Every check reads FTS5 (its vocabulary table, its docsize
table, its bm25) on real project files, never the module's own helpers.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text as sql

from testimony.coding import search_postings
from testimony.coding.search import _fts5_query, search_excerpts
from testimony.coding.search_query import parse
from testimony.db.models import Excerpt, Interview
from testimony.project import Project, init_project

pytestmark = pytest.mark.sqlite_only  # the lists are SQLite's; PostgreSQL ranks with ts_rank

# --- building projects --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """An empty project with one interview; each example works on a copy (20 ms, not 500)."""
    folder = tmp_path_factory.mktemp("postings") / "template"
    project = init_project(folder)
    with project.write_session() as s, s.begin():
        s.add(Interview(code="INT-001", title="t", source_format="txt", vault_source_id=1))
    project.close()
    return folder


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("copies")


def copy_of(template: Path, scratch: Path) -> Project:
    folder = Path(tempfile.mkdtemp(dir=scratch)) / "p"
    shutil.copytree(template, folder)
    return Project.open(folder)


def add_texts(project: Project, texts: list[str], ids: list[int] | None = None) -> list[int]:
    """Excerpts added through the ORM in one write transaction, as the importer does."""
    with project.write_session() as s, s.begin():
        interview = s.query(Interview).one()
        start = s.execute(sql("SELECT coalesce(max(position), 0) FROM excerpts")).scalar()
        excerpts = [
            Excerpt(
                interview_id=interview.id,
                position=start + n,
                text=body,
                **({"id": ids[n - 1]} if ids else {}),
            )
            for n, body in enumerate(texts, 1)
        ]
        s.add_all(excerpts)  # not flushed: the commit must flush them before the lists are made
    return [e.id for e in excerpts]


def raw(project: Project) -> sqlite3.Connection:
    """A plain sqlite3 connection to project.db: writes through it bypass the commit hook."""
    return sqlite3.connect(project.root / "project.db", isolation_level=None)


# --- what FTS5 says ----------------------------------------------------------------------------


def fts5_ranked(session, query: str, limit: int) -> list[tuple[int, float]]:
    """FTS5's own ranking of the query, as the fallback path asks for it."""
    rows = session.execute(
        sql(
            "SELECT rowid, bm25(excerpts_fts) AS score FROM excerpts_fts"
            " WHERE excerpts_fts MATCH :q ORDER BY score, rowid LIMIT :n"
        ),
        {"q": _fts5_query(query), "n": limit},
    )
    return [(rowid, -score) for rowid, score in rows]


def varint(data: bytes) -> int:
    """The first SQLite varint of data (sizes here are far below the 9-byte form)."""
    value = 0
    for byte in data:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value
    raise AssertionError(f"unterminated varint {data!r}")


def fts5_lists(connection: sqlite3.Connection) -> dict[str, list[tuple[int, int]]]:
    """term -> [(excerpt id, count)], from FTS5's index of excerpts_fts (fts5vocab)."""
    connection.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.check_vocab"
        " USING fts5vocab(main, excerpts_fts, instance)"
    )
    lists: dict[str, list[tuple[int, int]]] = {}
    for term, doc, count in connection.execute(
        "SELECT term, doc, count(*) FROM temp.check_vocab GROUP BY term, doc ORDER BY term, doc"
    ):
        lists.setdefault(term, []).append((doc, count))
    return lists


def fts5_offsets(connection: sqlite3.Connection) -> dict[str, list[tuple[int, int]]]:
    """term -> [(excerpt id, token offset)], from FTS5's index, in order."""
    fts5_lists(connection)  # makes temp.check_vocab
    offsets: dict[str, list[tuple[int, int]]] = {}
    for term, doc, offset in connection.execute(
        'SELECT term, doc, "offset" FROM temp.check_vocab ORDER BY term, doc, "offset"'
    ):
        offsets.setdefault(term, []).append((doc, offset))
    return offsets


def stored_offsets(connection: sqlite3.Connection) -> dict[str, list[tuple[int, int]]]:
    offsets: dict[str, list[tuple[int, int]]] = {}
    for term, _block, ids, tfs, pos in connection.execute(
        "SELECT term, block, ids, tfs, pos FROM search_postings ORDER BY term, block"
    ):
        id_array, counts, at = search_postings._decoded_with_offsets(ids, tfs, pos)
        owners = np.repeat(id_array, counts)
        offsets.setdefault(term, []).extend(
            (int(i), int(o)) for i, o in zip(owners, at, strict=True)
        )
    return offsets


def stored_lists(connection: sqlite3.Connection) -> dict[str, list[tuple[int, int]]]:
    lists: dict[str, list[tuple[int, int]]] = {}
    for term, block, ids, tfs in connection.execute(
        "SELECT term, block, ids, tfs FROM search_postings ORDER BY term, block"
    ):
        id_array = np.frombuffer(ids, dtype="<i4")
        assert len(id_array) > 0, f"an empty block is kept for {term!r}"
        assert np.all(id_array[1:] > id_array[:-1]), f"ids of {term!r} are not sorted"
        assert np.all(id_array >> search_postings.BLOCK_BITS == block), f"{term!r}: wrong block"
        width = len(tfs) // len(id_array)
        assert width * len(id_array) == len(tfs) and width in (2, 4), term
        counts = np.frombuffer(tfs, dtype="<u2" if width == 2 else "<u4")
        # Counts take two bytes each unless one in the block needs four.
        assert (width == 4) == (int(counts.max()) > 0xFFFF), term
        lists.setdefault(term, []).extend(
            (int(i), int(c)) for i, c in zip(id_array, counts, strict=True)
        )
    return lists


def stored_lengths(connection: sqlite3.Connection) -> np.ndarray:
    blocks = connection.execute("SELECT block, lengths FROM search_postings_lengths").fetchall()
    return search_postings._lengths(blocks)


def check_lists(project: Project) -> None:
    """The stored lists and lengths are FTS5's index and docsize, term for term, id for id."""
    with raw(project) as connection:
        assert connection.execute("SELECT count(*) FROM search_postings_pending").fetchone() == (
            0,
        ), "a committed project transaction left excerpts queued"
        assert stored_lists(connection) == fts5_lists(connection)
        assert stored_offsets(connection) == fts5_offsets(connection)
        lengths = stored_lengths(connection)
        sizes = {
            i: varint(sz) for i, sz in connection.execute("SELECT id, sz FROM excerpts_fts_docsize")
        }
        ids = {i for (i,) in connection.execute("SELECT id FROM excerpts")}
        assert set(sizes) == ids
        expected = np.zeros(max([len(lengths), *(i + 1 for i in ids)]), dtype=np.int64)
        for excerpt_id, size in sizes.items():
            expected[excerpt_id] = size
        assert lengths.tolist() == expected.tolist()
    connection.close()


def check_ranking(project: Project, query: str, limits: tuple[int, ...] = (1, 3, 20, 500)) -> None:
    """rank() is FTS5's ranking at every limit, including limits that cut through a tie."""
    parsed = parse(query)
    assert search_postings.covered(parsed), query
    with project.session() as s:
        everything = fts5_ranked(s, query, 10**6)
        ties = [
            n + 1 for n in range(len(everything) - 1) if everything[n][1] == everything[n + 1][1]
        ]
        for limit in sorted({*limits, *ties[:4]}):
            got = search_postings.rank(s, parsed, limit)
            assert got is not None, f"{query!r}: the lists did not answer"
            assert got == everything[:limit], (query, limit)


# --- 1. exactness ------------------------------------------------------------------------------

TEXT_WORDS = [
    "police", "Police", "POLICE", "policeman", "polic", "officer", "officers", "café", "Café",
    "cafe", "CAFÉ", "cafés", "caf", "naïve", "naive", "don't", "l'agent", "court", "fine",
    "fined", "fines", "2019", "a1", "A1", "x", "X", "the", "The", "straße", "日本", "Ωmega",
    "e.g", "co-op", "z9",
]  # fmt: skip
SEPARATORS = [" ", "  ", ", ", ". ", "! ", "\n", " — ", "'", "-", "…", "?", "\t"]
QUERY_WORDS = ["police", "Police", "officer", "cafe", "CAFE", "court", "fine", "fined", "2019",
               "a1", "x", "the", "zebra", "absent9", "policeman"]  # fmt: skip
PREFIXES = ["pol", "POL", "caf", "fin", "c", "2", "a", "z", "of", "the", "q", "police"]


@st.composite
def texts(draw) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.sampled_from(["", "...", " — ", "?!", "'", "ß", "日本"]))
    words = draw(st.lists(st.sampled_from(TEXT_WORDS), max_size=14))
    if kind == 1:  # one word many times, among others: counts far above the rest
        words += [draw(st.sampled_from(TEXT_WORDS))] * draw(st.integers(20, 300))
        words = draw(st.permutations(words))
    body = ""
    for word in words:
        body += word + draw(st.sampled_from(SEPARATORS))
    return body


query_items = st.one_of(
    st.sampled_from(QUERY_WORDS),
    st.sampled_from(PREFIXES).map(lambda p: p + "*"),
    st.lists(st.sampled_from(QUERY_WORDS), min_size=2, max_size=3).map(
        lambda words: '"' + " ".join(words) + '"'
    ),
)


@st.composite
def queries(draw) -> str:
    found = draw(st.lists(query_items, min_size=1, max_size=3))
    left_out = draw(st.lists(st.tuples(st.sampled_from(["-", "NOT "]), query_items), max_size=2))
    parts = list(found)
    for how, word in left_out:
        parts.insert(draw(st.integers(1, len(parts))), how + word)
    return " ".join(parts)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    corpus=st.lists(texts(), min_size=1, max_size=25),
    asked=st.lists(queries(), min_size=1, max_size=6),
)
def test_ranking_is_fts5s_to_the_last_bit(template, scratch, corpus, asked):
    project = copy_of(template, scratch)
    try:
        add_texts(project, corpus)
        check_lists(project)
        for query in asked:
            check_ranking(project, query)
    finally:
        project.close()


@pytest.mark.parametrize(
    "query",
    [
        "police",
        "officer police",
        "police -officer",
        "pol*",
        "police police",
        "police NOT caf*",
        '"the police"',
        '"police police"',  # overlapping: "police police police" holds it twice
        '"the police officer" -cafe',
        'police -"the police"',
        "policeman-the-police",
    ],
)
def test_the_same_corpus_ranks_the_same_through_limits_and_ties(template, scratch, query):
    """Identical excerpts tie on score: the limit cuts through the tie by id, as FTS5 does."""
    project = copy_of(template, scratch)
    try:
        add_texts(project, ["the police officer came"] * 12 + ["police police"] * 7)
        add_texts(project, ["police police police, the police"] * 4)
        add_texts(project, ["a policeman, the police, a café"] * 5 + ["nothing here"] * 3)
        with project.session() as s:
            everything = fts5_ranked(s, query, 100)
            assert len({score for _, score in everything}) < len(everything)  # there are ties
            for limit in range(0, len(everything) + 2):
                assert search_postings.rank(s, parse(query), limit) == everything[:limit], limit
    finally:
        project.close()


def test_counts_above_65535_are_kept_in_four_bytes(template, scratch):
    project = copy_of(template, scratch)
    try:
        add_texts(
            project,
            [
                "police " * 70_000 + "officer",
                "police officer " * 3,
                "fine " * 40_000 + "fined " * 30_000,  # a prefix's counts add up past 65535
                "fine fined fines",
            ],
        )
        check_lists(project)
        with raw(project) as connection:
            ids, tfs = connection.execute(
                "SELECT ids, tfs FROM search_postings WHERE term = 'police'"
            ).fetchone()
        connection.close()
        assert np.frombuffer(tfs, "<u4").tolist() == [70_000, 3]
        for query in ("police", "officer police", "fin*", "fine", "fin* -fines", "police -x"):
            check_ranking(project, query)
    finally:
        project.close()


def test_excerpt_ids_far_apart(template, scratch):
    """Ids beyond a million: a prefix's lists are merged by sorting, not counted by id."""
    project = copy_of(template, scratch)
    try:
        add_texts(
            project,
            ["fine " * 40_000 + "fined " * 30_000, "fine fined", "fines and fine", "the fine"],
            ids=[3_000_000, 5, 2_500_000, 1_999_999],
        )
        check_lists(project)
        for query in ("fin*", "fin* the", "fine -fines", "fin* -fined", "f* fine"):
            check_ranking(project, query)
    finally:
        project.close()


def test_an_empty_project_and_words_nowhere(template, scratch):
    project = copy_of(template, scratch)
    try:
        with project.write_session() as s, s.begin():
            pass
        with project.session() as s:
            assert search_postings.rank(s, parse("police"), 20) == []
            assert fts5_ranked(s, "police", 20) == []
        add_texts(project, ["...", ""])
        with project.session() as s:
            for query in ("police", "p*", "police -court"):
                assert search_postings.rank(s, parse(query), 20) == []
                assert fts5_ranked(s, query, 20) == []
        check_lists(project)
    finally:
        project.close()


def test_a_negative_limit_means_no_limit_as_in_sqlite(template, scratch):
    project = copy_of(template, scratch)
    try:
        add_texts(project, ["police"] * 3 + ["police officer"] * 2)
        with project.session() as s:
            everything = fts5_ranked(s, "police", -1)
            assert len(everything) == 5
            assert search_postings.rank(s, parse("police"), -1) == everything
            assert [h.excerpt_id for h in search_excerpts(s, "police", -1)] == [
                i for i, _ in everything
            ]
    finally:
        project.close()


# --- 2. maintenance ----------------------------------------------------------------------------

MAINTENANCE_QUERIES = ("police", "caf*", "fine -fines", "the police", "a1 x*", "pol* NOT officer")

edits = st.one_of(
    st.tuples(st.just("insert"), texts()),
    st.tuples(st.just("update"), st.integers(0, 60), texts()),
    st.tuples(st.just("update_twice"), st.integers(0, 60), texts(), texts()),
    st.tuples(st.just("delete"), st.integers(0, 60)),
    st.tuples(st.just("delete_reinsert"), st.integers(0, 60), texts()),
)
transactions = st.tuples(st.booleans(), st.lists(edits, min_size=1, max_size=6))


def live_excerpts(project: Project) -> list[tuple[int, int]]:
    """(id, position) of every excerpt, by id."""
    with raw(project) as connection:
        rows = connection.execute("SELECT id, position FROM excerpts ORDER BY id").fetchall()
    connection.close()
    return rows


def edit_through_the_orm(project: Project, edits_: list[tuple]) -> None:
    """One project transaction; the last edits are left unflushed for the commit to flush."""
    live = live_excerpts(project)
    gone: set[int] = set()
    with project.write_session() as s, s.begin():
        interview_id = s.query(Interview).one().id
        position = max((p for _, p in live), default=0)
        for kind, *args in edits_:
            if kind == "insert":
                position += 1
                s.add(Excerpt(interview_id=interview_id, position=position, text=args[0]))
                continue
            if not live or live[args[0] % len(live)][0] in gone:
                continue
            excerpt_id, at = live[args[0] % len(live)]
            excerpt = s.get(Excerpt, excerpt_id)
            if kind == "update":
                excerpt.text = args[1]
            elif kind == "update_twice":  # two UPDATE statements in the one transaction
                excerpt.text = args[1]
                s.flush()
                excerpt.text = args[2]
            elif kind == "delete":
                s.delete(excerpt)
                gone.add(excerpt_id)
            else:  # the same id and place, a new text: deleted, then inserted again
                s.delete(excerpt)
                s.flush()
                s.add(Excerpt(id=excerpt_id, interview_id=interview_id, position=at, text=args[1]))
                s.flush()
                gone.add(excerpt_id)


def edit_behind_the_projects_back(project: Project, edits_: list[tuple]) -> None:
    """The same edits through plain sqlite3: the triggers queue them, nothing refreshes."""
    live = live_excerpts(project)
    gone: set[int] = set()
    connection = raw(project)
    connection.execute("BEGIN")
    interview_id = connection.execute("SELECT id FROM interviews").fetchone()[0]
    position = max((p for _, p in live), default=0)
    insert = (
        "INSERT INTO excerpts (id, interview_id, position, text, word_count, pseudonyms)"
        " VALUES (?, ?, ?, ?, 0, '[]')"
    )
    for kind, *args in edits_:
        if kind == "insert":
            position += 1
            connection.execute(insert, (None, interview_id, position, args[0]))
            continue
        if not live or live[args[0] % len(live)][0] in gone:
            continue
        excerpt_id, at = live[args[0] % len(live)]
        if kind in ("update", "update_twice"):
            for body in args[1:]:
                connection.execute("UPDATE excerpts SET text = ? WHERE id = ?", (body, excerpt_id))
        else:
            connection.execute("DELETE FROM excerpts WHERE id = ?", (excerpt_id,))
            gone.add(excerpt_id)
            if kind == "delete_reinsert":
                connection.execute(insert, (excerpt_id, interview_id, at, args[1]))
    connection.execute("COMMIT")
    connection.close()


def queued(project: Project) -> int:
    with raw(project) as connection:
        count = connection.execute("SELECT count(*) FROM search_postings_pending").fetchone()[0]
    connection.close()
    return count


def check_fallback(project: Project, query: str) -> None:
    """With excerpts queued the lists do not answer, and search gives FTS5's hits."""
    with project.session() as s:
        assert search_postings.rank(s, parse(query), 20) is None
        hits = [(h.excerpt_id, h.score) for h in search_excerpts(s, query, 20)]
        assert hits == fts5_ranked(s, query, 20)


def rebuilt(template: Path, scratch: Path, project: Project) -> Project:
    """A fresh project holding the same excerpts (ids, places, texts) in one transaction."""
    with raw(project) as connection:
        rows = connection.execute("SELECT id, position, text FROM excerpts ORDER BY id").fetchall()
    connection.close()
    fresh = copy_of(template, scratch)
    with fresh.write_session() as s, s.begin():
        interview_id = s.query(Interview).one().id
        s.add_all(
            Excerpt(id=i, interview_id=interview_id, position=p, text=body) for i, p, body in rows
        )
    return fresh


def stored_bytes(project: Project) -> tuple[list, bytes]:
    with raw(project) as connection:
        lists = connection.execute(
            "SELECT term, block, ids, tfs FROM search_postings ORDER BY term, block"
        ).fetchall()
        lengths = stored_lengths(connection)
    connection.close()
    return lists, np.trim_zeros(lengths, "b").tobytes()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    start=st.lists(texts(), max_size=12),
    history=st.lists(transactions, min_size=1, max_size=6),
    query=queries(),
)
def test_the_lists_follow_every_edit(template, scratch, start, history, query):
    project = copy_of(template, scratch)
    fresh = None
    try:
        if start:
            add_texts(project, start)
        for behind_the_back, edits_ in history:
            if behind_the_back:
                edit_behind_the_projects_back(project, edits_)
                if queued(project):
                    check_fallback(project, query)
                continue
            edit_through_the_orm(project, edits_)
            check_lists(project)
            for asked in (*MAINTENANCE_QUERIES, query):
                check_ranking(project, asked, limits=(1, 3, 500))
        with project.write_session() as s, s.begin():
            pass  # the next commit, whatever it writes, brings the lists up to date
        check_lists(project)
        fresh = rebuilt(template, scratch, project)
        assert stored_bytes(project) == stored_bytes(fresh)
        for asked in (*MAINTENANCE_QUERIES, query):
            check_ranking(project, asked, limits=(1, 3, 500))
    finally:
        project.close()
        if fresh is not None:
            fresh.close()


def test_updates_deletes_and_a_reused_id_in_one_transaction(template, scratch):
    project = copy_of(template, scratch)
    try:
        ids = add_texts(
            project,
            ["the police came", "a café, the officer", "fine fines", "police police", "x"],
        )
        with project.write_session() as s, s.begin():
            first = s.get(Excerpt, ids[0])
            first.text = "the court fined him"
            s.flush()
            first.text = "the officer fined the police twice"  # the lists never held the middle
            s.delete(s.get(Excerpt, ids[1]))
            reused = s.get(Excerpt, ids[3])
            position = reused.position
            s.delete(reused)
            s.flush()
            s.add(
                Excerpt(id=ids[3], interview_id=reused.interview_id, position=position, text="Café")
            )
            s.get(Excerpt, ids[4]).text = "police " * 66_000  # from two bytes a count to four
        check_lists(project)
        with project.session() as s:
            assert [i for i, _ in search_postings.rank(s, parse("police"), 20)] == [ids[4], ids[0]]
            assert [i for i, _ in search_postings.rank(s, parse("cafe"), 20)] == [ids[3]]
            assert search_postings.rank(s, parse("court"), 20) == []
        for query in ("police", "caf*", "fine*", "the", "officer -x"):
            check_ranking(project, query)
        with project.write_session() as s, s.begin():  # deleted for good: out of every list
            s.delete(s.get(Excerpt, ids[4]))
            s.delete(s.get(Excerpt, ids[0]))
        check_lists(project)
        with project.session() as s:
            assert search_postings.rank(s, parse("police"), 20) == []
        check_ranking(project, "caf*")
    finally:
        project.close()


# --- 3. falling back to FTS5 -------------------------------------------------------------------


def test_a_queue_left_by_another_writer_falls_back_until_the_next_commit(template, scratch):
    project = copy_of(template, scratch)
    try:
        ids = add_texts(project, ["the police came", "the officer", "police officer"])
        check_ranking(project, "police")
        connection = raw(project)
        connection.execute("UPDATE excerpts SET text = 'police police' WHERE id = ?", (ids[1],))
        connection.close()
        assert queued(project) == 1
        check_fallback(project, "police")
        with project.session() as s:  # the FTS5 path sees the new text already
            assert {h.excerpt_id for h in search_excerpts(s, "police")} == set(ids)
            s.commit()  # a read-only session's commit runs the hook too
        assert queued(project) == 0
        check_lists(project)
        check_ranking(project, "police")
    finally:
        project.close()


def test_a_transaction_searching_its_own_edits_is_answered_by_fts5(template, scratch):
    project = copy_of(template, scratch)
    try:
        ids = add_texts(project, ["the police came", "the officer"])
        with project.write_session() as s, s.begin():
            s.get(Excerpt, ids[1]).text = "police officer police"
            s.flush()
            assert search_postings.rank(s, parse("police"), 20) is None  # queued, not refreshed
            hits = [(h.excerpt_id, h.score) for h in search_excerpts(s, "police")]
            assert hits == fts5_ranked(s, "police", 20)
            assert hits[0][0] == ids[1]  # the uncommitted text, as FTS5 sees it
        assert queued(project) == 0
        check_lists(project)
        check_ranking(project, "police")
    finally:
        project.close()


@pytest.mark.parametrize(
    "query",
    [
        "NEAR(police officer)",
        "police NEAR/2 officer",
        "police OR court",
        "café",
        "cafe -naïve",
        "don't",
        "police -NEAR(the officer)",
        "日本",
    ],
)
def test_queries_the_lists_do_not_answer_go_to_fts5(template, scratch, query):
    project = copy_of(template, scratch)
    try:
        add_texts(
            project,
            ["the police officer", "a café", "naïve police", "don't go", "mother-in-law", "日本"],
        )
        with project.session() as s:
            assert search_postings.rank(s, parse("police"), 20) is not None  # up to date
            assert not search_postings.covered(parse(query))
            assert search_postings.rank(s, parse(query), 20) is None
            hits = [(h.excerpt_id, h.score) for h in search_excerpts(s, query, 20)]
            assert hits and hits == fts5_ranked(s, query, 20)
    finally:
        project.close()


# --- 4. migration ------------------------------------------------------------------------------


def test_a_project_from_before_the_lists_builds_them_on_its_first_commit(template, scratch):
    from alembic import command
    from sqlalchemy import create_engine

    from testimony.db.migrate import _config, current_revision

    project = copy_of(template, scratch)
    add_texts(project, ["the police came", "fine fines fined", "Café officer"])
    project.close()
    engine = create_engine(f"sqlite:///{project.root / 'project.db'}")
    command.downgrade(_config("testimony.db", engine), "0008")
    assert current_revision(engine) == "0008"
    engine.dispose()
    connection = raw(project)
    assert not connection.execute(
        "SELECT name FROM sqlite_master WHERE name LIKE 'search_postings%'"
    ).fetchall()
    interview_id = connection.execute("SELECT id FROM interviews").fetchone()[0]
    connection.executemany(
        "INSERT INTO excerpts (interview_id, position, text, word_count, pseudonyms)"
        " VALUES (?, ?, ?, 0, '[]')",
        [(interview_id, 10 + n, body) for n, body in enumerate(["police police", "a café"])],
    )
    connection.execute("UPDATE excerpts SET text = 'the court fined' WHERE position = 2")
    connection.close()

    upgraded = Project.open(project.root)
    try:
        with upgraded.session() as s:  # opening it upgrades: every excerpt queued
            assert current_revision(upgraded.engine) == "0009"
            assert search_postings.rank(s, parse("police"), 20) is None
        assert queued(upgraded) == 5
        with upgraded.write_session() as s, s.begin():
            pass
        check_lists(upgraded)
        for query in ("police", "caf*", "fine*", "the -court", "officer"):
            check_ranking(upgraded, query)
    finally:
        upgraded.close()


# --- 5. the app's search, either way -----------------------------------------------------------

APP_QUERIES = ["police", "polic*", "husband -police", "he she", "the", "protect* order", "a*"]


def test_workbench_and_command_show_the_same_hits_either_way(corpus_project, run, monkeypatch):
    from testimony.coding.workbench import Workbench

    bench = Workbench(corpus_project, "ana")  # a write: the lists are brought up to date
    answered = []
    real_rank = search_postings.rank

    def spying(session, parsed, limit):
        ranked = real_rank(session, parsed, limit)
        answered.append(ranked is not None)
        return ranked

    def shown() -> list:
        return [
            (
                [
                    (h.excerpt_id, h.score, h.snippet, h.highlights, where)
                    for h, where in bench.search(q, 25)
                ],
                run(
                    "--project", corpus_project.root, "search", q, "--json", "--limit", "25"
                ).stdout,
                run("--project", corpus_project.root, "search", q, "--limit", "25").stdout,
            )
            for q in APP_QUERIES
        ]

    monkeypatch.setattr(search_postings, "rank", spying)
    from_lists = shown()
    assert answered and all(answered)  # every query was ranked from the lists
    monkeypatch.setattr(search_postings, "rank", lambda *args: None)
    from_fts5 = shown()
    assert all(hits for hits, _json, _text in from_lists)
    assert from_lists == from_fts5
    assert json.loads(from_lists[0][1])[0]["snippet"]


@pytest.mark.parametrize("limit", ["0", "-1", "many"])
def test_the_command_refuses_a_limit_that_is_no_count(template, scratch, run, limit):
    project = copy_of(template, scratch)
    try:
        add_texts(project, ["the police came"])
        before = stored_bytes(project)
        result = run("--project", project.root, "search", "police", "--limit", limit)
        assert result.exit_code == 2
        assert "--limit" in result.stderr and "police" not in result.stdout
        assert stored_bytes(project) == before
    finally:
        project.close()
