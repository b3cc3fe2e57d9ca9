"""Detection in worker processes: what one process finds, nothing left behind, no cost if small."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import select

from testimony.db.models import Excerpt, Interview
from testimony.ingest.readers import READERS
from testimony.ingest.segment import excerpts_from_turns
from testimony.project import Project, init_project
from testimony.redact import parallel
from testimony.redact.importer import import_files
from testimony.redact.parallel import DetectionPool, detect_batches, processes_for, usable_cpus
from testimony.redact.pipeline import BATCH_SIZE, RedactionPipeline
from testimony.settings import load_settings
from testimony.vault.models import Entity, Mention, Source

from .conftest import CORPUS, TRANSCRIPTS
from .test_import import CRASH_SCRIPT


def _corpus_batches() -> list[list[str]]:
    """Each corpus file's excerpt texts, as import cuts them: one batch per file."""
    batches = []
    for path in TRANSCRIPTS:
        result = READERS[path.suffix][1](path, path.read_bytes(), {})
        batches.append([e.text for d in result.documents for e in excerpts_from_turns(d.turns)])
    return batches


@pytest.mark.slow
def test_two_processes_detect_exactly_what_one_process_detects():
    batches = _corpus_batches()
    # One batch longer than two spaCy batches too, which is split between workers.
    batches.append([text for batch in batches for text in batch][: 2 * BATCH_SIZE + 10])
    pipeline = RedactionPipeline()
    one_process = [pipeline.detect(batch) for batch in batches]

    two_processes = list(detect_batches(RedactionPipeline(), batches, processes=2))

    assert sum(len(spans) for batch in one_process for spans in batch) > 2_000
    assert two_processes == one_process


def _stored(folder) -> dict[str, list]:  # noqa: ANN001
    """What an import stored: pseudonymized excerpts, and every mention with its entity."""
    project = Project.open(folder)
    try:
        with project.session() as s:
            excerpts = s.execute(
                select(Interview.code, Excerpt.position, Excerpt.text, Excerpt.pseudonyms)
                .join(Interview)
                .order_by(Interview.code, Excerpt.position)
            ).all()
        with project.vault_session() as vs:
            mentions = vs.execute(
                select(
                    Mention.field,
                    Mention.start,
                    Mention.end,
                    Mention.label,
                    Mention.detector,
                    Entity.pseudonym,
                )
                .join(Entity)
                .order_by(Mention.id)
            ).all()
    finally:
        project.close()
    return {"excerpts": [tuple(r) for r in excerpts], "mentions": [tuple(r) for r in mentions]}


@pytest.mark.slow
def test_an_import_in_two_processes_stores_what_one_process_stores(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_FROM_WORDS", 0)  # the corpus is small
    stored = {}
    for processes in (1, 2):
        folder = tmp_path / f"in-{processes}"
        project = init_project(folder)
        settings = folder / "testimony.yaml"
        settings.write_text(
            settings.read_text().replace("processes: auto", f"processes: {processes}")
        )
        project.settings = load_settings(folder)
        report = import_files(project, TRANSCRIPTS)
        project.close()
        assert not report.failed
        stored[processes] = _stored(folder)
    assert len(stored[1]["mentions"]) > 1_000
    assert stored[2] == stored[1]


def test_a_single_interview_is_detected_in_the_calling_process():
    assert processes_for(None, words=20_000) == 1
    assert processes_for(4, words=20_000) == 1


def test_a_large_import_uses_every_cpu_unless_told_otherwise():
    assert processes_for(None, words=1_000_000) == usable_cpus()
    assert processes_for(1, words=1_000_000) == 1
    assert processes_for(3, words=1_000_000) == 3


ORPHAN_SCRIPT = """
import os, sys, time
from testimony.redact.parallel import DetectionPool
from testimony.redact.pipeline import BATCH_SIZE
from testimony.redact.pipeline import RedactionPipeline

pool = DetectionPool(RedactionPipeline(use_ner=False), 2)
pool.submit(["My husband Yerlan"] * (2 * BATCH_SIZE)).result()
print(" ".join(str(pid) for pid in pool.pids), flush=True)
time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_their_import_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(ORPHAN_SCRIPT)], stdout=subprocess.PIPE, text=True
    )
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(_running(pid) for pid in workers)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 20
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_running(pid) for pid in workers)
    finally:
        parent.kill()


def test_a_pool_closes_its_workers():
    pool = DetectionPool(RedactionPipeline(use_ner=False), 2)
    assert pool.submit(["Call Yerlan on +7 701 234 56 78"]).result()[0]
    workers = pool.pids
    pool.close()
    assert workers and not any(_running(pid) for pid in workers)


@pytest.mark.slow
def test_a_killed_import_in_two_processes_is_completed_by_running_it_again(project, run):
    files = [CORPUS / "int01-aigerim.txt", CORPUS / "int13-oksana.txt"]
    script = "import testimony.redact.parallel as p\np.PARALLEL_FROM_WORDS = 0\n"
    script += textwrap.dedent(CRASH_SCRIPT)
    killed = subprocess.run(
        [sys.executable, "-c", script, str(project.root), "_write_interview", *map(str, files)],
        capture_output=True,
    )
    assert killed.returncode == -9, killed.stderr
    with project.vault_session() as vs:
        assert [s.status for s in vs.scalars(select(Source))] == ["pending"]

    result = run("--project", project.root, "import", *files)

    assert result.exit_code == 0, result.stderr
    with project.session() as s:
        assert list(s.scalars(select(Interview.code))) == ["INT-001", "INT-002"]
    with project.vault_session() as vs:
        assert [s.status for s in vs.scalars(select(Source))] == ["done", "done"]


@pytest.mark.parametrize("value", ["0", "-2", "two", "true"])
def test_redaction_processes_must_be_auto_or_a_number_from_one(tmp_path, value):
    from testimony.errors import SettingsError

    init_project(tmp_path / "p").close()
    settings = tmp_path / "p" / "testimony.yaml"
    settings.write_text(settings.read_text().replace("processes: auto", f"processes: {value}"))
    with pytest.raises(SettingsError, match="redaction.processes"):
        load_settings(tmp_path / "p")


def test_redaction_processes_defaults_to_one_per_cpu(tmp_path):
    init_project(tmp_path / "p").close()
    assert load_settings(tmp_path / "p").processes is None
    settings = tmp_path / "p" / "testimony.yaml"
    settings.write_text(settings.read_text().replace("processes: auto", "processes: 3"))
    assert load_settings(tmp_path / "p").processes == 3
