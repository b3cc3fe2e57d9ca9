"""Several coder processes coding one project at random at once; what they were told is checked.

Each worker process is one coder with its own Workbench (as `testimony code`
would be). It applies themes to random spans of a few excerpts (so coders
collide on the same excerpts all the time) and now and then removes one of its
own codings, and writes every acknowledged action to its own log file as soon
as the call returns. Afterwards the database must hold exactly what was
acknowledged: every coding applied and not removed, each under the coder who
made it, and each coder's operation log one entry per change.

Used by tests/test_team.py and scripts/bench/concurrency.py.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text

from testimony.coding.workbench import Workbench
from testimony.db.models import Coder, Coding, Excerpt, Operation, Theme
from testimony.project import Project

REMOVE_SHARE = 0.15
MAX_SPAN = 60


def worker(root: str, coder: str, seconds: float, seed: int, log_path: str, barrier) -> None:  # noqa: ANN001
    """One coder coding at random for `seconds` after every worker is ready."""
    project = Project.open(Path(root))
    bench = Workbench(project, coder)
    with project.session() as s:
        excerpts = [
            (i, len(t)) for i, t in s.execute(select(Excerpt.id, Excerpt.text)) if len(t) > 1
        ]
        themes = list(s.scalars(select(Theme.slug)))
    rng = random.Random(seed)
    mine: list[int] = []
    barrier.wait()
    deadline = time.monotonic() + seconds
    with open(log_path, "w", encoding="utf-8") as log:
        while time.monotonic() < deadline:
            try:
                if mine and rng.random() < REMOVE_SHARE:
                    coding_id = mine.pop(rng.randrange(len(mine)))
                    bench.remove_coding(coding_id)
                    entry = {"op": "remove", "id": coding_id}
                else:
                    excerpt_id, length = rng.choice(excerpts)
                    start = rng.randrange(length - 1)
                    end = rng.randint(start + 1, min(length, start + MAX_SPAN))
                    span = bench.apply_theme(excerpt_id, start, end, rng.choice(themes))
                    new = span.id not in mine
                    if new:
                        mine.append(span.id)
                    entry = {
                        "op": "apply",
                        "id": span.id,
                        "new": new,
                        "coding": [excerpt_id, start, end, span.theme, span.coder],
                    }
            except Exception as error:  # noqa: BLE001 - counted and reported, never acknowledged
                entry = {"op": "error", "error": f"{type(error).__name__}: {error}"[:300]}
            log.write(json.dumps(entry) + "\n")
            log.flush()
    project.close()


@dataclass
class RaceResult:
    backend: str
    processes: int
    seconds: float
    attempted: int = 0
    acknowledged: int = 0
    kept: int = 0
    errors: list[str] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # acknowledged codings not in the database
    resurrected: list[int] = field(default_factory=list)  # acknowledged removals still there
    unexpected: list[int] = field(default_factory=list)  # codings nobody was told about
    misattributed: list[int] = field(default_factory=list)
    operations_off: dict[str, tuple[int, int]] = field(default_factory=dict)  # coder: (want, got)
    integrity: str = "not checked"

    @property
    def lost(self) -> int:
        return len(self.missing) + len(self.resurrected) + len(self.misattributed)


def run_race(
    project: Project, processes: int, seconds: float, logs: Path, seed: int = 7
) -> RaceResult:
    """Run `processes` coders on project for `seconds`; check the database against their logs."""
    project.close()  # the workers hold the only connections while they run
    logs.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    coders = [f"coder-{n}" for n in range(1, processes + 1)]
    workers = [
        context.Process(
            target=worker,
            args=(
                str(project.root),
                coder,
                seconds,
                seed + n,
                str(logs / f"{coder}.jsonl"),
                barrier,
            ),
        )
        for n, coder in enumerate(coders)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=seconds + 300)
        if process.is_alive():
            process.kill()
    return check_race(project, coders, logs, seconds)


def check_race(project: Project, coders: list[str], logs: Path, seconds: float) -> RaceResult:
    result = RaceResult(project.engine.dialect.name, len(coders), seconds)
    expected: dict[int, tuple] = {}
    removed: set[int] = set()
    changes: dict[str, int] = {}
    for coder in coders:
        changes[coder] = 0
        path = logs / f"{coder}.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        for line in lines:
            entry = json.loads(line)
            result.attempted += 1
            if entry["op"] == "error":
                result.errors.append(f"{coder}: {entry['error']}")
                continue
            result.acknowledged += 1
            if entry["op"] == "apply":
                expected[entry["id"]] = tuple(entry["coding"])
                removed.discard(entry["id"])
                changes[coder] += entry["new"]
            else:
                expected.pop(entry["id"], None)
                removed.add(entry["id"])
                changes[coder] += 1
    with project.session() as s:
        rows = s.execute(
            select(Coding.id, Coding.excerpt_id, Coding.start, Coding.end, Theme.slug, Coder.name)
            .join(Theme, Theme.id == Coding.theme_id)
            .join(Coder, Coder.id == Coding.coder_id)
        )
        actual = {row[0]: tuple(row[1:]) for row in rows}
        operations = dict(
            s.execute(
                select(Coder.name, func.count(Operation.id))
                .join(Operation, Operation.coder_id == Coder.id)
                .group_by(Coder.name)
            ).all()
        )
        if s.get_bind().dialect.name == "sqlite":
            result.integrity = s.execute(text("PRAGMA integrity_check")).scalar()
    result.missing = sorted(set(expected) - set(actual))
    result.resurrected = sorted(removed & set(actual))
    result.unexpected = sorted(set(actual) - set(expected))
    result.misattributed = sorted(
        i for i in set(expected) & set(actual) if expected[i] != actual[i]
    )
    result.kept = result.acknowledged - result.lost
    for coder, want in changes.items():
        got = operations.get(coder, 0)
        if got != want:
            result.operations_off[coder] = (want, got)
    return result
