"""A project folder's coding database for tests, whichever backend holds it.

Tests that look into project.db directly (a dump to compare, a row to tamper
with) go through these, so they run on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, inspect, select, table, text

from testimony.db.engine import make_engine
from testimony.project import set_database_url
from testimony.settings import load_settings


def coding_database_url(folder: Path) -> str | None:
    """The server URL in the project's testimony.yaml, None when it keeps project.db."""
    url = load_settings(folder).database_url
    return url if url and not url.startswith("sqlite") else None


@contextmanager
def coding_engine(folder: Path) -> Iterator[Engine]:
    """An engine on the project's coding database (project.db or the server), no migrations."""
    engine = make_engine(coding_database_url(folder) or f"sqlite:///{folder / 'project.db'}")
    try:
        yield engine
    finally:
        engine.dispose()


def coding_database_strings(folder: Path) -> list[str]:
    """Every string the coding database holds, JSON values opened up, on either backend."""
    found: list[str] = []
    with coding_engine(folder) as engine, engine.connect() as connection:
        for name in inspect(connection).get_table_names():
            for row in connection.execute(select(text("*")).select_from(table(name))):
                stack = list(row)
                while stack:
                    value = stack.pop()
                    if isinstance(value, str):
                        found.append(value)
                    elif isinstance(value, dict):
                        stack += [*value.keys(), *value.values()]
                    elif isinstance(value, list | tuple):
                        stack += value
    return found


def dump_coding_database(folder: Path) -> list[str] | None:
    """Every row of every table on the server, in key order, as text; None for SQLite projects."""
    url = coding_database_url(folder)
    if url is None:
        return None
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            lines = []
            for name in sorted(inspector.get_table_names()):
                columns = [c["name"] for c in inspector.get_columns(name)]
                lines.append(f"TABLE {name} ({', '.join(columns)})")
                keys = inspector.get_pk_constraint(name)["constrained_columns"] or columns
                query = select(*(text(f'"{c}"') for c in columns)).select_from(table(name))
                query = query.order_by(*(text(f'"{c}"') for c in keys))
                lines.extend(f"{name}{tuple(row)!r}" for row in connection.execute(query))
            return lines
    finally:
        engine.dispose()


def point_project_at(folder: Path, url: str) -> None:
    """Make the project folder use the coding database at url."""
    set_database_url(folder, url)
