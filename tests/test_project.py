"""Project folders: init, finding the project like git, settings, schema versions."""

from __future__ import annotations

import sqlite3
import stat

import pytest
from sqlalchemy import create_engine

from testimony.db.migrate import HEADS, current_revision, ensure_schema
from testimony.errors import ProjectExists, ProjectNotFound, SchemaError
from testimony.project import Project, find_project, init_project
from testimony.settings import load_settings

from .conftest import CODEBOOK


def test_init_makes_the_three_files(run, tmp_path):
    result = run("init", tmp_path / "study", "--codebook", CODEBOOK)
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "study"
    assert {p.name for p in folder.iterdir()} >= {"project.db", "vault.db", "testimony.yaml"}
    assert stat.S_IMODE((folder / "vault.db").stat().st_mode) == 0o600
    assert "# " in (folder / "testimony.yaml").read_text()  # commented for hand editing
    assert load_settings(folder).max_file_mb == 50


def test_init_refuses_an_existing_project(run, tmp_path):
    assert run("init", tmp_path / "p").exit_code == 0
    again = run("init", tmp_path / "p")
    assert again.exit_code == 2
    assert "already holds a testimony project" in again.stderr


def test_init_with_a_broken_codebook_makes_nothing(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("themes:\n  - id: a\n")
    result = run("init", tmp_path / "p", "--codebook", bad)
    assert result.exit_code == 1
    assert not (tmp_path / "p").exists()


def test_the_project_is_found_from_a_subfolder(tmp_path, monkeypatch):
    init_project(tmp_path / "p").close()
    (tmp_path / "p" / "notes" / "deep").mkdir(parents=True)
    monkeypatch.delenv("TESTIMONY_PROJECT", raising=False)
    assert find_project(start=tmp_path / "p" / "notes" / "deep") == (tmp_path / "p").resolve()


def test_the_environment_names_the_project(tmp_path, monkeypatch, run):
    init_project(tmp_path / "p").close()
    monkeypatch.chdir(tmp_path)
    result = run("interviews", env={"TESTIMONY_PROJECT": str(tmp_path / "p")})
    assert result.exit_code == 0
    assert "no interviews yet" in result.stdout


def test_outside_a_project_commands_fail_clearly(tmp_path, monkeypatch, run):
    monkeypatch.chdir(tmp_path)
    result = run("interviews", env={"TESTIMONY_PROJECT": ""})
    assert result.exit_code == 2
    assert "not inside a testimony project" in result.stderr
    with pytest.raises(ProjectNotFound):
        find_project(start=tmp_path)


def test_init_into_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ProjectExists):
        init_project(tmp_path / "file")


def test_an_older_schema_is_upgraded_on_open(tmp_path):
    from alembic import command

    from testimony.db.migrate import _config

    folder = tmp_path / "p"
    init_project(folder).close()
    engine = create_engine(f"sqlite:///{folder / 'project.db'}")
    command.downgrade(_config("testimony.db", engine), "0001")
    assert current_revision(engine) == "0001"
    engine.dispose()
    project = Project.open(folder)
    assert current_revision(project.engine) == HEADS["testimony.db"]
    project.close()


def test_a_newer_schema_is_refused(tmp_path, run):
    folder = tmp_path / "p"
    init_project(folder).close()
    connection = sqlite3.connect(folder / "project.db")
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    with pytest.raises(SchemaError, match="newer version of testimony"):
        ensure_schema(create_engine(f"sqlite:///{folder / 'project.db'}"), "testimony.db", "db")
    result = run("--project", folder, "interviews")
    assert result.exit_code == 2 and "newer version of testimony" in result.stderr


def test_db_upgrade_command(tmp_path, run):
    init_project(tmp_path / "p").close()
    result = run("--project", tmp_path / "p", "db", "upgrade")
    assert result.exit_code == 0 and f"schema {HEADS['testimony.db']}" in result.stdout


def test_a_broken_settings_file_is_a_clear_error(tmp_path, run):
    init_project(tmp_path / "p").close()
    (tmp_path / "p" / "testimony.yaml").write_text("import: [\n")
    result = run("--project", tmp_path / "p", "interviews")
    assert result.exit_code == 2 and "testimony.yaml:2:1: not valid YAML" in result.stderr


def test_demo_builds_the_project_and_reuses_it(tmp_path, run):
    first = run("demo", "--no-tui", tmp_path / "demo")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.strip() == str((tmp_path / "demo").resolve())
    interviews = run("--project", tmp_path / "demo", "interviews", "--json")
    import json

    assert len(json.loads(interviews.stdout)) >= 12
    again = run("demo", "--no-tui", tmp_path / "demo")
    assert again.exit_code == 0


@pytest.mark.parametrize("package", ["testimony.db", "testimony.vault"])
def test_the_known_schema_head_matches_the_migration_scripts(package, tmp_path):
    from testimony.db.migrate import HEADS, script_head

    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert HEADS[package] == script_head(package, engine)
