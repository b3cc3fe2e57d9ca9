"""Kill testimony with SIGKILL at random moments, many times, and print what survived.

    python scripts/crash.py [--kills 100] [--kinds import,redact,coding,review,export] [--seed 1]

Uses the crash harness of tests/crash/ (one parent with spaCy loaded forks a
child per run and kills it after a random delay). After every kill it checks
integrity, whole interviews, acknowledged codings and the audit chain; after
each series it runs the work to the end and compares the project with an
uninterrupted run. `--kills` is per kind. Exit 1 at the first problem.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crash.scenarios import CAMPAIGNS, Bases  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=100, help="Kills per kind of work.")
    parser.add_argument("--kinds", default=",".join(CAMPAIGNS))
    parser.add_argument("--seed", default="1")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = set(kinds) - set(CAMPAIGNS)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    header = (
        f"{'work':<8} {'kills':>6} {'done first':>10} {'reruns':>7} {'acks':>6} {'s':>7}  result"
    )
    with tempfile.TemporaryDirectory(prefix="testimony-crash-") as folder:
        bases = Bases(Path(folder))
        print(header)
        failed = False
        for kind in kinds:
            started = time.monotonic()
            try:
                tally = CAMPAIGNS[kind](bases, args.kills, random.Random(f"{args.seed}-{kind}"))
                result = "ok" if not tally.problems else tally.problems[0]
            except AssertionError as problem:
                failed = True
                print(f"{kind:<8} {'-':>6}  {problem}")
                continue
            kind_, kills, first, reruns, acks = tally.row()
            seconds = time.monotonic() - started
            print(
                f"{kind_:<8} {kills:>6} {first:>10} {reruns:>7} {acks:>6} {seconds:>7.1f}  {result}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
