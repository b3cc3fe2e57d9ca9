"""Database round trips per coding action, per backend: what a coder's click costs the server.

    python scripts/bench/round_trips.py [--actions 200] [--backends sqlite,postgresql]

One coder applies a theme and removes the coding again, ACTIONS times, on a
fresh project (the shipped codebook, one interview). Counted per action:
SQL statements, transaction ends, connection pings, and on PostgreSQL the
round trips they make (each statement, the BEGIN psycopg sends before the
first, the COMMIT, each ping). Wall and CPU milliseconds per action are shown
too. The baseline is SQLite in the same run (no server, so no round trips): on
a shared machine, each round trip costs a wake-up of two processes, which is
why a team of coders on PostgreSQL is slower in total than one on a loaded
machine. Run it with PYTHONPATH=OTHER_CHECKOUT/src to measure another version.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from sqlalchemy import event  # noqa: E402
from tests.coding_helpers import add_interview  # noqa: E402
from tests.pg_cluster import PostgresUnavailable, start_cluster, unique_name  # noqa: E402

from testimony.codebook import load_codebook  # noqa: E402
from testimony.coding.themes import import_codebook  # noqa: E402
from testimony.coding.workbench import Workbench  # noqa: E402
from testimony.project import init_project  # noqa: E402

CODEBOOK = REPO / "codebooks" / "domestic-violence.yaml"


def measure(folder: Path, url: str | None, actions: int) -> dict[str, float]:
    project = init_project(folder, database_url=url)
    with project.session() as s, s.begin():
        import_codebook(s, load_codebook(CODEBOOK))
    excerpt = add_interview(project)[1]
    bench = Workbench(project, "ana")
    bench.apply_theme(excerpt, 0, 3, "physical-violence")  # warm: connection, caches
    engine = project.engine
    counts = {"statements": 0, "commits": 0, "pings": 0}

    def statement(*_args: object) -> None:
        counts["statements"] += 1

    def commit(*_args: object) -> None:
        counts["commits"] += 1

    ping = engine.dialect.do_ping

    def counted_ping(connection):  # noqa: ANN001, ANN202
        counts["pings"] += 1
        return ping(connection)

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    engine.dialect.do_ping = counted_ping
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(actions // 2):
        coding = bench.apply_theme(excerpt, 0, 4 + i % 30, "physical-violence")
        bench.remove_coding(coding.id)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    engine.dialect.do_ping = ping
    project.close()
    done = 2 * (actions // 2)
    per = {k: v / done for k, v in counts.items()}
    # psycopg sends BEGIN on its own before a transaction's first statement.
    per["round trips"] = (
        per["statements"] + 2 * per["commits"] + per["pings"] if url else float("nan")
    )
    per["wall ms"], per["cpu ms"] = 1000 * wall / done, 1000 * cpu / done
    return per


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    rows = []
    cluster = None
    with tempfile.TemporaryDirectory(prefix="testimony-trips-") as tmp:
        try:
            for backend in args.backends.split(","):
                url = None
                if backend == "postgresql":
                    try:
                        cluster = cluster or start_cluster()
                    except PostgresUnavailable as error:
                        print(f"postgresql skipped: {error}", file=sys.stderr)
                        continue
                    url = cluster.create_database(unique_name("trips"))
                rows.append((backend, measure(Path(tmp) / backend, url, args.actions)))
        finally:
            if cluster is not None:
                cluster.stop()
    base = rows[0][1]["wall ms"] if rows else 1.0
    columns = ["statements", "commits", "pings", "round trips", "wall ms", "cpu ms"]
    print(f"{'backend':<11}" + "".join(f"{c:>13}" for c in columns) + f"{'vs ' + rows[0][0]:>13}")
    for backend, per in rows:
        cells = "".join(f"{per[c]:>13.2f}" for c in columns)
        print(f"{backend:<11}{cells}{per['wall ms'] / base:>12.2f}x")
    print("per coding action (apply a theme, remove a coding: the mean of both)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
