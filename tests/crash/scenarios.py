"""The operations the crash harness kills, and the campaigns that kill them many times.

Each campaign kills one kind of work at random moments and checks, after every
kill, what `harness.check_project` promises; then it runs the interrupted work
again to the end and compares the project with one where the work was never
interrupted. Used by tests/crash/test_crash.py (CI-sized) and scripts/crash.py
(as many kills as asked, with a table).
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.crash.harness import (
    Ack,
    check_project,
    copy_project,
    project_state,
    run_killed,
    unaudited_decisions,
)

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
CODEBOOK = REPO / "codebooks" / "domestic-violence.yaml"
FILES = [
    CORPUS / "int01-aigerim.txt",
    CORPUS / "int08-svetlana.vtt",
    CORPUS / "int03-zhanar-lawyer.md",
]
THEMES = ["police-response", "physical-violence", "help-seeking-resistance"]


@dataclass
class Tally:
    """What a campaign did: kills, runs that finished before their kill, reruns compared."""

    kind: str
    kills: int = 0
    finished_first: int = 0
    reruns: int = 0
    acknowledged: int = 0
    problems: list[str] = field(default_factory=list)

    def row(self) -> tuple:
        return (self.kind, self.kills, self.finished_first, self.reruns, self.acknowledged)


class Bases:
    """Closed project folders every campaign starts from, made once in the parent."""

    def __init__(self, workdir: Path) -> None:
        from testimony.codebook import load_codebook
        from testimony.coding.themes import import_codebook
        from testimony.coding.workbench import Workbench
        from testimony.project import init_project
        from testimony.redact.importer import import_files
        from testimony.redact.nlp import load_nlp

        load_nlp()  # once, here: every forked child inherits the loaded model
        self.workdir = workdir
        self.empty = workdir / "base-empty"
        project = init_project(self.empty)
        with project.session() as s, s.begin():
            import_codebook(s, load_codebook(CODEBOOK))
        project.close()
        self.imported = copy_project(self.empty, workdir / "base-imported")
        project = _open(self.imported)
        report = import_files(project, FILES)
        assert not report.failed, [r.reason for r in report.failed]
        bench = Workbench(project, "ana")
        for excerpt_id, start, end in _spans_with_pseudonyms(project, 40):
            bench.apply_theme(excerpt_id, start, end, THEMES[excerpt_id % len(THEMES)])
        self.proposals = _proposals(project)
        project.close()


def _open(root: Path):  # noqa: ANN202
    from testimony.project import Project

    return Project.open(root)


def _spans_with_pseudonyms(project, count: int) -> list[tuple[int, int, int]]:  # noqa: ANN001
    """Codings that hold a pseudonym and words around it, so a re-render must move them."""
    from sqlalchemy import select

    from testimony.db.models import Excerpt

    spans = []
    with project.session() as s:
        for excerpt in s.scalars(select(Excerpt).order_by(Excerpt.id)):
            for mark in excerpt.pseudonyms or []:
                start, end = max(0, mark[0] - 12), min(len(excerpt.text), mark[1] + 12)
                spans.append((excerpt.id, start, end))
                break
            if len(spans) == count:
                break
    return spans


def _proposals(project) -> dict[str, list[int]]:  # noqa: ANN001
    from testimony.redact import review

    by_label: dict[str, list[int]] = {}
    for proposal in review.list_proposals(project):
        by_label.setdefault(proposal.label, []).append(proposal.id)
    return by_label


# --- the work each child does --------------------------------------------------------------


def import_work(root: Path) -> Callable[[Ack], None]:
    def work(ack: Ack) -> None:
        from testimony.redact.importer import import_files

        # One `testimony import FILE` per file, as a user adds transcripts over time. (One
        # command for all three redacts the third differently: finds of the first two are
        # taught to the pipeline only when the next command starts; see the report.)
        project = _open(root)
        for path in FILES:
            report = import_files(project, [path])
            assert not report.failed, [r.reason for r in report.failed]
            ack.say("imported", path.name)

    return work


def redact_work(root: Path) -> Callable[[Ack], None]:
    def work(ack: Ack) -> None:
        from testimony.redact.rerun import rerun_detection

        rerun_detection(_open(root))
        ack.say("redacted")

    return work


def decision_work(root: Path, decision: tuple) -> Callable[[Ack], None]:
    def work(ack: Ack) -> None:
        apply_decision(root, decision)
        ack.say("decided", decision[0])

    return work


def apply_decision(root: Path, decision: tuple) -> None:
    """One reviewer decision, as `testimony review ...` makes it."""
    from testimony.redact import review

    project = _open(root)
    try:
        verb, *args = decision
        if verb == "accept":
            review.accept(project, args, actor="rev")
        elif verb == "reject":
            review.reject(project, args, actor="rev")
        elif verb == "retype":
            review.retype(project, args[0], args[1], actor="rev")
        elif verb == "merge":
            review.merge(project, args, actor="rev")
        elif verb == "add":
            review.add(project, args[0], args[1], actor="rev")
    finally:
        project.close()


def export_work(root: Path, output: Path, fmt: str) -> Callable[[Ack], None]:
    def work(ack: Ack) -> None:
        from testimony.export.service import ExportOptions, export

        export(_open(root), ExportOptions(fmt=fmt), output)
        ack.say("exported", output.name)

    return work


def coding_work(root: Path, seed: int) -> Callable[[Ack], None]:
    """A coder applying themes, undoing and removing at random, as the TUI's services do.

    Before each step the child says `begin VERB ID`, after its commit `done VERB ID`,
    so the parent knows what was acknowledged and what was in flight at the kill.
    """

    def work(ack: Ack) -> None:
        from sqlalchemy import select

        from testimony.coding.workbench import Workbench
        from testimony.db.models import Coding, Excerpt

        rng = random.Random(seed)
        project = _open(root)
        with project.session() as s:
            excerpts = [(e.id, len(e.text)) for e in s.scalars(select(Excerpt))]
        with project.session() as s:
            known = set(s.scalars(select(Coding.id)))
        bench = Workbench(project, "kim")
        ack.say("ready", "-", 0)
        mine: list[int] = []
        just_applied = False  # undo only right after an apply, so its target is known
        while True:
            roll = rng.random()
            if just_applied and roll < 0.2:
                target = mine[-1]
                ack.say("begin undo", target)
                bench.undo()  # the last action is this apply: it takes the coding away
                mine.pop()
                known.discard(target)  # its id may be given again
                ack.say("done undo", target)
                ack.say("begin redo", target)
                bench.redo()
                mine.append(target)
                known.add(target)
                ack.say("done redo", target)
            elif mine and roll < 0.3:
                just_applied = False
                target = mine.pop(rng.randrange(len(mine)))
                ack.say("begin remove", target)
                bench.remove_coding(target)
                known.discard(target)
                ack.say("done remove", target)
            else:
                excerpt_id, length = rng.choice(excerpts)
                start = rng.randrange(0, max(1, length - 1))
                end = min(length, start + rng.randint(1, 60))
                ack.say("begin apply", excerpt_id)
                coding = bench.apply_theme(excerpt_id, start, end, rng.choice(THEMES))
                just_applied = coding.id not in known
                if not just_applied:  # the same span and theme again: one coding, no action
                    ack.say("done same", coding.id)
                    continue
                known.add(coding.id)
                mine.append(coding.id)
                ack.say("done apply", coding.id)

    return work


# --- campaigns -----------------------------------------------------------------------------


def _assert_sound(root: Path, tally: Tally, when: str) -> None:
    problems = check_project(root)
    if problems:
        tally.problems.extend(f"{tally.kind} {when}: {p}" for p in problems)
        raise AssertionError(f"{tally.kind} {when}: " + "; ".join(problems[:5]))


def _kill_then_finish(
    tally: Tally,
    rng: random.Random,
    root: Path,
    work: Callable[[], Callable[[Ack], None]],
    seconds: float,
    expected: dict,
    kills_in_a_row: int,
) -> None:
    """Kill the work up to kills_in_a_row times, each at a random moment, checking after
    each; then run it to the end and compare with the uninterrupted result."""
    for attempt in range(kills_in_a_row):
        outcome = run_killed(work(), rng.uniform(0, seconds))
        if not outcome.killed:
            tally.finished_first += 1
            break
        tally.kills += 1
        _assert_sound(root, tally, f"after kill {tally.kills} (attempt {attempt + 1})")
    run_killed(work(), None)
    tally.reruns += 1
    _assert_sound(root, tally, "after the rerun")
    missing = unaudited_decisions(root)
    if missing:
        tally.problems.append(f"{tally.kind}: decisions {missing} are not in the audit log")
        raise AssertionError(tally.problems[-1])
    difference = state_difference(project_state(root), expected)
    if difference:
        tally.problems.append(
            f"{tally.kind}: the rerun's result differs from an uninterrupted run: {difference}"
        )
        raise AssertionError(tally.problems[-1])


def state_difference(found: dict, expected: dict) -> str:
    """Where two project states differ, briefly ('' when they are equal)."""
    for key, rows in expected.items():
        if found[key] != rows:
            if not isinstance(rows, list):
                return f"{key}: {found[key]} instead of {rows}"
            extra = [r for r in found[key] if r not in rows][:2]
            missing = [r for r in rows if r not in found[key]][:2]
            return f"{key}: {len(extra)}+ unexpected {extra}, {len(missing)}+ missing {missing}"
    return ""


def _reference(base: Path, dest: Path, work: Callable[[Path], Callable[[Ack], None]]):  # noqa: ANN202
    """The uninterrupted result, and how long the work took."""
    root = copy_project(base, dest)
    outcome = run_killed(work(root), None)
    return project_state(root), outcome.seconds


def import_campaign(bases: Bases, kills: int, rng: random.Random) -> Tally:
    tally = Tally("import")
    expected, seconds = _reference(bases.empty, bases.workdir / "import-ref", import_work)
    root = bases.workdir / "import"
    while tally.kills < kills:
        copy_project(bases.empty, root)
        _kill_then_finish(tally, rng, root, lambda: import_work(root), seconds, expected, 3)
    return tally


def redact_campaign(bases: Bases, kills: int, rng: random.Random) -> Tally:
    """`testimony redact` after PERSON's strategy changed: every name is written anew,
    so every excerpt with one is re-rendered and its codings moved."""
    tally = Tally("redact")
    changed = copy_project(bases.imported, bases.workdir / "redact-base")
    settings = changed / "testimony.yaml"
    text = settings.read_text()
    settings.write_text(text.replace("PERSON: realistic", "PERSON: tag", 1))
    expected, seconds = _reference(changed, bases.workdir / "redact-ref", redact_work)
    root = bases.workdir / "redact"
    while tally.kills < kills:
        copy_project(changed, root)
        _kill_then_finish(tally, rng, root, lambda: redact_work(root), seconds, expected, 3)
    return tally


def review_decisions(bases: Bases) -> list[tuple]:
    people = bases.proposals.get("PERSON", [])
    places = bases.proposals.get("GPE", []) or bases.proposals.get("LOC", [])
    return [
        ("accept", people[0]),
        ("reject", people[1]),
        ("retype", people[2], "ORG"),
        ("merge", people[3], people[4]),
        ("add", "neighbour", "PERSON"),
        ("accept", places[0]),
    ]


def review_campaign(bases: Bases, kills: int, rng: random.Random) -> Tally:
    tally = Tally("review")
    decisions = review_decisions(bases)
    references = []
    for index, decision in enumerate(decisions):
        references.append(
            _reference(
                bases.imported,
                bases.workdir / f"review-ref-{index}",
                lambda root, d=decision: decision_work(root, d),
            )
        )
    root = bases.workdir / "review"
    index = 0
    while tally.kills < kills:
        decision = decisions[index % len(decisions)]
        expected, seconds = references[index % len(decisions)]
        index += 1
        copy_project(bases.imported, root)
        _kill_then_finish(
            tally, rng, root, lambda d=decision: decision_work(root, d), seconds, expected, 1
        )
    return tally


def export_campaign(bases: Bases, kills: int, rng: random.Random) -> Tally:
    """An export killed at any moment leaves no half-written report under its name."""
    tally = Tally("export")
    root = copy_project(bases.imported, bases.workdir / "export")
    for fmt in ("md", "docx"):
        reference = bases.workdir / f"reference.{fmt}"
        seconds = run_killed(export_work(root, reference, fmt), None).seconds
        if fmt == "md":
            expected_md = _undated(reference)
    output_dir = bases.workdir / "exports"
    while tally.kills < kills:
        shutil.rmtree(output_dir, ignore_errors=True)
        output_dir.mkdir()
        fmt = rng.choice(("md", "docx"))
        output = output_dir / f"report.{fmt}"
        outcome = run_killed(export_work(root, output, fmt), rng.uniform(0, seconds))
        if not outcome.killed:
            tally.finished_first += 1
            continue
        tally.kills += 1
        _assert_sound(root, tally, f"after kill {tally.kills}")
        if output.exists() and fmt == "md" and _undated(output) != expected_md:
            tally.problems.append("export: a killed export left a partial report")
            raise AssertionError(tally.problems[-1])
        if output.exists() and fmt == "docx":
            _assert_whole_docx(output, tally)
        run_killed(export_work(root, output, fmt), None)
        tally.reruns += 1
        if any(output_dir.glob(f".{output.name}.*.part")):  # the killed export's, if any
            tally.problems.append("export: the rerun left the killed export's temporary file")
            raise AssertionError(tally.problems[-1])
        if fmt == "md" and _undated(output) != expected_md:
            tally.problems.append("export: the rerun's report differs")
            raise AssertionError(tally.problems[-1])
    return tally


def _undated(report: Path) -> bytes:
    """A Markdown report without its 'Exported <minute>' line, which a rerun may change."""
    return re.sub(rb"(?m)^Exported [^;]*;", b"Exported;", report.read_bytes())


def _assert_whole_docx(path: Path, tally: Tally) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as docx:
            assert docx.testzip() is None
    except (zipfile.BadZipFile, AssertionError):
        tally.problems.append("export: a killed export left a broken docx")
        raise AssertionError(tally.problems[-1]) from None


def coding_campaign(bases: Bases, kills: int, rng: random.Random) -> Tally:
    """Apply, undo, redo and remove codings; every acknowledged one survives every kill."""
    import sqlite3

    tally = Tally("coding")
    root = copy_project(bases.imported, bases.workdir / "coding")

    def kims() -> dict[int, tuple]:
        connection = sqlite3.connect(root / "project.db")
        try:
            return {
                row[0]: row[1:]
                for row in connection.execute(
                    "SELECT c.id, c.excerpt_id, c.start, c.end, c.theme_id FROM codings c"
                    " JOIN coders k ON k.id = c.coder_id WHERE k.name = 'kim'"
                )
            }
        finally:
            connection.close()

    others = project_state(root)["codings"]
    live = set(kims())
    while tally.kills < kills:
        # Half the kills count from the fork (some fall while the coder is being set up),
        # half from the coder's first line (each then has time to code under any load).
        outcome = run_killed(
            coding_work(root, rng.randrange(1 << 30)),
            rng.uniform(0.02, 0.4),
            from_first_ack=rng.random() < 0.5,
        )
        assert outcome.killed, "the coding loop never ends by itself"
        tally.kills += 1
        _assert_sound(root, tally, f"after kill {tally.kills}")
        in_flight = None
        for verb, what, coding in outcome.acks:
            if verb == "ready":
                continue
            if verb == "begin":
                in_flight = (what, int(coding))
                continue
            in_flight = None
            tally.acknowledged += 1
            if what in ("apply", "redo"):
                live.add(int(coding))
            elif what in ("undo", "remove"):
                live.discard(int(coding))
        found = set(kims())
        lost, extra = live - found, found - live
        allowed_lost = {in_flight[1]} if in_flight and in_flight[0] in ("undo", "remove") else set()
        allowed_extra = 1 if in_flight and in_flight[0] in ("apply", "redo") else 0
        if lost - allowed_lost or len(extra) > allowed_extra:
            tally.problems.append(
                f"coding: after kill {tally.kills}: {len(lost)} acknowledged codings lost, "
                f"{len(extra)} unacknowledged ones present (in flight: {in_flight})"
            )
            raise AssertionError(tally.problems[-1])
        live = found
    ana = [row for row in project_state(root)["codings"] if row[5] != "kim"]
    if ana != others:
        tally.problems.append("coding: another coder's codings changed")
        raise AssertionError(tally.problems[-1])
    return tally


CAMPAIGNS = {
    "import": import_campaign,
    "redact": redact_campaign,
    "coding": coding_campaign,
    "review": review_campaign,
    "export": export_campaign,
}
