"""Imports at the same moment: no two interviews get one code, on SQLite and PostgreSQL.

Real processes race: interview codes are settled inside the transaction that
writes the interviews, under a lock of the coding database, so not even two
importers that do not share a project folder (and so its writer lock) can pick
the same INT-00N; `import` and `import-qdpx` in one folder take turns.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, update

from testimony.db.models import Interview
from testimony.project import Project
from testimony.redact.importer import recover_pending
from testimony.redact.interview_codes import allocate_codes
from testimony.vault.models import Source

from .conftest import CORPUS
from .test_import_qdpx import make_qdpx

TESTIMONY = [sys.executable, "-c", "from testimony.cli import main; main()"]
ROUNDS = 15


def _allocate_and_write(root: str, worker: int, barrier, errors) -> None:  # noqa: ANN001
    """One importer's project step, ROUNDS times: two new interviews per transaction."""
    project = Project.open(Path(root))
    barrier.wait()
    try:
        for round_ in range(ROUNDS):
            with project.write_session() as s, s.begin():
                codes = allocate_codes(s, [None, None])
                for n, code in enumerate(codes):
                    s.add(
                        Interview(
                            code=code,
                            title=code,
                            source_format="txt",
                            vault_source_id=-(worker * 1000 + round_ * 10 + n + 1),
                        )
                    )
    except Exception as error:  # noqa: BLE001 - reported to the test
        errors.put(f"{type(error).__name__}: {error}"[:300])
    finally:
        project.close()


def test_two_importers_at_once_never_pick_the_same_interview_code(project):
    project.close()
    context = multiprocessing.get_context("spawn")
    barrier, errors = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_allocate_and_write, args=(str(project.root), n, barrier, errors))
        for n in (1, 2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=180)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
    with project.session() as s:
        codes = sorted(s.scalars(select(Interview.code)))
    assert codes == [f"INT-{n:03d}" for n in range(1, 2 * 2 * ROUNDS + 1)]


def _vault_codes(project: Project) -> dict[int, str]:
    with project.vault_session() as vs:
        query = select(Source.id, Source.interview_code).where(Source.status == "done")
        return {sid: code for sid, code in vs.execute(query)}


def _project_codes(project: Project) -> dict[int, str]:
    with project.session() as s:
        return {
            sid: code for sid, code in s.execute(select(Interview.vault_source_id, Interview.code))
        }


def test_import_and_import_qdpx_started_together_take_turns(project, tmp_path):
    project.close()
    qdpx = make_qdpx("qualcoder", tmp_path)
    commands = [
        [*TESTIMONY, "--project", str(project.root), "import", str(CORPUS / "int02-olga.txt")],
        [*TESTIMONY, "--project", str(project.root), "import-qdpx", str(qdpx)],
    ]
    runs = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    outcomes = [(r.wait(timeout=300), r.stderr.read()) for r in runs]
    for (code, err), command in zip(outcomes, commands, strict=True):
        if code == 0:
            continue
        # The one that came second is told so, and changed nothing; run again, it imports.
        assert code == 2 and "another testimony process" in err, err
        again = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
    assert any(code == 0 for code, _err in outcomes)
    codes = _project_codes(project)
    assert sorted(codes.values()) == [f"INT-{n:03d}" for n in range(1, len(codes) + 1)]
    assert len(codes) >= 2  # the transcript and at least one source of the .qdpx
    assert _vault_codes(project) == codes
    project.close()


def test_a_recovered_import_takes_its_code_from_the_coding_database(project, tmp_path):
    """Step 2 may settle another code than the vault's guess; a crash before step 3 is
    rolled forward under the code the interview really has."""
    path = tmp_path / "statement.txt"
    path.write_text("Q: Where were you?\nA: At home in Taraz, with my sister Aigul.\n")
    result = subprocess.run(
        [*TESTIMONY, "--project", str(project.root), "import", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    with project.vault_session() as vs, vs.begin():  # as a crash between steps 2 and 3 leaves it
        vs.execute(update(Source).values(status="pending", interview_code="INT-007"))
    assert recover_pending(project) == (1, 0)
    assert _vault_codes(project) == _project_codes(project) == {1: "INT-001"}
    listed = subprocess.run(
        [*TESTIMONY, "--project", str(project.root), "review", "list", "--interview", "INT-001"],
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0, listed.stderr
    assert "PERSON" in listed.stdout  # the vault finds the interview under its real code
