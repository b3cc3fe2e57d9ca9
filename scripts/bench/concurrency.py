"""Coders at once on one project: writes attempted, acknowledged and kept, per backend.

    python scripts/bench/concurrency.py [--seconds 30] [--processes 4]
        [--backends sqlite,postgresql]

For each backend a fresh project (the shipped codebook, two short interviews)
is coded at random by PROCESSES coder processes for SECONDS (the harness of
tests/coding_race.py: apply a theme to a random span, now and then remove one
of one's own codings, log every acknowledged action). Then the database is
checked against the logs. The baseline is one coder alone on the same
backend in the same run, so the ratio shows what sharing the database costs
each coder. PostgreSQL is the server of $TESTIMONY_TEST_PG_URL, or a
throwaway cluster made with the local server binaries (tests/pg_cluster.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.coding_helpers import add_interview  # noqa: E402
from tests.coding_race import RaceResult, run_race  # noqa: E402
from tests.pg_cluster import PostgresUnavailable, start_cluster, unique_name  # noqa: E402

from testimony.codebook import load_codebook  # noqa: E402
from testimony.coding.themes import import_codebook  # noqa: E402
from testimony.project import init_project  # noqa: E402

CODEBOOK = REPO / "codebooks" / "domestic-violence.yaml"


def race(folder: Path, url: str | None, processes: int, seconds: float) -> RaceResult:
    project = init_project(folder, database_url=url)
    with project.session() as s, s.begin():
        import_codebook(s, load_codebook(CODEBOOK))
    add_interview(project)
    add_interview(project, "INT-002")
    try:
        return run_race(project, processes, seconds, folder.parent / f"{folder.name}-acks")
    finally:
        project.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()

    rows: list[tuple[RaceResult, float]] = []
    cluster = None
    with tempfile.TemporaryDirectory(prefix="testimony-race-") as tmp:
        for backend in args.backends.split(","):
            if backend == "postgresql":
                try:
                    cluster = cluster or start_cluster()
                except PostgresUnavailable as error:
                    print(f"postgresql skipped: {error}", file=sys.stderr)
                    continue

            def url_for(server=cluster if backend == "postgresql" else None) -> str | None:  # noqa: ANN001
                return server.create_database(unique_name("race")) if server else None

            print(
                f"{backend}: 1 coder, then {args.processes}, {args.seconds:g} s each…",
                file=sys.stderr,
            )
            alone = race(Path(tmp) / f"{backend}-1", url_for(), 1, args.seconds)
            team = race(
                Path(tmp) / f"{backend}-{args.processes}", url_for(), args.processes, args.seconds
            )
            base = alone.acknowledged / alone.seconds
            rows += [
                (alone, 1.0),
                (team, (team.acknowledged / team.seconds) / base if base else 0.0),
            ]
    if cluster is not None:
        cluster.stop()

    print(
        f"{'backend':<11} {'coders':>6} {'seconds':>7} {'attempted':>9} {'acked':>7} {'kept':>7} "
        f"{'lost':>5} {'errors':>6} {'acked/s':>8} {'vs 1 coder':>10}  integrity"
    )
    failed = False
    for result, ratio in rows:
        lost = result.lost + len(result.unexpected)
        failed |= bool(lost or result.errors or result.operations_off)
        print(
            f"{result.backend:<11} {result.processes:>6} {result.seconds:>7g} "
            f"{result.attempted:>9} "
            f"{result.acknowledged:>7} {result.kept:>7} {lost:>5} {len(result.errors):>6} "
            f"{result.acknowledged / result.seconds:>8.1f} {ratio:>9.2f}x  {result.integrity}"
        )
        for error in result.errors[:5]:
            print(f"  error: {error}")
    print(
        "kept: acknowledged writes found in the database afterwards; lost: acknowledged codings "
        "missing, removals undone, misattributed, or codings nobody was told about."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
