"""Alembic, driven from code: bring a database to the newest schema, refuse newer ones.

Opening a project is the common case and its schema is usually current, so the
version is read with plain SQL and compared with HEADS; Alembic itself is
imported only when a database must be upgraded. A test keeps HEADS equal to
the migration scripts' heads.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from testimony.errors import SchemaError

HEADS = {"testimony.db": "0009", "testimony.vault": "v0003"}


def _config(package: str, engine: Engine):  # noqa: ANN202 - alembic's Config, imported lazily
    from alembic.config import Config

    location = Path(str(resources.files(package).joinpath("migrations")))
    config = Config()
    config.set_main_option("script_location", str(location))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, None for a new one."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def script_head(package: str, engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(package, engine)).get_current_head() or ""


def ensure_schema(engine: Engine, package: str, what: str) -> bool:
    """Upgrade the database to head if it is older; refuse if it is newer. True if upgraded."""
    current = current_revision(engine)
    if current == HEADS[package]:
        return False
    from alembic import command
    from alembic.script import ScriptDirectory

    config = _config(package, engine)
    script = ScriptDirectory.from_config(config)
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise SchemaError(
            f"{what} was made by a newer version of testimony (schema {current}); "
            "upgrade testimony to open it"
        )
    command.upgrade(config, "head")
    return True
