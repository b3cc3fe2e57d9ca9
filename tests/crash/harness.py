"""Kill a piece of work with SIGKILL at a random moment, then check what it left behind.

The parent process has imported everything (spaCy's model included) before it
forks, so each child starts working at once: a kill costs the time the child
ran, not a model load. The child reports what it has finished through a pipe
(`Ack.say`), one line per acknowledged step, written only after the step's
transaction committed; the parent reads them after the kill.

`check_project` is the list of promises a crash must not break: both
databases pass `PRAGMA integrity_check` and `foreign_key_check`, every
interview in project.db is whole and matches its vault source, every coding
lies inside its excerpt, and the audit chain verifies.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from testimony.db import audit
from testimony.project import Project
from testimony.redact.render import Replacement
from testimony.redact.rerender import _reproduces


class Ack:
    """The child's side of the pipe: one line per step that is committed."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def say(self, *words: object) -> None:
        os.write(self.fd, (" ".join(map(str, words)) + "\n").encode())


@dataclass
class Outcome:
    killed: bool  # False when the child finished before the kill
    acks: list[list[str]]
    seconds: float


class ChildFailed(AssertionError):
    """The forked work raised instead of finishing or being killed."""


def run_killed(
    work: Callable[[Ack], None], delay: float | None, from_first_ack: bool = False
) -> Outcome:
    """Fork, run work(ack) in the child, SIGKILL it after delay seconds (None: never),
    counted from the fork or, with from_first_ack, from the child's first line (so that
    a loaded machine's slow start does not eat the time the work was meant to have)."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: do the work, never return into the parent's code
        code = 0
        try:
            os.close(read_end)
            work(Ack(write_end))
        except BaseException:  # noqa: BLE001 - reported through the exit code
            traceback.print_exc()
            code = 70
        finally:
            os._exit(code)
    os.close(write_end)
    pidfd = os.pidfd_open(pid)
    data = b""
    try:
        if from_first_ack:
            ready, _, _ = select.select([read_end, pidfd], [], [], 120)
            if read_end in ready:
                data = os.read(read_end, 65536)
        ready, _, _ = select.select([pidfd], [], [], delay)
        if not ready:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(pidfd)
    seconds = time.monotonic() - started
    while chunk := os.read(read_end, 65536):
        data += chunk
    os.close(read_end)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    if not killed and os.WEXITSTATUS(status) != 0:
        raise ChildFailed(f"the work failed in the child (exit {os.WEXITSTATUS(status)})")
    acks = [line.split() for line in data.decode().splitlines() if line.strip()]
    return Outcome(killed, acks, seconds)


def copy_project(source: Path, dest: Path) -> Path:
    """A private copy of a closed project folder."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest)
    return dest


# --- what a crash must never break ------------------------------------------------------------


@dataclass
class Problems:
    found: list[str] = field(default_factory=list)

    def add(self, problem: str) -> None:
        self.found.append(problem)

    def __bool__(self) -> bool:
        return bool(self.found)


def check_project(root: Path) -> list[str]:
    """Every promise a crash must keep; the problems found (empty when all hold)."""
    problems = Problems()
    for name in ("project.db", "vault.db"):
        _check_sqlite(root / name, problems)
    if problems:
        return problems.found
    _check_interviews(root, problems)
    _check_codings(root, problems)
    project = Project.open(root)
    try:
        with project.session() as s:
            _count, broken = audit.verify(s)
        if broken is not None:
            problems.add(f"audit chain broken at entry {broken.entry_id}: {broken.reason}")
    finally:
        project.close()
    return problems.found


def _check_sqlite(path: Path, problems: Problems) -> None:
    connection = sqlite3.connect(path)
    try:
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            problems.add(f"{path.name}: integrity_check: {result[:3]}")
        orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
        if orphans:
            problems.add(f"{path.name}: {len(orphans)} rows break a foreign key: {orphans[:3]}")
    finally:
        connection.close()


def _check_interviews(root: Path, problems: Problems) -> None:
    """No interview half-imported: project and vault agree on every interview and excerpt."""
    project = sqlite3.connect(root / "project.db")
    vault = sqlite3.connect(root / "vault.db")
    try:
        interviews = dict(project.execute("SELECT vault_source_id, code FROM interviews"))
        sources = {
            sid: (status, code, needs)
            for sid, status, code, needs in vault.execute(
                "SELECT id, status, interview_code, needs_render FROM sources"
            )
        }
        for sid, code in interviews.items():
            if sid not in sources:
                problems.add(f"{code}: in project.db, but its vault source {sid} is gone")
        for sid, (status, code, _needs) in sources.items():
            if status == "done" and sid not in interviews:
                problems.add(f"{code}: done in the vault, but not in project.db")
        for sid, code in interviews.items():
            if sid not in sources:
                continue
            excerpts = project.execute(
                "SELECT position, text, pseudonyms FROM excerpts"
                " WHERE interview_id = (SELECT id FROM interviews WHERE code = ?)"
                " ORDER BY position",
                (code,),
            ).fetchall()
            segments = vault.execute(
                "SELECT position, text, replacements FROM raw_segments"
                " WHERE source_id = ? ORDER BY position",
                (sid,),
            ).fetchall()
            if [e[0] for e in excerpts] != [g[0] for g in segments]:
                problems.add(
                    f"{code}: {len(excerpts)} excerpts in project.db, "
                    f"{len(segments)} segments in the vault"
                )
                continue
            for (position, text, marks), (_p, raw, reps) in zip(excerpts, segments, strict=True):
                candidates = [[Replacement.from_list(r) for r in json.loads(reps or "[]")]]
                if marks:
                    candidates.append([Replacement.from_mark(m) for m in json.loads(marks)])
                if not any(_reproduces(raw, text, c) for c in candidates):
                    problems.add(f"{code} excerpt {position}: text matches no replacement map")
    finally:
        project.close()
        vault.close()


def _check_codings(root: Path, problems: Problems) -> None:
    project = sqlite3.connect(root / "project.db")
    try:
        for coding_id, start, end, length in project.execute(
            "SELECT c.id, c.start, c.end, length(e.text) FROM codings c"
            " JOIN excerpts e ON e.id = c.excerpt_id"
        ):
            if not 0 <= start < end <= length:
                problems.add(f"coding {coding_id}: {start}-{end} outside its excerpt ({length})")
    finally:
        project.close()


def unaudited_decisions(root: Path) -> list[int]:
    """Reviewers' decisions in the vault's log with no entry in project.db's audit log."""
    vault = sqlite3.connect(root / "vault.db")
    project = sqlite3.connect(root / "project.db")
    try:
        decided = [row[0] for row in vault.execute("SELECT id FROM decision_log")]
        logged = {
            json.loads(details or "{}").get("decision")
            for (details,) in project.execute(
                "SELECT details FROM audit_log WHERE action LIKE 'review-%'"
            )
        }
    finally:
        vault.close()
        project.close()
    return [d for d in decided if d not in logged]


# --- what a finished run leaves, to compare an interrupted-then-rerun one with -------------


def project_state(root: Path) -> dict:
    """The parts of a project a user sees: interviews, excerpt texts, codings and their quotes."""
    connection = sqlite3.connect(root / "project.db")
    try:
        interviews = connection.execute(
            "SELECT code, title, word_count FROM interviews ORDER BY code"
        ).fetchall()
        excerpts = connection.execute(
            "SELECT i.code, e.position, s.label, e.text FROM excerpts e"
            " JOIN interviews i ON i.id = e.interview_id"
            " LEFT JOIN speakers s ON s.id = e.speaker_id ORDER BY i.code, e.position"
        ).fetchall()
        codings = connection.execute(
            "SELECT i.code, e.position, c.start, c.end, t.slug, k.name,"
            " substr(e.text, c.start + 1, c.end - c.start) FROM codings c"
            " JOIN excerpts e ON e.id = c.excerpt_id JOIN interviews i ON i.id = e.interview_id"
            " JOIN themes t ON t.id = c.theme_id JOIN coders k ON k.id = c.coder_id"
            " ORDER BY 1, 2, 3, 4, 5, 6"
        ).fetchall()
        fingerprints = connection.execute("SELECT count(*) FROM identifier_fingerprints").fetchone()
    finally:
        connection.close()
    return {
        "interviews": interviews,
        "excerpts": excerpts,
        "codings": codings,
        "fingerprints": fingerprints[0],
    }
