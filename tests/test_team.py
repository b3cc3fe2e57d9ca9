"""A team on one project: coders at once, merged by the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import threading

import pytest
from sqlalchemy import func, select

from testimony.coding import codebook_edits, codings
from testimony.coding.errors import CodingError
from testimony.coding.workbench import Workbench
from testimony.db.audit import verify
from testimony.db.models import AuditEntry, Coder, Coding, Theme
from testimony.project import Project

from .coding_helpers import add_interview
from .coding_race import run_race
from .conftest import CODEBOOK

RACE_SECONDS = float(os.environ.get("TESTIMONY_RACE_SECONDS", "30"))
WAIT = 0.5  # long enough for a waiting transaction to show that it waits


def _in_thread(call):  # noqa: ANN001, ANN202
    """Start call in a thread; returns the thread and where its result or error will be."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = call()
        except Exception as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _codings(project: Project) -> list[tuple]:
    with project.session() as s:
        rows = s.execute(
            select(Coding.excerpt_id, Coding.start, Coding.end, Theme.slug, Coder.name)
            .join(Theme, Theme.id == Coding.theme_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .order_by(Coder.name)
        )
        return [tuple(r) for r in rows]


def test_two_coders_coding_the_same_excerpt_at_once_both_keep_their_codings(project):
    excerpt = add_interview(project)[1]
    other = Project.open(project.root)  # the second coder's own connection, as on another laptop
    ben = Workbench(other, "ben")
    ana = Workbench(project, "ana")
    try:
        with project.write_session() as s, s.begin():
            codings.apply_theme(s, ana.coder_id, excerpt, 0, 10, "physical-violence")
            thread, outcome = _in_thread(
                lambda: ben.apply_theme(excerpt, 0, 10, "physical-violence")
            )
            thread.join(WAIT)  # PostgreSQL lets ben commit now; SQLite makes him wait for ana
        thread.join(60)
        assert "error" not in outcome, outcome
        assert _codings(project) == [
            (excerpt, 0, 10, "physical-violence", "ana"),
            (excerpt, 0, 10, "physical-violence", "ben"),
        ]
    finally:
        other.close()


def test_a_rename_of_a_theme_merged_away_meanwhile_is_refused_clearly(project):
    excerpt = add_interview(project)[1]
    ana = Workbench(project, "ana")
    ana.apply_theme(excerpt, 0, 10, "verbal-abuse-humiliation")
    other = Project.open(project.root)
    ben = Workbench(other, "ben")
    try:
        with project.write_session() as s, s.begin():
            codebook_edits.merge_themes(
                s, "ana", "verbal-abuse-humiliation", "threats-intimidation"
            )
            thread, outcome = _in_thread(
                lambda: ben.edit_theme("verbal-abuse-humiliation", name="Insults")
            )
            thread.join(WAIT)
            assert thread.is_alive()  # ben waits for ana's merge to end, on either backend
        thread.join(60)
        error = outcome.get("error")
        assert isinstance(error, CodingError), outcome
        assert "merged into 'threats-intimidation' by ana" in str(error)
        assert "nothing was changed" in str(error)
        with project.session() as s:
            names = set(s.scalars(select(Theme.name)))
            edits = s.scalar(select(func.count()).where(AuditEntry.action == "theme-edit"))
            assert verify(s)[1] is None
        assert "Insults" not in names and edits == 0
        assert _codings(project) == [(excerpt, 0, 10, "threats-intimidation", "ana")]
    finally:
        other.close()


def test_a_merge_after_a_rename_waits_and_then_merges_the_renamed_theme(project):
    other = Project.open(project.root)
    ben = Workbench(other, "ben")
    try:
        with project.write_session() as s, s.begin():
            codebook_edits.edit_theme(s, "ana", "verbal-abuse-humiliation", name="Insults")
            thread, outcome = _in_thread(
                lambda: ben.merge_themes("verbal-abuse-humiliation", "threats-intimidation")
            )
            thread.join(WAIT)
            assert thread.is_alive()
        thread.join(60)
        assert outcome == {"result": 0}
        with project.session() as s:
            slugs = set(s.scalars(select(Theme.slug)))
            actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))[-2:]
            assert verify(s)[1] is None
        assert "verbal-abuse-humiliation" not in slugs and "threats-intimidation" in slugs
        assert actions == ["theme-edit", "theme-merge"]
    finally:
        other.close()


def test_coding_with_a_theme_deleted_meanwhile_is_refused_clearly(project):
    excerpt = add_interview(project)[1]
    other = Project.open(project.root)
    ben = Workbench(other, "ben")
    try:
        with project.write_session() as s, s.begin():
            codebook_edits.delete_theme(s, "ana", "stalking-surveillance")
            thread, outcome = _in_thread(
                lambda: ben.apply_theme(excerpt, 0, 5, "stalking-surveillance")
            )
            thread.join(WAIT)
            assert thread.is_alive()
        thread.join(60)
        assert isinstance(outcome.get("error"), CodingError), outcome
        assert "stalking-surveillance" in str(outcome["error"])
        assert _codings(project) == []
    finally:
        other.close()


def test_four_coders_coding_at_random_keep_every_acknowledged_coding(project, tmp_path):
    add_interview(project)
    add_interview(project, "INT-002")
    result = run_race(project, processes=4, seconds=RACE_SECONDS, logs=tmp_path / "acks")
    assert result.errors == []
    assert result.acknowledged > 40  # the race really ran
    assert (result.missing, result.resurrected, result.unexpected) == ([], [], [])
    assert result.misattributed == []
    assert result.operations_off == {}  # every change on its own coder's undo log
    assert result.kept == result.acknowledged
    if result.backend == "sqlite":
        assert result.integrity == "ok"


def test_one_person_starting_twice_at_once_is_one_coder(project):
    other = Project.open(project.root)
    try:
        threads = [_in_thread(lambda p=p: Workbench(p, "dana").coder_id) for p in (project, other)]
        for thread, _ in threads:
            thread.join(60)
        ids = [outcome["result"] for _, outcome in threads]
        assert ids[0] == ids[1]
        with project.session() as s:
            assert s.scalar(select(func.count()).where(Coder.name == "dana")) == 1
    finally:
        other.close()


def test_concurrent_audit_appends_keep_one_chain(project):
    """Codebook edits by several coders at once: the audit chain still verifies."""
    others = [Project.open(project.root) for _ in range(3)]
    try:
        benches = [Workbench(p, f"coder-{n}") for n, p in enumerate(others)]
        barrier = threading.Barrier(len(benches))

        def add(bench: Workbench) -> list[str]:
            barrier.wait()
            return [bench.add_theme(f"{bench.coder} theme {n}") for n in range(5)]

        threads = [_in_thread(lambda b=b: add(b)) for b in benches]
        for thread, _ in threads:
            thread.join(120)
        assert all("result" in outcome for _, outcome in threads), threads
        with project.session() as s:
            assert verify(s)[1] is None
            added = s.scalar(select(func.count()).where(AuditEntry.action == "theme-add"))
        assert added == 15
    finally:
        for p in others:
            p.close()


def test_init_on_postgresql_from_the_shell_and_a_second_init_is_refused(pg_database, tmp_path, run):
    url = pg_database().replace("postgresql+psycopg://", "postgresql://")  # as a user types it
    folder = tmp_path / "study"
    made = run("init", folder, "--db", url, "--codebook", CODEBOOK)
    assert made.exit_code == 0, made.stderr
    assert not (folder / "project.db").exists() and (folder / "vault.db").exists()
    shown = run("--project", folder, "codebook", "show")
    assert shown.exit_code == 0 and "physical-violence" in shown.stdout
    again = run("init", tmp_path / "second", "--db", url)
    assert again.exit_code == 2
    assert "already holds a testimony project" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "second").exists()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://ana:s3cret-pw@127.0.0.1:1/study", "cannot open the coding database"),
        ("mysql://ana:s3cret-pw@localhost/study", "SQLite or PostgreSQL"),
        ("not a url", "is not a database URL"),
    ],
)
def test_a_bad_database_url_is_one_clear_line_and_makes_nothing(tmp_path, run, url, says):
    result = run("init", tmp_path / "study", "--db", url)
    assert result.exit_code == 2
    assert says in result.stderr and "s3cret-pw" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "study").exists()


def test_a_coder_works_on_the_team_database_from_a_folder_without_the_vault(
    pg_database, tmp_path, run
):
    from testimony.project import init_project

    lead = init_project(tmp_path / "lead", database_url=pg_database())
    with lead.session() as s, s.begin():
        from testimony.codebook import load_codebook
        from testimony.coding.themes import import_codebook

        import_codebook(s, load_codebook(CODEBOOK))
    add_interview(lead)
    lead.close()
    coder = tmp_path / "ana"
    coder.mkdir()
    for shared in ("testimony.yaml", "allow-list.txt"):  # as docs/team.md says
        (coder / shared).write_bytes((tmp_path / "lead" / shared).read_bytes())

    coded = run(
        "--project", coder, "autocode", "police", "--theme", "police-response", "--coder", "ana"
    )
    assert coded.exit_code == 0, coded.stderr
    found = run("--project", coder, "search", "officer laughed", "--json")
    assert found.exit_code == 0 and len(json.loads(found.stdout)) == 1
    listed = run("--project", coder, "codings", "--json")
    assert listed.exit_code == 0
    assert {c["coder"] for c in json.loads(listed.stdout)} == {"ana"}
    assert sorted(p.name for p in coder.iterdir()) == ["allow-list.txt", "testimony.yaml"]
    project = Project.open(tmp_path / "lead")
    try:
        assert [c[4] for c in _codings(project)] == ["ana"]  # seen by the lead too
    finally:
        project.close()
