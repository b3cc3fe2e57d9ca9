"""Both coding-database backends for the shared fixtures: SQLite files and PostgreSQL.

Every test that uses `backend` (directly or through `project`, `corpus_project`,
`database_url`, ...) runs once per backend, unless it or its module is marked
`sqlite_only`. The PostgreSQL variants get a database of their own on a
throwaway cluster (see `pg_cluster.py`); without a server they skip saying why,
and with TESTIMONY_REQUIRE_POSTGRES=1 (CI) they fail instead.
"""

from __future__ import annotations

import os

import pytest

from .pg_cluster import ENV_REQUIRE, Cluster, PostgresUnavailable, start_cluster, unique_name

BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return  # the backend fixture's default; the test keeps its plain name (snapshots)
    metafunc.parametrize("backend", list(BACKENDS), indirect=True, scope="function")


def postgres_required() -> bool:
    return os.environ.get(ENV_REQUIRE, "") not in {"", "0"}


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL server for this test session (one per xdist worker), stopped at the end."""
    try:
        cluster = start_cluster()
    except PostgresUnavailable as error:
        if postgres_required():
            pytest.fail(f"{ENV_REQUIRE} is set but PostgreSQL is unavailable: {error}")
        pytest.skip(f"PostgreSQL unavailable: {error}")
    yield cluster
    cluster.stop()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """'sqlite' or 'postgresql': which database the test's project keeps its codings in."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def pg_database(request: pytest.FixtureRequest):
    """Make fresh PostgreSQL databases for this test: `pg_database()` returns a URL."""
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    made: list[str] = []

    def create(template: str = "template0") -> str:
        name = unique_name()
        made.append(name)
        return cluster.create_database(name, template)

    yield create
    for name in made:
        cluster.drop_database(name)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    """The coding database URL of the test's project: None (project.db) or a new PG database."""
    if backend == "sqlite":
        return None
    return request.getfixturevalue("pg_database")()
