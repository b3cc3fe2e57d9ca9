"""The search posting lists (coding/search_postings.py) against FTS5 itself.

The claim under test: for the queries the lists answer, `rank` gives exactly the
(rowid, -bm25) list of FTS5's `ORDER BY bm25, rowid LIMIT n`, to the last bit of
every score; the lists stay equal to what FTS5's own index holds through inserts,
updates, deletes and many transactions; anything else, or lists not up to date,
falls back to FTS5. Every check reads FTS5 (its vocabulary table, its docsize
table, its bm25) on real project files, never the module's own helpers.
"""

from __future__ import annotations

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


def stored_lists(connection: sqlite3.Connection) -> dict[str, list[tuple[int, int]]]:
    lists = {}
    for term, ids, tfs in connection.execute("SELECT term, ids, tfs FROM search_postings"):
        id_array = np.frombuffer(ids, dtype="<i4")
        assert len(id_array) > 0, f"an empty list is kept for {term!r}"
        assert np.all(id_array[1:] > id_array[:-1]), f"ids of {term!r} are not sorted"
        width = len(tfs) // len(id_array)
        assert width * len(id_array) == len(tfs) and width in (2, 4), term
        counts = np.frombuffer(tfs, dtype="<u2" if width == 2 else "<u4")
        # Counts take two bytes each unless one needs four.
        assert (width == 4) == (int(counts.max()) > 0xFFFF), term
        lists[term] = [(int(i), int(c)) for i, c in zip(id_array, counts, strict=True)]
    return lists


def check_lists(project: Project) -> None:
    """The stored lists and lengths are FTS5's index and docsize, term for term, id for id."""
    with raw(project) as connection:
        assert connection.execute("SELECT count(*) FROM search_postings_pending").fetchone() == (
            0,
        ), "a committed project transaction left excerpts queued"
        assert stored_lists(connection) == fts5_lists(connection)
        blob = connection.execute("SELECT lengths FROM search_postings_lengths").fetchone()[0]
        lengths = np.frombuffer(blob, dtype="<u4")
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
    st.sampled_from(QUERY_WORDS), st.sampled_from(PREFIXES).map(lambda p: p + "*")
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
    ["police", "officer police", "police -officer", "pol*", "police police", "police NOT caf*"],
)
def test_the_same_corpus_ranks_the_same_through_limits_and_ties(template, scratch, query):
    """Identical excerpts tie on score: the limit cuts through the tie by id, as FTS5 does."""
    project = copy_of(template, scratch)
    try:
        add_texts(project, ["the police officer came"] * 12 + ["police police"] * 7)
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
