"""The search service on a big and a small project, on SQLite and PostgreSQL: first page times.

    python scripts/make_corpus.py project /tmp/big --excerpts 100000 --codings 1000
    python scripts/make_corpus.py project /tmp/small --excerpts 100
    python scripts/bench/search.py /tmp/big /tmp/small [--runs 7] \
        [--backends sqlite,sqlite-fts5,postgresql]

Each query is asked for the first page (20 hits, what the search screen shows
first) and for every hit (what autocode reads), RUNS times after one warm-up;
the table shows medians in ms, the small project's time as the baseline in the
same run, and the limit of 100 ms for a first page on 100,000 excerpts. For
PostgreSQL the interviews and excerpts of each project are copied into a fresh
database on the server of $TESTIMONY_TEST_PG_URL, or on a throwaway cluster
made with the local server binaries (tests/pg_cluster.py), then ANALYZEd.
sqlite-fts5 is SQLite ranking every hit with FTS5's bm25, as it did before the
posting lists (coding/search_postings.py) ranked words and prefixes: the
baseline for them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from sqlalchemy import MetaData, insert, select, text  # noqa: E402
from tests.pg_cluster import PostgresUnavailable, start_cluster, unique_name  # noqa: E402

from testimony.coding import search_postings  # noqa: E402
from testimony.coding.search import backend_for, search_excerpts  # noqa: E402
from testimony.project import Project, init_project  # noqa: E402

FIRST_PAGE = 20
LIMIT_MS = 100
QUERIES = [
    "police fine*",  # the query of scripts/bench/tui.py: the baseline without NEAR
    "police",  # a word in a fifth of the excerpts
    "police th*",  # th* stands for 9 words in three quarters of the excerpts
    "NEAR(police fine*, 5)",  # thousands of excerpts hold both words, none near: the worst case
    "NEAR(police inspector, 3)",  # a common pair, near in most excerpts holding both
    "police NEAR/20 wounds",
    "NEAR(police husband)",
    'NEAR("the police" help*, 8) OR court',
]
COPIED = ("interviews", "speakers", "excerpts")
RANK = search_postings.rank  # sqlite-fts5 swaps it for one that answers nothing


def copy_to_postgres(source: Project, folder: Path, url: str) -> Project:
    """A project on the server with the source's interviews and excerpts (all search needs)."""
    target = init_project(folder, database_url=url)
    tables = MetaData()
    tables.reflect(source.engine, only=COPIED)
    with source.engine.connect() as read, target.engine.begin() as write:
        for name in COPIED:
            rows = [dict(r) for r in read.execute(select(tables.tables[name])).mappings()]
            for at in range(0, len(rows), 5000):
                write.execute(insert(tables.tables[name]), rows[at : at + 5000])
    with target.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE"))
    return target


def median_ms(project: Project, query: str, limit: int | None, runs: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(runs + 1):  # the first is a warm-up
        with project.session() as s:
            started = time.perf_counter()
            if limit is None:
                found = len(backend_for(s).matching_ids(s, query))
            else:
                found = len(search_excerpts(s, query, limit))
            times.append(time.perf_counter() - started)
    return statistics.median(times[1:]) * 1000, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("big", type=Path)
    parser.add_argument("small", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--backends", default="sqlite,sqlite-fts5,postgresql")
    args = parser.parse_args()

    rows = []
    cluster = None
    with tempfile.TemporaryDirectory(prefix="testimony-search-") as tmp:
        for backend in args.backends.split(","):
            projects = [Project.open(args.big), Project.open(args.small)]
            search_postings.rank = RANK if backend != "sqlite-fts5" else lambda *_a: None
            if backend == "postgresql":
                try:
                    cluster = cluster or start_cluster()
                except PostgresUnavailable as error:
                    print(f"postgresql skipped: {error}", file=sys.stderr)
                    continue
                copies = []
                for name, project in zip(("big", "small"), projects, strict=True):
                    started = time.perf_counter()
                    url = cluster.create_database(unique_name("bench"))
                    copies.append(copy_to_postgres(project, Path(tmp) / name, url))
                    print(f"copied {name} to PostgreSQL in {time.perf_counter() - started:.0f} s")
                    project.close()
                projects = copies
            for query in QUERIES:
                for label, limit in (("first page", FIRST_PAGE), ("every hit", None)):
                    big_ms, big_found = median_ms(projects[0], query, limit, args.runs)
                    small_ms, _ = median_ms(projects[1], query, limit, args.runs)
                    rows.append((backend, query, label, big_found, big_ms, small_ms))
            for project in projects:
                project.close()
    if cluster is not None:
        cluster.stop()

    print(f"\nmedian of {args.runs} runs, ms; big = {args.big}, small = {args.small}\n")
    print("| backend | query | asked | hits (big) | big | small | ratio | limit |")
    print("|---|---|---|---|---|---|---|---|")
    for backend, query, label, found, big_ms, small_ms in rows:
        limit = f"{LIMIT_MS}" if label == "first page" else ""
        print(
            f"| {backend} | `{query}` | {label} | {found:,} | {big_ms:.1f} | {small_ms:.1f} "
            f"| {big_ms / small_ms:.2f} | {limit} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
