"""Shared set-up: real project folders in tmp_path, the shipped corpus, the real spaCy model."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from testimony.cli import cli
from testimony.project import Project, init_project
from testimony.redact.importer import import_files

from .coding_db import dump_coding_database, point_project_at
from .pg_cluster import unique_name

# The backend fixtures: tests of project, corpus_project and the like run on SQLite and PostgreSQL.
pytest_plugins = ["tests.backends"]

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
CODEBOOK = REPO / "codebooks" / "domestic-violence.yaml"
TRANSCRIPTS = sorted(
    p for p in CORPUS.iterdir() if p.suffix in {".txt", ".md", ".docx", ".vtt", ".srt", ".csv"}
)


@pytest.fixture
def project(tmp_path: Path, database_url: str | None):
    """A fresh, empty project with the shipped codebook (on each backend)."""
    from testimony.codebook import load_codebook
    from testimony.coding.themes import import_codebook

    project = init_project(tmp_path / "proj", database_url=database_url)
    with project.session() as s, s.begin():
        import_codebook(s, load_codebook(CODEBOOK))
    yield project
    project.close()


@pytest.fixture(scope="session")
def corpus_project_dir(tmp_path_factory) -> Path:
    """The whole corpus imported once; tests copy it before changing anything."""
    folder = tmp_path_factory.mktemp("corpus") / "proj"
    project = init_project(folder)
    report = import_files(project, TRANSCRIPTS)
    assert not report.failed, [(r.path.name, r.reason) for r in report.failed]
    project.close()
    return folder


@pytest.fixture(scope="session")
def corpus_project_dir_pg(tmp_path_factory, pg_cluster) -> tuple[Path, str]:
    """The corpus imported once into PostgreSQL: its folder and its (template) database."""
    name = unique_name("corpus")
    url = pg_cluster.create_database(name)
    folder = tmp_path_factory.mktemp("corpus_pg") / "proj"
    project = init_project(folder, database_url=url)
    report = import_files(project, TRANSCRIPTS)
    assert not report.failed, [(r.path.name, r.reason) for r in report.failed]
    project.close()
    return folder, name


def _private_copy(request: pytest.FixtureRequest, built: str, folder: Path) -> Path:
    """A copy of a session-built project for one test, on the test's backend.

    PostgreSQL databases are cloned with CREATE DATABASE ... TEMPLATE.
    """
    if request.getfixturevalue("backend") == "sqlite":
        shutil.copytree(request.getfixturevalue(built), folder)
        return folder
    source, template = request.getfixturevalue(f"{built}_pg")
    shutil.copytree(source, folder)
    point_project_at(folder, request.getfixturevalue("pg_database")(template))
    return folder


@pytest.fixture
def corpus_project(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    """A private copy of the imported corpus project (on each backend)."""
    project = Project.open(_private_copy(request, "corpus_project_dir", tmp_path / "copy"))
    yield project
    project.close()


@pytest.fixture(scope="session")
def coded_project_dir(tmp_path_factory) -> Path:
    """The small coded project of export_helpers, built once."""
    from .export_helpers import build_coded_project

    return build_coded_project(tmp_path_factory.mktemp("coded") / "proj")


@pytest.fixture(scope="session")
def coded_project_dir_pg(tmp_path_factory, pg_cluster) -> tuple[Path, str]:
    from .export_helpers import build_coded_project

    name = unique_name("coded")
    url = pg_cluster.create_database(name)
    return build_coded_project(tmp_path_factory.mktemp("coded_pg") / "proj", url), name


@pytest.fixture
def coded_copy(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A private copy of the small coded project's folder (on each backend)."""
    return _private_copy(request, "coded_project_dir", tmp_path / "proj")


@pytest.fixture
def run():
    """Run the CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args: str, env: dict | None = None, input_text: str | None = None):
        return runner.invoke(
            cli, [str(a) for a in args], env=env, input=input_text, catch_exceptions=False
        )

    return invoke


def dump_databases(folder: Path) -> dict[str, list[str]]:
    """Every row of both databases as text, to compare a project before and after."""
    dumps = {}
    on_server = dump_coding_database(folder)
    if on_server is not None:
        dumps["project.db"] = on_server
    for name in ("project.db", "vault.db"):
        if name in dumps:
            continue
        connection = sqlite3.connect(folder / name)
        try:
            dumps[name] = [
                line
                for line in connection.iterdump()
                if not line.startswith('INSERT INTO "excerpts_fts_')  # FTS shadow pages
            ]
        finally:
            connection.close()
    return dumps


SHELL_STORY = (
    "Q: Who else knew?\n"
    "A: Only the shop owner, everybody calls him Lucky. Lucky saw the bruises in March.\n"
    "Q: Did you go to the police?\n"
    "A: I went to the police in Taraz twice. They laughed at me.\n"
    "Q: And your husband?\n"
    "A: My husband Yerlan Bekov said Lucky would keep quiet.\n"
)


@pytest.fixture
def shell_project(project, tmp_path, run):
    """A project with one short statement imported from the shell (Lucky is missed)."""
    path = tmp_path / "statement.txt"
    path.write_text(SHELL_STORY)
    assert run("--project", project.root, "import", path).exit_code == 0
    return project


@pytest.fixture
def anyio_backend():
    """The TUI tests run Textual's pilot on asyncio."""
    return "asyncio"


@pytest.fixture
def excerpts(project):
    """INT-001 (the coding helpers' texts) and a short INT-002; the ids of INT-001's excerpts.
    Modules with excerpts of their own define this fixture again."""
    from .coding_helpers import add_interview

    ids = add_interview(project)
    add_interview(project, "INT-002", ["Second interview, first turn.", "He left."])
    return ids
