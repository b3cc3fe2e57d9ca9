"""Dumping and re-pointing a project whose coding database is on PostgreSQL (for tests)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, select, table, text

from testimony.db.engine import make_engine
from testimony.project import set_database_url
from testimony.settings import load_settings


def coding_database_url(folder: Path) -> str | None:
    """The server URL in the project's testimony.yaml, None when it keeps project.db."""
    url = load_settings(folder).database_url
    return url if url and not url.startswith("sqlite") else None


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
